//! `now_utc`, `timestamp_tag`, `run_tag` and `export_job_name`: wall-clock times and per-run
//! names for files, jobs and manifests.

use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
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

pub const RUN_TAG: PrimitiveDoc = PrimitiveDoc {
    name: "run_tag",
    signature: "run_tag() -> string",
    summary: "A tag unique to this run: the UTC time as `YYYYMMDD_HHMMSS` and four random characters (`20261124_010203_K7Q2`), so two runs in the same second (two hosts, two connect strings for one database, a retry) never share a dump, log, job, archive or manifest name. Safe in file names and Oracle identifiers; sorting the tags sorts by time to the second.",
    example: r#"let tag = run_tag();
let dumpfile = `BIZAGI_${tag}.dmp`;
print(`${dumpfile}, job ${export_job_name(tag)}`);"#,
};

pub const EXPORT_JOB_NAME: PrimitiveDoc = PrimitiveDoc {
    name: "export_job_name",
    signature: "export_job_name(tag: string) -> string",
    summary: "The Data Pump job name for a `run_tag()`: `BIZSCRIPT_EXP_` and the tag's time and suffix (`BIZSCRIPT_EXP_261124010203K7Q2`), 30 bytes, so it is a valid identifier on every release (30 bytes before 12.2, 128 after) and recognisable in dba_datapump_jobs. Refuses anything that is not a run tag (BZ-USAGE).",
    example: r#"print(export_job_name("20261124_010203_K7Q2"));"#,
};

/// Four characters of `A-Z0-9` that differ between runs started in the same second: hashed from
/// the process id, the time to the nanosecond and the standard library's per-process random
/// hash keys (seeded by the operating system), so neither two processes on one host nor two
/// hosts share them except by a one-in-1.7-million chance.
fn run_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    let mut n = hasher.finish();
    const DIGITS: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..4)
        .map(|_| {
            let c = DIGITS[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}

/// `YYYYMMDD_HHMMSS_XXXX` for `now`.
fn run_tag_at(now: chrono::DateTime<chrono::Utc>) -> String {
    format!("{}_{}", now.format("%Y%m%d_%H%M%S"), run_suffix())
}

/// Registers the clock functions.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    registration(&NOW_UTC).register_into_engine(engine, || {
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
    });
    registration(&TIMESTAMP_TAG).register_into_engine(engine, || {
        chrono::Utc::now().format("%Y%m%d_%H%M%S").to_string()
    });
    registration(&RUN_TAG).register_into_engine(engine, || run_tag_at(chrono::Utc::now()));
    registration(&EXPORT_JOB_NAME).register_into_engine(
        engine,
        |tag: &str| -> Result<String, Box<rhai::EvalAltResult>> {
            crate::oracle::job_name::export_job_name(tag).ok_or_else(|| {
                super::errors::script_error(
                    "BZ-USAGE",
                    format!("export_job_name: `{tag}` is not a run tag (YYYYMMDD_HHMMSS_XXXX)"),
                    "pass the value of run_tag()",
                )
            })
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_tags_sort_by_time_and_differ_within_one_second() {
        let now = chrono::Utc::now();
        let tags: std::collections::BTreeSet<String> = (0..50).map(|_| run_tag_at(now)).collect();
        assert!(tags.len() >= 49, "{tags:?}");
        for tag in &tags {
            assert_eq!(tag.len(), 20);
            assert!(
                crate::oracle::job_name::export_job_name(tag).is_some(),
                "{tag}"
            );
        }
        let later = run_tag_at(now + chrono::Duration::seconds(1));
        assert!(tags.iter().all(|t| t < &later));
    }
}
