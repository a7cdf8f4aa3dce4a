//! Tab completion and signature hints, as pure functions of the line and a [`Vocabulary`].
//!
//! * `secret_e` → `secret_env(` (a primitive), `run_i` → `run_info()` (no arguments);
//! * script functions and variables by name, Rhai's keywords (`let`, `try`) and the few
//!   standard functions that read as the language (`print(`, `type_of(`); not Rhai's hundreds
//!   of other builtins, nor internals such as the `anon$...` functions closures compile to;
//! * `x.` → the keys of the map in `x` (and `x.a.` → the keys of `x.a`), so `params.` lists the
//!   parameters;
//! * `:` → the REPL's commands; `:help ` → primitive names; `:dry-run ` → `on`/`off`;
//!   `:load ` and the inside of a string literal → file names.

use super::vocabulary::{Callable, Vocabulary, COMMANDS, KEYWORDS};

/// What to complete at the cursor.
#[derive(Debug, PartialEq, Eq)]
pub enum Completion {
    /// Replace from `start` to the cursor with one of `candidates`.
    Words {
        start: usize,
        candidates: Vec<Candidate>,
    },
    /// A file name (after `:load`, or inside a string literal such as `secret_file("pw`).
    FileName,
}

/// One completion: what the list shows, what goes into the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Shown when several candidates are listed.
    pub display: String,
    /// Inserted in the line.
    pub replacement: String,
}

impl rustyline::completion::Candidate for Candidate {
    fn display(&self) -> &str {
        &self.display
    }
    fn replacement(&self) -> &str {
        &self.replacement
    }
}

/// The completion for `line` with the cursor at byte `pos`.
pub fn complete(vocabulary: &Vocabulary, line: &str, pos: usize) -> Completion {
    let before = line.get(..pos).unwrap_or(line);
    let command_line = before.trim_start();
    if command_line.starts_with(':') {
        return complete_command(vocabulary, before);
    }
    if inside_string(current_line(before)) {
        return Completion::FileName;
    }
    let token_start = name_start(before, true);
    let token = &before[token_start..];
    if let Some((alias, partial)) = token.rsplit_once("::") {
        let start = before.len() - partial.len();
        let candidates = vocabulary
            .modules
            .get(alias)
            .map(|functions| {
                functions
                    .iter()
                    .filter(|f| f.name.starts_with(partial))
                    .map(call)
                    .collect()
            })
            .unwrap_or_default();
        return Completion::Words { start, candidates };
    }
    if let Some((path, partial)) = token.rsplit_once('.') {
        let start = before.len() - partial.len();
        let candidates = vocabulary
            .map_keys
            .get(path)
            .map(|keys| {
                keys.iter()
                    .filter(|k| k.starts_with(partial))
                    .map(|k| word(k, k))
                    .collect()
            })
            .unwrap_or_default();
        return Completion::Words { start, candidates };
    }
    if token.is_empty() || token.starts_with(|c: char| c.is_ascii_digit()) {
        return Completion::Words {
            start: before.len(),
            candidates: Vec::new(),
        };
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    let callables = vocabulary.functions.iter().chain(&vocabulary.primitives);
    for callable in callables.filter(|c| c.name.starts_with(token)) {
        candidates.push(call(callable));
    }
    for name in vocabulary.variables.iter().filter(|v| v.starts_with(token)) {
        candidates.push(word(name, name));
    }
    for name in vocabulary.builtins.iter().filter(|b| b.starts_with(token)) {
        candidates.push(word(name, &format!("{name}(")));
    }
    for name in KEYWORDS.iter().filter(|k| k.starts_with(token)) {
        candidates.push(word(name, name));
    }
    let mut seen = std::collections::BTreeSet::new();
    candidates.retain(|c| seen.insert(c.replacement.clone()));
    Completion::Words {
        start: token_start,
        candidates,
    }
}

/// The signature to show while the arguments of a call are typed (or its name is complete).
pub fn signature_hint(vocabulary: &Vocabulary, before: &str) -> Option<String> {
    let name = open_call(before).or_else(|| {
        let token = &before[name_start(before, false)..];
        (!token.is_empty()).then_some(token)
    })?;
    vocabulary.callable(name).map(|c| c.signature.clone())
}

/// The name of the innermost call whose `(` is still open before the cursor.
fn open_call(before: &str) -> Option<&str> {
    let scan = Scan::of(before);
    // The innermost open parenthesis that belongs to a call (not a grouping like `(1 + 2`).
    scan.open_parens.iter().rev().find_map(|&open| {
        let head = before[..open].trim_end();
        let name = &head[name_start(head, false)..];
        (!name.is_empty()).then_some(name)
    })
}

/// What a left-to-right read of the text before the cursor leaves open.
struct Scan {
    /// The quote of the string literal the cursor is in (`"` or `` ` ``).
    open_string: Option<char>,
    /// Byte offsets of the `(` not yet closed, outside string literals.
    open_parens: Vec<usize>,
}

impl Scan {
    fn of(text: &str) -> Self {
        let mut scan = Scan {
            open_string: None,
            open_parens: Vec::new(),
        };
        let mut previous = '\0';
        for (i, c) in text.char_indices() {
            match (scan.open_string, c) {
                (Some(q), c) if c == q && previous != '\\' => scan.open_string = None,
                (Some(_), _) => {}
                (None, '"' | '`') => scan.open_string = Some(c),
                (None, '(') => scan.open_parens.push(i),
                (None, ')') => {
                    scan.open_parens.pop();
                }
                _ => {}
            }
            previous = c;
        }
        scan
    }
}

/// Where the name ending at the end of `text` starts: letters, digits, `_`, a module path's
/// `::`, and (with `with_dots`) the `.` of a map path. A lone `:` (as in `#{ key: value }`)
/// ends it.
fn name_start(text: &str, with_dots: bool) -> usize {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = text.len();
    let mut i = chars.len();
    while i > 0 {
        let (at, c) = chars[i - 1];
        if c.is_alphanumeric() || c == '_' || (with_dots && c == '.') {
            start = at;
            i -= 1;
        } else if c == ':' && i >= 2 && chars[i - 2].1 == ':' {
            start = chars[i - 2].0;
            i -= 2;
        } else {
            break;
        }
    }
    start
}

fn complete_command(vocabulary: &Vocabulary, before: &str) -> Completion {
    let offset = before.len() - before.trim_start().len();
    let text = before.trim_start();
    let Some((command, argument)) = text.split_once(char::is_whitespace) else {
        let candidates = COMMANDS
            .iter()
            .filter(|c| c.starts_with(text))
            .map(|c| word(c, c))
            .collect();
        return Completion::Words {
            start: offset,
            candidates,
        };
    };
    let argument = argument.trim_start();
    let start = before.len() - argument.len();
    let options: Vec<String> = match command {
        ":load" => return Completion::FileName,
        ":help" => {
            let mut names: Vec<String> = crate::host::docs::topics()
                .into_iter()
                .map(String::from)
                .collect();
            names.extend(vocabulary.functions.iter().map(|f| f.name.clone()));
            names
        }
        ":dry-run" => vec!["on".into(), "off".into()],
        _ => Vec::new(),
    };
    Completion::Words {
        start,
        candidates: options
            .iter()
            .filter(|o| o.starts_with(argument))
            .map(|o| word(o, o))
            .collect(),
    }
}

/// `name(` for a function that takes arguments, `name()` for one that takes none.
fn call(callable: &Callable) -> Candidate {
    let replacement = if callable.no_arguments {
        format!("{}()", callable.name)
    } else {
        format!("{}(", callable.name)
    };
    word(&callable.name, &replacement)
}

fn word(display: &str, replacement: &str) -> Candidate {
    Candidate {
        display: display.to_string(),
        replacement: replacement.to_string(),
    }
}

fn current_line(before: &str) -> &str {
    before.rsplit('\n').next().unwrap_or(before)
}

/// True when the cursor is inside a `"..."` or `` `...` `` literal on the current line.
fn inside_string(line: &str) -> bool {
    Scan::of(line).open_string.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::{Dynamic, Scope};

    fn vocabulary() -> Vocabulary {
        let engine = crate::host::engine::EngineBuilder::new(
            crate::host::context::HostCtx::for_tests(),
            crate::host::sources::SourceMap::new(),
        )
        .build();
        let ast = engine.compile("fn twice(x) { x * 2 }").unwrap();
        let mut result = rhai::Map::new();
        result.insert("verdict".into(), Dynamic::from("ok"));
        result.insert("dump_files".into(), Dynamic::from_array(Vec::new()));
        let mut scope = Scope::new();
        scope.push("result", result);
        scope.push("retries", 3_i64);
        scope.push_constant("params", rhai::Map::new());
        let mut v = Vocabulary::new(crate::host::engine::known_function_names(&engine));
        v.refresh(&scope, &ast);
        v
    }

    fn replacements(completion: Completion) -> (usize, Vec<String>) {
        match completion {
            Completion::Words { start, candidates } => (
                start,
                candidates.into_iter().map(|c| c.replacement).collect(),
            ),
            Completion::FileName => (usize::MAX, vec!["<file>".into()]),
        }
    }

    #[test]
    fn a_primitive_completes_with_its_parenthesis() {
        let v = vocabulary();
        assert_eq!(
            replacements(complete(&v, "let pw = secret_e", 17)),
            (9, vec!["secret_env(".to_string()])
        );
        assert_eq!(
            replacements(complete(&v, "run_i", 5)),
            (0, vec!["run_info()".to_string()])
        );
    }

    #[test]
    fn every_primitive_completes_from_its_prefix() {
        // `check_e` → `check_env()` (no arguments), `secret_e` → `secret_env(`: for all of them.
        let v = vocabulary();
        for doc in crate::primitives::all_docs() {
            let prefix = &doc.name[..doc.name.len() - 1];
            let expected = if doc.signature.starts_with(&format!("{}()", doc.name)) {
                format!("{}()", doc.name)
            } else {
                format!("{}(", doc.name)
            };
            let (start, found) = replacements(complete(&v, prefix, prefix.len()));
            assert_eq!(start, 0);
            assert!(found.contains(&expected), "{prefix}: {found:?}");
        }
    }

    #[test]
    fn functions_variables_and_builtins_complete() {
        let v = vocabulary();
        assert_eq!(replacements(complete(&v, "twi", 3)).1, ["twice("]);
        assert_eq!(replacements(complete(&v, "retr", 4)).1, ["retries"]);
        assert!(replacements(complete(&v, "prin", 4))
            .1
            .contains(&"print(".to_string()));
    }

    #[test]
    fn neither_internals_nor_every_builtin_are_offered() {
        let engine = crate::host::engine::EngineBuilder::new(
            crate::host::context::HostCtx::for_tests(),
            crate::host::sources::SourceMap::new(),
        )
        .build();
        // A closure compiles to a function named `anon$<hash>`.
        let ast = engine
            .compile("fn twice(x) { x * 2 } let f = |x| x + 1;")
            .unwrap();
        assert!(ast.iter_functions().any(|f| f.name.contains('$')));
        let mut v = Vocabulary::new(crate::host::engine::known_function_names(&engine));
        v.refresh(&Scope::new(), &ast);
        let all: Vec<String> = ('a'..='z')
            .flat_map(|c| replacements(complete(&v, &c.to_string(), 1)).1)
            .collect();
        assert!(!all.iter().any(|c| c.contains('$')), "{all:?}");
        // Rhai's string, math and array functions are not offered...
        for builtin in ["to_upper(", "sin(", "pad(", "len(", "parse_int("] {
            assert!(!all.contains(&builtin.to_string()), "{builtin} in {all:?}");
        }
        // ... bizscript's primitives, the script's own functions and the keywords are.
        for wanted in ["expdp(", "twice(", "let", "try", "print("] {
            assert!(all.contains(&wanted.to_string()), "{wanted} not in {all:?}");
        }
    }

    #[test]
    fn map_keys_complete_after_a_dot() {
        let v = vocabulary();
        assert_eq!(
            replacements(complete(&v, "result.ver", 10)),
            (7, vec!["verdict".to_string()])
        );
        assert_eq!(
            replacements(complete(&v, "result.", 7)).1,
            ["dump_files", "verdict"]
        );
        assert!(replacements(complete(&v, "nothing.", 8)).1.is_empty());
    }

    #[test]
    fn module_functions_complete_after_their_alias() {
        let mut v = vocabulary();
        v.add_module(
            "bizagi",
            ["start(params)", "finish(run)", "stop(run, name)"],
        );
        assert_eq!(
            replacements(complete(&v, "let run = bizagi::st", 20)),
            (18, vec!["start(".to_string(), "stop(".to_string()])
        );
        assert_eq!(
            signature_hint(&v, "bizagi::finish(").as_deref(),
            Some("bizagi::finish(run)")
        );
        // A map literal's `key:` is not a module path.
        assert_eq!(
            replacements(complete(&v, "#{ verdict:run_i", 16)).1,
            ["run_info()"]
        );
    }

    #[test]
    fn commands_and_their_arguments_complete() {
        let v = vocabulary();
        assert_eq!(
            replacements(complete(&v, ":he", 3)),
            (0, vec![":help".into()])
        );
        assert_eq!(
            replacements(complete(&v, ":help secret_fi", 15)),
            (6, vec!["secret_file".into()])
        );
        assert_eq!(
            replacements(complete(&v, ":dry-run o", 10)).1,
            ["on", "off"]
        );
        assert_eq!(complete(&v, ":load scr", 9), Completion::FileName);
        assert_eq!(complete(&v, "secret_file(\"pw", 15), Completion::FileName);
    }

    #[test]
    fn hints_show_the_signature_of_the_call_being_typed() {
        let v = vocabulary();
        assert_eq!(
            signature_hint(&v, "let pw = secret_env(\"BIZ").as_deref(),
            Some("secret_env(name: string) -> Secret")
        );
        assert_eq!(
            signature_hint(&v, "twice(1 + (2").as_deref(),
            Some("twice(x)")
        );
        assert_eq!(signature_hint(&v, "twice(1) + 2"), None);
        assert_eq!(
            signature_hint(&v, "secret_env").as_deref(),
            Some("secret_env(name: string) -> Secret")
        );
    }
}
