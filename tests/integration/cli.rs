//! The host's command line: help, parameters, exit codes, errors, check, doc, interrupts.

use crate::support::{bizscript, ScriptDir};
#[cfg(unix)]
use crate::support::{signal, spawn_started};
#[cfg(unix)]
use nix::sys::signal::Signal;
use predicates::prelude::*;
use std::time::{Duration, Instant};

#[test]
fn help_lists_commands_and_exit_codes() {
    bizscript()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("run"))
        .stdout(predicate::str::contains("check"))
        .stdout(predicate::str::contains("doc"))
        .stdout(predicate::str::contains("130  interrupted"))
        .stdout(predicate::str::contains(
            "3    completed, but a person must review",
        ));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    bizscript().args(["run", "--frobnicate"]).assert().code(2);
}

#[test]
fn set_values_arrive_typed() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "typed.rhai",
        "print(type_of(params.n)); print(params.n * 2); print(type_of(params.f)); \
         print(type_of(params.flag)); print(type_of(params.name)); print(params.missing == ());",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .args([
            "--set",
            "n=21",
            "--set",
            "f=2.5",
            "--set",
            "flag=true",
            "--set",
            "name=BIZAGI",
        ])
        .assert()
        .success()
        .stdout("i64\n42\nf64\nbool\nstring\ntrue\n");
}

#[test]
fn malformed_set_is_a_usage_error() {
    let dir = ScriptDir::new();
    let script = dir.write("s.rhai", "1");
    bizscript()
        .arg("run")
        .arg(&script)
        .args(["--set", "novalue"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected KEY=VALUE"));
}

#[test]
fn print_goes_to_stdout_and_diagnostics_to_stderr() {
    let dir = ScriptDir::new();
    let script = dir.write("p.rhai", "print(\"to stdout\");\nthrow \"boom\";\n");
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stdout("to stdout\n")
        .stderr(predicate::str::contains("boom"));
}

#[test]
fn runtime_error_names_line_and_column_with_a_caret() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "err.rhai",
        "fn inner(x) {\n\tlet y = x;\n\tthrow \"bad \" + y;\n}\nlet a = 1;\ninner(a);\n",
    );
    // The excerpt and the caret are the script author's view: -v.
    let output = bizscript()
        .args(["-v", "run"])
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("err.rhai:3:2"), "{stderr}");
    // The tab is expanded to four columns and the caret sits under `throw`.
    let source_line = stderr.lines().find(|l| l.contains("throw \"bad")).unwrap();
    let caret_line = stderr
        .lines()
        .skip_while(|l| !l.contains("throw \"bad"))
        .nth(1)
        .unwrap();
    let throw_col = source_line.find("throw").unwrap();
    assert_eq!(caret_line.find('^'), Some(throw_col), "{stderr}");
    // The call stack names the caller's line.
    assert!(stderr.contains("in call to function `inner`"), "{stderr}");
    assert!(stderr.contains("err.rhai:6:1"), "{stderr}");
}

#[test]
fn syntax_error_exits_2_with_location() {
    let dir = ScriptDir::new();
    let script = dir.write("syn.rhai", "let x = 1;\nlet y = x +;\n");
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syn.rhai:2:12"))
        .stderr(predicate::str::contains("syntax error"));
}

#[test]
fn exit_keeps_its_code() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "e.rhai",
        "fn f() { exit(3); }\nf();\nprint(\"not reached\");\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .code(3)
        .stdout("");
    let script = dir.write("e7.rhai", "exit(7);");
    bizscript().arg("run").arg(&script).assert().code(7);
}

#[test]
fn report_verdict_sets_exit_code_and_report_file() {
    let dir = ScriptDir::new();
    let report = dir.path().join("report.json");
    let script = dir.write(
        "r.rhai",
        "let pw = secret_env(\"BZ_TEST_PW\");\n#{ verdict: \"review\", password: pw, steps: [1, 2] }\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .arg("--report")
        .arg(&report)
        .env("BZ_TEST_PW", "tiger-secret")
        .assert()
        .code(3);
    let text = std::fs::read_to_string(&report).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["verdict"], "review");
    assert_eq!(json["exit_code"], 3);
    assert_eq!(json["password"], "***");
    assert!(!text.contains("tiger-secret"));
}

#[test]
fn failed_script_still_writes_its_report() {
    let dir = ScriptDir::new();
    let report = dir.path().join("report.json");
    let script = dir.write(
        "f.rhai",
        "set_report(#{ step: \"export\" });\nthrow \"export failed\";\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .arg("--report")
        .arg(&report)
        .assert()
        .code(1);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["verdict"], "failed");
    assert_eq!(json["step"], "export");
    assert_eq!(json["error"]["message"], "export failed");
}

#[test]
fn secrets_print_as_stars() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "s.rhai",
        "let pw = secret_env(\"BZ_TEST_PW\");\nprint(pw);\nprint(`${pw}`);\ndebug(pw);\nprint(#{ p: pw });\n",
    );
    let output = bizscript()
        .arg("run")
        .arg(&script)
        .env("BZ_TEST_PW", "tiger-secret")
        .output()
        .unwrap();
    assert!(output.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(all.contains("***"));
    assert!(!all.contains("tiger-secret"), "{all}");
}

#[test]
fn missing_secret_env_says_which_variable() {
    let dir = ScriptDir::new();
    let script = dir.write("s.rhai", "let pw = secret_env(\"BZ_SURELY_UNSET\");\n");
    bizscript()
        .arg("run")
        .arg(&script)
        .env_remove("BZ_SURELY_UNSET")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("BZ-SECRET-UNSET"))
        .stderr(predicate::str::contains("BZ_SURELY_UNSET is not set"))
        .stderr(predicate::str::contains("s.rhai line 1"));
}

// POSIX modes: on Windows the secret file's protection is its ACL.
#[cfg(unix)]
#[test]
fn secret_file_refuses_a_world_readable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = ScriptDir::new();
    let pw = dir.write("pw.txt", "tiger\n");
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o644)).unwrap();
    let script = dir.write("s.rhai", "let pw = secret_file(\"pw.txt\");\nprint(pw);\n");
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("chmod 600"));
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    bizscript()
        .current_dir(dir.path())
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout("***\n");
}

#[test]
fn missing_script_is_a_usage_error() {
    bizscript()
        .args(["run", "no_such_script.rhai"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not found"))
        .stderr(predicate::str::contains("bizagi_export.rhai"));
}

#[test]
fn check_rejects_syntax_errors_and_unknown_functions_with_exit_2() {
    let dir = ScriptDir::new();
    let bad = dir.write("bad.rhai", "let x = 1;\nsecrt_env(\"A\");\n");
    let syntax = dir.write("syntax.rhai", "let x = ;\n");
    let good = dir.write(
        "good.rhai",
        "import \"bizagi\" as b;\nfn f(x) { x + 1 }\nlet y = f(1);\nprint(y.to_string());\n",
    );
    bizscript()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown function `secrt_env`"))
        .stderr(predicate::str::contains("did you mean `secret_env`?"))
        .stderr(predicate::str::contains("bad.rhai:2:1"));
    bizscript()
        .arg("check")
        .arg(&syntax)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syntax error"));
    bizscript()
        .arg("check")
        .arg(&good)
        .assert()
        .success()
        .stderr(predicate::str::contains("good.rhai: ok"));
}

#[test]
fn check_knows_the_embedded_module_functions() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "m.rhai",
        "import \"bizagi\" as bizagi;\nbizagi::no_such_step();\n",
    );
    bizscript()
        .arg("check")
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown function `bizagi::no_such_step`",
        ));
}

#[test]
fn check_does_not_run_the_script() {
    let dir = ScriptDir::new();
    let script = dir.write("loop.rhai", "print(\"ran\");\nloop {}\n");
    bizscript()
        .arg("check")
        .arg(&script)
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .stdout("");
}

#[test]
fn doc_lists_primitives_and_explains_one() {
    bizscript()
        .arg("doc")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "secret_env(name: string) -> Secret",
        ));
    bizscript()
        .args(["doc", "secret_env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Example:"));
    bizscript()
        .args(["doc", "secret_evn"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `secret_env`?"));
    bizscript()
        .args(["doc", "site-scripts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("import \"bizagi\" as bizagi;"));
}

#[test]
fn doc_writes_editor_definitions() {
    let dir = ScriptDir::new();
    let out = dir.path().join("defs");
    bizscript()
        .args(["doc", "--definitions"])
        .arg(&out)
        .assert()
        .success();
    let mut all = String::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(all.contains("fn secret_env("), "{all}");
}

#[test]
fn completions_are_printed() {
    bizscript()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("bizscript"));
}

#[test]
fn imports_resolve_relative_to_the_script() {
    let dir = ScriptDir::new();
    dir.write("helpers.rhai", "fn twice(x) { x * 2 }\n");
    let script = dir.write(
        "main.rhai",
        "import \"helpers\" as h;\nprint(h::twice(21));\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout("42\n");
}

#[cfg(unix)]
#[test]
fn sigint_stops_an_endless_loop_with_130_within_a_second() {
    let dir = ScriptDir::new();
    let script = dir.write("loop.rhai", "print(\"started\");\nloop { }\n");
    let mut child = spawn_started(&script);
    let sent = Instant::now();
    signal(&child, Signal::SIGINT);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < Duration::from_secs(5), "did not stop");
        std::thread::sleep(Duration::from_millis(10));
    };
    let stopped_in = sent.elapsed();
    assert_eq!(status.code(), Some(130));
    assert!(stopped_in < Duration::from_secs(1), "took {stopped_in:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("interrupted"), "{stderr}");
}

#[test]
fn log_file_keeps_a_per_run_log() {
    let dir = ScriptDir::new();
    let script = dir.write("l.rhai", "print(\"hello from the script\");\n");
    let log = dir.path().join("run.log");
    bizscript()
        .arg("--log-file")
        .arg(&log)
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout("hello from the script\n");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("hello from the script"), "{text}");
}

#[cfg(unix)]
#[test]
fn sigterm_also_ends_with_130() {
    let dir = ScriptDir::new();
    let script = dir.write("loop.rhai", "print(\"started\");\nloop { }\n");
    let mut child = spawn_started(&script);
    signal(&child, Signal::SIGTERM);
    assert_eq!(child.wait().unwrap().code(), Some(130));
}

#[test]
fn check_follows_imported_files_and_reports_their_problems_with_exit_2() {
    let dir = ScriptDir::new();
    dir.write("helpers.rhai", "fn notify(text) {\n    prnt(text);\n}\n");
    let script = dir.write(
        "site.rhai",
        "import \"helpers\" as h;\nh::notify(\"x\");\nh::notfy(\"y\");\n",
    );
    bizscript()
        .arg("check")
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown function `prnt`"))
        .stderr(predicate::str::contains("helpers.rhai:2:5"))
        .stderr(predicate::str::contains("unknown function `h::notfy`"))
        .stderr(predicate::str::contains("did you mean `h::notify`?"))
        .stderr(predicate::str::contains("site.rhai:3:"));
    // Private functions of a module are not callable from outside.
    dir.write(
        "secretive.rhai",
        "private fn hidden() { 1 }\nfn shown() { hidden() }\n",
    );
    let private = dir.write(
        "private.rhai",
        "import \"secretive\" as s;\nprint(s::shown());\ns::hidden();\n",
    );
    bizscript()
        .arg("check")
        .arg(&private)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown function `s::hidden`"))
        .stderr(predicate::str::contains("1 problem(s)"));
}
