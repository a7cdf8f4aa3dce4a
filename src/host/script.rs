//! `bizscript run`: load a script, point it at Oracle (or the simulator), run it, report.

use crate::cancel::Cancel;
use crate::host::context::{HostCtx, OracleEnv, Simulation};
use crate::host::diagnostics::{self, Style};
use crate::host::engine::{known_function_names, EngineBuilder};
use crate::host::error::HostError;
use crate::host::outcome::ExitStatus;
use crate::host::params::parse_params;
use crate::host::report::{to_json, write_report};
use crate::host::simulate::SimHome;
use crate::host::sources::{ScriptSource, SourceMap};
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
    /// It did not compile.
    Syntax(String),
    /// It threw, or a primitive failed.
    Failed { rendered: String, error: Value },
    /// Ctrl-C or SIGTERM.
    Interrupted,
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
            Evaluation::Failed {
                rendered: diagnostic.render(Style::for_stderr()),
                error,
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

/// `bizscript run`.
pub fn run(options: &RunOptions, cancel: Cancel) -> Result<ExitStatus, HostError> {
    let params = parse_params(&options.sets)?;
    let source = ScriptSource::load(&options.script)?;
    let (env, sim) = oracle_env(options.simulate.as_deref())?;
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
            return Ok(ExitStatus::Usage);
        }
    };

    let evaluation = evaluate(&engine, &mut scope, &ast, &source.id, &sources, &cancel);
    let set_report = ctx.report.lock().ok().and_then(|mut r| r.take());
    let (status, report) = conclude(evaluation, set_report, &cancel);
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

/// Decides the exit status and the report from how the script ended.
fn conclude(
    evaluation: Evaluation,
    set_report: Option<Map>,
    cancel: &Cancel,
) -> (ExitStatus, Option<Value>) {
    let mut report = set_report.map(|m| to_json(&Dynamic::from_map(m)));
    let status = match evaluation {
        Evaluation::Finished(value) => {
            if value.is_map() {
                report = Some(to_json(&value));
            }
            if cancel.is_cancelled() {
                ExitStatus::Interrupted
            } else if let Ok(code) = value.as_int() {
                ExitStatus::from_script_code(code)
            } else {
                report
                    .as_ref()
                    .and_then(|r| r.get("verdict"))
                    .and_then(Value::as_str)
                    .and_then(ExitStatus::from_verdict)
                    .unwrap_or(ExitStatus::Success)
            }
        }
        Evaluation::Syntax(rendered) => {
            eprintln!("{rendered}");
            ExitStatus::Usage
        }
        Evaluation::Failed { rendered, error } => {
            eprintln!("{rendered}");
            // A parameter refused before anything ran (BZ-PARAMETER*) is a usage error.
            let usage = error
                .get("code")
                .and_then(Value::as_str)
                .is_some_and(|c| c.starts_with("BZ-PARAMETER"));
            let r = report.get_or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(map) = r {
                map.insert("verdict".into(), Value::String("failed".into()));
                map.insert("error".into(), error);
            }
            if usage {
                ExitStatus::Usage
            } else {
                ExitStatus::Failure
            }
        }
        Evaluation::Interrupted => {
            eprintln!("bizscript: interrupted");
            let r = report.get_or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(map) = r {
                map.insert("verdict".into(), Value::String("failed".into()));
                map.insert("interrupted".into(), Value::Bool(true));
            }
            ExitStatus::Interrupted
        }
    };
    // A report file is always written when asked for, even for a script that set none.
    let mut report = report.unwrap_or_else(|| Value::Object(Default::default()));
    if let Value::Object(map) = &mut report {
        map.insert("exit_code".into(), Value::from(status.code()));
    }
    (status, Some(report))
}
