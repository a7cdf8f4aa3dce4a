//! `now_utc` and `timestamp_tag`: wall-clock times for file names, job names and manifests.

use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use rhai::Engine;
use std::sync::Arc;

pub const NOW_UTC: PrimitiveDoc = PrimitiveDoc {
    name: "now_utc",
    signature: "now_utc() -> string",
    summary:
        "The current time in UTC as RFC 3339 (`2026-11-24T01:02:03Z`), for manifests and reports.",
    example: r#"let started = now_utc();
print(started);"#,
};

pub const TIMESTAMP_TAG: PrimitiveDoc = PrimitiveDoc {
    name: "timestamp_tag",
    signature: "timestamp_tag() -> string",
    summary: "The current UTC time as `YYYYMMDD_HHMMSS`, safe in file names and Oracle identifiers (`BIZAGI_20261124_010203.dmp`). Sorting the tags sorts by time.",
    example: r#"let dumpfile = `BIZAGI_${timestamp_tag()}.dmp`;
print(dumpfile);"#,
};

/// Registers the clock functions.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    registration(&NOW_UTC, &["String"]).register_into_engine(engine, || {
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
    });
    registration(&TIMESTAMP_TAG, &["String"]).register_into_engine(engine, || {
        chrono::Utc::now().format("%Y%m%d_%H%M%S").to_string()
    });
}
