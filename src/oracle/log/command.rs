//! `bizscript log FILE`: the verdict of one log, as a summary or streamed JSON, and its exit
//! code. Plain functions over a writer so the binary's glue stays a few lines (and this module
//! imports nothing of the host).

use super::{check_code, parse_file, summary::human_summary, BadCode, Policy};
use std::io::{self, Write};
use std::path::Path;

/// Why `bizscript log` could not give a verdict: each is a usage error (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LogCommandError {
    #[error("--{option} {source}")]
    Code {
        option: &'static str,
        #[source]
        source: BadCode,
    },
    #[error("cannot read the log {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a Data Pump log: no banner, job line, Data Pump message or object path (a dump file, a binary, prose or an empty file?)")]
    NotALog { path: String },
    #[error("cannot write the result: {0}")]
    Write(#[source] io::Error),
}

/// Reads the log at `file` under the options and writes the summary (or the JSON) to `out`.
/// Returns the verdict's exit code: 0 ok, 3 review, 1 failed.
pub fn run(
    file: &Path,
    json: bool,
    allow: &[String],
    deny: &[String],
    restore: bool,
    out: &mut impl Write,
) -> Result<u8, LogCommandError> {
    let checked = |option: &'static str, codes: &[String]| {
        codes
            .iter()
            .map(|c| check_code(c).map_err(|source| LogCommandError::Code { option, source }))
            .collect::<Result<Vec<_>, _>>()
    };
    let policy = Policy {
        allow: checked("allow", allow)?,
        deny: checked("deny", deny)?,
        restore,
    };
    let report = parse_file(file, &policy).map_err(|source| LogCommandError::Read {
        path: file.display().to_string(),
        source,
    })?;
    if !report.datapump {
        return Err(LogCommandError::NotALog {
            path: file.display().to_string(),
        });
    }
    let mut out = io::BufWriter::with_capacity(256 * 1024, out);
    if json {
        // Streamed: the report is never held a second time as a string.
        let mut json =
            serde_json::Serializer::with_formatter(&mut out, OneRecordPerLine::default());
        serde::Serialize::serialize(&report, &mut json)
            .map_err(|e| LogCommandError::Write(e.into()))?;
        writeln!(out).map_err(LogCommandError::Write)?;
    } else {
        out.write_all(human_summary(&report).as_bytes())
            .map_err(LogCommandError::Write)?;
    }
    out.flush().map_err(LogCommandError::Write)?;
    Ok(report.verdict.exit_code())
}

/// JSON indented like `serde_json`'s pretty printer for the report and its lists, with each
/// record of a list (a table's rows, a message, a parameter) on one line of its own: a log of a
/// million tables gives a million lines, not seven million, and is written in a fraction of the
/// time (the report of a 256 MiB log is tens of megabytes). Still one value per line for grep.
#[derive(Default)]
struct OneRecordPerLine {
    /// Containers open around the next value.
    depth: usize,
    has_value: bool,
}

/// Containers this deep or less are laid out one entry per line; deeper ones on one line.
const INDENTED_DEPTH: usize = 2;

impl OneRecordPerLine {
    fn indented(&self) -> bool {
        self.depth <= INDENTED_DEPTH
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        let was_indented = self.indented();
        self.depth -= 1;
        if was_indented && self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn entry<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match (self.indented(), first) {
            (true, true) => self.newline(w),
            (true, false) => {
                w.write_all(b",")?;
                self.newline(w)
            }
            (false, true) => Ok(()),
            (false, false) => w.write_all(b", "),
        }
    }
}

impl serde_json::ser::Formatter for OneRecordPerLine {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.entry(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.entry(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod json_layout_tests {
    use super::*;

    fn layout(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        let mut json =
            serde_json::Serializer::with_formatter(&mut out, OneRecordPerLine::default());
        serde::Serialize::serialize(value, &mut json).expect("to a Vec");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    #[test]
    fn lists_are_one_record_per_line_and_read_back_the_same() {
        let value = serde_json::json!({
            "tool": "impdp",
            "codes": ["ORA-31693", "ORA-02354"],
            "tables": [{"name": "A.B", "rows": 1, "object": {"type": "TABLE"}}, {"name": "C.D", "rows": 2}],
            "empty": [],
            "none": {},
            "totals": {"tables": 2}
        });
        let text = layout(&value);
        assert_eq!(
            text,
            "{\n  \"tool\": \"impdp\",\n  \"codes\": [\n    \"ORA-31693\",\n    \"ORA-02354\"\n  ],\n  \"tables\": [\n    {\"name\": \"A.B\", \"rows\": 1, \"object\": {\"type\": \"TABLE\"}},\n    {\"name\": \"C.D\", \"rows\": 2}\n  ],\n  \"empty\": [],\n  \"none\": {},\n  \"totals\": {\n    \"tables\": 2\n  }\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value);
    }
}
