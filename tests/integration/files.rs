//! The small file primitives: locks, copies, JSON, retention.

use crate::support::{bizscript, spawn_started, ScriptDir};
use predicates::prelude::*;

#[test]
fn a_second_run_for_the_same_key_is_refused_while_the_first_holds_the_lock() {
    let dir = ScriptDir::new();
    let key = format!("it-lock-{}", std::process::id());
    let holder = dir.write(
        "hold.rhai",
        &format!("let l = acquire_lock(\"{key}\");\nprint(\"started\");\nloop {{}}\n"),
    );
    let second = dir.write(
        "second.rhai",
        &format!("let l = acquire_lock(\"{key}\");\n"),
    );
    let mut child = spawn_started(&holder);
    bizscript()
        .arg("run")
        .arg(&second)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("BZ-LOCKED"));
    child.kill().unwrap();
    child.wait().unwrap();
    // The kernel released the dead holder's lock.
    bizscript().arg("run").arg(&second).assert().success();
}

#[test]
fn copy_file_verifies_and_never_overwrites_a_different_file() {
    let dir = ScriptDir::new();
    std::fs::write(dir.path().join("a.bin"), vec![7u8; 100_000]).unwrap();
    std::fs::create_dir(dir.path().join("share")).unwrap();
    let script = dir.write(
        "copy.rhai",
        "let c = copy_file(\"a.bin\", \"share/\");\nprint(c.bytes);\nprint(c.sha256.len());\n",
    );
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout("100000\n64\n");
    assert_eq!(
        std::fs::read(dir.path().join("share/a.bin")).unwrap(),
        vec![7u8; 100_000]
    );
    std::fs::write(dir.path().join("share/a.bin"), b"different").unwrap();
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("BZ-FILE-EXISTS"));
    assert_eq!(
        std::fs::read(dir.path().join("share/a.bin")).unwrap(),
        b"different"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "w.rhai",
        "write_json(\"out.json\", #{ a: 1 });\nappend_line(\"mon.log\", \"x\");\n",
    );
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .arg("--dry-run")
        .assert()
        .success()
        .stderr(predicate::str::contains("would write out.json"));
    assert!(!dir.path().join("out.json").exists());
    assert!(!dir.path().join("mon.log").exists());
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap())
            .unwrap();
    assert_eq!(json["a"], 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mon.log")).unwrap(),
        "x\n"
    );
}

fn manifest(dir: &std::path::Path, stem: &str, schema: &str, created: &str, made_by: &str) {
    std::fs::write(dir.join(format!("{stem}.zip")), b"zip").unwrap();
    std::fs::write(
        dir.join(format!("{stem}.manifest.json")),
        serde_json::json!({
            "made_by": made_by, "procedure": "bizagi_export", "schema": schema, "created": created
        })
        .to_string(),
    )
    .unwrap();
}

#[test]
fn retention_removes_only_old_archives_this_procedure_made() {
    let dir = ScriptDir::new();
    let b = dir.path().join("backups");
    std::fs::create_dir(&b).unwrap();
    manifest(
        &b,
        "BIZAGI_1",
        "BIZAGI",
        "2026-11-20T00:00:00Z",
        "bizscript",
    );
    manifest(
        &b,
        "BIZAGI_2",
        "BIZAGI",
        "2026-11-21T00:00:00Z",
        "bizscript",
    );
    manifest(
        &b,
        "BIZAGI_3",
        "BIZAGI",
        "2026-11-22T00:00:00Z",
        "bizscript",
    );
    manifest(&b, "OTHER_1", "OTHER", "2026-11-01T00:00:00Z", "bizscript");
    manifest(&b, "HAND_1", "BIZAGI", "2026-11-01T00:00:00Z", "a person");
    std::fs::write(b.join("unrelated.zip"), b"keep me").unwrap();
    let script = dir.write(
        "r.rhai",
        "let r = prune_archives(\"backups\", #{ schema: \"BIZAGI\", keep: 2 });\nprint(r.removed.len());\n",
    );
    // Unattended without --yes: refuses and removes nothing.
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--yes"));
    assert!(b.join("BIZAGI_1.zip").exists());
    // Dry run lists, removes nothing.
    bizscript()
        .current_dir(dir.path())
        .args(["run", "--dry-run"])
        .arg(&script)
        .assert()
        .success()
        .stdout("1\n")
        .stderr(predicate::str::contains("would remove"));
    assert!(b.join("BIZAGI_1.zip").exists());
    bizscript()
        .current_dir(dir.path())
        .args(["run", "--yes"])
        .arg(&script)
        .assert()
        .success()
        .stdout("1\n");
    assert!(!b.join("BIZAGI_1.zip").exists());
    assert!(!b.join("BIZAGI_1.manifest.json").exists());
    for kept in [
        "BIZAGI_2.zip",
        "BIZAGI_3.zip",
        "OTHER_1.zip",
        "HAND_1.zip",
        "unrelated.zip",
    ] {
        assert!(b.join(kept).exists(), "{kept}");
    }
}

#[test]
fn retention_refuses_keep_zero_and_unknown_options() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "r.rhai",
        "prune_archives(\".\", #{ schema: \"BIZAGI\", keep: 0 });\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 1"));
    let script = dir.write(
        "r2.rhai",
        "prune_archives(\".\", #{ schema: \"BIZAGI\", kep: 2 });\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `keep`?"));
}
