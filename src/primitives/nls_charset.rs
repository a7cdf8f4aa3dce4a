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
use crate::oracle::charset::{compare, CharsetTable, Verdict};
use crate::oracle::nls_lang::{NlsLang, NlsSource};
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult};
use serde::Serialize;
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

/// What `nls_charset(db)` returns.
#[derive(Debug, Clone, Serialize)]
pub struct CharsetReport {
    pub client_nls_lang: String,
    /// `environment`, `registry` or `default`.
    pub client_nls_source: NlsSource,
    pub client_charset: String,
    pub database_charset: String,
    pub national_charset: String,
    pub compatible: bool,
    pub verdict: &'static str,
    pub advice: String,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let ctx = Arc::clone(ctx);
    registration(&NLS_CHARSET).register_into_engine(
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
    let query = script.query(
        "SELECT parameter || '|' || value FROM nls_database_parameters \
         WHERE parameter IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET') ORDER BY parameter",
    );
    let output = run_sql(ctx, db, "nls_charset", &script)?;
    let (mut database, mut national) = (None, None);
    for row in output.rows(query) {
        let fields = row.fields(2).map_err(|e| sql_error("nls_charset", e))?;
        match fields[0].trim() {
            "NLS_CHARACTERSET" => database = Some(fields[1].trim().to_uppercase()),
            "NLS_NCHAR_CHARACTERSET" => national = Some(fields[1].trim().to_uppercase()),
            _ => {}
        }
    }
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

/// Compares and writes the advice (pure: the unit tests drive it directly).
pub fn report(client: &NlsLang, database: &str, national: String) -> CharsetReport {
    let client_charset = client.effective_charset().to_string();
    let comparison = compare(CharsetTable::builtin(), &client_charset, database);
    let mut advice = Vec::new();
    if client.source == NlsSource::Default {
        advice.push(format!(
            "NLS_LANG is not set, so the client uses Oracle's default {}.",
            client.value
        ));
    } else if client.charset.is_none() {
        advice.push(format!(
            "NLS_LANG={} names no character set; bizscript assumes {} (the default for AMERICAN).",
            client.value, client_charset
        ));
    }
    advice.push(format!("{}.", capitalise(&comparison.reason)));
    if let Some(altered) = &comparison.altered {
        advice.push(format!("Lossy: {altered}."));
        advice.push(format!(
            "Set NLS_LANG={} (the database's character set) before the run.",
            client.with_charset(database)
        ));
    }
    advice.push(format!(
        "Data Pump writes the dump in the database character set ({database}) whatever the client uses; the client setting decides the messages, the log as the client shows it, and what the import side converts. Bizagi's procedure requires client and database character sets to be the same or compatible."
    ));
    CharsetReport {
        client_nls_lang: client.value.clone(),
        client_nls_source: client.source,
        client_charset,
        database_charset: database.to_string(),
        national_charset: national,
        compatible: comparison.verdict != Verdict::Incompatible,
        verdict: comparison.verdict.as_str(),
        advice: advice.join(" "),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(v: &str) -> NlsLang {
        NlsLang::parse(v, NlsSource::Environment)
    }

    #[test]
    fn same_charset_is_same_and_compatible() {
        let r = report(
            &env("AMERICAN_AMERICA.AL32UTF8"),
            "AL32UTF8",
            "AL16UTF16".into(),
        );
        assert_eq!((r.verdict, r.compatible), ("same", true));
        assert!(r
            .advice
            .contains("Data Pump writes the dump in the database character set"));
    }

    #[test]
    fn a_latin1_client_on_unicode_is_incompatible_and_says_what_to_set() {
        let r = report(
            &env("SPANISH_SPAIN.WE8MSWIN1252"),
            "AL32UTF8",
            "AL16UTF16".into(),
        );
        assert_eq!((r.verdict, r.compatible), ("incompatible", false));
        assert!(r.advice.contains("outside Windows-1252"), "{}", r.advice);
        assert!(
            r.advice.contains("NLS_LANG=SPANISH_SPAIN.AL32UTF8"),
            "{}",
            r.advice
        );
    }

    #[test]
    fn unset_nls_lang_is_us7ascii_and_named_in_the_advice() {
        let r = report(&NlsLang::unset(), "AL32UTF8", String::new());
        assert_eq!(r.client_charset, "US7ASCII");
        assert_eq!(r.verdict, "incompatible");
        assert!(r.advice.contains("NLS_LANG is not set"));
        assert!(r.advice.contains("NLS_LANG=AMERICAN_AMERICA.AL32UTF8"));
    }

    #[test]
    fn a_superset_client_is_compatible() {
        let r = report(
            &env("AMERICAN_AMERICA.WE8MSWIN1252"),
            "WE8ISO8859P1",
            String::new(),
        );
        assert_eq!((r.verdict, r.compatible), ("compatible", true));
    }
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
