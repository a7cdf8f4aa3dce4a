//! The audit trail: one JSON line per tool invocation in `DIR/audit.jsonl`.
//!
//! Tests read it to prove what a caller passed (argv exactly as received, NLS_LANG, exit code,
//! the statements sqlplus ran). It must never itself leak a secret: CONNECT passwords are masked
//! before a statement is recorded, and a password read from a prompt is never recorded.

use crate::home::Home;
use serde::Serialize;
use std::io::Write;

/// One invocation.
#[derive(Debug, Serialize)]
pub struct AuditRecord {
    pub tool: String,
    pub argv: Vec<String>,
    pub nls_lang: Option<String>,
    pub exit_code: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<String>>,
    pub stdin_password_prompted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// True when the client died abruptly (scenario `crash`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub crashed: bool,
    pub time: String,
}

/// Appends `record` to the home's audit trail. A failure to write the audit is reported on
/// stderr but never changes the tool's own outcome.
pub fn append(home: &Home, record: &AuditRecord) {
    let line = match serde_json::to_string(record) {
        Ok(line) => line + "\n",
        Err(e) => {
            eprintln!("oracle-sim: cannot encode the audit record: {e}");
            return;
        }
    };
    let result = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(home.audit_path())
        // One write call per line: O_APPEND keeps concurrent writers' lines whole.
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = result {
        eprintln!(
            "oracle-sim: cannot append to {}: {e}",
            home.audit_path().display()
        );
    }
}

/// What one run of a tool records about itself, filled in as it goes.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub home: Home,
    pub tool: String,
    pub argv: Vec<String>,
    pub nls_lang: Option<String>,
    pub password_prompted: bool,
    pub job_name: Option<String>,
    pub statements: Option<Vec<String>>,
}

impl Invocation {
    /// Appends this run's audit line.
    pub fn audit(&self, exit_code: i32, crashed: bool) {
        append(
            &self.home,
            &AuditRecord {
                tool: self.tool.clone(),
                argv: self.argv.clone(),
                nls_lang: self.nls_lang.clone(),
                exit_code,
                statements: self.statements.clone(),
                stdin_password_prompted: self.password_prompted,
                job_name: self.job_name.clone(),
                crashed,
                time: crate::clock::iso(chrono::Local::now()),
            },
        );
    }
}
