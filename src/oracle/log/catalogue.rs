//! The knowledge base of message codes: `messages.tsv`, compiled in.
//!
//! The data lives in a tab-separated file next to this one so a DBA can read and extend it
//! without reading Rust: one code a line with its severity, what it alone makes of the verdict,
//! whether a cause follows it, its meaning and the advice (docs/oracle.md §5).

use super::Verdict;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const TSV: &str = include_str!("messages.tsv");

/// How serious a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Harmless, listed for information.
    Info,
    /// The result is usable, but a person should look or act.
    Warning,
    /// The job went on, but some object or data is missing or wrong.
    Error,
    /// The job did not start, or stopped.
    Fatal,
    /// A PL/SQL stack frame (ORA-06512): part of the message above it.
    Stack,
    /// A code the knowledge base does not know.
    Unknown,
}

/// What the knowledge base says about one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub code: &'static str,
    pub severity: Severity,
    /// What this message alone makes of a completed job.
    pub verdict: Verdict,
    /// Whether the error that caused it follows on the next lines.
    pub takes_cause: bool,
    pub meaning: &'static str,
    pub advice: &'static str,
}

/// A line of `messages.tsv` that does not read.
#[derive(Debug, thiserror::Error)]
#[error("messages.tsv line {line}: {problem}")]
pub struct CatalogueError {
    pub line: usize,
    pub problem: String,
}

fn parse_entry(line: &'static str) -> Result<Entry, String> {
    let fields: Vec<&'static str> = line.split('\t').collect();
    let [code, severity, verdict, cause, meaning, advice] = fields[..] else {
        return Err(format!(
            "expected 6 tab-separated fields, found {}",
            fields.len()
        ));
    };
    let severity = match severity {
        "info" => Severity::Info,
        "warning" => Severity::Warning,
        "error" => Severity::Error,
        "fatal" => Severity::Fatal,
        "stack" => Severity::Stack,
        other => return Err(format!("unknown severity `{other}`")),
    };
    let verdict = match verdict {
        "ok" => Verdict::Ok,
        "review" => Verdict::Review,
        "failed" => Verdict::Failed,
        other => return Err(format!("unknown verdict `{other}`")),
    };
    let takes_cause = match cause {
        "yes" => true,
        "no" => false,
        other => return Err(format!("cause must be yes or no, not `{other}`")),
    };
    Ok(Entry {
        code,
        severity,
        verdict,
        takes_cause,
        meaning,
        advice,
    })
}

/// Every entry of the catalogue, or the first line that does not read.
pub fn entries() -> Result<Vec<Entry>, CatalogueError> {
    TSV.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with("code\t"))
        .map(|(i, l)| {
            parse_entry(l).map_err(|problem| CatalogueError {
                line: i + 1,
                problem,
            })
        })
        .collect()
}

fn table() -> &'static HashMap<&'static str, Entry> {
    static TABLE: OnceLock<HashMap<&'static str, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // A malformed line is caught by the unit test below; at run time it is left out rather
        // than taking the program down (its code then reads as unknown: `review`, never `ok`).
        TSV.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("code\t"))
            .filter_map(|l| parse_entry(l).ok())
            .map(|e| (e.code, e))
            .collect()
    })
}

/// What the knowledge base knows about `code`.
pub fn lookup(code: &str) -> Option<&'static Entry> {
    table().get(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_catalogue_reads() {
        let entries = entries().unwrap();
        assert!(entries.len() > 100);
        let mut seen = std::collections::HashSet::new();
        for e in &entries {
            assert!(seen.insert(e.code), "{} is listed twice", e.code);
            assert!(
                super::super::grammar::Code::at_start(e.code.as_bytes()).is_some(),
                "{} is not a code",
                e.code
            );
            assert!(!e.meaning.is_empty() && !e.advice.is_empty(), "{}", e.code);
        }
    }

    #[test]
    fn knows_the_policy_codes() {
        assert_eq!(
            lookup("ORA-31693").map(|e| e.verdict),
            Some(Verdict::Failed)
        );
        assert_eq!(
            lookup("ORA-39082").map(|e| e.verdict),
            Some(Verdict::Review)
        );
        assert_eq!(lookup("UDE-28002").map(|e| e.verdict), Some(Verdict::Ok));
        assert!(lookup("ORA-39083").is_some_and(|e| e.takes_cause));
        assert!(lookup("ORA-99999").is_none());
    }
}
