//! `nls_charset(db)`: can this client represent every character the database holds?
//!
//! The client side is NLS_LANG as the run's Oracle children see it (Oracle's default
//! `AMERICAN_AMERICA.US7ASCII` when unset); the database side comes from
//! `nls_database_parameters`. The comparison rests on Oracle's published subset/superset pairs,
//! shipped as data (`src/oracle/charsets.tsv`).

use super::connection::Oracle;
use super::errors::script_error;
use super::sqlplus::{run_sql, sql_error};
use super::step::Step;
use super::windows_registry::{registry_homes, registry_nls_lang};
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use crate::oracle::client_charset::{self, DatabaseCharsets};
use crate::oracle::nls_lang::NlsLang;
use crate::oracle::sqlplus_script::SqlplusScript;
use rhai::{Dynamic, Engine, EvalAltResult};
use std::sync::Arc;

pub const NLS_CHARSET: PrimitiveDoc = PrimitiveDoc {
    name: "nls_charset",
    signature: "nls_charset(db: Oracle) -> Map",
    summary: "Compares the client's character set (from NLS_LANG, parsed as LANGUAGE_TERRITORY.CHARSET; Oracle's default AMERICAN_AMERICA.US7ASCII when unset) with the database's (nls_database_parameters). Returns #{ client_nls_lang, client_charset, database_charset, national_charset, compatible, verdict, advice }: `verdict` is \"same\", \"compatible\" (a Unicode client, or one of Oracle's binary supersets of the database's set) or \"incompatible\", in which case `advice` says which characters would be altered and which NLS_LANG to set. Data Pump writes the dump in the database character set either way; the client setting matters for messages, logs and the import side, and Bizagi's procedure requires the two to be the same or compatible. Only reads, so it also runs under --dry-run.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
let cs = nls_charset(db);
print(`${cs.verdict}: client ${cs.client_charset}, database ${cs.database_charset}`);
if !cs.compatible { print(cs.advice); }"#,
};

pub use crate::oracle::client_charset::{report, CharsetReport};

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let ctx = Arc::clone(ctx);
    registration(&NLS_CHARSET, &["db: Oracle", "Map"]).register_into_engine(
        engine,
        move |db: Oracle| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&ctx, "nls_charset: reading the database character set");
            let report = nls_charset(&ctx, &db).map_err(|e| ctx.record_error("nls_charset", e))?;
            step.finish(&format!(
                "nls_charset: {} (client {} from {}, database {})",
                report.verdict,
                report.client_charset,
                report.client_nls_lang,
                report.database_charset
            ));
            ctx.record("nls_charset", rhai::serde::to_dynamic(&report))
        },
    );
}

/// The query and the comparison.
pub fn nls_charset(ctx: &HostCtx, db: &Oracle) -> Result<CharsetReport, Box<EvalAltResult>> {
    let mut script = SqlplusScript::new();
    let query = script.query(client_charset::SQL);
    let output = run_sql(ctx, db, "nls_charset", &script)?;
    let DatabaseCharsets { database, national } =
        client_charset::parse(output.rows(query)).map_err(|e| sql_error("nls_charset", e))?;
    let database = database.ok_or_else(|| {
        script_error(
            "BZ-NLS-UNKNOWN",
            "nls_charset: nls_database_parameters has no NLS_CHARACTERSET row",
            "query it by hand: SELECT * FROM nls_database_parameters",
        )
    })?;
    let registry = registry_nls_lang(ctx, &registry_homes(ctx));
    let client = NlsLang::resolve(ctx.env.get("NLS_LANG").as_deref(), registry.as_deref());
    Ok(report(&client, &database, national.unwrap_or_default()))
}

#[cfg(test)]
mod sim_tests {
    use crate::primitives::testing::{code, text, Sim, PASSWORD};
    use rhai::Map;

    #[test]
    fn the_simulated_database_matches_a_utf8_client() {
        let Some(sim) = Sim::start("ok") else { return };
        let r: Map = sim.run("nls_charset(db)").unwrap().cast();
        assert_eq!(r["verdict"].to_string(), "same");
        assert_eq!(r["compatible"].as_bool(), Ok(true));
        assert_eq!(r["database_charset"].to_string(), "AL32UTF8");
        assert_eq!(r["national_charset"].to_string(), "AL16UTF16");
        assert_eq!(
            r["client_nls_lang"].to_string(),
            "AMERICAN_AMERICA.AL32UTF8"
        );
        sim.assert_password_nowhere();
    }

    #[test]
    fn a_windows_1252_client_is_incompatible_and_told_what_to_set() {
        let Some(sim) = Sim::start("charset_mismatch") else {
            return;
        };
        let r: Map = sim.run("nls_charset(db)").unwrap().cast();
        assert_eq!(r["verdict"].to_string(), "incompatible");
        assert_eq!(r["compatible"].as_bool(), Ok(false));
        assert_eq!(r["client_charset"].to_string(), "WE8MSWIN1252");
        let advice = r["advice"].to_string();
        assert!(advice.contains("outside Windows-1252"), "{advice}");
        assert!(
            advice.contains("NLS_LANG=AMERICAN_AMERICA.AL32UTF8"),
            "{advice}"
        );
        assert!(
            advice.contains("Data Pump writes the dump in the database character set"),
            "{advice}"
        );
    }

    #[test]
    fn a_home_without_message_files_says_to_fix_oracle_home() {
        let Some(sim) = Sim::start("bad_home") else {
            return;
        };
        let err = sim.run("nls_charset(db)").unwrap_err();
        assert_eq!(code(&err), "SP2-0667", "{}", text(&err));
        assert!(text(&err).contains("ORACLE_HOME"), "{}", text(&err));
    }

    #[test]
    fn a_bad_password_is_ora_01017_without_the_password() {
        let Some(sim) = Sim::start("bad_password") else {
            return;
        };
        let err = sim.run("nls_charset(db)").unwrap_err();
        assert_eq!(code(&err), "ORA-01017");
        assert!(text(&err).contains("password is wrong"), "{}", text(&err));
        assert!(!format!("{err:?}").contains(PASSWORD));
        sim.assert_password_nowhere();
    }
}
