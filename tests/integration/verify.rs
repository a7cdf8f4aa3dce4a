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
