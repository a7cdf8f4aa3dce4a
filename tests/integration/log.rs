//! `bizscript log`: the verdict of a Data Pump log, its exit code, and its JSON.

use crate::support::{bizscript, ScriptDir};
use predicates::prelude::*;

const EXPORT_WITH_WARNING: &str = "\
Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026
Version 19.27.0.0.0

Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production
Starting \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\":  bizagiadmon/******** schemas=BIZAGI directory=BIZAGIBACKUPPATH
Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
. . exported \"BIZAGI\".\"WFCASE\"                           412.7 KB    3187 rows
ORA-39173: Encrypted data has been stored unencrypted in dump file set.
Master table \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\" successfully loaded/unloaded
******************************************************************************
Dump file set for BIZAGIADMON.SYS_EXPORT_SCHEMA_01 is:
  /u01/backup/BIZAGI.dmp
Job \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\" completed with 1 error(s) at Tue Nov 24 01:02:09 2026 elapsed 0 00:00:06
";

#[test]
fn review_log_exits_3_and_allow_makes_it_ok() {
    let dir = ScriptDir::new();
    let log = dir.write("export.log", EXPORT_WITH_WARNING);
    bizscript()
        .arg("log")
        .arg(&log)
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("REVIEW"))
        .stdout(predicate::str::contains("ORA-39173"));
    bizscript()
        .arg("log")
        .arg(&log)
        .args(["--allow", "ORA-39173"])
        .assert()
        .code(0);
    bizscript()
        .arg("log")
        .arg(&log)
        .args(["--deny", "ORA-39173"])
        .assert()
        .code(1);
}

#[test]
fn json_output_has_the_documented_fields() {
    let dir = ScriptDir::new();
    let log = dir.write("export.log", EXPORT_WITH_WARNING);
    let output = bizscript()
        .arg("log")
        .arg(&log)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for field in [
        "tool",
        "version",
        "job",
        "outcome",
        "reported_errors",
        "codes",
        "messages",
        "tables",
        "dump_files",
        "verdict",
        "reasons",
    ] {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert_eq!(json["verdict"], "review");
    assert_eq!(json["reported_errors"], 1);
    assert_eq!(json["codes"][0], "ORA-39173");
}

#[test]
fn truncated_log_fails_and_missing_file_is_a_usage_error() {
    let dir = ScriptDir::new();
    let cut = EXPORT_WITH_WARNING.split("Master table").next().unwrap();
    let log = dir.write("cut.log", cut);
    bizscript()
        .arg("log")
        .arg(&log)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("FAILED"));
    bizscript()
        .args(["log", "no/such/file.log"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the log"));
}

#[test]
fn dump_file_names_lose_the_indentation_after_a_logtime_stamp() {
    let dir = ScriptDir::new();
    let stamped: String = EXPORT_WITH_WARNING
        .lines()
        .map(|l| format!("24-NOV-26 01:02:03.123: {l}\n"))
        .collect();
    let log = dir.write("stamped.log", &stamped);
    let output = bizscript()
        .arg("log")
        .arg(&log)
        .arg("--json")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["dump_files"][0], "/u01/backup/BIZAGI.dmp");
}

#[test]
fn what_is_not_a_data_pump_log_is_a_usage_error() {
    let dir = ScriptDir::new();
    let empty = dir.write("empty.log", "");
    let readme = dir.write(
        "README.md",
        "# Backups\n\nRun the export every night and keep seven dumps.\nAsk the DBA team.\n",
    );
    let mut dump = b"\x00\x00\x01\x02".to_vec();
    dump.extend_from_slice(b"SCHEMA_EXPORT/TABLE/TABLE_DATA \x00\x00\x05\x06\x07\x08\x0e\x0f");
    dump.extend(std::iter::repeat_n(0u8, 4096));
    let dump_path = dir.path().join("export.dmp");
    std::fs::write(&dump_path, &dump).unwrap();
    for file in [&empty, &readme, &dump_path] {
        bizscript()
            .arg("log")
            .arg(file)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("not a Data Pump log"));
    }
    // A Data Pump log without a final line is a verdict: failed (incomplete), not a usage error.
    let cut = EXPORT_WITH_WARNING.split("Processing").next().unwrap();
    let log = dir.write("cut.log", cut);
    bizscript().arg("log").arg(&log).assert().code(1);
}

#[test]
fn a_malformed_code_is_refused_with_the_expected_form() {
    let dir = ScriptDir::new();
    let log = dir.write("export.log", EXPORT_WITH_WARNING);
    for bad in ["foo", "31684", "ORA31684", "ORA-3168"] {
        for option in ["--allow", "--deny"] {
            bizscript()
                .arg("log")
                .arg(&log)
                .args([option, bad])
                .assert()
                .code(2)
                .stderr(predicate::str::contains(bad))
                .stderr(predicate::str::contains("ORA-39082"));
        }
    }
    // Case and blanks do not matter.
    bizscript()
        .arg("log")
        .arg(&log)
        .args(["--allow", " ora-39173 "])
        .assert()
        .code(0);
}

#[test]
fn a_translated_log_reads_as_its_english_original() {
    let dir = ScriptDir::new();
    let german = "\
Export: Release 19.0.0.0.0 - Production on Di Nov 24 01:02:03 2026
\"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" wird gestartet:  bizagi/******** schemas=BIZAGI directory=DP
Objekttyp SCHEMA_EXPORT/TABLE/TABLE_DATA wird verarbeitet
. . \"BIZAGI\".\"WFCASE\"                           412.7 KB    3187 Zeilen exportiert
Mastertabelle \"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" erfolgreich geladen/entladen
Job \"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" erfolgreich um Di Nov 24 01:02:09 2026 elapsed 0 00:00:06 abgeschlossen
";
    let log = dir.write("de.log", german);
    bizscript()
        .arg("log")
        .arg(&log)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("OK"));
    // A final line in a language bizscript does not read: review, never ok or incomplete.
    let unknown = german.replace(
        "erfolgreich um Di Nov 24 01:02:09 2026 elapsed 0 00:00:06 abgeschlossen",
        "imekamilika saa 01:02:09 elapsed 0 00:00:06",
    );
    let log = dir.write("sw.log", &unknown);
    bizscript()
        .arg("log")
        .arg(&log)
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "final line in a language bizscript does not read",
        ));
}

#[test]
fn a_pasted_log_says_what_was_undone() {
    let dir = ScriptDir::new();
    let pasted: String = EXPORT_WITH_WARNING
        .lines()
        .map(|l| format!("-- {}\n", l.replace('"', "&quot;")))
        .collect();
    let log = dir.write("pasted.log", &pasted);
    bizscript()
        .arg("log")
        .arg(&log)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("ORA-39173"))
        .stdout(predicate::str::contains("line prefixes"))
        .stdout(predicate::str::contains("HTML character references"));
}
