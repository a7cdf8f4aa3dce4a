//! The verdict policy (`docs/verdict.md`): `ok`, `review` or `failed`,
//! with the reasons that decided it.
//!
//! The catalogue gives each code's default; the rules that depend on the object, the object
//! path, the cause or the call (allow / deny / restore) are here, in the order of the policy.

use super::catalogue::{self, Severity};
use super::{CharacterSets, LogReport, Message, Outcome, Policy, Reason, Verdict};
use serde::Serialize;
use std::collections::hash_map::{Entry, HashMap};

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
    } else if has("data loss")
        || has("identifier")
        || has("character set conversion")
        || super::languages::says_data_loss(text)
    {
        Concern::Data
    } else {
        Concern::Info
    }
}

/// What one message makes of the verdict, and why.
pub(super) fn judge_message(m: &Message, policy: &Policy) -> (Verdict, String) {
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
pub(super) fn severity(m: &Message, verdict: Verdict) -> Severity {
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

/// Collects reasons, grouping the same finding on many lines into one. (The index keeps a log
/// with a million distinct findings linear.)
#[derive(Default)]
struct Reasons {
    findings: Vec<Finding>,
    index: HashMap<(Verdict, String), usize>,
}

struct Finding {
    reason: Reason,
    /// The text when the finding repeats (without the first object's name).
    many: String,
}

impl Reasons {
    /// Adds a finding; one of the same `group` only counts again.
    fn add(
        &mut self,
        verdict: Verdict,
        code: Option<&str>,
        line: Option<u64>,
        group: String,
        one: String,
        many: String,
    ) {
        match self.index.entry((verdict, group)) {
            Entry::Occupied(seen) => self.findings[*seen.get()].reason.count += 1,
            Entry::Vacant(slot) => {
                slot.insert(self.findings.len());
                let reason = Reason {
                    verdict,
                    code: code.map(str::to_string),
                    line,
                    text: one,
                    count: 1,
                };
                self.findings.push(Finding { reason, many });
            }
        }
    }

    /// Adds a finding seen `count` times.
    #[allow(clippy::too_many_arguments)]
    fn add_counted(
        &mut self,
        verdict: Verdict,
        code: Option<&str>,
        line: Option<u64>,
        group: String,
        one: String,
        many: String,
        count: u64,
    ) {
        self.add(verdict, code, line, group.clone(), one, many);
        if let Some(i) = self.index.get(&(verdict, group)) {
            let r = &mut self.findings[*i].reason;
            r.count += count - 1;
        }
    }

    /// A finding that is its own group.
    fn fact(&mut self, verdict: Verdict, line: Option<u64>, text: String) {
        self.add(verdict, None, line, text.clone(), text.clone(), text);
    }

    fn finish(self) -> Vec<Reason> {
        let mut out: Vec<Reason> = self
            .findings
            .into_iter()
            .map(|f| {
                let mut r = f.reason;
                if r.count > 1 {
                    r.text = f.many;
                }
                r
            })
            .collect();
        out.sort_by_key(|r| std::cmp::Reverse(r.verdict));
        out
    }
}

/// What an import's character-set pair means for the data.
pub fn charset_meaning(sets: &CharacterSets) -> String {
    match (&sets.export, &sets.import) {
        (Some(e), Some(i)) if e.eq_ignore_ascii_case(i) => {
            format!("the dump was written in {e} and the database imported into is {i}: no conversion")
        }
        (Some(e), Some(i)) => format!(
            "the dump was written in {e} and the database imported into is {i}: every character was converted from {e} to {i} on the way; characters {i} cannot hold are replaced (information altered)"
        ),
        (Some(e), None) => format!("the dump was written in {e}"),
        (None, Some(i)) => format!("the database imported into is {i}"),
        (None, None) => String::new(),
    }
}

/// Judges the report under `policy`: the report's verdict and its reasons. (Each message was
/// judged when it closed; `message_groups` counts them.) `dropped_data_warnings` counts
/// warnings about the data beyond the ones kept.
pub fn judge(report: &mut LogReport, policy: &Policy, dropped_data_warnings: u64) {
    let _ = policy;
    let mut reasons = Reasons::default();

    if !report.datapump {
        reasons.fact(
            Verdict::Failed,
            None,
            "not a Data Pump log: no banner, job line, Data Pump message or object path".into(),
        );
    }

    // Failed 1: the job did not complete.
    let incomplete = match report.outcome {
        Outcome::Fatal => Some("the job stopped due to a fatal error".to_string()),
        Outcome::Stopped => Some("the job was stopped before it completed".to_string()),
        Outcome::NotStarted => Some("the job never started: the client failed first".to_string()),
        Outcome::Incomplete => Some(
            "the log has no final job line: the job did not finish (or the log is cut)".to_string(),
        ),
        Outcome::Success | Outcome::CompletedWithErrors | Outcome::Unread => None,
    };
    if let Some(why) = incomplete {
        // The cause, not only the wrapper: the first failing message's deepest cause.
        let cause = report.last_problem.clone();
        let why = match cause {
            Some(c) if report.outcome != Outcome::Incomplete => format!("{why}; the cause: {c}"),
            _ => why,
        };
        reasons.fact(Verdict::Failed, None, why);
    }
    // Review 10: the job ended, in words bizscript does not read.
    if report.outcome == Outcome::Unread {
        let line = report.final_line.clone().unwrap_or_default();
        reasons.fact(
            Verdict::Review,
            None,
            format!("final line in a language bizscript does not read: {line}"),
        );
    }

    for g in &report.message_groups {
        let kind = g
            .object_type
            .as_ref()
            .map(|k| format!(" on {k}"))
            .unwrap_or_default();
        let name = g
            .first_object
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        let cause = g
            .first_cause
            .as_deref()
            .map(|c| format!(" (cause: {c})"))
            .unwrap_or_default();
        let group = format!("{}{kind}: {}", g.code, g.why);
        let one = format!("{}{kind}{name}: {}{cause}", g.code, g.why);
        let many = match &g.first_cause {
            Some(c) => format!("{group} (first cause: {c})"),
            None => group.clone(),
        };
        reasons.add_counted(
            g.verdict,
            Some(&g.code),
            Some(g.first_line),
            group,
            one,
            many,
            g.count,
        );
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

    let charsets = report
        .character_sets
        .as_ref()
        .filter(|s| s.export.is_some() && s.import.is_some())
        .map(|s| {
            format!(
                " (export {} -> import {})",
                s.export.as_deref().unwrap_or("?"),
                s.import.as_deref().unwrap_or("?")
            )
        })
        .unwrap_or_default();
    for w in &report.warnings {
        match w.concern {
            Concern::Data => {
                let sets = if w.text.to_ascii_lowercase().contains("character set") {
                    charsets.as_str()
                } else {
                    ""
                };
                reasons.fact(
                    Verdict::Review,
                    Some(w.line),
                    format!("warning: {}{sets}", w.text),
                )
            }
            Concern::Integrity => reasons.fact(
                Verdict::Failed,
                Some(w.line),
                format!("dump integrity: {}", w.text),
            ),
            Concern::Info => {}
        }
    }
    if dropped_data_warnings > 0 {
        reasons.fact(
            Verdict::Review,
            None,
            format!("{dropped_data_warnings} more warning(s) about the data (not kept)"),
        );
    }
    // Review 11: the pair is reported; a conversion between different sets is a fact a DBA reads.
    if let Some(sets) = &report.character_sets {
        if let (Some(e), Some(i)) = (&sets.export, &sets.import) {
            if !e.eq_ignore_ascii_case(i) {
                reasons.fact(
                    Verdict::Ok,
                    None,
                    format!("character sets: {}", sets.meaning),
                );
            }
        }
    }

    // Review 8: errors counted, none shown (an excerpt, a truncated copy).
    if let Some(n) = report.reported_errors.filter(|n| *n > 0) {
        let counted = report
            .message_groups
            .iter()
            .any(|g| g.code.starts_with("ORA-") && !PASSWORD_EXPIRY.contains(&g.code.as_str()));
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

#[cfg(test)]
mod tests {
    use super::super::{parse_bytes, LogReport, Policy, Verdict};

    const START: &str =
        "Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/******** directory=DP\n";

    /// A completed import whose body is `body`, with Data Pump's count `n`.
    fn import(body: &str, n: u32) -> String {
        let end = if n == 0 {
            "successfully completed".to_string()
        } else {
            format!("completed with {n} error(s)")
        };
        format!("{START}{body}\nJob \"SYSTEM\".\"SYS_IMPORT_FULL_01\" {end} at Wed Mar 12 11:12:13 2025 elapsed 0 00:03:12\n")
    }

    fn judge(log: &str) -> LogReport {
        parse_bytes(log.as_bytes(), &Policy::default())
    }

    fn verdict(log: &str) -> Verdict {
        judge(log).verdict
    }

    #[test]
    fn a_clean_job_is_ok_and_an_unfinished_one_failed() {
        assert_eq!(
            verdict(&import("Processing object type SCHEMA_EXPORT/USER", 0)),
            Verdict::Ok
        );
        let cut = format!("{START}Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n");
        let r = judge(&cut);
        assert_eq!(
            (r.outcome.as_str(), r.verdict),
            ("incomplete", Verdict::Failed)
        );
        let fatal = format!(
            "{START}Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" stopped due to fatal error at 16:45:35\n"
        );
        assert_eq!(judge(&fatal).outcome.as_str(), "fatal");
        assert_eq!(verdict(&fatal), Verdict::Failed);
        let stopped = format!(
            "{START}Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" stopped by user request at 16:45:35\n"
        );
        assert_eq!(judge(&stopped).outcome.as_str(), "stopped");
        assert_eq!(verdict(&stopped), Verdict::Failed);
        let r = judge("ORA-39002: invalid operation\nORA-39070: Unable to open the log file.\nORA-39087: directory name DP is invalid\n");
        assert_eq!(
            (r.outcome.as_str(), r.verdict),
            ("not_started", Verdict::Failed)
        );
        assert_eq!(r.messages.len(), 1, "one stack, one message");
        assert_eq!(r.messages[0].causes, ["ORA-39070", "ORA-39087"]);
    }

    #[test]
    fn skipped_or_rejected_data_fails() {
        let skipped = "ORA-31693: Table data object \"BIZAGI\".\"WFCASE\" failed to load/unload and is being skipped due to error:\n\
                       ORA-02354: error in exporting/importing data\n\
                       ORA-01555: snapshot too old: rollback segment number 2 with name \"X\" too small";
        let r = judge(&import(skipped, 1));
        assert_eq!(r.verdict, Verdict::Failed);
        assert_eq!(r.messages.len(), 1);
        assert_eq!(r.messages[0].causes, ["ORA-02354", "ORA-01555"]);
        assert!(
            r.reasons[0].text.contains("BIZAGI.WFCASE"),
            "{:?}",
            r.reasons
        );
        let rejected = ". . imported \"BIZAGI\".\"WFCASE\"  6.007 KB  3 out of 5 rows";
        let r = judge(&import(rejected, 0));
        assert_eq!(r.verdict, Verdict::Failed);
        assert!(
            r.reasons.iter().any(|x| x.text.contains("only 3 out of 5")),
            "{:?}",
            r.reasons
        );
        for code in [
            "ORA-39181",
            "ORA-39165",
            "ORA-39166",
            "ORA-31655",
            "ORA-39412",
            "ORA-01653",
            "ORA-12899",
        ] {
            assert_eq!(
                verdict(&import(&format!("{code}: text"), 1)),
                Verdict::Failed,
                "{code}"
            );
        }
    }

    #[test]
    fn object_failures_fail_on_tables_and_for_lack_of_space() {
        let on = |kind: &str, cause: &str| {
            verdict(&import(
                &format!("ORA-39083: Object type {kind}:\"BIZAGI\".\"X\" failed to create with error:\n{cause}\nFailing sql is:\n CREATE X"),
                1,
            ))
        };
        assert_eq!(
            on("TABLE", "ORA-00922: missing or invalid option"),
            Verdict::Failed
        );
        assert_eq!(
            on("USER", "ORA-00922: missing or invalid option"),
            Verdict::Failed
        );
        assert_eq!(
            on("INDEX", "ORA-01658: unable to create INITIAL extent"),
            Verdict::Failed
        );
        assert_eq!(
            on("OBJECT_GRANT", "ORA-01917: user or role 'X' does not exist"),
            Verdict::Review
        );
    }

    #[test]
    fn worker_errors_in_statistics_only_need_review() {
        let stats = "Processing object type SCHEMA_EXPORT/TABLE/STATISTICS/TABLE_STATISTICS\n\
                     ORA-39126: Worker unexpected fatal error in KUPW$WORKER.PUT_DDLS [TABLE_STATISTICS]\n\
                     ORA-06502: PL/SQL: numeric or value error";
        assert_eq!(verdict(&import(stats, 1)), Verdict::Review);
        let data = "Processing object type SCHEMA_EXPORT/TABLE/TABLE\n\
                    ORA-39126: Worker unexpected fatal error in KUPW$WORKER.LOAD_METADATA [TABLE:\"BIZAGI\".\"X\"]";
        assert_eq!(verdict(&import(data, 1)), Verdict::Failed);
    }

    #[test]
    fn what_a_dba_acknowledges_is_ok() {
        let user = "ORA-31684: Object type USER:\"BIZAGI\" already exists";
        assert_eq!(verdict(&import(user, 1)), Verdict::Ok);
        let client = "UDI-28002: operation generated ORACLE error 28002\nORA-28002: the password will expire within 7 days";
        let r = judge(&import(client, 0));
        assert_eq!((r.verdict, r.messages.len()), (Verdict::Ok, 1));
        // A stack frame never counts by itself.
        assert_eq!(
            verdict(&import("ORA-06512: at \"SYS.DBMS_SQL\", line 1721", 0)),
            Verdict::Ok
        );
    }

    #[test]
    fn what_needs_a_person_is_review() {
        for body in [
            "ORA-39082: Object type VIEW:\"BIZAGI\".\"V\" created with compilation warnings",
            "ORA-31684: Object type SEQUENCE:\"BIZAGI\".\"S\" already exists",
            "ORA-39151: Table \"BIZAGI\".\"T\" exists. All dependent metadata and data will be skipped due to table_exists_action of skip",
            "ORA-39346: data loss in character set conversion for object COMMENT:\"BIZAGI\".\"T\"",
            "ORA-31685: Object type ROLE_GRANT failed due to insufficient privileges",
            "ORA-39999: a code nobody knows",
        ] {
            assert_eq!(verdict(&import(body, 1)), Verdict::Review, "{body}");
        }
        // Errors counted but not shown: an excerpt.
        let r = judge(&import("Processing object type SCHEMA_EXPORT/USER", 2));
        assert_eq!(r.verdict, Verdict::Review);
        assert!(r.reasons[0].text.contains("none of them"));
        // Uncoded warnings: about the data review, informational ones not.
        assert_eq!(
            verdict(&import(
                "Warning: possible data loss in character set conversions",
                0
            )),
            Verdict::Review
        );
        assert_eq!(
            verdict(&import("Warning: Oracle Data Pump operations are not typically needed when connected to the root or seed of a container database.", 0)),
            Verdict::Ok
        );
    }

    #[test]
    fn a_resumable_wait_that_ended_in_time_needs_review() {
        let wait = "ORA-39171: Job is experiencing a resumable wait.\n\
                    ORA-01653: unable to extend table BIZAGI.T by 128 in tablespace USERS";
        let r = judge(&import(wait, 0));
        assert_eq!(r.verdict, Verdict::Review);
        assert_eq!(r.messages.len(), 1);
        let resumable = "ORA-39171: Job is experiencing a resumable wait.\n\
                         Resumable error: ORA-01653: unable to extend table BIZAGI.T by 128 in tablespace USERS";
        assert_eq!(verdict(&import(resumable, 0)), Verdict::Review);
        let cut = format!("{START}{wait}\n");
        assert_eq!(verdict(&cut), Verdict::Failed);
    }

    #[test]
    fn the_call_adjusts_the_policy() {
        let log = import(
            "ORA-39082: Object type VIEW:\"BIZAGI\".\"V\" created with compilation warnings",
            1,
        );
        let allow = Policy {
            allow: vec!["ora-39082".into()],
            ..Policy::default()
        };
        assert_eq!(parse_bytes(log.as_bytes(), &allow).verdict, Verdict::Ok);
        let user = import("ORA-31684: Object type USER:\"BIZAGI\" already exists", 1);
        let deny = Policy {
            deny: vec!["ORA-31684".into()],
            ..Policy::default()
        };
        assert_eq!(parse_bytes(user.as_bytes(), &deny).verdict, Verdict::Failed);
        // Allow cannot make an unfinished job ok.
        let cut = format!(
            "{START}ORA-39082: Object type VIEW:\"B\".\"V\" created with compilation warnings\n"
        );
        assert_eq!(parse_bytes(cut.as_bytes(), &allow).verdict, Verdict::Failed);
    }

    #[test]
    fn many_equal_findings_make_one_reason() {
        let body: String = (0..50)
            .map(|i| format!("ORA-39082: Object type VIEW:\"BIZAGI\".\"V{i}\" created with compilation warnings\n"))
            .collect();
        let r = judge(&import(&body, 50));
        assert_eq!(r.messages.len(), 50);
        assert_eq!(r.reasons.len(), 1, "{:?}", r.reasons);
        assert_eq!(r.reasons[0].count, 50);
        assert_eq!(r.reasons[0].line, Some(2));
        assert!(!r.reasons[0].text.contains("V0"), "{:?}", r.reasons);
    }
}
