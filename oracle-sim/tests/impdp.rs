//! impdp: imports of a dump the simulated expdp wrote, per scenario.

mod common;

use common::{stdout, Sim, EXPORT};

fn final_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}

/// A home with a fresh export of BIZAGI in bizagi.dmp. The export runs in an `ok` home whose
/// dump is copied: scenarios such as `fatal` would spoil the export itself.
fn with_dump(scenario: &str) -> Sim {
    let source = Sim::new("ok");
    assert_eq!(source.expdp(EXPORT).status.code(), Some(0));
    let sim = Sim::new(scenario);
    std::fs::copy(
        source.backup_dir().join("bizagi.dmp"),
        sim.backup_dir().join("bizagi.dmp"),
    )
    .unwrap();
    sim
}

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

#[test]
fn restore_into_a_new_schema_with_remap_schema() {
    let sim = with_dump("ok");
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bizagi_restore"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Import: Release 19.0.0.0.0 - Production on "));
    let master = out
        .find("Master table \"BIZAGIADMON\".\"SYS_IMPORT_FULL_01\" successfully loaded/unloaded")
        .unwrap();
    let starting = out.find("Starting \"BIZAGIADMON\".\"SYS_IMPORT_FULL_01\":  bizagiadmon/******** directory=BizAgiBackupPath").unwrap();
    assert!(
        master < starting,
        "import loads the master table before Starting"
    );
    assert!(out.contains(". . imported \"BIZAGI_RESTORE\".\"WFCASE\""));
    assert!(final_line(&out)
        .starts_with("Job \"BIZAGIADMON\".\"SYS_IMPORT_FULL_01\" successfully completed at "));
    let log = sim.read(sim.backup_dir().join("imp.log"));
    assert_eq!(final_line(&log), final_line(&out));
    // The database now has the schema and its tables.
    let (n, _) = sim.sql(
        "system/pw",
        "SELECT TO_CHAR(COUNT(*)) FROM dba_tables WHERE owner = 'BIZAGI_RESTORE';",
    );
    assert_eq!(n.trim(), "37");
}

#[test]
fn import_over_the_existing_schema_skips_tables() {
    let sim = with_dump("ok");
    let (out, code) = impdp(&sim, &["schemas=bizagi"]);
    assert_eq!(code, Some(5), "{out}");
    assert!(out.contains("ORA-31684: Object type USER:\"BIZAGI\" already exists"));
    assert!(out.contains("ORA-39151: Table \"BIZAGI\".\"WFCASE\" exists. All dependent metadata and data will be skipped due to table_exists_action of skip"));
    assert!(!out.contains(". . imported"));
    assert!(
        final_line(&out).contains("completed with 38 error(s)"),
        "{}",
        final_line(&out)
    );

    let (out, code) = impdp(&sim, &["schemas=bizagi", "table_exists_action=replace"]);
    assert_eq!(code, Some(5));
    assert!(out.contains(". . imported \"BIZAGI\".\"WFCASE\""));
    assert!(
        final_line(&out).contains("completed with 1 error(s)"),
        "only ORA-31684 on USER"
    );
}

#[test]
fn warnings_scenario_has_ora_39082_and_ora_31684_on_a_non_user_object() {
    let sim = with_dump("warnings");
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bizagi_copy"]);
    assert_eq!(code, Some(5));
    assert!(out.contains("ORA-39082: Object type ALTER_PROCEDURE:\"BIZAGI_COPY\"."));
    assert!(out.contains("ORA-31684: Object type SEQUENCE:\"BIZAGI_COPY\"."));
    assert!(final_line(&out).contains("completed with 2 error(s)"));
}

#[test]
fn tablespace_full_waits_then_skips_a_table_and_still_completes() {
    let sim = with_dump("tablespace_full");
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bizagi_copy"]);
    assert_eq!(code, Some(5), "{out}");
    let wait = out
        .find("ORA-39171: Job is experiencing a resumable wait.")
        .unwrap();
    let full = out
        .find("ORA-01653: unable to extend table BIZAGI_COPY.")
        .unwrap();
    let skipped = out
        .find("ORA-31693: Table data object \"BIZAGI_COPY\".")
        .unwrap();
    assert!(wait < full && full < skipped);
    assert!(final_line(&out).contains("completed with 1 error(s)"));
}

#[test]
fn fatal_import_stops() {
    let sim = with_dump("fatal");
    let (out, code) = impdp(&sim, &["remap_schema=bizagi:bizagi_copy"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("ORA-39126: Worker unexpected fatal error in KUPW$WORKER.LOAD_METADATA"));
    assert!(final_line(&out).contains("stopped due to fatal error at "));
}

#[test]
fn missing_dump_file_is_ora_31640() {
    let sim = Sim::new("ok");
    let (out, code) = impdp(&sim, &[]);
    assert_eq!(code, Some(1));
    assert!(out.contains(&format!(
        "ORA-31640: unable to open dump file \"{}\" for read",
        sim.backup_dir().join("bizagi.dmp").display()
    )));
    assert!(out.contains("ORA-27037: unable to obtain file status"));
}

#[test]
fn charset_difference_is_announced() {
    let source = Sim::new("ok");
    source.expdp(EXPORT);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
        .arg("init")
        .arg(&home)
        .args(["--charset", "WE8MSWIN1252"])
        .output()
        .unwrap();
    assert!(init.status.success());
    let home = home.canonicalize().unwrap();
    std::fs::copy(
        source.backup_dir().join("bizagi.dmp"),
        home.join("server/BizAgiBackupPath/bizagi.dmp"),
    )
    .unwrap();
    let out = std::process::Command::new(home.join("bin/impdp"))
        .args([
            "bizagiadmon/pw",
            "directory=BizAgiBackupPath",
            "dumpfile=bizagi.dmp",
            "remap_schema=bizagi:b2",
        ])
        .env("ORACLE_HOME", &home)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text
        .contains("import done in WE8MSWIN1252 character set and AL16UTF16 NCHAR character set"));
    assert!(
        text.contains("export done in AL32UTF8 character set and AL16UTF16 NCHAR character set")
    );
    assert!(text.contains("Warning: possible data loss in character set conversions"));
}

#[test]
fn sqlfile_writes_ddl_and_imports_nothing() {
    let sim = with_dump("ok");
    let (out, code) = impdp(&sim, &["sqlfile=ddl.sql", "remap_schema=bizagi:b3"]);
    assert_eq!(code, Some(0), "{out}");
    let ddl = sim.read(sim.backup_dir().join("ddl.sql"));
    assert!(ddl.contains("CREATE TABLE \"B3\".\"WFCASE\""));
    let (n, _) = sim.sql(
        "system/pw",
        "SELECT TO_CHAR(COUNT(*)) FROM dba_users WHERE username = 'B3';",
    );
    assert_eq!(n.trim(), "0");
}

#[test]
fn import_parameters_are_not_export_parameters() {
    let sim = Sim::new("ok");
    let out = sim.run("impdp", &["bizagiadmon/pw", "reuse_dumpfiles=y"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out).trim(),
        "LRM-00101: unknown parameter name 'reuse_dumpfiles'"
    );
}
