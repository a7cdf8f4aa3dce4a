//! One REPL session: the engine, the scope and the script functions that persist between lines.
//!
//! Each input is compiled against the scope, merged with the functions defined so far and run;
//! afterwards only the function definitions are kept (as Rhai's own REPL does), so `fn`s and
//! `let`s live on while statements run once. Rhai forgets a module alias when an evaluation
//! ends, so after an input with `import "bizagi" as bizagi;` runs, the session registers the
//! module under its alias in the engine: `bizagi::start(params)` works on the next line, and
//! the parser (which checks module names under strict variables) knows the alias too.

use super::history::SecretValues;
use super::vocabulary::Vocabulary;
use crate::host::context::HostCtx;
use crate::host::diagnostics::{self, Style};
use crate::host::engine::{known_function_names, EngineBuilder};
use crate::host::report::to_json;
use crate::host::script::{compile, initial_scope, is_terminated};
use crate::host::sources::{ScriptSource, SourceMap};
use crate::oracle::connection::Connection;
use crate::primitives::connection::Oracle;
use crate::secret::Secret;
use rhai::{Dynamic, Engine, EvalAltResult, Expr, Map, Scope, Stmt, AST};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard};

/// How one input ended.
pub enum Outcome {
    /// It ran; the value of its last expression (`()` for statements).
    Value(Dynamic),
    /// It did not compile, threw, or a primitive failed: the rendered diagnostic.
    Failed(String),
    /// Ctrl-C stopped it; with what the interrupted primitive reported, if it said more than
    /// "interrupted" (an export says whether the job was stopped and what was cleaned up).
    Interrupted(Option<String>),
}

/// The state of one session.
pub struct Session {
    /// Shared with the editor's validator; written only between inputs (imports, `:reset`).
    engine: Arc<RwLock<Engine>>,
    ctx: Arc<HostCtx>,
    sources: SourceMap,
    /// `--set` parameters: `params` in the scope, kept across `:reset`.
    params: Map,
    scope: Scope<'static>,
    /// The function definitions of every input so far (no statements).
    functions: AST,
    /// Which input defined each script function, so an error inside one is shown against the
    /// line that defined it rather than the line that called it.
    defined_in: HashMap<String, String>,
    inputs: usize,
    secrets: SecretValues,
    vocabulary: Arc<RwLock<Vocabulary>>,
}

impl Session {
    /// A fresh session sharing `ctx` with the primitives.
    pub fn new(ctx: Arc<HostCtx>) -> Self {
        Self::with_params(ctx, Map::new())
    }

    /// A fresh session whose scripts read `params` (from `--set`).
    pub fn with_params(ctx: Arc<HostCtx>, params: Map) -> Self {
        let sources = SourceMap::new();
        let engine = EngineBuilder::new(ctx.clone(), sources.clone()).build();
        let vocabulary = Vocabulary::new(known_function_names(&engine));
        let mut session = Self {
            engine: Arc::new(RwLock::new(engine)),
            ctx,
            sources,
            scope: initial_scope(params.clone()),
            params,
            functions: AST::empty(),
            defined_in: HashMap::new(),
            inputs: 0,
            secrets: SecretValues::default(),
            vocabulary: Arc::new(RwLock::new(vocabulary)),
        };
        session.refresh_vocabulary();
        session
    }

    /// The engine, for the editor's validator (parsing only).
    pub fn engine(&self) -> Arc<RwLock<Engine>> {
        self.engine.clone()
    }

    /// The engine for this input. A panic while it was written cannot leave it half-changed
    /// (registering a module is one map insert), so a poisoned lock is still usable.
    fn engine_ref(&self) -> RwLockReadGuard<'_, Engine> {
        self.engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The names the editor completes, refreshed after every input.
    pub fn vocabulary(&self) -> Arc<RwLock<Vocabulary>> {
        self.vocabulary.clone()
    }

    /// The run context (dry-run switch, cancel flag).
    pub fn ctx(&self) -> &HostCtx {
        &self.ctx
    }

    /// The Secrets seen so far, to keep their values out of the history.
    pub fn secrets(&self) -> &SecretValues {
        &self.secrets
    }

    /// Evaluates one typed input.
    pub fn eval(&mut self, text: &str) -> Outcome {
        self.inputs += 1;
        let id = format!("<repl:{}>", self.inputs);
        self.run(ScriptSource::inline(&id, text))
    }

    /// Runs a script file in this session (`:load`).
    pub fn load(&mut self, path: &Path) -> Outcome {
        match ScriptSource::load(path) {
            Ok(source) => self.run(source),
            Err(err) => Outcome::Failed(format!("bizscript: {err}")),
        }
    }

    /// Forgets every variable, function and imported module (`:reset`). Secrets seen stay
    /// remembered, so their values still never reach the history.
    pub fn reset(&mut self) {
        // Rhai cannot unregister a module, so the engine is built afresh.
        let engine = EngineBuilder::new(self.ctx.clone(), self.sources.clone()).build();
        match self.engine.write() {
            Ok(mut slot) => *slot = engine,
            Err(poisoned) => *poisoned.into_inner() = engine,
        }
        self.scope = initial_scope(self.params.clone());
        self.functions = AST::empty();
        self.defined_in.clear();
        if let Ok(mut vocabulary) = self.vocabulary.write() {
            vocabulary.clear_modules();
        }
        self.refresh_vocabulary();
    }

    /// The variables in scope as aligned `name  type  value` lines (Secrets as `***`).
    pub fn describe_vars(&self) -> String {
        let rows: Vec<(String, String, String)> = self
            .scope
            .iter_raw()
            .map(|(name, constant, value)| {
                let mut kind = self
                    .engine_ref()
                    .map_type_name(value.type_name())
                    .to_string();
                if constant {
                    kind = format!("const {kind}");
                }
                let mut text = self
                    .host_type_text(value)
                    .unwrap_or_else(|| serde_json::to_string(&to_json(value)).unwrap_or_default());
                if unicode_width::UnicodeWidthStr::width(text.as_str()) > 70 {
                    text = text.chars().take(67).collect::<String>() + "...";
                }
                (name.to_string(), kind, text)
            })
            .collect();
        // Padded by display width: a Chinese name takes two columns a character.
        let cols = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let name_width = rows.iter().map(|r| cols(&r.0)).max().unwrap_or(0);
        let kind_width = rows.iter().map(|r| cols(&r.1)).max().unwrap_or(0);
        let mut lines: Vec<String> = rows
            .iter()
            .map(|(name, kind, value)| {
                let pad_name = " ".repeat(name_width - cols(name));
                let pad_kind = " ".repeat(kind_width - cols(kind));
                format!("{name}{pad_name}  {kind}{pad_kind}  {value}")
                    .trim_end()
                    .to_string()
            })
            .collect();
        let functions: Vec<String> = self
            .vocabulary
            .read()
            .map(|v| v.functions.iter().map(|f| f.signature.clone()).collect())
            .unwrap_or_default();
        if !functions.is_empty() {
            lines.push(format!("functions: {}", functions.join(", ")));
        }
        lines.join("\n")
    }

    /// The text of a value of a host type (`Oracle`, `Lock`...) as the type's own `to_string`
    /// gives it (masked by design, e.g. `BIZAGIADMON/"***"@//db:1521/ORCL`), with the type's
    /// name; `None` for Rhai's own types and Secrets, which the printer shows itself.
    pub fn host_type_text(&self, value: &Dynamic) -> Option<String> {
        // Host types are known to Rhai by their Rust path; Rhai's own types by short names.
        if !value.type_name().contains("::") || value.is::<Secret>() {
            return None;
        }
        let engine = self.engine_ref();
        let mut scope = Scope::new();
        scope.push_dynamic("value", value.clone());
        let text = engine
            .eval_with_scope::<String>(&mut scope, "to_string(value)")
            .ok()?;
        Some(format!(
            "{text} ({})",
            engine.map_type_name(value.type_name())
        ))
    }

    /// The doc comments and signature of a script function defined in the session.
    pub fn describe_function(&self, name: &str) -> Option<String> {
        let function = self.functions.iter_functions().find(|f| f.name == name)?;
        let mut text = format!("fn {}({})\n", function.name, function.params.join(", "));
        for comment in function.comments {
            text.push_str(&format!("    {comment}\n"));
        }
        Some(text)
    }

    fn run(&mut self, source: ScriptSource) -> Outcome {
        self.ctx.cancel.reset();
        let engine = self.engine.clone();
        let engine = engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let ast = match compile(&engine, &self.scope, &source, &self.sources) {
            Ok(ast) => ast,
            Err(diagnostic) => return Outcome::Failed(diagnostic.render(Style::for_stderr())),
        };
        for function in ast.iter_functions() {
            self.defined_in
                .insert(function.name.to_string(), source.id.clone());
        }
        // This input's statements run with every function defined so far (later definitions of
        // the same name and arity replace earlier ones).
        let mut program = self.functions.merge(&ast);
        let result = engine.eval_ast_with_scope::<Dynamic>(&mut self.scope, &program);
        program.clear_statements();
        self.functions = program;

        let outcome = match result {
            // A primitive that finished its work despite the interrupt returns its result.
            Ok(value) => Outcome::Value(value),
            Err(err) if is_terminated(&err) => Outcome::Interrupted(None),
            Err(mut err) => {
                self.point_into_definitions(&mut err, &source.id);
                let diagnostic = diagnostics::eval_error(
                    &err,
                    &source.id,
                    &self.sources,
                    &known_function_names(&engine),
                );
                let rendered = diagnostic.render(Style::for_stderr());
                if self.ctx.cancel.is_cancelled() {
                    Outcome::Interrupted(Some(rendered))
                } else {
                    Outcome::Failed(rendered)
                }
            }
        };
        drop(engine);
        // The input's text is not logged: a DBA may have typed a password into it.
        tracing::debug!(
            input = %source.id,
            outcome = match &outcome {
                Outcome::Value(_) => "value",
                Outcome::Failed(_) => "failed",
                Outcome::Interrupted(_) => "interrupted",
            },
            "repl input evaluated"
        );
        if let Outcome::Value(value) = &outcome {
            remember_secrets(value, &mut self.secrets);
            self.keep_imports(&ast, &source.id);
        }
        for (_, _, value) in self.scope.iter_raw() {
            remember_secrets(value, &mut self.secrets);
        }
        self.refresh_vocabulary();
        // An interrupt that arrived during the evaluation is spent; the next input starts clean
        // (the signal handler leaves the process on a third interrupt that is never reset).
        self.ctx.cancel.reset();
        outcome
    }

    /// Registers the modules the input imported (`import "x" as y;` at top level) under their
    /// aliases, so later inputs can use them.
    fn keep_imports(&mut self, ast: &AST, source_id: &str) {
        let mut modules = Vec::new();
        {
            let engine = self.engine_ref();
            for stmt in ast.statements() {
                let Stmt::Import(import, position) = stmt else {
                    continue;
                };
                let (Expr::StringConstant(path, _), alias) = import.as_ref() else {
                    continue;
                };
                if alias.name.is_empty() {
                    continue;
                }
                let resolved = engine.module_resolver().resolve(
                    &engine,
                    Some(source_id),
                    path.as_str(),
                    *position,
                );
                // Rhai keeps no handle on the module the evaluation imported, so it is resolved
                // again here (its top-level statements run a second time: modules are meant to
                // define functions). If that fails now, the alias is simply not kept and using
                // it says "undefined module".
                if let Ok(module) = resolved {
                    modules.push((alias.name.to_string(), module));
                }
            }
        }
        if modules.is_empty() {
            return;
        }
        if let Ok(mut vocabulary) = self.vocabulary.write() {
            for (alias, module) in &modules {
                vocabulary.add_module(alias, module.gen_fn_signatures_with_mapper(|t| t.into()));
            }
        }
        let mut engine = self
            .engine
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (alias, module) in modules {
            engine.register_static_module(alias.as_str(), module);
        }
    }

    /// Rhai names the *calling* input as the source of an error inside a script function; the
    /// function's lines are in the input that defined it.
    fn point_into_definitions(&self, err: &mut EvalAltResult, calling_id: &str) {
        let mut current = err;
        while let EvalAltResult::ErrorInFunctionCall(name, source, inner, _) = current {
            if source.is_empty() || source == calling_id {
                if let Some(id) = self.defined_in.get(name.as_str()) {
                    source.clone_from(id);
                }
            }
            current = inner;
        }
    }

    fn refresh_vocabulary(&mut self) {
        if let Ok(mut vocabulary) = self.vocabulary.write() {
            vocabulary.refresh(&self.scope, &self.functions);
        }
    }
}

/// Records every Secret reachable from `value` (directly, in maps and arrays, or inside a
/// connection).
fn remember_secrets(value: &Dynamic, secrets: &mut SecretValues) {
    if let Some(secret) = value.read_lock::<Secret>() {
        secrets.remember(&secret);
    } else if let Some(connection) = value.read_lock::<Connection>() {
        if let Some(secret) = connection.password() {
            secrets.remember(secret);
        }
    } else if let Some(db) = value.read_lock::<Oracle>() {
        if let Some(secret) = db.connection.password() {
            secrets.remember(secret);
        }
    } else if let Some(array) = value.read_lock::<rhai::Array>() {
        for item in array.iter() {
            remember_secrets(item, secrets);
        }
    } else if let Some(map) = value.read_lock::<Map>() {
        for item in map.values() {
            remember_secrets(item, secrets);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(outcome: Outcome) -> Dynamic {
        match outcome {
            Outcome::Value(v) => v,
            Outcome::Failed(text) => panic!("failed: {text}"),
            Outcome::Interrupted(_) => panic!("interrupted"),
        }
    }

    fn ran(outcome: Outcome) {
        let _ = value(outcome);
    }

    fn failure(outcome: Outcome) -> String {
        match outcome {
            Outcome::Failed(text) => text,
            _ => panic!("expected a failure"),
        }
    }

    #[test]
    fn variables_and_functions_persist_between_inputs() {
        let mut session = Session::new(HostCtx::for_tests());
        ran(session.eval("let base = 40;"));
        ran(session.eval("fn add(x) { x + base_offset() }\nfn base_offset() { 2 }"));
        assert_eq!(value(session.eval("add(base)")).as_int().unwrap(), 42);
        // A later input does not run earlier statements again.
        ran(session.eval("let counter = 0;"));
        ran(session.eval("counter += 1;"));
        assert_eq!(value(session.eval("counter")).as_int().unwrap(), 1);
    }

    #[test]
    fn an_error_keeps_the_session_alive_and_points_at_the_typed_line() {
        let mut session = Session::new(HostCtx::for_tests());
        let text = failure(session.eval("let x = 1;\nx.frobnicate()"));
        assert!(text.contains("<repl:1>"), "{text}");
        assert!(text.contains("x.frobnicate()"), "{text}");
        assert_eq!(value(session.eval("x")).as_int().unwrap(), 1);
    }

    #[test]
    fn an_error_inside_an_earlier_function_shows_its_definition() {
        let mut session = Session::new(HostCtx::for_tests());
        ran(session.eval("fn explode(x) {\n  throw `bad ${x}`;\n}"));
        ran(session.eval("let a = 1;"));
        let text = failure(session.eval("explode(a)"));
        assert!(text.contains("bad 1"), "{text}");
        assert!(text.contains("throw `bad ${x}`"), "{text}");
        assert!(text.contains("explode(a)"), "{text}");
    }

    #[test]
    fn help_on_a_script_function_shows_its_signature_and_doc_comment() {
        let mut session = Session::new(HostCtx::for_tests());
        ran(session.eval("/// Doubles the size.\nfn grow(size, factor) { size * factor }"));
        let text = session.describe_function("grow").unwrap();
        assert_eq!(text, "fn grow(size, factor)\n    /// Doubles the size.\n");
        assert!(session.describe_function("shrink").is_none());
    }

    #[test]
    fn an_imported_module_stays_available() {
        let mut session = Session::new(HostCtx::for_tests());
        ran(session.eval("import \"bizagi\" as bizagi;"));
        let dirname = session
            .vocabulary()
            .read()
            .unwrap()
            .callable("bizagi::dirname")
            .cloned();
        assert_eq!(dirname.unwrap().signature, "bizagi::dirname(path)");
        assert_eq!(
            value(session.eval("bizagi::dirname(\"/u01/backup/x.dmp\")"))
                .into_string()
                .unwrap(),
            "/u01/backup"
        );
        // An import that failed is not replayed.
        let _ = failure(session.eval("import \"no_such_module\" as gone;"));
        ran(session.eval("let still = 1;"));
        session.reset();
        assert!(failure(session.eval("bizagi::dirname(\"/a/b\")")).contains("bizagi"));
    }

    #[test]
    fn reset_forgets_variables_and_functions() {
        let mut session = Session::new(HostCtx::for_tests());
        ran(session.eval("let x = 1; fn f() { 2 }"));
        session.reset();
        assert!(failure(session.eval("x")).contains("x"));
        assert!(failure(session.eval("f()")).contains("f"));
        assert!(value(session.eval("params")).is_map());
    }

    #[test]
    fn a_cancelled_evaluation_is_interrupted_and_the_next_one_runs() {
        let ctx = HostCtx::for_tests();
        let mut session = Session::new(ctx.clone());
        let cancel = ctx.cancel.clone();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            cancel.interrupt();
        });
        assert!(matches!(
            session.eval("loop {}"),
            Outcome::Interrupted(None)
        ));
        stopper.join().unwrap();
        assert!(!ctx.cancel.is_cancelled());
        assert_eq!(value(session.eval("1 + 1")).as_int().unwrap(), 2);
    }

    #[test]
    fn a_primitive_stopped_by_ctrl_c_keeps_its_report() {
        let ctx = HostCtx::for_tests();
        let mut session = Session::new(ctx.clone());
        // Stands in for expdp: on Ctrl-C it stops its job and says what it cleaned up.
        let cancel = ctx.cancel.clone();
        session.engine.write().unwrap().register_fn(
            "long_export",
            move || -> Result<(), Box<EvalAltResult>> {
                cancel.interrupt();
                Err(crate::primitives::errors::script_error(
                    "BZ-EXPDP-INTERRUPTED",
                    "job EXP_1 killed; parameter file removed",
                    "",
                ))
            },
        );
        match session.eval("long_export()") {
            Outcome::Interrupted(Some(report)) => {
                assert!(report.contains("job EXP_1 killed"), "{report}")
            }
            _ => panic!("expected an interruption with the primitive's report"),
        }
        assert!(!ctx.cancel.is_cancelled());
    }

    #[test]
    fn secrets_in_scope_and_results_are_remembered() {
        let mut session = Session::new(HostCtx::for_tests());
        session
            .scope
            .push("pw", Secret::new("Tiger#42", "env:TEST"));
        ran(session.eval("let kept = #{ inner: [pw] };"));
        assert!(session.secrets().appear_in("x Tiger#42 y"));
        assert_eq!(session.secrets().len(), 1);
    }

    #[test]
    fn a_connection_shows_masked_and_its_password_is_remembered() {
        let mut session = Session::new(HostCtx::for_tests());
        session
            .scope
            .push("pw", Secret::new("Tiger#42", "env:TEST"));
        let db = value(session.eval(
            "let db = oracle(#{ user: \"BIZAGIADMON\", password: pw, connect: \"//db:1521/ORCL\" }); db",
        ));
        let text = session.host_type_text(&db).unwrap();
        assert_eq!(text, "BIZAGIADMON/\"***\"@//db:1521/ORCL (Oracle)");
        // Forget the variable holding the Secret: the connection still brings it in.
        let mut fresh = Session::new(HostCtx::for_tests());
        fresh.scope.push("db", db);
        ran(fresh.eval("1"));
        assert!(fresh.secrets().appear_in("Tiger#42"));
        assert!(fresh
            .describe_vars()
            .contains("BIZAGIADMON/\"***\"@//db:1521/ORCL (Oracle)"));
        assert_eq!(session.host_type_text(&Dynamic::from(1_i64)), None);
    }

    #[test]
    fn vars_lists_names_types_and_masks_secrets() {
        let mut session = Session::new(HostCtx::for_tests());
        session
            .scope
            .push("pw", Secret::new("Tiger#42", "env:TEST"));
        ran(session.eval("let schema = \"BIZAGI\"; fn f(a, b) { a }"));
        let text = session.describe_vars();
        assert!(text.contains("params  const map  {}"), "{text}");
        assert!(text.contains("pw      Secret     \"***\""), "{text}");
        assert!(text.contains("schema  string     \"BIZAGI\""), "{text}");
        assert!(text.contains("functions: f(a, b)"), "{text}");
        assert!(!text.contains("Tiger"));
    }

    #[test]
    fn load_runs_a_file_in_the_session() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("steps.rhai");
        std::fs::write(&path, "fn greet(n) { `hello ${n}` }\nlet loaded = true;\n").unwrap();
        let mut session = Session::new(HostCtx::for_tests());
        ran(session.load(&path));
        assert_eq!(
            value(session.eval("greet(\"DBA\")")).into_string().unwrap(),
            "hello DBA"
        );
        assert!(value(session.eval("loaded")).as_bool().unwrap());
        let missing = failure(session.load(&dir.path().join("nope.rhai")));
        assert!(missing.contains("not found"), "{missing}");
    }
}
