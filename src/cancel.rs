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
