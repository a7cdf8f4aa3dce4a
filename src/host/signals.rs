//! Ctrl-C, SIGTERM and SIGHUP: the first asks for a clean stop (script loops end, a running
//! expdp job is killed through the client and its parameter file removed); the second forces
//! (children are killed without waiting, the job is named with how to clean it up); a third
//! leaves at once with 130, after the last-resort clean-up ([`crate::cancel::last_resort`]:
//! parameter files removed, clients' process groups killed, the report written naming the job).
//!
//! Also, at the start of every run ([`install`]):
//! * an inherited *ignored* SIGHUP (`nohup`, some schedulers) stays ignored, so a dropped SSH
//!   session does not kill a long export; a SIGHUP that was not ignored means "interrupt";
//! * core dumps are off (RLIMIT_CORE 0, not dumpable: no core file, no ptrace by the same
//!   account), since the process holds a password for most of the run;
//! * private parameter folders left by runs that died without cleaning up (SIGKILL, the OOM
//!   killer) are removed, and the run says so.

use crate::cancel::Cancel;

/// Installs the handler that feeds `cancel`, turns core dumps off and sweeps stale parameter
/// folders. Fails only if a handler was installed before.
pub fn install(cancel: &Cancel) -> Result<(), ctrlc::Error> {
    no_core_dumps();
    sweep_stale_parfiles();
    let hangup_ignored = hangup_was_ignored();
    let handler_cancel = cancel.clone();
    ctrlc::set_handler(move || {
        handler_cancel.interrupt();
        let count = handler_cancel.interrupts();
        if count >= 3 {
            crate::cancel::last_resort::leave(130);
        }
        if handler_cancel.is_forced() {
            eprintln!("bizscript: interrupt again to leave at once");
        } else if handler_cancel.is_cancelled() {
            eprintln!("bizscript: interrupted, stopping cleanly (interrupt again to force)");
        }
    })?;
    which::record_each(hangup_ignored);
    if hangup_ignored {
        keep_hangup_ignored();
    }
    Ok(())
}

/// The signal that interrupted the run, as the console and the report name it (`SIGHUP`,
/// `SIGTERM`, `Ctrl-C (SIGINT)`); None when none came (or none could be told apart).
pub fn interrupted_by() -> Option<&'static str> {
    which::first()
}

/// Which signal came first. ctrlc's handler is the same for SIGINT, SIGTERM and SIGHUP and does
/// not say which one it saw, so each is routed through [`which::record`], which notes the first
/// signal's number (an atomic store, async-signal-safe) and then calls ctrlc's handler.
#[cfg(unix)]
mod which {
    use nix::libc::c_int;
    use nix::sys::signal::{sigaction, SigAction, SigHandler, Signal};
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::OnceLock;

    static FIRST: AtomicI32 = AtomicI32::new(0);
    /// ctrlc's handler (one function for all three signals).
    static CHAINED: OnceLock<extern "C" fn(c_int)> = OnceLock::new();

    extern "C" fn record(signal: c_int) {
        let _ = FIRST.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
        if let Some(chained) = CHAINED.get() {
            chained(signal);
        }
    }

    /// Puts [`record`] in front of ctrlc's handler for each signal it handles (SIGHUP only when
    /// it was not ignored: under nohup it stays ignored). A signal whose handler is not ctrlc's
    /// is left as it was.
    pub fn record_each(hangup_ignored: bool) {
        let mut signals = vec![Signal::SIGINT, Signal::SIGTERM];
        if !hangup_ignored {
            signals.push(Signal::SIGHUP);
        }
        for signal in signals {
            // SAFETY: `record` only does an atomic compare-exchange and calls ctrlc's own
            // handler, both async-signal-safe; the previous action is put back when it is not
            // a handler function (nothing to chain to).
            unsafe {
                let probe = SigAction::new(
                    SigHandler::Handler(record),
                    nix::sys::signal::SaFlags::SA_RESTART,
                    nix::sys::signal::SigSet::empty(),
                );
                let Ok(previous) = sigaction(signal, &probe) else {
                    continue;
                };
                match previous.handler() {
                    SigHandler::Handler(f) => {
                        // ctrlc installs one handler function for all three signals.
                        let _ = CHAINED.set(f);
                        // The same flags and mask ctrlc asked for.
                        let action = SigAction::new(
                            SigHandler::Handler(record),
                            previous.flags(),
                            previous.mask(),
                        );
                        let _ = sigaction(signal, &action);
                    }
                    _ => {
                        let _ = sigaction(signal, &previous);
                    }
                }
            }
        }
    }

    pub fn first() -> Option<&'static str> {
        match FIRST.load(Ordering::SeqCst) {
            0 => None,
            n if n == Signal::SIGHUP as c_int => Some("SIGHUP"),
            n if n == Signal::SIGTERM as c_int => Some("SIGTERM"),
            n if n == Signal::SIGINT as c_int => Some("Ctrl-C (SIGINT)"),
            _ => None,
        }
    }
}

#[cfg(not(unix))]
mod which {
    pub fn record_each(_hangup_ignored: bool) {}

    /// On Windows ctrlc handles Ctrl-C (and Ctrl-Break) only.
    pub fn first() -> Option<&'static str> {
        None
    }
}

/// Whether SIGHUP was ignored when bizscript started (set by nohup and inherited across exec).
#[cfg(unix)]
fn hangup_was_ignored() -> bool {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // Reading a disposition means setting one: set "ignore", look at what was there, and put
    // back anything else (ctrlc replaces it right after anyway).
    // SAFETY: SIG_IGN and SIG_DFL install no handler code; nothing else runs signal-related code
    // at this point of start-up.
    unsafe {
        match signal(Signal::SIGHUP, SigHandler::SigIgn) {
            Ok(SigHandler::SigIgn) => true,
            Ok(previous) => {
                let _ = signal(Signal::SIGHUP, previous);
                false
            }
            Err(_) => false,
        }
    }
}

#[cfg(not(unix))]
fn hangup_was_ignored() -> bool {
    false
}

#[cfg(unix)]
fn keep_hangup_ignored() {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // SAFETY: SIG_IGN installs no handler code.
    if unsafe { signal(Signal::SIGHUP, SigHandler::SigIgn) }.is_err() {
        eprintln!(
            "bizscript: could not keep SIGHUP ignored (nohup); a hang-up will interrupt the run"
        );
    } else {
        tracing::debug!("SIGHUP was ignored when bizscript started (nohup): it stays ignored");
    }
}

#[cfg(not(unix))]
fn keep_hangup_ignored() {}

/// No core file may hold the password: RLIMIT_CORE 0 and not dumpable (which also keeps other
/// processes of the same account from attaching with ptrace or reading /proc/<pid>/mem).
fn no_core_dumps() {
    #[cfg(unix)]
    {
        use nix::sys::resource::{setrlimit, Resource};
        if let Err(e) = setrlimit(Resource::RLIMIT_CORE, 0, 0) {
            tracing::warn!("cannot turn core dumps off (RLIMIT_CORE): {e}");
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = nix::sys::prctl::set_dumpable(false) {
        tracing::warn!("cannot make the process non-dumpable: {e}");
    }
}

/// Removes the private parameter folders of runs whose process is gone, saying so.
fn sweep_stale_parfiles() {
    for stale in crate::process::private_parfile::sweep_stale() {
        match &stale.error {
            None => eprintln!(
                "bizscript: removed a private parameter file left in {} by bizscript process {}, which is no longer running",
                stale.folder.display(),
                stale.pid
            ),
            Some(e) => eprintln!(
                "bizscript: a private parameter file left in {} by bizscript process {} (no longer running) could not be removed: {e}; delete it by hand",
                stale.folder.display(),
                stale.pid
            ),
        }
    }
}
