//! What `expdp` does about a job that did not complete: a client crash, a fatal error, or an
//! interrupt whose KILL_JOB could not be confirmed all leave the job in the database, running or
//! NOT RUNNING with its master table (docs/oracle.md §3.2-3.3). A second client attaches
//! (`ATTACH=OWNER.JOB`) and kills it, the database is asked whether it is really gone, and when
//! anything is uncertain the DBA is told exactly how to finish by hand.

use super::datapump_progress::ProgressDisplay;
use super::expdp::run_client;
use crate::oracle::connection::Connection;
use crate::oracle::datapump::parfile;
use crate::primitives::runtime::HostCtx;
use crate::process::datapump_client::KillOutcome;
use rhai::EvalAltResult;
use serde::Serialize;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The prefix of the job names bizscript gives its exports (`BIZSCRIPT_EXP_<timestamp>`): a job
/// named so is bizscript's own. Only exports: `previous_jobs` looks for earlier exports.
use crate::oracle::job_name::EXPORT_JOB_PREFIX as JOB_PREFIX;

/// What `expdp` does, before starting, about a bizscript export job of the same user left
/// NOT RUNNING by an earlier run (its client killed, a double Ctrl-C, a crash): an orphan with
/// its master table and an incomplete dump. A job still EXECUTING always stops the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PreviousJobs {
    /// Attach and KILL_JOB it (the default): it is bizscript's own, its dump is incomplete and
    /// no later run would restart it; Data Pump drops its master table and partial dump files.
    #[default]
    Clean,
    /// Say so, leave it, and go on with the export.
    Report,
}

impl PreviousJobs {
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "clean" => Some(Self::Clean),
            "report" => Some(Self::Report),
            _ => None,
        }
    }
}

/// A bizscript job of an earlier run, found before starting, and what was done about it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PreviousJob {
    /// `OWNER.JOB`.
    pub job: String,
    pub state: String,
    /// `cleaned`, `reported`, or `clean_failed`.
    pub action: String,
    pub detail: String,
}

/// The database is the real lock: before an export, the bizscript export jobs of the connecting
/// user (of any user for a wallet connection, whose user is not known) in `dba_datapump_jobs`. One still EXECUTING (an earlier client died and its job runs on,
/// or another host runs the same backup) stops the run with its name and what to do; one NOT
/// RUNNING is cleaned or reported by `policy`. When the view cannot be read (no
/// SELECT_CATALOG_ROLE), the run goes on and says that only the local lock guards it.
pub fn previous_jobs(
    ctx: &HostCtx,
    db: &Connection,
    program: &Path,
    policy: PreviousJobs,
    client_log: &Path,
    display: &ProgressDisplay,
) -> Result<Vec<PreviousJob>, Box<EvalAltResult>> {
    let oracle = super::connection::Oracle {
        connection: db.clone(),
    };
    let jobs = match super::datapump_jobs::datapump_jobs(ctx, &oracle) {
        Ok(jobs) => jobs,
        Err(e) => {
            if ctx.cancel.is_cancelled() {
                return Err(e);
            }
            display.note(&format!(
                "expdp: cannot list the Data Pump jobs (dba_datapump_jobs) to make sure no earlier export of this schema still runs: {}; going on with the local lock only",
                error_text(&e)
            ));
            return Ok(Vec::new());
        }
    };
    let owner = db.user();
    let ours: Vec<_> = jobs
        .into_iter()
        .filter(|j| {
            j.operation.eq_ignore_ascii_case("EXPORT")
                && j.job.starts_with(JOB_PREFIX)
                && owner.as_deref().is_none_or(|o| o == j.owner)
        })
        .collect();
    if let Some(running) = ours
        .iter()
        .find(|j| !j.state.eq_ignore_ascii_case("NOT RUNNING"))
    {
        let name = format!("{}.{}", running.owner, running.job);
        return Err(super::errors::script_error(
            "BZ-EXPDP-RUNNING",
            format!(
                "expdp: not started: Data Pump job {name} of an earlier bizscript run is still {} in the database ({} attached session(s)); a second export of the same schema would compete with it for the same directory",
                running.state, running.attached_sessions
            ),
            format!(
                "wait for it to finish (datapump_jobs(db) lists it), or attach to watch it with `{}` and STATUS; to stop it, attach, type KILL_JOB and answer yes",
                attach_command(&name, db)
            ),
        ));
    }
    let mut found = Vec::new();
    for job in ours {
        let name = format!("{}.{}", job.owner, job.job);
        // A session attached to a stopped job is someone looking at it (or about to restart
        // it): never killed from under them, only reported.
        let (policy, why) = if job.attached_sessions > 0 {
            (
                PreviousJobs::Report,
                format!("{} session(s) attached to it", job.attached_sessions),
            )
        } else {
            (policy, "previous_jobs: \"report\"".to_string())
        };
        let entry = match policy {
            PreviousJobs::Report => {
                display.note(&format!(
                    "expdp: job {name} is NOT RUNNING: an orphan of an earlier bizscript run (interrupted or killed), with its master table and an incomplete dump; left as it is ({why}). {}",
                    by_hand(&name, db)
                ));
                PreviousJob {
                    job: name,
                    state: job.state.clone(),
                    action: "reported".into(),
                    detail: "left in the database".into(),
                }
            }
            PreviousJobs::Clean => {
                display.note(&format!(
                    "expdp: job {name} is NOT RUNNING: an orphan of an earlier bizscript run (interrupted or killed); it is bizscript's own, so it is cleaned (attach, KILL_JOB) before this export starts"
                ));
                let mut log = client_log.as_os_str().to_os_string();
                log.push(format!(".{}", job.job));
                let cleanup = clean_up(ctx, db, program, &name, Path::new(&log), display);
                let cleanup = verify_gone(ctx, db, &name, cleanup);
                let (action, detail) = match &cleanup {
                    Cleanup::Killed => ("cleaned", "attached and killed; Data Pump dropped its master table and its incomplete dump files".to_string()),
                    Cleanup::NothingLeft => ("cleaned", "it no longer existed (ORA-31626)".to_string()),
                    Cleanup::Failed(why) => ("clean_failed", format!("could not be cleaned ({why}); {}", by_hand(&name, db))),
                    Cleanup::NotNeeded => ("cleaned", String::new()),
                };
                display.note(&format!("expdp: orphan {name}: {detail}"));
                PreviousJob {
                    job: name,
                    state: job.state.clone(),
                    action: action.into(),
                    detail,
                }
            }
        };
        found.push(entry);
    }
    Ok(found)
}

fn attach_command(owner_job: &str, db: &Connection) -> String {
    format!(
        "expdp {}{} ATTACH={owner_job}",
        db.user().unwrap_or_default(),
        db.connect().map(|c| format!("@{c}")).unwrap_or_default()
    )
}

/// What was done about a job that did not complete.
#[derive(Debug, Clone, PartialEq)]
pub enum Cleanup {
    /// The job completed, or was killed by the interrupt protocol: nothing to do.
    NotNeeded,
    /// A second client attached and killed it (KILL_JOB confirmed).
    Killed,
    /// The job no longer existed (ORA-31626): Data Pump had already removed it.
    NothingLeft,
    /// The clean-up could not be confirmed; the text says why.
    Failed(String),
}

impl Cleanup {
    pub fn word(&self) -> &'static str {
        match self {
            Cleanup::NotNeeded => "not_needed",
            Cleanup::Killed => "killed",
            Cleanup::NothingLeft => "nothing_left",
            Cleanup::Failed(_) => "failed",
        }
    }
}

/// Checks in `dba_datapump_jobs` that a cleaned-up job is really gone: the database, not the
/// client's say-so, is the proof that no orphan is left. When the view cannot be read (no
/// privilege, or the run is being interrupted), the client's confirmation stands and the trace
/// says the check was skipped.
pub fn verify_gone(ctx: &HostCtx, db: &Connection, owner_job: &str, cleanup: Cleanup) -> Cleanup {
    if !matches!(cleanup, Cleanup::Killed | Cleanup::NothingLeft) || ctx.cancel.is_cancelled() {
        return cleanup;
    }
    let Some((owner, job)) = owner_job.split_once('.') else {
        return cleanup;
    };
    let oracle = super::connection::Oracle {
        connection: db.clone(),
    };
    match super::datapump_jobs::datapump_jobs(ctx, &oracle) {
        Ok(jobs) if jobs.iter().any(|j| j.owner == owner && j.job == job) => Cleanup::Failed(
            format!("{owner_job} is still listed in dba_datapump_jobs after KILL_JOB"),
        ),
        Ok(_) => cleanup,
        Err(e) => {
            tracing::info!(target: "bizscript::expdp", "could not check dba_datapump_jobs: {e}");
            cleanup
        }
    }
}

/// Attaches a second client to `owner_job` and kills it.
pub fn clean_up(
    ctx: &HostCtx,
    db: &Connection,
    program: &Path,
    owner_job: &str,
    client_log: &Path,
    display: &ProgressDisplay,
) -> Cleanup {
    // The name came from the client's own output; refuse anything that is not a plain
    // OWNER.JOB rather than write it into a parameter file.
    let plain = owner_job.split('.').count() == 2
        && owner_job
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'));
    if !plain {
        return Cleanup::Failed(format!(
            "the job name `{owner_job}` cannot be attached to safely"
        ));
    }
    display.note(&format!(
        "expdp: job {owner_job} did not complete; attaching to kill it so no orphan is left"
    ));
    let mut attach_log = client_log.as_os_str().to_os_string();
    attach_log.push(".attach");
    let mut lines = Vec::new();
    let outcome = run_client(
        ctx,
        db,
        program,
        &Zeroizing::new(parfile::render_attach(db, owner_job)),
        PathBuf::from(attach_log),
        true,
        display,
        &mut |_, raw, shown| {
            // The attached client's console is in its own client log (`.attach`); stderr with -v.
            display.detail(&format!("expdp (attach): {shown}"));
            lines.push(raw.to_string());
        },
    );
    match outcome {
        Ok(o) if o.kill == Some(KillOutcome::Killed) => Cleanup::Killed,
        Ok(_) if lines.iter().any(|l| l.contains("ORA-31626")) => Cleanup::NothingLeft,
        Ok(o) => Cleanup::Failed(match o.kill {
            Some(KillOutcome::Unconfirmed { reason }) => reason,
            Some(KillOutcome::Forced) => "interrupted twice".to_string(),
            _ => format!("the attached client ended with {:?}", o.code),
        }),
        Err(e) => Cleanup::Failed(e.to_string()),
    }
}

/// The message and hint for an interrupted export: what was done, and if the kill could not be
/// confirmed, exactly how to finish the clean-up by hand.
pub fn interrupted_message(
    kill: &KillOutcome,
    cleanup: &Cleanup,
    owner_job: &str,
    db: &Connection,
) -> (String, String) {
    let done = format!(
        "job {owner_job} was killed; Data Pump dropped its master table and deleted its dump files, and kept the log"
    );
    match (kill, cleanup) {
        (KillOutcome::Killed, _) => (
            format!("expdp interrupted: {done} (KILL_JOB confirmed)"),
            String::new(),
        ),
        (_, Cleanup::Killed) => (
            format!("expdp interrupted: {done} (through a second client attached to it)"),
            String::new(),
        ),
        (_, Cleanup::NothingLeft) => (
            format!("expdp interrupted: job {owner_job} no longer exists in the database (ORA-31626), nothing is left to clean"),
            String::new(),
        ),
        (KillOutcome::Unconfirmed { reason }, _) => (
            format!("expdp interrupted: could not confirm that job {owner_job} was killed ({reason}); it may still run or be left NOT RUNNING in the database"),
            by_hand(owner_job, db),
        ),
        (KillOutcome::Forced, _) => (
            format!("expdp interrupted twice: the client was killed without waiting; job {owner_job} may still run or be left NOT RUNNING in the database"),
            by_hand(owner_job, db),
        ),
    }
}

/// How a DBA finishes the clean-up by hand.
pub fn by_hand(owner_job: &str, db: &Connection) -> String {
    let attach = attach_command(owner_job, db);
    format!(
        "attach with `{attach}`, type KILL_JOB and answer yes; or run datapump_jobs(db) and cleanup_job(db, owner, job) for an orphan left NOT RUNNING; the next bizscript export cleans a NOT RUNNING orphan of its own by itself (previous_jobs: \"clean\")"
    )
}

/// `CODE: message` of a primitive's error, for a note.
fn error_text(e: &EvalAltResult) -> String {
    match e {
        EvalAltResult::ErrorRuntime(payload, _) => super::errors::parts(payload)
            .map(|(code, message, _)| format!("{code}: {message}"))
            .unwrap_or_else(|| payload.to_string()),
        other => other.to_string(),
    }
}
