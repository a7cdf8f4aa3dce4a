//! Ctrl-C, interactive-command mode, ATTACH, and jobs whose client dies.

mod common;

use common::{stdout, Sim, EXPORT};
use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn job_rows(sim: &Sim) -> String {
    sim.sql("system/pw", "SELECT job_name || '|' || state || '|' || TO_CHAR(attached_sessions) FROM dba_datapump_jobs;").0
}

fn master_tables(sim: &Sim, name: &str) -> String {
    sim.sql(
        "system/pw",
        &format!("SELECT TO_CHAR(COUNT(*)) FROM dba_tables WHERE table_name = '{name}';"),
    )
    .0
    .trim()
    .to_string()
}

/// Starts a slow export and waits until its job shows in dba_datapump_jobs.
fn start_slow(sim: &Sim, job: &str) -> Child {
    let args = [
        "bizagiadmon/pw".to_string(),
        "schemas=bizagi".to_string(),
        "directory=BizAgiBackupPath".to_string(),
        format!("dumpfile={job}.dmp"),
        format!("logfile={job}.log"),
        format!("job_name={job}"),
    ];
    let child = sim
        .cmd("expdp")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !job_rows(sim).contains(&format!("{job}|EXECUTING|1")) {
        assert!(Instant::now() < deadline, "the job never showed up");
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

fn sigint(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn finish(mut child: Child, input: &str) -> (String, Option<i32>) {
    std::thread::sleep(Duration::from_millis(300));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let start = Instant::now();
    let status = child.wait().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "client did not react"
    );
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    (out, status.code())
}

#[test]
fn ctrl_c_then_kill_job_removes_job_master_table_and_dump() {
    let sim = Sim::new("slow");
    let child = start_slow(&sim, "BK_KILL");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        sim.backup_dir().join("BK_KILL.dmp").exists(),
        "the dump is written while the job runs"
    );
    sigint(&child);
    let (out, code) = finish(child, "STATUS\nKILL_JOB\nyes\n");
    assert!(out.contains("Export> "), "{out}");
    assert!(out.contains("State: EXECUTING"));
    assert!(out.contains("Are you sure you wish to stop this job ([yes]/no): "));
    assert_eq!(code, Some(1));
    assert_eq!(job_rows(&sim).trim(), "");
    assert_eq!(master_tables(&sim, "BK_KILL"), "0");
    assert!(!sim.backup_dir().join("BK_KILL.dmp").exists());
    let log = sim.read(sim.backup_dir().join("BK_KILL.log"));
    assert!(log.contains("Job \"BIZAGIADMON\".\"BK_KILL\" has been killed by user."));
}

#[test]
fn stop_job_leaves_it_not_running_and_attach_kill_job_cleans_up() {
    let sim = Sim::new("slow");
    let child = start_slow(&sim, "BK_STOP");
    sigint(&child);
    let (_, code) = finish(child, "STOP_JOB=IMMEDIATE\nyes\n");
    assert_eq!(code, Some(1));
    assert_eq!(job_rows(&sim).trim(), "BK_STOP|NOT RUNNING|0");
    assert_eq!(master_tables(&sim, "BK_STOP"), "1");

    let out = sim.run(
        "expdp",
        &["bizagiadmon/pw", "attach=bk_stop"],
        "KILL_JOB\nyes\n",
    );
    let text = stdout(&out);
    assert!(text.contains("Job: BK_STOP"), "{text}");
    assert!(text.contains("State: IDLING"));
    assert_eq!(job_rows(&sim).trim(), "");
    assert_eq!(master_tables(&sim, "BK_STOP"), "0");
}

#[test]
fn exit_client_leaves_the_job_executing_and_eof_in_interactive_mode_too() {
    let sim = Sim::new("slow");
    let child = start_slow(&sim, "BK_EXIT");
    sigint(&child);
    let (_, code) = finish(child, "EXIT_CLIENT\n");
    assert_eq!(code, Some(0));
    assert_eq!(job_rows(&sim).trim(), "BK_EXIT|EXECUTING|0");

    let child = start_slow(&sim, "BK_EOF");
    sigint(&child);
    let (out, code) = finish(child, "");
    assert!(out.contains("UDE-00005: unexpected End-Of-File encountered while reading input"));
    assert_eq!(code, Some(1));
    assert!(job_rows(&sim).contains("BK_EOF|EXECUTING|0"));
}

#[test]
fn continue_client_resumes_logging() {
    let sim = Sim::new("slow");
    let child = start_slow(&sim, "BK_CONT");
    sigint(&child);
    // CONTINUE_CLIENT, then a second Ctrl-C and KILL_JOB so the test does not wait a minute.
    std::thread::sleep(Duration::from_millis(300));
    let mut child = child;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"CONTINUE_CLIENT\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    sigint(&child);
    std::thread::sleep(Duration::from_millis(300));
    stdin.write_all(b"KILL_JOB\n\n").unwrap();
    drop(stdin);
    child.wait().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out.matches("Export> ").count(), 2, "{out}");
    assert_eq!(job_rows(&sim).trim(), "");
}

#[test]
fn sigterm_orphans_the_job() {
    let sim = Sim::new("slow");
    let mut child = start_slow(&sim, "BK_TERM");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(job_rows(&sim).trim(), "BK_TERM|NOT RUNNING|0");
    // The DBA's orphan cleanup: drop the master table, the job row goes with it.
    let (out, code) = sim.sql(
        "system/pw",
        "WHENEVER SQLERROR EXIT 2\nDROP TABLE bizagiadmon.bk_term PURGE;",
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(job_rows(&sim).trim(), "");
}

#[test]
fn crash_leaves_a_not_running_job_without_final_line() {
    let sim = Sim::new("crash");
    let out = sim.expdp(EXPORT);
    assert_eq!(out.status.code(), None, "killed by a signal");
    let text = stdout(&out);
    assert!(text.contains("Starting \"BIZAGIADMON\".\"SYS_EXPORT_SCHEMA_01\""));
    assert!(!text.contains("Job \"BIZAGIADMON\""));
    assert_eq!(job_rows(&sim).trim(), "SYS_EXPORT_SCHEMA_01|NOT RUNNING|0");
    assert_eq!(master_tables(&sim, "SYS_EXPORT_SCHEMA_01"), "1");
    assert_eq!(sim.audit()[0]["crashed"], true);
    // A new default-named job picks the next number.
    let sim_ok_args = [
        "bizagiadmon/pw",
        "schemas=bizagi",
        "directory=BizAgiBackupPath",
        "dumpfile=b2.dmp",
        "logfile=b2.log",
        "job_name=SYS_EXPORT_SCHEMA_01",
    ];
    let out = sim.expdp(&sim_ok_args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("ORA-31634: job already exists"));
}

#[test]
fn attach_to_unknown_job_is_ora_31626() {
    let sim = Sim::new("ok");
    let out = sim.expdp(&["bizagiadmon/pw", "attach=nothing_here"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("ORA-31626: job does not exist"));
}

#[test]
fn second_ctrl_c_forces_the_client_out_and_orphans_the_job() {
    let sim = Sim::new("slow");
    let mut child = start_slow(&sim, "BK_TWICE");
    sigint(&child);
    std::thread::sleep(Duration::from_millis(400));
    sigint(&child);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(job_rows(&sim).trim(), "BK_TWICE|NOT RUNNING|0");
}

#[test]
fn another_session_attaches_and_kills_a_running_job() {
    let sim = Sim::new("slow");
    let child = start_slow(&sim, "BK_OTHER");
    let out = sim.run(
        "expdp",
        &["system/pw", "attach=bizagiadmon.bk_other"],
        "KILL_JOB\nyes\n",
    );
    assert!(
        stdout(&out).contains("State: EXECUTING"),
        "{}",
        stdout(&out)
    );
    assert_eq!(job_rows(&sim).trim(), "");
    // The first client notices its job is gone.
    let (text, code) = finish(child, "");
    assert_eq!(code, Some(1));
    assert!(text.contains("ORA-31626: job does not exist"), "{text}");
}
