//! One step's feedback on stderr (stdout belongs to the script's `print`).

use crate::host::context::HostCtx;
use std::time::Duration;

/// One step's feedback on stderr: a spinner while it runs on a terminal; its summary is a detail.
/// stdout belongs to the script's `print`.
pub struct Step {
    bar: Option<indicatif::ProgressBar>,
}

impl Step {
    /// Starts a step described by `what` (shown only on a terminal, while it runs).
    pub fn start(ctx: &HostCtx, what: &str) -> Self {
        // At debug: -v shows the step's lines themselves, -vv these events as well.
        tracing::debug!(step = what, "started");
        // The step the script announced gives way to the primitive's own live line.
        let announced = crate::primitives::console::take_announcement();
        let bar = (ctx.interactive && crate::primitives::console::quiet() == 0).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message(match announced {
                Some(a) => format!("{a}: {what}"),
                None => what.to_string(),
            });
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        Self { bar }
    }

    /// Runs `f` (a question on the terminal) with the spinner out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Ends the step with its summary: a detail (stderr with `-v`, the run log), since the
    /// script's own step line says how the step ended; printing both said everything twice.
    pub fn finish(self, summary: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        crate::primitives::console::detail(summary);
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        // A step that failed still clears its spinner.
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
