//! `oracle-sim init`: the home's layout and the shell lines it prints.

use std::process::Command;

#[test]
fn init_prints_the_environment_and_lays_out_a_home() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    let out = Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
        .arg("init")
        .arg(&home)
        .args(["--scenario", "charset_mismatch"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let abs = home.canonicalize().unwrap();
    assert!(lines[0].starts_with('#') && lines[0].contains("SIMULATED"));
    assert_eq!(
        lines[1],
        format!("export ORACLE_HOME=\"{}\"", abs.display())
    );
    assert_eq!(
        lines[2],
        format!("export PATH=\"{}/bin:$PATH\"", abs.display())
    );
    assert_eq!(
        lines[3],
        "export NLS_LANG=\"AMERICAN_AMERICA.WE8MSWIN1252\""
    );
    for tool in ["expdp", "impdp", "sqlplus"] {
        let meta = std::fs::metadata(abs.join("bin").join(tool)).unwrap();
        // Windows has no execute bit; the tool's existence is what it can check there.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(meta.permissions().mode() & 0o777, 0o755);
        }
        #[cfg(not(unix))]
        assert!(meta.is_file());
    }
    assert!(abs.join("rdbms/mesg/udeus.msb").is_file());
    assert!(abs.join("server/BizAgiBackupPath").is_dir());

    // Re-running init resets the home.
    std::fs::write(abs.join("audit.jsonl"), "{}\n").unwrap();
    std::fs::write(abs.join("server/BizAgiBackupPath/old.dmp"), "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
        .arg("init")
        .arg(&home)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!abs.join("audit.jsonl").exists());
    assert!(!abs.join("server/BizAgiBackupPath/old.dmp").exists());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("NLS_LANG=\"AMERICAN_AMERICA.AL32UTF8\""));
}

#[test]
fn init_rejects_unknown_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
        .arg("init")
        .arg(dir.path())
        .args(["--scenario", "sunny"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario"));
}

#[test]
fn bad_home_has_no_message_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
        .arg("init")
        .arg(dir.path())
        .args(["--scenario", "bad_home"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!dir.path().join("rdbms/mesg/udeus.msb").exists());
    assert!(dir.path().join("bin/expdp").is_file());
}
