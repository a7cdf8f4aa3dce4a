//! `bizscript repl` through a pseudo-terminal, typed as a person would.
//!
//! Every wait is on text the REPL prints (never on time), with a generous timeout so a loaded
//! machine does not fail the tests. Results are chosen so they cannot appear in the echo of what
//! was typed (`triple(1111)` prints `3333`).

use expectrl::session::{OsProcess, OsStream};
use expectrl::stream::log::LogStream;
use expectrl::{ControlCode, Eof, Expect, Session};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const PROMPT: &str = "bizscript> ";
/// The editor switches bracketed paste on each time it starts reading a line, after it has put
/// the terminal in raw mode and before it draws the prompt. Waiting for it (rather than for the
/// prompt, which every keystroke redraws) is what keeps the tests in step: keys sent earlier
/// could be read and dropped by the previous line's editor.
const READY: &str = "\x1b[?2004h";
const PASSWORD_VAR: &str = "BZ_REPL_TEST_PASSWORD";
const PASSWORD: &str = "Tiger#42-repl";

/// Copies the terminal traffic into the test's captured output, shown when a test fails.
struct Transcript;

impl std::io::Write for Transcript {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        eprint!("{}", String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A REPL in a pseudo-terminal with its own data folder (for the history) and working folder.
struct Repl {
    session: Session<OsProcess, LogStream<OsStream, Transcript>>,
    data: tempfile::TempDir,
    work: tempfile::TempDir,
}

impl Repl {
    fn start(args: &[&str]) -> Self {
        Self::start_with(args, |_| {})
    }

    fn start_with(args: &[&str], adjust: impl FnOnce(&mut Command)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let work = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_bizscript"));
        command
            .arg("repl")
            .args(args)
            .current_dir(work.path())
            .env("XDG_DATA_HOME", data.path())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color")
            .env(PASSWORD_VAR, PASSWORD)
            .env_remove("RUST_LOG");
        adjust(&mut command);
        let mut session =
            expectrl::session::log(Session::spawn(command).unwrap(), Transcript).unwrap();
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        let mut repl = Self {
            session,
            data,
            work,
        };
        repl.expect(READY);
        repl.expect(PROMPT);
        repl
    }

    fn expect(&mut self, text: &str) {
        if let Err(err) = self.session.expect(text) {
            panic!("waiting for {text:?}: {err}");
        }
    }

    /// Types `line` and Enter, then waits for `output` and the next prompt.
    fn run(&mut self, line: &str, output: &str) {
        self.session.send_line(line).unwrap();
        self.expect(output);
        self.expect(READY);
    }

    /// Types a statement that prints nothing and waits for the next prompt.
    fn statement(&mut self, line: &str) {
        self.session.send_line(line).unwrap();
        self.expect(READY);
    }

    fn quit(&mut self) {
        self.session.send_line(":quit").unwrap();
        self.session.expect(Eof).unwrap();
    }

    fn history_file(&self) -> PathBuf {
        self.data.path().join("bizscript").join("history")
    }
}

#[test]
fn evaluates_an_expression_and_keeps_variables() {
    let mut repl = Repl::start(&[]);
    repl.run("6 * 7", "42");
    repl.statement("let schema = \"BIZ\" + \"AGI\";");
    repl.run("schema + \"_ADMIN\"", "\"BIZAGI_ADMIN\"");
    repl.run(
        "#{ verdict: \"o\" + \"k\", exit_code: 2 + 3 }",
        "exit_code  5\r\nverdict    ok",
    );
    repl.quit();
}

#[test]
fn a_function_typed_over_several_lines_can_be_called_later() {
    let mut repl = Repl::start(&[]);
    repl.session.send_line("fn triple(x) {").unwrap();
    repl.session.send_line("    x * 3").unwrap();
    repl.statement("}");
    repl.run("triple(1111)", "3333");
    // An unfinished string continues too.
    repl.session.send_line("let two = `first").unwrap();
    repl.statement("second`;");
    repl.run("two.len()", "12");
    // A pasted function arrives whole (bracketed paste) and runs on Enter.
    repl.session
        .send("\x1b[200~fn quadruple(x) {\n    x * 4\n}\x1b[201~")
        .unwrap();
    repl.statement("");
    repl.run("quadruple(1111)", "4444");
    repl.quit();
}

#[test]
fn errors_show_a_caret_and_the_session_goes_on() {
    let mut repl = Repl::start(&[]);
    repl.statement("let kept = 100;");
    repl.session.send_line("kept + nope").unwrap();
    repl.expect("Undefined variable: nope");
    repl.expect("kept + nope");
    repl.expect("^^^^");
    repl.expect(READY);
    repl.run("kept + 23", "123");
    repl.quit();
}

#[test]
fn help_shows_a_primitive_doc_and_unknown_names_get_a_suggestion() {
    let mut repl = Repl::start(&[]);
    repl.run(
        ":help secret_env",
        "Reads a password from the environment variable `name`",
    );
    repl.run(":help expdp", "Runs a Data Pump export");
    repl.run(":help secret_evn", "did you mean `secret_env`?");
    repl.run(":help", ":dry-run on|off");
    repl.quit();
}

#[test]
fn tab_completes_a_primitive_with_its_parenthesis() {
    let mut repl = Repl::start(&[]);
    repl.session.send("secret_e\t").unwrap();
    repl.expect("secret_env(");
    // The hint shows the signature while the arguments are typed.
    repl.expect("secret_env(name: string) -> Secret");
    // Finish the call: the completion really is in the line.
    repl.run(&format!("\"{PASSWORD_VAR}\")"), "*** (Secret from env:");
    repl.statement("let report = #{ verdict: \"ok\" };");
    repl.session.send("report.ver\t").unwrap();
    repl.expect("report.verdict");
    repl.run("", "\"ok\"");
    // A primitive without arguments completes with both parentheses.
    repl.session.send("run_inf\t").unwrap();
    repl.expect("run_info()");
    repl.session.send(ControlCode::EndOfText).unwrap();
    repl.expect(READY);
    repl.quit();
}

#[test]
fn tab_does_not_offer_every_rhai_builtin() {
    let mut repl = Repl::start(&[]);
    repl.statement("let add_one = |x| x + 1;");
    // `to_up` is not completed to Rhai's `to_upper(`: what is typed next makes the call as
    // written (a completion would have made it `to_upper(per(...)`, an unknown function).
    repl.session.send("to_up\t").unwrap();
    repl.run("per(\"abc\")", "\"ABC\"");
    // The session's own names still complete.
    repl.session.send("add_o\t").unwrap();
    repl.expect("add_one");
    repl.run(".call(41)", "42");
    repl.quit();
}

#[test]
fn ctrl_c_stops_an_endless_loop_and_the_session_goes_on() {
    let mut repl = Repl::start(&[]);
    repl.statement("let before = 5;");
    // The printed word is not in the echo of the line, so seeing it means the loop is running
    // (and the terminal is out of the editor's raw mode, where Ctrl-C is a key, not a signal).
    repl.session
        .send_line("print(\"spin\" + \"ning\"); loop {}")
        .unwrap();
    repl.expect("spinning");
    repl.session.send(ControlCode::EndOfText).unwrap();
    repl.expect("back at the prompt");
    repl.expect(READY);
    repl.run("before * 20", "100");
    // Ctrl-C at the prompt only clears the line, however often: three would end a run.
    for _ in 0..3 {
        repl.session.send("let typo = ").unwrap();
        repl.session.send(ControlCode::EndOfText).unwrap();
        repl.expect(READY);
    }
    repl.run("before * 30", "150");
    repl.quit();
}

#[test]
fn history_is_saved_in_the_data_folder_without_secrets() {
    let mut repl = Repl::start(&[]);
    repl.statement("let sum = 20 + 22;");
    repl.statement(&format!("let pw = secret_env(\"{PASSWORD_VAR}\");"));
    repl.statement(&format!("let typed = \"{PASSWORD}\";"));
    repl.run("pw", "***");
    repl.quit();

    let history = std::fs::read_to_string(repl.history_file()).unwrap();
    assert!(history.contains("let sum = 20 + 22;"), "{history}");
    assert!(history.contains("\npw\n"), "{history}");
    assert!(!history.contains("secret_env"), "{history}");
    assert!(!history.contains(PASSWORD), "{history}");
    assert!(!history.contains(PASSWORD_VAR), "{history}");
    // Nothing was written to the working folder.
    let left: Vec<_> = std::fs::read_dir(repl.work.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "files left in the working folder: {left:?}"
    );

    // The next session finds it: Up recalls the last saved line.
    let mut again = Repl::start_with(&[], |c| {
        c.env("XDG_DATA_HOME", repl.data.path());
    });
    again.session.send("\x1b[A").unwrap();
    again.expect(":quit");
    again.session.send(ControlCode::EndOfText).unwrap();
    again.expect(READY);
    again.run("20 + 22", "42");
    again.quit();
}

#[test]
fn vars_load_reset_and_dry_run() {
    let mut repl = Repl::start(&[]);
    let script = repl.work.path().join("steps.rhai");
    std::fs::write(
        &script,
        "fn greet(who) { `hello ${who}` }\nlet loaded_from_file = 7;\n",
    )
    .unwrap();
    repl.statement(":load steps.rhai");
    repl.run("greet(\"DBA\")", "\"hello DBA\"");
    repl.run(":vars", "loaded_from_file");
    repl.run(":reset", "forgotten");
    repl.run("loaded_from_file", "Undefined variable: loaded_from_file");
    repl.run(":dry-run on", "dry run on");
    repl.expect("bizscript[dry-run]> ");
    repl.run("run_info().dry_run", "true");
    repl.expect("bizscript[dry-run]> ");
    repl.run(":dry-run off", "primitives act");
    repl.run(":dyr-run on", "did you mean `:dry-run`?");
    repl.quit();
}

#[test]
fn ctrl_d_leaves() {
    let mut repl = Repl::start(&[]);
    repl.session.send(ControlCode::EndOfTransmission).unwrap();
    repl.session.expect(Eof).unwrap();
}

#[test]
fn simulate_points_the_session_at_the_simulated_client() {
    let sim = crate::support::oracle_sim();
    let mut repl = Repl::start_with(&["--simulate"], |c| {
        c.env("BIZSCRIPT_ORACLE_SIM", &sim);
    });
    repl.run("run_info().simulate", "true");
    repl.run("run_info().scenario", "\"ok\"");
    repl.quit();
}

#[test]
fn lines_piped_in_are_evaluated_and_leave_no_history() {
    let data = tempfile::tempdir().unwrap();
    crate::support::bizscript()
        .arg("repl")
        .env("XDG_DATA_HOME", data.path())
        .write_stdin("6 * 7\nfn twice(x) {\n  x * 2\n}\ntwice(21)\n#{ verdict: \"ok\" }\n")
        .assert()
        .success()
        .stdout("42\n42\nverdict  ok\n");
    assert!(
        !data.path().join("bizscript").exists(),
        "a piped session wrote a history"
    );
}

#[test]
fn an_unwritable_history_is_reported_once_and_the_session_goes_on() {
    let blocker = tempfile::NamedTempFile::new().unwrap();
    // The data folder is a file, so bizscript/history cannot be created under it.
    let mut repl = Repl::start_with(&[], |c| {
        c.env("XDG_DATA_HOME", blocker.path());
    });
    repl.session.send_line("6 * 7").unwrap();
    repl.expect("42");
    repl.expect("keeping it in memory only");
    repl.expect(READY);
    repl.run("7 * 7", "49");
    // Up recalls from memory.
    repl.session.send("\x1b[A").unwrap();
    repl.expect("7 * 7");
    repl.run("", "49");
    repl.quit();
}

#[test]
fn ctrl_c_during_an_export_kills_the_job_and_the_session_goes_on() {
    let sim = crate::support::oracle_sim();
    let mut repl = Repl::start_with(&["--simulate=slow"], |c| {
        c.env("BIZSCRIPT_ORACLE_SIM", &sim);
    });
    repl.statement(&format!(
        "let db = oracle(#{{ user: \"BIZAGIADMON\", password: secret_env(\"{PASSWORD_VAR}\") }});"
    ));
    repl.session
        .send_line(
            "let r = expdp(db, #{ schemas: [\"BIZAGI\"], directory: \"BIZAGIBACKUPPATH\", dumpfile: \"slow_%U.dmp\" });",
        )
        .unwrap();
    // The progress line names the object path once the job runs.
    repl.expect("SCHEMA_EXPORT");
    repl.session.send(ControlCode::EndOfText).unwrap();
    repl.expect("KILL_JOB");
    repl.expect("back at the prompt");
    repl.expect(READY);
    // Data Pump dropped the killed job: no orphan is left behind.
    repl.run("datapump_jobs(db).len() == 0", "true");
    repl.quit();
}

#[test]
fn dry_run_flag_starts_the_session_in_dry_run_mode() {
    let data = tempfile::tempdir().unwrap();
    crate::support::bizscript()
        .args(["repl", "--dry-run"])
        .env("XDG_DATA_HOME", data.path())
        .write_stdin("run_info().dry_run\n:dry-run off\nrun_info().dry_run\n")
        .assert()
        .success()
        .stdout("true\nfalse\n")
        .stderr(predicates::str::contains("DRY RUN"));
}

#[test]
fn a_parsed_log_prints_as_its_summary() {
    let data = tempfile::tempdir().unwrap();
    let log = "Starting \"SYSTEM\".\"SYS_IMPORT_SCHEMA_01\":  system/******** directory=BIZAGIBACKUPPATH\n\
               ORA-31684: Object type USER:\"BIZAGI\" already exists\n\
               Job \"SYSTEM\".\"SYS_IMPORT_SCHEMA_01\" completed with 1 error(s) at Wed Mar 12 11:12:13 2025 elapsed 0 00:03:12";
    let output = crate::support::bizscript()
        .arg("repl")
        .env("XDG_DATA_HOME", data.path())
        .write_stdin(format!("let r = parse_log_text(`{log}`);\nr\nr.verdict\n"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    let first = lines.next().unwrap_or_default();
    // The verdict first, then how the job ended; the reason names the message.
    assert!(
        first.starts_with("OK  impdp, job SYSTEM.SYS_IMPORT_SCHEMA_01: completed with errors"),
        "{stdout}"
    );
    assert!(stdout.contains("ORA-31684 line 2"), "{stdout}");
    assert!(
        stdout.contains("more: .reasons (1), .messages (1)"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().last(), Some("\"ok\""), "{stdout}");
}

#[test]
fn set_parameters_reach_the_session_as_params() {
    crate::support::bizscript()
        .args(["repl", "--set", "schema=BIZAGI", "--set", "n=21"])
        .write_stdin("print(params.schema);\nprint(params.n * 2);\n:reset\nprint(params.schema);\n")
        .assert()
        .success()
        .stdout("BIZAGI\n42\nBIZAGI\n");
}
