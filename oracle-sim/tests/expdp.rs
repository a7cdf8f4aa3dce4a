//! expdp: exit codes, console and log shape, files, parameters, logon, per scenario.

mod common;

use common::{stdout, Sim, EXPORT};
use std::time::Instant;

fn final_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}

#[test]
fn ok_export_writes_dump_and_log_shaped_like_19c() {
    let sim = Sim::new("ok");
    let start = Instant::now();
    let out = sim.expdp(EXPORT);
    assert!(
        start.elapsed().as_secs_f64() < 2.0,
        "ok scenario must be fast"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let console = stdout(&out);
    let lines: Vec<&str> = console.lines().collect();
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Export: Release 19.0.0.0.0 - Production on ")));
    assert!(lines.contains(&"Version 19.27.0.0.0"));
    assert!(lines.iter().any(|l| l.starts_with("Copyright (c) 1982, ")));
    assert!(lines.contains(
        &"Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production"
    ));
    assert!(lines.contains(&"Starting \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\":  bizagiadmon/******** schemas=bizagi directory=BizAgiBackupPath dumpfile=bizagi.dmp logfile=bizagi.log"));
    assert!(lines.contains(&"Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA"));
    let rows: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with(". . exported \"BIZAGI\"."))
        .collect();
    assert!(rows.len() >= 24, "a few dozen tables, got {}", rows.len());
    assert!(rows.iter().all(|l| l.ends_with(" rows")));
    assert!(lines.contains(
        &"Master table \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\" successfully loaded/unloaded"
    ));
    assert!(lines.contains(&"Dump file set for BIZAGIADMON.SYS_EXPORT_SCHEMA_01 is:"));
    let dump = sim.backup_dir().join("bizagi.dmp");
    assert!(lines.contains(&format!("  {}", dump.display()).as_str()));
    let last = final_line(&console);
    assert!(
        last.starts_with("Job \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\" successfully completed at "),
        "{last}"
    );
    assert!(last.contains(" elapsed 0 00:00:0"), "{last}");
    assert!(!console.contains("Secr3t_pw"));

    // The log file: `;;;` header, same job lines, no password.
    let log = sim.read(sim.backup_dir().join("bizagi.log"));
    assert!(log.starts_with(";;; \nExport: Release 19.0.0.0.0"), "{log}");
    assert!(log.contains("\nConnected to: Oracle Database 19c"));
    assert_eq!(final_line(&log), last);
    assert!(!log.contains("Secr3t_pw"));

    // The dump: a few MB that compress like a real dump.
    let bytes = std::fs::read(&dump).unwrap();
    assert!(
        bytes.len() > 1_000_000 && bytes.len() < 10_000_000,
        "{}",
        bytes.len()
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let ratio = bytes.len() as f64 / gz.finish().unwrap().len() as f64;
    assert!(
        ratio > 3.5 && ratio < 12.0,
        "dump should compress like a real one, ratio {ratio:.2}"
    );

    // The job is gone from dba_datapump_jobs once completed.
    let (jobs, _) = sim.sql(
        "system/manager",
        "SELECT TO_CHAR(COUNT(*)) FROM dba_datapump_jobs;",
    );
    assert_eq!(jobs.trim(), "0");
}

#[test]
fn audit_records_argv_exactly_and_never_a_password() {
    let sim = Sim::new("ok");
    let par = sim.home.join("backup.par");
    std::fs::write(&par, "userid=bizagiadmon/\"Top#Secret1\"\nschemas=bizagi\ndirectory=BizAgiBackupPath\ndumpfile=a.dmp\nlogfile=a.log\n").unwrap();
    let arg = format!("parfile={}", par.display());
    let out = sim.expdp(&[&arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let audit = sim.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["tool"], "expdp");
    assert_eq!(audit[0]["argv"], serde_json::json!([arg]));
    assert_eq!(audit[0]["exit_code"], 0);
    assert_eq!(audit[0]["nls_lang"], "AMERICAN_AMERICA.AL32UTF8");
    assert_eq!(audit[0]["stdin_password_prompted"], false);
    let everything = format!(
        "{}{}{}",
        std::fs::read_to_string(sim.home.join("audit.jsonl")).unwrap(),
        stdout(&out),
        sim.read(sim.backup_dir().join("a.log"))
    );
    assert!(!everything.contains("Top#Secret1"));
    // The log echoes the parfile with the userid masked.
    assert!(sim
        .read(sim.backup_dir().join("a.log"))
        .contains(";;;  parfile:  userid=bizagiadmon/********"));
}

#[test]
fn parfile_comments_continuations_and_case_rules() {
    let sim = Sim::new("ok");
    let par = sim.home.join("p.par");
    std::fs::write(&par, "# backup of the project\nuserid=bizagiadmon/pw\nschemas=bizagi # project schema\ndirectory=\\\nBizAgiBackupPath\ndumpfile=Mixed_Case.dmp\nlogfile=Mixed.log\njob_name=nightly_backup\n").unwrap();
    let out = sim.expdp(&[&format!("parfile={}", par.display())]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let console = stdout(&out);
    // Names are upper-cased, file names keep their case.
    assert!(console.contains("Starting \"BIZAGIADMON\".\"NIGHTLY_BACKUP\":"));
    assert!(sim.backup_dir().join("Mixed_Case.dmp").is_file());
    assert!(sim.backup_dir().join("Mixed.log").is_file());
}

#[test]
fn unknown_parameter_is_lrm_00101_before_the_banner() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&["system/x", "schema=bizagi", "directory=BizAgiBackupPath"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out).trim(),
        "LRM-00101: unknown parameter name 'schema'"
    );
    let out = sim.expdp(&["system/x", "reuse_dumpfiles=maybe"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("LRM-00121: 'maybe' is not an allowable value for 'reuse_dumpfiles'")
    );
    let out = sim.expdp(&["system/x", "parfile=/nonexistent/x.par"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("LRM-00109: could not open parameter file '/nonexistent/x.par'"));
    let out = sim.expdp(&["system/x", "full=y", "schemas=bizagi"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("UDE-00010: multiple job modes requested, full and schema."));
}

#[test]
fn help_prints_banner_without_connecting() {
    let sim = Sim::new("bad_password");
    for args in [&["-help"][..], &["help=y"][..]] {
        let out = sim.expdp(args);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(text.contains("Export: Release 19.0.0.0.0 - Production on "));
        assert!(text.contains("Version 19.27.0.0.0"));
        assert!(text.contains("REUSE_DUMPFILES"));
        assert!(!text.contains("Connected to:"));
    }
}

#[test]
fn password_prompt_with_closed_stdin_fails_with_ude_00005() {
    let sim = Sim::new("ok");
    let out = sim.run(
        "expdp",
        &[
            "bizagiadmon",
            "schemas=bizagi",
            "directory=BizAgiBackupPath",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("Password: "));
    assert!(text.contains("UDE-00005: unexpected End-Of-File encountered while reading input"));
    assert_eq!(sim.audit()[0]["stdin_password_prompted"], true);

    // The prompt answered on stdin: the job runs, the password is nowhere.
    let out = sim.run(
        "expdp",
        &[
            "bizagiadmon",
            "schemas=bizagi",
            "directory=BizAgiBackupPath",
            "dumpfile=p.dmp",
            "logfile=p.log",
        ],
        "Prompted#pw\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!std::fs::read_to_string(sim.home.join("audit.jsonl"))
        .unwrap()
        .contains("Prompted#pw"));
}

#[test]
fn existing_dump_file_needs_reuse_dumpfiles() {
    let sim = Sim::new("ok");
    assert_eq!(sim.expdp(EXPORT).status.code(), Some(0));
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let dump = sim.backup_dir().join("bizagi.dmp");
    for line in [
        "ORA-39001: invalid argument value".to_string(),
        "ORA-39000: bad dump file specification".to_string(),
        format!(
            "ORA-31641: unable to create dump file \"{}\"",
            dump.display()
        ),
        "ORA-27038: created file already exists".to_string(),
    ] {
        assert!(text.contains(&line), "missing {line}: {text}");
    }
    let mut args = EXPORT.to_vec();
    args.push("reuse_dumpfiles=yes");
    assert_eq!(sim.expdp(&args).status.code(), Some(0));
}

#[test]
fn dump_file_with_a_path_is_ora_39088() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&[
        "system/x",
        "directory=BizAgiBackupPath",
        "dumpfile=/tmp/x.dmp",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("ORA-39088: file name cannot contain a path specification"));
}

#[test]
fn logtime_and_metrics_decorate_lines_as_19c() {
    let sim = Sim::new("ok");
    let mut args = EXPORT.to_vec();
    args.extend(["logtime=all", "metrics=yes"]);
    let out = sim.expdp(&args);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let stamp = |l: &str| {
        let b = l.as_bytes();
        l.len() > 24 && b[2] == b'-' && b[6] == b'-' && &l[22..24] == ": "
    };
    let starting = text.lines().find(|l| l.contains("Starting \"")).unwrap();
    assert!(stamp(starting), "{starting}");
    assert!(text
        .lines()
        .any(|l| stamp(l) && l[24..].starts_with("W-1 Processing object type SCHEMA_EXPORT/")));
    assert!(text
        .lines()
        .any(|l| l.contains("W-1      Completed 37 TABLE objects in 0 seconds")));
    assert!(text
        .lines()
        .any(|l| l.contains("W-1 . . exported \"BIZAGI\".")
            && l.ends_with("rows in 0 seconds using direct_path")));
    // Banner lines are never timestamped.
    assert!(text.lines().any(|l| l.starts_with("Export: Release")));
    assert!(text.lines().any(|l| l.starts_with("Connected to:")));
}

#[test]
fn parallel_with_substitution_writes_one_file_per_worker() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&[
        "bizagiadmon/x",
        "schemas=bizagi",
        "directory=BizAgiBackupPath",
        "dumpfile=set_%U.dmp",
        "parallel=3",
        "logfile=set.log",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    for n in ["01", "02", "03"] {
        let f = sim.backup_dir().join(format!("set_{n}.dmp"));
        assert!(f.is_file(), "{}", f.display());
        assert!(stdout(&out).contains(&format!("  {}", f.display())));
    }
}

#[test]
fn scenario_exit_codes_and_final_lines() {
    let cases: &[(&str, Option<i32>, &str)] = &[
        ("warnings", Some(5), "completed with 1 error(s) at "),
        ("fatal", Some(1), "stopped due to fatal error at "),
        ("disk_full", Some(1), "stopped due to fatal error at "),
        ("charset_mismatch", Some(0), "successfully completed at "),
        ("no_privilege", Some(0), "successfully completed at "),
    ];
    for (scenario, code, last) in cases {
        let sim = Sim::new(scenario);
        let start = Instant::now();
        let out = sim.expdp(EXPORT);
        assert!(start.elapsed().as_secs_f64() < 2.0, "{scenario} too slow");
        assert_eq!(out.status.code(), *code, "{scenario}: {}", stdout(&out));
        let text = stdout(&out);
        assert!(
            final_line(&text).contains(last),
            "{scenario}: {}",
            final_line(&text)
        );
        let log = sim.read(sim.backup_dir().join("bizagi.log"));
        assert_eq!(
            final_line(&log),
            final_line(&text),
            "{scenario}: the log ends like the console"
        );
    }
}

#[test]
fn warnings_scenario_reports_ora_39173_and_39127() {
    let sim = Sim::new("warnings");
    let text = stdout(&sim.expdp(EXPORT));
    assert!(
        text.contains("ORA-39173: Encrypted data has been stored unencrypted in dump file set.")
    );
    assert!(text.contains("ORA-39127: unexpected error from call to "));
}

#[test]
fn disk_full_reports_ora_27072_and_truncates_the_dump() {
    let ok = Sim::new("ok");
    ok.expdp(EXPORT);
    let full = Sim::new("disk_full");
    let text = stdout(&full.expdp(EXPORT));
    assert!(text.contains("ORA-27072: File I/O error"));
    assert!(text.contains("ORA-31693: Table data object \"BIZAGI\"."));
    let size = |s: &Sim| {
        std::fs::metadata(s.backup_dir().join("bizagi.dmp"))
            .unwrap()
            .len()
    };
    assert!(size(&full) < size(&ok));
    // A job stopped by a fatal error keeps its master table: NOT RUNNING.
    let (jobs, _) = full.sql(
        "system/x",
        "SELECT job_name || '|' || state FROM dba_datapump_jobs;",
    );
    assert_eq!(jobs.trim(), "SYS_EXPORT_SCHEMA_01|NOT RUNNING");
}

#[test]
fn client_faults_before_any_job() {
    let sim = Sim::new("bad_home");
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(
        "UDE-00013: Message 13 not found; No message file for product=RDBMS, facility=UDE"
    ));
    assert!(text.contains("You may need to set ORACLE_HOME to your Oracle software directory"));
    let out = sim.run("impdp", EXPORT, "");
    assert!(stdout(&out).contains(
        "UDI-00013: Message 13 not found; No message file for product=RDBMS, facility=UDI"
    ));

    // A wrong ORACLE_HOME in a healthy home is the same fault.
    let ok = Sim::new("ok");
    let out = ok
        .cmd("expdp")
        .args(EXPORT)
        .env("ORACLE_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("UDE-00013"));
    let out = ok
        .cmd("expdp")
        .args(EXPORT)
        .env_remove("ORACLE_HOME")
        .output()
        .unwrap();
    assert!(stdout(&out).contains("UDE-00013"));

    let sim = Sim::new("client_too_new");
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out)
        .contains("UDE-00018: Data Pump client is incompatible with database version 19.0.0.0.0"));

    let sim = Sim::new("bad_password");
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("ORA-01017: invalid username/password; logon denied"));

    let sim = Sim::new("no_directory");
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ORA-39002: invalid operation"));
    assert!(text.contains("ORA-39070: Unable to open the log file."));
    assert!(text.contains("ORA-39087: directory name BIZAGIBACKUPPATH is invalid"));
}

#[test]
fn directory_path_missing_on_the_server_is_ora_29283() {
    let sim = Sim::new("ok");
    std::fs::remove_dir_all(sim.backup_dir()).unwrap();
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ORA-39070: Unable to open the log file."));
    assert!(text.contains("ORA-29283: invalid file operation"));
}

#[test]
fn unknown_schema_completes_with_errors() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&[
        "system/x",
        "schemas=nobody",
        "directory=BizAgiBackupPath",
        "dumpfile=n.dmp",
        "logfile=n.log",
    ]);
    assert_eq!(out.status.code(), Some(5));
    let text = stdout(&out);
    assert!(text.contains("ORA-39165: Schema NOBODY was not found."));
    assert!(text.contains("ORA-31655: no data or metadata objects selected for job"));
}

#[test]
fn logtime_logfile_stamps_the_file_only_and_keep_master_keeps_the_job() {
    let sim = Sim::new("ok");
    let mut args = EXPORT.to_vec();
    args.extend(["logtime=logfile", "keep_master=yes"]);
    let out = sim.expdp(&args);
    assert_eq!(out.status.code(), Some(0));
    let console = stdout(&out);
    let starting = console.lines().find(|l| l.contains("Starting \"")).unwrap();
    assert!(starting.starts_with("Starting \""), "{starting}");
    let log = sim.read(sim.backup_dir().join("bizagi.log"));
    let starting = log.lines().find(|l| l.contains("Starting \"")).unwrap();
    assert!(
        !starting.starts_with("Starting"),
        "the log line carries the stamp: {starting}"
    );
    assert!(starting.contains(": Starting \""));
    let (jobs, _) = sim.sql(
        "system/pw",
        "SELECT job_name || '|' || state FROM dba_datapump_jobs;",
    );
    assert_eq!(jobs.trim(), "SYS_EXPORT_SCHEMA_01|NOT RUNNING");
}

#[test]
fn table_mode_and_full_mode_paths() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&[
        "system/pw",
        "tables=bizagi.wfcase,bizagi.nope",
        "directory=BizAgiBackupPath",
        "dumpfile=t.dmp",
        "logfile=t.log",
    ]);
    assert_eq!(out.status.code(), Some(5));
    let text = stdout(&out);
    assert!(text.contains("Starting \"SYSTEM\".\"SYS_EXPORT_TABLE_01\""));
    assert!(text.contains("Processing object type TABLE_EXPORT/TABLE/TABLE_DATA"));
    assert!(text.contains(". . exported \"BIZAGI\".\"WFCASE\""));
    assert!(text.contains(
        "ORA-39166: Object BIZAGI.NOPE was not found or could not be exported or imported."
    ));

    let out = sim.expdp(&[
        "system/pw",
        "full=y",
        "directory=BizAgiBackupPath",
        "dumpfile=f.dmp",
        "logfile=f.log",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Starting \"SYSTEM\".\"SYS_EXPORT_FULL_01\""));
    assert!(text.contains("Processing object type DATABASE_EXPORT/SCHEMA/TABLE/TABLE_DATA"));
}

#[test]
fn filesize_with_substitution_adds_files_and_without_it_runs_out_of_space() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&[
        "bizagiadmon/pw",
        "schemas=bizagi",
        "directory=BizAgiBackupPath",
        "dumpfile=fs_%U.dmp",
        "filesize=1M",
        "logfile=fs.log",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let files: Vec<_> = (1..=9)
        .map(|n| sim.backup_dir().join(format!("fs_{n:02}.dmp")))
        .filter(|f| f.is_file())
        .collect();
    assert!(files.len() >= 3, "{files:?}");
    for f in &files[..files.len() - 1] {
        assert_eq!(
            std::fs::metadata(f).unwrap().len(),
            1024 * 1024,
            "{}",
            f.display()
        );
    }
    for f in &files {
        assert!(stdout(&out).contains(&format!("  {}", f.display())));
    }

    let out = sim.expdp(&[
        "bizagiadmon/pw",
        "schemas=bizagi",
        "directory=BizAgiBackupPath",
        "dumpfile=one.dmp",
        "filesize=1M",
        "logfile=one.log",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text
        .contains("ORA-39095: Dump file space has been exhausted: Unable to allocate 8192 bytes"));
    assert!(final_line(&text).contains("stopped due to fatal error"));
    assert!(
        std::fs::metadata(sim.backup_dir().join("one.dmp"))
            .unwrap()
            .len()
            <= 1024 * 1024
    );
}

#[test]
fn remote_reports_server_paths_and_writes_where_the_site_mounts_them() {
    let sim = Sim::new("remote");
    // The dictionary names the server's own path, which this machine does not have.
    let (rows, code) = sim.sql(
        "bizagiadmon/pw",
        "SELECT directory_name || '|' || directory_path FROM dba_directories ORDER BY directory_name;",
    );
    assert_eq!(code, 0, "{rows}");
    assert!(
        rows.contains("BIZAGIBACKUPPATH|/oracle-server/BizAgiBackupPath"),
        "{rows}"
    );
    assert!(
        rows.contains("DATA_PUMP_DIR|/oracle-server/dpdump"),
        "{rows}"
    );
    assert!(!std::path::Path::new("/oracle-server").exists());

    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let console = stdout(&out);
    // The console speaks of the server's paths...
    assert!(
        console
            .lines()
            .any(|l| l == "  /oracle-server/BizAgiBackupPath/bizagi.dmp"),
        "{console}"
    );
    // ...and the files are in the folder that stands for the server's (a site's mount).
    assert!(sim.backup_dir().join("bizagi.dmp").is_file());
    let log = sim.read(sim.backup_dir().join("bizagi.log"));
    assert!(
        log.contains("/oracle-server/BizAgiBackupPath/bizagi.dmp"),
        "{log}"
    );

    // Import reads the dump through the same server path.
    let imp = sim.run(
        "impdp",
        &[
            "bizagiadmon/pw",
            "directory=BizAgiBackupPath",
            "dumpfile=bizagi.dmp",
            "logfile=imp.log",
            "sqlfile=ddl.sql",
        ],
        "",
    );
    assert_eq!(imp.status.code(), Some(0), "{}", stdout(&imp));
    assert!(sim.backup_dir().join("ddl.sql").is_file());
}

#[test]
fn any_scenario_can_run_on_a_remote_database_server() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("oracle_home");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
        .arg("init")
        .arg(&home)
        .args(["--scenario", "warnings"])
        .env("ORACLE_SIM_REMOTE", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("database on a remote host"));
    let out = std::process::Command::new(home.join("bin/expdp"))
        .args(EXPORT)
        .env("ORACLE_HOME", &home)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let console = stdout(&out);
    assert_eq!(out.status.code(), Some(5), "{console}");
    assert!(
        console.contains("  /oracle-server/BizAgiBackupPath/bizagi.dmp"),
        "{console}"
    );
    assert!(home.join("server/BizAgiBackupPath/bizagi.dmp").is_file());
}
