//! The simulator's logs look like real ones: bizscript's log grammar finds in them only the
//! kinds of lines it finds in the real corpus (`../shared/datapump-logs/`), the core kinds a
//! real job log has, and the outcome each scenario stands for.

use bizscript::oracle::log::grammar::{classify, Line};
use bizscript::oracle::log::lines::{decode, SliceLines};
use bizscript::oracle::log::{parse_bytes, Outcome, Policy, Verdict};
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Lines real logs have that the grammar rightly leaves unclassified.
/// Dump file names follow the `Dump file set ... is:` line, one path per line; operating-system
/// errors continue an ORA- message's stack (as in ORA-27072 / ORA-29283).
const KNOWN_OTHER: &[&str] = &[
    "Copyright (c)",
    ";;;",
    "/",
    "Linux-x86_64 Error:",
    "Additional information:",
];

fn kind(line: &Line) -> &'static str {
    match line {
        Line::Blank => "blank",
        Line::Banner { .. } => "banner",
        Line::Version(_) => "version",
        Line::Connected => "connected",
        Line::Parfile { .. } => "parfile",
        Line::Header => "header",
        Line::Starting { .. } => "starting",
        Line::MasterTable { .. } => "master_table",
        Line::ObjectPath(_) => "object_path",
        Line::Row(_) => "row",
        Line::Message { .. } => "message",
        Line::Resumable { .. } => "resumable",
        Line::Final(_) => "final",
        Line::DumpFileSet => "dump_file_set",
        Line::Datafiles => "datafiles",
        Line::FailingSql => "failing_sql",
        Line::Trace { .. } => "trace",
        Line::Separator => "separator",
        Line::Progress => "progress",
        Line::Warning(_) => "warning",
        Line::CharacterSet { .. } => "character_set",
        Line::Info => "info",
        Line::Status { .. } => "status",
        Line::Interactive { .. } => "interactive",
        Line::Confirm { .. } => "confirm",
        Line::Other(_) => "other",
    }
}

/// The kinds of lines in a log.
fn kinds(bytes: &[u8]) -> BTreeSet<&'static str> {
    SliceLines::new(bytes)
        .map(|l| kind(&classify(decode(l).text)))
        .collect()
}

/// The real corpus, when it is there (see `support::shared_fixture`).
fn corpus() -> Option<PathBuf> {
    crate::support::shared_fixture("datapump-logs")
}

fn oracle_sim() -> PathBuf {
    crate::support::oracle_sim()
}

/// Runs one export (and, for import scenarios, an import of an `ok` dump) in a fresh simulated
/// home and returns the server-side logs it wrote.
fn simulated_logs(scenario: &str, tool: &str) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let init = Command::new(oracle_sim())
        .arg("init")
        .arg(&home)
        .args(["--scenario", scenario])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let server = home.join("server/BizAgiBackupPath");
    if tool == "impdp" {
        // An import needs a dump: the simulator accepts any file it wrote with expdp, so make
        // one in an `ok` home and copy it over.
        let ok = simulated_dump();
        std::fs::copy(
            ok.path().join("home/server/BizAgiBackupPath/SRC.dmp"),
            server.join("SRC.dmp"),
        )
        .unwrap();
    }
    let parfile = dir.path().join("job.par");
    let body = if tool == "expdp" {
        "userid=bizagiadmon/pw@//localhost:1521/BIZAGIPDB\nschemas=BIZAGI\ndirectory=BIZAGIBACKUPPATH\ndumpfile=FID.dmp\nlogfile=FID.log\nlogtime=all\nmetrics=yes\n"
    } else {
        "userid=bizagiadmon/pw@//localhost:1521/BIZAGIPDB\nschemas=BIZAGI\ndirectory=BIZAGIBACKUPPATH\ndumpfile=SRC.dmp\nlogfile=FID.log\nremap_schema=BIZAGI:BIZAGI_COPY\n"
    };
    std::fs::write(&parfile, body).unwrap();
    std::fs::set_permissions(&parfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let _ = Command::new(home.join("bin").join(tool))
        .arg(format!("parfile={}", parfile.display()))
        .env("ORACLE_HOME", &home)
        .env("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let mut logs = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&server) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                logs.push(std::fs::read(entry.path()).unwrap());
            }
        }
    }
    logs
}

fn simulated_dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let init = Command::new(oracle_sim())
        .arg("init")
        .arg(&home)
        .output()
        .unwrap();
    assert!(init.status.success());
    let parfile = dir.path().join("src.par");
    std::fs::write(
        &parfile,
        "userid=bizagiadmon/pw\nschemas=BIZAGI\ndirectory=BIZAGIBACKUPPATH\ndumpfile=SRC.dmp\nlogfile=SRC.log\n",
    )
    .unwrap();
    let out = Command::new(home.join("bin/expdp"))
        .arg(format!("parfile={}", parfile.display()))
        .env("ORACLE_HOME", &home)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    dir
}

/// Each scenario, the tool it runs, and the outcome and verdict its log stands for.
const CASES: [(&str, &str, Outcome, Verdict); 8] = [
    ("ok", "expdp", Outcome::Success, Verdict::Ok),
    (
        "warnings",
        "expdp",
        Outcome::CompletedWithErrors,
        Verdict::Review,
    ),
    ("fatal", "expdp", Outcome::Fatal, Verdict::Failed),
    ("crash", "expdp", Outcome::Incomplete, Verdict::Failed),
    ("disk_full", "expdp", Outcome::Fatal, Verdict::Failed),
    ("ok", "impdp", Outcome::Success, Verdict::Ok),
    (
        "warnings",
        "impdp",
        Outcome::CompletedWithErrors,
        Verdict::Review,
    ),
    (
        "tablespace_full",
        "impdp",
        Outcome::CompletedWithErrors,
        Verdict::Failed,
    ),
];

/// The first server-side log of each of [`CASES`], simulated once for both tests.
fn case_logs() -> &'static [Vec<u8>] {
    static LOGS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        CASES
            .iter()
            .map(|(scenario, tool, _, _)| {
                let logs = simulated_logs(scenario, tool);
                assert!(!logs.is_empty(), "{scenario}/{tool}: no log written");
                logs.into_iter().next().unwrap_or_default()
            })
            .collect()
    })
}

/// Needs no corpus: every line of a simulated log is one the grammar recognises, and each
/// scenario's log has the outcome and verdict the scenario stands for.
#[test]
fn simulator_logs_parse_to_the_outcome_of_their_scenario() {
    for ((scenario, tool, outcome, verdict), log) in CASES.iter().zip(case_logs()) {
        let found = kinds(log);
        let unknown: Vec<String> = SliceLines::new(log)
            .map(|l| decode(l).text)
            .filter(|t| matches!(classify(t), Line::Other(_)))
            .map(|t| String::from_utf8_lossy(t).trim().to_string())
            .filter(|t| !KNOWN_OTHER.iter().any(|k| t.starts_with(k)))
            .collect();
        assert!(
            unknown.is_empty(),
            "{scenario}/{tool}: lines the grammar does not recognise: {unknown:#?}"
        );
        for kind in ["banner", "starting"] {
            assert!(found.contains(kind), "{scenario}/{tool}: no {kind} line");
        }
        let report = parse_bytes(log, &Policy::default());
        let expected_outcome = if *scenario == "disk_full" {
            // ORA-27072 may end the job as fatal or as stopped, as real servers do.
            matches!(report.outcome, Outcome::Fatal | Outcome::Stopped)
        } else {
            report.outcome == *outcome
        };
        assert!(
            expected_outcome,
            "{scenario}/{tool}: outcome {:?}, expected {outcome:?}\n{}",
            report.outcome,
            String::from_utf8_lossy(log)
        );
        assert_eq!(
            report.verdict, *verdict,
            "{scenario}/{tool}: reasons {:?}",
            report.reasons
        );
    }
}

/// Needs the corpus: a simulated log has only the kinds of lines real logs have.
#[test]
fn simulator_logs_have_the_shapes_of_real_logs() {
    let Some(corpus) = corpus() else { return };
    let mut real = BTreeSet::new();
    for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "log") {
            real.extend(kinds(&std::fs::read(entry.path()).unwrap()));
        }
    }
    let core = [
        "banner",
        "starting",
        "object_path",
        "row",
        "master_table",
        "dump_file_set",
        "final",
    ];
    for kind in core {
        assert!(
            real.contains(kind),
            "the corpus has no {kind} line: the grammar changed?"
        );
    }
    for ((scenario, tool, _, _), log) in CASES.iter().zip(case_logs()) {
        let found = kinds(log);
        // The server-side .log file starts with `;;;` header and parfile lines that a console
        // transcript lacks (docs/oracle.md §4.1); the corpus holds mostly transcripts.
        let invented: Vec<_> = found
            .difference(&real)
            .filter(|k| !matches!(**k, "header" | "parfile"))
            .collect();
        assert!(
            invented.is_empty(),
            "{scenario}/{tool}: line kinds no real log has: {invented:?}\n{}",
            String::from_utf8_lossy(log)
        );
    }
}
