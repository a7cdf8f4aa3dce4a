//! What a DBA reads on the console, through the real binary off a terminal (as under cron): one
//! line per step and the final line; `-q` the final line only; `-qq` nothing; `-v` into a pipe
//! without escape codes; the `--log-file` header and closing line; no lock file left behind.

use crate::support::bizscript;
use std::path::Path;

/// One run of `bizscript ARGS` in a fresh folder with private state and runtime folders.
struct Console {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    dir: tempfile::TempDir,
}

fn run_in(
    dir: tempfile::TempDir,
    args: &[&str],
    adjust: impl FnOnce(&mut assert_cmd::Command),
) -> Console {
    let mut cmd = bizscript();
    let runtime = dir.path().join("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    cmd.env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("BIZSCRIPT_PASSWORD", "Pw-console-1")
        .env_remove("ORACLE_SIM_REMOTE")
        .env_remove("NLS_LANG")
        .env_remove("ORACLE_HOME")
        .env_remove("CLICOLOR_FORCE")
        .current_dir(dir.path())
        .args(args);
    adjust(&mut cmd);
    let output = cmd.output().unwrap();
    Console {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        dir,
    }
}

fn run(args: &[&str]) -> Console {
    run_in(tempfile::tempdir().unwrap(), args, |_| {})
}

const EXPORT: &[&str] = &["run", "bizagi_export.rhai", "--simulate=ok", "--yes"];
const FAILING: &[&str] = &["run", "bizagi_export.rhai", "--simulate=fatal", "--yes"];

fn with(base: &[&str], more: &[&'static str]) -> Vec<&'static str> {
    base.iter()
        .map(|s| -> &'static str { Box::leak(s.to_string().into_boxed_str()) })
        .chain(more.iter().copied())
        .collect()
}

#[test]
fn a_successful_run_off_a_terminal_prints_one_line_per_step_and_the_final_line() {
    let out = run(EXPORT);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    // Progress is shown for work that runs over a few seconds, at most every tenth: on a
    // loaded machine (the whole suite in parallel) the simulated dump's compress can be that
    // slow. Those lines are bounded on their own; everything else fits in 15 lines.
    let progress =
        |l: &str| (l.starts_with("compress: ") || l.starts_with("verify: ")) && l.contains("% (");
    assert!(
        lines.iter().filter(|l| progress(l)).count() <= 20,
        "more than one line per tenth of each phase:\n{}",
        out.stderr
    );
    let lines: Vec<&str> = lines.into_iter().filter(|l| !progress(l)).collect();
    assert!(
        lines.len() <= 15,
        "{} lines on stderr:\n{}",
        lines.len(),
        out.stderr
    );
    // Each step once, with its status, and no primitive repeating it in its own words.
    for step in [
        "check_env: ok: ",
        "nls_charset: ok: ",
        "ensure_directory: ok: ",
        "expdp: ok: ",
        "parse_log: ok: ",
        "compress: ok: ",
        "manifest: ok: ",
    ] {
        let n = lines.iter().filter(|l| l.starts_with(step)).count();
        assert_eq!(n, 1, "`{step}` {n} times:\n{}", out.stderr);
    }
    assert!(!out.stderr.contains("check_env: ok - "), "{}", out.stderr);
    // The copied expdp console is the client log's, not the console's. (Whether progress of
    // short work stays quiet depends on the machine's speed: compress's own tests check that.)
    assert!(
        !out.stderr.contains("Processing object type"),
        "{}",
        out.stderr
    );
    let last = lines.last().copied().unwrap_or_default();
    assert!(
        last.starts_with("bizagi_export BIZAGI: ok: exported, archived and verified: "),
        "{last}"
    );
    let mut seen = std::collections::BTreeSet::new();
    for line in &lines {
        assert!(seen.insert(*line), "printed twice: {line}\n{}", out.stderr);
    }
}

#[test]
fn quiet_prints_only_the_final_line_and_very_quiet_nothing() {
    let ok = run(&with(EXPORT, &["-q"]));
    assert_eq!(ok.status, Some(0), "{}", ok.stderr);
    assert_eq!(ok.stderr.lines().count(), 1, "{}", ok.stderr);
    assert!(
        ok.stderr
            .starts_with("bizagi_export BIZAGI: ok: exported, archived and verified: "),
        "{}",
        ok.stderr
    );
    assert_eq!(ok.stdout, "");

    let failed = run(&with(FAILING, &["-q"]));
    assert_eq!(failed.status, Some(1), "{}", failed.stderr);
    assert_eq!(failed.stderr.lines().count(), 1, "{}", failed.stderr);
    assert!(
        failed.stderr.starts_with("bizagi_export BIZAGI: failed: "),
        "{}",
        failed.stderr
    );

    for (args, code) in [(with(EXPORT, &["-qq"]), 0), (with(FAILING, &["-qq"]), 1)] {
        let out = run(&args);
        assert_eq!(out.status, Some(code), "{args:?}");
        assert_eq!(out.stderr, "", "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
}

#[test]
fn quiet_shows_the_error_that_ended_a_site_script_not_the_line_before_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.rhai"),
        "say(\"step one: ok\");\nthrow \"the tape library is offline\";\n",
    )
    .unwrap();
    let out = run_in(dir, &["run", "site.rhai", "-q"], |_| {});
    assert_eq!(out.status, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("the tape library is offline"),
        "{}",
        out.stderr
    );
    let quieter = run_in(
        tempfile::tempdir().unwrap(),
        &["run", "missing.rhai", "-qq"],
        |_| {},
    );
    assert_eq!(quieter.status, Some(2));
    assert_eq!(quieter.stderr, "");
    // A command line clap refuses: the exit code only, too.
    let refused = run(&["-qq", "run", "bizagi_export.rhai", "--simulate=okk"]);
    assert_eq!(refused.status, Some(2));
    assert_eq!(refused.stderr, "");
}

#[test]
fn verbose_into_a_pipe_writes_no_escape_codes_unless_colour_is_forced() {
    let plain = run_in(
        tempfile::tempdir().unwrap(),
        &with(EXPORT, &["-v"]),
        |cmd| {
            cmd.env_remove("NO_COLOR");
        },
    );
    assert_eq!(plain.status, Some(0), "{}", plain.stderr);
    // -v brings the client's console back to stderr.
    assert!(plain.stderr.contains("expdp: "), "{}", plain.stderr);
    assert!(plain.stderr.contains("INFO"), "{}", plain.stderr);
    assert!(!plain.stderr.contains('\x1b'), "{:?}", plain.stderr);

    // The same run with colour forced has them: the check above can fail.
    let forced = run_in(
        tempfile::tempdir().unwrap(),
        &with(EXPORT, &["-v", "--color=always"]),
        |cmd| {
            cmd.env_remove("NO_COLOR");
        },
    );
    assert!(forced.stderr.contains('\x1b'), "{}", forced.stderr);
    let env_forced = run_in(
        tempfile::tempdir().unwrap(),
        &with(EXPORT, &["-v"]),
        |cmd| {
            cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
        },
    );
    assert!(env_forced.stderr.contains('\x1b'));
    let no_color = run_in(
        tempfile::tempdir().unwrap(),
        &with(EXPORT, &["-v", "--color=auto"]),
        |cmd| {
            cmd.env("NO_COLOR", "1").env("CLICOLOR_FORCE", "1");
        },
    );
    assert!(!no_color.stderr.contains('\x1b'));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_log_file_has_a_header_and_a_closing_line_with_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let log_arg: &'static str = Box::leak(log.display().to_string().into_boxed_str());
    let out = run_in(dir, &with(EXPORT, &["--log-file", log_arg]), |_| {});
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    let text = read(&log);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "==== bizscript {} started 20",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(lines[1].starts_with("==== command: "), "{text}");
    assert!(
        lines[1].contains("run bizagi_export.rhai --simulate=ok"),
        "{text}"
    );
    assert!(lines[2].contains("scenario `ok`"), "{text}");
    let last = lines.last().copied().unwrap_or_default();
    assert!(last.starts_with("==== bizscript finished 20"), "{last}");
    assert!(last.ends_with("exit code 0 (success)"), "{last}");
    // The log keeps what the console leaves out: the client's console.
    assert!(text.contains("Processing object type"), "{text}");
    assert!(!text.contains('\x1b'));

    // A refused run: its secret-looking value masked, its exit code 2 in the closing line.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("refused.log");
    let log_arg: &'static str = Box::leak(log.display().to_string().into_boxed_str());
    let out = run_in(
        dir,
        &with(
            EXPORT,
            &["--set", "db_password=Tiger-Secret-9", "--log-file", log_arg],
        ),
        |_| {},
    );
    assert_eq!(out.status, Some(2), "{}", out.stderr);
    let text = read(&log);
    assert!(!text.contains("Tiger-Secret-9"), "{text}");
    assert!(text.contains("db_password=***"), "{text}");
    assert!(
        text.trim_end().ends_with("exit code 2 (usage error)"),
        "{text}"
    );
}

#[test]
fn runs_leave_no_lock_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let first = run_in(dir, EXPORT, |_| {});
    assert_eq!(first.status, Some(0), "{}", first.stderr);
    // Each simulated run has its own temporary home, so its export lock has its own key: before,
    // every run left one more file.
    let second = run_in(first.dir, EXPORT, |_| {});
    assert_eq!(second.status, Some(0), "{}", second.stderr);
    let mut left = Vec::new();
    for folder in [root.join("runtime"), root.join("state")] {
        for entry in walk(&folder) {
            if entry.extension().is_some_and(|e| e == "lock") {
                left.push(entry);
            }
        }
    }
    assert!(left.is_empty(), "lock files left: {left:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn a_failed_export_says_each_thing_once_and_keeps_the_kill_console_in_its_log() {
    let out = run(FAILING);
    assert_eq!(out.status, Some(1), "{}", out.stderr);
    // The attached client that kills the job talks into its own client log, not the console.
    assert!(!out.stderr.contains("expdp (attach):"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("Processing object type"),
        "{}",
        out.stderr
    );
    let lines: Vec<&str> = out.stderr.lines().collect();
    let mut seen = std::collections::BTreeSet::new();
    for line in &lines {
        assert!(seen.insert(*line), "printed twice: {line}\n{}", out.stderr);
    }
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("bizagi_export BIZAGI: failed: ")),
        "{}",
        out.stderr
    );
    // ... and with -v it is on stderr too.
    let verbose = run(&with(FAILING, &["-v"]));
    assert!(
        verbose.stderr.contains("expdp (attach):"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn the_charset_advice_is_printed_once() {
    let out = run(&["run", "bizagi_export.rhai", "--simulate=charset_mismatch"]);
    assert_eq!(out.status, Some(1), "{}", out.stderr);
    let advice = "cannot represent every character";
    assert_eq!(out.stderr.matches(advice).count(), 1, "{}", out.stderr);
}

#[test]
fn usage_errors_give_their_cause_once() {
    let typo = run(&["run", "bizagi_export.rhai", "--simulate=okk"]);
    assert_eq!(typo.status, Some(2), "{}", typo.stderr);
    assert_eq!(typo.stderr.matches("'okk'").count(), 1, "{}", typo.stderr);
    let report = run(&[
        "run",
        "bizagi_export.rhai",
        "--simulate=ok",
        "--report",
        "/nonexistent-folder-7731/report.json",
    ]);
    assert_eq!(report.status, Some(2), "{}", report.stderr);
    assert_eq!(
        report.stderr.matches("does not exist").count(),
        1,
        "{}",
        report.stderr
    );
    assert_eq!(report.stderr.lines().count(), 1, "{}", report.stderr);
}
