//! `expdp` against the Oracle client simulator (`oracle-sim`, built with
//! `cargo build -p oracle-sim`): each scenario's result map and exit code, the audit trail (the
//! password never in argv), no file holding the password left on disk, no orphan job left in
//! `dba_datapump_jobs`, and `--dry-run` running nothing. Skipped, with the reason printed, when
//! the simulator is not built.

use super::*;
use crate::cancel::Cancel;
use crate::primitives::errors::parts;
use crate::primitives::testing::{self, assert_not_in_tree, PASSWORD};

/// A simulated home (the shared test harness) and a folder for the client logs.
struct Sim {
    sim: testing::Sim,
    work: tempfile::TempDir,
}

/// A simulated home for `scenario`, or `None` (and a printed reason) when oracle-sim is absent.
fn sim(scenario: &str, dry_run: bool) -> Option<Sim> {
    Some(Sim {
        sim: testing::Sim::with(scenario, dry_run, false)?,
        work: tempfile::tempdir().unwrap(),
    })
}

impl Sim {
    fn opts(&self) -> Map {
        let mut map = super::tests::export_opts(&self.work.path().join("client.log"));
        map.insert("parallel".into(), Dynamic::from(2_i64));
        map
    }

    fn run(&self) -> Result<Map, Box<EvalAltResult>> {
        expdp(&self.sim.ctx, &connection(), &self.opts())
    }

    fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.sim.home.audit_path())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn expdp_argvs(&self) -> Vec<Vec<String>> {
        self.audit()
            .iter()
            .filter(|e| e["tool"] == "expdp")
            .map(|e| {
                e["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect()
            })
            .collect()
    }

    /// The jobs the simulated database still holds (a job exists as long as its master table).
    fn jobs(&self) -> Vec<serde_json::Value> {
        let state = std::fs::read_to_string(self.sim.home.home.join("sim/state.json")).unwrap();
        let state: serde_json::Value = serde_json::from_str(&state).unwrap();
        state["jobs"].as_array().cloned().unwrap_or_default()
    }

    /// What must hold after every run: no password in argv, none left on disk, no orphan job.
    fn assert_clean(&self) {
        for argv in self.expdp_argvs() {
            assert_eq!(argv.len(), 1, "more than parfile= in argv: {argv:?}");
            assert!(argv[0].starts_with("parfile="), "{argv:?}");
            assert!(!argv.iter().any(|a| a.contains(PASSWORD)));
            let parfile = argv[0].trim_start_matches("parfile=");
            assert!(
                !Path::new(parfile).exists(),
                "parameter file {parfile} survived"
            );
        }
        assert_not_in_tree(&self.sim.home.home, PASSWORD);
        if std::fs::read_dir(self.work.path())
            .unwrap()
            .next()
            .is_some()
        {
            assert_not_in_tree(self.work.path(), PASSWORD);
        }
        assert_eq!(
            self.jobs(),
            Vec::<serde_json::Value>::new(),
            "orphan job left"
        );
        // And as a DBA would check it: dba_datapump_jobs through sqlplus.
        let oracle = crate::primitives::connection::Oracle {
            connection: connection(),
        };
        let quiet = HostCtx::new(false, false, Cancel::new(), self.sim.ctx.env.clone());
        let listed = crate::primitives::datapump_jobs::datapump_jobs(&quiet, &oracle).unwrap();
        assert!(listed.is_empty(), "dba_datapump_jobs lists {listed:?}");
    }
}

fn connection() -> Connection {
    Connection::with_password("BIZAGIADMON", Secret::new(PASSWORD, "test"), None).unwrap()
}

fn text(map: &Map, key: &str) -> String {
    map.get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {map:?}"))
        .to_string()
}

fn int(map: &Map, key: &str) -> i64 {
    map.get(key).unwrap().as_int().unwrap()
}

/// The log parser's verdict in the result's `report`.
fn verdict(map: &Map) -> String {
    let report = map
        .get("report")
        .and_then(|r| r.clone().try_cast::<Map>())
        .unwrap_or_else(|| panic!("no report in {map:?}"));
    text(&report, "verdict")
}

fn list(map: &Map, key: &str) -> Vec<String> {
    map.get(key)
        .unwrap()
        .clone()
        .into_array()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn ok_exports_both_files_and_reads_the_server_log() {
    let Some(s) = sim("ok", false) else { return };
    let r = s.run().unwrap();
    assert_eq!(int(&r, "exit_code"), 0, "{r:?}");
    assert_eq!(text(&r, "outcome"), "succeeded");
    let dumps = list(&r, "dump_files");
    assert_eq!(dumps.len(), 2, "{dumps:?}");
    assert!(dumps.iter().all(|d| Path::new(d).is_file()), "{dumps:?}");
    let log = text(&r, "log_file");
    assert!(log.ends_with("BizAgiBackupPath/bizagi.log"), "{log}");
    assert!(Path::new(&log).is_file());
    assert_eq!(text(&r, "report_source"), "server");
    assert_eq!(verdict(&r), "ok");
    assert_eq!(text(&r, "cleanup"), "not_needed");
    assert!(text(&r, "job").starts_with("BIZAGIADMON.BIZSCRIPT_EXP_"));
    assert!(int(&r, "rows") > 0 && int(&r, "tables") > 0);
    let audit = s.audit();
    let expdp = audit.iter().find(|e| e["tool"] == "expdp").unwrap();
    assert_eq!(expdp["nls_lang"], "AMERICAN_AMERICA.AL32UTF8");
    s.assert_clean();
}

#[test]
fn warnings_complete_with_errors() {
    let Some(s) = sim("warnings", false) else {
        return;
    };
    let r = s.run().unwrap();
    assert_eq!(int(&r, "exit_code"), 5, "{r:?}");
    assert_eq!(text(&r, "outcome"), "completed_with_errors");
    let errors = text(&r, "errors");
    assert!(errors.contains("ORA-39173"), "{errors}");
    assert!(!list(&r, "dump_files").is_empty());
    assert_eq!(verdict(&r), "review");
    assert_eq!(text(&r, "cleanup"), "not_needed");
    s.assert_clean();
}

#[test]
fn fatal_is_a_failed_result_and_leaves_no_orphan() {
    let Some(s) = sim("fatal", false) else { return };
    let r = s.run().unwrap();
    assert_eq!(int(&r, "exit_code"), 1, "{r:?}");
    assert_eq!(text(&r, "outcome"), "failed");
    assert!(text(&r, "errors").contains("ORA-"), "{r:?}");
    assert_eq!(verdict(&r), "failed");
    assert_ne!(text(&r, "cleanup"), "failed", "{r:?}");
    s.assert_clean();
}

#[test]
fn a_crashed_client_is_a_failed_result_and_its_job_is_killed() {
    let Some(s) = sim("crash", false) else { return };
    let r = s.run().unwrap();
    assert_eq!(text(&r, "outcome"), "failed", "{r:?}");
    assert_ne!(int(&r, "exit_code"), 0);
    let errors = text(&r, "errors");
    assert!(errors.contains("without the job's final line"), "{errors}");
    assert_eq!(verdict(&r), "failed");
    assert_eq!(text(&r, "cleanup"), "killed", "{r:?}");
    // The kill was checked in dba_datapump_jobs, through sqlplus.
    assert!(
        s.audit().iter().any(|e| e["tool"] == "sqlplus"),
        "the clean-up was not verified in the database"
    );
    s.assert_clean();
}

#[test]
fn a_missing_directory_fails_before_the_job() {
    let Some(s) = sim("no_directory", false) else {
        return;
    };
    let r = s.run().unwrap();
    assert_eq!(int(&r, "exit_code"), 1, "{r:?}");
    assert_eq!(text(&r, "outcome"), "failed");
    let errors = text(&r, "errors");
    assert!(errors.contains("ORA-39002"), "{errors}");
    assert!(list(&r, "dump_files").is_empty());
    assert_eq!(text(&r, "log_file"), "BIZAGIBACKUPPATH:bizagi.log");
    assert_eq!(text(&r, "report_source"), "client");
    assert_eq!(verdict(&r), "failed");
    s.assert_clean();
}

#[test]
fn a_full_disk_is_a_failed_result() {
    let Some(s) = sim("disk_full", false) else {
        return;
    };
    let r = s.run().unwrap();
    assert_eq!(int(&r, "exit_code"), 1, "{r:?}");
    assert_eq!(text(&r, "outcome"), "failed");
    assert!(text(&r, "errors").contains("ORA-"), "{r:?}");
    assert_eq!(verdict(&r), "failed");
    s.assert_clean();
}

#[test]
fn an_interrupted_slow_export_is_killed_and_cleaned() {
    let Some(s) = sim("slow", false) else { return };
    let cancel = s.sim.ctx.cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        cancel.interrupt();
    });
    let started = std::time::Instant::now();
    let err = s.run().unwrap_err();
    let (code, message, _) = match err.as_ref() {
        EvalAltResult::ErrorRuntime(payload, _) => parts(payload).unwrap(),
        other => panic!("not a script error: {other}"),
    };
    assert_eq!(code, "BZ-INTERRUPTED");
    assert!(message.contains("was killed"), "{message}");
    assert!(message.contains("BIZAGIADMON.BIZSCRIPT_EXP_"), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let server = s.sim.home.home.join("server/BizAgiBackupPath");
    let dumps: Vec<_> = std::fs::read_dir(&server)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".dmp"))
        .collect();
    assert!(dumps.is_empty(), "KILL_JOB left dump files: {dumps:?}");
    s.assert_clean();
}

#[test]
fn dry_run_runs_nothing() {
    let Some(s) = sim("ok", true) else { return };
    let r = s.run().unwrap();
    assert_eq!(text(&r, "outcome"), "dry_run");
    assert!(text(&r, "parfile").contains("userid=BIZAGIADMON/\"***\""));
    assert!(s.expdp_argvs().is_empty(), "expdp ran under --dry-run");
    s.assert_clean();
}

#[test]
fn bad_options_are_refused_before_the_client_runs() {
    let Some(s) = sim("ok", false) else { return };
    let mut opts = s.opts();
    opts.insert("dumpfile".into(), Dynamic::from("bizagi.dmp".to_string()));
    let err = expdp(&s.sim.ctx, &connection(), &opts).unwrap_err();
    assert!(err.to_string().contains("%U"), "{err}");
    let mut opts = s.opts();
    opts.insert("compresion".into(), Dynamic::from("all".to_string()));
    let err = expdp(&s.sim.ctx, &connection(), &opts).unwrap_err();
    assert!(err.to_string().contains("compression"), "{err}");
    assert!(s.expdp_argvs().is_empty());
}

#[test]
fn scripts_call_it_with_an_oracle_value() {
    let Some(s) = sim("ok", false) else { return };
    let client_log = s.work.path().join("client.log").display().to_string();
    let result = s
        .sim
        .run(&format!(
            r#"expdp(db, #{{ schemas: ["BIZAGI"], directory: "BIZAGIBACKUPPATH", dumpfile: "b.dmp", client_log: "{client_log}" }})"#
        ))
        .unwrap();
    let r = result.try_cast::<Map>().unwrap();
    assert_eq!(int(&r, "exit_code"), 0);
    let err = s
        .sim
        .run(r#"expdp(db, #{ shemas: ["BIZAGI"] })"#)
        .unwrap_err();
    assert_eq!(testing::code(&err), "BZ-OPTION");
    assert!(
        testing::text(&err).contains("did you mean `schemas`?"),
        "{err}"
    );
    s.assert_clean();
}
