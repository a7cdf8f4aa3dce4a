//! The standard procedure, `bizscript run bizagi_export.rhai --simulate=SCENARIO`, end to end,
//! and the example site scripts.

use crate::support::bizscript;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PASSWORD: &str = "Pw-never-shown-7731";

/// One simulated run, with its home kept for inspection.
struct Simulated {
    dir: tempfile::TempDir,
    status: Option<i32>,
    stdout: String,
    stderr: String,
    report: Value,
}

impl Simulated {
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.home().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Whether `tool` ran a job (not just `-help`, which check_env uses for the version).
    fn ran_job(&self, tool: &str) -> bool {
        self.audit()
            .iter()
            .any(|a| a["tool"] == tool && !a["argv"].to_string().to_lowercase().contains("help"))
    }
}

fn simulate(script: &str, scenario: &str, sets: &[&str], cwd: Option<&Path>) -> Simulated {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut cmd = bizscript();
    cmd.env("BIZSCRIPT_SIM_HOME", dir.path().join("home"))
        .env("BIZSCRIPT_PASSWORD", PASSWORD)
        .env_remove("NLS_LANG")
        .env_remove("ORACLE_HOME")
        .arg("run")
        .arg(script)
        .arg(format!("--simulate={scenario}"))
        .arg("--report")
        .arg(&report)
        .arg("--yes");
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    for set in sets {
        cmd.args(["--set", set]);
    }
    let output = cmd.output().unwrap();
    let report = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    Simulated {
        dir,
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The password appears nowhere: stdout, stderr, the report, the audit, any file left behind.
fn assert_no_password_leak(run: &Simulated) {
    assert!(!run.stdout.contains(PASSWORD), "stdout leaks the password");
    assert!(!run.stderr.contains(PASSWORD), "stderr leaks the password");
    for file in files_under(run.dir.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let needle = PASSWORD.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} contains the password",
            file.display()
        );
    }
    for entry in run.audit() {
        let argv = entry["argv"].to_string();
        assert!(
            !argv.contains(PASSWORD),
            "argv of {} leaks the password",
            entry["tool"]
        );
    }
}

#[test]
fn ok_scenario_exports_archives_and_verifies() {
    let run = simulate("bizagi_export.rhai", "ok", &[], None);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "ok");
    assert!(
        run.stderr.contains("SIMULATION"),
        "the user is told it is a simulation"
    );
    for step in [
        "check_env",
        "nls_charset",
        "ensure_directory",
        "expdp",
        "parse_log",
        "compress",
        "manifest",
    ] {
        assert!(
            run.report["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["name"] == step),
            "step {step} missing: {}",
            run.report["steps"]
        );
    }
    let archive = run.report["archive"]["archive"]
        .as_str()
        .unwrap()
        .to_string();
    // An independent reader accepts the archive (a failure under BIZSCRIPT_REQUIRE_FIXTURES
    // when unzip is missing, else a printed skip of this check only).
    if crate::support::tool_installed("unzip", "unzip") {
        let unzip = std::process::Command::new("unzip")
            .arg("-t")
            .arg(&archive)
            .output()
            .unwrap();
        assert!(
            unzip.status.success(),
            "{}",
            String::from_utf8_lossy(&unzip.stdout)
        );
    }
    // The manifest's checksums are those of the archive and of the dump files it holds.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(run.report["manifest"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["made_by"], "bizscript");
    assert_eq!(manifest["schema"], "BIZAGI");
    let sha = sha256_hex(Path::new(&archive));
    assert_eq!(manifest["archive"]["sha256"], sha);
    assert!(manifest["client"]["version"].is_string(), "{manifest}");
    assert!(
        manifest["nls"]["database_charset"].is_string(),
        "{manifest}"
    );
    assert_no_password_leak(&run);
}

fn sha256_hex(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).unwrap();
    base16ct::lower::encode_string(&Sha256::digest(&bytes))
}

#[test]
fn warnings_scenario_needs_review() {
    let run = simulate("bizagi_export.rhai", "warnings", &[], None);
    assert_eq!(run.status, Some(3), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "review");
    assert!(!run.report["messages"].as_array().unwrap().is_empty());
    assert_no_password_leak(&run);
}

#[test]
fn fatal_and_crash_fail_and_delete_nothing() {
    for scenario in ["fatal", "crash"] {
        let run = simulate("bizagi_export.rhai", scenario, &[], None);
        assert_eq!(run.status, Some(1), "{scenario}: {}", run.stderr);
        assert_eq!(run.report["verdict"], "failed", "{scenario}");
        assert!(
            run.report.get("archive").is_some_and(Value::is_null),
            "{scenario}: the report must say `archive: null` for a failed export: {}",
            run.report
        );
        assert_no_password_leak(&run);
    }
}

#[test]
fn charset_mismatch_and_bad_home_stop_before_expdp() {
    let run = simulate("bizagi_export.rhai", "charset_mismatch", &[], None);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.report["failure"]["step"], "nls_charset");
    assert!(!run.ran_job("expdp"), "expdp must not run");
    assert!(run.stderr.contains("WE8MSWIN1252"), "{}", run.stderr);

    let run = simulate("bizagi_export.rhai", "bad_home", &[], None);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.report["failure"]["step"], "check_env");
    assert!(!run.ran_job("expdp"), "expdp must not run");
    assert_no_password_leak(&run);
}

#[test]
fn missing_directory_says_to_pass_a_path() {
    let run = simulate("bizagi_export.rhai", "no_directory", &[], None);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.report["failure"]["step"], "ensure_directory");
    assert!(run.stderr.contains("--set path="), "{}", run.stderr);
    // With a path, the directory is created and the export goes through.
    let server = tempfile::tempdir().unwrap();
    let path = format!("path={}", server.path().display());
    let run = simulate("bizagi_export.rhai", "no_directory", &[&path], None);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
}

#[test]
fn disk_full_fails() {
    let run = simulate("bizagi_export.rhai", "disk_full", &[], None);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "failed");
    assert_no_password_leak(&run);
}

#[test]
fn dry_run_exports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = bizscript()
        .env("BIZSCRIPT_SIM_HOME", dir.path().join("home"))
        .env("BIZSCRIPT_PASSWORD", PASSWORD)
        .args(["run", "bizagi_export.rhai", "--simulate", "--dry-run"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("dry run: nothing was changed"), "{stderr}");
    assert!(
        stderr.contains("userid=BizAgiAdmon/\"***\""),
        "the parfile is shown masked: {stderr}"
    );
    assert!(!stderr.contains(PASSWORD));
    let audit = std::fs::read_to_string(dir.path().join("home/audit.jsonl")).unwrap_or_default();
    assert!(
        !audit
            .lines()
            .any(|l| l.contains("\"tool\":\"expdp\"") && !l.contains("help")),
        "expdp ran under --dry-run: {audit}"
    );
}

#[test]
fn examples_run_under_simulation() {
    let root = crate::support::repo_root();
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir(work.path().join("share")).unwrap();

    let nightly = simulate(
        root.join("examples/nightly_export.rhai").to_str().unwrap(),
        "ok",
        &["keep=2"],
        Some(work.path()),
    );
    assert_eq!(nightly.status, Some(0), "{}", nightly.stderr);
    assert!(nightly.stdout.contains("nightly BIZAGI: ok"));

    let several = simulate(
        root.join("examples/several_schemas.rhai").to_str().unwrap(),
        "ok",
        &[],
        Some(work.path()),
    );
    assert_eq!(several.status, Some(0), "{}", several.stderr);
    assert_eq!(several.report["schemas"].as_array().unwrap().len(), 2);

    let share = simulate(
        root.join("examples/archive_to_share.rhai")
            .to_str()
            .unwrap(),
        "ok",
        &[],
        Some(work.path()),
    );
    assert_eq!(share.status, Some(0), "{}", share.stderr);
    assert!(
        std::fs::read_dir(work.path().join("share"))
            .unwrap()
            .count()
            >= 2
    );

    let failing = simulate(
        root.join("examples/archive_to_share.rhai")
            .to_str()
            .unwrap(),
        "fatal",
        &[],
        Some(work.path()),
    );
    assert_eq!(failing.status, Some(1));
    let monitoring = std::fs::read_to_string(work.path().join("monitoring.log")).unwrap();
    assert!(monitoring.contains("BIZAGI failed"), "{monitoring}");
}

#[test]
fn unknown_parameter_is_refused_with_the_list() {
    let run = simulate("bizagi_export.rhai", "ok", &["shema=X"], None);
    // A parameter the procedure refuses is a usage error (README: exit 2).
    assert_eq!(run.status, Some(2));
    assert!(
        run.stderr.contains("unknown parameter --set shema"),
        "{}",
        run.stderr
    );
}
