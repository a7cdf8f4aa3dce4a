//! What a DBA reads when a run ends in a way the script did not handle, through the real binary:
//! an error escaping a site script (or a plain script calling primitives), a failed export the
//! script ignored, an interrupt. Each ends with one final verdict line in the DBA's terms, no
//! Rhai source excerpt or call stack without `-v`, the README's exit code, and a report of the
//! shipped schema whose `failure.step` names what was running.

use crate::console_report::{assert_valid, shipped_schema};
use crate::support::{bizscript, ScriptDir};
use serde_json::Value;
use std::path::Path;

/// A plain script: logs on and asks the database who it is (ORA-01017 under `bad_password`).
const PLAIN: &str = r#"
let db = oracle(#{ connect: "//localhost:1521/BIZAGIPDB", user: "BizAgiAdmon", password: secret_env("BIZSCRIPT_PASSWORD") });
let id = database_identity(db);
print(id);
"#;

/// A site script reusing the procedure's first step, then calling a primitive itself, without
/// `bizagi::error_map` or any `try`.
const SITE: &str = r#"
import "bizagi" as bizagi;
let run = bizagi::start(params);
run = bizagi::check_client(run);
let db = oracle(#{ connect: "//localhost:1521/BIZAGIPDB", user: "BizAgiAdmon", password: secret_env("BIZSCRIPT_PASSWORD") });
let id = database_identity(db);
bizagi::finish(run)
"#;

/// A site script that runs an export and returns normally whatever its verdict.
const IGNORES_FAILED_EXPORT: &str = r#"
import "bizagi" as bizagi;
let run = bizagi::start(params);
let db = oracle(#{ connect: "//localhost:1521/BIZAGIPDB", user: "BizAgiAdmon", password: secret_env("BIZSCRIPT_PASSWORD") });
let r = expdp(db, #{ schemas: ["BIZAGI"], directory: "BizAgiBackupPath", dumpfile: "site.dmp", logfile: "site.log" });
bizagi::finish(run)
"#;

struct Ended {
    code: Option<i32>,
    stderr: String,
    report: Value,
}

fn run_script(dir: &ScriptDir, script: &Path, scenario: &str, extra: &[&str]) -> Ended {
    let report = dir.path().join("report.json");
    let _ = std::fs::remove_file(&report);
    let out = bizscript()
        .current_dir(dir.path())
        .env("BIZSCRIPT_PASSWORD", "not-the-password")
        .env("XDG_RUNTIME_DIR", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .args(extra)
        .arg("run")
        .arg(script)
        .arg(format!("--simulate={scenario}"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&report).expect("the report is written on every path");
    Ended {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: serde_json::from_str(&text).expect("the report is JSON"),
    }
}

fn last_line(text: &str) -> &str {
    text.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("")
}

/// Nothing of the script's source or Rhai's call stack: no excerpt gutter, no frame, no map.
fn assert_no_script_internals(stderr: &str, case: &str) {
    for needle in [
        "<stdlib>",
        "#{",
        ",-[",
        "`----",
        "in call to function",
        " | ",
    ] {
        assert!(
            !stderr.contains(needle),
            "{case}: `{needle}` on stderr without -v:\n{stderr}"
        );
    }
}

#[test]
fn an_error_escaping_a_plain_script_ends_with_one_verdict_line_and_no_source() {
    let dir = ScriptDir::new();
    let script = dir.write("plain.rhai", PLAIN);
    let end = run_script(&dir, &script, "bad_password", &[]);
    assert_eq!(end.code, Some(1), "{}", end.stderr);
    assert_no_script_internals(&end.stderr, "plain");
    let last = last_line(&end.stderr);
    assert!(
        last.starts_with("plain: failed (ORA-01017): ")
            && last.contains("wrong user name or password"),
        "the final line: {last}\n{}",
        end.stderr
    );
    // The fix in the DBA's terms, once, and where in the script (file and line, not source).
    assert_eq!(
        end.stderr.matches("what to do: ").count(),
        1,
        "{}",
        end.stderr
    );
    assert!(!end.stderr.contains("oracle(#{ user })"), "{}", end.stderr);
    assert!(end.stderr.contains("plain.rhai line 3"), "{}", end.stderr);
    assert_valid(&shipped_schema(), &end.report, "plain");
    assert_eq!(end.report["failure"]["code"], "ORA-01017");
    assert_eq!(end.report["failure"]["step"], "database_identity");
    assert_eq!(end.report["verdict"], "failed");
    assert_eq!(end.report["exit_code"], 1);

    // -v shows the source and the frames.
    let verbose = run_script(&dir, &script, "bad_password", &["-v"]);
    assert_eq!(verbose.code, Some(1));
    assert!(
        verbose.stderr.contains(",-[") && verbose.stderr.contains("plain.rhai:3:"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn an_error_escaping_a_site_script_keeps_the_steps_and_hides_the_frames() {
    let dir = ScriptDir::new();
    let script = dir.write("site.rhai", SITE);
    let end = run_script(&dir, &script, "bad_password", &[]);
    assert_eq!(end.code, Some(1), "{}", end.stderr);
    assert_no_script_internals(&end.stderr, "site");
    assert!(
        last_line(&end.stderr).starts_with("site: failed (ORA-01017): "),
        "{}",
        end.stderr
    );
    assert_valid(&shipped_schema(), &end.report, "site");
    let steps: Vec<&str> = end.report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(steps, ["check_env"], "{:#}", end.report);
    assert_eq!(end.report["failure"]["step"], "database_identity");
    assert_eq!(end.report["failure"]["code"], "ORA-01017");
}

#[test]
fn a_site_script_returning_normally_after_a_failed_export_exits_1_and_names_it() {
    let dir = ScriptDir::new();
    let script = dir.write("site.rhai", IGNORES_FAILED_EXPORT);
    let end = run_script(&dir, &script, "fatal", &[]);
    assert_eq!(end.code, Some(1), "{}", end.stderr);
    let last = last_line(&end.stderr);
    assert!(
        last.starts_with("site: exit code 1 (failed)") && last.contains("expdp"),
        "the final line names the failed export: {last}\n{}",
        end.stderr
    );
    assert_no_script_internals(&end.stderr, "ignored export");
    assert_valid(&shipped_schema(), &end.report, "ignored export");
    assert_eq!(end.report["verdict"], "failed");
    assert_eq!(end.report["failure"]["step"], "expdp", "{:#}", end.report);
    let message = end.report["failure"]["message"].as_str().unwrap_or("");
    assert!(message.contains("log verdict failed"), "{message}");
    assert!(
        !message.contains("the script's verdict is failed"),
        "the script's verdict was not failed: {message}"
    );
}

/// A hang-up while the export runs: the message names SIGHUP (not "Ctrl-C or SIGTERM") and the
/// report's `failure.step` the step that was running.
#[cfg(unix)]
#[test]
fn a_hangup_is_named_and_the_report_names_the_running_step() {
    use nix::sys::signal::{kill, signal, SigHandler, Signal};
    use nix::unistd::Pid;
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    crate::support::oracle_sim();
    let dir = ScriptDir::new();
    let report = dir.path().join("report.json");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_bizscript"));
    cmd.env_remove("RUST_LOG")
        .env_remove("BIZSCRIPT_SIM_HOME")
        .env("NO_COLOR", "1")
        .env("BIZSCRIPT_PASSWORD", "any")
        .env("XDG_RUNTIME_DIR", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .env("ORACLE_SIM_SLOW_SECONDS", "30")
        .current_dir(dir.path())
        .args([
            "run",
            "bizagi_export.rhai",
            "--simulate=slow",
            "--yes",
            "--report",
        ])
        .arg(&report)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: only `signal` (async-signal-safe) runs between fork and exec. The default
    // disposition, whatever this test inherited (under nohup bizscript rightly keeps it ignored).
    unsafe {
        cmd.pre_exec(|| {
            signal(Signal::SIGHUP, SigHandler::SigDfl)
                .map(|_| ())
                .map_err(std::io::Error::from)
        });
    }
    let mut child = cmd.spawn().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !seen
        .iter()
        .any(|l: &String| l.starts_with("ensure_directory: ok"))
    {
        assert!(
            Instant::now() < deadline,
            "no ensure_directory line:\n{seen:?}"
        );
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push(line);
        }
    }
    // The export has started (it runs for 30 s).
    std::thread::sleep(Duration::from_secs(2));
    kill(Pid::from_raw(child.id() as i32), Signal::SIGHUP).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("bizscript did not end after SIGHUP:\n{}", seen.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
        seen.push(line);
    }
    let stderr = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(!stderr.contains("Ctrl-C or SIGTERM"), "{stderr}");
    assert!(
        last_line(&stderr).contains("interrupted by SIGHUP"),
        "the final line names the signal:\n{stderr}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_valid(&shipped_schema(), &report, "hangup");
    assert_eq!(report["failure"]["step"], "expdp", "{report:#}");
    assert_eq!(report["failure"]["code"], "BZ-INTERRUPTED");
    let message = report["failure"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("SIGHUP") && !message.contains("Ctrl-C"),
        "{message}"
    );
}
