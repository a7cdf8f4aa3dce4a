//! What each line of a Data Pump log is: banner, `Starting`, object path, row line, message,
//! final line... (docs/oracle.md §4.1, §4.4).
//!
//! Lines arrive decoded (see [`super::lines`]). The first byte picks the few shapes a line can
//! have, so the common lines (row lines, object paths, METRICS totals) cost a couple of
//! comparisons; localized lines (§4.3) are tried only when nothing English matched.

use super::languages;
use super::Tool;
use std::fmt;

/// A message code such as `ORA-39083`: three letters, a dash, five digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code([u8; 9]);

impl Code {
    /// The code at the start of `text`, when there is one of the families Data Pump logs use.
    #[inline]
    pub fn at_start(text: &[u8]) -> Option<Code> {
        let head: &[u8; 9] = text.get(..9)?.try_into().ok()?;
        if head[3] != b'-' || !head[4..].iter().all(u8::is_ascii_digit) {
            return None;
        }
        if !matches!(&head[..3], b"ORA" | b"UDE" | b"UDI" | b"LRM" | b"KUP") {
            return None;
        }
        // A code is followed by ": text", or ends the line.
        match text.get(9) {
            None | Some(b':') | Some(b' ') => Some(Code(*head)),
            _ => None,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters, a dash and digits get in (see `at_start`).
        std::str::from_utf8(&self.0).unwrap_or("???-?????")
    }

    /// Whether this is an `ORA-` code (the ones Data Pump counts as errors).
    pub fn is_ora(&self) -> bool {
        self.0.starts_with(b"ORA-")
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a job ended, as its final line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Success,
    Errors(u64),
    Fatal,
    Stopped,
    /// A final line whose words are in no language bizscript reads: the job ended, how is not
    /// understood (policy review 10).
    Unread,
}

/// Which side of an import a character set line describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `export done in X character set and Y NCHAR character set`: where the dump came from.
    Export,
    /// `import done in X character set ...`: the database the import loads into.
    Import,
}

/// A final `Job "OWNER"."JOB" ...` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Final<'a> {
    pub owner: &'a [u8],
    pub job: &'a [u8],
    pub ending: Ending,
    /// The time after `at` (a time, or a full date), as printed.
    pub at: Option<&'a [u8]>,
    /// `d HH:MI:SS` after `elapsed`.
    pub elapsed: Option<&'a [u8]>,
}

/// A `. . exported` / `. . imported` row line.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// `"SCHEMA"."TABLE"` or `"SCHEMA"."TABLE":"PARTITION"`, quotes included.
    pub name: &'a [u8],
    /// The size in bytes, when the line shows one (network-link imports show none).
    pub bytes: Option<u64>,
    /// Rows loaded.
    pub rows: u64,
    /// `m` of `n out of m rows`: rows there were, when some were rejected.
    pub out_of: Option<u64>,
    /// The words around the name and the numbers (`exported`, `filas importadas`), which say
    /// which way the data went; see [`Row::tool`].
    pub verb: &'a [u8],
    pub tail: &'a [u8],
}

impl Row<'_> {
    /// The tool the row line's verb names (only asked until one line has told).
    pub fn tool(&self) -> Option<Tool> {
        if find(self.verb, b"export").is_some() || find(self.tail, b"export").is_some() {
            Some(Tool::Expdp)
        } else if find(self.verb, b"import").is_some() || find(self.tail, b"import").is_some() {
            Some(Tool::Impdp)
        } else {
            languages::row_tool(self.verb).or_else(|| languages::row_tool(self.tail))
        }
    }
}

/// What one decoded line is.
#[derive(Debug, Clone, PartialEq)]
pub enum Line<'a> {
    Blank,
    /// `Export: Release 19.0.0.0.0 - Production on <date>`.
    Banner {
        tool: Tool,
        release: &'a [u8],
        date: Option<&'a [u8]>,
    },
    /// `Version 19.27.0.0.0` (18c on).
    Version(&'a [u8]),
    /// `Connected to: ...` and its continuation lines are not needed; only the start matters.
    Connected,
    /// `;;; parfile:  name=value` (and `;;; _parfile: rest` continuing the previous value).
    Parfile {
        continued: bool,
        entry: &'a [u8],
    },
    /// Any other `;;;` header line.
    Header,
    /// `Starting "OWNER"."JOB":  parameters`.
    Starting {
        owner: &'a [u8],
        job: &'a [u8],
        parameters: &'a [u8],
    },
    /// `Master table "OWNER"."JOB" successfully loaded/unloaded`.
    MasterTable {
        owner: &'a [u8],
        job: &'a [u8],
    },
    /// `Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA`.
    ObjectPath(&'a [u8]),
    Row(Row<'a>),
    /// `ORA-39083: text`.
    Message {
        code: Code,
        text: &'a [u8],
    },
    /// `Resumable error: ORA-01653: ...`: the statement waits for space, it has not failed.
    Resumable {
        code: Code,
        text: &'a [u8],
    },
    Final(Final<'a>),
    /// `Dump file set for OWNER.JOB is:`; the files follow, one a line.
    DumpFileSet,
    /// `Datafiles required for transportable tablespace TS:`; the files follow.
    Datafiles,
    /// `Failing sql is:`, inside an ORA-39083.
    FailingSql,
    /// A trace queue dump: its `KUPW:` lines and the ORA- stacks in it belong to the message before.
    Trace {
        end: bool,
    },
    /// The line of `*` before the dump file list.
    Separator,
    /// Progress lines without news: estimates, METRICS totals, startup timing, checksums.
    Progress,
    /// `Warning: ...` (no code).
    Warning(&'a [u8]),
    /// `import done in AL32UTF8 character set and AL16UTF16 NCHAR character set` (and the
    /// export one): the character sets a conversion went between.
    CharacterSet {
        side: Side,
        charset: &'a [u8],
        nchar: Option<&'a [u8]>,
    },
    /// Information that is not a problem: legacy-mode notes, user name and password prompts,
    /// checksum verification progress.
    Info,
    /// A line of the interactive status block (`Job: X`, `State: EXECUTING`, `Worker 1 Status:`).
    Status {
        key: &'a [u8],
        value: &'a [u8],
    },
    /// An interactive command at the `Export>` / `Import>` prompt.
    Interactive {
        tool: Tool,
        command: &'a [u8],
    },
    /// `Are you sure you wish to stop this job ([yes]/no): yes` and the answer.
    Confirm {
        yes: bool,
    },
    /// Anything else: shell prompts, SQL text of a failing statement, stack continuations.
    Other(&'a [u8]),
}

/// The keys of the interactive status block (STATUS, and the block `attach=` prints).
const STATUS_KEYS: &[&[u8]] = &[
    b"Job: ",
    b"Owner: ",
    b"Operation: ",
    b"Creator Privs: ",
    b"GUID: ",
    b"Start Time: ",
    b"Mode: ",
    b"Instance: ",
    b"Max Parallelism: ",
    b"Timezone: ",
    b"Timezone version: ",
    b"Endianness: ",
    b"NLS character set: ",
    b"NLS NCHAR character set: ",
    b"EXPORT Job Parameters:",
    b"IMPORT Job Parameters:",
    b"State: ",
    b"Bytes Processed: ",
    b"Percent Done: ",
    b"Current Parallelism: ",
    b"Job Error Count: ",
    b"Job heartbeat: ",
    b"Dump File: ",
    b"bytes written: ",
    b"Process Name: ",
    b"Object Schema: ",
    b"Object Name: ",
    b"Object Type: ",
    b"Completed Objects: ",
    b"Total Objects: ",
    b"Completed Rows: ",
    b"Completed Bytes: ",
    b"Worker Parallelism: ",
];

/// The quoted identifier at the start of `s` (`"SYS"`), its content and the rest after it.
#[inline]
fn quoted(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = s.strip_prefix(b"\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// `"OWNER"."JOB"` at the start of `s`: owner, job and what follows.
pub fn job_name(s: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (owner, rest) = quoted(s)?;
    let (job, rest) = quoted(rest.strip_prefix(b".")?)?;
    Some((owner, job, rest))
}

/// The decimal number at the start of `s` and what follows; `None` if there is no digit.
#[inline]
pub fn number(s: &[u8]) -> Option<(u64, &[u8])> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in &s[..n] {
        value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    Some((value, &s[n..]))
}

/// `s` with leading blanks removed.
#[inline]
pub fn skip_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    &s[n..]
}

/// Finds `needle` in `haystack` (one line).
///
/// `memchr::memmem::find` builds a searcher on every call, which costs more than the search on
/// a line of 100 bytes; finding the first byte with `memchr` and comparing is cheaper here.
#[inline]
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    memchr::memchr_iter(first, haystack).find(|&i| haystack[i + 1..].starts_with(rest))
}

/// Classifies one decoded line.
pub fn classify(text: &[u8]) -> Line<'_> {
    let Some(&first) = text.first() else {
        return Line::Blank;
    };
    let english = match first {
        b'.' => row(text).map(Line::Row),
        b'O' | b'U' | b'L' | b'K' => Code::at_start(text)
            .map(|code| Line::Message {
                code,
                text: message_text(&text[9..]),
            })
            .or_else(|| {
                if text.starts_with(b"Legacy Mode") || text.starts_with(b"Username:") {
                    Some(Line::Info)
                } else {
                    status(text)
                }
            }),
        b'P' => text
            .strip_prefix(b"Processing object type ")
            .map(|path| Line::ObjectPath(skip_blanks(path)))
            .or_else(|| text.starts_with(b"Password:").then_some(Line::Info))
            .or_else(|| status(text)),
        b'C' => {
            if text.starts_with(b"Completed ")
                && !text.starts_with(b"Completed Objects: ")
                && !text.starts_with(b"Completed Rows: ")
                && !text.starts_with(b"Completed Bytes: ")
            {
                Some(Line::Progress)
            } else if text.starts_with(b"Connected to:") {
                Some(Line::Connected)
            } else {
                status(text)
            }
        }
        b'b' | b'N' | b'B' => status(text),
        b'J' => text
            .strip_prefix(b"Job ")
            .and_then(final_line)
            .map(Line::Final)
            .or_else(|| status(text)),
        b'S' => {
            if let Some(rest) = text.strip_prefix(b"Starting ") {
                starting(rest)
            } else if text.starts_with(b"Startup ") {
                Some(Line::Progress)
            } else {
                status(text)
            }
        }
        b'M' => text
            .strip_prefix(b"Master table ")
            .and_then(job_name)
            .map(|(owner, job, _)| Line::MasterTable { owner, job })
            .or_else(|| status(text)),
        b'E' => {
            if let Some(rest) = text.strip_prefix(b"Export: Release ") {
                Some(banner(Tool::Expdp, rest))
            } else if text.starts_with(b"Estimate in progress") {
                Some(Line::Progress)
            } else if let Some(command) = text.strip_prefix(b"Export>") {
                Some(Line::Interactive {
                    tool: Tool::Expdp,
                    command: trim(command),
                })
            } else {
                status(text)
            }
        }
        b'I' => {
            if let Some(rest) = text.strip_prefix(b"Import: Release ") {
                Some(banner(Tool::Impdp, rest))
            } else if let Some(command) = text.strip_prefix(b"Import>") {
                Some(Line::Interactive {
                    tool: Tool::Impdp,
                    command: trim(command),
                })
            } else {
                status(text)
            }
        }
        b'i' | b'e' => character_set(text),
        b'A' => text
            .starts_with(b"Are you sure you wish to stop this job")
            .then(|| {
                let answer = text.rsplit(|b| *b == b':').next().map(trim).unwrap_or(b"");
                Line::Confirm {
                    yes: answer.eq_ignore_ascii_case(b"yes") || answer.eq_ignore_ascii_case(b"y"),
                }
            }),
        b'V' => text
            .strip_prefix(b"Version ")
            .filter(|v| v.first().is_some_and(u8::is_ascii_digit))
            .map(Line::Version)
            .or_else(|| {
                text.starts_with(b"Verifying dump file")
                    .then_some(Line::Info)
            }),
        b'T' => text
            .starts_with(b"Total estimation")
            .then_some(Line::Progress)
            .or_else(|| status(text)),
        b'D' => {
            if text.starts_with(b"Dump file set for ") {
                Some(Line::DumpFileSet)
            } else if text.starts_with(b"Datafiles required for transportable") {
                Some(Line::Datafiles)
            } else {
                status(text)
            }
        }
        b'W' => {
            let after_word = (text.len() >= 7 && text[..7].eq_ignore_ascii_case(b"Warning"))
                .then(|| skip_blanks(&text[7..]))
                .and_then(|r| r.strip_prefix(b":"));
            if let Some(w) = after_word {
                Some(Line::Warning(skip_blanks(w)))
            } else if text.starts_with(b"Worker ") && text.ends_with(b"Status:") {
                Some(Line::Status {
                    key: text,
                    value: b"",
                })
            } else {
                status(text)
            }
        }
        b'F' => text
            .starts_with(b"Failing sql is")
            .then_some(Line::FailingSql),
        b'G' => text
            .starts_with(b"Generating checksums")
            .then_some(Line::Progress)
            .or_else(|| status(text)),
        b'R' => text.strip_prefix(b"Resumable error:").and_then(|rest| {
            let rest = skip_blanks(rest);
            Code::at_start(rest).map(|code| Line::Resumable {
                code,
                text: message_text(&rest[9..]),
            })
        }),
        b'*' => text.iter().all(|&b| b == b'*').then_some(Line::Separator),
        b';' => text.strip_prefix(b";;;").map(header),
        b'-' => {
            if find(text, b"Trace Queue Dump").is_some() || find(text, b"Trace Dump").is_some() {
                Some(Line::Trace {
                    end: find(text, b"End of").is_some(),
                })
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(line) = english {
        return line;
    }
    // KUPW: lines start with 'K' like KUP- codes; they are tried after the code.
    if text.starts_with(b"KUPW:") {
        return Line::Trace { end: false };
    }
    if let Some(w) = languages::warning(text) {
        return Line::Warning(w);
    }
    // A translated banner: `エクスポート: Release 19.0.0.0.0 - Production on ...`.
    if let Some(i) = find(text, b": Release ") {
        let rest = &text[i + 10..];
        if rest.first().is_some_and(u8::is_ascii_digit) && find(rest, b" - ").is_some() {
            if let Some(tool) = languages::row_tool(&text[..i]) {
                return banner(tool, rest);
            }
        }
    }
    if languages::is_prompt(text) {
        return Line::Info;
    }
    Line::Other(text)
}

/// A line of the interactive status block.
fn status(text: &[u8]) -> Option<Line<'_>> {
    STATUS_KEYS.iter().find_map(|key| {
        let trimmed = key.strip_suffix(b" ").unwrap_or(key);
        if text.starts_with(key) || text == trimmed {
            Some(Line::Status {
                key: trimmed,
                value: trim(&text[trimmed.len().min(text.len())..]),
            })
        } else {
            None
        }
    })
}

/// `import done in X character set and Y NCHAR character set` (and `export done in`).
fn character_set(text: &[u8]) -> Option<Line<'_>> {
    let (side, rest) = if let Some(r) = text.strip_prefix(b"import done in ") {
        (Side::Import, r)
    } else if let Some(r) = text.strip_prefix(b"export done in ") {
        (Side::Export, r)
    } else {
        return None;
    };
    let end = rest.iter().position(|b| *b == b' ')?;
    let charset = &rest[..end];
    let nchar = find(rest, b" and ").and_then(|i| {
        let r = &rest[i + 5..];
        let e = r.iter().position(|b| *b == b' ').unwrap_or(r.len());
        (e > 0).then(|| &r[..e])
    });
    Some(Line::CharacterSet {
        side,
        charset,
        nchar,
    })
}

/// The text of a message after its code: `: text` → `text`.
#[inline]
fn message_text(s: &[u8]) -> &[u8] {
    let s = skip_blanks(s);
    skip_blanks(s.strip_prefix(b":").unwrap_or(s))
}

fn banner(tool: Tool, rest: &[u8]) -> Line<'_> {
    let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let release = &rest[..end];
    let date = find(rest, b" on ").map(|i| skip_blanks(&rest[i + 4..]));
    Line::Banner {
        tool,
        release,
        date,
    }
}

fn header(rest: &[u8]) -> Line<'_> {
    let rest = skip_blanks(rest);
    if let Some(entry) = rest.strip_prefix(b"parfile:") {
        return Line::Parfile {
            continued: false,
            entry: skip_blanks(entry),
        };
    }
    if let Some(entry) = rest.strip_prefix(b"_parfile:") {
        return Line::Parfile {
            continued: true,
            entry: skip_blanks(entry),
        };
    }
    Line::Header
}

/// `"OWNER"."JOB":  parameters` after the word for "Starting" in any language.
pub fn starting(rest: &[u8]) -> Option<Line<'_>> {
    let (owner, job, rest) = job_name(skip_blanks(rest))?;
    let parameters = skip_blanks(skip_blanks(rest).strip_prefix(b":")?);
    Some(Line::Starting {
        owner,
        job,
        parameters,
    })
}

/// The English final line after `Job `.
fn final_line(rest: &[u8]) -> Option<Final<'_>> {
    let (owner, job, rest) = job_name(rest)?;
    let rest = skip_blanks(rest);
    let (ending, rest) = if let Some(r) = rest.strip_prefix(b"successfully completed") {
        (Ending::Success, r)
    } else if let Some(r) = rest.strip_prefix(b"completed with ") {
        let (n, r) = number(r)?;
        (Ending::Errors(n), r.strip_prefix(b" error(s)").unwrap_or(r))
    } else if let Some(r) = rest.strip_prefix(b"stopped due to fatal error") {
        (Ending::Fatal, r)
    } else if let Some(r) = rest.strip_prefix(b"stopped") {
        (Ending::Stopped, r)
    } else if let Some(r) = rest.strip_prefix(b"killed") {
        (Ending::Stopped, r)
    } else {
        return None;
    };
    let (at, elapsed) = when(rest);
    Some(Final {
        owner,
        job,
        ending,
        at,
        elapsed,
    })
}

/// ` at <time>[ elapsed <d HH:MI:SS>]` at the end of an English final line.
fn when(rest: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let elapsed_at = find(rest, b"elapsed ");
    let elapsed = elapsed_at.map(|i| elapsed_value(&rest[i + 8..]));
    let head = &rest[..elapsed_at.unwrap_or(rest.len())];
    let at = find(head, b"at ").map(|i| trim(&head[i + 3..]));
    (
        at.filter(|a| !a.is_empty()),
        elapsed.filter(|e| !e.is_empty()),
    )
}

/// `d HH:MI:SS` at the start of `s` (what follows `elapsed `).
pub fn elapsed_value(s: &[u8]) -> &[u8] {
    let n = s
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b':' || **b == b' ')
        .count();
    trim(&s[..n])
}

fn trim(s: &[u8]) -> &[u8] {
    let s = skip_blanks(s);
    let n = s.iter().rev().take_while(|b| **b == b' ').count();
    &s[..s.len() - n]
}

/// A row line: `. . exported "S"."T":"P"  5.078 KB  3 rows`, in English or translated (the verb
/// moves, the numbers and quotes stay).
pub fn row(text: &[u8]) -> Option<Row<'_>> {
    let rest = text.strip_prefix(b". . ")?;
    let quote = memchr::memchr(b'"', rest)?;
    let verb = &rest[..quote];
    // The name: quoted identifiers joined by '.' or ':'.
    let mut after = &rest[quote..];
    loop {
        let (_, r) = quoted(after)?;
        after = r;
        match after.first() {
            Some(b'.' | b':') if after.get(1) == Some(&b'"') => after = &after[1..],
            _ => break,
        }
    }
    let name = &rest[quote..rest.len() - after.len()];
    let mut s = skip_blanks(after);
    let (first, r) = decimal(s)?;
    s = skip_blanks(r);
    let (bytes, rows, r) = match unit(s) {
        Some((multiplier, r)) => {
            let (rows, r) = number(skip_blanks(r))?;
            (Some((first * multiplier) as u64), rows, r)
        }
        None => (None, first as u64, r),
    };
    let r = skip_blanks(r);
    let out_of = r
        .strip_prefix(b"out of ")
        .and_then(|m| number(m).map(|(m, _)| m));
    Some(Row {
        name,
        bytes,
        rows,
        out_of,
        verb,
        tail: r,
    })
}

/// A decimal such as `5.078` at the start of `s` (sizes: a few significant digits).
fn decimal(s: &[u8]) -> Option<(f64, &[u8])> {
    let (whole, rest) = number(s)?;
    let Some(fraction) = rest.strip_prefix(b".") else {
        return Some((whole as f64, rest));
    };
    let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut value = whole as f64;
    let mut scale = 0.1;
    for &b in &fraction[..digits] {
        value += f64::from(b - b'0') * scale;
        scale /= 10.0;
    }
    Some((value, &fraction[digits..]))
}

/// A size unit at the start of `s` and its multiplier.
fn unit(s: &[u8]) -> Option<(f64, &[u8])> {
    const UNITS: [(&[u8], f64); 5] = [
        (b"KB", 1024.0),
        (b"MB", 1024.0 * 1024.0),
        (b"GB", 1024.0 * 1024.0 * 1024.0),
        (b"TB", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        (b"B", 1.0),
    ];
    UNITS.iter().find_map(|(name, multiplier)| {
        let rest = s.strip_prefix(*name)?;
        matches!(rest.first(), None | Some(b' ')).then_some((*multiplier, rest))
    })
}

/// The object a message names: `Object type TYPE:"S"."N"`, `[TYPE:"S"."N"]`, `Table "S"."T"`.
pub fn object(code: Code, text: &[u8]) -> Option<(String, Option<String>)> {
    // `TYPE:"name"` anywhere: the type is the run of capitals and underscores before the colon.
    if let Some(colon) = find(text, b":\"") {
        let start = text[..colon]
            .iter()
            .rposition(|b| !(b.is_ascii_uppercase() || *b == b'_' || b.is_ascii_digit()))
            .map_or(0, |i| i + 1);
        if start < colon {
            let kind = String::from_utf8_lossy(&text[start..colon]).into_owned();
            return Some((kind, Some(names(&text[colon + 1..]))));
        }
    }
    // `Object type ROLE_GRANT failed to create`: a type without a name.
    if let Some(i) = find(text, b"Object type ") {
        let rest = &text[i + 12..];
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_uppercase() || *b == b'_' || *b == b'/'))
            .unwrap_or(rest.len());
        if end > 0 {
            return Some((String::from_utf8_lossy(&rest[..end]).into_owned(), None));
        }
    }
    // Messages about a table by their code (the wording varies with the language, the code not).
    let kind = match code.as_str() {
        "ORA-39151" | "ORA-39152" | "ORA-39181" | "ORA-39120" | "ORA-39121" | "ORA-39325" => {
            "TABLE"
        }
        "ORA-31693" => "TABLE_DATA",
        _ => return None,
    };
    let quote = memchr::memchr(b'"', text)?;
    Some((kind.to_string(), Some(names(&text[quote..]))))
}

/// `"S"."T":"P"` → `S.T:P`.
fn names(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some((name, r)) = quoted(rest) {
        out.extend_from_slice(name);
        match r.first() {
            Some(&sep @ (b'.' | b':')) if r.get(1) == Some(&b'"') => {
                out.push(sep);
                rest = &r[1..];
            }
            _ => break,
        }
    }
    // One allocation per name: this runs for every row line.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `"S"."T":"P"` (a row line's name) → `S.T:P`.
pub fn display_name(quoted_name: &[u8]) -> String {
    names(quoted_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_only_where_they_are_codes() {
        assert_eq!(
            Code::at_start(b"ORA-39083: x").map(|c| c.to_string()),
            Some("ORA-39083".into())
        );
        assert_eq!(
            Code::at_start(b"LRM-00101: unknown").map(|c| c.to_string()),
            Some("LRM-00101".into())
        );
        assert!(Code::at_start(b"ORA-3908: x").is_none());
        assert!(Code::at_start(b"ORA-390833").is_none());
        assert!(Code::at_start(b"ABC-12345: x").is_none());
    }

    #[test]
    fn reads_row_lines_with_and_without_size() {
        let r = row(
            br#". . exported "AUDSYS"."AUD$UNIFIED":"SYS_P661"           7.476 MB    5395 rows"#,
        )
        .unwrap();
        assert_eq!(display_name(r.name), "AUDSYS.AUD$UNIFIED:SYS_P661");
        assert_eq!(r.rows, 5395);
        assert_eq!(r.bytes, Some((7.476 * 1024.0 * 1024.0) as u64));
        assert_eq!(r.tool(), Some(Tool::Expdp));
        let r = row(br#". . imported "HR"."T"  1000 rows"#).unwrap();
        assert_eq!((r.rows, r.bytes), (1000, None));
        let r = row(br#". . imported "HR"."T"  6.007 KB  3 out of 5 rows"#).unwrap();
        assert_eq!((r.rows, r.out_of), (3, Some(5)));
        let r =
            row(br#". . imported "S"."T"  332.8 MB 1165722 rows in 21 seconds using direct_path"#)
                .unwrap();
        assert_eq!(r.rows, 1165722);
        assert!(row(b". . nothing here").is_none());
    }

    #[test]
    fn reads_both_styles_of_final_line() {
        let Line::Final(f) =
            classify(br#"Job "SYSTEM"."SYS_EXPORT_FULL_01" successfully completed at 14:21:32"#)
        else {
            panic!("not a final line")
        };
        assert_eq!(f.ending, Ending::Success);
        assert_eq!(f.at, Some(&b"14:21:32"[..]));
        assert_eq!(f.elapsed, None);
        let Line::Final(f) = classify(br#"Job "A"."B" completed with 36 error(s) at Wed Mar 12 11:12:13 2025 elapsed 0 03:12:13"#) else {
            panic!("not a final line")
        };
        assert_eq!(f.ending, Ending::Errors(36));
        assert_eq!(f.at, Some(&b"Wed Mar 12 11:12:13 2025"[..]));
        assert_eq!(f.elapsed, Some(&b"0 03:12:13"[..]));
        assert!(matches!(
            classify(br#"Job "A"."B" stopped due to fatal error at 16:45:35"#),
            Line::Final(Final {
                ending: Ending::Fatal,
                ..
            })
        ));
        assert!(matches!(classify(b"Job is running"), Line::Other(_)));
    }

    #[test]
    fn names_the_object_of_a_message() {
        let code = Code::at_start(b"ORA-39083").unwrap();
        assert_eq!(
            object(
                code,
                br#"Object type TABLE:"SH"."SALES_EXT" failed to create with error:"#
            ),
            Some(("TABLE".into(), Some("SH.SALES_EXT".into())))
        );
        assert_eq!(
            object(code, b"Object type ROLE_GRANT failed to create with error:"),
            Some(("ROLE_GRANT".into(), None))
        );
        let code = Code::at_start(b"ORA-39151").unwrap();
        assert_eq!(
            object(code, "表 \"ZWD\".\"DEPARTMENTS\" 已存在。".as_bytes()),
            Some(("TABLE".into(), Some("ZWD.DEPARTMENTS".into())))
        );
    }
}
