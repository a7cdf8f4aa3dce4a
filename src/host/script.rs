//! `bizscript run`: load a script, point it at Oracle (or the simulator), run it, report.

use crate::cancel::Cancel;
use crate::host::diagnostics::{self, Style};
use crate::host::engine::{known_function_names, EngineBuilder};
use crate::host::error::HostError;
use crate::host::params::parse_params;
use crate::host::report::{finalize, now_utc, write_report, HostFailure, RunFacts};
use crate::host::simulate::SimHome;
use crate::host::sources::{ScriptSource, SourceMap};
use crate::primitives::json::to_json;
use crate::primitives::outcome::{combine, ExitStatus, Ledger, Outcome};
use crate::primitives::runtime::{HostCtx, OracleEnv, Simulation};
use rhai::{Dynamic, EvalAltResult, Map, Scope, AST};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// What `bizscript run` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The script's path, or the name of a shipped script.
    pub script: PathBuf,
    /// `--set KEY=VALUE` arguments.
    pub sets: Vec<String>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--simulate[=SCENARIO]`.
    pub simulate: Option<String>,
    /// `--report FILE`.
    pub report: Option<PathBuf>,
    /// `--yes`.
    pub assume_yes: bool,
    /// `-v` or more: the shipped procedure's failures show their script frames too.
    pub verbose: bool,
}

impl RunOptions {
    /// What the report says of this run whatever the script does.
    fn facts(&self, started: &str) -> RunFacts {
        let set = |key: &str| {
            self.sets.iter().rev().find_map(|s| {
                s.split_once('=')
                    .filter(|(k, _)| k.trim() == key)
                    .map(|(_, v)| v.trim().to_string())
            })
        };
        let procedure = self
            .script
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".rhai").to_string())
            .unwrap_or_else(|| self.script.display().to_string());
        RunFacts {
            procedure,
            database: set("connect").map(|c| crate::oracle::connection::shown_connect(&c)),
            schema: set("schema").map(|s| s.to_uppercase()),
            started: started.to_string(),
        }
    }
}

/// The environment for a run: the process's, or a fresh simulated client.
pub fn oracle_env(simulate: Option<&str>) -> Result<(OracleEnv, Option<SimHome>), HostError> {
    let mut env = OracleEnv::inherit();
    let Some(scenario) = simulate else {
        return Ok((env, None));
    };
    let home = SimHome::create(scenario)?;
    home.apply(&mut env);
    let kept = if std::env::var_os("BIZSCRIPT_SIM_HOME").is_some() {
        "kept afterwards"
    } else {
        "removed at the end; set BIZSCRIPT_SIM_HOME=DIR to keep it"
    };
    eprintln!(
        "bizscript: SIMULATION (scenario `{scenario}`): Oracle's tools are simulated in {} ({kept}); nothing touches a real database",
        home.home.display()
    );
    Ok((env, Some(home)))
}

/// Builds the run's context.
pub fn host_context(
    dry_run: bool,
    assume_yes: bool,
    cancel: Cancel,
    env: OracleEnv,
    sim: Option<&SimHome>,
) -> Arc<HostCtx> {
    let mut ctx = HostCtx::new(dry_run, assume_yes, cancel, env);
    ctx.simulation = sim.map(|s| Simulation {
        home: s.home.clone(),
        scenario: s.scenario.clone(),
    });
    Arc::new(ctx)
}

/// The scope every script starts with: `params` (a constant map; a missing key reads as `()`).
pub fn initial_scope(params: Map) -> Scope<'static> {
    let mut scope = Scope::new();
    scope.push_constant("params", params);
    scope
}

/// How evaluating a script ended.
pub enum Evaluation {
    /// It ran to the end (or to `exit`); the value it returned.
    Finished(Dynamic),
    /// It threw, or a primitive failed. `usage` when the error is the script's or its caller's
    /// mistake (a `BZ-USAGE` or `BZ-PARAMETER...` code, a function or module that does not
    /// exist, an import cycle): exit 2, like a script that does not compile.
    Failed {
        rendered: String,
        /// Where in a user's own script (`file:line:col`), never a shipped module's place.
        location: Option<String>,
        error: Box<Value>,
        usage: bool,
        /// The error as a DBA reads it (code, message, hint), without frames or excerpts.
        failure: HostFailure,
    },
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

/// Error codes that mean "used wrongly" (exit 2): primitives throw `BZ-USAGE` for misuse and
/// `BZ-OPTION` / `BZ-<PRIMITIVE>-OPTION` for options they refuse before doing anything, the
/// procedure `BZ-PARAMETER...` for parameters it refuses, imports `BZ-IMPORT-...` (a cycle, a
/// missing module).
pub fn is_usage_code(code: &str) -> bool {
    code == "BZ-USAGE"
        || code.starts_with("BZ-PARAMETER")
        || code.starts_with("BZ-IMPORT-")
        || (code.starts_with("BZ-") && code.ends_with("-OPTION"))
}

/// True when the innermost error is a usage error (see [`Evaluation::Failed`]).
pub fn is_usage_error(err: &EvalAltResult) -> bool {
    match err {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _)
        | EvalAltResult::ErrorInModule(_, inner, _) => is_usage_error(inner),
        EvalAltResult::ErrorRuntime(payload, _) => {
            let code = payload
                .read_lock::<Map>()
                .and_then(|m| m.get("code").and_then(|c| c.clone().into_string().ok()));
            code.is_some_and(|c| is_usage_code(&c))
        }
        EvalAltResult::ErrorFunctionNotFound(..) | EvalAltResult::ErrorModuleNotFound(..) => true,
        _ => false,
    }
}

/// Compiles `source` against `scope` (strict variables need the scope's names).
pub fn compile(
    engine: &rhai::Engine,
    scope: &Scope,
    source: &ScriptSource,
    sources: &SourceMap,
) -> Result<AST, Box<diagnostics::ScriptDiagnostic>> {
    sources.insert(&source.id, &source.text);
    match engine.compile_with_scope(scope, &source.text) {
        Ok(mut ast) => {
            ast.set_source(source.id.as_str());
            Ok(ast)
        }
        Err(err) => Err(Box::new(diagnostics::parse_error(
            &err, &source.id, sources,
        ))),
    }
}

/// Runs a compiled script, turning Rhai's outcome into an [`Evaluation`].
pub fn evaluate(
    engine: &rhai::Engine,
    scope: &mut Scope,
    ast: &AST,
    main_id: &str,
    sources: &SourceMap,
    cancel: &Cancel,
) -> Evaluation {
    match engine.eval_ast_with_scope::<Dynamic>(scope, ast) {
        Ok(value) => Evaluation::Finished(value),
        Err(err) => {
            if cancel.is_cancelled() || is_terminated(&err) {
                return Evaluation::Interrupted;
            }
            let diagnostic =
                diagnostics::eval_error(&err, main_id, sources, &known_function_names(engine));
            let error = serde_json::json!({
                "code": diagnostic.code(),
                "message": diagnostic.message(),
                "location": diagnostic.location,
            });
            let failure = HostFailure {
                step: crate::primitives::console::running_step(),
                code: diagnostic.code().unwrap_or("BZ-SCRIPT").to_string(),
                message: diagnostic.message().to_string(),
                hint: diagnostic.hint().map(str::to_string),
            };
            let error = Box::new(error);
            Evaluation::Failed {
                rendered: diagnostic.render(Style::for_stderr()),
                location: diagnostic.user_location().map(str::to_string),
                error,
                usage: is_usage_error(&err),
                failure,
            }
        }
    }
}

/// True when the error is the engine stopping the script (Ctrl-C through `on_progress`), however
/// deep in function calls or modules it surfaced.
pub fn is_terminated(err: &EvalAltResult) -> bool {
    match err {
        EvalAltResult::ErrorTerminated(..) => true,
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _)
        | EvalAltResult::ErrorInModule(_, inner, _) => is_terminated(inner),
        _ => false,
    }
}

/// Refuses, before anything runs, an output file (`--report`, `--log-file`) that could not be
/// written at the end: the path must not be a folder, and its folder must exist and take a new
/// file (the report is written to a temporary name there and renamed). A log file that exists
/// is appended to, so it only has to open for appending. Nothing is left behind by the test.
pub fn check_output_path(
    flag: &str,
    path: &std::path::Path,
    appended: bool,
) -> Result<(), HostError> {
    let shown = path.display();
    if path.is_dir() {
        return Err(HostError::Usage(format!(
            "{flag} {shown}: this is a folder; name a file in it"
        )));
    }
    if appended && path.is_file() {
        return std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(|e| {
                HostError::Usage(format!(
                    "{flag} {shown}: cannot append to it: {e} (nothing was run)"
                ))
            });
    }
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !folder.is_dir() {
        return Err(HostError::Usage(format!(
            "{flag} {shown}: the folder {} does not exist; create it or choose another path (nothing was run)",
            folder.display()
        )));
    }
    tempfile::Builder::new()
        .prefix(".bizscript-write-test-")
        .tempfile_in(folder)
        .map(drop)
        .map_err(|e| {
            HostError::Usage(format!(
                "{flag} {shown}: cannot create a file in {}: {e} (nothing was run)",
                folder.display()
            ))
        })
}

/// Where `path` leads: the file it names (links resolved), or, for a file not there yet, its
/// folder's real path joined with its name.
fn resolved(path: &std::path::Path) -> Option<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    Some(folder.canonicalize().ok()?.join(path.file_name()?))
}

/// Refuses, before anything runs, a `--report` that names one of the run's other files (the
/// script, which the report would replace, or the `--log-file`, which it would garble).
pub fn check_report_is_its_own_file(
    report: &std::path::Path,
    others: &[(&str, &std::path::Path)],
) -> Result<(), HostError> {
    let Some(target) = resolved(report) else {
        return Ok(());
    };
    for (what, other) in others {
        if resolved(other).as_ref() == Some(&target) {
            return Err(HostError::Usage(format!(
                "--report {}: this is {what}; the report would replace it: name another file (nothing was run)",
                report.display()
            )));
        }
    }
    Ok(())
}

/// `bizscript run`.
///
/// Everything that can be known before the first step is checked first, so a mistake costs
/// seconds, not an export: the parameters, the report's folder, and the script itself (syntax,
/// unknown functions with a "did you mean", in the script and the files it imports, import
/// cycles). Any of these exits 2 with nothing run.
pub fn run(options: &RunOptions, cancel: Cancel) -> Result<ExitStatus, HostError> {
    if let Some(path) = &options.report {
        check_output_path("--report", path, false)?;
    }
    let facts = options.facts(&now_utc());
    let params =
        parse_params(&options.sets).map_err(|e| early_report(options, &facts, e.into()))?;
    let source =
        ScriptSource::load(&options.script).map_err(|e| early_report(options, &facts, e.into()))?;
    let findings = crate::host::check::check_script(&source);
    if !findings.is_empty() {
        for finding in &findings {
            eprintln!("{}", finding.rendered);
        }
        let message = format!(
            "{}: {} problem(s) found before running; nothing was run (`bizscript check` shows the same)",
            source.id,
            findings.len()
        );
        eprintln!("bizscript: {message}");
        crate::primitives::console::hold_final(&format!("bizscript: {message}"));
        write_failure_report(options, &facts, ExitStatus::Usage, "BZ-CHECK", &message);
        return Ok(ExitStatus::Usage);
    }
    let (env, sim) =
        oracle_env(options.simulate.as_deref()).map_err(|e| early_report(options, &facts, e))?;
    let ctx = host_context(
        options.dry_run,
        options.assume_yes,
        cancel.clone(),
        env,
        sim.as_ref(),
    );
    if options.dry_run {
        eprintln!("bizscript: DRY RUN: primitives say what they would do and change nothing");
    }

    let sources = SourceMap::new();
    let engine = EngineBuilder::new(ctx.clone(), sources.clone())
        .script_dir(source.dir.as_deref())
        .build();
    let mut scope = initial_scope(params);
    let ast = match compile(&engine, &scope, &source, &sources) {
        Ok(ast) => ast,
        Err(diagnostic) => {
            eprintln!("{}", diagnostic.render(Style::for_stderr()));
            crate::primitives::console::hold_final(&format!("bizscript: {}", diagnostic.message()));
            write_failure_report(
                options,
                &facts,
                ExitStatus::Usage,
                "BZ-SYNTAX",
                diagnostic.message(),
            );
            return Ok(ExitStatus::Usage);
        }
    };

    let evaluation = evaluate(&engine, &mut scope, &ast, &source.id, &sources, &cancel);
    // A verify's scratch schema goes whatever happened, Ctrl-C included.
    let scratch = crate::primitives::restore_postchecks::drop_guarded(&ctx);
    let set_report = ctx.report.lock().ok().and_then(|mut r| r.take());
    // Script frames and source excerpts are a script author's business: a DBA running the
    // shipped procedure or a site script sees the message, the fix and (for a site script) the
    // file and line; -v shows the frames.
    let quiet_frames = !options.verbose;
    let (status, report) = conclude(
        evaluation,
        set_report,
        &cancel,
        &ctx.ledger,
        &facts,
        quiet_frames,
    );
    let mut report = report;
    let mut status = status;
    if !scratch.is_empty() {
        if let Some(serde_json::Value::Object(map)) = report.as_mut() {
            map.insert(
                "scratch_cleanup".into(),
                serde_json::Value::Array(
                    scratch
                        .iter()
                        .map(|(schema, gone)| serde_json::json!({ "schema": schema, "gone": gone }))
                        .collect(),
                ),
            );
            if let Some(serde_json::Value::Object(verify)) = map.get_mut("verify") {
                let all_gone = scratch.iter().all(|(_, gone)| *gone);
                verify.insert("scratch_dropped".into(), serde_json::Value::Bool(all_gone));
            }
        }
        // A scratch schema left behind is never ok.
        if scratch.iter().any(|(_, gone)| !gone) && status == ExitStatus::Success {
            status = ExitStatus::Failure;
        }
    }
    if let (Some(path), Some(report)) = (&options.report, &report) {
        write_report(path, report).map_err(|source| HostError::Report {
            path: path.display().to_string(),
            source,
        })?;
        tracing::info!("report written to {}", path.display());
    }
    drop(sim);
    Ok(status)
}

/// The report of a run that stopped before its script started (a refused parameter, a script
/// that is missing or does not check, a simulator that cannot start): monitoring that reads the
/// report file must never find yesterday's `ok` there.
fn write_failure_report(
    options: &RunOptions,
    facts: &RunFacts,
    status: ExitStatus,
    code: &str,
    message: &str,
) {
    let Some(path) = &options.report else {
        return;
    };
    let report = serde_json::json!({
        "verdict": "failed",
        "exit_code": status.code(),
        "error": { "code": code, "message": message },
        "accepted": [],
        "unaccepted": [],
    });
    let failure = HostFailure {
        step: None,
        code: code.to_string(),
        message: message.to_string(),
        hint: None,
    };
    let report = finalize(report, facts, status.code(), Some(&failure));
    if let Err(e) = write_report(path, &report) {
        eprintln!("bizscript: cannot write the report {}: {e}", path.display());
    }
}

/// Writes the failure report for `err` and hands it back.
fn early_report(options: &RunOptions, facts: &RunFacts, err: HostError) -> HostError {
    let code = match &err {
        HostError::Params(_) => "BZ-PARAMETER",
        HostError::Load(_) | HostError::Usage(_) => "BZ-USAGE",
        HostError::Simulate(_) => "BZ-SIMULATE",
        HostError::Report { .. } => "BZ-REPORT",
    };
    write_failure_report(options, facts, err.exit_status(), code, &err.to_string());
    err
}

/// Decides the exit status and the report from how the script ended and what the ledger holds.
fn conclude(
    evaluation: Evaluation,
    set_report: Option<Map>,
    cancel: &Cancel,
    ledger: &Ledger,
    facts: &RunFacts,
    quiet_frames: bool,
) -> (ExitStatus, Option<Value>) {
    let mut report = set_report.map(|m| to_json(&Dynamic::from_map(m)));
    let mut host_failure: Option<HostFailure> = None;
    let script_status = match evaluation {
        Evaluation::Finished(value) => {
            if value.is_map() {
                report = Some(to_json(&value));
            }
            if cancel.is_cancelled() {
                ExitStatus::Interrupted
            } else if let Ok(code) = value.as_int() {
                ExitStatus::from_script_code(code)
            } else {
                // A verdict that is none of the three (`FAILED`, `error`, a number) fails closed:
                // a script that meant failure must not exit 0.
                let stated = report
                    .as_ref()
                    .and_then(|r| r.get("verdict"))
                    .filter(|v| !v.is_null());
                let status = match stated {
                    None => ExitStatus::Success,
                    Some(v) => match v.as_str().and_then(ExitStatus::from_verdict) {
                        Some(status) => status,
                        None => {
                            crate::primitives::console::final_line(&format!(
                                "bizscript: the script's verdict {v} is not \"ok\", \"review\" or \"failed\": the run counts as failed"
                            ));
                            ExitStatus::Failure
                        }
                    },
                };
                // A report that caught a usage error and says so (`failure.code`) still exits
                // 2: the exit-code contract does not depend on who caught the error.
                let usage = report
                    .as_ref()
                    .and_then(|r| r.pointer("/failure/code"))
                    .and_then(Value::as_str)
                    .is_some_and(is_usage_code);
                if status == ExitStatus::Failure && usage {
                    ExitStatus::Usage
                } else {
                    status
                }
            }
        }
        Evaluation::Failed {
            rendered,
            location,
            error,
            usage,
            mut failure,
        } => {
            if failure.step.is_none() {
                // A primitive's message starts with its name (`expdp: ...`).
                failure.step = failure
                    .message
                    .split_once(": ")
                    .map(|(name, _)| name)
                    .filter(|n| {
                        !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                    .map(str::to_string)
                    .or_else(|| last_failed_primitive(ledger));
            }
            crate::host::dba_terms::translate(&mut failure, facts);
            let status = if usage {
                ExitStatus::Usage
            } else {
                ExitStatus::Failure
            };
            // Under -q the final line (the error), not the last line said before it, is what
            // remains; under -qq nothing (console::line).
            if quiet_frames {
                if let Some(place) = location.as_deref().map(shown_location) {
                    crate::primitives::console::line(&format!(
                        "where: {place} (-v shows the script's source and call stack)"
                    ));
                }
                print_failure(&facts.procedure, &failure, status);
            } else {
                if crate::primitives::console::quiet() == 0 {
                    eprintln!("{rendered}");
                }
                print_final_line(&facts.procedure, &failure, status);
            }
            let r = report.get_or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(map) = r {
                map.insert("verdict".into(), Value::String("failed".into()));
                map.insert("error".into(), *error);
            }
            host_failure = Some(failure);
            status
        }
        Evaluation::Interrupted => {
            let failure = interrupted_failure();
            crate::primitives::console::final_line(&format!(
                "{}: {}",
                facts.procedure, failure.message
            ));
            host_failure = Some(failure);
            let r = report.get_or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(map) = r {
                map.insert("verdict".into(), Value::String("failed".into()));
                map.insert("interrupted".into(), Value::Bool(true));
            }
            ExitStatus::Interrupted
        }
    };
    let worst = ledger.worst();
    let status = combine(script_status, worst);
    let outcomes = ledger.outcomes();
    let unaccepted = ledger.unaccepted();
    if status != script_status {
        // The script said better than what happened: say why the exit code is worse, once.
        // The run's final line (under -q the only one, in place of a better verdict the
        // script printed); the details follow on stderr when it is shown.
        crate::primitives::console::line(&format!(
            "bizscript: exit code {} ({}), not the script's own {}: it did not accept what these primitives reported:",
            status.code(),
            worst.as_str(),
            script_status.code()
        ));
        for o in &unaccepted {
            crate::primitives::console::line(&format!("  {}: {}", o.verdict.as_str(), o.summary));
        }
        crate::primitives::console::line(
            "  (a script that means to go on records why with accept(result, \"reason\"))",
        );
        let worst_one = unaccepted.iter().find(|o| o.verdict == worst);
        let message = worst_one.map_or_else(
            || format!("a primitive's verdict is {}", worst.as_str()),
            |o| o.summary.clone(),
        );
        // The final line: what failed, not the script's own better verdict said before it.
        crate::primitives::console::final_line(&format!(
            "{}: exit code {} ({}), not the script's own {}: {message} (the script went on without accepting it)",
            facts.procedure,
            status.code(),
            worst.as_str(),
            script_status.code()
        ));
        if status == ExitStatus::Failure && host_failure.is_none() {
            host_failure = Some(HostFailure {
                step: worst_one.map(|o| o.primitive.to_string()),
                code: "BZ-NOT-ACCEPTED".into(),
                message,
                hint: Some("the script went on after this failure without accept(result, \"reason\"): fix the cause, or accept it in the script with the reason".into()),
            });
        }
    }
    if status == ExitStatus::Interrupted && host_failure.is_none() {
        host_failure = Some(interrupted_failure());
    }
    // A report file is always written when asked for, even for a script that set none.
    let mut report = report.unwrap_or_else(|| Value::Object(Default::default()));
    if let Value::Object(map) = &mut report {
        if status != script_status {
            if let Some(previous) = map.insert("verdict".into(), Value::from(worst.as_str())) {
                map.insert("script_verdict".into(), previous);
            }
        }
        let listed = |list: Vec<&Outcome>| -> Value {
            Value::Array(
                list.into_iter()
                    .map(|o| {
                        serde_json::json!({
                            "primitive": o.primitive,
                            "verdict": o.verdict.as_str(),
                            "summary": o.summary,
                            "reason": o.reason,
                        })
                    })
                    .collect(),
            )
        };
        map.insert(
            "accepted".into(),
            listed(outcomes.iter().filter(|o| o.reason.is_some()).collect()),
        );
        map.insert("unaccepted".into(), listed(unaccepted.iter().collect()));
        map.insert("exit_code".into(), Value::from(status.code()));
    }
    let report = finalize(report, facts, status.code(), host_failure.as_ref());
    (status, Some(report))
}

/// An interrupted run's failure: the signal that came, the step that was running.
fn interrupted_failure() -> HostFailure {
    let by = crate::host::signals::interrupted_by().unwrap_or("an interrupt");
    HostFailure {
        step: crate::primitives::console::running_step(),
        code: "BZ-INTERRUPTED".into(),
        message: format!("interrupted by {by}"),
        hint: None,
    }
}

/// The primitive whose failure the run met last (a plain script announces no steps).
fn last_failed_primitive(ledger: &Ledger) -> Option<String> {
    ledger
        .outcomes()
        .iter()
        .rev()
        .find(|o| o.verdict.exit_status() == ExitStatus::Failure)
        .map(|o| o.primitive.to_string())
}

/// `file:line:col` as a DBA reads it: `file line N`.
fn shown_location(location: &str) -> String {
    let mut parts = location.rsplitn(3, ':');
    let (_col, line, file) = (parts.next(), parts.next(), parts.next());
    match (file, line) {
        (Some(file), Some(line)) => format!("{file} line {line}"),
        _ => location.to_string(),
    }
}

/// A failure the shipped procedure did not catch, as a DBA reads it: one "what to do" block
/// (the fix), then the final verdict line; no script frames (`-v` shows them).
fn print_failure(procedure: &str, failure: &HostFailure, status: ExitStatus) {
    if let Some(hint) = failure.hint.as_deref().filter(|h| !h.is_empty()) {
        crate::primitives::console::line(&format!("what to do: {hint}"));
    }
    print_final_line(procedure, failure, status);
}

/// The final verdict line of a run that ended on an error.
fn print_final_line(procedure: &str, failure: &HostFailure, status: ExitStatus) {
    let nothing = if status == ExitStatus::Usage {
        " (nothing was run)"
    } else {
        ""
    };
    crate::primitives::console::line(&format!(
        "{procedure}: failed ({}): {}{nothing}",
        failure.code, failure.message
    ));
}
