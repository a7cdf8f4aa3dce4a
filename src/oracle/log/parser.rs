//! The state machine that puts classified lines together into a [`LogReport`].
//!
//! It keeps only what the report returns plus a few flags: the message still open (the lines
//! after a message belong to it until the next structural line), whether that message still
//! waits for its cause, whether we are in a trace dump or the dump file list. Messages are
//! judged as they close and counted per kind; only a bounded number of examples is kept, so a
//! log of millions of messages costs the memory of a few thousand.

use super::catalogue;
use super::grammar::{self, classify, find, Code, Ending, Line, Side};
use super::languages;
use super::lines::decode;
use super::normalise::{self, Fix, Normal, Normaliser};
use super::{
    verdict, CharacterSets, LogReport, Message, MessageGroup, ObjectRef, Outcome, Parameter,
    Policy, Severity, TableRows, Tool, Totals, Verdict, Warning,
};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Lines kept with one message; a longer stack or SQL text is cut (the log has the rest).
const MAX_MESSAGE_LINES: usize = 200;
/// Bytes of text kept with one message, all its lines together.
const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Bytes kept of one line of text in the report.
const MAX_TEXT: usize = 4000;
/// Examples kept of one kind of message (same code, object type and judgement).
const EXAMPLES_PER_GROUP: u64 = 100;
/// Examples kept in all.
const MAX_MESSAGES_KEPT: usize = 5000;
/// Warning lines kept (all are counted and judged).
const MAX_WARNINGS_KEPT: usize = 1000;
/// Row lines kept (all are counted in the totals).
const MAX_TABLES_KEPT: usize = 1_000_000;
/// The console width Windows wraps transcripts at.
const CONSOLE_WIDTH: usize = 80;

const STACK: &[u8; 9] = b"ORA-06512";
const RESUMABLE_WAIT: &str = "ORA-39171";

const UNKNOWN_MEANING: &str = "Not in the knowledge base.";
const UNKNOWN_ADVICE: &str =
    "Look the code up (oerr or the Error Messages book) and judge its effect on the data.";

pub(super) struct Parser {
    policy: Policy,
    normaliser: Normaliser,
    /// A line exactly as wide as the console, waiting to see whether the next one continues it.
    wrapped: Option<(Vec<u8>, u64, Vec<u8>)>,
    /// Some lines were joined again.
    wrapped_lines: bool,
    /// Physical lines read.
    physical: u64,
    /// The line number of the logical line being read (its first physical line).
    line_no: u64,
    tool_banner: Option<Tool>,
    tool_rman: Option<Tool>,
    tool_rows: Option<Tool>,
    tool_command: Option<Tool>,
    version: Option<String>,
    version_full: Option<String>,
    job: Option<String>,
    /// The job's owner and name as quoted on its lines, to recognise them in any language.
    job_pair: Option<(Vec<u8>, Vec<u8>)>,
    started: Option<String>,
    finished: Option<String>,
    elapsed: Option<String>,
    parameters: Vec<Parameter>,
    ending: Option<Ending>,
    final_line: Option<String>,
    /// A job ran (a `Starting`, `Master table` or object path line) since the last final line.
    job_running: bool,
    error_lines: u64,
    codes: Vec<Code>,
    /// The codes seen, for a lookup that stays cheap with thousands of distinct codes.
    seen: HashSet<Code>,
    messages: Vec<Message>,
    groups: Vec<MessageGroup>,
    group_index: HashMap<(String, Option<String>, Verdict, String), usize>,
    messages_total: u64,
    /// The message the next lines belong to.
    open: Option<Message>,
    /// Bytes of text held by the open message.
    open_bytes: usize,
    /// The open message (or its last cause) is followed by the error that caused it.
    awaiting_cause: bool,
    /// The open message has causes: further general errors (not Data Pump's own top-level
    /// messages) continue its chain (ORA-19502, ORA-27072 under ORA-31693 / ORA-02354).
    chain: bool,
    /// The line saying what is wrong in the last problem message: the cause of a fatal job.
    last_problem: Option<String>,
    in_trace: bool,
    in_dump_list: bool,
    path: Option<String>,
    tables: Vec<TableRows>,
    totals: Totals,
    dump_files: Vec<String>,
    warnings: Vec<Warning>,
    warnings_total: u64,
    /// Warnings about the data beyond the kept ones.
    data_warnings_dropped: u64,
    charsets: Option<CharacterSets>,
    interactive: bool,
    /// An interactive KILL_JOB / STOP_JOB waiting for its confirmation.
    stop_asked: bool,
    /// The user stopped or killed the job (and it did not complete afterwards).
    user_stop: bool,
    status_job: Option<String>,
    status_owner: Option<String>,
    /// Something only a Data Pump log has was seen.
    evidence: bool,
    /// Bytes no text has (NUL, most control characters) in the first lines: a binary file.
    binary_bytes: u64,
    sampled_bytes: u64,
}

/// Text for the report: lossy UTF-8 (the log is in the database character set), bounded.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_TEXT)]).into_owned()
}

/// Whether a line is the operating system's own error (`Linux-x86_64 Error: 28: No space left
/// on device`, `OSD-04026`, `SVR4 Error: 2: ...`): under an I/O message it says what is wrong.
fn is_os_error(body: &[u8]) -> bool {
    if body.starts_with(b"OSD-") || body.starts_with(b"O/S-Error") {
        return true;
    }
    find(body, b" Error: ").is_some_and(|i| body.get(i + 8).is_some_and(u8::is_ascii_digit))
}

/// Counts the bytes of a line that no text file has.
fn binary_bytes(raw: &[u8]) -> u64 {
    raw.iter()
        .filter(|b| matches!(b, 0..=8 | 14..=26 | 28..=31 | 127))
        .count() as u64
}

impl Parser {
    pub(super) fn new(policy: &Policy) -> Parser {
        Parser {
            policy: policy.clone(),
            normaliser: Normaliser::default(),
            wrapped: None,
            wrapped_lines: false,
            physical: 0,
            line_no: 0,
            tool_banner: None,
            tool_rman: None,
            tool_rows: None,
            tool_command: None,
            version: None,
            version_full: None,
            job: None,
            job_pair: None,
            started: None,
            finished: None,
            elapsed: None,
            parameters: Vec::new(),
            ending: None,
            final_line: None,
            job_running: false,
            error_lines: 0,
            codes: Vec::new(),
            seen: HashSet::new(),
            messages: Vec::new(),
            groups: Vec::new(),
            group_index: HashMap::new(),
            messages_total: 0,
            open: None,
            open_bytes: 0,
            awaiting_cause: false,
            chain: false,
            last_problem: None,
            in_trace: false,
            in_dump_list: false,
            path: None,
            tables: Vec::new(),
            totals: Totals::default(),
            dump_files: Vec::new(),
            warnings: Vec::new(),
            warnings_total: 0,
            data_warnings_dropped: 0,
            charsets: None,
            interactive: false,
            stop_asked: false,
            user_stop: false,
            status_job: None,
            status_owner: None,
            evidence: false,
            binary_bytes: 0,
            sampled_bytes: 0,
        }
    }

    /// Takes one raw line (without its line break).
    pub(super) fn line(&mut self, raw: &[u8]) {
        self.physical += 1;
        if self.sampled_bytes < 64 * 1024 {
            self.sampled_bytes += raw.len() as u64 + 1;
            self.binary_bytes += binary_bytes(raw);
        }
        let mut normaliser = std::mem::take(&mut self.normaliser);
        match normaliser.line(raw) {
            Normal::Text(text) => self.text_line(text),
            Normal::Skip => {
                self.flush_wrapped();
                self.in_dump_list = false;
            }
        }
        self.normaliser = normaliser;
    }

    /// A normalised line. A console transcript wrapped at 80 columns: a line exactly that wide
    /// may go on in the next one, so it is held until the next line says. (Widths are measured
    /// after normalisation: the wrap happened in the console, before the paste.)
    fn text_line(&mut self, t: &[u8]) {
        let t = trim_end(t);
        let indent = t.len() - grammar::skip_blanks(t).len();
        let body = &t[indent..];
        if let Some((mut held, at, held_indent)) = self.wrapped.take() {
            // A wrap cuts anywhere, even before a blank; only a line that reads on its own (or
            // an indented dump file name) is not a continuation.
            // A dump file name of the list: a path, no quotes; the next indented one is another.
            let dump_name = self.in_dump_list
                && !held.contains(&b'"')
                && held.iter().any(|b| matches!(b, b'/' | b'\\' | b'.'))
                && !self.starts_a_line(&held);
            let continues =
                !(body.is_empty() || (dump_name && indent > 0) || self.starts_a_line(body));
            if continues {
                // Blanks beyond the indentation both lines share (a paste's): the wrap cut just
                // before a blank of the text.
                let own = &t[..indent];
                let common = own
                    .iter()
                    .zip(held_indent.iter())
                    .take_while(|(a, b)| a == b)
                    .count();
                let blank = own.len() > common;
                if blank {
                    held.push(b' ');
                }
                held.extend_from_slice(body);
                self.wrapped_lines = true;
                if console_wide(body, t)
                    || normalise::width(body) + usize::from(blank) == CONSOLE_WIDTH
                {
                    self.wrapped = Some((held, at, held_indent));
                } else {
                    self.decoded_at(&held, at);
                }
                return;
            }
            self.decoded_at(&held, at);
        }
        // The console's width counts the indentation when the console showed it, not when a
        // blog added it afterwards: either can be the one that is 80 wide.
        if console_wide(body, t) {
            self.wrapped = Some((t.to_vec(), self.physical, t[..indent].to_vec()));
            return;
        }
        let at = self.physical;
        self.decoded_at(t, at);
    }

    /// Whether a line starts like a line of its own (so the line before it was not wrapped): a
    /// LOGTIME stamp, or a shape the grammar knows, in English or by translated structure.
    fn starts_a_line(&self, body: &[u8]) -> bool {
        let body = grammar::skip_blanks(body);
        if super::lines::logtime_len(body).is_some() {
            return true;
        }
        let text = decode(body).text;
        !matches!(classify(text), Line::Other(_)) || self.translated(text).is_some()
    }

    fn flush_wrapped(&mut self) {
        if let Some((held, at, _)) = self.wrapped.take() {
            self.decoded_at(&held, at);
        }
    }

    /// One logical line (a wrapped one joined again), first physical line `at`.
    fn decoded_at(&mut self, text: &[u8], at: u64) {
        self.line_no = at;
        self.decoded(text);
    }

    fn decoded(&mut self, raw: &[u8]) {
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
                self.structural(structural, body);
            }
        }
    }

    fn count_ora(&mut self, body: &[u8]) {
        if find(body, b"ORA-").is_some() {
            self.error_lines += 1;
        }
    }

    /// A line no English rule claims: a translated structural line (found by the structure
    /// that survives translation), a dump file, a line of the open message, or noise.
    fn other(&mut self, body: &[u8]) {
        if let Some(line) = self.translated(body) {
            self.close();
            self.structural(line, body);
            return;
        }
        self.count_ora(body);
        if self.in_dump_list {
            // Names keep the indentation Data Pump gives them after a LOGTIME stamp.
            self.dump_files.push(text(body).trim().to_string());
            return;
        }
        if find(body, b"nconsistent").is_some() && find(body, b"ump file").is_some() {
            self.warning(body, verdict::Concern::Integrity);
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
            if self.tool_command.is_some() && find_ci(body, b"attach").is_some() {
                self.interactive = true;
            }
        }
    }

    /// A structural line in a language the English grammar does not read.
    fn translated<'a>(&self, body: &'a [u8]) -> Option<Line<'a>> {
        if body.starts_with(b". .") {
            return None;
        }
        if let Some(p) = languages::pair(body) {
            let known = self.job_pair.is_some();
            let ours = self
                .job_pair
                .as_ref()
                .is_none_or(|(o, j)| o.as_slice() == p.owner && j.as_slice() == p.job);
            // Inside a message (the failing SQL of an ORA-39083) a quoted pair is an object's
            // name, unless it is this job's own.
            if self.open.is_some() && !(known && ours) {
                return None;
            }
            // An English `Job "O"."J" ...` line the English grammar did not read as final
            // (`has been reopened at ...`): the job goes on, unless translated words end it.
            if body.starts_with(b"Job \"")
                && languages::ending(p.after).is_none()
                && [
                    &b"reopened"[..],
                    b"has been",
                    b"is being",
                    b"restart",
                    b"resum",
                ]
                .iter()
                .any(|w| find(p.after, w).is_some())
            {
                return Some(Line::Info);
            }
            let elapsed = find(p.after, b"elapsed").is_some();
            // `Mastertabelle "O"."J" erfolgreich geladen/entladen`: loaded/unloaded.
            let slash = !elapsed
                && (memchr::memchr(b'/', p.after).is_some()
                    || memchr::memchr(b'/', p.before).is_some());
            if slash && !p.after.contains(&b':') {
                return Some(Line::MasterTable {
                    owner: p.owner,
                    job: p.job,
                });
            }
            // `"O"."J" wird gestartet:  system/********`: words without digits, then a colon.
            if let Some(colon) = memchr::memchr(b':', p.after) {
                let words = &p.after[..colon];
                if !elapsed
                    && self.open.is_none()
                    && !words.iter().any(u8::is_ascii_digit)
                    && words.len() <= 64
                {
                    return Some(Line::Starting {
                        owner: p.owner,
                        job: p.job,
                        parameters: grammar::skip_blanks(&p.after[colon + 1..]),
                    });
                }
            }
            // The final line: the job's own pair, with `elapsed` or a time.
            if ours && (elapsed || has_time(p.after) || has_time(p.before)) {
                let mut rest = p.after.to_vec();
                rest.extend_from_slice(p.before);
                let ending = languages::ending(p.after)
                    .or_else(|| languages::ending(p.before))
                    .unwrap_or(Ending::Unread);
                let elapsed_value =
                    find(p.after, b"elapsed ").map(|i| grammar::elapsed_value(&p.after[i + 8..]));
                return Some(Line::Final(grammar::Final {
                    owner: p.owner,
                    job: p.job,
                    ending,
                    at: None,
                    elapsed: elapsed_value.filter(|e| !e.is_empty()),
                }));
            }
            return None;
        }
        if let Some(path) = languages::object_path(body) {
            if self.open.is_none() || self.job_running {
                return Some(Line::ObjectPath(path));
            }
        }
        // `Fur C##FOO.SYS_EXPORT_SCHEMA_01 festgelegte Dumpdatei ist:`: the job unquoted, a colon.
        if let (Some(job), Some(b':')) = (self.job.as_deref(), body.last()) {
            if find(body, job.as_bytes()).is_some() {
                return Some(Line::DumpFileSet);
            }
        }
        None
    }

    fn warning(&mut self, body: &[u8], concern: verdict::Concern) {
        self.warnings_total += 1;
        if self.warnings.len() < MAX_WARNINGS_KEPT {
            self.warnings.push(Warning {
                line: self.line_no,
                text: text(body),
                concern,
            });
        } else if concern != verdict::Concern::Info {
            self.data_warnings_dropped += 1;
        }
    }

    /// Adds a line to the open message.
    fn attach(&mut self, body: &[u8]) {
        let Some(m) = self.open.as_mut() else {
            return;
        };
        if m.lines.len() < MAX_MESSAGE_LINES && self.open_bytes < MAX_MESSAGE_BYTES {
            let t = text(&body[..body.len().min(MAX_MESSAGE_BYTES - self.open_bytes)]);
            self.open_bytes += t.len();
            m.lines.push(t);
        }
        // The operating system's error under an I/O message is what is wrong.
        if is_os_error(body) {
            m.cause = Some(text(body));
        }
    }

    /// The end of the open message: judged, counted, and kept as an example if there is room.
    fn close(&mut self) {
        self.awaiting_cause = false;
        self.chain = false;
        self.in_trace = false;
        self.open_bytes = 0;
        let Some(mut m) = self.open.take() else {
            return;
        };
        let (verdict, why) = verdict::judge_message(&m, &self.policy);
        if verdict == Verdict::Failed {
            self.last_problem = Some(
                m.cause
                    .clone()
                    .unwrap_or_else(|| format!("{}: {}", m.code, m.text)),
            );
        }
        m.verdict = verdict;
        m.severity = verdict::severity(&m, verdict);
        let kind = m.object.as_ref().map(|o| o.kind.clone());
        let key = (m.code.clone(), kind, verdict, why);
        self.messages_total += 1;
        let index = match self.group_index.get(&key) {
            Some(i) => *i,
            None => {
                self.groups.push(MessageGroup {
                    code: key.0.clone(),
                    object_type: key.1.clone(),
                    verdict,
                    why: key.3.clone(),
                    count: 0,
                    first_line: m.line,
                    first_object: m.object.as_ref().and_then(|o| o.name.clone()),
                    first_cause: m.cause.clone(),
                });
                self.group_index.insert(key, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let group = &mut self.groups[index];
        group.count += 1;
        if group.count <= EXAMPLES_PER_GROUP && self.messages.len() < MAX_MESSAGES_KEPT {
            self.messages.push(m);
        }
    }

    fn note_code(&mut self, code: Code) {
        if self.seen.insert(code) {
            self.codes.push(code);
        }
    }

    /// A code line: the cause or stack of the open message, or a message of its own.
    fn message(&mut self, code: Code, message: &[u8], body: &[u8], resumable: bool) {
        self.note_code(code);
        if is_datapump_code(code) {
            self.evidence = true;
        }
        let stack = code.as_str().as_bytes() == STACK;
        let awaiting = self.awaiting_cause || (self.chain && !is_top_level(code));
        let in_trace = self.in_trace;
        if let Some(open) = self.open.as_mut() {
            let waits = open.code == RESUMABLE_WAIT && resumable;
            // The same code again is the next message of a run (an excerpt may lack the cause).
            let cause = awaiting && open.code != code.as_str();
            if stack || in_trace || cause || waits {
                if !stack
                    && open.causes.len() < MAX_MESSAGE_LINES
                    && !open.causes.iter().any(|c| c == code.as_str())
                {
                    open.causes.push(code.as_str().to_string());
                }
                if !stack
                    && !open
                        .cause
                        .as_deref()
                        .is_some_and(|c| is_os_error(c.as_bytes()))
                {
                    // The deepest cause so far; an OS error line, once seen, stays the cause.
                    open.cause = Some(text(body));
                }
                if open.lines.len() < MAX_MESSAGE_LINES && self.open_bytes < MAX_MESSAGE_BYTES {
                    let t = text(body);
                    self.open_bytes += t.len();
                    open.lines.push(t);
                }
                if !stack {
                    self.awaiting_cause =
                        catalogue::lookup(code.as_str()).is_some_and(|e| e.takes_cause);
                    self.chain = true;
                }
                return;
            }
        }
        if stack {
            // A stack frame with nothing above it (an excerpt starting mid-stack) says nothing.
            return;
        }
        self.close();
        let entry = catalogue::lookup(code.as_str());
        let object = grammar::object(code, message).map(|(kind, name)| ObjectRef { kind, name });
        self.open = Some(Message {
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
            cause: None,
        });
        self.awaiting_cause = entry.is_some_and(|e| e.takes_cause);
        self.in_trace = false;
    }

    fn structural(&mut self, line: Line<'_>, body: &[u8]) {
        match line {
            Line::Banner {
                tool,
                release,
                date,
            } => {
                self.evidence = true;
                self.tool_banner.get_or_insert(tool);
                if self.version.is_none() {
                    self.version = Some(text(release));
                    self.started = date.map(text);
                }
            }
            Line::Version(v) => {
                self.version_full.get_or_insert_with(|| text(v));
            }
            Line::Parfile { continued, entry } => {
                self.evidence = true;
                self.parfile(continued, entry)
            }
            Line::Header => self.evidence = true,
            Line::Starting {
                owner,
                job,
                parameters,
            } => {
                self.evidence = true;
                if self.ending.is_some() {
                    // A second job in the same transcript: its ending is the one that counts.
                    self.ending = None;
                    self.final_line = None;
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
                self.evidence = true;
                self.job_running = true;
                if self.job.is_none() {
                    self.set_job(owner, job);
                }
            }
            Line::ObjectPath(path) => {
                self.evidence = true;
                self.job_running = true;
                if self.ending == Some(Ending::Unread) {
                    // What looked like a final line was not one: the job goes on.
                    self.ending = None;
                    self.final_line = None;
                }
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
                self.evidence = true;
                if self.tool_rows.is_none() {
                    self.tool_rows = row.tool();
                }
                self.totals.tables += 1;
                self.totals.rows = self.totals.rows.saturating_add(row.rows);
                self.totals.bytes = self.totals.bytes.saturating_add(row.bytes.unwrap_or(0));
                let short = row.out_of.is_some_and(|m| m > row.rows);
                if self.tables.len() < MAX_TABLES_KEPT || short {
                    self.tables.push(TableRows {
                        name: grammar::display_name(row.name),
                        rows: row.rows,
                        out_of: row.out_of,
                        bytes: row.bytes,
                    });
                }
            }
            Line::Final(f) => {
                self.evidence = true;
                self.job_running = false;
                self.ending = Some(f.ending);
                self.set_job(f.owner, f.job);
                self.finished = f.at.map(text);
                self.elapsed = f.elapsed.map(text);
                self.final_line = (f.ending == Ending::Unread).then(|| text(body));
                if matches!(f.ending, Ending::Success | Ending::Errors(_)) {
                    self.user_stop = false;
                }
            }
            Line::DumpFileSet => {
                self.evidence = true;
                self.in_dump_list = true
            }
            Line::Warning(w) => {
                let concern = verdict::concern(w);
                self.warning(w, concern);
            }
            Line::CharacterSet {
                side,
                charset,
                nchar,
            } => {
                self.evidence = true;
                let sets = self.charsets.get_or_insert_with(CharacterSets::default);
                let (cs, nc) = match side {
                    Side::Export => (&mut sets.export, &mut sets.export_nchar),
                    Side::Import => (&mut sets.import, &mut sets.import_nchar),
                };
                *cs = Some(text(charset));
                *nc = nchar.map(text);
            }
            Line::Status { key, value } => {
                self.evidence = true;
                self.interactive = true;
                self.job_running = true;
                match key {
                    b"Job:" => self.status_job = Some(text(value)),
                    b"Owner:" => self.status_owner = Some(text(value)),
                    _ => {}
                }
            }
            Line::Interactive { tool, command } => {
                self.evidence = true;
                self.interactive = true;
                self.tool_command.get_or_insert(tool);
                let upper = command.to_ascii_uppercase();
                if upper.starts_with(b"KILL_JOB") || upper.starts_with(b"STOP_JOB") {
                    self.stop_asked = true;
                }
                if upper.starts_with(b"START_JOB") || upper.starts_with(b"CONTINUE_CLIENT") {
                    self.user_stop = false;
                }
            }
            Line::Confirm { yes } => {
                if self.stop_asked && yes {
                    self.user_stop = true;
                }
                self.stop_asked = false;
            }
            _ => self.in_dump_list = false,
        }
    }

    fn set_job(&mut self, owner: &[u8], job: &[u8]) {
        if self
            .job_pair
            .as_ref()
            .is_some_and(|(o, j)| o.as_slice() == owner && j.as_slice() == job)
        {
            return;
        }
        self.job_pair = Some((owner.to_vec(), job.to_vec()));
        self.job = Some(format!(
            "{}.{}",
            String::from_utf8_lossy(owner),
            String::from_utf8_lossy(job)
        ));
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

    /// The report, judged under the parser's policy.
    pub(super) fn finish(mut self) -> LogReport {
        self.flush_wrapped();
        if self.wrapped_lines {
            self.normaliser.applied.add(Fix::Wrapped);
        }
        self.close();
        if self.job.is_none() {
            if let Some(job) = self.status_job.clone() {
                let owner = self.status_owner.clone().unwrap_or_default();
                self.job = Some(if owner.is_empty() {
                    job
                } else {
                    format!("{owner}.{job}")
                });
            }
        }
        let stopped_by_user =
            self.user_stop && !matches!(self.ending, Some(Ending::Success | Ending::Errors(_)));
        let (outcome, reported_errors) = match self.ending {
            _ if stopped_by_user => (Outcome::Stopped, None),
            Some(Ending::Success) => (Outcome::Success, Some(0)),
            Some(Ending::Errors(n)) => (Outcome::CompletedWithErrors, Some(n)),
            Some(Ending::Fatal) => (Outcome::Fatal, None),
            Some(Ending::Stopped) => (Outcome::Stopped, None),
            Some(Ending::Unread) => (Outcome::Unread, None),
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
        // A binary (a dump file, an executable) is not a log whatever strings it holds.
        let binary = self.binary_bytes * 50 > self.sampled_bytes.max(1);
        let datapump = !binary && (self.evidence || !self.codes.is_empty());
        if let Some(sets) = self.charsets.as_mut() {
            sets.meaning = verdict::charset_meaning(sets);
        }
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
            message_groups: self.groups,
            last_problem: self.last_problem,
            messages_total: self.messages_total,
            tables: self.tables,
            totals: self.totals,
            dump_files: self.dump_files,
            warnings: self.warnings,
            character_sets: self.charsets,
            final_line: self.final_line,
            interactive: self.interactive,
            normalisations: self.normaliser.applied.list(),
            datapump,
            verdict: Verdict::Ok,
            reasons: Vec::new(),
            lines: self.physical,
        };
        verdict::judge(&mut report, &self.policy, self.data_warnings_dropped);
        report
    }
}

/// Whether a line (`t`, its text `body` without the indentation) filled the console: the
/// console's 80 columns count some of the indentation (what the console showed), not what a
/// blog or mail added afterwards, and which part is which is unknown.
fn console_wide(body: &[u8], t: &[u8]) -> bool {
    // A character is at least one byte: a shorter line cannot fill the console (most lines).
    if t.len() < CONSOLE_WIDTH {
        return false;
    }
    let (b, w) = (normalise::width(body), normalise::width(t));
    b > 0 && b <= CONSOLE_WIDTH && CONSOLE_WIDTH <= w
}

/// Data Pump's own messages, which start a message of their own even inside a chain of causes.
fn is_top_level(code: Code) -> bool {
    let s = code.as_str();
    let family = s.starts_with("ORA-39")
        || s.starts_with("ORA-31")
        || s.starts_with("UDE-")
        || s.starts_with("UDI-")
        || s.starts_with("KUP-");
    family && catalogue::lookup(s).is_some()
}

/// Codes only Data Pump (or its clients) writes: evidence that a text is a Data Pump log.
fn is_datapump_code(code: Code) -> bool {
    let s = code.as_str();
    s.starts_with("UDE-")
        || s.starts_with("UDI-")
        || s.starts_with("KUP-")
        || s.starts_with("ORA-39")
        || s.starts_with("ORA-31")
}

/// `HH:MI:SS` somewhere in `s`.
fn has_time(s: &[u8]) -> bool {
    s.windows(8).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
            && w[5] == b':'
            && w[6].is_ascii_digit()
            && w[7].is_ascii_digit()
    })
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r'] = s {
        s = rest;
    }
    s
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
