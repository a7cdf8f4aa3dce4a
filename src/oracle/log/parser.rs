//! The state machine that puts classified lines together into a [`LogReport`].
//!
//! It keeps only what the report returns plus a few flags: the message still open (the lines
//! after a message belong to it until the next structural line), whether that message still
//! waits for its cause, whether we are in a trace dump or the dump file list.

use super::catalogue;
use super::grammar::{self, classify, find, Code, Ending, Line};
use super::lines::decode;
use super::{
    verdict, LogReport, Message, ObjectRef, Outcome, Parameter, Policy, Severity, TableRows, Tool,
    Totals, Verdict, Warning,
};
use std::borrow::Cow;
use std::collections::HashSet;

/// Lines kept with one message; a longer stack or SQL text is cut (the log has the rest).
const MAX_MESSAGE_LINES: usize = 200;
/// Bytes kept of one line of text in the report.
const MAX_TEXT: usize = 4000;

const STACK: &[u8; 9] = b"ORA-06512";
const RESUMABLE_WAIT: &str = "ORA-39171";

const UNKNOWN_MEANING: &str = "Not in the knowledge base.";
const UNKNOWN_ADVICE: &str =
    "Look the code up (oerr or the Error Messages book) and judge its effect on the data.";

#[derive(Default)]
pub(super) struct Parser {
    line_no: u64,
    tool_banner: Option<Tool>,
    tool_rman: Option<Tool>,
    tool_rows: Option<Tool>,
    tool_command: Option<Tool>,
    version: Option<String>,
    version_full: Option<String>,
    job: Option<String>,
    started: Option<String>,
    finished: Option<String>,
    elapsed: Option<String>,
    parameters: Vec<Parameter>,
    ending: Option<Ending>,
    /// A job ran (a `Starting`, `Master table` or object path line) since the last final line.
    job_running: bool,
    error_lines: u64,
    codes: Vec<Code>,
    /// The codes seen, for a lookup that stays cheap with thousands of distinct codes.
    seen: HashSet<Code>,
    messages: Vec<Message>,
    /// The message the next lines belong to.
    open: Option<usize>,
    /// The open message (or its last cause) is followed by the error that caused it.
    awaiting_cause: bool,
    in_trace: bool,
    in_dump_list: bool,
    path: Option<String>,
    tables: Vec<TableRows>,
    totals: Totals,
    dump_files: Vec<String>,
    warnings: Vec<Warning>,
}

/// Text for the report: lossy UTF-8 (the log is in the database character set), bounded.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_TEXT)]).into_owned()
}

impl Parser {
    /// Takes one raw line (without its line break).
    pub(super) fn line(&mut self, raw: &[u8]) {
        self.line_no += 1;
        let decoded = decode(raw);
        if self.tool_rman.is_none() {
            self.tool_rman = decoded.rman;
        }
        let body = decoded.text;
        match classify(body) {
            Line::Blank => self.in_dump_list = false,
            Line::Message { code, text } => {
                if code.is_ora() {
                    self.error_lines += 1;
                }
                self.message(code, text, body, false);
            }
            Line::Resumable { code, text } => {
                if code.is_ora() {
                    self.error_lines += 1;
                }
                self.message(code, text, body, true);
            }
            Line::Other(other) => self.other(other),
            Line::Trace { end } => {
                self.count_ora(body);
                self.in_trace = !end && self.open.is_some();
                self.attach(body);
            }
            Line::FailingSql => {
                self.awaiting_cause = false;
                self.attach(body);
            }
            structural => {
                self.close();
                self.structural(structural);
            }
        }
    }

    fn count_ora(&mut self, body: &[u8]) {
        if find(body, b"ORA-").is_some() {
            self.error_lines += 1;
        }
    }

    /// A line no grammar rule claims: a dump file, a line of the open message, or noise.
    fn other(&mut self, body: &[u8]) {
        self.count_ora(body);
        if self.in_dump_list {
            // Names keep the indentation Data Pump gives them after a LOGTIME stamp.
            self.dump_files.push(text(body).trim().to_string());
            return;
        }
        if find(body, b"nconsistent").is_some() && find(body, b"ump file").is_some() {
            self.warnings.push(Warning {
                line: self.line_no,
                text: text(body),
                concern: verdict::Concern::Integrity,
            });
        }
        if self.open.is_some() {
            self.attach(body);
        } else if self.tool_banner.is_none() && self.tool_command.is_none() && !self.job_running {
            // A shell prompt with the command, before the banner: `$ expdp system/... schemas=X`.
            if find(body, b"expdp").is_some() {
                self.tool_command = Some(Tool::Expdp);
            } else if find(body, b"impdp").is_some() {
                self.tool_command = Some(Tool::Impdp);
            }
        }
    }

    /// Adds a line to the open message.
    fn attach(&mut self, body: &[u8]) {
        if let Some(m) = self.open.and_then(|i| self.messages.get_mut(i)) {
            if m.lines.len() < MAX_MESSAGE_LINES {
                m.lines.push(text(body));
            }
        }
    }

    /// The end of the open message.
    fn close(&mut self) {
        self.open = None;
        self.awaiting_cause = false;
        self.in_trace = false;
    }

    fn note_code(&mut self, code: Code) {
        if self.seen.insert(code) {
            self.codes.push(code);
        }
    }

    /// A code line: the cause or stack of the open message, or a message of its own.
    fn message(&mut self, code: Code, message: &[u8], body: &[u8], resumable: bool) {
        self.note_code(code);
        let stack = code.as_str().as_bytes() == STACK;
        if let Some(open) = self.open.and_then(|i| self.messages.get_mut(i)) {
            let waits = open.code == RESUMABLE_WAIT && resumable;
            // The same code again is the next message of a run (an excerpt may lack the cause).
            let cause = self.awaiting_cause && open.code != code.as_str();
            if stack || self.in_trace || cause || waits {
                if !stack
                    && open.causes.len() < MAX_MESSAGE_LINES
                    && !open.causes.iter().any(|c| c == code.as_str())
                {
                    open.causes.push(code.as_str().to_string());
                }
                if open.lines.len() < MAX_MESSAGE_LINES {
                    open.lines.push(text(body));
                }
                if !stack {
                    self.awaiting_cause =
                        catalogue::lookup(code.as_str()).is_some_and(|e| e.takes_cause);
                }
                return;
            }
        }
        if stack {
            // A stack frame with nothing above it (an excerpt starting mid-stack) says nothing.
            return;
        }
        let entry = catalogue::lookup(code.as_str());
        let object = grammar::object(code, message).map(|(kind, name)| ObjectRef { kind, name });
        self.messages.push(Message {
            code: code.as_str().to_string(),
            line: self.line_no,
            severity: entry.map_or(Severity::Unknown, |e| e.severity),
            verdict: Verdict::Review,
            object,
            path: self.path.clone(),
            text: text(message),
            meaning: entry.map_or(UNKNOWN_MEANING, |e| e.meaning),
            advice: entry.map_or(UNKNOWN_ADVICE, |e| e.advice),
            causes: Vec::new(),
            lines: Vec::new(),
            resumable,
        });
        self.open = Some(self.messages.len() - 1);
        self.awaiting_cause = entry.is_some_and(|e| e.takes_cause);
        self.in_trace = false;
    }

    fn structural(&mut self, line: Line<'_>) {
        match line {
            Line::Banner {
                tool,
                release,
                date,
            } => {
                self.tool_banner.get_or_insert(tool);
                if self.version.is_none() {
                    self.version = Some(text(release));
                    self.started = date.map(text);
                }
            }
            Line::Version(v) => {
                self.version_full.get_or_insert_with(|| text(v));
            }
            Line::Parfile { continued, entry } => self.parfile(continued, entry),
            Line::Starting {
                owner,
                job,
                parameters,
            } => {
                if self.ending.is_some() {
                    // A second job in the same transcript: its ending is the one that counts.
                    self.ending = None;
                    self.finished = None;
                    self.elapsed = None;
                }
                self.job_running = true;
                self.set_job(owner, job);
                if !self.parameters.iter().any(|p| p.source == "command") {
                    self.parameters.extend(command_parameters(parameters));
                }
            }
            Line::MasterTable { owner, job } => {
                self.job_running = true;
                if self.job.is_none() {
                    self.set_job(owner, job);
                }
            }
            Line::ObjectPath(path) => {
                self.job_running = true;
                let path = String::from_utf8_lossy(path);
                match &mut self.path {
                    Some(current) if current.as_str() == path => {}
                    Some(current) => {
                        current.clear();
                        current.push_str(&path);
                    }
                    None => self.path = Some(path.into_owned()),
                }
            }
            Line::Row(row) => {
                if self.tool_rows.is_none() {
                    self.tool_rows = row.tool();
                }
                self.totals.tables += 1;
                self.totals.rows = self.totals.rows.saturating_add(row.rows);
                self.totals.bytes = self.totals.bytes.saturating_add(row.bytes.unwrap_or(0));
                self.tables.push(TableRows {
                    name: grammar::display_name(row.name),
                    rows: row.rows,
                    out_of: row.out_of,
                    bytes: row.bytes,
                });
            }
            Line::Final(f) => {
                self.job_running = false;
                self.ending = Some(f.ending);
                self.set_job(f.owner, f.job);
                self.finished = f.at.map(text);
                self.elapsed = f.elapsed.map(text);
            }
            Line::DumpFileSet => self.in_dump_list = true,
            Line::Warning(w) => self.warnings.push(Warning {
                line: self.line_no,
                text: text(w),
                concern: verdict::concern(w),
            }),
            _ => self.in_dump_list = false,
        }
    }

    fn set_job(&mut self, owner: &[u8], job: &[u8]) {
        let name = format!(
            "{}.{}",
            String::from_utf8_lossy(owner),
            String::from_utf8_lossy(job)
        );
        if self.job.as_deref() != Some(name.as_str()) {
            self.job = Some(name);
        }
    }

    /// `;;; parfile:  name=value`, or `;;; _parfile: rest` continuing the value before.
    fn parfile(&mut self, continued: bool, entry: &[u8]) {
        let entry = String::from_utf8_lossy(entry);
        if continued {
            if let Some(last) = self
                .parameters
                .iter_mut()
                .rev()
                .find(|p| p.source == "parfile")
            {
                last.value.push_str(&entry);
                last.value = mask(&last.name, &last.value).into_owned();
            }
            return;
        }
        let (name, value) = entry.split_once('=').unwrap_or((&entry, ""));
        let name = name.trim().to_ascii_lowercase();
        let value = mask(&name, value.trim()).into_owned();
        self.parameters.push(Parameter {
            name,
            value,
            source: "parfile",
        });
    }

    /// The report, judged under `policy`.
    pub(super) fn finish(self, policy: &Policy) -> LogReport {
        let (outcome, reported_errors) = match self.ending {
            Some(Ending::Success) => (Outcome::Success, Some(0)),
            Some(Ending::Errors(n)) => (Outcome::CompletedWithErrors, Some(n)),
            Some(Ending::Fatal) => (Outcome::Fatal, None),
            Some(Ending::Stopped) => (Outcome::Stopped, None),
            None if self.job_running => (Outcome::Incomplete, None),
            // No job line at all, but errors: the client gave up before a job ran.
            None if !self.codes.is_empty() => (Outcome::NotStarted, None),
            None => (Outcome::Incomplete, None),
        };
        let tool = self
            .tool_banner
            .or(self.tool_rman)
            .or(self.tool_rows)
            .or_else(|| tool_of_job(self.job.as_deref()))
            .or(self.tool_command);
        let mut report = LogReport {
            tool,
            version: self.version,
            version_full: self.version_full,
            job: self.job,
            started: self.started,
            finished: self.finished,
            elapsed: self.elapsed,
            parameters: self.parameters,
            outcome,
            reported_errors,
            error_lines: self.error_lines,
            codes: self.codes.iter().map(|c| c.as_str().to_string()).collect(),
            messages: self.messages,
            tables: self.tables,
            totals: self.totals,
            dump_files: self.dump_files,
            warnings: self.warnings,
            verdict: Verdict::Ok,
            reasons: Vec::new(),
            lines: self.line_no,
        };
        verdict::judge(&mut report, policy);
        report
    }
}

/// The tool a default job name implies (`SYS_EXPORT_SCHEMA_01`, `SYS_IMPORT_FULL_01`, `SYS_SQL_FILE_FULL_01`).
fn tool_of_job(job: Option<&str>) -> Option<Tool> {
    let name = job?.rsplit('.').next()?;
    if name.starts_with("SYS_EXPORT_") {
        Some(Tool::Expdp)
    } else if name.starts_with("SYS_IMPORT_") || name.starts_with("SYS_SQL_FILE_") {
        Some(Tool::Impdp)
    } else {
        None
    }
}

/// The parameters of a `Starting` line: `user/********@db key=value ...`.
fn command_parameters(line: &[u8]) -> Vec<Parameter> {
    let line = String::from_utf8_lossy(line);
    let mut out = Vec::new();
    for (i, token) in tokens(&line).into_iter().enumerate() {
        let (name, value) = match token.split_once('=') {
            Some((name, value)) if !name.contains('/') && !name.starts_with('"') => {
                (name.trim().to_ascii_lowercase(), value)
            }
            _ if i == 0 => ("userid".to_string(), token),
            _ => ("argument".to_string(), token),
        };
        let value = mask(&name, value).into_owned();
        out.push(Parameter {
            name,
            value,
            source: "command",
        });
    }
    out
}

/// Splits at blanks outside quotes.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, ' ' | '\t') => {
                if let Some(s) = start.take() {
                    out.push(&line[s..i]);
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out
}

/// A parameter value with any password replaced by `********`.
pub(super) fn mask<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if name.contains("password") {
        return Cow::Borrowed("********");
    }
    if name != "userid" {
        return Cow::Borrowed(value);
    }
    // user/password@connect: the password runs from the first '/' to '@', a blank or a quote.
    let Some(slash) = value.find('/') else {
        return Cow::Borrowed(value);
    };
    let rest = &value[slash + 1..];
    let end = rest.find(['@', ' ', '"', '\'']).unwrap_or(rest.len());
    let password = &rest[..end];
    if password.is_empty() || password.chars().all(|c| c == '*') {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!("{}/********{}", &value[..slash], &rest[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_passwords_in_parameters() {
        assert_eq!(mask("userid", "system/oracle@pdb1"), "system/********@pdb1");
        assert_eq!(mask("userid", "system/manager"), "system/********");
        assert_eq!(mask("userid", "zwd/********@db"), "zwd/********@db");
        assert_eq!(
            mask("userid", "\"/******** AS SYSDBA\""),
            "\"/******** AS SYSDBA\""
        );
        assert_eq!(mask("userid", "'/ as sysdba'"), "'/ as sysdba'");
        assert_eq!(mask("encryption_password", "secret"), "********");
        assert_eq!(mask("schemas", "hr/x"), "hr/x");
    }

    #[test]
    fn reads_the_starting_parameters() {
        let p =
            command_parameters(b"system/secret@db directory=DP dumpfile=\"a b.dmp\" schemas=HR");
        let shown: Vec<(String, String)> = p.into_iter().map(|p| (p.name, p.value)).collect();
        assert_eq!(
            shown,
            [
                ("userid".to_string(), "system/********@db".to_string()),
                ("directory".into(), "DP".into()),
                ("dumpfile".into(), "\"a b.dmp\"".into()),
                ("schemas".into(), "HR".into()),
            ]
        );
    }
}
