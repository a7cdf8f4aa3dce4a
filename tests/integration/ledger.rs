//! Fail closed: the run's exit code is never better than what its primitives reported and the
//! script did not `accept`; mistakes are found before anything runs (exit 2, nothing in the
//! simulator's audit trail). Every test runs the real binary against the simulator.

use crate::support::{bizscript, ScriptDir};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One run of a site script, with the simulated home kept for its audit trail.
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    report: Value,
    home: PathBuf,
}

impl Run {
    /// What the simulated tools were asked to do, one entry per invocation.
    fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.home.join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

/// Runs `script` (in `dir`) under `--simulate=SCENARIO` with a report, plus `extra` arguments.
fn run(dir: &ScriptDir, script: &Path, scenario: &str, extra: &[&str]) -> Run {
    let home = dir.path().join(format!("home-{scenario}"));
    let report = dir.path().join("report.json");
    let _ = std::fs::remove_file(&report);
    let output = bizscript()
        .current_dir(dir.path())
        .env("BIZSCRIPT_SIM_HOME", &home)
        .env("BIZSCRIPT_PASSWORD", "Pw-ledger-4412")
        .env_remove("NLS_LANG")
        .env_remove("ORACLE_HOME")
        .arg("run")
        .arg(script)
        .arg(format!("--simulate={scenario}"))
        .arg("--report")
        .arg(&report)
        .args(extra)
        .output()
        .unwrap();
    let report = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    Run {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
        home,
    }
}

/// A site script that calls expdp directly and only prints what happened.
const DIRECT_EXPORT: &str = r#"
let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD") });
let r = expdp(db, #{ schemas: [params.schema ?? "BIZAGI"], directory: "BIZAGIBACKUPPATH",
                     dumpfile: "direct.dmp", client_log: "direct.client.log" });
print(`export: ${r.outcome}, exit code ${r.exit_code}`);
if params.accept == true { accept(r, "the failure path is what this test is about"); }
if params.exit != () { exit(params.exit); }
"#;

#[test]
fn a_direct_export_that_failed_exits_1_unless_accepted() {
    let dir = ScriptDir::new();
    let script = dir.write("direct.rhai", DIRECT_EXPORT);

    let ignored = run(&dir, &script, "fatal", &[]);
    assert!(
        ignored.stdout.contains("export: failed"),
        "{}",
        ignored.stdout
    );
    assert_eq!(ignored.status, Some(1), "{}", ignored.stderr);
    assert!(
        ignored.stderr.contains("did not accept"),
        "the run says why its exit code is worse: {}",
        ignored.stderr
    );
    assert_eq!(ignored.report["verdict"], "failed", "{}", ignored.report);
    assert_eq!(ignored.report["exit_code"], 1);
    assert_eq!(ignored.report["unaccepted"][0]["primitive"], "expdp");
    assert_eq!(ignored.report["unaccepted"][0]["verdict"], "failed");

    let accepted = run(&dir, &script, "fatal", &["--set", "accept=true"]);
    assert_eq!(accepted.status, Some(0), "{}", accepted.stderr);
    let listed = &accepted.report["accepted"];
    assert_eq!(listed[0]["primitive"], "expdp", "{}", accepted.report);
    assert_eq!(listed[0]["verdict"], "failed");
    assert_eq!(
        listed[0]["reason"],
        "the failure path is what this test is about"
    );
    assert_eq!(accepted.report["unaccepted"], Value::Array(vec![]));

    // The same script against a working database is simply ok.
    let fine = run(&dir, &script, "ok", &[]);
    assert_eq!(fine.status, Some(0), "{}", fine.stderr);
}

#[test]
fn an_explicit_exit_0_after_an_ignored_failure_still_fails() {
    let dir = ScriptDir::new();
    let script = dir.write("direct.rhai", DIRECT_EXPORT);
    let zero = run(&dir, &script, "fatal", &["--set", "exit=0"]);
    assert_eq!(zero.status, Some(1), "{}", zero.stderr);
    let review = run(&dir, &script, "fatal", &["--set", "exit=3"]);
    assert_eq!(review.status, Some(1), "{}", review.stderr);
    // A site's own non-success code is kept: it is not "success" either.
    let own = run(&dir, &script, "fatal", &["--set", "exit=7"]);
    assert_eq!(own.status, Some(7), "{}", own.stderr);
}

#[test]
fn an_ignored_review_exits_3() {
    let dir = ScriptDir::new();
    let script = dir.write("direct.rhai", DIRECT_EXPORT);
    let warned = run(&dir, &script, "warnings", &[]);
    assert!(
        warned.stdout.contains("completed_with_errors"),
        "{}",
        warned.stdout
    );
    assert_eq!(warned.status, Some(3), "{}", warned.stderr);
    assert_eq!(warned.report["verdict"], "review");
}

#[test]
fn a_two_schema_loop_with_one_failed_schema_exits_1() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "loop.rhai",
        r#"
let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD") });
for schema in ["BIZAGI", "MISSING"] {
    let r = expdp(db, #{ schemas: [schema], directory: "BIZAGIBACKUPPATH",
                         dumpfile: `${schema}.dmp`, client_log: `${schema}.client.log` });
    print(`${schema}: ${r.outcome}`);
}
"#,
    );
    let looped = run(&dir, &script, "ok", &[]);
    assert!(
        looped.stdout.contains("BIZAGI: succeeded"),
        "{}",
        looped.stdout
    );
    assert!(looped.stdout.contains("MISSING:"), "{}", looped.stdout);
    assert_eq!(looped.status, Some(1), "{}", looped.stderr);
    let unaccepted = looped.report["unaccepted"].as_array().unwrap();
    assert_eq!(
        unaccepted.len(),
        1,
        "only the missing schema: {unaccepted:?}"
    );
    assert!(
        unaccepted[0]["summary"]
            .as_str()
            .unwrap()
            .contains("failed"),
        "{unaccepted:?}"
    );
}

#[test]
fn a_caught_error_is_not_an_accepted_one() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "caught.rhai",
        r#"
try {
    compress(["no_such_dump.dmp"], #{ archive: "never.zip" });
} catch (e) {
    print(`caught ${e.code}`);
    if params.accept == true { accept(e, "the archive is optional at this site"); }
}
"#,
    );
    let caught = run(&dir, &script, "ok", &[]);
    assert!(caught.stdout.contains("caught BZ-"), "{}", caught.stdout);
    assert_eq!(caught.status, Some(1), "{}", caught.stderr);
    assert_eq!(caught.report["unaccepted"][0]["primitive"], "compress");
    let accepted = run(&dir, &script, "ok", &["--set", "accept=true"]);
    assert_eq!(accepted.status, Some(0), "{}", accepted.stderr);
    assert_eq!(
        accepted.report["accepted"][0]["reason"],
        "the archive is optional at this site"
    );
}

#[test]
fn a_dry_run_is_not_a_failure() {
    let dir = ScriptDir::new();
    let script = dir.write("direct.rhai", DIRECT_EXPORT);
    let dry = run(&dir, &script, "fatal", &["--dry-run"]);
    assert_eq!(dry.status, Some(0), "{}", dry.stderr);
    assert!(
        !dry.audit()
            .iter()
            .any(|a| a["tool"] == "expdp" && !a["argv"].to_string().contains("help")),
        "expdp ran under --dry-run"
    );
}

#[test]
fn accept_refuses_what_no_primitive_returned() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "forged.rhai",
        "accept(#{ verdict: \"failed\" }, \"a map made by hand\");\n",
    );
    let forged = run(&dir, &script, "ok", &[]);
    assert_eq!(forged.status, Some(2), "{}", forged.stderr);
    assert!(forged.stderr.contains("BZ-USAGE"), "{}", forged.stderr);
    assert!(
        forged.stderr.contains("not a result a primitive returned"),
        "{}",
        forged.stderr
    );
}

#[test]
fn a_misspelt_step_exits_2_before_any_tool_runs() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "site.rhai",
        r#"import "bizagi" as bizagi;
let run = bizagi::start(params);
run = bizagi::check_client(run);
run = bizagi::check_charsets(run);
run = bizagi::prepare_directroy(run);
run = bizagi::export_schema(run);
bizagi::finish(run)
"#,
    );
    let typo = run(&dir, &script, "ok", &[]);
    assert_eq!(typo.status, Some(2), "{}", typo.stderr);
    assert!(
        typo.stderr
            .contains("unknown function `bizagi::prepare_directroy`"),
        "{}",
        typo.stderr
    );
    assert!(
        typo.stderr
            .contains("did you mean `bizagi::prepare_directory`?"),
        "{}",
        typo.stderr
    );
    assert!(typo.stderr.contains("site.rhai:5:"), "{}", typo.stderr);
    assert!(typo.stderr.contains("nothing was run"), "{}", typo.stderr);
    assert!(typo.audit().is_empty(), "a tool ran: {:?}", typo.audit());
    assert!(
        !typo.stderr.contains("check_env"),
        "no step started: {}",
        typo.stderr
    );
}

#[test]
fn a_misspelt_function_of_an_imported_file_exits_2_before_anything_runs() {
    let dir = ScriptDir::new();
    dir.write("helpers.rhai", "fn notify(text) { print(text); }\n");
    let script = dir.write(
        "site.rhai",
        "import \"helpers\" as h;\nlet env = check_env();\nh::notfy(`client ${env.client_version}`);\n",
    );
    let typo = run(&dir, &script, "ok", &[]);
    assert_eq!(typo.status, Some(2), "{}", typo.stderr);
    assert!(
        typo.stderr.contains("unknown function `h::notfy`"),
        "{}",
        typo.stderr
    );
    assert!(
        typo.stderr.contains("did you mean `h::notify`?"),
        "{}",
        typo.stderr
    );
    assert!(typo.audit().is_empty(), "a tool ran: {:?}", typo.audit());

    // And a typo inside the imported file itself, named at its own line.
    dir.write("helpers.rhai", "fn notify(text) {\n    prnt(text);\n}\n");
    let script = dir.write(
        "site2.rhai",
        "import \"helpers\" as h;\nh::notify(\"x\");\n",
    );
    let inner = run(&dir, &script, "ok", &[]);
    assert_eq!(inner.status, Some(2), "{}", inner.stderr);
    assert!(
        inner.stderr.contains("unknown function `prnt`"),
        "{}",
        inner.stderr
    );
    assert!(inner.stderr.contains("helpers.rhai:2:"), "{}", inner.stderr);
}

#[test]
fn an_unwritable_report_or_log_file_exits_2_before_anything_runs() {
    let dir = ScriptDir::new();
    let script = dir.write("direct.rhai", DIRECT_EXPORT);
    let home = dir.path().join("home");
    let output = bizscript()
        .env("BIZSCRIPT_SIM_HOME", &home)
        .env("BIZSCRIPT_PASSWORD", "x")
        .arg("run")
        .arg(&script)
        .arg("--simulate")
        .args(["--report", "/nonexistent/dir/r.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent/dir/r.json"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(
        !home.join("audit.jsonl").exists(),
        "something ran before the report path was checked"
    );
    // A folder given as the report file.
    let output = bizscript()
        .arg("run")
        .arg(&script)
        .arg("--report")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("this is a folder"));

    let output = bizscript()
        .env("BIZSCRIPT_SIM_HOME", &home)
        .args(["--log-file", "/nonexistent/dir/run.log", "run"])
        .arg(&script)
        .arg("--simulate")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent/dir/run.log"), "{stderr}");
    assert!(!home.join("audit.jsonl").exists());
}

#[test]
fn a_misspelt_scenario_exits_2_with_a_suggestion() {
    let dir = ScriptDir::new();
    let script = dir.write("s.rhai", "print(\"ran\");\n");
    let output = bizscript()
        .arg("run")
        .arg(&script)
        .arg("--simulate=okk")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a similar value exists: 'ok'"), "{stderr}");
    assert!(
        stderr.contains("charset_mismatch"),
        "the list is shown: {stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn the_scenario_list_is_the_simulators() {
    // oracle-sim is built beside bizscript (the simulator tests need it anyway).
    let sim = PathBuf::from(env!("CARGO_BIN_EXE_bizscript")).with_file_name("oracle-sim");
    let output = std::process::Command::new(&sim)
        .arg("scenarios")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo build -p oracle-sim)", sim.display()));
    let listed: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let ours: Vec<String> = bizscript::host::simulate::SCENARIOS
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert!(!listed.is_empty(), "oracle-sim scenarios printed nothing");
    assert_eq!(ours, listed, "src/host/simulate.rs SCENARIOS vs oracle-sim");
}

#[test]
fn usage_errors_thrown_by_scripts_and_primitives_exit_2() {
    let dir = ScriptDir::new();
    for (name, text) in [
        (
            "param.rhai",
            "throw #{ code: \"BZ-PARAMETER-RANGE\", message: \"parallel must be 1..=64\", hint: \"\" };",
        ),
        ("misuse.rhai", "parse_log_text(\"\", #{ restore: \"yes\" });"),
        ("nested.rhai", "fn f() { parse_log_text(\"\", #{ restore: 1 }) }\nf();"),
        ("option.rhai", "parse_log_text(\"\", #{ alow: [] });"),
        (
            "expdp_option.rhai",
            "let db = oracle(#{ user: \"U\", password: secret_env(\"HOME\") });\nexpdp(db, #{ schemas: [\"A\"], parallel: \"two\" });",
        ),
    ] {
        let script = dir.write(name, text);
        let output = bizscript().arg("run").arg(&script).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // Caught, and reported as the run's failure: still a usage error.
    let script = dir.write(
        "reported.rhai",
        "let failure = ();\ntry { parse_log_text(\"\", #{ restore: 1 }); } catch (e) { failure = e; }\n\
         #{ verdict: \"failed\", failure: failure }",
    );
    bizscript().arg("run").arg(&script).assert().code(2);
    // Any other thrown error is a failure.
    let script = dir.write(
        "other.rhai",
        "throw #{ code: \"BZ-EXPORT\", message: \"no\" };",
    );
    bizscript().arg("run").arg(&script).assert().code(1);
}

#[test]
fn the_procedure_refuses_a_missing_schema_with_2() {
    let output = bizscript()
        .env("BIZSCRIPT_PASSWORD", "x")
        .env_remove("ORACLE_HOME")
        .args(["run", "bizagi_export.rhai"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("schema"), "{stderr}");
}

#[test]
fn a_self_importing_script_exits_2_and_check_reports_it() {
    let dir = ScriptDir::new();
    let script = dir.write("itself.rhai", "import \"itself\" as me;\nprint(\"ran\");\n");
    let output = bizscript().arg("run").arg(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("import cycle"), "{stderr}");
    assert!(output.stdout.is_empty(), "it ran");

    let output = bizscript().arg("check").arg(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("BZ-IMPORT-CYCLE"), "{stderr}");
    assert!(stderr.contains("itself.rhai:1:"), "{stderr}");

    // A cycle through another file.
    dir.write("a.rhai", "import \"b\" as b;\nfn fa() { 1 }\n");
    dir.write("b.rhai", "import \"a\" as a;\nfn fb() { 2 }\n");
    let script = dir.write("main.rhai", "import \"a\" as a;\nprint(a::fa());\n");
    let output = bizscript().arg("check").arg(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a.rhai imports"), "{stderr}");
    bizscript().arg("run").arg(&script).assert().code(2);
}

#[test]
fn a_missing_module_is_reported_before_running() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "m.rhai",
        "print(\"ran\");\nimport \"no_such_module\" as x;\n",
    );
    let output = bizscript().arg("run").arg(&script).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "it ran");
    assert!(String::from_utf8_lossy(&output.stderr).contains("no_such_module"));
}

#[test]
fn closures_held_in_maps_are_not_unknown_functions() {
    let dir = ScriptDir::new();
    let script = dir.write(
        "closures.rhai",
        "let hooks = #{ notify: |t| print(`notify ${t}`) };\nhooks.notify(\"done\");\nlet m = #{};\nm.later = || 5;\nprint(m.later());\n",
    );
    bizscript()
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout("notify done\n5\n");
    let typo = dir.write("typo.rhai", "let a = [1, 2];\nprint(a.lenght());\n");
    let output = bizscript().arg("run").arg(&typo).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `len`?"));
}

#[test]
fn a_run_stopped_before_it_started_still_replaces_the_report() {
    let dir = ScriptDir::new();
    let report = dir.path().join("report.json");
    let typo = dir.write("typo.rhai", "secrt_env(\"X\");\n");
    for (script, sets) in [(&typo, vec![]), (&typo, vec!["--set", "novalue"])] {
        // Yesterday's report said ok; monitoring must not read it again today.
        std::fs::write(&report, "{\"verdict\": \"ok\", \"exit_code\": 0}\n").unwrap();
        let output = bizscript()
            .arg("run")
            .arg(script)
            .args(&sets)
            .arg("--report")
            .arg(&report)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(json["verdict"], "failed", "{sets:?}: {json}");
        assert_eq!(json["exit_code"], 2, "{sets:?}: {json}");
    }
}
