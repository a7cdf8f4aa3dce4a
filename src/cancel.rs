//! Cancellation: Ctrl-C and SIGTERM set a shared flag that script loops and long-running
//! primitives poll. The first interrupt asks for a clean stop; the second forces.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A cloneable handle on the run's interrupt counter.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    interrupts: Arc<AtomicUsize>,
}

impl Cancel {
    /// A fresh, untriggered flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one interrupt (called from the signal handler).
    pub fn interrupt(&self) {
        self.interrupts.fetch_add(1, Ordering::SeqCst);
    }

    /// True once any interrupt arrived: stop cleanly.
    pub fn is_cancelled(&self) -> bool {
        self.interrupts.load(Ordering::SeqCst) > 0
    }

    /// True after a second interrupt: stop now, skip the clean-up that waits.
    pub fn is_forced(&self) -> bool {
        self.interrupts.load(Ordering::SeqCst) > 1
    }

    /// How many interrupts arrived.
    pub fn interrupts(&self) -> usize {
        self.interrupts.load(Ordering::SeqCst)
    }

    /// Clears the flag (the REPL does this after returning to its prompt).
    pub fn reset(&self) {
        self.interrupts.store(0, Ordering::SeqCst);
    }
}

/// The clean-up of the last resort: what must not outlive bizscript even when it leaves at once
/// (the third interrupt), where no destructor runs.
///
/// The lower layers register what they create while it exists: private parameter files (which
/// hold the password), running clients (their process groups), client-log transcripts still
/// under their temporary name, the Data Pump job being driven. [`last_resort::leave`] removes the
/// parameter files, kills the clients' process groups, gives the transcripts their final name,
/// writes the report (naming the job and what was left), says the same on stderr, and exits.
/// It runs on the signal-handling thread (the `ctrlc` crate calls handlers on a thread of its
/// own, not in signal context), so it may lock, allocate and write files.
pub mod last_resort {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, MutexGuard};

    /// A Data Pump job bizscript is driving, as the report and the hint name it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct JobNote {
        /// `OWNER.JOB`.
        pub name: String,
        /// How a DBA attaches to it, kills it, or lets bizscript clean it.
        pub hint: String,
    }

    #[derive(Default)]
    struct State {
        temporaries: Vec<PathBuf>,
        parfile_dirs: Vec<PathBuf>,
        clients: Vec<u32>,
        transcripts: Vec<(PathBuf, PathBuf)>,
        job: Option<JobNote>,
        report: Option<PathBuf>,
    }

    static STATE: Mutex<Option<State>> = Mutex::new(None);

    fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
        let mut guard: MutexGuard<'_, Option<State>> = STATE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(guard.get_or_insert_with(State::default))
    }

    /// A temporary file or folder (an archive's `.partial`, a manifest's temporary, a temporary
    /// simulated home) that a forced exit must remove, as its owner's `Drop` would have.
    pub fn remove_on_forced_exit(path: &Path) {
        with(|s| s.temporaries.push(path.to_path_buf()));
    }

    /// The temporary at `path` was renamed or removed by its owner: nothing left to do.
    pub fn forget(path: &Path) {
        with(|s| s.temporaries.retain(|p| p != path));
    }

    /// A private parameter folder now exists.
    pub fn parfile_created(dir: &Path) {
        with(|s| s.parfile_dirs.push(dir.to_path_buf()));
    }

    /// A private parameter folder was removed.
    pub fn parfile_removed(dir: &Path) {
        with(|s| s.parfile_dirs.retain(|d| d != dir));
    }

    /// A child runs in its own process group `group` (a forced exit kills the group).
    pub fn child_started(group: u32) {
        with(|s| s.clients.push(group));
    }

    /// A client runs in process group `group`; its transcript is at `partial` until renamed to
    /// `client_log`.
    pub fn client_started(group: u32, partial: &Path, client_log: &Path) {
        with(|s| {
            s.clients.push(group);
            s.transcripts
                .push((partial.to_path_buf(), client_log.to_path_buf()));
        });
    }

    /// The client of process group `group` has exited.
    pub fn client_ended(group: u32) {
        with(|s| s.clients.retain(|g| *g != group));
    }

    /// The transcript at `partial` has its final name.
    pub fn client_log_done(partial: &Path) {
        with(|s| s.transcripts.retain(|(p, _)| p != partial));
    }

    /// bizscript is driving `job`.
    pub fn job_running(job: JobNote) {
        with(|s| s.job = Some(job));
    }

    /// The job completed, or is known to be gone.
    pub fn job_done() {
        with(|s| s.job = None);
    }

    /// The job bizscript drives, if any.
    pub fn current_job() -> Option<JobNote> {
        with(|s| s.job.clone())
    }

    /// Where the run's report goes (`--report`).
    pub fn report_to(path: Option<PathBuf>) {
        with(|s| s.report = path);
    }

    /// What the clean-up did and what it could not undo.
    #[derive(Debug, Default, Clone)]
    pub struct Summary {
        pub done: Vec<String>,
        pub left: Vec<String>,
        pub job: Option<JobNote>,
    }

    /// Carries out the clean-up (idempotent) and returns what it did.
    pub fn clean_up() -> Summary {
        let (temporaries, dirs, clients, transcripts, job) = with(|s| {
            (
                std::mem::take(&mut s.temporaries),
                std::mem::take(&mut s.parfile_dirs),
                std::mem::take(&mut s.clients),
                std::mem::take(&mut s.transcripts),
                s.job.clone(),
            )
        });
        let mut summary = Summary {
            job: job.clone(),
            ..Summary::default()
        };
        for group in clients {
            kill_group(group);
            summary
                .done
                .push(format!("killed the client's process group {group}"));
        }
        for dir in dirs {
            match std::fs::remove_dir_all(&dir) {
                Ok(()) => summary.done.push(format!(
                    "removed the private parameter file in {}",
                    dir.display()
                )),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => summary.left.push(format!(
                    "the private parameter folder {} (mode 0700) could not be removed: {e}; delete it by hand",
                    dir.display()
                )),
            }
        }
        for path in temporaries {
            let removed = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path).is_ok(),
                Ok(_) => std::fs::remove_file(&path).is_ok(),
                Err(_) => false,
            };
            if removed {
                summary
                    .done
                    .push(format!("removed the temporary {}", path.display()));
            }
        }
        for (partial, log) in transcripts {
            if std::fs::rename(&partial, &log).is_ok() {
                summary
                    .done
                    .push(format!("kept the client's transcript as {}", log.display()));
            }
        }
        if let Some(job) = job {
            summary.left.push(format!(
                "Data Pump job {} may still exist in the database (running on the server, or NOT RUNNING with its master table and an incomplete dump)",
                job.name
            ));
        }
        summary
    }

    /// The report of a run that left at once: failed, interrupted, forced, the job and what was
    /// left.
    pub fn report(summary: &Summary, code: u8) -> serde_json::Value {
        serde_json::json!({
            "verdict": "failed",
            "interrupted": true,
            "forced": true,
            "exit_code": code,
            "job": summary.job.as_ref().map(|j| j.name.clone()),
            "cleaned": summary.done,
            "left": summary.left,
            "hint": summary.job.as_ref().map(|j| j.hint.clone()),
        })
    }

    /// Cleans up, says what was left (stderr and the report), and exits with `code`.
    pub fn leave(code: u8) -> ! {
        let summary = clean_up();
        eprintln!("bizscript: leaving at once");
        for line in &summary.done {
            eprintln!("bizscript:   {line}");
        }
        for line in &summary.left {
            eprintln!("bizscript:   left: {line}");
        }
        if let Some(job) = &summary.job {
            eprintln!("bizscript:   to clean up: {}", job.hint);
        }
        if let Some(path) = with(|s| s.report.clone()) {
            if let Err(e) = crate::fsutil::write_json_atomically(&path, &report(&summary, code)) {
                eprintln!("bizscript: cannot write the report {}: {e}", path.display());
            }
        }
        std::process::exit(i32::from(code))
    }

    #[cfg(unix)]
    fn kill_group(group: u32) {
        if let Ok(pid) = i32::try_from(group) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }

    #[cfg(not(unix))]
    fn kill_group(_group: u32) {}
}
