//! What the session knows by name, for completion, hints and the validator: primitives, script
//! functions, variables in scope and the keys of the maps they hold.
//!
//! The editor's helper reads a snapshot refreshed after every evaluation, so completing never
//! touches the live scope (which belongs to the evaluation) and never runs anything.

use crate::primitives::all_docs;
use rhai::{Dynamic, Scope, AST};
use std::collections::BTreeMap;

/// The REPL's own commands, as completed after `:`.
pub const COMMANDS: &[&str] = &[":help", ":vars", ":load", ":reset", ":dry-run", ":quit"];

/// Rhai's keywords, completed as words (a DBA types `let`, `if`, `try`...).
pub const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "private", "if", "else", "switch", "while", "loop", "do", "until", "for",
    "in", "break", "continue", "return", "throw", "try", "catch", "import", "export", "as", "true",
    "false", "this",
];

/// The few standard functions that read like part of the language and are completed with
/// their parenthesis; Rhai's hundreds of others (string, math, array methods) are not offered.
pub const LANGUAGE_FUNCTIONS: &[&str] = &["print", "debug", "type_of", "Fn", "call", "curry"];

/// Whether `name` is something a person wrote or bizscript offers, not an internal of Rhai's
/// (closures compile to functions named `anon$<hash>`).
pub fn is_public_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('$')
}

/// How deep `x.a.b.` completion follows nested maps.
const MAP_DEPTH: usize = 4;

/// A function a script can call, with what to show while its arguments are typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callable {
    /// The name typed.
    pub name: String,
    /// The signature shown as a hint, e.g. `secret_env(name: string) -> Secret`.
    pub signature: String,
    /// True when it takes no arguments (completion then closes the parentheses).
    pub no_arguments: bool,
}

/// A snapshot of the names in a session.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// bizscript's primitives (from their docs).
    pub primitives: Vec<Callable>,
    /// Functions defined in the session.
    pub functions: Vec<Callable>,
    /// The standard functions offered by name ([`LANGUAGE_FUNCTIONS`] among those the engine
    /// has).
    pub builtins: Vec<String>,
    /// Variables and constants in scope.
    pub variables: Vec<String>,
    /// Keys of the maps in scope, by path: `"x"` → keys of `x`, `"x.a"` → keys of `x.a`.
    pub map_keys: BTreeMap<String, Vec<String>>,
    /// The functions of imported modules, by alias (`bizagi` → `start`, `finish`...).
    pub modules: BTreeMap<String, Vec<Callable>>,
}

impl Vocabulary {
    /// The primitives and standard functions; variables and functions come with [`refresh`].
    ///
    /// [`refresh`]: Vocabulary::refresh
    pub fn new(builtins: Vec<String>) -> Self {
        let primitives = all_docs()
            .into_iter()
            .map(|doc| {
                // Several signatures are one per line; the hint shows the first (a hint that
                // wraps over the terminal hides what is being typed) and says there are more.
                let variants: Vec<&str> = doc.signature.lines().collect();
                let signature = match variants.as_slice() {
                    [] => doc.name.to_string(),
                    [one] => one.to_string(),
                    [first, rest @ ..] => {
                        format!("{first}  (+{} more: :help {})", rest.len(), doc.name)
                    }
                };
                Callable {
                    name: doc.name.to_string(),
                    no_arguments: doc
                        .signature
                        .lines()
                        .all(|s| s.contains(&format!("{}()", doc.name))),
                    signature,
                }
            })
            .collect::<Vec<_>>();
        let builtins = builtins
            .into_iter()
            .filter(|b| LANGUAGE_FUNCTIONS.contains(&b.as_str()))
            .filter(|b| !primitives.iter().any(|p| &p.name == b))
            .collect();
        Self {
            primitives,
            builtins,
            ..Self::default()
        }
    }

    /// Re-reads the variables, their map keys and the script functions.
    pub fn refresh(&mut self, scope: &Scope, functions: &AST) {
        self.variables = scope
            .iter_raw()
            .map(|(name, _, _)| name.to_string())
            .filter(|name| is_public_name(name))
            .collect();
        self.variables.sort();
        self.variables.dedup();
        self.map_keys.clear();
        for (name, _, value) in scope.iter_raw() {
            collect_keys(name, value, MAP_DEPTH, &mut self.map_keys);
        }
        self.functions = functions
            .iter_functions()
            .filter(|f| is_public_name(f.name))
            .map(|f| {
                let params = f.params.join(", ");
                Callable {
                    name: f.name.to_string(),
                    signature: format!("{}({params})", f.name),
                    no_arguments: f.params.is_empty(),
                }
            })
            .collect();
    }

    /// Records the functions of a module imported as `alias`, from signatures such as
    /// `start(params)` (Rhai's `gen_fn_signatures`).
    pub fn add_module<S: AsRef<str>>(
        &mut self,
        alias: &str,
        signatures: impl IntoIterator<Item = S>,
    ) {
        let functions = signatures
            .into_iter()
            .filter_map(|signature| {
                let signature = signature.as_ref();
                let name = signature.split('(').next()?.trim();
                is_public_name(name).then(|| Callable {
                    name: name.to_string(),
                    signature: format!("{alias}::{signature}"),
                    no_arguments: signature.contains(&format!("{name}()")),
                })
            })
            .collect();
        self.modules.insert(alias.to_string(), functions);
    }

    /// Forgets the imported modules (`:reset`).
    pub fn clear_modules(&mut self) {
        self.modules.clear();
    }

    /// The primitive, script function or module function (`alias::name`) called `name`.
    pub fn callable(&self, name: &str) -> Option<&Callable> {
        if let Some((alias, function)) = name.rsplit_once("::") {
            return self.modules.get(alias)?.iter().find(|c| c.name == function);
        }
        // A script function shadows nothing in Rhai's lookup for primitives with other arities,
        // but the DBA most likely means the one defined in this session.
        self.functions
            .iter()
            .find(|c| c.name == name)
            .or_else(|| self.primitives.iter().find(|c| c.name == name))
    }
}

fn collect_keys(
    path: &str,
    value: &Dynamic,
    depth: usize,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    if depth == 0 || !value.is_map() {
        return;
    }
    let Some(map) = value.read_lock::<rhai::Map>() else {
        return;
    };
    out.insert(
        path.to_string(),
        map.keys().map(|k| k.to_string()).collect(),
    );
    for (key, inner) in map.iter() {
        collect_keys(&format!("{path}.{key}"), inner, depth - 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_carry_their_signatures() {
        let vocabulary = Vocabulary::new(vec!["print".into()]);
        let env = vocabulary.callable("secret_env").unwrap();
        assert_eq!(env.signature, "secret_env(name: string) -> Secret");
        assert!(!env.no_arguments);
        assert!(vocabulary.callable("run_info").unwrap().no_arguments);
    }

    #[test]
    fn several_signatures_hint_the_first_and_count_the_rest() {
        let vocabulary = Vocabulary::new(Vec::new());
        let Some(doc) = all_docs()
            .into_iter()
            .find(|d| d.signature.lines().count() > 1)
        else {
            return;
        };
        let callable = vocabulary.callable(doc.name).unwrap();
        let first = doc.signature.lines().next().unwrap();
        assert!(
            callable.signature.starts_with(first),
            "{}",
            callable.signature
        );
        assert!(callable
            .signature
            .contains(&format!("more: :help {}", doc.name)));
    }

    #[test]
    fn refresh_reads_variables_nested_keys_and_functions() {
        let engine = crate::host::engine::EngineBuilder::new(
            crate::host::context::HostCtx::for_tests(),
            crate::host::sources::SourceMap::new(),
        )
        .build();
        let ast = engine.compile("fn twice(x) { x * 2 }").unwrap();
        let mut inner = rhai::Map::new();
        inner.insert("path".into(), Dynamic::from("/u01"));
        let mut outer = rhai::Map::new();
        outer.insert("directory".into(), Dynamic::from_map(inner));
        outer.insert("verdict".into(), Dynamic::from("ok"));
        let mut scope = Scope::new();
        scope.push("result", outer);
        scope.push("n", 1_i64);

        let mut vocabulary = Vocabulary::new(Vec::new());
        vocabulary.refresh(&scope, &ast);
        assert_eq!(vocabulary.variables, ["n", "result"]);
        assert_eq!(vocabulary.map_keys["result"], ["directory", "verdict"]);
        assert_eq!(vocabulary.map_keys["result.directory"], ["path"]);
        assert_eq!(vocabulary.callable("twice").unwrap().signature, "twice(x)");
    }
}
