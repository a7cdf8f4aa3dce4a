//! The script bizscript writes to `sqlplus -S -L /nolog` on stdin.
//!
//! Layout (the contract the simulator follows too):
//!
//! ```text
//! SET DEFINE OFF
//! CONNECT user/"password"@connect
//! SET PAGESIZE 0 FEEDBACK OFF HEADING OFF VERIFY OFF ECHO OFF TAB OFF ...
//! WHENEVER SQLERROR EXIT 3
//! SELECT 'BZ#CONNECTED' FROM dual;      -- sentinel: proves the CONNECT worked
//! <statement 1>
//! SELECT 'BZ#END#1' FROM dual;          -- closes the rows of query 1
//! ...
//! EXIT
//! ```
//!
//! * The password travels only in the `CONNECT` line, on stdin; argv holds `-S -L /nolog`.
//! * `SET DEFINE OFF` comes first, *before* CONNECT: SQL*Plus substitutes `&name` in every line
//!   it reads, the CONNECT line included, so a password holding `&` would be changed (or
//!   prompted for) by a real SQL*Plus.
//! * The SET options come *after* CONNECT because `glogin.sql`/`login.sql` run after every
//!   connection and could change them (docs/oracle.md §6.4).
//! * `WHENEVER SQLERROR EXIT 3`: a fixed code, because `EXIT SQL.SQLCODE` is truncated to one
//!   byte (ORA-01792 would exit 0). 3 is neither 0 (success) nor 1 (what `-L` returns for a
//!   failed logon), so the exit code alone says "a SQL statement failed"; the ORA- code is read
//!   from the output. Any other non-zero exit is a failure too.
//! * A failed CONNECT does not necessarily trip WHENEVER SQLERROR (docs/oracle.md §6.2), so the
//!   sentinel query must answer before anything else is trusted.
//! * Every query is followed by a marker row, so the output parser knows exactly which rows
//!   belong to which query and notices anything unexpected.

use super::connection::Connection;

/// The exit code of `WHENEVER SQLERROR EXIT`: a SQL statement raised an ORA- error.
pub const SQLERROR_EXIT_CODE: i32 = 3;

/// The row the sentinel query returns once connected.
pub const CONNECTED_MARKER: &str = "BZ#CONNECTED";

/// The prefix of the marker row that ends query `n`'s rows (`BZ#END#n`).
pub const END_MARKER_PREFIX: &str = "BZ#END#";

/// The SET options for clean, machine-readable output (docs/oracle.md §6.4). `DEFINE OFF` keeps an
/// `&` in a path from being read as a substitution variable.
pub const SET_OPTIONS: &[&str] = &[
    "SET PAGESIZE 0",
    "SET FEEDBACK OFF",
    "SET HEADING OFF",
    "SET VERIFY OFF",
    "SET ECHO OFF",
    "SET TAB OFF",
    "SET TRIMOUT ON",
    "SET TRIMSPOOL ON",
    "SET LINESIZE 32767",
    "SET DEFINE OFF",
];

/// One statement of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// A query whose rows the caller reads back (one `|`-joined column per row).
    Query(String),
    /// DDL or DML whose only output is an error, if any.
    Command(String),
}

impl Statement {
    /// The SQL text, ending with `;`.
    pub fn sql(&self) -> &str {
        match self {
            Statement::Query(sql) | Statement::Command(sql) => sql,
        }
    }
}

/// A sqlplus script under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SqlplusScript {
    statements: Vec<Statement>,
}

impl SqlplusScript {
    /// An empty script (it still connects and checks the connection).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a query; returns its index among the script's queries (0-based), which is where its
    /// rows appear in the parsed output. A missing final `;` is added.
    pub fn query(&mut self, sql: &str) -> usize {
        self.statements.push(Statement::Query(terminated(sql)));
        self.query_count() - 1
    }

    /// Adds a statement whose output is not read (DDL such as CREATE DIRECTORY, GRANT).
    pub fn execute(&mut self, sql: &str) {
        self.statements.push(Statement::Command(terminated(sql)));
    }

    /// Adds an anonymous PL/SQL block (`BEGIN ... END;`), ended by SQL*Plus's `/` line.
    pub fn plsql(&mut self, block: &str) {
        self.statements
            .push(Statement::Command(format!("{}\n/", terminated(block))));
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// How many queries the script holds.
    pub fn query_count(&self) -> usize {
        self.statements
            .iter()
            .filter(|s| matches!(s, Statement::Query(_)))
            .count()
    }

    /// The full stdin text, with the password in its CONNECT line. Only for a child's stdin.
    pub fn render(&self, connection: &Connection) -> String {
        self.render_with(connection.connect_statement())
    }

    /// The same text with the password masked: for `--dry-run`, logs and traces.
    pub fn render_masked(&self, connection: &Connection) -> String {
        self.render_with(connection.connect_statement_masked())
    }

    fn render_with(&self, connect: String) -> String {
        let mut lines = vec!["SET DEFINE OFF".to_string(), connect];
        lines.extend(SET_OPTIONS.iter().map(|s| s.to_string()));
        lines.push(format!("WHENEVER SQLERROR EXIT {SQLERROR_EXIT_CODE}"));
        lines.push(format!("SELECT '{CONNECTED_MARKER}' FROM dual;"));
        let mut query = 0;
        for statement in &self.statements {
            lines.push(statement.sql().to_string());
            if let Statement::Query(_) = statement {
                query += 1;
                lines.push(format!("SELECT '{END_MARKER_PREFIX}{query}' FROM dual;"));
            }
        }
        lines.push("EXIT".to_string());
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

fn terminated(sql: &str) -> String {
    let sql = sql.trim();
    if sql.ends_with(';') {
        sql.to_string()
    } else {
        format!("{sql};")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn connection() -> Connection {
        Connection::with_password(
            "bizagiadmon",
            Secret::new("Tiger#9", "test"),
            Some("//db/ORCL"),
        )
        .unwrap()
    }

    #[test]
    fn renders_connect_set_whenever_statements_markers_exit() {
        let mut script = SqlplusScript::new();
        assert_eq!(script.query("SELECT 1 FROM dual"), 0);
        script.execute("GRANT READ, WRITE ON DIRECTORY X TO Y;");
        assert_eq!(script.query("SELECT 2 FROM dual;"), 1);
        let text = script.render(&connection());
        let lines: Vec<&str> = text.lines().collect();
        // DEFINE OFF before the CONNECT line, so a `&` in the password is never substituted.
        assert_eq!(lines[0], "SET DEFINE OFF");
        assert_eq!(lines[1], "CONNECT bizagiadmon/\"Tiger#9\"@//db/ORCL");
        assert_eq!(lines[2], "SET PAGESIZE 0");
        assert!(lines.contains(&"WHENEVER SQLERROR EXIT 3"));
        let tail: Vec<&str> = lines.iter().rev().take(7).rev().copied().collect();
        assert_eq!(
            tail,
            [
                "SELECT 'BZ#CONNECTED' FROM dual;",
                "SELECT 1 FROM dual;",
                "SELECT 'BZ#END#1' FROM dual;",
                "GRANT READ, WRITE ON DIRECTORY X TO Y;",
                "SELECT 2 FROM dual;",
                "SELECT 'BZ#END#2' FROM dual;",
                "EXIT",
            ]
        );
    }

    #[test]
    fn the_masked_rendering_has_no_password() {
        let mut script = SqlplusScript::new();
        script.query("SELECT 1 FROM dual");
        let masked = script.render_masked(&connection());
        assert!(!masked.contains("Tiger#9"));
        assert!(masked.starts_with("SET DEFINE OFF\nCONNECT bizagiadmon/\"***\"@//db/ORCL\n"));
        assert_eq!(
            masked.replace("\"***\"", "\"Tiger#9\""),
            script.render(&connection())
        );
    }
}
