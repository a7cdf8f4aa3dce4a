//! NLS_LANG: `LANGUAGE_TERRITORY.CHARSET`, as the Oracle client reads it.
//!
//! Every part is optional but keeps its delimiter (`_JAPAN`, `.AL32UTF8`), and language and
//! territory names may contain spaces (`LATIN AMERICAN SPANISH_VENEZUELA.WE8MSWIN1252`), so the
//! value is split on the **last** `.` and the **first** `_` (docs/oracle.md §7.1). When NLS_LANG is
//! not set at all the client behaves as `AMERICAN_AMERICA.US7ASCII`.

use serde::Serialize;
use std::fmt;

/// The language Oracle assumes when none is given.
pub const DEFAULT_LANGUAGE: &str = "AMERICAN";
/// The territory Oracle derives from the default language.
pub const DEFAULT_TERRITORY: &str = "AMERICA";
/// The client character set when NLS_LANG is unset.
pub const DEFAULT_CHARSET: &str = "US7ASCII";
/// What bizscript recommends for a client that must represent everything a database can hold.
pub const RECOMMENDED: &str = "AMERICAN_AMERICA.AL32UTF8";

/// Where the client's NLS_LANG came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NlsSource {
    /// The `NLS_LANG` environment variable (it overrides the Windows registry).
    Environment,
    /// The Windows registry of the Oracle home in use.
    Registry,
    /// Not set anywhere: Oracle's built-in default.
    Default,
}

/// A parsed NLS_LANG value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NlsLang {
    /// The value as written (trimmed), or the default when unset.
    pub value: String,
    /// Language (upper case), `None` when the value leaves it out.
    pub language: Option<String>,
    /// Territory (upper case), `None` when the value leaves it out.
    pub territory: Option<String>,
    /// Character set (upper case), `None` when the value leaves it out.
    pub charset: Option<String>,
    /// Where the value came from.
    pub source: NlsSource,
}

impl NlsLang {
    /// Parses a value read from `source`. An empty value is treated as unset.
    pub fn parse(value: &str, source: NlsSource) -> Self {
        let value = value.trim();
        if value.is_empty() {
            return Self::unset();
        }
        let upper = value.to_uppercase();
        let (head, charset) = match upper.rfind('.') {
            Some(dot) => (&upper[..dot], non_empty(&upper[dot + 1..])),
            None => (upper.as_str(), None),
        };
        let (language, territory) = match head.find('_') {
            Some(underscore) => (
                non_empty(&head[..underscore]),
                non_empty(&head[underscore + 1..]),
            ),
            None => (non_empty(head), None),
        };
        Self {
            value: value.to_string(),
            language,
            territory,
            charset,
            source,
        }
    }

    /// NLS_LANG not set anywhere: the client behaves as `AMERICAN_AMERICA.US7ASCII`.
    pub fn unset() -> Self {
        Self {
            value: format!("{DEFAULT_LANGUAGE}_{DEFAULT_TERRITORY}.{DEFAULT_CHARSET}"),
            language: Some(DEFAULT_LANGUAGE.to_string()),
            territory: Some(DEFAULT_TERRITORY.to_string()),
            charset: Some(DEFAULT_CHARSET.to_string()),
            source: NlsSource::Default,
        }
    }

    /// Reads the value a child process would see: the environment variable when set, else (on
    /// Windows) the registry value, else Oracle's default.
    pub fn resolve(environment: Option<&str>, registry: Option<&str>) -> Self {
        match (environment, registry) {
            (Some(v), _) if !v.trim().is_empty() => Self::parse(v, NlsSource::Environment),
            (_, Some(v)) if !v.trim().is_empty() => Self::parse(v, NlsSource::Registry),
            _ => Self::unset(),
        }
    }

    /// The character set the client uses. When the value names none, Oracle uses the language's
    /// default; bizscript knows only AMERICAN's (US7ASCII) and assumes it, which is the
    /// conservative choice (the smallest repertoire).
    pub fn effective_charset(&self) -> &str {
        self.charset.as_deref().unwrap_or(DEFAULT_CHARSET)
    }

    /// The language messages are printed in.
    pub fn effective_language(&self) -> &str {
        self.language.as_deref().unwrap_or(DEFAULT_LANGUAGE)
    }

    /// This value with its character set replaced: the NLS_LANG to recommend.
    pub fn with_charset(&self, charset: &str) -> String {
        let language = self.effective_language();
        match &self.territory {
            Some(territory) => format!("{language}_{territory}.{charset}"),
            None => format!("{language}_{DEFAULT_TERRITORY}.{charset}"),
        }
    }
}

impl fmt::Display for NlsLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(v: &str) -> NlsLang {
        NlsLang::parse(v, NlsSource::Environment)
    }

    #[test]
    fn splits_the_three_parts() {
        let n = env("american_america.al32utf8");
        assert_eq!(n.language.as_deref(), Some("AMERICAN"));
        assert_eq!(n.territory.as_deref(), Some("AMERICA"));
        assert_eq!(n.charset.as_deref(), Some("AL32UTF8"));
    }

    #[test]
    fn names_with_spaces_split_on_first_underscore_and_last_dot() {
        let n = env("LATIN AMERICAN SPANISH_VENEZUELA.WE8MSWIN1252");
        assert_eq!(n.language.as_deref(), Some("LATIN AMERICAN SPANISH"));
        assert_eq!(n.territory.as_deref(), Some("VENEZUELA"));
        assert_eq!(n.charset.as_deref(), Some("WE8MSWIN1252"));
        let n = env("ENGLISH_UNITED KINGDOM.WE8MSWIN1252");
        assert_eq!(n.territory.as_deref(), Some("UNITED KINGDOM"));
    }

    #[test]
    fn partial_values_keep_their_delimiters() {
        let n = env(".AL32UTF8");
        assert_eq!((n.language, n.territory), (None, None));
        assert_eq!(n.charset.as_deref(), Some("AL32UTF8"));
        let n = env("_JAPAN");
        assert_eq!(n.territory.as_deref(), Some("JAPAN"));
        assert_eq!(n.effective_charset(), "US7ASCII");
        let n = env("FRENCH");
        assert_eq!(n.language.as_deref(), Some("FRENCH"));
        assert_eq!((n.territory, n.charset), (None, None));
    }

    #[test]
    fn unset_is_american_america_us7ascii() {
        let n = NlsLang::resolve(None, None);
        assert_eq!(n.source, NlsSource::Default);
        assert_eq!(n.value, "AMERICAN_AMERICA.US7ASCII");
        assert_eq!(n.effective_charset(), "US7ASCII");
        assert_eq!(
            NlsLang::resolve(Some("  "), None).source,
            NlsSource::Default
        );
    }

    #[test]
    fn environment_overrides_registry() {
        let n = NlsLang::resolve(Some("GERMAN_GERMANY.WE8ISO8859P1"), Some("X_Y.UTF8"));
        assert_eq!(n.source, NlsSource::Environment);
        let n = NlsLang::resolve(None, Some("SPANISH_SPAIN.WE8MSWIN1252"));
        assert_eq!(n.source, NlsSource::Registry);
        assert_eq!(n.charset.as_deref(), Some("WE8MSWIN1252"));
    }

    #[test]
    fn recommends_the_same_language_with_another_charset() {
        assert_eq!(
            env("SPANISH_SPAIN.WE8MSWIN1252").with_charset("AL32UTF8"),
            "SPANISH_SPAIN.AL32UTF8"
        );
        assert_eq!(NlsLang::unset().with_charset("AL32UTF8"), RECOMMENDED);
    }
}
