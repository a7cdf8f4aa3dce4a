//! Oracle character sets and whether one can hold what another holds.
//!
//! The knowledge is data (`charsets.tsv`, compiled in): each set's class and repertoire, and
//! Oracle's published binary subset/superset pairs (docs/oracle.md §7.4). On top of it,
//! [`compare`] answers the pre-flight question "can a client using set A represent every
//! character a database using set B can hold?" and, when it cannot, says which characters would
//! be altered.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const TABLE: &str = include_str!("charsets.tsv");

/// What kind of character set a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharsetClass {
    /// AL32UTF8, UTF8, AL16UTF16: every Unicode character.
    Unicode,
    /// One byte per character: at most 256 characters.
    SingleByte,
    /// A legacy multibyte set (Chinese, Japanese, Korean).
    MultiByte,
    /// A name that appears only in the superset pairs: bizscript knows no more about it.
    Unknown,
}

/// One character set bizscript knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charset {
    /// Oracle's name, e.g. `WE8MSWIN1252`.
    pub name: String,
    /// Its class.
    pub class: CharsetClass,
    /// Which characters it holds, in words.
    pub repertoire: String,
}

/// The parsed `charsets.tsv`.
#[derive(Debug, Default)]
pub struct CharsetTable {
    sets: BTreeMap<String, Charset>,
    /// subset -> its binary supersets.
    supersets: BTreeMap<String, BTreeSet<String>>,
}

/// Why `charsets.tsv` could not be read (a build-time data error, caught by the tests).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("charsets.tsv line {line}: {problem}")]
pub struct TableError {
    pub line: usize,
    pub problem: String,
}

impl CharsetTable {
    /// Parses the table's text.
    pub fn parse(text: &str) -> Result<Self, TableError> {
        let mut table = Self::default();
        for (index, line) in text.lines().enumerate() {
            let error = |problem: &str| TableError {
                line: index + 1,
                problem: problem.to_string(),
            };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["set", name, class, repertoire] => {
                    let class = match *class {
                        "unicode" => CharsetClass::Unicode,
                        "single_byte" => CharsetClass::SingleByte,
                        "multi_byte" => CharsetClass::MultiByte,
                        _ => return Err(error("class must be unicode, single_byte or multi_byte")),
                    };
                    table.sets.insert(
                        name.to_string(),
                        Charset {
                            name: name.to_string(),
                            class,
                            repertoire: repertoire.to_string(),
                        },
                    );
                }
                ["superset", subset, superset] => {
                    table
                        .supersets
                        .entry(subset.to_string())
                        .or_default()
                        .insert(superset.to_string());
                }
                _ => {
                    return Err(error(
                        "expected `set NAME CLASS REPERTOIRE` or `superset SUBSET SUPERSET`",
                    ))
                }
            }
        }
        Ok(table)
    }

    /// The table compiled into bizscript.
    pub fn builtin() -> &'static CharsetTable {
        static TABLE_CELL: OnceLock<CharsetTable> = OnceLock::new();
        // The data is checked by a unit test, so an error here is a build defect; fall back to
        // an empty table (every name unknown) rather than panic in a user's run.
        TABLE_CELL.get_or_init(|| CharsetTable::parse(TABLE).unwrap_or_default())
    }

    /// True when `name` is a character set Oracle publishes (in either part of the table).
    pub fn is_known(&self, name: &str) -> bool {
        self.sets.contains_key(name)
            || self.supersets.contains_key(name)
            || self.supersets.values().any(|s| s.contains(name))
    }

    /// The class of `name`.
    pub fn class(&self, name: &str) -> CharsetClass {
        self.sets
            .get(name)
            .map(|c| c.class)
            .unwrap_or(CharsetClass::Unknown)
    }

    /// Which characters `name` holds, in words.
    pub fn repertoire(&self, name: &str) -> String {
        self.sets
            .get(name)
            .map(|c| c.repertoire.clone())
            .unwrap_or_else(|| format!("the characters of {name}"))
    }

    /// True when `superset` is one of Oracle's published binary supersets of `subset`.
    pub fn is_binary_superset(&self, superset: &str, subset: &str) -> bool {
        self.supersets
            .get(subset)
            .is_some_and(|s| s.contains(superset))
    }
}

/// How a client character set relates to a database character set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The same set: no conversion.
    Same,
    /// The client can represent every character the database can hold.
    Compatible,
    /// Some characters the database can hold would be altered on their way to the client.
    Incompatible,
}

impl Verdict {
    /// The word scripts see.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Compatible => "compatible",
            Verdict::Incompatible => "incompatible",
        }
    }
}

/// The answer to "can this client represent what this database holds?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub verdict: Verdict,
    /// Why, in one sentence.
    pub reason: String,
    /// For an incompatible pair: which characters would be altered.
    pub altered: Option<String>,
}

/// Compares a client character set with a database character set (names are upper-cased).
///
/// Compatible means the client represents every character the database can hold: the same set,
/// a Unicode client, or a client that is one of Oracle's binary supersets of the database's set.
pub fn compare(table: &CharsetTable, client: &str, database: &str) -> Comparison {
    let client = client.trim().to_uppercase();
    let database = database.trim().to_uppercase();
    if client == database {
        return Comparison {
            verdict: Verdict::Same,
            reason: format!("client and database both use {client}"),
            altered: None,
        };
    }
    if table.class(&client) == CharsetClass::Unicode {
        return Comparison {
            verdict: Verdict::Compatible,
            reason: format!(
                "the client's {client} is a Unicode set: it represents every character of {database}"
            ),
            altered: None,
        };
    }
    if table.is_binary_superset(&client, &database) {
        return Comparison {
            verdict: Verdict::Compatible,
            reason: format!(
                "{client} is a binary superset of {database} (Oracle's subset/superset table): every {database} character has the same code in {client}"
            ),
            altered: None,
        };
    }
    let client_repertoire = table.repertoire(&client);
    let altered = match table.class(&database) {
        CharsetClass::Unicode => format!(
            "every character outside {client_repertoire}: for example {}, would be replaced (often by `?`) on the client side",
            examples_outside(&client)
        ),
        _ => format!(
            "characters of {} that {client} lacks would be replaced (often by `?`, or a plain letter for an accented one)",
            table.repertoire(&database)
        ),
    };
    let reason = if !table.is_known(&client) {
        format!("{client} is not a character set bizscript knows, so it cannot vouch for it")
    } else {
        format!(
            "the client's {client} cannot represent every character of the database's {database}"
        )
    };
    Comparison {
        verdict: Verdict::Incompatible,
        reason,
        altered: Some(altered),
    }
}

/// Scripts a client in `charset` cannot represent, to make "outside its repertoire" concrete.
fn examples_outside(charset: &str) -> &'static str {
    match charset {
        c if c.starts_with("WE8") || c == "US7ASCII" || c.starts_with("US8") => {
            "Central European letters such as ł ő č, Greek, Cyrillic, Chinese, Japanese, Korean and emoji"
        }
        c if c.starts_with("EE8") => "Greek, Cyrillic, Chinese, Japanese, Korean, emoji and some Western letters",
        c if c.starts_with("CL8") || c.starts_with("RU8") => {
            "most accented Latin letters, Greek, Chinese, Japanese, Korean and emoji"
        }
        c if c.starts_with("ZH") || c.starts_with("JA") || c.starts_with("KO") => {
            "letters of other Asian scripts, many accented Latin letters and emoji"
        }
        _ => "letters of other scripts and emoji",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static CharsetTable {
        CharsetTable::builtin()
    }

    #[test]
    fn the_shipped_table_parses_and_holds_the_published_pairs() {
        let t = CharsetTable::parse(TABLE).expect("charsets.tsv parses");
        assert!(t.is_binary_superset("WE8MSWIN1252", "WE8ISO8859P1"));
        assert!(t.is_binary_superset("AL32UTF8", "UTF8"));
        assert!(t.is_binary_superset("TR8MSWIN1254", "WE8ISO8859P9"));
        assert!(t.is_binary_superset("ZHT32TRIS", "US7ASCII"));
        assert!(!t.is_binary_superset("WE8ISO8859P1", "WE8MSWIN1252"));
        assert_eq!(t.class("AL32UTF8"), CharsetClass::Unicode);
        assert!(t.is_known("LV8RST104090"));
        assert!(!t.is_known("AL32UFT8"));
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let err = CharsetTable::parse("set\tX\tweird\tfoo\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(CharsetTable::parse("# c\nsuperset\tA\n").is_err());
    }

    #[test]
    fn same_set_is_same() {
        assert_eq!(
            compare(table(), "al32utf8", "AL32UTF8").verdict,
            Verdict::Same
        );
    }

    #[test]
    fn a_unicode_client_is_compatible_with_anything() {
        assert_eq!(
            compare(table(), "AL32UTF8", "WE8MSWIN1252").verdict,
            Verdict::Compatible
        );
        assert_eq!(
            compare(table(), "UTF8", "AL32UTF8").verdict,
            Verdict::Compatible
        );
    }

    #[test]
    fn a_binary_superset_client_is_compatible_but_not_the_reverse() {
        assert_eq!(
            compare(table(), "WE8MSWIN1252", "WE8ISO8859P1").verdict,
            Verdict::Compatible
        );
        let reverse = compare(table(), "WE8ISO8859P1", "WE8MSWIN1252");
        assert_eq!(reverse.verdict, Verdict::Incompatible);
        assert!(reverse.altered.unwrap().contains("€"));
        assert_eq!(
            compare(table(), "WE8MSWIN1252", "US7ASCII").verdict,
            Verdict::Compatible
        );
    }

    #[test]
    fn a_latin1_client_on_a_unicode_database_loses_everything_outside_latin1() {
        let c = compare(table(), "WE8MSWIN1252", "AL32UTF8");
        assert_eq!(c.verdict, Verdict::Incompatible);
        let altered = c.altered.unwrap();
        assert!(altered.contains("outside Windows-1252"), "{altered}");
        assert!(altered.contains("Cyrillic"), "{altered}");
    }

    #[test]
    fn unrelated_single_byte_sets_are_incompatible() {
        let c = compare(table(), "CL8MSWIN1251", "WE8MSWIN1252");
        assert_eq!(c.verdict, Verdict::Incompatible);
        assert!(c.altered.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn an_unknown_name_is_never_vouched_for() {
        let c = compare(table(), "AL32UFT8", "AL32UTF8");
        assert_eq!(c.verdict, Verdict::Incompatible);
        assert!(c.reason.contains("not a character set bizscript knows"));
    }
}
