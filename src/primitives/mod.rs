//! The primitives scripts call: thin glue between Rhai values and the domain modules.
//!
//! [`PRIMITIVES`] is the one table of primitives: each row names a module's [`PrimitiveDoc`]s
//! (name, signature, summary, example) and the function that registers them. `bizscript doc`,
//! the REPL's `:help`, the `.d.rhai` definitions and the engine's registration all derive from
//! it, and the parameter names and types the engine shows come from the doc's signature and the
//! Rust function itself (see [`registration`]), so there is no second signature to keep in step.
//! A test checks that every function the engine exposes beyond Rhai's standard library has a
//! row, that every signature line is registered with that arity and compatible types, and that
//! every example compiles.
//!
//! Adding a primitive:
//! 1. in its own file, a `pub const NAME: PrimitiveDoc` per function name (one signature line
//!    per overload, `name: type` for every parameter; types are `string`, `int`, `bool`, `any`,
//!    `Map` or `#{ key: type, .. }`, `Array` or `[type]`, `a|b`, or a host type like `Oracle`),
//!    and a `pub fn register(engine, ctx)` calling `registration(&NAME).register_into_engine(..)`
//!    once per overload;
//! 2. one row in [`PRIMITIVES`], where the procedure uses it (the order of `bizscript doc`).
//!
//! Every primitive is registered volatile and impure (see [`registration`]) so the optimizer can
//! never run it at compile time.

use crate::primitives::runtime::HostCtx;
use rhai::{Engine, FuncRegistration, RhaiNativeFunc, Variant};
use std::sync::Arc;

pub mod accept;
pub mod check_env;
pub mod clock;
pub mod compress;
pub mod connection;
pub mod console;
pub mod database_identity;
pub mod datapump_cleanup;
pub mod datapump_jobs;
pub mod datapump_progress;
pub mod datapump_run;
pub mod ensure_directory;
pub mod errors;
pub mod expdp;
pub mod files;
pub mod impdp;
pub mod json;
pub mod lock;
pub mod nls_charset;
pub mod options;
pub mod outcome;
pub mod parse_log;
pub mod paths;
pub mod procedure_params;
pub mod reading;
pub mod remove_unpacked;
pub mod restore_archive;
pub mod restore_postchecks;
pub mod restore_prechecks;
pub mod retention;
pub mod run_info;
pub mod runtime;
pub mod secrets;
pub mod source_facts;
pub mod sqlplus;
pub mod step;
#[cfg(test)]
pub mod testing;
/// The Windows registry's Oracle homes (not the table of primitives).
pub mod windows_registry;

/// The documentation of one primitive, shown by `bizscript doc NAME` and `:help NAME`.
#[derive(Debug, Clone, Copy)]
pub struct PrimitiveDoc {
    /// The function name scripts call.
    pub name: &'static str,
    /// Typed signature(s), one line per overload, e.g. `expdp(db: Oracle, opts: Map) -> Map`.
    /// The parameter names the engine (and `.d.rhai`) shows are taken from here.
    pub signature: &'static str,
    /// One paragraph: what it does, what it returns, what it refuses.
    pub summary: &'static str,
    /// A Rhai example. It compiles in a test against the real engine (and several run, under
    /// `--simulate` where they need Oracle), so keep it self-contained and true.
    pub example: &'static str,
}

/// One row of the table: the primitives one module defines and the function registering them.
pub struct PrimitiveRow {
    /// The module's primitives, in the order `bizscript doc` lists them.
    pub docs: &'static [&'static PrimitiveDoc],
    /// Registers every one of `docs` (each through [`registration`]).
    pub register: fn(&mut Engine, &Arc<HostCtx>),
}

/// Every primitive, in the order of the procedure. To add one, add a row (see the module doc).
pub const PRIMITIVES: &[PrimitiveRow] = &[
    PrimitiveRow {
        docs: &[&run_info::RUN_INFO, &run_info::SET_REPORT],
        register: run_info::register,
    },
    PrimitiveRow {
        docs: &[&accept::ACCEPT],
        register: accept::register,
    },
    PrimitiveRow {
        docs: &[
            &procedure_params::PROCEDURE_PARAMETERS,
            &procedure_params::CHECK_PARAMETERS,
        ],
        register: procedure_params::register,
    },
    PrimitiveRow {
        docs: &[
            &secrets::SECRET_ENV,
            &secrets::SECRET_FILE,
            &secrets::SECRET_PROMPT,
            &secrets::SECRET_FOR_SIMULATION,
            &secrets::SECRET_ORIGIN,
        ],
        register: secrets::register,
    },
    PrimitiveRow {
        docs: &[&console::SAY, &console::ANNOUNCE],
        register: console::register,
    },
    PrimitiveRow {
        docs: &[
            &clock::NOW_UTC,
            &clock::TIMESTAMP_TAG,
            &clock::RUN_TAG,
            &clock::EXPORT_JOB_NAME,
        ],
        register: clock::register,
    },
    PrimitiveRow {
        docs: &[&lock::ACQUIRE_LOCK],
        register: lock::register,
    },
    PrimitiveRow {
        docs: &[
            &files::FILE_EXISTS,
            &files::WRITE_JSON,
            &files::APPEND_LINE,
            &files::COPY_FILE,
            &files::REMOVE_FILES,
        ],
        register: files::register,
    },
    PrimitiveRow {
        docs: &[&paths::PATH_PARENT, &paths::PATH_JOIN, &paths::FILE_NAME],
        register: paths::register,
    },
    PrimitiveRow {
        docs: &[&retention::PRUNE_ARCHIVES],
        register: retention::register,
    },
    PrimitiveRow {
        docs: &[&connection::ORACLE],
        register: connection::register,
    },
    PrimitiveRow {
        docs: &[&check_env::CHECK_ENV],
        register: check_env::register,
    },
    PrimitiveRow {
        docs: &[&nls_charset::NLS_CHARSET],
        register: nls_charset::register,
    },
    PrimitiveRow {
        docs: &[&database_identity::DATABASE_IDENTITY],
        register: database_identity::register,
    },
    PrimitiveRow {
        docs: &[&source_facts::SOURCE_FACTS],
        register: source_facts::register,
    },
    PrimitiveRow {
        docs: &[&restore_archive::RESTORE_ARCHIVE],
        register: restore_archive::register,
    },
    PrimitiveRow {
        docs: &[&reading::READ_JSON, &reading::HEAD_LINES],
        register: reading::register,
    },
    PrimitiveRow {
        docs: &[&remove_unpacked::REMOVE_UNPACKED],
        register: remove_unpacked::register,
    },
    PrimitiveRow {
        docs: &[&restore_prechecks::RESTORE_PRECHECKS],
        register: restore_prechecks::register,
    },
    PrimitiveRow {
        docs: &[
            &restore_postchecks::RESTORE_POSTCHECKS,
            &restore_postchecks::DROP_SCRATCH_SCHEMA,
        ],
        register: restore_postchecks::register,
    },
    PrimitiveRow {
        docs: &[&ensure_directory::ENSURE_DIRECTORY],
        register: ensure_directory::register,
    },
    PrimitiveRow {
        docs: &[&expdp::EXPDP],
        register: |engine, ctx| {
            expdp::register(engine, ctx, |db: &connection::Oracle| &db.connection)
        },
    },
    PrimitiveRow {
        docs: &[&impdp::IMPDP],
        register: |engine, ctx| {
            impdp::register(engine, ctx, |db: &connection::Oracle| &db.connection)
        },
    },
    PrimitiveRow {
        docs: &[&datapump_jobs::DATAPUMP_JOBS, &datapump_jobs::CLEANUP_JOB],
        register: datapump_jobs::register,
    },
    PrimitiveRow {
        docs: &[&parse_log::PARSE_LOG, &parse_log::PARSE_LOG_TEXT],
        register: parse_log::register,
    },
    PrimitiveRow {
        docs: &[&compress::COMPRESS],
        register: compress::register,
    },
];

/// Every primitive's documentation, in the order of [`PRIMITIVES`].
pub fn all_docs() -> Vec<&'static PrimitiveDoc> {
    PRIMITIVES
        .iter()
        .flat_map(|row| row.docs.iter().copied())
        .collect()
}

/// Looks up one primitive's documentation by name.
pub fn doc(name: &str) -> Option<&'static PrimitiveDoc> {
    all_docs().into_iter().find(|d| d.name == name)
}

/// Registers every primitive of [`PRIMITIVES`] into `engine`.
pub fn register_all(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    for row in PRIMITIVES {
        (row.register)(engine, ctx);
    }
}

/// One overload of a signature line: its parameters (`name`, `type`) and return type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLine<'a> {
    /// `(name, type)` of each parameter, as written.
    pub params: Vec<(&'a str, &'a str)>,
    /// The return type, `()` when the line names none.
    pub returns: &'a str,
}

/// The overloads `doc.signature` describes, one per line. A parameter written without a name
/// (`#{ .. }`) is named `_`.
pub fn signature_lines(doc: &PrimitiveDoc) -> Vec<SignatureLine<'static>> {
    doc.signature
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_signature_line)
        .collect()
}

fn parse_signature_line(line: &str) -> SignatureLine<'_> {
    let line = line.trim();
    let open = line.find('(').unwrap_or(line.len());
    // The closing parenthesis of the parameter list: the last one before ` -> `, if any.
    let (inside, returns) = match line.rfind(") -> ") {
        Some(close) if close >= open => (
            &line[(open + 1).min(close)..close],
            line[close + 5..].trim(),
        ),
        _ => {
            let close = line.rfind(')').filter(|&c| c >= open).unwrap_or(line.len());
            (&line[(open + 1).min(close)..close], "()")
        }
    };
    let mut params = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = inside.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b',' if depth == 0 => {
                params.push(&inside[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inside[start..].trim().is_empty() {
        params.push(&inside[start..]);
    }
    let params = params
        .into_iter()
        .map(|p| {
            let p = p.trim();
            match p.split_once(':') {
                Some((name, ty)) if is_identifier(name.trim()) => (name.trim(), ty.trim()),
                _ => ("_", p),
            }
        })
        .collect();
    SignatureLine { params, returns }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether a documented type (`string`, `Map`, `#{..}`, `[string]`, `Array|string`, `Oracle`...)
/// describes the Rust type `rust` (a `std::any::type_name`) a primitive takes or returns.
pub fn doc_type_matches(doc_type: &str, rust: &str) -> bool {
    let base = rust
        .split('<')
        .next()
        .unwrap_or(rust)
        .trim_start_matches("&mut ");
    let last = base.rsplit("::").next().unwrap_or(base);
    if last == "Dynamic" {
        // The function takes anything and checks it itself.
        return true;
    }
    doc_type.split('|').map(str::trim).any(|t| match t {
        "string" => matches!(last, "&str" | "str" | "String" | "ImmutableString"),
        "int" => last == "i64",
        "float" => last == "f64",
        "bool" => last == "bool",
        "()" => rust == "()",
        "Map" => matches!(last, "BTreeMap" | "Map"),
        "Array" => matches!(last, "Vec" | "Array"),
        t if t.starts_with("#{") => matches!(last, "BTreeMap" | "Map"),
        t if t.starts_with('[') => matches!(last, "Vec" | "Array"),
        t => last == t,
    })
}

/// The type the engine shows for a parameter or result: the Rust type's Rhai name, or, where the
/// function takes or returns any value (`Dynamic`) and checks it itself, the documented type.
fn shown_type<'a>(engine: &'a Engine, doc_type: &str, rust: &'a str) -> &'a str {
    let rust = rust.trim_start_matches("&mut ");
    let last = rust.rsplit("::").next().unwrap_or(rust);
    if last != "Dynamic" {
        return engine.map_type_name(rust);
    }
    match doc_type.trim() {
        "Map" => "Map",
        "Array" => "Array",
        "string" => "String",
        "int" => "i64",
        "bool" => "bool",
        t if t.starts_with("#{") => "Map",
        t if t.starts_with('[') => "Array",
        _ => engine.map_type_name(rust),
    }
}

/// The registration of one overload of `doc`: see [`Registration::register_into_engine`].
pub fn registration(doc: &'static PrimitiveDoc) -> Registration {
    Registration { doc }
}

/// One primitive about to be registered (from [`registration`]).
pub struct Registration {
    doc: &'static PrimitiveDoc,
}

impl Registration {
    /// Registers `func` as the overload of the primitive whose signature line has as many
    /// parameters: global, volatile, impure, with its doc comments, and with parameter info made
    /// of the line's names and the types of `func` itself (for `.d.rhai` and signatures).
    /// A line that does not fit `func` (no line of that arity, or a documented type `func` does
    /// not take) is a bug the table test reports; debug builds stop on it at once.
    pub fn register_into_engine<A: 'static, const N: usize, const X: bool, R, const F: bool, FUNC>(
        self,
        engine: &mut Engine,
        func: FUNC,
    ) where
        R: Variant + Clone,
        FUNC: RhaiNativeFunc<A, N, X, R, F> + Send + Sync + 'static,
    {
        let doc = self.doc;
        let rust_params = FUNC::param_names();
        let rust_return = std::any::type_name::<R>();
        let line = signature_lines(doc)
            .into_iter()
            .filter(|l| l.params.len() == N)
            .find(|l| {
                l.params
                    .iter()
                    .zip(rust_params.iter())
                    .all(|((_, ty), rust)| doc_type_matches(ty, rust))
                    && doc_type_matches(l.returns, rust_return)
            });
        debug_assert!(
            line.is_some(),
            "{}: no signature line fits the registered overload ({}) -> {}",
            doc.name,
            rust_params.join(", "),
            rust_return
        );
        let mut info: Vec<String> = rust_params
            .iter()
            .enumerate()
            .map(|(i, rust)| {
                let (name, ty) = line.as_ref().map_or(("_", "any"), |l| l.params[i]);
                format!("{name}: {}", shown_type(engine, ty, rust))
            })
            .collect();
        let returns = line.as_ref().map_or("any", |l| l.returns);
        info.push(shown_type(engine, returns, rust_return).to_string());
        let info: Vec<&str> = info.iter().map(String::as_str).collect();

        let mut comments = vec![format!("/// {}", doc.summary)];
        comments.push("///".to_string());
        comments.push("/// ```rhai".to_string());
        comments.extend(doc.example.lines().map(|l| format!("/// {l}")));
        comments.push("/// ```".to_string());
        FuncRegistration::new(doc.name)
            .in_global_namespace()
            .with_volatility(true)
            .with_purity(false)
            .with_params_info(info)
            .with_comments(comments)
            .register_into_engine(engine, func);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::engine::{EngineBuilder, PrintTarget};
    use crate::host::sources::SourceMap;
    use std::collections::{BTreeMap, BTreeSet};

    fn engine() -> Engine {
        EngineBuilder::new(HostCtx::for_tests(), SourceMap::new())
            .print(PrintTarget::Discard)
            .build()
    }

    /// `(name, arity, first parameter's type, return type)` of every function registered in
    /// `engine` itself (not its packages), from its signatures `name(a: T, b: U) -> R`.
    fn registered(engine: &Engine) -> Vec<(String, usize, String, String)> {
        engine
            .gen_fn_signatures(false)
            .into_iter()
            .map(|sig| {
                let line = parse_signature_line(&sig);
                let name = sig.split('(').next().unwrap_or_default().trim().to_string();
                let first = line
                    .params
                    .first()
                    .map(|p| p.1.trim_start_matches("&mut ").to_string())
                    .unwrap_or_default();
                (name, line.params.len(), first, line.returns.to_string())
            })
            .collect()
    }

    /// The names Rhai's standard packages define (what a plain `Engine::new()` offers).
    fn standard_names() -> BTreeSet<String> {
        Engine::new()
            .gen_fn_signatures(true)
            .into_iter()
            .filter_map(|s| s.split('(').next().map(|n| n.trim().to_string()))
            .collect()
    }

    #[test]
    fn the_parser_reads_names_types_and_results() {
        let doc = &files::WRITE_JSON;
        let lines = signature_lines(doc);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].params, vec![("path", "string"), ("value", "any")]);
        assert_eq!(lines[0].returns, "()");
        assert_eq!(
            lines[1].params[2],
            ("opts", "#{ mode_of: string, overwrite: bool }")
        );
        let line = parse_signature_line("f() -> Map");
        assert!(line.params.is_empty());
        assert_eq!(line.returns, "Map");
        assert!(doc_type_matches("Array|string", "&str"));
        assert!(doc_type_matches("Map", "std::collections::BTreeMap<smartstring::SmartString<smartstring::config::LazyCompact>, rhai::Dynamic>"));
        assert!(!doc_type_matches("Map", "&str"));
        assert!(!doc_type_matches("string", "rhai::Map"));
    }

    /// Every function the engine exposes beyond Rhai's standard library has a row in the table;
    /// every signature line of every row is registered with that arity; property getters are
    /// named in the summary of the primitive that returns their type.
    #[test]
    fn every_exposed_function_has_a_doc_and_every_doc_is_registered() {
        let engine = engine();
        let standard = standard_names();
        let docs: BTreeMap<&str, &PrimitiveDoc> =
            all_docs().into_iter().map(|d| (d.name, d)).collect();
        assert_eq!(docs.len(), all_docs().len(), "a name has two rows");
        let registered = registered(&engine);
        let mut problems = Vec::new();
        for (name, arity, first, _) in &registered {
            if let Some(property) = name
                .strip_prefix("get$")
                .or_else(|| name.strip_prefix("set$"))
            {
                let named = all_docs().iter().any(|d| {
                    signature_lines(d)
                        .iter()
                        .any(|l| l.returns == first.as_str())
                        && d.summary.contains(&format!("`{property}`"))
                });
                if !named {
                    problems.push(format!("property `{property}` of {first}: no primitive returning {first} names it in its summary"));
                }
                continue;
            }
            match docs.get(name.as_str()) {
                Some(doc) => {
                    if !signature_lines(doc)
                        .iter()
                        .any(|l| l.params.len() == *arity)
                    {
                        problems.push(format!("{name} is registered with {arity} parameter(s), which no line of its signature has"));
                    }
                }
                // `to_string(Secret)`, `is_empty(Secret)`: the standard functions for a host type.
                None if standard.contains(name) => {}
                None => problems.push(format!("{name} is registered but has no row in PRIMITIVES")),
            }
        }
        for doc in all_docs() {
            for line in signature_lines(doc) {
                let found = registered
                    .iter()
                    .any(|(name, arity, _, _)| name == doc.name && *arity == line.params.len());
                if !found {
                    problems.push(format!(
                        "{}: the signature line with {} parameter(s) is not registered",
                        doc.name,
                        line.params.len()
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Every example passes `bizscript check` (it compiles with strict variables, and every
    /// function it calls exists), so no example shows a name a reader cannot use.
    #[test]
    fn every_example_passes_check() {
        // The check this relies on does see a call to nothing.
        let wrong = crate::host::sources::ScriptSource::inline("<wrong>", "say(now_utcc());");
        assert!(!crate::host::check::check_script(&wrong).is_empty());
        let mut problems = Vec::new();
        for doc in all_docs() {
            let source = crate::host::sources::ScriptSource::inline(
                &format!("<example of {}>", doc.name),
                doc.example,
            );
            for finding in crate::host::check::check_script(&source) {
                problems.push(format!("{}: {}", doc.name, finding.rendered));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The primitives never import the host (the host builds its engines from them, so an
    /// import back would be a cycle): outside test code, no file of `src/primitives/` names
    /// `crate::host`. Test code (a `#[cfg(test)]` module, inline or in its own file) may: it
    /// builds engines to run the primitives.
    #[test]
    fn the_primitives_do_not_import_the_host() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/primitives");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        assert!(
            files.len() > 20,
            "{} files read from {}",
            files.len(),
            dir.display()
        );
        // Files that are test modules of their own: `#[cfg(test)]` then `mod NAME;`.
        let mut test_only = BTreeSet::new();
        for (_, text) in &files {
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for pair in lines.windows(2) {
                if pair[0] == "#[cfg(test)]" {
                    let decl = pair[1].trim_start_matches("pub ");
                    if let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';'))
                    {
                        test_only.insert(name.to_string());
                    }
                }
            }
        }
        assert!(test_only.contains("testing"), "{test_only:?}");
        let mut problems = Vec::new();
        for (name, text) in &files {
            if test_only.contains(name) {
                continue;
            }
            let mut in_test = false;
            let mut previous = "";
            for (number, line) in text.lines().enumerate() {
                let trimmed = line.trim();
                // An inline test module runs to the end of the file (they are written last).
                if previous == "#[cfg(test)]"
                    && trimmed.starts_with("mod ")
                    && trimmed.ends_with('{')
                {
                    in_test = true;
                }
                previous = trimmed;
                if in_test || trimmed.starts_with("//") {
                    continue;
                }
                if trimmed.contains("crate::host") {
                    problems.push(format!(
                        "src/primitives/{name}.rs:{}: {trimmed}",
                        number + 1
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
