//! Acceptance: every real log in `../shared/datapump-logs/` against its ground truth in
//! `sources.tsv`, and a generated large log against the generator's expected figures.

use super::{parse_bytes, parse_file, parse_reader, Outcome, Policy};
use std::path::PathBuf;

fn shared() -> PathBuf {
    super::shared_dir()
}

/// One row of `sources.tsv`.
struct Truth {
    file: String,
    tool: String,
    version: String,
    outcome: String,
    error_count: u64,
    codes: Vec<String>,
    verdict: String,
}

fn truths() -> Option<Vec<Truth>> {
    let dir = shared().join("datapump-logs");
    let Ok(tsv) = std::fs::read_to_string(dir.join("sources.tsv")) else {
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    };
    let rows = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Truth {
                file: f[0].to_string(),
                tool: f[4].to_string(),
                version: f[5].to_string(),
                outcome: f[6].to_string(),
                error_count: f[7].parse().unwrap(),
                codes: f[8]
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                verdict: f[9].to_string(),
            }
        })
        .collect();
    Some(rows)
}

#[test]
fn every_real_log_matches_its_ground_truth() {
    let Some(truths) = truths() else { return };
    assert!(
        truths.len() >= 36,
        "sources.tsv lists {} logs",
        truths.len()
    );
    let dir = shared().join("datapump-logs");
    let mut failures = Vec::new();
    for t in &truths {
        let bytes = std::fs::read(dir.join(&t.file)).unwrap();
        let r = parse_bytes(&bytes, &Policy::default());
        let mut wrong = Vec::new();
        if r.outcome.as_str() != t.outcome {
            wrong.push(format!(
                "outcome {} (want {})",
                r.outcome.as_str(),
                t.outcome
            ));
        }
        // Data Pump's N for completed jobs; for the others the truth counts lines with ORA-.
        let count = match r.outcome {
            Outcome::Success | Outcome::CompletedWithErrors => r.reported_errors,
            _ => Some(r.error_lines),
        };
        if count != Some(t.error_count) {
            wrong.push(format!("error count {count:?} (want {})", t.error_count));
        }
        if r.codes != t.codes {
            wrong.push(format!("codes {:?} (want {:?})", r.codes, t.codes));
        }
        if r.verdict.as_str() != t.verdict {
            wrong.push(format!(
                "verdict {} (want {}): {:?}",
                r.verdict.as_str(),
                t.verdict,
                r.reasons
            ));
        }
        let tool = r.tool.map_or("unknown", |t| t.as_str());
        if tool != t.tool {
            wrong.push(format!("tool {tool} (want {})", t.tool));
        }
        if r.version.as_deref().unwrap_or("") != t.version {
            wrong.push(format!("version {:?} (want {:?})", r.version, t.version));
        }
        // The streaming reader must agree with the in-memory parser.
        let streamed =
            parse_reader(std::io::BufReader::new(&bytes[..]), &Policy::default()).unwrap();
        if streamed != r {
            wrong.push("parse_reader differs from parse_bytes".to_string());
        }
        if !wrong.is_empty() {
            failures.push(format!("{}: {}", t.file, wrong.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} logs wrong:\n{}",
        failures.len(),
        truths.len(),
        failures.join("\n")
    );
}

#[test]
fn no_password_survives_in_the_parameters() {
    let Some(truths) = truths() else { return };
    let dir = shared().join("datapump-logs");
    for t in &truths {
        let r = parse_file(&dir.join(&t.file), &Policy::default()).unwrap();
        for p in r.parameters.iter().filter(|p| p.name == "userid") {
            if let Some((_, rest)) = p.value.split_once('/') {
                let pw: String = rest
                    .chars()
                    .take_while(|c| !matches!(c, '@' | ' ' | '"' | '\''))
                    .collect();
                assert!(
                    pw.is_empty() || pw.chars().all(|c| c == '*'),
                    "{}: {}",
                    t.file,
                    p.value
                );
            }
        }
    }
}

#[test]
fn the_chinese_log_is_read_by_its_codes() {
    let Some(_) = truths() else { return };
    let path = shared().join("datapump-logs/033-impdp-12c-schema-chinese-localized-7errors.log");
    let r = parse_file(&path, &Policy::default()).unwrap();
    assert_eq!(r.job.as_deref(), Some("ZWD.SYS_IMPORT_FULL_01"));
    assert_eq!(r.messages.len(), 7);
    assert_eq!(r.totals.tables, 6);
    assert_eq!(r.totals.rows, 40000);
    // ORA-39151 leaves tables untouched: review for an import, failed for a restore.
    let restore = Policy {
        restore: true,
        ..Policy::default()
    };
    assert_eq!(
        parse_file(&path, &restore).unwrap().verdict.as_str(),
        "failed"
    );
}

#[test]
fn a_generated_big_log_gives_the_expected_figures() {
    let script = shared().join("bench/gen_big_log.py");
    if !script.exists() {
        eprintln!("skipped: {} is absent", script.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for flags in [&["--logtime"][..], &["--crlf"][..]] {
        let log = dir.path().join("big.log");
        let status = std::process::Command::new("python3")
            .arg(&script)
            .arg(&log)
            .arg("4")
            .args(flags)
            .stdout(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => {
                eprintln!("skipped: python3 could not run the generator: {other:?}");
                return;
            }
        }
        let expected: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.path().join("big.log.expected.json")).unwrap(),
        )
        .unwrap();
        let r = parse_file(&log, &Policy::default()).unwrap();
        assert_eq!(r.outcome.as_str(), expected["outcome"], "{flags:?}");
        assert_eq!(
            r.reported_errors,
            expected["reported_errors"].as_u64(),
            "{flags:?}"
        );
        let codes: Vec<String> = expected["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(r.codes, codes, "{flags:?}");
        assert_eq!(
            Some(r.totals.tables),
            expected["tables"].as_u64(),
            "{flags:?}"
        );
        assert_eq!(Some(r.totals.rows), expected["rows"].as_u64(), "{flags:?}");
        assert_eq!(r.tables.len() as u64, r.totals.tables);
        // The generator's errors are ORA-39082 / ORA-31684 (USER) / ORA-39083 (PACKAGE_BODY)
        // and ORA-31693; each is one message, and the skipped table data fails the verdict.
        let counted = r.messages.iter().filter(|m| m.code != "ORA-28002").count() as u64;
        assert_eq!(Some(counted), r.reported_errors, "{flags:?}");
        let failed = codes.iter().any(|c| c == "ORA-31693");
        assert_eq!(
            r.verdict.as_str(),
            if failed { "failed" } else { "review" },
            "{flags:?}"
        );
    }
}
