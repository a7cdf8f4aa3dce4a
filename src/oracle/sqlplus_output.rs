//! Strict reading of what `sqlplus -S` printed for a [`SqlplusScript`](super::sqlplus_script).
//!
//! * Any `ORA-nnnnn`, `SP2-nnnn` or `TNS-nnnnn` line is an error, typed with its code and the
//!   advice a DBA would give.
//! * Nothing is trusted before the sentinel row `BZ#CONNECTED` (a failed CONNECT prints its
//!   ORA- error and later statements only say `SP2-0640: Not connected`).
//! * The rows of query *n* are exactly the lines before its marker `BZ#END#n`; a missing marker
//!   or a stray line after the last one is an error, never silently ignored.
//! * Empty lines are dropped: bizscript's queries always return a `|`-joined, non-empty column.
//! * `WHENEVER SQLERROR EXIT 3` without an ORA- line, and any other non-zero exit, are failures.

use super::sqlplus_script::{CONNECTED_MARKER, END_MARKER_PREFIX, SQLERROR_EXIT_CODE};

/// Why a sqlplus run did not give the rows it was asked for.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SqlplusError {
    /// Oracle, SQL*Plus or Oracle Net reported an error.
    #[error("{code}: {message}")]
    Oracle {
        /// `ORA-01017`, `SP2-0640`, `TNS-12541`...
        code: String,
        /// The message as printed.
        message: String,
        /// What to do about it.
        advice: String,
    },
    /// The connection check never answered and no error said why.
    #[error(
        "sqlplus did not confirm the connection (no {CONNECTED_MARKER} row and no ORA- error)"
    )]
    NotConnected,
    /// The output stopped before a query's end marker.
    #[error("sqlplus output ended before the result of query {query} was complete")]
    Truncated { query: usize },
    /// A line bizscript did not ask for.
    #[error("unexpected sqlplus output: {line}")]
    Unexpected { line: String },
    /// sqlplus exited with a failure status and printed no error code.
    #[error("sqlplus exited with status {status} without an error message")]
    Exit { status: String },
    /// A row did not have the expected number of `|`-separated fields.
    #[error("a row `{row}` has {found} fields where {expected} were expected")]
    Shape {
        row: String,
        found: usize,
        expected: usize,
    },
}

impl SqlplusError {
    /// The stable code: the Oracle code, or a `BZ-SQLPLUS-*` code.
    pub fn code(&self) -> String {
        match self {
            SqlplusError::Oracle { code, .. } => code.clone(),
            SqlplusError::NotConnected => "BZ-SQLPLUS-CONNECT".into(),
            SqlplusError::Truncated { .. } | SqlplusError::Unexpected { .. } => {
                "BZ-SQLPLUS-OUTPUT".into()
            }
            SqlplusError::Exit { .. } => "BZ-SQLPLUS-EXIT".into(),
            SqlplusError::Shape { .. } => "BZ-SQLPLUS-OUTPUT".into(),
        }
    }

    /// What to do about it.
    pub fn advice(&self) -> String {
        match self {
            SqlplusError::Oracle { advice, .. } => advice.clone(),
            SqlplusError::NotConnected => {
                "check the connect string and that sqlplus works: run `sqlplus -L user@connect` by hand".into()
            }
            SqlplusError::Exit { .. } => {
                "run the statements by hand in sqlplus to see the error; check ORACLE_HOME".into()
            }
            _ => "this is unexpected output from sqlplus (a login.sql or glogin.sql printing text?); please report it with the output".into(),
        }
    }
}

/// One row: the `|`-joined column of bizscript's queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub String);

impl Row {
    /// Splits the row into exactly `n` fields; the last one keeps any further `|` (put free text
    /// such as a path last).
    pub fn fields(&self, n: usize) -> Result<Vec<&str>, SqlplusError> {
        let fields: Vec<&str> = self.0.splitn(n, '|').collect();
        if fields.len() != n {
            return Err(SqlplusError::Shape {
                row: self.0.clone(),
                found: fields.len(),
                expected: n,
            });
        }
        Ok(fields)
    }
}

/// The rows of each query, in script order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlplusOutput {
    pub results: Vec<Vec<Row>>,
}

impl SqlplusOutput {
    /// The rows of query `index` (0-based); empty when out of range.
    pub fn rows(&self, index: usize) -> &[Row] {
        self.results.get(index).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Parses sqlplus's stdout (already redacted) for a script with `queries` queries.
/// `exit_code` is `None` when the process was killed by a signal.
pub fn parse(
    stdout: &str,
    exit_code: Option<i32>,
    queries: usize,
) -> Result<SqlplusOutput, SqlplusError> {
    if let Some(error) = first_error(stdout) {
        return Err(error);
    }
    match exit_code {
        Some(0) => {}
        Some(code) if code == SQLERROR_EXIT_CODE => {
            return Err(SqlplusError::Exit {
                status: format!("{code} (WHENEVER SQLERROR)"),
            })
        }
        Some(code) => {
            return Err(SqlplusError::Exit {
                status: code.to_string(),
            })
        }
        None => {
            return Err(SqlplusError::Exit {
                status: "killed by a signal".into(),
            })
        }
    }
    let mut lines = stdout
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty());
    // Lines before the sentinel come from login scripts (glogin.sql); they are not ours to read.
    if !lines.any(|l| l.trim() == CONNECTED_MARKER) {
        return Err(SqlplusError::NotConnected);
    }
    let mut results = Vec::with_capacity(queries);
    for query in 1..=queries {
        let marker = format!("{END_MARKER_PREFIX}{query}");
        let mut rows = Vec::new();
        loop {
            match lines.next() {
                Some(line) if line.trim() == marker => break,
                Some(line) if line.trim().starts_with(END_MARKER_PREFIX) => {
                    return Err(SqlplusError::Unexpected {
                        line: line.to_string(),
                    })
                }
                Some(line) => rows.push(Row(line.to_string())),
                None => return Err(SqlplusError::Truncated { query }),
            }
        }
        results.push(rows);
    }
    if let Some(extra) = lines.next() {
        return Err(SqlplusError::Unexpected {
            line: extra.to_string(),
        });
    }
    Ok(SqlplusOutput { results })
}

/// The first `ORA-`/`SP2-`/`TNS-` error in the output, typed.
pub fn first_error(text: &str) -> Option<SqlplusError> {
    text.lines().find_map(|line| {
        let line = line.trim();
        let (prefix, digits) = ["ORA-", "SP2-", "TNS-"].iter().find_map(|p| {
            let rest = line.strip_prefix(p)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (digits.len() >= 4 && rest[digits.len()..].starts_with(':')).then_some((*p, digits))
        })?;
        let code = format!("{prefix}{digits}");
        let message = line[code.len() + 1..].trim().to_string();
        Some(SqlplusError::Oracle {
            advice: advice(&code).to_string(),
            code,
            message,
        })
    })
}

/// What a DBA would do about an error code bizscript's statements can meet.
pub fn advice(code: &str) -> &'static str {
    match code {
        "ORA-01017" => "the user name or password is wrong: check the secret you pass (secret_env / secret_file) and the user in oracle(#{ user })",
        "ORA-28000" => "the account is locked: ask a DBA to run ALTER USER ... ACCOUNT UNLOCK",
        "ORA-28001" => "the password has expired: change it with sqlplus, then update the secret",
        "ORA-01045" => "the user lacks CREATE SESSION: GRANT CREATE SESSION TO the user",
        "ORA-12154" | "TNS-12154" => "the connect identifier is unknown: check the TNS alias in tnsnames.ora (TNS_ADMIN) or use Easy Connect //host:port/service",
        "ORA-12514" | "TNS-12514" => "the listener does not know the service: check the service name (lsnrctl status on the server)",
        "ORA-12541" | "TNS-12541" => "no listener at that host and port: check the host, the port and that the listener runs",
        "ORA-12170" | "TNS-12170" => "the connection timed out: check the host name, the network and firewalls",
        "ORA-01031" => "insufficient privileges: the user needs CREATE ANY DIRECTORY to create a directory (or the DBA role), and DBA views need SELECT_CATALOG_ROLE; ask a DBA to grant it or to run the step",
        "ORA-00942" => "the table or view does not exist or the user may not see it (dba_* views need SELECT_CATALOG_ROLE or the DBA role)",
        "ORA-01749" => "a user cannot grant privileges to itself: grant_to must name another user",
        "ORA-01917" | "ORA-01918" => "the user or role named in grant_to does not exist: check the name",
        "ORA-22929" => "the directory name is invalid or missing",
        "ORA-00972" => "the name is too long for this database (30 bytes while COMPATIBLE is below 12.2): use a shorter name",
        "ORA-00955" => "the name is already used by an existing object",
        "SP2-0640" => "sqlplus is not connected: the CONNECT failed (see the error before this one)",
        "SP2-0306" => "invalid CONNECT option: check the user name and connect string",
        "SP2-0750" | "SP2-0667" => "ORACLE_HOME is not set or points to the wrong place: set it to the Oracle client bizscript should use",
        "SP2-0734" | "SP2-0042" => "sqlplus did not understand a command: please report this, bizscript wrote it",
        "SP2-0158" => "sqlplus did not understand a SET option: the client may be too old",
        _ => "see the Oracle error message reference for this code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_between_markers() {
        let out =
            "BZ#CONNECTED\nBIZAGIBACKUPPATH|/u01/backup\nBZ#END#1\nBZ#END#2\n19|x|y\nBZ#END#3\n";
        let parsed = parse(out, Some(0), 3).unwrap();
        assert_eq!(
            parsed.rows(0)[0].fields(2).unwrap(),
            ["BIZAGIBACKUPPATH", "/u01/backup"]
        );
        assert!(parsed.rows(1).is_empty());
        assert_eq!(parsed.rows(2).len(), 1);
    }

    #[test]
    fn the_last_field_keeps_separators() {
        let row = Row("D|/u01/a|b".into());
        assert_eq!(row.fields(2).unwrap(), ["D", "/u01/a|b"]);
        assert!(matches!(row.fields(4), Err(SqlplusError::Shape { .. })));
    }

    #[test]
    fn a_bad_password_is_a_typed_error() {
        let out = "ERROR:\nORA-01017: invalid username/password; logon denied\n\n\nSP2-0640: Not connected\n";
        let err = parse(out, Some(0), 1).unwrap_err();
        assert_eq!(err.code(), "ORA-01017");
        assert!(err.to_string().contains("logon denied"));
        assert!(err.advice().contains("password is wrong"));
    }

    #[test]
    fn an_sql_error_names_its_code_and_advice() {
        let out = "BZ#CONNECTED\nCREATE DIRECTORY X AS '/x'\n*\nERROR at line 1:\nORA-01031: insufficient privileges\n";
        let err = parse(out, Some(3), 0).unwrap_err();
        assert_eq!(err.code(), "ORA-01031");
        assert!(err.advice().contains("CREATE ANY DIRECTORY"));
    }

    #[test]
    fn failures_without_messages_are_still_failures() {
        assert_eq!(
            parse("BZ#CONNECTED\n", Some(3), 0).unwrap_err().code(),
            "BZ-SQLPLUS-EXIT"
        );
        assert!(parse("BZ#CONNECTED\n", Some(1), 0).is_err());
        assert!(parse("BZ#CONNECTED\n", None, 0).is_err());
        assert_eq!(
            parse("", Some(0), 0).unwrap_err(),
            SqlplusError::NotConnected
        );
    }

    #[test]
    fn truncated_or_stray_output_is_refused() {
        assert_eq!(
            parse("BZ#CONNECTED\nA|B\n", Some(0), 1).unwrap_err(),
            SqlplusError::Truncated { query: 1 }
        );
        assert!(matches!(
            parse("BZ#CONNECTED\nBZ#END#1\nsurprise\n", Some(0), 1),
            Err(SqlplusError::Unexpected { .. })
        ));
        assert!(matches!(
            parse("BZ#CONNECTED\nBZ#END#2\n", Some(0), 1),
            Err(SqlplusError::Unexpected { .. })
        ));
    }

    #[test]
    fn login_script_chatter_before_the_sentinel_is_skipped() {
        let parsed = parse("Session altered.\nBZ#CONNECTED\nX\nBZ#END#1\n", Some(0), 1).unwrap();
        assert_eq!(parsed.rows(0), [Row("X".into())]);
    }

    #[test]
    fn only_real_codes_count_as_errors() {
        assert!(first_error("path /u01/ORA-1234x|y").is_none());
        assert!(first_error("TNS-12541: TNS:no listener").is_some());
        assert!(first_error("ORA-12: nope").is_none());
    }
}
