//! What a DBA sees while an export runs, on stderr (stdout belongs to the script's `print`).
//!
//! On a terminal: one live line with the elapsed time, the object path being processed, and
//! tables, rows and bytes done so far; error lines are printed above it as they come. Elsewhere
//! (a cron job, a pipe): the client's lines as plain text, prefixed `expdp: `, so the run's own
//! log reads like the console would have. Both also go out as `tracing` events.

use crate::oracle::datapump::progress::{ConsoleLine, ExportProgress};
use crate::process::datapump_client::Stream;
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// The live display of one export.
pub struct ProgressDisplay {
    bar: Option<ProgressBar>,
}

impl ProgressDisplay {
    /// A bar when `interactive`, plain lines otherwise.
    pub fn new(interactive: bool, job: &str) -> Self {
        // The live line replaces the one of the step the script announced.
        let _ = crate::primitives::console::take_announcement();
        let bar = interactive.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} expdp {prefix} [{elapsed_precise}] {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_prefix(job.to_string());
            bar.set_message("starting");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self { bar }
    }

    /// Shows one console line after `progress` has taken it into account.
    pub fn line(&self, stream: Stream, text: &str, step: &ConsoleLine, progress: &ExportProgress) {
        match step {
            // At debug: with -v the console copy itself is on stderr (once); -vv adds these.
            ConsoleLine::ObjectPath => {
                tracing::debug!(target: "bizscript::expdp", object_path = progress.object_path.as_deref().unwrap_or(""), "processing");
            }
            ConsoleLine::Table { name, rows, bytes } => {
                tracing::debug!(target: "bizscript::expdp", table = %name, rows, bytes, "exported");
            }
            ConsoleLine::Error => {
                tracing::debug!(target: "bizscript::expdp", error = true, "{text}")
            }
            ConsoleLine::Finished => tracing::debug!(target: "bizscript::expdp", "{text}"),
            _ => tracing::trace!(target: "bizscript::expdp", ?stream, "{text}"),
        }
        match &self.bar {
            Some(bar) => {
                if matches!(step, ConsoleLine::Error | ConsoleLine::Finished)
                    || stream == Stream::Stderr
                {
                    bar.println(text);
                }
                bar.set_message(format!(
                    "{} | {} tables, {} rows, {}",
                    progress.object_path.as_deref().unwrap_or("starting"),
                    progress.tables,
                    progress.rows,
                    HumanBytes(progress.bytes)
                ));
            }
            // Off a terminal the copy is the client log's (and stderr's only with -v).
            None => crate::primitives::console::detail(&format!("expdp: {text}")),
        }
    }

    /// Says something outside the client's own output (interrupt handling, the summary).
    pub fn note(&self, text: &str) {
        tracing::info!(target: "bizscript::expdp", "{text}");
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Says a detail (the command being run): above the live line, or on stderr with `-v`.
    pub fn detail(&self, text: &str) {
        match &self.bar {
            Some(bar) if crate::primitives::console::verbose() > 0 => bar.println(text),
            Some(_) => {}
            None => crate::primitives::console::detail(text),
        }
    }

    /// Removes the live line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
