//! Ctrl-C for the Data Pump clients: the first SIGINT asks the running job loop to enter
//! interactive-command mode; the loop polls [`interrupted`] between lines and during pauses.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static IN_INTERACTIVE: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT handler (SIGTERM keeps its default: the client dies, as the real one).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if IN_INTERACTIVE.load(Ordering::SeqCst) {
            // A second Ctrl-C forces the client out; the job is left behind, as after SIGTERM.
            std::process::exit(1);
        }
        INTERRUPTED.store(true, Ordering::SeqCst);
    });
}

/// Whether a SIGINT arrived since the last [`clear`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Acknowledges the interrupt (the client is now in interactive mode).
pub fn clear() {
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// Marks whether the client is in interactive-command mode (where Ctrl-C forces an exit).
pub fn set_interactive(on: bool) {
    IN_INTERACTIVE.store(on, Ordering::SeqCst);
}

/// Sleeps `ms` milliseconds, returning early (true) when interrupted.
pub fn pause(ms: u64) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    while std::time::Instant::now() < deadline {
        if interrupted() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    interrupted()
}
