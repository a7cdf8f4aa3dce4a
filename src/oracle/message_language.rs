//! The NLS_LANG a Data Pump client runs with when bizscript reads its messages (docs/oracle.md §7.1).
//!
//! The language part of NLS_LANG picks the language of the client's messages; a Spanish client
//! says `El trabajo ... ha terminado correctamente`, which no English pattern matches. So the
//! client runs with the AMERICAN language and territory, while the character set stays the one
//! the user configured: it says how the client encodes what it sends and shows, and changing it
//! would change the data path, not just the messages.

use crate::oracle::nls_lang::NlsLang;

/// `AMERICAN_AMERICA.<charset of nls_lang>`; the charset is Oracle's default US7ASCII when
/// NLS_LANG is unset or names none (read as [`NlsLang`] reads it).
pub fn american_messages(nls_lang: Option<&str>) -> String {
    let nls = NlsLang::resolve(nls_lang, None);
    format!("AMERICAN_AMERICA.{}", nls.effective_charset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_charset_and_forces_the_language() {
        assert_eq!(
            american_messages(Some("LATIN AMERICAN SPANISH_VENEZUELA.WE8MSWIN1252")),
            "AMERICAN_AMERICA.WE8MSWIN1252"
        );
        assert_eq!(
            american_messages(Some("AMERICAN_AMERICA.al32utf8")),
            "AMERICAN_AMERICA.AL32UTF8"
        );
    }

    #[test]
    fn falls_back_to_oracles_default_charset() {
        assert_eq!(american_messages(None), "AMERICAN_AMERICA.US7ASCII");
        assert_eq!(
            american_messages(Some("SPANISH_SPAIN")),
            "AMERICAN_AMERICA.US7ASCII"
        );
    }
}
