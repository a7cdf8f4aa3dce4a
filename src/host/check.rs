//! `bizscript check`: compile without running; report syntax errors and calls to functions that
//! do not exist, with a "did you mean".

use crate::host::context::HostCtx;
use crate::host::diagnostics::{ScriptDiagnostic, Style};
use crate::host::engine::{known_function_names, EngineBuilder, PrintTarget};
use crate::host::script::{compile, initial_scope};
use crate::host::sources::{stdlib_module, ScriptSource, SourceMap};
use crate::primitives::options::nearest;
use rhai::{ASTNode, Engine, Expr, Position, Stmt, AST};
use std::collections::{BTreeMap, BTreeSet};

/// One problem `check` found.
#[derive(Debug)]
pub struct Finding {
    /// `file:line:col`.
    pub location: String,
    /// What is wrong, with a suggestion.
    pub rendered: String,
}

/// Checks one script; returns every problem found (empty when it is fine).
pub fn check_script(source: &ScriptSource) -> Vec<Finding> {
    let sources = SourceMap::new();
    let engine = EngineBuilder::new(HostCtx::for_tests(), sources.clone())
        .script_dir(source.dir.as_deref())
        .print(PrintTarget::Discard)
        .build();
    let scope = initial_scope(Default::default());
    match compile(&engine, &scope, source, &sources) {
        Err(diagnostic) => vec![finding(&diagnostic)],
        Ok(ast) => unknown_calls(&engine, &ast, source, &sources),
    }
}

fn finding(diagnostic: &ScriptDiagnostic) -> Finding {
    Finding {
        location: diagnostic.location.clone().unwrap_or_default(),
        rendered: diagnostic.render(Style::for_stderr()),
    }
}

/// Finds calls to functions that are neither registered, standard, nor defined in the script or
/// in an embedded module it imports.
fn unknown_calls(
    engine: &Engine,
    ast: &AST,
    source: &ScriptSource,
    sources: &SourceMap,
) -> Vec<Finding> {
    let mut known: BTreeSet<String> = known_function_names(engine).into_iter().collect();
    known.extend(ast.iter_functions().map(|f| f.name.to_string()));

    // Functions of embedded modules, by the alias they were imported under.
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut module_errors = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Import(import, _))) = path.last() {
            let (expr, alias) = import.as_ref();
            if let Expr::StringConstant(name, _) = expr {
                if let Some(text) = stdlib_module(name) {
                    match engine.compile(text) {
                        Ok(module_ast) => {
                            let names = module_ast
                                .iter_functions()
                                .map(|f| f.name.to_string())
                                .collect();
                            modules.insert(alias.name.to_string(), names);
                        }
                        Err(err) => {
                            let id = crate::host::sources::stdlib_id(name);
                            module_errors.push(finding(&crate::host::diagnostics::parse_error(
                                &err, &id, sources,
                            )));
                        }
                    }
                }
            }
        }
        true
    });

    let mut calls: Vec<(String, Option<String>, Position)> = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        let call = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, pos))) => Some((call, *pos)),
            Some(ASTNode::Expr(Expr::MethodCall(call, pos))) => Some((call, *pos)),
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

    let known_list: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut findings = module_errors;
    for (name, namespace, pos) in calls {
        let (exists, candidates): (bool, Vec<&str>) = match &namespace {
            None => (known.contains(&name), known_list.clone()),
            Some(alias) => match modules.get(alias) {
                Some(names) => (
                    names.contains(&name),
                    names.iter().map(String::as_str).collect(),
                ),
                // A file module: its functions are only known when it runs.
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
            Some(near) => format!("did you mean `{near}`?"),
            None => "`bizscript doc` lists the primitives".to_string(),
        };
        let err = rhai::EvalAltResult::ErrorRuntime(
            crate::primitives::errors::script_error(
                "BZ-UNKNOWN-FUNCTION",
                format!("unknown function `{shown}`"),
                hint,
            )
            .take_payload(),
            pos,
        );
        let diagnostic = crate::host::diagnostics::eval_error(&err, &source.id, sources, &[]);
        findings.push(finding(&diagnostic));
    }
    findings
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
