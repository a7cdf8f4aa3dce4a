//! What `expdp` does about a job that did not complete: a client crash, a fatal error, or an
//! interrupt whose KILL_JOB could not be confirmed all leave the job in the database, running or
//! NOT RUNNING with its master table (oracle-facts §3.2-3.3). A second client attaches
//! (`ATTACH=OWNER.JOB`) and kills it, the database is asked whether it is really gone, and when
//! anything is uncertain the DBA is told exactly how to finish by hand.

use super::expdp::run_client;
use super::expdp_progress::ProgressDisplay;
use crate::host::context::HostCtx;
use crate::oracle::connection::Connection;
use crate::oracle::parfile;
use crate::process::datapump_client::KillOutcome;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

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
        &mut |_, line| {
            display.note(&format!("expdp (attach): {line}"));
            lines.push(line.to_string());
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
    let attach = format!(
        "expdp {}{} ATTACH={owner_job}",
        db.user().unwrap_or_default(),
        db.connect().map(|c| format!("@{c}")).unwrap_or_default()
    );
    format!(
        "attach with `{attach}`, type KILL_JOB and answer yes; or run datapump_jobs(db) and cleanup_job(db, owner, job) for an orphan left NOT RUNNING"
    )
}
