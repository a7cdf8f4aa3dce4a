//! `run_info` and `set_report`: what a script knows about its run, and how it hands back its
//! report.

use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, Map};
use std::sync::Arc;

pub const RUN_INFO: PrimitiveDoc = PrimitiveDoc {
    name: "run_info",
    signature: "run_info() -> Map",
    summary: "Describes the run: `#{ version, dry_run, simulate, scenario, oracle_home, assume_yes }`. `simulate` is true under `--simulate`, so a script can give every parameter a working default for a demonstration run; `scenario` names the simulated scenario (or `()`).",
    example: r#"let info = run_info();
print(`bizscript ${info.version}, dry run: ${info.dry_run}`);"#,
};

pub const SET_REPORT: PrimitiveDoc = PrimitiveDoc {
    name: "set_report",
    signature: "set_report(report: Map)",
    summary: "Sets the run's report (written by `--report FILE` as JSON) and, through its `verdict` (`ok`, `review` or `failed`), the exit code (0, 3 or 1). A script can also simply return the map as its last value; `set_report` is for scripts that go on after deciding. Secrets in the map are written as `***`.",
    example: r#"set_report(#{ verdict: "ok", steps: [] });"#,
};

/// Registers `run_info` and `set_report`.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let info_ctx = ctx.clone();
    registration(&RUN_INFO).register_into_engine(engine, move || {
        let mut map = Map::new();
        map.insert("version".into(), Dynamic::from(env!("CARGO_PKG_VERSION")));
        map.insert("dry_run".into(), Dynamic::from(info_ctx.dry_run()));
        map.insert("assume_yes".into(), Dynamic::from(info_ctx.assume_yes));
        map.insert(
            "simulate".into(),
            Dynamic::from(info_ctx.simulation.is_some()),
        );
        map.insert(
            "scenario".into(),
            info_ctx
                .simulation
                .as_ref()
                .map(|s| Dynamic::from(s.scenario.clone()))
                .unwrap_or(Dynamic::UNIT),
        );
        map.insert(
            "oracle_home".into(),
            info_ctx
                .env
                .oracle_home()
                .map(|h| Dynamic::from(h.display().to_string()))
                .unwrap_or(Dynamic::UNIT),
        );
        map
    });
    let report_ctx = ctx.clone();
    registration(&SET_REPORT).register_into_engine(engine, move |report: Map| {
        if let Ok(mut slot) = report_ctx.report.lock() {
            *slot = Some(report);
        }
    });
}
