//! `bizscript check` (and the first thing `bizscript run` does): compile without running; report
//! syntax errors and calls to functions that do not exist, with a "did you mean", in the script
//! and in the files it imports, and import cycles.

use crate::host::diagnostics::{ScriptDiagnostic, Style};
use crate::host::engine::{known_function_names, EngineBuilder, PrintTarget};
use crate::host::script::{compile, initial_scope};
use crate::host::sources::{stdlib_id, stdlib_module, ScriptSource, SourceMap};
use crate::primitives::options::nearest;
use crate::primitives::runtime::HostCtx;
use rhai::module_resolvers::FileModuleResolver;
use rhai::{ASTNode, Engine, Expr, Position, Stmt, AST};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One problem `check` found.
#[derive(Debug)]
pub struct Finding {
    /// `file:line:col`.
    pub location: String,
    /// What is wrong, with a suggestion.
    pub rendered: String,
}

/// Checks one script; returns every problem found (empty when it is fine): syntax errors, calls
/// to functions that do not exist (with a "did you mean"), in the script and in every file it
/// imports, and import cycles (a script importing itself, or a chain coming back to one).
pub fn check_script(source: &ScriptSource) -> Vec<Finding> {
    let sources = SourceMap::new();
    let engine = EngineBuilder::new(HostCtx::for_tests(), sources.clone())
        .script_dir(source.dir.as_deref())
        .print(PrintTarget::Discard)
        .build();
    let scope = initial_scope(Default::default());
    let ast = match compile(&engine, &scope, source, &sources) {
        Err(diagnostic) => return vec![finding(&diagnostic)],
        Ok(ast) => ast,
    };
    let mut checker = Checker {
        engine: &engine,
        sources: &sources,
        base: source.dir.clone(),
        stack: Vec::new(),
        checked: BTreeSet::new(),
        findings: Vec::new(),
    };
    if let Some(path) = source
        .dir
        .as_ref()
        .and_then(|_| canonical(Path::new(&source.id)))
    {
        checker.stack.push(path);
    }
    checker.check_ast(&ast, &source.id);
    checker.findings
}

fn finding(diagnostic: &ScriptDiagnostic) -> Finding {
    Finding {
        location: diagnostic.location.clone().unwrap_or_default(),
        rendered: diagnostic.render(Style::for_stderr()),
    }
}

/// The file an `import "name"` stands for, exactly as the run's resolver finds it (relative
/// names against the main script's folder, `.rhai` added).
fn module_file(base: Option<&Path>, name: &str) -> PathBuf {
    let resolver = match base {
        Some(dir) => FileModuleResolver::new_with_path(dir),
        None => FileModuleResolver::new(),
    };
    resolver.get_file_path(name, None)
}

fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// A problem at `pos` in `source_id`, rendered like a runtime error of that code.
fn problem(
    code: &str,
    message: String,
    hint: String,
    pos: Position,
    source_id: &str,
    sources: &SourceMap,
) -> Finding {
    let err = rhai::EvalAltResult::ErrorRuntime(
        crate::primitives::errors::script_error(code, message, hint).take_payload(),
        pos,
    );
    finding(&crate::host::diagnostics::eval_error(
        &err,
        source_id,
        sources,
        &[],
    ))
}

struct Checker<'a> {
    engine: &'a Engine,
    sources: &'a SourceMap,
    /// The main script's folder: every relative import resolves against it.
    base: Option<PathBuf>,
    /// The files being checked, outermost first (for cycles).
    stack: Vec<PathBuf>,
    /// Files already checked (a module imported twice is checked once).
    checked: BTreeSet<PathBuf>,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    /// Checks one compiled script or module: its imports, then its calls.
    fn check_ast(&mut self, ast: &AST, source_id: &str) {
        let mut imports: Vec<(String, String, Position)> = Vec::new();
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Stmt(Stmt::Import(import, pos))) = path.last() {
                let (expr, alias) = import.as_ref();
                if let Expr::StringConstant(name, _) = expr {
                    imports.push((name.to_string(), alias.name.to_string(), *pos));
                }
            }
            true
        });
        // Functions of imported modules, by the alias they were imported under.
        let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (name, alias, pos) in imports {
            if let Some(names) = self.module_functions(&name, pos, source_id) {
                modules.insert(alias, names);
            }
        }
        self.unknown_calls(ast, source_id, &modules);
    }

    /// The public functions of the module `name` (embedded or a file), after checking a file
    /// module itself; `None` when it cannot be known (the problem is then a finding).
    fn module_functions(
        &mut self,
        name: &str,
        pos: Position,
        source_id: &str,
    ) -> Option<BTreeSet<String>> {
        if let Some(text) = stdlib_module(name) {
            let id = stdlib_id(name);
            return match self.engine.compile(text) {
                Ok(module_ast) => Some(public_functions(&module_ast)),
                Err(err) => {
                    let diagnostic = crate::host::diagnostics::parse_error(&err, &id, self.sources);
                    self.findings.push(finding(&diagnostic));
                    None
                }
            };
        }
        let file = module_file(self.base.as_deref(), name);
        let Some(path) = canonical(&file) else {
            self.findings.push(problem(
                "BZ-IMPORT-NOT-FOUND",
                format!("module `{name}` not found: there is no {}", file.display()),
                "imports name a file relative to the main script's folder, without `.rhai`, or an embedded module (`bizagi`)".into(),
                pos,
                source_id,
                self.sources,
            ));
            return None;
        };
        if let Some(at) = self.stack.iter().position(|p| p == &path) {
            let chain: Vec<String> = self.stack[at..]
                .iter()
                .chain(std::iter::once(&path))
                .map(|p| p.display().to_string())
                .collect();
            self.findings.push(problem(
                "BZ-IMPORT-CYCLE",
                format!("import cycle: {}", chain.join(" imports ")),
                "a module cannot import itself, directly or through others; move the shared functions into a module that imports neither".into(),
                pos,
                source_id,
                self.sources,
            ));
            return None;
        }
        let id = file.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                self.findings.push(problem(
                    "BZ-IMPORT-NOT-FOUND",
                    format!("cannot read module `{name}` ({id}): {e}"),
                    String::new(),
                    pos,
                    source_id,
                    self.sources,
                ));
                return None;
            }
        };
        self.sources.insert(&id, &text);
        let module_ast = match self.engine.compile(&text) {
            Ok(ast) => ast,
            Err(err) => {
                let diagnostic = crate::host::diagnostics::parse_error(&err, &id, self.sources);
                self.findings.push(finding(&diagnostic));
                return None;
            }
        };
        if self.checked.insert(path.clone()) {
            self.stack.push(path);
            self.check_ast(&module_ast, &id);
            self.stack.pop();
        }
        Some(public_functions(&module_ast))
    }

    /// Finds calls to functions that are neither registered, standard, defined in this script,
    /// nor public in the module their namespace names.
    fn unknown_calls(
        &mut self,
        ast: &AST,
        source_id: &str,
        modules: &BTreeMap<String, BTreeSet<String>>,
    ) {
        let mut known: BTreeSet<String> = known_function_names(self.engine).into_iter().collect();
        known.extend(ast.iter_functions().map(|f| f.name.to_string()));

        let mut calls: Vec<(String, Option<String>, Position)> = Vec::new();
        // `m.f()` calls the closure a map holds in `f` when no function `f` exists: a name used
        // as a property anywhere (`m.f = || ...`, `#{ f: ... }`) is not reported as a method.
        let mut properties: BTreeSet<String> = BTreeSet::new();
        let mut methods: Vec<(String, Position)> = Vec::new();
        ast.walk(&mut |path: &[ASTNode]| {
            match path.last() {
                Some(ASTNode::Expr(Expr::Property(p, _))) => {
                    properties.insert(p.2.to_string());
                }
                Some(ASTNode::Expr(Expr::Map(m, _))) => {
                    properties.extend(m.0.iter().map(|(key, _)| key.name.to_string()));
                }
                // A map literal of constants (closures included) is folded into one value.
                Some(ASTNode::Expr(Expr::DynamicConstant(value, _))) => {
                    if let Some(map) = value.read_lock::<rhai::Map>() {
                        properties.extend(map.keys().map(|k| k.to_string()));
                    }
                }
                Some(ASTNode::Expr(Expr::MethodCall(call, pos))) if call.op_token.is_none() => {
                    methods.push((call.name.to_string(), *pos));
                }
                _ => {}
            }
            let call = match path.last() {
                Some(ASTNode::Expr(Expr::FnCall(call, pos))) => Some((call, *pos)),
                Some(ASTNode::Stmt(Stmt::FnCall(call, pos))) => Some((call, *pos)),
                _ => None,
            };
            if let Some((call, pos)) = call {
                let is_name = call
                    .name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_');
                if call.op_token.is_none() && is_name {
                    let namespace =
                        (!call.namespace.is_empty()).then(|| call.namespace.root().to_string());
                    calls.push((call.name.to_string(), namespace, pos));
                }
            }
            true
        });

        calls.extend(
            methods
                .into_iter()
                .filter(|(name, _)| !properties.contains(name))
                .map(|(name, pos)| (name, None, pos)),
        );
        calls.sort_by_key(|(_, _, pos)| (pos.line(), pos.position()));
        let known_list: Vec<&str> = known.iter().map(String::as_str).collect();
        for (name, namespace, pos) in calls {
            let (exists, candidates): (bool, Vec<&str>) = match &namespace {
                None => (known.contains(&name), known_list.clone()),
                Some(alias) => match modules.get(alias) {
                    Some(names) => (
                        names.contains(&name),
                        names.iter().map(String::as_str).collect(),
                    ),
                    // A module whose functions could not be known: already a finding.
                    None => (true, Vec::new()),
                },
            };
            if exists {
                continue;
            }
            let shown = match &namespace {
                Some(ns) => format!("{ns}::{name}"),
                None => name.clone(),
            };
            let hint = match nearest(&name, &candidates) {
                Some(near) => match &namespace {
                    Some(ns) => format!("did you mean `{ns}::{near}`?"),
                    None => format!("did you mean `{near}`?"),
                },
                None => "`bizscript doc` lists the primitives".to_string(),
            };
            self.findings.push(problem(
                "BZ-UNKNOWN-FUNCTION",
                format!("unknown function `{shown}`"),
                hint,
                pos,
                source_id,
                self.sources,
            ));
        }
    }
}

/// The functions a module exports (private ones cannot be called from outside).
fn public_functions(ast: &AST) -> BTreeSet<String> {
    ast.iter_functions()
        .filter(|f| !matches!(f.access, rhai::FnAccess::Private))
        .map(|f| f.name.to_string())
        .collect()
}

/// Takes the payload out of an error built by `script_error`.
trait TakePayload {
    fn take_payload(self) -> rhai::Dynamic;
}

impl TakePayload for Box<rhai::EvalAltResult> {
    fn take_payload(self) -> rhai::Dynamic {
        match *self {
            rhai::EvalAltResult::ErrorRuntime(payload, _) => payload,
            other => rhai::Dynamic::from(other.to_string()),
        }
    }
}
