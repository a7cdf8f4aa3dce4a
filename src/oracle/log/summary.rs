//! The short text `bizscript log FILE` prints: the verdict first, then what to do.

use super::{LogReport, Outcome, Verdict};
use std::collections::BTreeSet;
use std::fmt::Write;

/// How many reasons and pieces of advice are listed before "... and N more".
const SHOWN: usize = 12;

fn headline(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ok => "OK: the job completed and every message is harmless.",
        Verdict::Review => "REVIEW: the data is believed complete, but something needs a person.",
        Verdict::Failed => "FAILED: do not trust this dump or import.",
    }
}

fn ending(report: &LogReport) -> String {
    match report.outcome {
        Outcome::Success => "successfully completed".to_string(),
        Outcome::CompletedWithErrors => format!(
            "completed with {} error(s)",
            report.reported_errors.unwrap_or(0)
        ),
        Outcome::Fatal => "stopped due to fatal error".to_string(),
        Outcome::Stopped => "stopped".to_string(),
        Outcome::NotStarted => "never started".to_string(),
        Outcome::Incomplete => {
            "no final line (still running, killed, or the log is cut)".to_string()
        }
        Outcome::Unread => "ended, in words bizscript does not read".to_string(),
    }
}

/// A human summary of `report`: verdict, what ran and how it ended, why, and what to do.
pub fn human_summary(report: &LogReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(report.verdict));

    let tool = report.tool.map_or("Data Pump", |t| t.as_str());
    let version = report
        .version_full
        .as_deref()
        .or(report.version.as_deref())
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let job = report
        .job
        .as_deref()
        .map(|j| format!(", job {j}"))
        .unwrap_or_default();
    let mut when = String::new();
    if let Some(at) = &report.finished {
        let _ = write!(when, " at {at}");
    }
    if let Some(elapsed) = &report.elapsed {
        let _ = write!(when, " (elapsed {elapsed})");
    }
    let _ = writeln!(out, "{tool}{version}{job}: {}{when}.", ending(report));
    if report.totals.tables > 0 {
        let _ = writeln!(
            out,
            "{} table(s) or partition(s), {} rows.",
            report.totals.tables, report.totals.rows
        );
    }
    if !report.dump_files.is_empty() {
        let _ = writeln!(out, "Dump files: {}", report.dump_files.join(", "));
    }
    if let Some(sets) = report
        .character_sets
        .as_ref()
        .filter(|s| !s.meaning.is_empty())
    {
        let _ = writeln!(out, "Character sets: {}.", sets.meaning);
    }
    if report.interactive {
        let _ = writeln!(
            out,
            "An interactive session (attach, status, KILL_JOB / STOP_JOB)."
        );
    }
    if report.messages_total > report.messages.len() as u64 {
        let _ = writeln!(
            out,
            "{} messages, counted by kind ({} kept as examples in --json).",
            report.messages_total,
            report.messages.len()
        );
    }
    if !report.normalisations.is_empty() {
        let fixes: Vec<&str> = report.normalisations.iter().map(|f| f.describe()).collect();
        let _ = writeln!(
            out,
            "Read after undoing how it was pasted: {}.",
            fixes.join("; ")
        );
    }

    let deciding: Vec<_> = report
        .reasons
        .iter()
        .filter(|r| r.verdict != Verdict::Ok)
        .collect();
    if !deciding.is_empty() {
        let _ = writeln!(out, "\nWhy:");
        for r in deciding.iter().take(SHOWN) {
            let line = match (r.line, r.count) {
                (Some(l), 1) => format!(" (line {l})"),
                (Some(l), n) => format!(" ({n} times, first at line {l})"),
                (None, 1) => String::new(),
                (None, n) => format!(" ({n} times)"),
            };
            let _ = writeln!(out, "  - {}: {}{line}", r.verdict.as_str(), r.text);
        }
        if deciding.len() > SHOWN {
            let _ = writeln!(
                out,
                "  ... and {} more (see --json)",
                deciding.len() - SHOWN
            );
        }
    }

    // One piece of advice per code, for the messages that need a person.
    let mut seen = BTreeSet::new();
    let advice: Vec<String> = report
        .messages
        .iter()
        .filter(|m| m.verdict != Verdict::Ok && seen.insert(m.code.as_str()))
        .map(|m| format!("  - {}: {}", m.code, m.advice))
        .collect();
    let _ = writeln!(out, "\nWhat to do:");
    if advice.is_empty() {
        let _ = writeln!(
            out,
            "  - {}",
            match report.verdict {
                Verdict::Ok => "nothing: the result can be trusted.",
                Verdict::Review => "read the reasons above and act on them.",
                Verdict::Failed =>
                    "find why the job did not finish (the database alert log, DBA_DATAPUMP_JOBS) and run it again.",
            }
        );
    }
    for line in advice.iter().take(SHOWN) {
        let _ = writeln!(out, "{line}");
    }
    if advice.len() > SHOWN {
        let _ = writeln!(out, "  ... and {} more (see --json)", advice.len() - SHOWN);
    }
    let acknowledged: Vec<&str> = report
        .messages
        .iter()
        .filter(|m| m.verdict == Verdict::Ok)
        .map(|m| m.code.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !acknowledged.is_empty() {
        let _ = writeln!(out, "\nHarmless here: {}.", acknowledged.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{parse_bytes, Policy};
    use super::*;

    #[test]
    fn puts_the_verdict_first_and_says_what_to_do() {
        let log = "Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/******** directory=DP\n\
                   Processing object type SCHEMA_EXPORT/VIEW/VIEW\n\
                   ORA-39082: Object type VIEW:\"BIZAGI\".\"V1\" created with compilation warnings\n\
                   Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" completed with 1 error(s) at 10:00:00\n";
        let text = human_summary(&parse_bytes(log.as_bytes(), &Policy::default()));
        assert!(text.starts_with("REVIEW"), "{text}");
        assert!(text.contains("ORA-39082 on VIEW BIZAGI.V1"), "{text}");
        assert!(text.contains("Recompile the schema"), "{text}");
    }

    #[test]
    fn a_cut_log_says_failed_and_why() {
        let log = "Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/********\n\
                   Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n";
        let text = human_summary(&parse_bytes(log.as_bytes(), &Policy::default()));
        assert!(text.starts_with("FAILED"), "{text}");
        assert!(text.contains("no final job line"), "{text}");
    }
}
