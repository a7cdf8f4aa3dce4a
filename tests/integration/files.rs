//! The small file primitives: locks, copies, JSON, removals, retention.

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

const PROD: &str = "2540335789:PROD:PROD";

/// An archive and its format-2 manifest, as the procedure writes them (real size and SHA-256).
fn archive_with_manifest(
    dir: &std::path::Path,
    stem: &str,
    schema: &str,
    created: &str,
    made_by: &str,
    key: &str,
) {
    use sha2::Digest;
    let zip = dir.join(format!("{stem}.zip"));
    let bytes = format!("archive {stem}").into_bytes();
    std::fs::write(&zip, &bytes).unwrap();
    let sha = base16ct::lower::encode_string(&sha2::Sha256::digest(&bytes));
    std::fs::write(
        dir.join(format!("{stem}.manifest.json")),
        serde_json::json!({
            "format_version": 2, "made_by": made_by, "procedure": "bizagi_export", "schema": schema,
            "created": created, "verdict": "ok",
            "database": { "key": key, "db_name": "PROD" },
            "archive": { "path": zip.display().to_string(), "bytes": bytes.len(), "sha256": sha, "verified": true },
        })
        .to_string(),
    )
    .unwrap();
}

#[test]
fn retention_removes_only_old_proven_archives_of_this_database() {
    let dir = ScriptDir::new();
    let b = dir.path().join("backups");
    std::fs::create_dir(&b).unwrap();
    for (stem, schema, created, made_by, key) in [
        (
            "BIZAGI_20261120_000000_AAAA",
            "BIZAGI",
            "2026-11-20T00:00:00Z",
            "bizscript",
            PROD,
        ),
        (
            "BIZAGI_20261121_000000_BBBB",
            "BIZAGI",
            "2026-11-21T00:00:00Z",
            "bizscript",
            PROD,
        ),
        (
            "BIZAGI_20261122_000000_CCCC",
            "BIZAGI",
            "2026-11-22T00:00:00Z",
            "bizscript",
            PROD,
        ),
        (
            "BIZAGI_20261101_000000_TEST",
            "BIZAGI",
            "2026-11-01T00:00:00Z",
            "bizscript",
            "1128921340:TEST:TEST",
        ),
        (
            "OTHER_20261101_000000_OTHR",
            "OTHER",
            "2026-11-01T00:00:00Z",
            "bizscript",
            PROD,
        ),
        ("HAND_1", "BIZAGI", "2026-11-01T00:00:00Z", "a person", PROD),
    ] {
        archive_with_manifest(&b, stem, schema, created, made_by, key);
    }
    std::fs::write(b.join("unrelated.zip"), b"keep me").unwrap();
    let script = dir.write(
        "r.rhai",
        &format!("let r = prune_archives(\"backups\", #{{ schema: \"BIZAGI\", keep: 2, database: \"{PROD}\" }});\nprint(r.removed.len());\n"),
    );
    // Unattended without --yes or `confirmed`: refuses and removes nothing, and says so.
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--yes"))
        .stderr(predicate::str::contains("nothing was removed"))
        .stderr(predicate::str::contains("retention: removed").not());
    assert!(b.join("BIZAGI_20261120_000000_AAAA.zip").exists());
    // Dry run lists, removes nothing.
    bizscript()
        .current_dir(dir.path())
        .args(["run", "--dry-run"])
        .arg(&script)
        .assert()
        .success()
        .stdout("1\n")
        .stderr(predicate::str::contains("would remove"));
    assert!(b.join("BIZAGI_20261120_000000_AAAA.zip").exists());
    bizscript()
        .current_dir(dir.path())
        .args(["run", "--yes"])
        .arg(&script)
        .assert()
        .success()
        .stdout("1\n")
        .stderr(predicate::str::contains("retention: removed"));
    assert!(!b.join("BIZAGI_20261120_000000_AAAA.zip").exists());
    assert!(!b.join("BIZAGI_20261120_000000_AAAA.manifest.json").exists());
    for kept in [
        "BIZAGI_20261121_000000_BBBB.zip",
        "BIZAGI_20261122_000000_CCCC.zip",
        "BIZAGI_20261101_000000_TEST.zip",
        "OTHER_20261101_000000_OTHR.zip",
        "HAND_1.zip",
        "unrelated.zip",
    ] {
        assert!(b.join(kept).exists(), "{kept}");
    }
}

#[test]
fn retention_without_a_database_identity_is_refused() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "r.rhai",
        "prune_archives(\".\", #{ schema: \"BIZAGI\", keep: 2 });\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .failure()
        .stderr(predicate::str::contains("`database`"));
    let script = dir.write(
        "r2.rhai",
        "prune_archives(\".\", #{ schema: \"BIZAGI\", keep: 2, database: () });\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("BZ-RETENTION-IDENTITY"));
}

#[test]
fn remove_files_removes_only_what_a_verified_archive_holds_unchanged() {
    let dir = ScriptDir::new();
    std::fs::write(dir.path().join("a.dmp"), vec![1u8; 50_000]).unwrap();
    std::fs::write(dir.path().join("b.dmp"), vec![2u8; 50_000]).unwrap();
    std::fs::write(dir.path().join("c.dmp"), vec![3u8; 50_000]).unwrap();
    let script = dir.write(
        "rm.rhai",
        r#"let zip = compress(["a.dmp", "b.dmp"], #{ archive: "ab.zip" });
write_json("ab.manifest.json", #{ archive: #{ sha256: zip.sha256 } }, #{ mode_of: "ab.zip", overwrite: false });
// c.dmp is not in the archive: nothing of the set goes.
let r = remove_files(["a.dmp", "c.dmp"], #{ verified_by: zip, manifest: "ab.manifest.json" });
print(`${r.ok} ${r.removed.len()} ${r.not_removed.len()}`);
// A manifest that describes another archive: nothing goes.
write_json("other.manifest.json", #{ archive: #{ sha256: "0000" } });
let r = remove_files(["a.dmp"], #{ verified_by: zip, manifest: "other.manifest.json" });
print(`${r.ok} ${r.removed.len()}`);
let r = remove_files(["a.dmp", "b.dmp"], #{ verified_by: zip, manifest: "ab.manifest.json" });
print(`${r.ok} ${r.removed.len()}`);
"#,
    );
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout("false 0 2\nfalse 0\ntrue 2\n")
        .stderr(predicate::str::contains(
            "it is not in the verified archive",
        ));
    assert!(!dir.path().join("a.dmp").exists() && !dir.path().join("b.dmp").exists());
    assert!(dir.path().join("c.dmp").exists());
}

#[test]
fn remove_files_keeps_a_dump_written_to_after_it_was_archived() {
    let dir = ScriptDir::new();
    std::fs::write(dir.path().join("a.dmp"), vec![1u8; 50_000]).unwrap();
    let script = dir.write(
        "rm.rhai",
        r#"let zip = compress(["a.dmp"], #{ archive: "a.zip" });
append_line("a.dmp", "more");
let r = remove_files(["a.dmp"], #{ verified_by: zip });
print(`${r.ok} ${r.not_removed[0].reason}`);
"#,
    );
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("false it is 50005 bytes now"));
    assert!(dir.path().join("a.dmp").exists());
}

#[test]
fn write_json_without_overwrite_refuses_what_is_already_there() {
    let dir = ScriptDir::new();
    std::fs::create_dir(dir.path().join("m.json")).unwrap();
    let script = dir.write(
        "w.rhai",
        "write_json(\"m.json\", #{ a: 1 }, #{ overwrite: false });\n",
    );
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already there"));
    assert!(dir.path().join("m.json").is_dir());
    // Symbolic links need a privilege on Windows: the planted link is checked on Unix.
    #[cfg(unix)]
    {
        // A link planted at the name, pointing at something precious: refused, target untouched.
        std::fs::write(dir.path().join("precious"), b"keep me").unwrap();
        std::os::unix::fs::symlink(dir.path().join("precious"), dir.path().join("l.json")).unwrap();
        let script = dir.write(
            "l.rhai",
            "write_json(\"l.json\", #{ a: 1 }, #{ overwrite: false });\n",
        );
        bizscript()
            .current_dir(dir.path())
            .arg("run")
            .arg(&script)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("already there"));
        assert_eq!(
            std::fs::read(dir.path().join("precious")).unwrap(),
            b"keep me"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".bizscript-json-")
        })
        .collect();
    assert!(leftovers.is_empty(), "the temporary file must not stay");
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
