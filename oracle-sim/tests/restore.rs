//! What a restore and a verify-restore need from the simulator: checksums and VERIFY_ONLY on
//! 21c, row counts, DROP USER CASCADE, dba_objects and recompilation, dba_resumable, and the
//! restore scenarios. Everything through the real binaries.

mod common;

use common::{stdout, Sim, EXPORT};
use std::process::Stdio;

fn impdp(sim: &Sim, extra: &[&str]) -> (String, Option<i32>) {
    let mut args = vec![
        "bizagiadmon/pw",
        "directory=BizAgiBackupPath",
        "dumpfile=bizagi.dmp",
        "logfile=imp.log",
    ];
    args.extend_from_slice(extra);
    let out = sim.run("impdp", &args, "");
    (stdout(&out), out.status.code())
}

/// A 21c home with a checksummed export of BIZAGI in bizagi.dmp.
fn checksummed(scenario: &str) -> Sim {
    let sim = Sim::with_args(scenario, &["--db-version", "21"]);
    let mut args = EXPORT.to_vec();
    args.push("checksum=yes");
    let out = sim.expdp(&args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Export: Release 21.0.0.0.0 - Production on "));
    assert!(
        text.contains("Generating checksums for dump file set"),
        "{text}"
    );
    sim
}

fn one(sim: &Sim, query: &str) -> String {
    let (out, code) = sim.sql("system/pw", query);
    assert_eq!(code, 0, "{out}");
    out.trim().to_string()
}

#[test]
fn verify_only_passes_on_a_sound_set_and_finds_a_flipped_byte() {
    let sim = checksummed("ok");
    let users_before = one(&sim, "SELECT COUNT(*) FROM dba_users;");
    let (out, code) = impdp(&sim, &["verify_only=yes"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Verifying dump file checksums"), "{out}");
    assert!(out.contains("dump file set is consistent"), "{out}");
    assert!(
        !out.contains(". . imported"),
        "VERIFY_ONLY imports nothing: {out}"
    );

    let dump = sim.backup_dir().join("bizagi.dmp");
    let mut bytes = std::fs::read(&dump).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&dump, bytes).unwrap();
    let (out, code) = impdp(&sim, &["verify_only=yes"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("ORA-39412: checksum error in dump file \""),
        "{out}"
    );
    assert!(!out.contains("dump file set is consistent"), "{out}");
    // VERIFY_CHECKSUM=YES on a real import refuses the set too, before importing anything.
    let (out, code) = impdp(&sim, &["verify_checksum=yes", "remap_schema=bizagi:bzv_1"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ORA-39412"), "{out}");
    assert!(!out.contains(". . imported"), "{out}");
    assert_eq!(one(&sim, "SELECT COUNT(*) FROM dba_users;"), users_before);
}

#[test]
fn corrupt_dump_scenario_fails_verify_only_and_skips_a_table_on_import() {
    let sim = checksummed("corrupt_dump");
    let (out, code) = impdp(&sim, &["verify_only=yes"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ORA-39412"), "{out}");
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bzv_1"]);
    assert_eq!(code, Some(5), "{out}");
    assert!(
        out.contains("ORA-31693: Table data object \"BZV_1\"."),
        "{out}"
    );
    assert!(out.contains("ORA-39840"), "{out}");
}

#[test]
fn verify_only_without_checksums_and_on_a_19c_client() {
    // A 21c export without CHECKSUM=YES has none: VERIFY_ONLY cannot vouch for it.
    let sim = Sim::with_args("ok", &["--db-version", "21"]);
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(0));
    assert!(!stdout(&out).contains("Generating checksums"));
    let (out, code) = impdp(&sim, &["verify_only=yes"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ORA-39411"), "{out}");
    assert!(!out.contains("consistent"), "{out}");
    // The 19c clients have no such parameters.
    let sim = Sim::new("ok");
    let (out, code) = impdp(&sim, &["verify_only=yes"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("LRM-00101: unknown parameter name 'verify_only'"),
        "{out}"
    );
}

/// Row counts from an export log: (table, rows).
fn exported_rows(log: &str) -> Vec<(String, u64)> {
    log.lines()
        .filter_map(|l| l.strip_prefix(". . exported \"BIZAGI\".\""))
        .map(|rest| {
            let (table, tail) = rest.split_once('"').unwrap();
            let n = tail
                .split_whitespace()
                .rev()
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            (table.to_string(), n)
        })
        .collect()
}

#[test]
fn count_star_after_an_import_matches_the_export_log() {
    let sim = Sim::new("ok");
    assert_eq!(sim.expdp(EXPORT).status.code(), Some(0));
    let counts = exported_rows(&sim.read(sim.backup_dir().join("bizagi.log")));
    assert!(counts.len() > 30, "{counts:?}");
    assert!(counts.iter().any(|(_, n)| *n > 1000));
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bizagi_restore"]);
    assert_eq!(code, Some(0), "{out}");
    for (table, n) in &counts {
        let got = one(
            &sim,
            &format!("SELECT COUNT(*) FROM \"BIZAGI_RESTORE\".\"{table}\";"),
        );
        assert_eq!(got, n.to_string(), "{table}");
    }
    let (table, n) = &counts[0];
    assert_eq!(
        one(
            &sim,
            &format!("SELECT TO_CHAR(COUNT(*)) FROM bizagi_restore.{table};")
        ),
        n.to_string()
    );
    // A table that is not there is ORA-00942.
    let (out, _) = sim.sql(
        "system/pw",
        "SELECT COUNT(*) FROM \"BIZAGI_RESTORE\".\"NOPE\";",
    );
    assert!(out.contains("ORA-00942"), "{out}");
}

#[test]
fn drop_user_cascade_removes_the_schema() {
    let sim = Sim::new("ok");
    assert_eq!(sim.expdp(EXPORT).status.code(), Some(0));
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bzv_20261202"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_users WHERE username = 'BZV_20261202';"
        ),
        "1"
    );
    let (out, _) = sim.sql("system/pw", "DROP USER bzv_20261202;");
    assert!(
        out.contains("ORA-01922: CASCADE must be specified to drop 'BZV_20261202'"),
        "{out}"
    );
    let (out, code) = sim.run_sql("system/pw", "DROP USER bzv_20261202 CASCADE;");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("User dropped."), "{out}");
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_users WHERE username = 'BZV_20261202';"
        ),
        "0"
    );
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_objects WHERE owner = 'BZV_20261202';"
        ),
        "0"
    );
    // The source schema is untouched.
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_tables WHERE owner = 'BIZAGI';"
        ),
        "37"
    );
    let (out, _) = sim.sql("system/pw", "DROP USER bzv_20261202 CASCADE;");
    assert!(
        out.contains("ORA-01918: user 'BZV_20261202' does not exist"),
        "{out}"
    );
    let (out, _) = sim.sql("system/pw", "DROP USER system CASCADE;");
    assert!(out.contains("ORA-01940"), "{out}");
}

#[test]
fn create_user_then_drop_it() {
    let sim = Sim::new("ok");
    let (out, code) = sim.run_sql("system/pw", "CREATE USER bzv_x IDENTIFIED BY \"S3cret\" DEFAULT TABLESPACE users QUOTA UNLIMITED ON users;");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("User created."), "{out}");
    let (out, _) = sim.sql("system/pw", "CREATE USER bzv_x IDENTIFIED BY x;");
    assert!(out.contains("ORA-01920"), "{out}");
    // The password never reaches the audit trail.
    let audit = std::fs::read_to_string(sim.home.join("audit.jsonl")).unwrap();
    assert!(!audit.contains("S3cret"), "{audit}");
    let (out, _) = sim.run_sql("system/pw", "DROP USER bzv_x;");
    assert!(out.contains("User dropped."), "{out}");
}

#[test]
fn imported_code_has_one_invalid_view_until_the_schema_is_recompiled() {
    let sim = Sim::new("ok");
    assert_eq!(sim.expdp(EXPORT).status.code(), Some(0));
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bizagi_restore"]);
    assert_eq!(code, Some(0), "{out}");
    let invalid = "SELECT object_type || ' ' || object_name FROM dba_objects WHERE owner = 'BIZAGI_RESTORE' AND status = 'INVALID';";
    assert_eq!(one(&sim, invalid), "VIEW VW_OPEN_CASES");
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_objects WHERE owner = 'BIZAGI' AND status = 'INVALID';"
        ),
        "0"
    );
    let (out, code) = sim.run_sql(
        "system/pw",
        "BEGIN\n  DBMS_UTILITY.COMPILE_SCHEMA(schema => 'BIZAGI_RESTORE', compile_all => FALSE);\nEND;\n/",
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("PL/SQL procedure successfully completed."),
        "{out}"
    );
    assert_eq!(one(&sim, invalid), "");
    // An unknown package is refused, not accepted silently.
    let (out, _) = sim.sql("system/pw", "BEGIN dbms_nothing.run('X'); END;\n/");
    assert!(out.contains("PLS-00201"), "{out}");
}

#[test]
fn warnings_leaves_an_invalid_procedure_after_recompilation() {
    let source = Sim::new("ok");
    assert_eq!(source.expdp(EXPORT).status.code(), Some(0));
    let sim = Sim::new("warnings");
    std::fs::copy(
        source.backup_dir().join("bizagi.dmp"),
        sim.backup_dir().join("bizagi.dmp"),
    )
    .unwrap();
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bzv_w"]);
    assert_eq!(code, Some(5), "{out}");
    let (out, code) = sim.run_sql(
        "system/pw",
        "BEGIN UTL_RECOMP.RECOMP_SERIAL('BZV_W'); END;\n/",
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        one(
            &sim,
            "SELECT object_name FROM dba_objects WHERE owner = 'BZV_W' AND status = 'INVALID';"
        ),
        "SP_PURGE_LOGS"
    );
}

#[test]
fn dba_resumable_shows_the_suspended_import() {
    let source = Sim::new("ok");
    assert_eq!(source.expdp(EXPORT).status.code(), Some(0));
    let sim = Sim::new("tablespace_full");
    std::fs::copy(
        source.backup_dir().join("bizagi.dmp"),
        sim.backup_dir().join("bizagi.dmp"),
    )
    .unwrap();
    let child = sim
        .cmd("impdp")
        .args([
            "bizagiadmon/pw",
            "directory=BizAgiBackupPath",
            "dumpfile=bizagi.dmp",
            "remap_schema=bizagi:bzv_t",
        ])
        .env("ORACLE_SIM_RESUMABLE_MS", "4000")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let query = "SELECT name || '|' || status || '|' || error_msg FROM dba_resumable;";
    let mut seen = String::new();
    for _ in 0..60 {
        seen = one(&sim, query);
        if !seen.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    let parts: Vec<&str> = seen.split('|').collect();
    assert_eq!(parts.len(), 3, "{seen}");
    assert!(parts[0].starts_with("BIZAGIADMON."), "{seen}");
    assert_eq!(parts[1], "SUSPENDED");
    assert!(
        parts[2].starts_with("ORA-01653: unable to extend table BZV_T."),
        "{seen}"
    );
    assert!(parts[2].ends_with("in tablespace USERS"), "{seen}");
    // Once the job is over there is no suspended statement, and the skipped table is empty.
    assert_eq!(one(&sim, query), "");
    let skipped = stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("ORA-31693: Table data object \"BZV_T\".\""))
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    assert_eq!(
        one(
            &sim,
            &format!("SELECT COUNT(*) FROM \"BZV_T\".\"{skipped}\";")
        ),
        "0"
    );
}

#[test]
fn restore_scenarios() {
    let sim = Sim::new("no_admin_user");
    let (out, _) = sim.sql("bizagiadmon/pw", "SELECT 1 FROM dual;");
    assert!(out.contains("ORA-01017"), "{out}");
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_users WHERE username = 'BIZAGIADMON';"
        ),
        "0"
    );

    let sim = Sim::new("charset_incompatible");
    assert_eq!(
        one(
            &sim,
            "SELECT value FROM nls_database_parameters WHERE parameter = 'NLS_CHARACTERSET';"
        ),
        "US7ASCII"
    );

    let sim = Sim::new("schema_exists");
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_tables WHERE owner = 'BIZAGI_RESTORE';"
        ),
        "37"
    );
    assert!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_objects WHERE owner = 'BIZAGI_RESTORE';"
        )
        .parse::<u32>()
        .unwrap()
            > 37
    );
}

#[test]
fn identity_and_compatible_on_19c_and_21c() {
    let sim = Sim::new("ok");
    assert_eq!(
        one(
            &sim,
            "SELECT value FROM v$parameter WHERE name = 'compatible';"
        ),
        "19.0.0"
    );
    assert_eq!(
        one(&sim, "SELECT platform_name FROM v$database;"),
        "Linux x86 64-bit"
    );
    let sim = Sim::with_args("ok", &["--db-version", "21"]);
    assert_eq!(
        one(
            &sim,
            "SELECT property_value FROM database_properties WHERE property_name = 'COMPATIBLE';"
        ),
        "21.0.0"
    );
    assert_eq!(one(&sim, "SELECT version FROM v$instance;"), "21.0.0.0.0");
}

#[test]
fn ctrl_c_during_a_slow_import_then_kill_job_leaves_no_job() {
    let source = Sim::new("ok");
    assert_eq!(source.expdp(EXPORT).status.code(), Some(0));
    let sim = Sim::new("slow");
    std::fs::copy(
        source.backup_dir().join("bizagi.dmp"),
        sim.backup_dir().join("bizagi.dmp"),
    )
    .unwrap();
    let mut child = sim
        .cmd("impdp")
        .args([
            "bizagiadmon/pw",
            "directory=BizAgiBackupPath",
            "dumpfile=bizagi.dmp",
            "remap_schema=bizagi:bzv_slow",
            "job_name=imp_slow",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let jobs = "SELECT job_name || '|' || operation || '|' || state FROM dba_datapump_jobs;";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while one(&sim, jobs) != "IMP_SLOW|IMPORT|EXECUTING" {
        assert!(
            std::time::Instant::now() < deadline,
            "the job never showed up"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(std::time::Duration::from_millis(500));
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"KILL_JOB\nyes\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Import> "), "{text}");
    assert_eq!(one(&sim, jobs), "");
    assert_eq!(
        one(
            &sim,
            "SELECT COUNT(*) FROM dba_tables WHERE table_name = 'IMP_SLOW';"
        ),
        "0"
    );
}
