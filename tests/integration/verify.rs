//! The test restore, bizagi_verify.rhai, through the real binary against the simulator: an
//! export verify-restores into BZV_<tag> and ends 0, the scratch schema is gone afterwards (asked
//! of the simulated database's dba_users), and the manifest gains `verified_at` and the verdict
//! with every other field as it was.

use crate::restore::{Home, PASSWORD};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// The users the simulated database lists in dba_users, asked through its sqlplus.
fn dba_users(home: &Home) -> Vec<String> {
    let mut child = Command::new(home.home().join("bin/sqlplus"))
        .args(["-S", "-L", "/nolog"])
        .env("ORACLE_HOME", home.home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            format!(
                "CONNECT bizagiadmon/{PASSWORD}@//localhost:1521/BIZAGIPDB\nSET PAGESIZE 0\nSELECT username FROM dba_users;\nEXIT\n"
            )
            .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let users: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    // The query ran: the database's own users are there.
    assert!(users.iter().any(|u| u == "BIZAGIADMON"), "{users:?}");
    users
}

#[test]
fn export_then_verify_ends_0_and_the_scratch_schema_is_gone() {
    let home = Home::new();
    let (zip, manifest) = home.export();
    let before: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let run = home.procedure(
        "bizagi_verify.rhai",
        "ok",
        &[format!("archive={}", zip.display())],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let record = &run.report["verify"];
    assert_eq!(record["verdict"], "ok", "{record}");
    let scratch = record["scratch_schema"].as_str().unwrap().to_string();
    assert!(scratch.starts_with("BZV_"), "{scratch}");
    assert_eq!(record["scratch_dropped"], true, "{record}");
    assert_eq!(record["sha256_check"], "passed");
    let tables = record["tables"].as_array().unwrap();
    assert_eq!(
        tables.len(),
        before["import"]["tables"].as_array().unwrap().len()
    );
    for t in tables {
        assert_eq!(t["expected"], t["restored"], "{t}");
    }
    for phase in [
        "archive",
        "prechecks",
        "verify_only",
        "impdp",
        "postchecks",
        "drop_scratch",
    ] {
        assert!(
            record["phases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == phase && !p["started"].is_null()),
            "{phase}: {record}"
        );
    }
    assert!(run.tools.iter().any(|t| t == "impdp"), "{:?}", run.tools);
    let users = dba_users(&home);
    assert!(
        !users.contains(&scratch),
        "{scratch} still in dba_users: {users:?}"
    );
    // The manifest: verified_at and the verdict added, everything else as it was.
    let mut after: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(after["verify_verdict"], "ok", "{after}");
    assert!(
        after["verified_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z')),
        "{after}"
    );
    let map = after.as_object_mut().unwrap();
    map.remove("verify_verdict");
    map.remove("verified_at");
    assert_eq!(after, before);
}

#[test]
fn a_verify_that_fails_its_prechecks_is_never_ok_and_leaves_no_scratch_schema() {
    let home = Home::new();
    let (zip, manifest) = home.export();
    let run = home.procedure(
        "bizagi_verify.rhai",
        "charset_incompatible",
        &[format!("archive={}", zip.display())],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.report["verify"]["verdict"], "failed");
    assert!(!run.tools.iter().any(|t| t == "impdp"), "{:?}", run.tools);
    assert!(!dba_users(&home).iter().any(|u| u.starts_with("BZV_")));
    let m: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(m["verify_verdict"], "failed", "{m}");
}

/// Ctrl-C (SIGINT to bizscript's process group, as a terminal sends it) while the verify's
/// import runs: the host still drops the scratch schema the import had created, and says so.
#[cfg(unix)]
#[test]
fn a_ctrl_c_during_the_verify_import_still_drops_the_scratch_schema() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};
    let home = Home::new();
    let (zip, _) = home.export();
    let report = home.home().with_file_name("interrupted.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bizscript"))
        .env("BIZSCRIPT_SIM_HOME", home.home())
        .env("XDG_STATE_HOME", home.home().with_file_name("state"))
        .env("BIZSCRIPT_PASSWORD", PASSWORD)
        .env("ORACLE_SIM_SLOW_SECONDS", "8")
        .env_remove("NLS_LANG")
        .env_remove("ORACLE_HOME")
        .args([
            "-v",
            "run",
            "bizagi_verify.rhai",
            "--simulate=slow",
            "--yes",
            "--report",
        ])
        .arg(&report)
        .arg("--set")
        .arg(format!("archive={}", zip.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(
            Instant::now() < deadline,
            "the import never started:\n{}",
            seen.join("\n")
        );
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            let hit = line.contains("BIZSCRIPT_IMP_") && line.contains("Starting");
            seen.push(line);
            if hit {
                break;
            }
        }
    }
    let group = nix::unistd::Pid::from_raw(-(child.id() as i32));
    nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGINT).unwrap();
    let status = child.wait().unwrap();
    while let Ok(line) = lines.recv_timeout(Duration::from_millis(500)) {
        seen.push(line);
    }
    let output = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{output}");
    assert!(
        output.contains("dropping the scratch schema BZV_"),
        "{output}"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    crate::console_report::assert_valid(
        &crate::console_report::shipped_schema(),
        &r,
        "interrupted verify",
    );
    assert_eq!(r["verdict"], "failed", "{r}");
    let cleanup = r["scratch_cleanup"].as_array().unwrap();
    assert_eq!(cleanup.len(), 1, "{r}");
    assert_eq!(cleanup[0]["gone"], true, "{r}");
    let scratch = cleanup[0]["schema"].as_str().unwrap().to_string();
    // The drop was real: the killed import had created the user (the audit trail shows the
    // DROP USER), and dba_users no longer lists it.
    let audit = std::fs::read_to_string(home.home().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains(&format!("DROP USER {scratch} CASCADE")),
        "{audit}"
    );
    assert!(!dba_users(&home).contains(&scratch));
    assert!(!output.contains(PASSWORD));
}

#[test]
fn without_an_archive_the_verify_takes_the_newest_verified_one_in_archive_dir() {
    let home = Home::new();
    let (older, _) = home.export();
    let (newer, newer_manifest) = home.export();
    assert_ne!(older, newer);
    let folder = newer.parent().unwrap();
    let run = home.procedure(
        "bizagi_verify.rhai",
        "ok",
        &[
            format!("archive_dir={}", folder.display()),
            "schema=BIZAGI".into(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.report["verify"]["archive"],
        newer.display().to_string(),
        "{}",
        run.report
    );
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(&newer_manifest).unwrap()).unwrap();
    assert_eq!(m["verify_verdict"], "ok");
    // Another schema has none: the verify stops before anything runs, naming the folder.
    let run = home.procedure(
        "bizagi_verify.rhai",
        "ok",
        &[
            format!("archive_dir={}", folder.display()),
            "schema=OTHER".into(),
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.report["failure"]["code"], "BZ-NO-ARCHIVE",
        "{}",
        run.report
    );
    assert!(!run.tools.iter().any(|t| t == "impdp"));
}
