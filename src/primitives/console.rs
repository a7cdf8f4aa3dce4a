//! `say`: what a script tells the operator, on stderr, so stdout stays the script's own output.

use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use rhai::Engine;
use std::io::Write;
use std::sync::Arc;

pub const SAY: PrimitiveDoc = PrimitiveDoc {
    name: "say",
    signature: "say(text: string)",
    summary: "Writes one line for the operator to stderr (and the run log), like bizscript's own step announcements. Use `print` for the script's output (stdout, which may be piped) and `say` for progress and explanations.",
    example: r#"say("step 1/7: checking the Oracle client");"#,
};

/// Registers `say`.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    registration(&SAY).register_into_engine(engine, |text: &str| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
        tracing::info!(target: "script", "{text}");
    });
}
