//! Restore's first steps through the real binary, against the simulator: an export's archive
//! and manifest are checked and unpacked byte for byte, a flipped byte stops before anything is
//! unpacked, and the target pre-checks read the manifest the export wrote.

use crate::support::{bizscript, ScriptDir};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) const PASSWORD: &str = "Restore-Test-Pw-9";

pub(crate) struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub(crate) fn server(&self) -> PathBuf {
        self.home().join("server/BizAgiBackupPath")
    }

    /// `bizscript run SCRIPT --simulate=SCENARIO` on this home; (exit code, stdout, stderr).
    pub(crate) fn run(
        &self,
        script: &Path,
        scenario: &str,
        sets: &[String],
    ) -> (Option<i32>, String, String) {
        let mut cmd = bizscript();
        cmd.env("BIZSCRIPT_SIM_HOME", self.home())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("BIZSCRIPT_PASSWORD", PASSWORD)
            .env_remove("ORACLE_SIM_REMOTE")
            .env_remove("NLS_LANG")
            .env_remove("ORACLE_HOME")
            .arg("run")
            .arg(script)
            .arg(format!("--simulate={scenario}"))
            .arg("--yes")
            .current_dir(self.dir.path());
        for s in sets {
            cmd.args(["--set", s]);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The export, then the archive and manifest it wrote.
    pub(crate) fn export(&self) -> (PathBuf, PathBuf) {
        let (code, _, stderr) = self.run(Path::new("bizagi_export.rhai"), "ok", &[]);
        assert_eq!(code, Some(0), "{stderr}");
        let mut zips: Vec<PathBuf> = std::fs::read_dir(self.server())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "zip"))
            .collect();
        assert_eq!(zips.len(), 1, "{zips:?}");
        let zip = zips.remove(0);
        let manifest = PathBuf::from(zip.display().to_string().replace(".zip", ".manifest.json"));
        assert!(manifest.is_file(), "{manifest:?}");
        // Each simulated run starts its home afresh: keep the export's files elsewhere.
        let kept = self.dir.path().join("kept");
        std::fs::create_dir_all(&kept).unwrap();
        for entry in std::fs::read_dir(self.server()).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, kept.join(p.file_name().unwrap())).unwrap();
            }
        }
        (
            kept.join(zip.file_name().unwrap()),
            kept.join(manifest.file_name().unwrap()),
        )
    }
}

fn script(body: &str) -> (ScriptDir, PathBuf) {
    let dir = ScriptDir::new();
    let path = dir.write("restore_test.rhai", body);
    (dir, path)
}

#[test]
fn an_exported_archive_is_checked_and_unpacked_byte_for_byte() {
    let home = Home::new();
    let (zip, _) = home.export();
    let dest = tempfile::tempdir().unwrap();
    let (_d, s) = script(&format!(
        "let a = restore_archive({:?}, #{{ unpack_to: {:?} }});\nfor f in a.unpacked {{ print(f); }}",
        zip.display().to_string(),
        dest.path().display().to_string()
    ));
    let (code, stdout, stderr) = home.run(&s, "ok", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let unpacked: Vec<&str> = stdout.lines().collect();
    assert!(!unpacked.is_empty(), "{stdout}");
    for f in unpacked {
        let name = Path::new(f).file_name().unwrap();
        let original = home.dir.path().join("kept").join(name);
        assert_eq!(
            std::fs::read(f).unwrap(),
            std::fs::read(&original).unwrap(),
            "{f} differs from {original:?}"
        );
    }
    assert!(!stderr.contains(PASSWORD));
}

#[test]
fn a_flipped_byte_stops_at_step_1_with_nothing_unpacked() {
    let home = Home::new();
    let (zip, manifest) = home.export();
    let copy = tempfile::tempdir().unwrap();
    let bad = copy.path().join(zip.file_name().unwrap());
    let mut bytes = std::fs::read(&zip).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&bad, &bytes).unwrap();
    std::fs::copy(&manifest, copy.path().join(manifest.file_name().unwrap())).unwrap();
    let dest = tempfile::tempdir().unwrap();
    let (_d, s) = script(&format!(
        "restore_archive({:?}, #{{ unpack_to: {:?} }});\nprint(\"unpacked\");",
        bad.display().to_string(),
        dest.path().display().to_string()
    ));
    let (code, stdout, stderr) = home.run(&s, "ok", &[]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(!stdout.contains("unpacked"), "{stdout}");
    assert!(stderr.contains("BZ-RESTORE-ARCHIVE"), "{stderr}");
    assert!(stderr.contains("SHA-256"), "{stderr}");
    assert_eq!(std::fs::read_dir(dest.path()).unwrap().count(), 0);
    assert!(!stderr.contains(PASSWORD) && !stdout.contains(PASSWORD));
}

#[test]
fn the_prechecks_read_the_export_manifest_and_never_pass_what_they_could_not_check() {
    let home = Home::new();
    let (_, manifest) = home.export();
    let m: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(m["import"]["source"]["charset"], "AL32UTF8", "{m}");
    let (_d, s) = script(&format!(
        r#"let db = oracle(#{{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/BIZAGIPDB" }});
let env = check_env(db);
let r = restore_prechecks(db, #{{ manifest: {:?}, client_version: env.client_version, schema: "BZV_RT" }});
for c in r.checks {{ print(`${{c.name}}=${{c.status}}`); }}
print(`ok=${{r.ok}}`);"#,
        manifest.display().to_string()
    ));
    let (code, stdout, stderr) = home.run(&s, "ok", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    for pass in [
        "client_version=pass",
        "character_set=pass",
        "admin_user=pass",
        "target_schema=pass",
        "tablespace=pass",
    ] {
        assert!(stdout.contains(pass), "{pass}: {stdout}");
    }
    let stops = stdout.lines().filter(|l| l.ends_with("=stop")).count();
    assert_eq!(stdout.contains("ok=true"), stops == 0, "{stdout}");
    if m["import"]["source"]["compatible"].is_null() {
        assert!(stdout.contains("dump_version=stop"), "{stdout}");
        assert!(stdout.contains("ok=false"), "{stdout}");
    }
}

/// The pre-checks' lines for the export's manifest against a target in `scenario`.
fn prechecks(home: &Home, manifest: &Path, scenario: &str, user: &str, schema: &str) -> String {
    let (_d, s) = script(&format!(
        r#"let db = oracle(#{{ user: {user:?}, password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/BIZAGIPDB" }});
let env = check_env(db);
let r = restore_prechecks(db, #{{ manifest: {:?}, client_version: env.client_version, schema: {schema:?} }});
for c in r.checks {{ print(`${{c.name}}=${{c.status}}: ${{c.detail}}`); }}
print(`ok=${{r.ok}}`);"#,
        manifest.display().to_string()
    ));
    let (code, stdout, stderr) = home.run(&s, scenario, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    stdout
}

#[test]
fn an_incompatible_charset_an_existing_schema_and_a_missing_admin_each_stop_before_impdp() {
    let home = Home::new();
    let (_, manifest) = home.export();
    let out = prechecks(
        &home,
        &manifest,
        "charset_incompatible",
        "BIZAGIADMON",
        "BZV_RT",
    );
    assert!(out.contains("character_set=stop"), "{out}");
    assert!(out.contains("US7ASCII"), "{out}");
    assert!(out.contains("ok=false"), "{out}");
    let out = prechecks(
        &home,
        &manifest,
        "schema_exists",
        "BIZAGIADMON",
        "BIZAGI_RESTORE",
    );
    assert!(out.contains("target_schema=stop"), "{out}");
    assert!(out.contains("ok=false"), "{out}");
    // Without BizAgiAdmon the check runs as another DBA user and says the user is missing.
    let out = prechecks(&home, &manifest, "no_admin_user", "SYSTEM", "BZV_RT");
    assert!(out.contains("admin_user=stop"), "{out}");
    assert!(out.contains("ok=false"), "{out}");
    // The healthy target passes every check, and only then is ok true.
    let out = prechecks(&home, &manifest, "ok", "BIZAGIADMON", "BZV_RT");
    let stops = out.lines().filter(|l| l.contains("=stop")).count();
    assert_eq!(out.contains("ok=true"), stops == 0, "{out}");
}

#[test]
fn postchecks_compare_every_table_and_list_each_mismatch() {
    let home = Home::new();
    let (zip, _) = home.export();
    let (_d, s) = script(&format!(
        r#"let db = oracle(#{{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/BIZAGIPDB" }});
let m = restore_archive({:?}, #{{}}).manifest_data;
let tables = m["import"].tables;
let post = restore_postchecks(db, #{{ schema: "BIZAGI", tables: tables }});
print(`ok=${{post.ok}} tables=${{post.rows.len()}} mismatches=${{post.mismatches.len()}} new_invalid=${{post.new_invalid.len()}}`);
tables[0].rows += 1;
let post = restore_postchecks(db, #{{ schema: "BIZAGI", tables: tables }});
print(`ok=${{post.ok}} mismatches=${{post.mismatches.len()}} first=${{post.mismatches[0].table}}`);
let gone = drop_scratch_schema(db, "BZV_NEVER_MADE");
print(`existed=${{gone.existed}} gone=${{gone.gone}}`);
try {{ drop_scratch_schema(db, "BIZAGI"); print("dropped BIZAGI"); }} catch (e) {{ print(`refused ${{e.code}}`); }}"#,
        zip.display().to_string()
    ));
    let (code, stdout, stderr) = home.run(&s, "ok", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("ok=true tables="), "{stdout}");
    assert!(lines[0].contains("mismatches=0"), "{stdout}");
    assert!(
        lines[1].starts_with("ok=false mismatches=1 first="),
        "{stdout}"
    );
    assert_eq!(lines[2], "existed=false gone=true", "{stdout}");
    assert_eq!(lines[3], "refused BZ-USAGE", "{stdout}");
}

// ---- the shipped procedure, bizagi_restore.rhai ------------------------------------------------

/// How a shipped procedure's run ended: exit code, stderr, the report (validated against the
/// shipped schema), and the tools the simulator saw run.
pub(crate) struct Ended {
    pub(crate) code: Option<i32>,
    pub(crate) stderr: String,
    pub(crate) report: Value,
    pub(crate) tools: Vec<String>,
}

impl Home {
    /// `bizscript run SCRIPT` with `--report`; the report must validate against the schema.
    pub(crate) fn procedure(&self, script: &str, scenario: &str, sets: &[String]) -> Ended {
        let report = self.dir.path().join(format!("{script}.report.json"));
        let _ = std::fs::remove_file(&report);
        let mut cmd = bizscript();
        cmd.env("BIZSCRIPT_SIM_HOME", self.home())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("BIZSCRIPT_PASSWORD", PASSWORD)
            .env_remove("ORACLE_SIM_REMOTE")
            .env_remove("NLS_LANG")
            .env_remove("ORACLE_HOME")
            .arg("run")
            .arg(script)
            .arg(format!("--simulate={scenario}"))
            .arg("--yes")
            .arg("--report")
            .arg(&report)
            .current_dir(self.dir.path());
        for s in sets {
            cmd.args(["--set", s]);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let text = std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        let report: Value = serde_json::from_str(&text).unwrap();
        crate::console_report::assert_valid(
            &crate::console_report::shipped_schema(),
            &report,
            &format!("{script} {scenario} {sets:?}"),
        );
        assert!(!stderr.contains(PASSWORD) && !text.contains(PASSWORD));
        Ended {
            code: out.status.code(),
            stderr,
            report,
            tools: self.tools(),
        }
    }

    /// The tools the simulator's audit trail saw in the last run (sqlplus, expdp, impdp).
    pub(crate) fn tools(&self) -> Vec<String> {
        std::fs::read_to_string(self.home().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["tool"].as_str().map(str::to_string))
            .collect()
    }
}
