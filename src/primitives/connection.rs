//! `oracle(#{ user, password, connect })`: the connection descriptor scripts pass to the
//! primitives that talk to the database.
//!
//! Nothing connects when the descriptor is made: a primitive that needs the database hands it to
//! [`super::sqlplus::run_sql`].

use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use crate::oracle::connection::{Connection, ConnectionError};
use crate::secret::Secret;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use std::fmt;
use std::sync::Arc;

pub const ORACLE: PrimitiveDoc = PrimitiveDoc {
    name: "oracle",
    signature: "oracle(#{ user: string, password: Secret, connect: string }) -> Oracle\noracle(#{ wallet: string }) -> Oracle",
    summary: "Describes how to reach the database; nothing connects until a primitive needs it. `connect` is an Easy Connect string (`//host:port/service`) or a TNS alias (leave it out for the local default). `password` must be a Secret from secret_env, secret_prompt or secret_file: a plain string is refused. A wallet needs no password: `oracle(#{ wallet: \"PRODDB\" })` or `connect: \"/@PRODDB\"`. The descriptor prints as the masked userid (`BIZAGIADMON/\"***\"@//db:1521/ORCL`).",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
print(db);                     // BIZAGIADMON/"***"@//localhost:1521/ORCLPDB1"#,
};

/// The Rhai type `Oracle`: a connection descriptor.
#[derive(Clone)]
pub struct Oracle {
    pub connection: Connection,
}

impl fmt::Display for Oracle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.connection.userid_masked())
    }
}

impl fmt::Debug for Oracle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oracle({})", self.connection.userid_masked())
    }
}

/// Registers the `Oracle` type and `oracle(...)`.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    engine
        .register_type_with_name::<Oracle>("Oracle")
        .register_fn("to_string", |db: &mut Oracle| db.to_string())
        .register_fn("to_debug", |db: &mut Oracle| format!("{db:?}"))
        .register_get("user", |db: &mut Oracle| -> Dynamic {
            db.connection
                .user()
                .map(Dynamic::from)
                .unwrap_or(Dynamic::UNIT)
        })
        .register_get("connect", |db: &mut Oracle| -> Dynamic {
            db.connection
                .connect()
                .map(|c| Dynamic::from(c.to_string()))
                .unwrap_or(Dynamic::UNIT)
        })
        .register_get("is_wallet", |db: &mut Oracle| db.connection.is_wallet());
    registration(&ORACLE, &["options: Map", "Oracle"]).register_into_engine(engine, oracle);
}

const KEYS: &[&str] = &["user", "password", "connect", "wallet"];

fn oracle(options: Map) -> Result<Oracle, Box<EvalAltResult>> {
    check_keys("oracle", &options, KEYS)?;
    let text = |key: &str| -> Result<Option<String>, Box<EvalAltResult>> {
        match options.get(key) {
            None => Ok(None),
            Some(value) if value.is_unit() => Ok(None),
            Some(value) => value.clone().into_string().map(Some).map_err(|_| {
                misuse(
                    "oracle",
                    format!("`{key}` must be a string"),
                    ORACLE.signature,
                )
            }),
        }
    };
    let user = text("user")?;
    let connect = text("connect")?;
    let wallet = text("wallet")?.or_else(|| {
        connect
            .as_deref()
            .filter(|_| user.is_none())
            .and_then(|c| c.strip_prefix("/@"))
            .map(str::to_string)
    });
    if let Some(alias) = wallet {
        if user.is_some() || options.contains_key("password") {
            return Err(misuse(
                "oracle",
                "a wallet connection takes no user or password",
                "oracle(#{ wallet: \"ALIAS\" })",
            ));
        }
        let connection = Connection::wallet(&alias).map_err(connection_error)?;
        return Ok(Oracle { connection });
    }
    let user = user.ok_or_else(|| {
        misuse(
            "oracle",
            "`user` is required (or `wallet` for a wallet connection)",
            ORACLE.signature,
        )
    })?;
    let password = password(&options, &user)?;
    let connection =
        Connection::with_password(&user, password, connect.as_deref()).map_err(connection_error)?;
    Ok(Oracle { connection })
}

fn password(options: &Map, user: &str) -> Result<Secret, Box<EvalAltResult>> {
    let value = options
        .get("password")
        .ok_or_else(|| connection_error(ConnectionError::MissingPassword(user.to_uppercase())))?;
    if value.is_string() {
        return Err(script_error(
            "BZ-SECRET-PLAIN",
            "oracle: `password` is a plain string; bizscript only takes passwords as secrets so they can never be printed or logged",
            "use password: secret_env(\"BIZSCRIPT_PASSWORD\"), secret_prompt(\"Password\") or secret_file(\"pw.txt\")",
        ));
    }
    value.clone().try_cast::<Secret>().ok_or_else(|| {
        misuse(
            "oracle",
            format!("`password` must be a Secret, not {}", value.type_name()),
            ORACLE.signature,
        )
    })
}

fn connection_error(error: ConnectionError) -> Box<EvalAltResult> {
    let hint = match &error {
        ConnectionError::MissingPassword(_) => {
            "add password: secret_env(\"BIZSCRIPT_PASSWORD\"), or use a wallet: oracle(#{ wallet: \"ALIAS\" })"
        }
        ConnectionError::BadPassword => "change the password to one without double quotes or line breaks",
        ConnectionError::BadConnect { .. } => {
            "use Easy Connect (//host:port/service) or a TNS alias; put anything longer in tnsnames.ora and give its alias"
        }
        _ => "user names are letters, digits, _ $ # (see docs/oracle.md §6.6)",
    };
    let code = match &error {
        // A connect string that reached a parfile or a CONNECT line could change the command.
        ConnectionError::BadConnect { .. } => "BZ-PARAMETER-CONNECT",
        _ => "BZ-CONNECTION",
    };
    script_error(code, format!("oracle: {error}"), hint)
}

/// The environment of bizscript's Oracle children (sqlplus, expdp): the run's overrides, plus a
/// clean sqlplus profile search path (no `login.sql` may change the SET options) and, for a full
/// home on Unix, its `lib` first on the library path. NLS_LANG is left as the run has it: each
/// caller decides what its child needs.
pub fn child_env(ctx: &HostCtx) -> Vec<(String, Option<String>)> {
    let mut env: Vec<(String, Option<String>)> = ctx
        .env
        .overrides()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect();
    env.push(("SQLPATH".into(), Some(String::new())));
    env.push(("ORACLE_PATH".into(), None));
    #[cfg(all(unix, not(target_os = "macos")))]
    if let Some(home) = ctx.env.oracle_home() {
        if crate::oracle::oracle_homes::HomeLayout::inspect(&home).kind
            == crate::oracle::oracle_homes::HomeKind::Full
            && home.join("lib").is_dir()
        {
            let mut paths = vec![home.join("lib")];
            if let Some(existing) = ctx.env.get("LD_LIBRARY_PATH") {
                paths.extend(std::env::split_paths(&existing));
            }
            if let Ok(joined) = std::env::join_paths(paths) {
                env.push((
                    "LD_LIBRARY_PATH".into(),
                    Some(joined.to_string_lossy().into_owned()),
                ));
            }
        }
    }
    env
}

#[cfg(test)]
mod tests {
    use crate::host::context::OracleEnv;
    use crate::primitives::testing::{code, context, engine, eval, text};

    fn engine_() -> rhai::Engine {
        engine(&context(OracleEnv::inherit(), false, false))
    }

    #[test]
    fn prints_as_the_masked_userid() {
        let e = engine_();
        let shown = eval(
            &e,
            r#"let db = oracle(#{ user: "bizagiadmon", password: pw, connect: "//db:1521/ORCL" }); `${db}|${db.user}|${db.connect}|${db.is_wallet}`"#,
        )
        .unwrap()
        .to_string();
        assert_eq!(
            shown,
            "bizagiadmon/\"***\"@//db:1521/ORCL|BIZAGIADMON|//db:1521/ORCL|false"
        );
    }

    #[test]
    fn a_plain_string_password_is_refused_with_a_hint() {
        let err = eval(&engine_(), r#"oracle(#{ user: "U", password: "tiger" })"#).unwrap_err();
        assert_eq!(code(&err), "BZ-SECRET-PLAIN");
        assert!(text(&err).contains("secret_env"));
        assert!(!text(&err).contains("tiger"));
    }

    #[test]
    fn misuse_is_refused() {
        let e = engine_();
        let err = eval(&e, r#"oracle(#{ user: "U", pasword: pw })"#).unwrap_err();
        assert_eq!(code(&err), "BZ-OPTION");
        assert!(
            text(&err).contains("did you mean `password`"),
            "{}",
            text(&err)
        );
        assert_eq!(
            code(&eval(&e, r#"oracle(#{ user: "U" })"#).unwrap_err()),
            "BZ-CONNECTION"
        );
        assert_eq!(
            code(&eval(&e, r#"oracle(#{ password: pw })"#).unwrap_err()),
            "BZ-USAGE"
        );
        assert_eq!(
            code(
                &eval(
                    &e,
                    r#"oracle(#{ user: "U", password: pw, connect: "db; host" })"#
                )
                .unwrap_err()
            ),
            "BZ-PARAMETER-CONNECT"
        );
        assert_eq!(
            code(&eval(&e, r#"oracle(#{ user: "U", password: 42 })"#).unwrap_err()),
            "BZ-USAGE"
        );
        assert_eq!(
            code(&eval(&e, r#"oracle(#{ wallet: "PROD", user: "U" })"#).unwrap_err()),
            "BZ-USAGE"
        );
    }

    #[test]
    fn wallets_need_no_password() {
        let e = engine_();
        let a = eval(
            &e,
            r#"let db = oracle(#{ wallet: "PRODDB" }); `${db}|${db.is_wallet}`"#,
        )
        .unwrap();
        assert_eq!(a.to_string(), "/@PRODDB|true");
        let b = eval(&e, r#"oracle(#{ connect: "/@PRODDB" }).to_string()"#).unwrap();
        assert_eq!(b.to_string(), "/@PRODDB");
    }
}
