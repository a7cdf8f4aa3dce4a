//! Reading a Data Pump log like an expert DBA: what ran, how it ended, every message with its
//! meaning and advice, and one verdict — `ok`, `review` or `failed` — under the project's policy
//! (`docs/verdict.md`).
//!
//! The parser streams: lines are split with `memchr` in a fixed buffer, and each line is
//! classified by its first byte before anything costlier runs, so it keeps pace with `grep` on
//! logs of hundreds of MB. Memory grows only with what it returns (messages, tables).
//!
//! * [`lines`] — bytes to lines; prefixes of terminals, RMAN, LOGTIME, METRICS;
//! * [`normalise`] — undoing what pasting did (prefixes, markup, typography, wrapping);
//! * [`grammar`] — what each line is; [`languages`] — the words of translated logs, and the
//!   structure that survives translation;
//! * [`catalogue`] — the knowledge base (`messages.tsv`);
//! * `parser` — the state machine putting lines together into a [`LogReport`];
//! * [`verdict`] — the policy; [`summary`] — the text a DBA reads.

pub mod catalogue;
pub mod command;
pub mod grammar;
pub mod languages;
pub mod lines;
pub mod normalise;
mod parser;
pub mod summary;
pub mod utf16;
pub mod verdict;

#[cfg(test)]
mod class_tests;
#[cfg(test)]
mod corpus_tests;

/// The shared reference folder (`shared/` next to the repository, or next to one of its parent
/// folders: a git worktree lives deeper than the main checkout), for tests.
#[cfg(test)]
pub(crate) fn shared_dir() -> std::path::PathBuf {
    let here = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .skip(1)
        .map(|a| a.join("shared"))
        .find(|s| s.join("datapump-logs").is_dir())
        .unwrap_or_else(|| here.join("../shared"))
}
#[cfg(test)]
mod robustness_tests;

pub use catalogue::Severity;

use serde::Serialize;
use std::io::{self, BufRead, Read};
use std::path::Path;

/// The Data Pump client that wrote a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Expdp,
    Impdp,
}

impl Tool {
    /// `expdp` or `impdp`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Tool::Expdp => "expdp",
            Tool::Impdp => "impdp",
        }
    }
}

/// How the job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `Job ... successfully completed`.
    Success,
    /// `Job ... completed with N error(s)`.
    CompletedWithErrors,
    /// `Job ... stopped due to fatal error`.
    Fatal,
    /// Stopped by the user (STOP_JOB, KILL_JOB).
    Stopped,
    /// The client failed before a job ran (bad parameter, invalid directory...): no job line.
    NotStarted,
    /// The log ends while the job is still running: no final line.
    Incomplete,
    /// The final line is there (the job's `"OWNER"."JOB"`, its `elapsed`) but in a language
    /// bizscript does not read: the job ended, how is not understood (policy review 10).
    Unread,
}

impl Outcome {
    /// The name used in JSON and scripts.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::CompletedWithErrors => "completed_with_errors",
            Outcome::Fatal => "fatal",
            Outcome::Stopped => "stopped",
            Outcome::NotStarted => "not_started",
            Outcome::Incomplete => "incomplete",
            Outcome::Unread => "unread",
        }
    }
}

/// The answer to the DBA's only question: can I trust this dump (or import) without reading the
/// log myself? Ordered: `Ok < Review < Failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The job completed and every message is known to be harmless.
    Ok,
    /// The data is believed complete, but a person must look at or act on something.
    Review,
    /// The job did not complete, or data is known to be missing or wrong.
    Failed,
}

impl Verdict {
    /// The process exit code for `bizscript log`: 0 ok, 3 review, 1 failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Verdict::Ok => 0,
            Verdict::Review => 3,
            Verdict::Failed => 1,
        }
    }

    /// `ok`, `review` or `failed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Review => "review",
            Verdict::Failed => "failed",
        }
    }
}

/// Adjustments of the verdict policy for one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Codes whose messages are acknowledged as harmless for this job (e.g. `ORA-39082` when the
    /// script recompiles afterwards). They still appear in `messages`.
    pub allow: Vec<String>,
    /// Codes that fail the verdict wherever they appear (as a message or as its cause).
    pub deny: Vec<String>,
    /// The import is a restore: existing tables left untouched (ORA-39151, ORA-39152,
    /// ORA-39111) mean the restore did not happen for them, so they fail.
    pub restore: bool,
}

/// A code given to `--allow` / `--deny` or `allow:` / `deny:` that is not a message code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a message code: codes look like ORA-39082, UDE-28002, KUP-11007 (three letters, a dash, five digits)")]
pub struct BadCode {
    pub given: String,
}

/// The message code `given` stands for (upper-cased, trimmed), or why it is not one.
pub fn check_code(given: &str) -> Result<String, BadCode> {
    let code = given.trim().to_ascii_uppercase();
    if code.len() == 9 && grammar::Code::at_start(code.as_bytes()).is_some() {
        Ok(code)
    } else {
        Err(BadCode {
            given: given.to_string(),
        })
    }
}

impl Policy {
    /// A policy whose codes are all checked with [`check_code`].
    pub fn checked(allow: &[String], deny: &[String], restore: bool) -> Result<Policy, BadCode> {
        Ok(Policy {
            allow: allow
                .iter()
                .map(|c| check_code(c))
                .collect::<Result<_, _>>()?,
            deny: deny
                .iter()
                .map(|c| check_code(c))
                .collect::<Result<_, _>>()?,
            restore,
        })
    }

    /// Whether `code` is in the allow list (codes compare case-insensitively).
    pub fn allows(&self, code: &str) -> bool {
        self.allow
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(code))
    }

    /// Whether `code` is in the deny list.
    pub fn denies(&self, code: &str) -> bool {
        self.deny
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(code))
    }
}

/// The object a message is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    /// The object type as Data Pump names it: `TABLE`, `USER`, `OBJECT_GRANT`, `TABLE_DATA`...
    #[serde(rename = "type")]
    pub kind: String,
    /// `SCHEMA.NAME` (`:PARTITION`), when the message names one.
    pub name: Option<String>,
}

/// One message of the log (a code line), with the lines that belong to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// `ORA-39083`, `UDE-28002`...
    pub code: String,
    /// 1-based line number in the log.
    pub line: u64,
    /// How serious it is for this job, after the verdict policy looked at it.
    pub severity: Severity,
    /// What it makes of the verdict on its own.
    pub verdict: Verdict,
    pub object: Option<ObjectRef>,
    /// The object path being processed when it appeared (`SCHEMA_EXPORT/TABLE/TABLE`).
    pub path: Option<String>,
    /// The message text after the code, as written (possibly translated).
    pub text: String,
    /// What the knowledge base says it means and what to do.
    pub meaning: &'static str,
    pub advice: &'static str,
    /// Codes of the errors that caused it (the base error of an ORA-39083, the ORA-01653 under
    /// an ORA-31693...), in order.
    pub causes: Vec<String>,
    /// The lines that belong to it: causes, `Failing sql is:` and the SQL, the ORA-06512 stack.
    pub lines: Vec<String>,
    /// It was reported inside a resumable wait (after ORA-39171 or `Resumable error:`).
    pub resumable: bool,
    /// The line that says what is actually wrong, when it is not the message itself: the
    /// deepest cause (ORA-39087 under ORA-39002), or the operating system's error under an I/O
    /// error (`Linux-x86_64 Error: 28: No space left on device`).
    pub cause: Option<String>,
}

/// Every message of one kind, counted: the log may hold millions; `messages` keeps examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageGroup {
    pub code: String,
    /// The object type the messages are about, when they name one.
    pub object_type: Option<String>,
    pub verdict: Verdict,
    /// Why, under the verdict policy.
    pub why: String,
    pub count: u64,
    pub first_line: u64,
    /// The object named by the first one.
    pub first_object: Option<String>,
    /// The cause line of the first one (see [`Message::cause`]).
    pub first_cause: Option<String>,
}

/// The character sets of an import, from the lines before `Starting`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CharacterSets {
    /// `export done in X character set`: the character set the dump was written in.
    pub export: Option<String>,
    pub export_nchar: Option<String>,
    /// `import done in Y character set`: the character set of the database imported into.
    pub import: Option<String>,
    pub import_nchar: Option<String>,
    /// What the pair means for the data.
    pub meaning: String,
}

/// The rows of one table (or partition) as its row line reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRows {
    /// `SCHEMA.TABLE` or `SCHEMA.TABLE:PARTITION`.
    pub name: String,
    /// Rows exported or imported.
    pub rows: u64,
    /// The rows there were, when some were rejected (`n out of m rows`).
    pub out_of: Option<u64>,
    /// The size the line shows, in bytes (Data Pump rounds it).
    pub bytes: Option<u64>,
}

/// Totals over the row lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Row lines (tables and partitions).
    pub tables: u64,
    pub rows: u64,
    pub bytes: u64,
}

/// One parameter of the job, as the log shows it (passwords masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub name: String,
    pub value: String,
    /// `command` (the `Starting` line) or `parfile` (the `;;; parfile:` header lines).
    pub source: &'static str,
}

/// A warning line without a code (`Warning: ...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: u64,
    pub text: String,
    /// Whether it concerns the data, the dump's integrity, or is information only.
    pub concern: verdict::Concern,
}

/// Why the verdict is what it is: one entry per deciding message or fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub verdict: Verdict,
    /// The message code, when a message decided.
    pub code: Option<String>,
    /// The line of the log (the first, when the same finding repeats).
    pub line: Option<u64>,
    pub text: String,
    /// How many times the same finding occurs.
    pub count: u64,
}

/// Everything a Data Pump log says, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogReport {
    pub tool: Option<Tool>,
    /// The release in the banner (`19.0.0.0.0`; 10g–12.2 show the full release there).
    pub version: Option<String>,
    /// The `Version 19.27.0.0.0` line (18c on).
    pub version_full: Option<String>,
    /// `OWNER.JOB_NAME`.
    pub job: Option<String>,
    /// When the client started, from the banner, as printed.
    pub started: Option<String>,
    /// When the job ended, from the final line, as printed.
    pub finished: Option<String>,
    /// `d HH:MI:SS` from the final line (11.2 on).
    pub elapsed: Option<String>,
    pub parameters: Vec<Parameter>,
    pub outcome: Outcome,
    /// Data Pump's own N from `completed with N error(s)` (0 for success); `None` without one.
    pub reported_errors: Option<u64>,
    /// Lines carrying an `ORA-` code (what `grep -c ORA-` counts, minus row lines and names).
    pub error_lines: u64,
    /// Every distinct code (ORA-, UDE-, UDI-, LRM-, KUP-) in order of first appearance.
    pub codes: Vec<String>,
    /// The messages, each with its lines; at most a few hundred examples of each kind (see
    /// `message_groups` for the counts), so memory stays flat on a log of millions.
    pub messages: Vec<Message>,
    /// Every kind of message with its count.
    pub message_groups: Vec<MessageGroup>,
    /// How many messages the log holds (`messages` may keep fewer).
    pub messages_total: u64,
    /// The line saying what is wrong in the last failing message (its deepest cause): for a
    /// job that stopped or never started, what stopped it.
    pub last_problem: Option<String>,
    pub tables: Vec<TableRows>,
    pub totals: Totals,
    /// The dump files listed after `Dump file set for ... is:`.
    pub dump_files: Vec<String>,
    pub warnings: Vec<Warning>,
    /// The character sets of an import and what their conversion means.
    pub character_sets: Option<CharacterSets>,
    /// The final line, as written, when its language is not read (outcome `unread`).
    pub final_line: Option<String>,
    /// The log is an interactive session (`attach=`, the status block, `KILL_JOB`...).
    pub interactive: bool,
    /// What was undone before reading (a pasted log: prefixes, markup, typography, wrapping).
    pub normalisations: Vec<normalise::Fix>,
    /// Whether the input is a Data Pump log at all (a banner, a job line, a Data Pump message,
    /// an object path...). When false, `bizscript log` says "not a Data Pump log" (exit 2) and
    /// `parse_log` raises `BZ-LOG-NOT-DATAPUMP`.
    pub datapump: bool,
    pub verdict: Verdict,
    /// What decided the verdict, failed reasons first.
    pub reasons: Vec<Reason>,
    /// Lines read.
    pub lines: u64,
}

/// Parses a log held in memory.
pub fn parse_bytes(bytes: &[u8], policy: &Policy) -> LogReport {
    if let Some(order) = utf16::sniff(bytes) {
        let mut text = Vec::with_capacity(bytes.len() / 2);
        if utf16::Utf16Reader::new(bytes, order)
            .read_to_end(&mut text)
            .is_ok()
        {
            return parse_bytes(&text, policy);
        }
    }
    let mut parser = parser::Parser::new(policy);
    for line in lines::SliceLines::new(bytes) {
        parser.line(line);
    }
    parser.finish()
}

/// Parses a log from a stream, with constant memory apart from the report.
pub fn parse_reader(reader: impl BufRead, policy: &Policy) -> io::Result<LogReport> {
    parse_read(reader, policy)
}

/// Parses the log at `path`.
pub fn parse_file(path: &Path, policy: &Policy) -> io::Result<LogReport> {
    parse_read(std::fs::File::open(path)?, policy)
}

fn parse_read(reader: impl Read, policy: &Policy) -> io::Result<LogReport> {
    let mut reader = io::BufReader::with_capacity(64 * 1024, reader);
    let head = reader.fill_buf()?;
    if let Some(order) = utf16::sniff(head) {
        return parse_lines(utf16::Utf16Reader::new(reader, order), policy);
    }
    parse_lines(reader, policy)
}

fn parse_lines(reader: impl Read, policy: &Policy) -> io::Result<LogReport> {
    let mut parser = parser::Parser::new(policy);
    let mut lines = lines::ReadLines::new(reader);
    while let Some(line) = lines.next_line()? {
        parser.line(line);
    }
    Ok(parser.finish())
}
