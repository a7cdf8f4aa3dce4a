//! The verdict policy (`../shared/reference/verdict-policy.md`): `ok`, `review` or `failed`,
//! with the reasons that decided it.
//!
//! The catalogue gives each code's default; the rules that depend on the object, the object
//! path, the cause or the call (allow / deny / restore) are here, in the order of the policy.

use super::catalogue::{self, Severity};
use super::{LogReport, Message, Outcome, Policy, Reason, Verdict};
use serde::Serialize;

/// What an uncoded warning line concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Concern {
    /// Information only (connected to the root of a CDB, checksum verification disabled).
    Info,
    /// The data may have been altered on the way (policy review 9).
    Data,
    /// The dump file set is inconsistent (policy failed 7).
    Integrity,
}

/// Space and undo errors (policy failed 3).
const SPACE_ERRORS: &[&str] = &[
    "ORA-01652",
    "ORA-01653",
    "ORA-01654",
    "ORA-01658",
    "ORA-01659",
    "ORA-01688",
    "ORA-01691",
    "ORA-01536",
    "ORA-01950",
    "ORA-30036",
];

/// Object types whose failure to create loses data (policy failed 5).
const CRITICAL_TYPES: &[&str] = &["TABLE", "TABLESPACE", "USER"];

/// Client warnings about the connecting user's password (policy ok).
const PASSWORD_EXPIRY: &[&str] = &["ORA-28002", "UDE-28002", "UDI-28002"];

/// What an uncoded `Warning:` line concerns, in English or a translation.
pub fn concern(text: &[u8]) -> Concern {
    let lower = text.to_ascii_lowercase();
    let has = |needle: &str| memchr::memmem::find(&lower, needle.as_bytes()).is_some();
    if has("inconsistent") {
        Concern::Integrity
    } else if has("data loss") || has("identifier") || has("pérdida") || has("丢失") {
        Concern::Data
    } else {
        Concern::Info
    }
}

/// What one message makes of the verdict, and why.
fn judge_message(m: &Message, policy: &Policy) -> (Verdict, String) {
    let code = m.code.as_str();
    if policy.denies(code) || m.causes.iter().any(|c| policy.denies(c)) {
        return (Verdict::Failed, "denied by this call".into());
    }
    if policy.allows(code) {
        return (Verdict::Ok, "allowed by this call".into());
    }
    let kind = m.object.as_ref().map(|o| o.kind.as_str());
    match code {
        "ORA-31684" if kind == Some("USER") => (
            Verdict::Ok,
            "user already exists (expected when the schema is pre-created)".into(),
        ),
        "ORA-31684" => (
            Verdict::Review,
            "object already exists: the existing one was kept".into(),
        ),
        "ORA-39083" => match kind {
            Some(k) if CRITICAL_TYPES.contains(&k) => (
                Verdict::Failed,
                format!("{k} failed to create: it and what it holds are missing"),
            ),
            _ if m.causes.iter().any(|c| SPACE_ERRORS.contains(&c.as_str())) => (
                Verdict::Failed,
                "object failed to create for lack of space".into(),
            ),
            _ => (Verdict::Review, "object failed to create".into()),
        },
        "ORA-39126" => {
            let in_statistics = |s: &str| s.contains("STATISTICS") || s.contains("MARKER");
            if m.path.as_deref().is_some_and(in_statistics) || in_statistics(&m.text) {
                (
                    Verdict::Review,
                    "worker error in statistics: gather them again".into(),
                )
            } else {
                (
                    Verdict::Failed,
                    "worker fatal error: the object was skipped".into(),
                )
            }
        }
        "ORA-39151" | "ORA-39152" | "ORA-39111" if policy.restore => (
            Verdict::Failed,
            "existing table left untouched, and this import is a restore".into(),
        ),
        c if SPACE_ERRORS.contains(&c) && m.resumable => (
            Verdict::Review,
            "space ran out during a resumable wait and was added in time".into(),
        ),
        c => match catalogue::lookup(c) {
            Some(entry) => (
                entry.verdict,
                entry.meaning.trim_end_matches('.').to_string(),
            ),
            None => (
                Verdict::Review,
                "unknown code: the knowledge base does not know it".into(),
            ),
        },
    }
}

/// The severity shown for a message once judged.
fn severity(m: &Message, verdict: Verdict) -> Severity {
    let Some(entry) = catalogue::lookup(&m.code) else {
        return Severity::Unknown;
    };
    match verdict {
        Verdict::Ok => Severity::Info,
        Verdict::Review => Severity::Warning,
        Verdict::Failed if entry.severity == Severity::Fatal => Severity::Fatal,
        Verdict::Failed => Severity::Error,
    }
}

/// Collects reasons, grouping the same finding on many lines into one.
#[derive(Default)]
struct Reasons(Vec<(String, Reason, u64)>);

impl Reasons {
    /// Adds a reason; one with the same `group` key only counts again.
    fn add(
        &mut self,
        verdict: Verdict,
        code: Option<&str>,
        line: Option<u64>,
        group: String,
        text: String,
    ) {
        if let Some((_, _, count)) = self
            .0
            .iter_mut()
            .find(|(g, r, _)| r.verdict == verdict && *g == group)
        {
            *count += 1;
            return;
        }
        let reason = Reason {
            verdict,
            code: code.map(str::to_string),
            line,
            text,
        };
        self.0.push((group, reason, 1));
    }

    /// A reason that is its own group.
    fn fact(&mut self, verdict: Verdict, line: Option<u64>, text: String) {
        self.add(verdict, None, line, text.clone(), text);
    }

    fn finish(self) -> Vec<Reason> {
        let mut out: Vec<Reason> = self
            .0
            .into_iter()
            .map(|(_, mut r, count)| {
                if count > 1 {
                    r.text = match r.line {
                        Some(line) => format!("{} ({count} times, first at line {line})", r.text),
                        None => format!("{} ({count} times)", r.text),
                    };
                }
                r
            })
            .collect();
        out.sort_by_key(|r| std::cmp::Reverse(r.verdict));
        out
    }
}

/// Judges the report under `policy`: sets each message's verdict and severity, the report's
/// verdict and its reasons.
pub fn judge(report: &mut LogReport, policy: &Policy) {
    let mut reasons = Reasons::default();

    // Failed 1: the job did not complete.
    let incomplete = match report.outcome {
        Outcome::Fatal => Some("the job stopped due to a fatal error"),
        Outcome::Stopped => Some("the job was stopped before it completed"),
        Outcome::NotStarted => Some("the job never started: the client failed first"),
        Outcome::Incomplete => {
            Some("the log has no final job line: the job did not finish (or the log is cut)")
        }
        Outcome::Success | Outcome::CompletedWithErrors => None,
    };
    if let Some(why) = incomplete {
        reasons.fact(Verdict::Failed, None, why.to_string());
    }

    for m in &mut report.messages {
        let (verdict, why) = judge_message(m, policy);
        m.verdict = verdict;
        m.severity = severity(m, verdict);
        let subject = match &m.object {
            Some(o) => match &o.name {
                Some(name) => format!(" on {} {}", o.kind, name),
                None => format!(" on {}", o.kind),
            },
            None => String::new(),
        };
        // Grouped by code and judgement; the object of the first one is named.
        let group = format!("{}: {why}", m.code);
        let text = format!("{}{subject}: {why}", m.code);
        reasons.add(verdict, Some(&m.code), Some(m.line), group, text);
    }

    // Failed 2: rows rejected.
    for t in &report.tables {
        if let Some(m) = t.out_of.filter(|m| *m > t.rows) {
            reasons.fact(
                Verdict::Failed,
                None,
                format!("{}: only {} out of {m} rows loaded", t.name, t.rows),
            );
        }
    }

    for w in &report.warnings {
        match w.concern {
            Concern::Data => reasons.fact(
                Verdict::Review,
                Some(w.line),
                format!("warning: {}", w.text),
            ),
            Concern::Integrity => reasons.fact(
                Verdict::Failed,
                Some(w.line),
                format!("dump integrity: {}", w.text),
            ),
            Concern::Info => {}
        }
    }

    // Review 8: errors counted, none shown (an excerpt, a truncated copy).
    if let Some(n) = report.reported_errors.filter(|n| *n > 0) {
        let counted = report
            .messages
            .iter()
            .any(|m| m.code.starts_with("ORA-") && !PASSWORD_EXPIRY.contains(&m.code.as_str()));
        if !counted {
            reasons.fact(
                Verdict::Review,
                None,
                format!("the job reported {n} error(s) but the log shows none of them"),
            );
        }
    }

    let reasons = reasons.finish();
    report.verdict = reasons
        .iter()
        .map(|r| r.verdict)
        .max()
        .unwrap_or(Verdict::Ok);
    report.reasons = reasons;
}
