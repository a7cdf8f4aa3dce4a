//! Ctrl-C, SIGTERM and SIGHUP: the first asks for a clean stop (script loops end, a running
//! expdp job is killed through the client and its parameter file removed); the second forces
//! (children are killed without waiting); a third leaves at once with 130.

use crate::cancel::Cancel;

/// Installs the handler that feeds `cancel`. Fails only if a handler was installed before.
pub fn install(cancel: &Cancel) -> Result<(), ctrlc::Error> {
    let cancel = cancel.clone();
    ctrlc::set_handler(move || {
        cancel.interrupt();
        if cancel.is_forced() {
            eprintln!("bizscript: interrupt again to leave at once");
        } else if cancel.is_cancelled() {
            eprintln!("bizscript: interrupted, stopping cleanly (interrupt again to force)");
        }
        if cancel.interrupts() >= 3 {
            std::process::exit(130);
        }
    })
}
