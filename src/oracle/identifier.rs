//! Oracle identifiers and string literals, checked before they go anywhere near SQL.
//!
//! Rules (docs/oracle.md §6.6): a nonquoted identifier starts with a letter and continues with
//! letters, digits, `_`, `$` or `#`; Oracle stores it in upper case. A quoted identifier
//! (`"Mixed Case"`) keeps its case and may hold anything except `"` and NUL. Names are at most
//! 128 bytes when COMPATIBLE is 12.2 or later, 30 bytes before. String literals are written in
//! single quotes with every `'` doubled.
//!
//! bizscript is stricter than Oracle where strictness costs nothing: it refuses control
//! characters and newlines in quoted identifiers and literals, because no directory name or path
//! needs them and they are what an injection needs.

use std::fmt;

/// The longest identifier in bytes, by the database's COMPATIBLE setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameLimit {
    /// COMPATIBLE below 12.2: 30 bytes.
    Before122,
    /// COMPATIBLE 12.2 or later: 128 bytes.
    From122,
}

impl NameLimit {
    /// The limit in bytes.
    pub fn bytes(self) -> usize {
        match self {
            NameLimit::Before122 => 30,
            NameLimit::From122 => 128,
        }
    }

    /// The limit for a database release such as `19.0.0.0.0` or `11.2.0.4.0`. An unreadable
    /// release gets the strict limit.
    pub fn for_release(release: &str) -> Self {
        let mut parts = release.trim().split('.').map(|p| p.parse::<u32>().ok());
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(major), _) if major > 12 => NameLimit::From122,
            (Some(12), Some(minor)) if minor >= 2 => NameLimit::From122,
            _ => NameLimit::Before122,
        }
    }
}

/// Why a name or a literal was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentifierError {
    #[error("the name is empty")]
    Empty,
    #[error("`{name}` is {bytes} bytes long; Oracle allows at most {limit} bytes here")]
    TooLong {
        name: String,
        bytes: usize,
        limit: usize,
    },
    #[error("`{0}` must start with a letter (or be written in double quotes)")]
    BadStart(String),
    #[error("`{name}` contains `{ch}`, which an unquoted Oracle name cannot hold (letters, digits, _ $ # only)")]
    BadCharacter { name: String, ch: char },
    #[error("`{0}` contains a double quote, a control character or a newline, which no Oracle name may hold")]
    Unquotable(String),
    #[error("`{0}` is an Oracle reserved word; choose another name")]
    Reserved(String),
}

/// Why a string literal was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LiteralError {
    #[error("the text contains a control character or a newline, which bizscript never sends inside a SQL literal")]
    ControlCharacter,
    #[error("the text is {0} bytes; Oracle text literals hold at most 4000 bytes")]
    TooLong(usize),
}

/// A checked Oracle identifier, in the form Oracle stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identifier {
    stored: String,
    quoted: bool,
}

/// Reserved words that cannot be unquoted identifiers (SQL Language Reference, "Oracle SQL
/// Reserved Words"). Only relevant for names bizscript writes into DDL.
const RESERVED: &[&str] = &[
    "ACCESS",
    "ADD",
    "ALL",
    "ALTER",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "AUDIT",
    "BETWEEN",
    "BY",
    "CHAR",
    "CHECK",
    "CLUSTER",
    "COLUMN",
    "COMMENT",
    "COMPRESS",
    "CONNECT",
    "CREATE",
    "CURRENT",
    "DATE",
    "DECIMAL",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DROP",
    "ELSE",
    "EXCLUSIVE",
    "EXISTS",
    "FILE",
    "FLOAT",
    "FOR",
    "FROM",
    "GRANT",
    "GROUP",
    "HAVING",
    "IDENTIFIED",
    "IMMEDIATE",
    "IN",
    "INCREMENT",
    "INDEX",
    "INITIAL",
    "INSERT",
    "INTEGER",
    "INTERSECT",
    "INTO",
    "IS",
    "LEVEL",
    "LIKE",
    "LOCK",
    "LONG",
    "MAXEXTENTS",
    "MINUS",
    "MLSLABEL",
    "MODE",
    "MODIFY",
    "NOAUDIT",
    "NOCOMPRESS",
    "NOT",
    "NOWAIT",
    "NULL",
    "NUMBER",
    "OF",
    "OFFLINE",
    "ON",
    "ONLINE",
    "OPTION",
    "OR",
    "ORDER",
    "PCTFREE",
    "PRIOR",
    "PUBLIC",
    "RAW",
    "RENAME",
    "RESOURCE",
    "REVOKE",
    "ROW",
    "ROWID",
    "ROWNUM",
    "ROWS",
    "SELECT",
    "SESSION",
    "SET",
    "SHARE",
    "SIZE",
    "SMALLINT",
    "START",
    "SUCCESSFUL",
    "SYNONYM",
    "SYSDATE",
    "TABLE",
    "THEN",
    "TO",
    "TRIGGER",
    "UID",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USER",
    "VALIDATE",
    "VALUES",
    "VARCHAR",
    "VARCHAR2",
    "VIEW",
    "WHENEVER",
    "WHERE",
    "WITH",
];

impl Identifier {
    /// Parses a name as a script writes it: `BizAgiBackupPath` (stored upper-cased) or
    /// `"Mixed Case"` (double quotes keep the case). `limit` is the database's length limit.
    pub fn parse(input: &str, limit: NameLimit) -> Result<Self, IdentifierError> {
        let input = input.trim();
        if let Some(inner) = input
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        {
            return Self::quoted(inner, limit);
        }
        Self::unquoted(input, limit)
    }

    /// A name exactly as Oracle stores it (for example `OWNER_NAME` read back from a view):
    /// emitted in double quotes so that its case survives.
    pub fn stored(name: &str, limit: NameLimit) -> Result<Self, IdentifierError> {
        Self::quoted(name, limit)
    }

    fn unquoted(input: &str, limit: NameLimit) -> Result<Self, IdentifierError> {
        let first = input.chars().next().ok_or(IdentifierError::Empty)?;
        if !first.is_alphabetic() {
            if input.contains(['"', '\n', '\r', '\0']) || input.chars().any(char::is_control) {
                return Err(IdentifierError::Unquotable(input.to_string()));
            }
            return Err(IdentifierError::BadStart(input.to_string()));
        }
        if let Some(ch) = input
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '#')))
        {
            return Err(IdentifierError::BadCharacter {
                name: input.to_string(),
                ch,
            });
        }
        let stored = input.to_uppercase();
        if RESERVED.contains(&stored.as_str()) {
            return Err(IdentifierError::Reserved(stored));
        }
        check_length(&stored, limit)?;
        Ok(Self {
            stored,
            quoted: false,
        })
    }

    fn quoted(inner: &str, limit: NameLimit) -> Result<Self, IdentifierError> {
        if inner.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if inner.contains('"') || inner.chars().any(char::is_control) {
            return Err(IdentifierError::Unquotable(inner.to_string()));
        }
        check_length(inner, limit)?;
        Ok(Self {
            stored: inner.to_string(),
            quoted: true,
        })
    }

    /// The name as Oracle stores it and shows it in the dictionary views.
    pub fn as_stored(&self) -> &str {
        &self.stored
    }

    /// True when the name needs double quotes in SQL (it was written quoted).
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// The name as it must appear in SQL: bare when it was unquoted, otherwise in double quotes.
    pub fn sql(&self) -> String {
        if self.quoted {
            format!("\"{}\"", self.stored)
        } else {
            self.stored.clone()
        }
    }

    /// The stored name as a string literal, to compare with dictionary columns.
    pub fn literal(&self) -> String {
        // The name holds no control characters (checked above), so quoting cannot fail.
        format!("'{}'", self.stored.replace('\'', "''"))
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql())
    }
}

fn check_length(name: &str, limit: NameLimit) -> Result<(), IdentifierError> {
    let bytes = name.len();
    if bytes > limit.bytes() {
        return Err(IdentifierError::TooLong {
            name: name.to_string(),
            bytes,
            limit: limit.bytes(),
        });
    }
    Ok(())
}

/// A SQL string literal for `text`: single quotes, every `'` doubled. Refuses control characters
/// and newlines (no path or name needs them; sqlplus would end the statement at a newline) and
/// text over Oracle's 4000-byte literal limit.
pub fn string_literal(text: &str) -> Result<String, LiteralError> {
    if text.chars().any(char::is_control) {
        return Err(LiteralError::ControlCharacter);
    }
    if text.len() > 4000 {
        return Err(LiteralError::TooLong(text.len()));
    }
    Ok(format!("'{}'", text.replace('\'', "''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: NameLimit = NameLimit::From122;

    #[test]
    fn unquoted_names_are_upper_cased() {
        let id = Identifier::parse("BizAgiBackupPath", NEW).unwrap();
        assert_eq!(id.as_stored(), "BIZAGIBACKUPPATH");
        assert_eq!(id.sql(), "BIZAGIBACKUPPATH");
        assert_eq!(id.literal(), "'BIZAGIBACKUPPATH'");
        assert!(Identifier::parse("DP_DIR$1#", NEW).is_ok());
    }

    #[test]
    fn quoted_names_keep_their_case() {
        let id = Identifier::parse("\"Backup Dir\"", NEW).unwrap();
        assert_eq!(id.as_stored(), "Backup Dir");
        assert_eq!(id.sql(), "\"Backup Dir\"");
        assert!(id.is_quoted());
    }

    #[test]
    fn injection_attempts_are_refused() {
        for bad in [
            "X; DROP USER SYS",
            "X AS '/tmp'",
            "X--",
            "X'",
            "\"X\" ; GRANT DBA TO PUBLIC --\"",
            "\"A\"\"B\"",
            "\"A\nB\"",
            "1X",
            "",
            "\"\"",
        ] {
            assert!(Identifier::parse(bad, NEW).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn reserved_words_are_refused_unquoted() {
        assert_eq!(
            Identifier::parse("table", NEW),
            Err(IdentifierError::Reserved("TABLE".into()))
        );
        assert!(Identifier::parse("\"TABLE\"", NEW).is_ok());
    }

    #[test]
    fn length_limits_depend_on_compatible() {
        let name = "A".repeat(31);
        assert!(Identifier::parse(&name, NEW).is_ok());
        assert!(matches!(
            Identifier::parse(&name, NameLimit::Before122),
            Err(IdentifierError::TooLong {
                bytes: 31,
                limit: 30,
                ..
            })
        ));
        assert!(Identifier::parse(&"A".repeat(129), NEW).is_err());
        // Bytes, not characters: 15 two-byte letters plus one.
        assert!(Identifier::parse(&"Ä".repeat(16), NameLimit::Before122).is_err());
        assert_eq!(NameLimit::for_release("19.0.0.0.0"), NameLimit::From122);
        assert_eq!(NameLimit::for_release("12.2.0.1.0"), NameLimit::From122);
        assert_eq!(NameLimit::for_release("12.1.0.2.0"), NameLimit::Before122);
        assert_eq!(NameLimit::for_release("11.2.0.4"), NameLimit::Before122);
        assert_eq!(NameLimit::for_release("junk"), NameLimit::Before122);
    }

    #[test]
    fn literals_double_their_quotes() {
        assert_eq!(
            string_literal("/u01/jackie's dir").unwrap(),
            "'/u01/jackie''s dir'"
        );
        assert_eq!(
            string_literal("x'); DROP TABLE t; --").unwrap(),
            "'x''); DROP TABLE t; --'"
        );
        assert_eq!(
            string_literal("/a\nDROP USER X;"),
            Err(LiteralError::ControlCharacter)
        );
        assert!(string_literal(&"a".repeat(4001)).is_err());
    }
}
