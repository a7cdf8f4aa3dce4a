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
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(|e| LogCommandError::Write(e.into()))?;
        writeln!(out).map_err(LogCommandError::Write)?;
    } else {
        out.write_all(human_summary(&report).as_bytes())
            .map_err(LogCommandError::Write)?;
    }
    out.flush().map_err(LogCommandError::Write)?;
    Ok(report.verdict.exit_code())
}
