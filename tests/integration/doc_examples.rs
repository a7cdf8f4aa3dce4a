//! Every example in `bizscript doc` runs, under `--simulate`, as a user would paste it.

use crate::support::bizscript;

/// A folder with what the examples refer to: a 0600 password file, an archive, a share, a
/// dump set.
fn example_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "tiger\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(dir.path().join("archive.zip"), b"PK\x05\x06 not really").unwrap();
    std::fs::create_dir(dir.path().join("share")).unwrap();
    std::fs::create_dir(dir.path().join("backups")).unwrap();
    // A small dump set and its log, for the compress example.
    for (name, fill) in [("BIZAGI_01.dmp", 1u8), ("BIZAGI_02.dmp", 2u8)] {
        std::fs::write(dir.path().join(name), vec![fill; 200_000]).unwrap();
    }
    std::fs::write(dir.path().join("BIZAGI_export.log"), "Job completed\n").unwrap();
    // The parse_log example reads it: a missing or failed log would (rightly) fail the run.
    std::fs::write(
        dir.path().join("export.log"),
        "Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** directory=DP\n\
         Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" successfully completed at Wed Mar 12 11:12:13 2025 elapsed 0 00:00:05\n",
    )
    .unwrap();
    dir
}

#[test]
fn every_doc_example_runs() {
    let mut failures = Vec::new();
    for doc in bizscript::primitives::all_docs() {
        let dir = example_folder();
        let script = dir.path().join(format!("{}.rhai", doc.name));
        std::fs::write(&script, doc.example).unwrap();
        let output = bizscript()
            .current_dir(dir.path())
            // expdp's default client log goes under the user's state directory: keep it here.
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("BIZSCRIPT_PASSWORD", "example-password")
            .arg("run")
            .arg(&script)
            .arg("--simulate")
            .arg("--yes")
            .output()
            .unwrap();
        if !output.status.success() {
            failures.push(format!(
                "{} (exit {:?}):\n{}\n{}",
                doc.name,
                output.status.code(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_doc_has_a_signature_naming_it() {
    for doc in bizscript::primitives::all_docs() {
        assert!(
            doc.signature.starts_with(&format!("{}(", doc.name)),
            "{}: {}",
            doc.name,
            doc.signature
        );
        assert!(
            !doc.summary.is_empty() && !doc.example.is_empty(),
            "{}",
            doc.name
        );
    }
}
