//! Exit codes: the same everywhere, documented in `--help`.

/// How a command ended, as the shell sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything succeeded and nothing needs a person.
    Success,
    /// 1: the work failed (the script threw, the export failed, the verdict is `failed`).
    Failure,
    /// 2: bizscript was used wrongly (bad arguments, a script that does not compile).
    Usage,
    /// 3: the work completed but a person must review something (verdict `review`).
    Review,
    /// 130: interrupted by Ctrl-C or SIGTERM.
    Interrupted,
    /// Any other code a script chose with `exit(n)`.
    Other(u8),
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Review => 3,
            ExitStatus::Interrupted => 130,
            ExitStatus::Other(code) => code,
        }
    }

    /// The status for `exit(n)`: codes outside 0..=255 become 1 (failure), since the shell
    /// would otherwise see them truncated.
    pub fn from_script_code(code: i64) -> Self {
        match code {
            0 => ExitStatus::Success,
            1 => ExitStatus::Failure,
            2 => ExitStatus::Usage,
            3 => ExitStatus::Review,
            130 => ExitStatus::Interrupted,
            c @ 4..=255 => ExitStatus::Other(c as u8),
            _ => ExitStatus::Failure,
        }
    }

    /// The status for a report's verdict.
    pub fn from_verdict(verdict: &str) -> Option<Self> {
        match verdict {
            "ok" => Some(ExitStatus::Success),
            "review" => Some(ExitStatus::Review),
            "failed" => Some(ExitStatus::Failure),
            _ => None,
        }
    }
}

/// The exit codes as shown at the end of `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    failure (the script failed, the verdict is `failed`, or a primitive failed and the
       script did not accept() it)
  2    usage error (bad arguments, a script that does not compile or calls an unknown
       function, a refused parameter); nothing was run
  3    completed, but a person must review something (verdict `review`, or an outcome
       needing review the script did not accept())
  130  interrupted (Ctrl-C or SIGTERM)";

/// How one primitive call ended, as the run's ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// It did what it was asked and nothing needs a person (a dry run is `ok`: it ran nothing).
    Ok,
    /// It completed, but a person must look at something.
    Review,
    /// It failed, or its result cannot be trusted.
    Failed,
}

impl Verdict {
    /// `ok`, `review` or `failed`: the words of reports and `parse_log`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Review => "review",
            Verdict::Failed => "failed",
        }
    }

    /// The exit status this verdict alone would give.
    pub fn exit_status(self) -> ExitStatus {
        match self {
            Verdict::Ok => ExitStatus::Success,
            Verdict::Review => ExitStatus::Review,
            Verdict::Failed => ExitStatus::Failure,
        }
    }
}

/// One recorded outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// The primitive that produced it (`expdp`, `compress`...).
    pub primitive: &'static str,
    pub verdict: Verdict,
    /// One line a DBA understands: what ended how.
    pub summary: String,
    /// Why the script accepted it (`accept(result, reason)`), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Every outcome the primitives of one run recorded, in order.
///
/// The rule (site_scripts.md, "The ledger"): a run's exit code is never better than the worst
/// outcome its script did not explicitly `accept`. The value a primitive returns (or the error it
/// throws) carries the outcome's id in its Rhai tag, which survives assignment, storing in a
/// map, passing to functions and `catch`, so `accept(value, reason)` finds it without any key
/// being added to the maps scripts and reports see.
#[derive(Debug, Default)]
pub struct Ledger {
    outcomes: std::sync::Mutex<Vec<Outcome>>,
}

/// Ids live in the tag from this base up, so a tag a script set for its own purposes (small
/// numbers) is not taken for an outcome.
const TAG_BASE: i32 = 0x0B12_0000;

impl Ledger {
    /// Records `outcome`; returns the tag to put on the value that carries it.
    pub fn push(&self, outcome: Outcome) -> i32 {
        let mut outcomes = match self.outcomes.lock() {
            Ok(o) => o,
            Err(poisoned) => poisoned.into_inner(),
        };
        outcomes.push(outcome);
        TAG_BASE.saturating_add(i32::try_from(outcomes.len() - 1).unwrap_or(i32::MAX - TAG_BASE))
    }

    /// Marks the outcome behind `tag` accepted; returns it, or `None` when no outcome has that tag.
    pub fn accept(&self, tag: i32, reason: &str) -> Option<Outcome> {
        let index = usize::try_from(tag.checked_sub(TAG_BASE)?).ok()?;
        let mut outcomes = match self.outcomes.lock() {
            Ok(o) => o,
            Err(poisoned) => poisoned.into_inner(),
        };
        let outcome = outcomes.get_mut(index)?;
        outcome.reason = Some(reason.to_string());
        Some(outcome.clone())
    }

    /// Every outcome so far.
    pub fn outcomes(&self) -> Vec<Outcome> {
        match self.outcomes.lock() {
            Ok(o) => o.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The outcomes that count against the run: not `ok`, not accepted.
    pub fn unaccepted(&self) -> Vec<Outcome> {
        self.outcomes()
            .into_iter()
            .filter(|o| o.verdict != Verdict::Ok && o.reason.is_none())
            .collect()
    }

    /// The worst unaccepted verdict (`ok` when there is none).
    pub fn worst(&self) -> Verdict {
        self.unaccepted()
            .iter()
            .map(|o| o.verdict)
            .max()
            .unwrap_or(Verdict::Ok)
    }
}

/// The run's exit status: the script's own, made no better than the ledger's worst unaccepted
/// verdict.
///
/// * The script ended `ok` or `review` (its verdict, its returned map, or `exit(0)`/`exit(3)`):
///   the worse of the two wins, so an `exit(0)` after an ignored failure exits 1.
/// * The script ended failed (1), with a usage error (2) or interrupted (130): already at least
///   as bad as anything the ledger can say; kept.
/// * Another code the script chose with `exit(n)` (4..=255): a site's own non-success signal
///   (monitoring already sees "not 0"); kept, and the report lists what was not accepted.
pub fn combine(script: ExitStatus, ledger: Verdict) -> ExitStatus {
    let rank = |s: ExitStatus| match s {
        ExitStatus::Success => 0,
        ExitStatus::Review => 1,
        _ => 2,
    };
    match script {
        ExitStatus::Success | ExitStatus::Review => {
            let from_ledger = ledger.exit_status();
            if rank(from_ledger) > rank(script) {
                from_ledger
            } else {
                script
            }
        }
        other => other,
    }
}

/// Reads a result map's key as a string.
fn text(map: &rhai::Map, key: &str) -> Option<String> {
    map.get(key).and_then(|v| v.clone().into_string().ok())
}

/// Reads a result map's key as a bool.
fn flag(map: &rhai::Map, key: &str) -> Option<bool> {
    map.get(key).and_then(|v| v.as_bool().ok())
}

fn verdict_word(word: &str) -> Option<Verdict> {
    match word {
        "ok" => Some(Verdict::Ok),
        "review" => Some(Verdict::Review),
        "failed" => Some(Verdict::Failed),
        _ => None,
    }
}

/// What a primitive's result says about how it went. Each primitive's rule reads the keys of
/// its own result map (see each primitive's doc); a dry run is `ok`, since it ran nothing.
pub fn judge(primitive: &'static str, value: &rhai::Dynamic) -> (Verdict, String) {
    let Some(map) = value.read_lock::<rhai::Map>().map(|m| m.clone()) else {
        return (Verdict::Ok, format!("{primitive}: done"));
    };
    let dry_run =
        flag(&map, "dry_run") == Some(true) || text(&map, "outcome").as_deref() == Some("dry_run");
    if dry_run {
        return (Verdict::Ok, format!("{primitive}: dry run, nothing done"));
    }
    match primitive {
        "expdp" => judge_export(&map),
        "parse_log" | "parse_log_text" => {
            let word = text(&map, "verdict").unwrap_or_default();
            let verdict = verdict_word(&word).unwrap_or(Verdict::Review);
            let job = text(&map, "job").unwrap_or_else(|| "the log".into());
            (verdict, format!("{primitive}: {job}: verdict {word}"))
        }
        "compress" => match flag(&map, "verified") {
            Some(true) => (
                Verdict::Ok,
                format!(
                    "compress: {} verified",
                    text(&map, "archive").unwrap_or_default()
                ),
            ),
            // A plan (dry run) has no `verified`; anything else without `verified: true` is not
            // a verified archive.
            _ if map.contains_key("fits") => (Verdict::Ok, "compress: plan only".into()),
            _ => (
                Verdict::Failed,
                format!(
                    "compress: {} was not verified",
                    text(&map, "archive").unwrap_or_default()
                ),
            ),
        },
        "copy_file" => {
            let path = text(&map, "path").unwrap_or_default();
            if flag(&map, "verified") == Some(false) || !map.contains_key("sha256") {
                (
                    Verdict::Failed,
                    format!("copy_file: the copy {path} was not verified"),
                )
            } else {
                (Verdict::Ok, format!("copy_file: {path} verified (SHA-256)"))
            }
        }
        "check_env" => match flag(&map, "ok") {
            Some(true) => (Verdict::Ok, "check_env: the Oracle client is usable".into()),
            _ => (
                Verdict::Failed,
                "check_env: the Oracle client is not usable (ok: false)".into(),
            ),
        },
        "nls_charset" => match flag(&map, "compatible") {
            Some(true) => (Verdict::Ok, "nls_charset: compatible".into()),
            _ => (
                Verdict::Failed,
                format!(
                    "nls_charset: client {} cannot hold database {} (compatible: false)",
                    text(&map, "client_charset").unwrap_or_default(),
                    text(&map, "database_charset").unwrap_or_default()
                ),
            ),
        },
        "cleanup_job" => {
            let job = format!(
                "{}.{}",
                text(&map, "owner").unwrap_or_default(),
                text(&map, "job").unwrap_or_default()
            );
            match (flag(&map, "dropped"), flag(&map, "still_listed")) {
                (Some(true), Some(false)) => (Verdict::Ok, format!("cleanup_job: {job} is gone")),
                _ => (
                    Verdict::Review,
                    format!("cleanup_job: {job} is still listed in dba_datapump_jobs"),
                ),
            }
        }
        _ => match text(&map, "verdict").as_deref().and_then(verdict_word) {
            Some(v) => (v, format!("{primitive}: {}", v.as_str())),
            None => (Verdict::Ok, format!("{primitive}: done")),
        },
    }
}

/// An export: the exit code and the log's verdict (Data Pump's "completed with N error(s)",
/// exit 5, is `ok` when the log shows only harmless messages, as the verdict policy says).
fn judge_export(map: &rhai::Map) -> (Verdict, String) {
    let exit = map.get("exit_code").and_then(|v| v.as_int().ok());
    let job = text(map, "job").unwrap_or_default();
    let outcome = text(map, "outcome").unwrap_or_default();
    let log_verdict = map
        .get("report")
        .and_then(|r| r.read_lock::<rhai::Map>().and_then(|r| text(&r, "verdict")));
    let verdict = match (exit, log_verdict.as_deref().and_then(verdict_word)) {
        (Some(0 | 5), Some(v)) => v,
        // The job ended, but its log could not be read: nothing says the dump is whole.
        (Some(0 | 5), None) => Verdict::Review,
        _ => Verdict::Failed,
    };
    let exit = exit.map_or("?".to_string(), |e| e.to_string());
    let log = log_verdict.unwrap_or_else(|| "not read".into());
    (
        verdict,
        format!("expdp: job {job}: {outcome} (exit code {exit}), log verdict {log}"),
    )
}

/// The outcome of a primitive that threw: failed, with the error's code and message.
pub fn judge_error(primitive: &'static str, payload: &rhai::Dynamic) -> (Verdict, String) {
    let summary = match crate::primitives::errors::parts(payload) {
        Some((code, message, _)) => format!("{primitive}: {code}: {message}"),
        None => format!("{primitive}: {payload}"),
    };
    (Verdict::Failed, summary)
}

#[cfg(test)]
mod ledger_tests {
    use super::*;

    #[test]
    fn the_script_never_reports_better_than_the_ledger() {
        use ExitStatus::*;
        assert_eq!(combine(Success, Verdict::Failed), Failure);
        assert_eq!(combine(Success, Verdict::Review), Review);
        assert_eq!(combine(Review, Verdict::Failed), Failure);
        assert_eq!(combine(Review, Verdict::Ok), Review);
        assert_eq!(combine(Failure, Verdict::Ok), Failure);
        assert_eq!(combine(Usage, Verdict::Failed), Usage);
        assert_eq!(combine(Interrupted, Verdict::Failed), Interrupted);
        assert_eq!(combine(Other(7), Verdict::Failed), Other(7));
        assert_eq!(combine(Success, Verdict::Ok), Success);
    }

    #[test]
    fn accepted_outcomes_no_longer_count() {
        let ledger = Ledger::default();
        let failed = ledger.push(Outcome {
            primitive: "expdp",
            verdict: Verdict::Failed,
            summary: "x".into(),
            reason: None,
        });
        ledger.push(Outcome {
            primitive: "parse_log",
            verdict: Verdict::Review,
            summary: "y".into(),
            reason: None,
        });
        assert_eq!(ledger.worst(), Verdict::Failed);
        assert!(ledger
            .accept(failed, "old log, read for the report")
            .is_some());
        assert_eq!(ledger.worst(), Verdict::Review);
        assert!(ledger.accept(3, "not an outcome").is_none());
        assert!(ledger.accept(failed + 10, "not recorded").is_none());
    }
}
