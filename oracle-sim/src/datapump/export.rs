//! The plan of an export job, shaped like a 19c log: Starting, object paths, row lines, master
//! table, dump file set; plus what each scenario adds.

use super::job::JobSpec;
use super::output::{human_size, row_line};
use super::plan::{Outcome, Plan, Step};
use crate::scenario::Scenario;
use crate::seed::SCHEMA_OBJECT_PATHS;

/// Builds the export plan.
pub fn plan(spec: &JobSpec) -> Plan {
    let mut p = Plan::default();
    let prefix = match spec.mode.as_str() {
        "FULL" => "DATABASE_EXPORT/SCHEMA",
        "TABLE" => "TABLE_EXPORT",
        _ => "SCHEMA_EXPORT",
    };
    let path = |rel: &str| {
        let rel = rel.trim_start_matches("SCHEMA_EXPORT/");
        format!("{prefix}/{rel}")
    };
    let slow = spec.scenario == Scenario::Slow;
    p.line(format!("Starting {}:  {}", spec.qualified(), spec.starting));
    p.metric("Startup took 0 seconds".to_string());
    let mut errors = 0u32;

    if spec.estimate_only {
        p.worker("Estimate in progress using BLOCKS method...");
        p.worker(format!(
            "Processing object type {}",
            path("SCHEMA_EXPORT/TABLE/TABLE_DATA")
        ));
        let mut total = 0;
        for (owner, table, _, bytes) in &spec.tables {
            let est = bytes.div_ceil(65536) * 65536;
            total += est;
            let (size, unit) = human_size(est);
            p.worker(format!(
                ".  estimated \"{owner}\".\"{table}\"{:>30} {unit}",
                size
            ));
        }
        let (size, unit) = human_size(total);
        p.worker(format!(
            "Total estimation using BLOCKS method: {size} {unit}"
        ));
        p.outcome = Some(Outcome::Success);
        return p;
    }

    p.steps.push(Step::WriteDump {
        fraction: (spec.scenario == Scenario::DiskFull).then_some((2, 5)),
    });

    let data = spec.content != "METADATA_ONLY";
    let metadata = spec.content != "DATA_ONLY";
    let table_mode = spec.mode == "TABLE";
    for (rel, count) in SCHEMA_OBJECT_PATHS {
        let is_data = rel.ends_with("TABLE_DATA");
        if (is_data && !data) || (!is_data && !metadata) {
            continue;
        }
        if table_mode && !rel.contains("/TABLE/") {
            continue;
        }
        if spec.tables.is_empty() && rel.contains("/TABLE/") {
            continue;
        }
        if slow {
            p.steps.push(Step::Pause(pause_ms(spec)));
        }
        let count = if *rel == "SCHEMA_EXPORT/TABLE/TABLE" {
            spec.tables.len() as u32
        } else {
            *count
        };
        p.object_path(&path(rel), if is_data { 0 } else { count });
        if spec.scenario == Scenario::Warnings && rel.ends_with("PROCACT_SCHEMA") {
            p.line("ORA-39127: unexpected error from call to export_string :=SYS.DBMS_AQ_SYS_EXP_ACTIONS.schema_info_exp('BIZAGI',0,1,'19.00.00.00.00',newblock)");
            p.line("ORA-04063: package body \"SYS.DBMS_AQ_SYS_EXP_INTERNAL\" has errors");
            p.line("ORA-06508: PL/SQL: could not find program unit being called: \"SYS.DBMS_AQ_SYS_EXP_INTERNAL\"");
            p.line("ORA-06512: at \"SYS.DBMS_AQ_SYS_EXP_ACTIONS\", line 255");
            p.line("ORA-06512: at line 1");
            p.line("ORA-06512: at \"SYS.DBMS_METADATA\", line 11096");
            p.line("");
            errors += 1;
        }
        if spec.scenario == Scenario::Fatal && rel.ends_with("TABLE/TABLE") {
            let (owner, table) = spec
                .tables
                .first()
                .map(|(o, t, _, _)| (o.as_str(), t.as_str()))
                .unwrap_or(("BIZAGI", "WFCASE"));
            p.line(format!("ORA-39126: Worker unexpected fatal error in KUPW$WORKER.UNLOAD_METADATA [TABLE:\"{owner}\".\"{table}\"]"));
            p.line("ORA-06502: PL/SQL: numeric or value error");
            p.line("ORA-06512: at \"SYS.DBMS_SYS_ERROR\", line 105");
            p.line("ORA-06512: at \"SYS.KUPW$WORKER\", line 12630");
            p.line("ORA-06512: at \"SYS.KUPW$WORKER\", line 2373");
            p.line("ORA-06512: at line 2");
            p.line("");
            p.outcome = Some(Outcome::Fatal);
            return p;
        }
    }

    if data {
        let crash_at = spec.tables.len() / 2;
        // FILESIZE without %U: the table whose data no longer fits stops the job.
        let capacity = spec.filesize.unwrap_or(0) * spec.dump_paths.len() as u64;
        let mut written = 0u64;
        let full_at = spec.tables.len() * 2 / 5;
        for (i, (owner, table, rows, bytes)) in spec.tables.iter().enumerate() {
            if spec.scenario == Scenario::Crash && i == crash_at {
                p.steps.push(Step::Crash);
            }
            if spec.scenario == Scenario::DiskFull && i == full_at {
                p.line(format!("ORA-31693: Table data object \"{owner}\".\"{table}\" failed to load/unload and is being skipped due to error:"));
                p.line("ORA-02354: error in exporting/importing data");
                p.line(
                    "ORA-31643: unable to close dump file \"".to_string()
                        + spec.dump_paths.first().map(String::as_str).unwrap_or("")
                        + "\"",
                );
                p.line("ORA-27072: File I/O error");
                p.line("Linux-x86_64 Error: 28: No space left on device");
                p.line("Additional information: 4");
                p.line("Additional information: 1040");
                p.line("");
                p.line("ORA-39097: Data Pump job encountered unexpected error -27072");
                p.outcome = Some(Outcome::Fatal);
                return p;
            }
            written += bytes;
            if spec.dump_exhausted && written > capacity {
                p.line(
                    "ORA-39095: Dump file space has been exhausted: Unable to allocate 8192 bytes",
                );
                p.outcome = Some(Outcome::Fatal);
                return p;
            }
            if slow && i == 0 {
                // The slow job's largest table is partitioned by month: one line per partition
                // gives a line about every half second.
                for (n, part) in slow_partitions().iter().enumerate() {
                    p.steps.push(Step::Pause(pause_ms(spec)));
                    let share =
                        |v: u64| v / SLOW_PARTITIONS + u64::from(n == 0) * (v % SLOW_PARTITIONS);
                    p.worker(row_line(
                        "exported",
                        owner,
                        &format!("{table}\":\"{part}"),
                        share(*bytes),
                        share(*rows),
                        spec.metrics,
                    ));
                }
                continue;
            }
            if slow {
                p.steps.push(Step::Pause(pause_ms(spec)));
            }
            p.worker(row_line(
                "exported",
                owner,
                table,
                *bytes,
                *rows,
                spec.metrics,
            ));
        }
        if !spec.tables.is_empty() {
            p.metric(format!(
                "     Completed {} {}/TABLE/TABLE_DATA objects in 0 seconds",
                spec.tables.len(),
                prefix
            ));
        }
    }
    if spec.scenario == Scenario::Warnings {
        p.line("ORA-39173: Encrypted data has been stored unencrypted in dump file set.");
    }
    for missing in &spec.missing {
        if spec.mode == "TABLE" {
            p.line(format!(
                "ORA-39166: Object {missing} was not found or could not be exported or imported."
            ));
        } else {
            p.line(format!("ORA-39165: Schema {missing} was not found."));
        }
        errors += 1;
    }
    if spec.tables.is_empty() && !spec.missing.is_empty() {
        p.line("ORA-31655: no data or metadata objects selected for job");
        errors += 1;
    }
    p.worker(format!(
        "Master table {} successfully loaded/unloaded",
        spec.qualified()
    ));
    if spec.checksum {
        p.line("Generating checksums for dump file set");
    }
    p.line("*".repeat(78));
    p.line(format!(
        "Dump file set for {}.{} is:",
        spec.owner, spec.job_name
    ));
    for f in &spec.dump_paths {
        p.line(format!("  {f}"));
    }
    p.outcome = Some(if errors > 0 {
        Outcome::Errors(errors)
    } else {
        Outcome::Success
    });
    p
}

/// How many monthly partitions the slow job's largest table has.
const SLOW_PARTITIONS: u64 = 64;

fn slow_partitions() -> Vec<String> {
    (0..SLOW_PARTITIONS)
        .map(|m| format!("P_{}_{:02}", 2021 + m / 12, m % 12 + 1))
        .collect()
}

/// In the slow scenario the job takes about a minute (`ORACLE_SIM_SLOW_SECONDS` changes that,
/// for tests that need a long job but not that long): the pause between lines is the duration
/// divided by the number of lines.
fn pause_ms(spec: &JobSpec) -> u64 {
    let lines =
        (SCHEMA_OBJECT_PATHS.len() + spec.tables.len() + SLOW_PARTITIONS as usize).max(1) as u64;
    slow_seconds() * 1000 / lines
}

/// The slow job's duration in seconds: `ORACLE_SIM_SLOW_SECONDS` (1 to 3600), else 60.
fn slow_seconds() -> u64 {
    std::env::var("ORACLE_SIM_SLOW_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| (1..=3600).contains(s))
        .unwrap_or(60)
}
