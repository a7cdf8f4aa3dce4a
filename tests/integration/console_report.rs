//! What a DBA reads when a run ends, through the real binary: one report shape on every path
//! (validated against the schema `bizscript doc report-schema` prints), messages in the DBA's
//! terms, each printed once, no script frames or Rhai maps without `-v`, one final verdict line.

use crate::support::bizscript;
use bizscript::host::simulate::SCENARIOS;
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;

/// The schema as the binary ships it.
pub(crate) fn shipped_schema() -> Value {
    let out = bizscript().args(["doc", "report-schema"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("doc report-schema prints JSON")
}

/// A small JSON Schema validator: the keywords report-schema.json uses (`type`, `required`,
/// `properties`, `additionalProperties: false`, `items`, `enum`, `const`, `oneOf`, `minimum`,
/// `maximum`). An unknown keyword fails, so the schema cannot outgrow the validator unseen.
pub(crate) fn validate(schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(rules) = schema.as_object() else {
        errors.push(format!("{at}: the schema is not an object"));
        return;
    };
    for (key, rule) in rules {
        match key.as_str() {
            "$schema" | "$id" | "title" | "description" => {}
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => vec![],
                };
                let fits = types.iter().any(|t| match *t {
                    "object" => value.is_object(),
                    "array" => value.is_array(),
                    "string" => value.is_string(),
                    "integer" => value.is_i64() || value.is_u64(),
                    "number" => value.is_number(),
                    "boolean" => value.is_boolean(),
                    "null" => value.is_null(),
                    _ => false,
                });
                if !fits {
                    errors.push(format!("{at}: {value} is not of type {types:?}"));
                }
            }
            "required" => {
                for name in rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if value.is_object() && value.get(name).is_none() {
                        errors.push(format!("{at}: `{name}` is missing"));
                    }
                }
            }
            "properties" => {
                if let (Some(props), Some(object)) = (rule.as_object(), value.as_object()) {
                    for (name, sub) in props {
                        if let Some(v) = object.get(name) {
                            validate(sub, v, &format!("{at}.{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(rule, &Value::Bool(false), "only `false` is supported");
                let known = rules.get("properties").and_then(Value::as_object);
                if let (Some(known), Some(object)) = (known, value.as_object()) {
                    for name in object.keys() {
                        if !known.contains_key(name) {
                            errors.push(format!("{at}: unexpected key `{name}`"));
                        }
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    validate(rule, item, &format!("{at}[{i}]"), errors);
                }
            }
            "enum" => {
                if !rule.as_array().is_some_and(|a| a.contains(value)) {
                    errors.push(format!("{at}: {value} is not one of {rule}"));
                }
            }
            "const" => {
                if rule != value {
                    errors.push(format!("{at}: {value} is not {rule}"));
                }
            }
            "minimum" | "maximum" => {
                if let (Some(limit), Some(n)) = (rule.as_f64(), value.as_f64()) {
                    if (key == "minimum" && n < limit) || (key == "maximum" && n > limit) {
                        errors.push(format!("{at}: {n} is beyond the {key} {limit}"));
                    }
                }
            }
            "oneOf" => {
                let matching = rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|sub| {
                        let mut e = Vec::new();
                        validate(sub, value, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if matching != 1 {
                    errors.push(format!("{at}: {value} matches {matching} of oneOf, not 1"));
                }
            }
            other => errors.push(format!("{at}: the validator does not know `{other}`")),
        }
    }
}

pub(crate) fn assert_valid(schema: &Value, report: &Value, case: &str) {
    let mut errors = Vec::new();
    validate(schema, report, "report", &mut errors);
    assert!(
        errors.is_empty(),
        "{case}: the report does not fit the schema: {errors:#?}\n{report:#}"
    );
}

#[test]
fn the_validator_refuses_what_the_schema_refuses() {
    let schema = shipped_schema();
    let mut errors = Vec::new();
    validate(
        &schema,
        &serde_json::json!({ "verdict": "failed", "error": {} }),
        "r",
        &mut errors,
    );
    assert!(
        errors.iter().any(|e| e.contains("`steps` is missing")),
        "{errors:?}"
    );
    let mut errors = Vec::new();
    let bad = serde_json::json!({
        "format_version": 1, "procedure": "p", "database": null, "schema": null,
        "started": "s", "finished": "f", "verdict": "failed", "exit_code": 1, "steps": [],
        "failure": { "step": null, "code": "X", "message": { "code": () }, "hint": null },
    });
    validate(&schema, &bad, "r", &mut errors);
    assert!(
        !errors.is_empty(),
        "a map as the failure's message must not validate"
    );
}

/// One finished run: exit status, stderr, the report.
struct Ended {
    case: String,
    status: Option<i32>,
    stderr: String,
    report: Value,
}

fn read_report(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no report at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// `bizscript run bizagi_export.rhai ARGS --report R` in a clean environment.
fn procedure(case: &str, args: &[&str], env: &[(&str, &str)]) -> Ended {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut cmd = bizscript();
    cmd.env("XDG_STATE_HOME", dir.path().join("state"))
        .env("BIZSCRIPT_SIM_HOME", dir.path().join("home"))
        .env_remove("BIZSCRIPT_PASSWORD")
        .env_remove("ORACLE_SIM_REMOTE")
        .env_remove("NLS_LANG")
        .env_remove("ORACLE_HOME")
        .current_dir(dir.path())
        .args(["run", "bizagi_export.rhai", "--yes", "--report"])
        .arg(&report)
        .args(args)
        .write_stdin("");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Ended {
        case: case.to_string(),
        status: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: read_report(&report),
    }
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// What every run of the shipped procedure must show, whatever ended it.
fn assert_reads_well(schema: &Value, run: &Ended) {
    let case = &run.case;
    assert_valid(schema, &run.report, case);
    assert!(run.report["steps"].is_array(), "{case}: no steps");
    assert_eq!(
        run.report["exit_code"].as_i64(),
        run.status.map(i64::from),
        "{case}: the report's exit code is not the process's"
    );
    assert!(
        !run.stderr.contains("<stdlib>"),
        "{case}: a stdlib frame without -v:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("<shipped>"),
        "{case}: a script frame without -v:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("#{"),
        "{case}: a Rhai map on stderr:\n{}",
        run.stderr
    );
    assert!(
        !run.report.to_string().contains("#{"),
        "{case}: a Rhai map in the report"
    );
    // One final verdict line, last, naming the procedure and the report's verdict.
    let last = run
        .stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let verdict = run.report["verdict"].as_str().unwrap();
    assert!(
        last.starts_with("bizagi_export ") && last.contains(&format!(": {verdict}")),
        "{case}: the last line is not the final verdict line: {last}\n{}",
        run.stderr
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("bizagi_export "))
            .count(),
        1,
        "{case}: more than one final line:\n{}",
        run.stderr
    );
    assert!(
        count(&run.stderr, "what to do") <= 1,
        "{case}: two what-to-do blocks:\n{}",
        run.stderr
    );
    let failure = &run.report["failure"];
    if verdict == "failed" {
        let message = failure["message"].as_str().expect("a failed run says why");
        assert_eq!(
            count(&run.stderr, message),
            1,
            "{case}: the message is not printed once:\n{}",
            run.stderr
        );
        if let Some(hint) = failure["hint"].as_str() {
            assert_eq!(
                count(&run.stderr, hint),
                1,
                "{case}: the fix is not printed once:\n{}",
                run.stderr
            );
            assert_eq!(
                count(&run.stderr, &format!("what to do: {hint}")),
                1,
                "{case}:\n{}",
                run.stderr
            );
        }
        assert!(!message.contains("failed (failed)"), "{case}: {message}");
        assert!(
            !message.contains("ensure_directory: ensure_directory:"),
            "{case}: {message}"
        );
    } else {
        assert!(failure.is_null(), "{case}: {failure}");
    }
    for advice in ["secret_env", "oracle(#{", "site script"] {
        assert!(
            !run.stderr.contains(advice),
            "{case}: script-author advice `{advice}`:\n{}",
            run.stderr
        );
    }
}

#[test]
fn every_scenario_reports_in_the_one_shape() {
    let schema = shipped_schema();
    for scenario in SCENARIOS.iter().filter(|s| s.name != "slow") {
        let run = procedure(
            scenario.name,
            &[&format!("--simulate={}", scenario.name)],
            &[],
        );
        assert_reads_well(&schema, &run);
        assert!(
            !run.report["steps"].as_array().unwrap().is_empty(),
            "{}: no step recorded",
            scenario.name
        );
        assert_eq!(run.report["procedure"], "bizagi_export");
        assert_eq!(run.report["schema"], "BIZAGI");
        match scenario.name {
            "bad_password" => {
                assert_eq!(run.report["failure"]["code"], "ORA-01017");
                assert!(run.stderr.contains("BIZSCRIPT_PASSWORD"), "{}", run.stderr);
                assert!(run.stderr.contains("--set user="), "{}", run.stderr);
                assert!(run.stderr.contains("BizAgiAdmon"), "{}", run.stderr);
            }
            "fatal" | "crash" | "disk_full" => {
                let message = run.report["failure"]["message"].as_str().unwrap();
                // What became of the job is said as confirmed, never "nothing was deleted".
                assert!(message.contains("killed (KILL_JOB, confirmed"), "{message}");
                assert!(
                    !run.stderr.contains("nothing was deleted"),
                    "{}",
                    run.stderr
                );
                if scenario.name == "crash" {
                    assert!(message.contains("SIGKILL"), "{message}");
                    assert!(message.contains("137"), "{message}");
                }
            }
            _ => {}
        }
    }
}

#[test]
fn a_missing_password_names_the_variable_the_user_and_the_database() {
    let schema = shipped_schema();
    let run = procedure(
        "missing password",
        &[
            "--set",
            "connect=//dbhost:1521/PROD",
            "--set",
            "schema=bizagi",
        ],
        &[],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_reads_well(&schema, &run);
    assert_eq!(run.report["failure"]["code"], "BZ-PASSWORD");
    let message = run.report["failure"]["message"].as_str().unwrap();
    assert!(
        message.contains("BizAgiAdmon") && message.contains("//dbhost:1521/PROD"),
        "{message}"
    );
    assert!(
        run.stderr.contains("what to do: export BIZSCRIPT_PASSWORD"),
        "{}",
        run.stderr
    );
    assert_eq!(run.report["database"], "//dbhost:1521/PROD");
    assert_eq!(run.report["schema"], "BIZAGI");
}

#[test]
fn a_wrong_set_key_and_a_missing_schema_exit_2_in_the_one_shape() {
    let schema = shipped_schema();
    let run = procedure("wrong --set", &["--simulate", "--set", "shema=BIZAGI"], &[]);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert_reads_well(&schema, &run);
    assert_eq!(run.report["failure"]["code"], "BZ-PARAMETER-UNKNOWN");
    assert!(
        run.stderr.contains("did you mean `schema`"),
        "{}",
        run.stderr
    );

    let run = procedure(
        "missing schema",
        &["--set", "connect=//dbhost:1521/PROD"],
        &[("BIZSCRIPT_PASSWORD", "not-used")],
    );
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert_reads_well(&schema, &run);
    assert_eq!(run.report["failure"]["code"], "BZ-PARAMETER-MISSING");
    assert!(run.stderr.contains("--set schema="), "{}", run.stderr);
}

#[test]
fn a_held_lock_reports_in_the_one_shape() {
    let schema = shipped_schema();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let state = dir.path().join("state");
    let locks = state.join("bizscript").join("locks");
    std::fs::create_dir_all(&locks).unwrap();
    #[cfg(unix)]
    for d in [&state, &state.join("bizscript"), &locks] {
        std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    }
    // The procedure's lock for this simulated database (src/primitives/lock.rs names the file
    // after the key, case-folded, every other character `_`), held here as another run would.
    let key = format!("bizagi_export:{}:BIZAGI:BIZAGIBACKUPPATH", home.display());
    let name: String = key
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(locks.join(format!("{name}.lock")))
        .unwrap();
    held.lock().unwrap();
    let run = procedure(
        "held lock",
        &["--simulate"],
        &[
            ("BIZSCRIPT_SIM_HOME", home.to_str().unwrap()),
            ("XDG_RUNTIME_DIR", state.to_str().unwrap()),
        ],
    );
    drop(held);
    assert_eq!(run.report["failure"]["code"], "BZ-LOCKED", "{}", run.stderr);
    assert_eq!(run.status, Some(1));
    assert_reads_well(&schema, &run);
    assert!(
        run.stderr.contains("another export of schema BIZAGI"),
        "{}",
        run.stderr
    );
}

// SIGTERM: Unix only.
#[cfg(unix)]
#[test]
fn an_interrupted_slow_export_reports_in_the_one_shape() {
    let schema = shipped_schema();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_bizscript"))
        .env("BIZSCRIPT_SIM_HOME", dir.path().join("home"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("NO_COLOR", "1")
        .env_remove("BIZSCRIPT_PASSWORD")
        .current_dir(dir.path())
        .args([
            "-v",
            "run",
            "bizagi_export.rhai",
            "--simulate=slow",
            "--report",
        ])
        .arg(&report)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // (-v: the copied expdp console, which names the job starting, is on stderr only with -v.)
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(run.stderr.take().unwrap()));
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("Starting \""));
    assert!(started, "the slow export never started");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(run.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = run.wait().unwrap();
    let json = read_report(&report);
    assert_valid(&schema, &json, "slow, interrupted");
    assert_eq!(
        json["exit_code"].as_i64(),
        status.code().map(i64::from),
        "{rest:#?}"
    );
    assert_eq!(json["verdict"], "failed");
    assert!(json["steps"].is_array());
}

#[test]
fn site_scripts_and_compile_errors_report_in_the_one_shape() {
    let schema = shipped_schema();
    let dir = crate::support::ScriptDir::new();
    for (name, text, code) in [
        (
            "thrown.rhai",
            "throw #{ code: \"SITE-X\", message: \"the share is full\", hint: \"free space\" };",
            1,
        ),
        ("string.rhai", "throw \"plain words\";", 1),
        ("syntax.rhai", "let x = ;", 2),
        (
            "returns.rhai",
            "#{ verdict: \"review\", steps: \"not a list\", failure: \"odd\" }",
            3,
        ),
    ] {
        let script = dir.write(name, text);
        let report = dir.path().join(format!("{name}.json"));
        let out = bizscript()
            .arg("run")
            .arg(&script)
            .arg("--report")
            .arg(&report)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = read_report(&report);
        assert_valid(&schema, &json, name);
        assert_eq!(json["procedure"], name.trim_end_matches(".rhai"));
    }
    // A site script's own error says where it stands (file and line; -v shows the excerpt), then
    // one final line.
    let out = bizscript()
        .arg("run")
        .arg(dir.path().join("thrown.rhai"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("thrown.rhai line 1"), "{stderr}");
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert_eq!(
        last, "thrown: failed (SITE-X): the share is full",
        "{stderr}"
    );
    let json = read_report(&dir.path().join("thrown.rhai.json"));
    assert_eq!(json["failure"]["code"], "SITE-X");
    assert_eq!(json["failure"]["hint"], "free space");
}
