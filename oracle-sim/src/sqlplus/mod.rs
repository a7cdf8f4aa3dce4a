//! `sqlplus`: the command-line grammar, SQL*Plus commands (CONNECT, SET, WHENEVER, EXIT...) and
//! the SQL subset of [`parser`], read from stdin (or an `@script`).

mod execute;
pub mod identity;
mod lexer;
mod parser;
mod plsql;
mod views;

use crate::audit::Invocation;
use crate::home::{self, Home};
use crate::state::Database;
use std::io::{BufRead, Write};

/// SET options that matter for output.
struct Settings {
    pagesize: u32,
    heading: bool,
    /// Rows needed before "n rows selected." (0 = OFF).
    feedback: u32,
    colsep: String,
}

/// WHENEVER SQLERROR action.
#[derive(Clone, Copy)]
enum OnError {
    Continue,
    Exit(i32),
    ExitSqlcode,
}

struct Session<'a> {
    home: &'a Home,
    user: Option<String>,
    /// The connect identifier of the current connection (for SYS_CONTEXT's SERVICE_NAME).
    connect: Option<String>,
    settings: Settings,
    on_error: OnError,
    silent: bool,
    statements: Vec<String>,
    password_prompted: bool,
    nls_lang: Option<String>,
}

fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

const SQLPLUS_COMMANDS: &[&str] = &[
    "CONNECT",
    "CONN",
    "SET",
    "WHENEVER",
    "EXIT",
    "QUIT",
    "PROMPT",
    "PRO",
    "REM",
    "REMARK",
    "SHOW",
    "SHO",
    "SPOOL",
    "SPO",
    "DEFINE",
    "DEF",
    "UNDEFINE",
    "COLUMN",
    "COL",
    "DISCONNECT",
    "DISC",
    "TTITLE",
    "BTITLE",
    "CLEAR",
    "HOST",
    "VARIABLE",
    "VAR",
    "PRINT",
];
const SQL_VERBS: &[&str] = &[
    "SELECT",
    "CREATE",
    "GRANT",
    "DROP",
    "INSERT",
    "UPDATE",
    "DELETE",
    "ALTER",
    "WITH",
    "REVOKE",
    "COMMIT",
    "ROLLBACK",
    "TRUNCATE",
    "COMMENT",
    "MERGE",
    "RENAME",
    "SAVEPOINT",
    "LOCK",
    "EXPLAIN",
    "AUDIT",
    "NOAUDIT",
    "PURGE",
    "ANALYZE",
    "FLASHBACK",
    "CALL",
];
const PLSQL_STARTS: &[&str] = &["BEGIN", "DECLARE"];

/// Runs sqlplus; returns its exit code.
pub fn run(home: &Home, args: &[String], inv: &mut Invocation) -> i32 {
    let mut silent = false;
    let mut logon_once = false;
    let mut logon: Option<String> = None;
    let mut script: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let upper = a.to_ascii_uppercase();
        if script.is_none() && logon.is_none() && a.starts_with('-') {
            match upper.as_str() {
                "-S" | "-SILENT" => silent = true,
                "-L" | "-LOGON" => logon_once = true,
                "-NOLOGINTIME" | "-F" | "-FAST" => {}
                "-V" | "-VERSION" => {
                    let db = Database::load(home).ok();
                    let (v, full) = db
                        .map(|d| (d.client_version, d.client_version_full))
                        .unwrap_or_default();
                    say("");
                    say(&format!("SQL*Plus: Release {v} - Production"));
                    say(&format!("Version {full}"));
                    say("");
                    return 0;
                }
                "-H" | "-HELP" => {
                    say("");
                    say("Usage 1: sqlplus -H | -V");
                    say("");
                    say("Usage 2: sqlplus [ [<option>] [{logon | /nolog}] [<start>] ]");
                    return 0;
                }
                "-M" | "-MARKUP" | "-R" | "-RESTRICT" | "-C" | "-COMPATIBILITY" => i += 1,
                _ => {
                    say("SP2-0306: Invalid option.");
                    say("Usage 1: sqlplus -H | -V");
                    return 1;
                }
            }
        } else if let Some(s) = a.strip_prefix('@') {
            script = Some(s.to_string());
        } else if logon.is_none() {
            logon = Some(a.clone());
        } else if upper == "AS" && script.is_none() {
            // `sqlplus / as sysdba`: the role is part of the logon.
            if let (Some(l), Some(role)) = (logon.as_mut(), args.get(i + 1)) {
                l.push_str(" as ");
                l.push_str(role);
                i += 1;
            }
        }
        i += 1;
    }
    if home::message_file(home::oracle_home_env().as_deref(), "sqlplus", "sp1us.msb").is_none() {
        say("Error 6 initializing SQL*Plus");
        say("SP2-0667: Message file sp1<lang>.msb not found");
        say("SP2-0750: You may need to set ORACLE_HOME to your Oracle software directory");
        return 1;
    }
    let mut s = Session {
        home,
        user: None,
        connect: None,
        settings: Settings {
            pagesize: 14,
            heading: true,
            feedback: 6,
            colsep: " ".to_string(),
        },
        on_error: OnError::Continue,
        silent,
        statements: Vec::new(),
        password_prompted: false,
        nls_lang: inv.nls_lang.clone(),
    };
    if !silent {
        let v = Database::load(home)
            .map(|d| d.client_version)
            .unwrap_or_default();
        say("");
        say(&format!(
            "SQL*Plus: Release {v} - Production on {}",
            crate::clock::long(chrono::Local::now())
        ));
        say("");
        say("Copyright (c) 1982, 2019, Oracle.  All rights reserved.");
        say("");
    }
    let input: Box<dyn BufRead> = match &script {
        Some(path) => {
            let path = if std::path::Path::new(path).extension().is_none() {
                format!("{path}.sql")
            } else {
                path.clone()
            };
            match std::fs::File::open(&path) {
                Ok(f) => Box::new(std::io::BufReader::new(f)),
                Err(_) => {
                    say(&format!("SP2-0310: unable to open file \"{path}\""));
                    Box::new(std::io::stdin().lock())
                }
            }
        }
        None => Box::new(std::io::stdin().lock()),
    };
    let mut lines = input.lines().map_while(Result::ok);
    let code = (|| {
        match logon.as_deref() {
            Some(l) if l.eq_ignore_ascii_case("/nolog") => {}
            Some(l) => {
                if !s.connect(l, &mut lines) && logon_once {
                    say("SP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus");
                    return 1;
                }
            }
            None => {
                s.password_prompted = true;
                prompt("Enter user-name: ", s.silent);
                let Some(u) = lines.next() else { return 1 };
                if !s.connect(&u, &mut lines) && logon_once {
                    say("SP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus");
                    return 1;
                }
            }
        }
        s.run_lines(&mut lines)
    })();
    inv.statements = Some(s.statements);
    inv.password_prompted = s.password_prompted;
    code
}

fn prompt(text: &str, silent: bool) {
    if !silent {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }
}

/// Whether a line ends a SQL statement: SQL*Plus looks at the end of the line only, not at
/// quotes (a `;` ending a line inside an open literal still ends the statement).
fn ends_with_semicolon(line: &str) -> bool {
    line.trim_end().ends_with(';')
}

impl Session<'_> {
    /// Reads commands until EXIT or end of input; returns the exit code.
    fn run_lines(&mut self, lines: &mut dyn Iterator<Item = String>) -> i32 {
        let mut buffer = String::new();
        let mut plsql = false;
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if buffer.is_empty() {
                if trimmed.is_empty() || trimmed.starts_with("--") {
                    continue;
                }
                if trimmed == "/" {
                    continue;
                }
                let first = trimmed
                    .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                if SQLPLUS_COMMANDS.contains(&first.as_str()) {
                    if let Some(code) = self.command(&first, trimmed, lines) {
                        return code;
                    }
                    continue;
                }
                if SQL_VERBS.contains(&first.as_str()) || PLSQL_STARTS.contains(&first.as_str()) {
                    plsql = PLSQL_STARTS.contains(&first.as_str());
                } else {
                    let shown: String = trimmed.chars().take(10).collect();
                    say(&format!("SP2-0734: unknown command beginning \"{shown}...\" - rest of line ignored."));
                    continue;
                }
            } else if trimmed.is_empty() && !plsql {
                // SQLBLANKLINES OFF: a blank line ends the statement without running it.
                buffer.clear();
                continue;
            }
            if plsql {
                if trimmed == "/" {
                    let text = std::mem::take(&mut buffer);
                    if let Some(code) = self.sql(&text, true) {
                        return code;
                    }
                    plsql = false;
                } else {
                    buffer.push_str(&line);
                    buffer.push('\n');
                }
                continue;
            }
            if trimmed == "/" {
                let text = std::mem::take(&mut buffer);
                if let Some(code) = self.sql(&text, false) {
                    return code;
                }
                continue;
            }
            buffer.push_str(&line);
            buffer.push('\n');
            if ends_with_semicolon(&line) {
                let text = std::mem::take(&mut buffer);
                let text = text.trim_end().trim_end_matches(';').to_string();
                if let Some(code) = self.sql(&text, false) {
                    return code;
                }
            }
        }
        // End of input without EXIT: sqlplus exits as if EXIT had been given.
        0
    }

    /// A SQL*Plus command; `Some(code)` when it ends the session.
    fn command(
        &mut self,
        first: &str,
        line: &str,
        lines: &mut dyn Iterator<Item = String>,
    ) -> Option<i32> {
        let rest = line[first.len().min(line.len())..]
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_string();
        match first {
            "CONNECT" | "CONN" => {
                self.connect(&rest, lines);
            }
            "DISCONNECT" | "DISC" => {
                self.statements.push(line.to_string());
                self.user = None;
            }
            "SET" => {
                self.statements.push(line.to_string());
                self.set(&rest);
            }
            "WHENEVER" => {
                self.statements.push(line.to_string());
                self.whenever(&rest);
            }
            "EXIT" | "QUIT" => {
                self.statements.push(line.to_string());
                return Some(exit_code(&rest, None));
            }
            "PROMPT" | "PRO" => {
                self.statements.push(line.to_string());
                say(&rest);
            }
            "REM" | "REMARK" => {}
            "SHOW" | "SHO" if rest.eq_ignore_ascii_case("USER") => {
                self.statements.push(line.to_string());
                say(&format!(
                    "USER is \"{}\"",
                    self.user.as_deref().unwrap_or("")
                ));
            }
            _ => {
                // SHOW, SPOOL, COLUMN, DEFINE...: accepted, without effect here (see FIDELITY.md).
                self.statements.push(line.to_string());
            }
        }
        None
    }

    fn set(&mut self, rest: &str) {
        let mut words = rest.split_whitespace();
        while let Some(opt) = words.next() {
            let o = opt.to_ascii_uppercase();
            let value = words.next().unwrap_or("").to_string();
            let v = value.to_ascii_uppercase();
            let on_off = |name: &str| -> Option<bool> {
                match v.as_str() {
                    "ON" => Some(true),
                    "OFF" => Some(false),
                    _ => {
                        say(&format!("SP2-0265: {name} must be set to ON or OFF"));
                        None
                    }
                }
            };
            match o.as_str() {
                "PAGESIZE" | "PAGES" => match v.parse() {
                    Ok(n) => self.settings.pagesize = n,
                    Err(_) => say("SP2-0268: pagesize option not a valid number"),
                },
                "HEADING" | "HEA" => {
                    if let Some(b) = on_off("heading") {
                        self.settings.heading = b;
                    }
                }
                "FEEDBACK" | "FEED" => {
                    self.settings.feedback = match v.as_str() {
                        "OFF" => 0,
                        "ON" => 1,
                        n => match n.parse() {
                            Ok(n) => n,
                            Err(_) => {
                                say("SP2-0267: feedback option out of range");
                                self.settings.feedback
                            }
                        },
                    }
                }
                "COLSEP" => {
                    self.settings.colsep = value.trim_matches('\'').trim_matches('"').to_string()
                }
                "VERIFY" | "VER" | "ECHO" | "TAB" | "TRIMOUT" | "TRIMO" | "TRIMSPOOL" | "TRIMS"
                | "TERMOUT" | "TERM" | "SQLBLANKLINES" | "SQLBL" | "TIMING" | "TIMI" | "WRAP"
                | "WRA" | "AUTOCOMMIT" | "AUTO" => {
                    on_off(&o.to_lowercase());
                }
                "LINESIZE" | "LIN" | "LONG" | "NEWPAGE" | "NEWP" | "ARRAYSIZE" | "ARRAY" => {
                    if v.parse::<u64>().is_err() && v != "NONE" {
                        say(&format!(
                            "SP2-0268: {} option not a valid number",
                            o.to_lowercase()
                        ));
                    }
                }
                "DEFINE" | "DEF" | "NULL" | "SERVEROUTPUT" | "SERVEROUT" | "MARKUP"
                | "SQLPROMPT" | "HEADSEP" => {
                    // Value taken, no effect on the simulated output. SERVEROUTPUT / MARKUP may
                    // carry more words; drop them.
                    if matches!(o.as_str(), "SERVEROUTPUT" | "SERVEROUT" | "MARKUP") {
                        for _ in words.by_ref() {}
                    }
                }
                _ => {
                    say(&format!(
                        "SP2-0158: unknown SET option beginning \"{}\"",
                        opt.chars().take(10).collect::<String>()
                    ));
                    return;
                }
            }
        }
    }

    fn whenever(&mut self, rest: &str) {
        let words: Vec<String> = rest
            .split_whitespace()
            .map(|w| w.to_ascii_uppercase())
            .collect();
        match (
            words.first().map(String::as_str),
            words.get(1).map(String::as_str),
        ) {
            (Some("SQLERROR"), Some("CONTINUE")) => self.on_error = OnError::Continue,
            (Some("SQLERROR"), Some("EXIT")) => {
                self.on_error = match words.get(2).map(String::as_str) {
                    Some("SQL.SQLCODE") => OnError::ExitSqlcode,
                    w => OnError::Exit(exit_code(w.unwrap_or(""), None)),
                }
            }
            (Some("OSERROR"), Some("EXIT" | "CONTINUE")) => {}
            _ => say("SP2-0024: Nothing to change."),
        }
    }

    /// CONNECT; true on success. A password missing from the command is read from the next
    /// input line (in a real terminal: an invisible prompt).
    fn connect(&mut self, spec: &str, lines: &mut dyn Iterator<Item = String>) -> bool {
        let creds = crate::datapump::userid::Credentials::parse(spec);
        let masked = format!(
            "CONNECT {}{}{}",
            creds.typed_user,
            // External logons (`/@alias`, `/ as sysdba`) carry no password to hide.
            if creds.external() {
                "/"
            } else if creds.password.is_some() {
                "/***"
            } else {
                ""
            },
            creds
                .connect
                .as_deref()
                .map(|c| format!("@{c}"))
                .unwrap_or_default()
        );
        self.statements.push(if creds.sysdba {
            format!("{masked} AS SYSDBA")
        } else {
            masked
        });
        let mut password = creds.password.clone();
        if creds.needs_password() {
            self.password_prompted = true;
            prompt("Enter password: ", self.silent);
            password = lines.next();
            if password.is_none() {
                say("ERROR:");
                say("ORA-01005: null password given; logon denied");
                say("");
                return false;
            }
        }
        let db = match Database::load(self.home) {
            Ok(db) => db,
            Err(e) => {
                say(&format!("oracle-sim: {e}"));
                return false;
            }
        };
        let error = if !creds.external() && password.as_deref().unwrap_or("").is_empty() {
            Some("ORA-01005: null password given; logon denied")
        } else if db.scenario == crate::scenario::Scenario::BadPassword
            || db.user(&creds.user).is_none()
        {
            Some("ORA-01017: invalid username/password; logon denied")
        } else {
            None
        };
        self.user = None;
        if let Some(e) = error {
            say("ERROR:");
            say(e);
            say("");
            return false;
        }
        self.user = Some(creds.user.clone());
        self.connect = creds.connect.clone();
        if !self.silent {
            say("Connected.");
        }
        true
    }

    /// Runs one SQL statement; `Some(code)` when WHENEVER SQLERROR ends the session.
    /// Runs an anonymous PL/SQL block (the recompilations of [`plsql`]).
    fn plsql(&mut self, user_name: &str, text: &str) -> Result<(), String> {
        let calls = plsql::parse(text)?;
        Database::update(self.home, |db| {
            let user = db
                .user(user_name)
                .cloned()
                .ok_or("ORA-01012: not logged on")?;
            for call in &calls {
                if call.schema != user.name && !user.has_role("DBA") && user.name != "SYS" {
                    return Err(
                        "ORA-20000: Unable to compile schema: insufficient privileges".to_string(),
                    );
                }
                plsql::recompile(db, &call.schema)?;
            }
            Ok(())
        })
        .map_err(|e| format!("oracle-sim: {e}"))??;
        self.feedback("PL/SQL procedure successfully completed.");
        Ok(())
    }

    fn sql(&mut self, text: &str, plsql: bool) -> Option<i32> {
        self.statements.push(mask_password(text.trim()));
        let Some(user) = self.user.clone() else {
            say("SP2-0640: Not connected");
            return None;
        };
        let result = if plsql {
            self.plsql(&user, text)
        } else {
            lexer::lex(text)
                .and_then(parser::parse)
                .and_then(|stmt| self.execute(&user, stmt))
        };
        match result {
            Ok(()) => None,
            Err(ora) => {
                say("ERROR at line 1:");
                say(&ora);
                say("");
                match self.on_error {
                    OnError::Continue => None,
                    OnError::Exit(n) => Some(n),
                    OnError::ExitSqlcode => {
                        let code: i32 = ora.get(4..9).and_then(|c| c.parse().ok()).unwrap_or(1);
                        Some(code.rem_euclid(256))
                    }
                }
            }
        }
    }
}

/// The statement as the audit trail records it: the password after `IDENTIFIED BY` is masked.
fn mask_password(text: &str) -> String {
    let upper = text.to_ascii_uppercase();
    match upper.find("IDENTIFIED BY") {
        Some(at) => {
            let start = at + "IDENTIFIED BY".len();
            let rest = &text[start..];
            let skip = rest.len() - rest.trim_start().len();
            let pw_len = rest
                .trim_start()
                .find(char::is_whitespace)
                .unwrap_or(rest.trim_start().len());
            format!(
                "{} ********{}",
                &text[..start],
                &text[start + skip + pw_len..]
            )
        }
        None => text.to_string(),
    }
}

/// The code of `EXIT [SUCCESS|FAILURE|WARNING|n] [COMMIT|ROLLBACK]`, modulo 256 as on UNIX.
fn exit_code(rest: &str, _sqlcode: Option<i32>) -> i32 {
    let word = rest
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match word.as_str() {
        "" | "SUCCESS" | "COMMIT" | "ROLLBACK" => 0,
        "FAILURE" => 1,
        "WARNING" => 2,
        n => n
            .parse::<i64>()
            .map(|v| v.rem_euclid(256) as i32)
            .unwrap_or(1),
    }
}
