//! `bizscript run bizagi_restore.rhai` through the real binary against the simulator: an export
//! restored into an empty schema ends 0 with every table's rows matching; every stop the
//! prerequisites call for happens before impdp (the simulator's audit trail says impdp never
//! ran); a full tablespace ends 1 naming it; --dry-run changes nothing and shows the SQLFILE
//! preview; every report validates against the shipped schema.

use crate::console_report::{assert_valid, shipped_schema};
use crate::support::bizscript;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PASSWORD: &str = "Restore-Proc-Pw-4471";

struct Site {
    dir: tempfile::TempDir,
}

struct Run {
    code: Option<i32>,
    stderr: String,
    report: Value,
}

impl Site {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("archives")).unwrap();
        Self { dir }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// One procedure run on the kept simulated home (laid out afresh by each run: a new,
    /// empty target database for the restore).
    fn run(&self, script: &str, scenario: &str, sets: &[String], dry_run: bool) -> Run {
        let report = self.path("report.json");
        let _ = std::fs::remove_file(&report);
        let mut cmd = bizscript();
        cmd.env("BIZSCRIPT_SIM_HOME", self.path("home"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("BIZSCRIPT_PASSWORD", PASSWORD)
            .env_remove("ORACLE_SIM_REMOTE")
            .env_remove("NLS_LANG")
            .env_remove("ORACLE_HOME")
            .env("NO_COLOR", "1")
            .arg("run")
            .arg(script)
            .arg(format!("--simulate={scenario}"))
            .arg("--report")
            .arg(&report)
            .current_dir(self.dir.path());
        if dry_run {
            cmd.arg("--dry-run");
        }
        for s in sets {
            cmd.args(["--set", s]);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned()
            + String::from_utf8_lossy(&out.stdout).as_ref();
        assert!(
            !stderr.contains(PASSWORD),
            "the password was shown:\n{stderr}"
        );
        let text = std::fs::read_to_string(&report)
            .unwrap_or_else(|e| panic!("no report ({e}):\n{stderr}"));
        assert!(!text.contains(PASSWORD), "the password is in the report");
        Run {
            code: out.status.code(),
            stderr,
            report: serde_json::from_str(&text).unwrap(),
        }
    }

    /// The export, with its archive and manifest kept outside the simulated home.
    fn export(&self) -> PathBuf {
        let run = self.run(
            "bizagi_export.rhai",
            "ok",
            &[format!("archive_dir={}", self.path("archives").display())],
            false,
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let zip: Vec<PathBuf> = std::fs::read_dir(self.path("archives"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "zip"))
            .collect();
        assert_eq!(zip.len(), 1, "{zip:?}");
        zip[0].clone()
    }

    fn restore(&self, archive: &Path, scenario: &str, extra: &[&str], dry_run: bool) -> Run {
        let mut sets = vec![format!("archive={}", archive.display())];
        sets.extend(extra.iter().map(|s| s.to_string()));
        let run = self.run("bizagi_restore.rhai", scenario, &sets, dry_run);
        assert_valid(&shipped_schema(), &run.report, scenario);
        run
    }

    /// The tools the last run started, from the simulator's audit trail.
    fn tools(&self) -> Vec<(String, Vec<String>)> {
        let text = std::fs::read_to_string(self.path("home/audit.jsonl")).unwrap_or_default();
        text.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .map(|v| {
                let argv = v["argv"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                (v["tool"].as_str().unwrap_or("").to_string(), argv)
            })
            .collect()
    }

    fn impdp_ran(&self) -> bool {
        self.tools().iter().any(|(tool, _)| tool == "impdp")
    }

    fn users(&self) -> Vec<String> {
        let state: Value = serde_json::from_str(
            &std::fs::read_to_string(self.path("home/sim/state.json")).unwrap(),
        )
        .unwrap();
        state["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|u| u["name"].as_str().map(String::from))
            .collect()
    }

    fn server_files(&self) -> Vec<String> {
        std::fs::read_dir(self.path("home/server/BizAgiBackupPath"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

fn failed_step(run: &Run) -> &str {
    run.report["failure"]["step"].as_str().unwrap_or("")
}

#[test]
fn an_export_restored_into_an_empty_schema_ends_0_with_every_tables_rows_matching() {
    let site = Site::new();
    let zip = site.export();
    let run = site.restore(&zip, "ok", &[], false);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "ok");
    let restore = &run.report["restore"];
    assert_eq!(restore["target_schema"], "BIZAGI_RESTORE");
    assert_eq!(restore["source_schema"], "BIZAGI");
    assert_eq!(restore["rows_match"], true);
    assert_eq!(restore["mismatches"].as_array().unwrap().len(), 0);
    // Every table the export log counted, each with the same rows restored.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(zip.with_extension("manifest.json")).unwrap(),
    )
    .unwrap();
    let exported = manifest["import"]["tables"].as_array().unwrap();
    let rows = restore["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert_eq!(r["expected"], r["restored"], "{r}");
    }
    let exported_total: i64 = exported.iter().map(|t| t["rows"].as_i64().unwrap()).sum();
    let restored_total: i64 = rows.iter().map(|r| r["restored"].as_i64().unwrap()).sum();
    assert_eq!(exported_total, restored_total);
    assert!(site.users().contains(&"BIZAGI_RESTORE".to_string()));
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("bizagi_restore BIZAGI_RESTORE: ok: restored into BIZAGI_RESTORE"),
        "{last}"
    );
}

#[test]
fn a_flipped_byte_in_the_archive_fails_at_the_archive_step_with_nothing_imported() {
    let site = Site::new();
    let zip = site.export();
    let mut bytes = std::fs::read(&zip).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x01;
    std::fs::write(&zip, &bytes).unwrap();
    let run = site.restore(&zip, "ok", &[], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(failed_step(&run), "restore_archive", "{}", run.report);
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    assert!(!site.impdp_ran(), "impdp ran: {:?}", site.tools());
    assert!(
        !site.server_files().iter().any(|f| f.ends_with(".dmp")),
        "{:?}",
        site.server_files()
    );
}

#[test]
fn a_charset_a_client_version_and_a_missing_admin_each_stop_before_impdp() {
    let site = Site::new();
    let zip = site.export();

    let run = site.restore(&zip, "charset_incompatible", &[], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(failed_step(&run), "prechecks");
    assert!(run.stderr.contains("US7ASCII"), "{}", run.stderr);
    assert!(!site.impdp_ran());

    let run = site.restore(&zip, "no_admin_user", &[], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("ORA-01017"), "{}", run.stderr);
    assert!(!site.impdp_ran());

    // The export's client was another release (Bizagi's prerequisite 1).
    let manifest_path = zip.with_extension("manifest.json");
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["import"]["client_version"] = Value::from("21.3.0.0.0");
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let run = site.restore(&zip, "ok", &[], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(failed_step(&run), "prechecks");
    assert!(run.stderr.contains("21.3.0.0.0"), "{}", run.stderr);
    assert!(!site.impdp_ran());
    // The documented override makes it review at best, never ok.
    let run = site.restore(&zip, "ok", &["client_version_override=true"], false);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "review");
}

#[test]
fn an_existing_schema_without_replace_stops_before_impdp() {
    let site = Site::new();
    let zip = site.export();
    let run = site.restore(&zip, "schema_exists", &["schema=BIZAGI_RESTORE"], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(failed_step(&run), "prechecks");
    assert!(run.stderr.contains("--set replace=true"), "{}", run.stderr);
    assert!(!site.impdp_ran());
    assert_eq!(run.report["restore"]["imported"], false);
}

#[test]
fn a_full_tablespace_ends_1_naming_the_tablespace() {
    let site = Site::new();
    let zip = site.export();
    let run = site.restore(&zip, "tablespace_full", &[], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(last.contains("USERS"), "{last}");
    assert_ne!(run.report["verdict"], "ok");
}

#[test]
fn dry_run_changes_nothing_and_shows_the_sqlfile_preview() {
    let site = Site::new();
    let zip = site.export();
    let run = site.restore(&zip, "ok", &[], true);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.report["dry_run"], true);
    assert!(run.stderr.contains("SQLFILE preview"), "{}", run.stderr);
    assert!(
        run.stderr.contains("CREATE TABLE \"BIZAGI_RESTORE\"."),
        "{}",
        run.stderr
    );
    // The database: no schema was created; the only impdp job was the SQLFILE one.
    assert!(!site.users().contains(&"BIZAGI_RESTORE".to_string()));
    let imports: Vec<_> = site
        .tools()
        .into_iter()
        .filter(|(tool, _)| tool == "impdp")
        .collect();
    assert_eq!(imports.len(), 1, "{imports:?}");
    // The folder: what the preview unpacked is gone again; the DDL file is what it leaves.
    let files = site.server_files();
    assert!(!files.iter().any(|f| f.ends_with(".dmp")), "{files:?}");
    assert!(
        files.iter().any(|f| f.ends_with("_preview.sql")),
        "{files:?}"
    );
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap_or("")
            .contains("dry run: the database was not changed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_archive_or_a_relative_path_is_a_usage_error_and_nothing_runs() {
    let site = Site::new();
    let run = site.run("bizagi_restore.rhai", "ok", &[], false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--set archive="), "{}", run.stderr);
    let run = site.run(
        "bizagi_restore.rhai",
        "ok",
        &["archive=archives/x.zip".to_string()],
        false,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(!site.impdp_ran());
}
