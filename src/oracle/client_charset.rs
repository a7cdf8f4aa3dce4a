//! The client's character set against the database's: the query that reads the database's
//! character sets, and the comparison with NLS_LANG and its advice (docs/oracle.md §7).

use crate::oracle::charset::{compare, CharsetTable, Verdict};
use crate::oracle::nls_lang::{NlsLang, NlsSource};
use crate::oracle::sqlplus_output::{Row, SqlplusError};
use serde::Serialize;

/// The database and national character sets; rows are `PARAMETER|VALUE`.
pub const SQL: &str = "SELECT parameter || '|' || value FROM nls_database_parameters \
         WHERE parameter IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET') ORDER BY parameter";

/// The database's character sets as [`SQL`] reads them (upper-cased; `None` when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseCharsets {
    pub database: Option<String>,
    pub national: Option<String>,
}

/// Reads the rows of [`SQL`].
pub fn parse(rows: &[Row]) -> Result<DatabaseCharsets, SqlplusError> {
    let mut found = DatabaseCharsets::default();
    for row in rows {
        let fields = row.fields(2)?;
        match fields[0].trim() {
            "NLS_CHARACTERSET" => found.database = Some(fields[1].trim().to_uppercase()),
            "NLS_NCHAR_CHARACTERSET" => found.national = Some(fields[1].trim().to_uppercase()),
            _ => {}
        }
    }
    Ok(found)
}

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

/// Compares and writes the advice.
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

    #[test]
    fn the_database_rows_are_read() {
        let rows = [
            Row("NLS_CHARACTERSET|al32utf8".into()),
            Row("NLS_NCHAR_CHARACTERSET|AL16UTF16".into()),
        ];
        let found = parse(&rows).unwrap();
        assert_eq!(found.database.as_deref(), Some("AL32UTF8"));
        assert_eq!(found.national.as_deref(), Some("AL16UTF16"));
        assert_eq!(parse(&[]).unwrap(), DatabaseCharsets::default());
        assert!(parse(&[Row("garbage".into())]).is_err());
    }
}
