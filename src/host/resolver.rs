//! Module resolution: `import "bizagi" as bizagi;` always means the binary's embedded standard
//! library; any other name is a file relative to the importing script's folder.

use crate::host::sources::{stdlib_id, stdlib_module, SourceMap};
use crate::primitives::errors;
use rhai::module_resolvers::{FileModuleResolver, ModuleResolversCollection};
use rhai::{Dynamic, Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Serves the embedded `stdlib/*.rhai` modules by name.
#[derive(Debug, Clone)]
pub struct StdlibResolver {
    sources: SourceMap,
}

impl ModuleResolver for StdlibResolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let Some(text) = stdlib_module(path) else {
            return Err(Box::new(EvalAltResult::ErrorModuleNotFound(
                path.to_string(),
                pos,
            )));
        };
        let id = stdlib_id(path);
        self.sources.insert(&id, text);
        let mut ast = engine.compile(text).map_err(|err| {
            Box::new(EvalAltResult::ErrorInModule(
                path.to_string(),
                Box::new(err.into()),
                pos,
            ))
        })?;
        ast.set_source(id.as_str());
        let mut module = Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|err| Box::new(EvalAltResult::ErrorInModule(path.to_string(), err, pos)))?;
        module.set_id(id.as_str());
        module.build_index();
        Ok(module.into())
    }
}

/// Files imported more deeply than this are refused: a chain that long is a mistake, and each
/// level costs native stack.
pub const MAX_IMPORT_DEPTH: usize = 32;

/// Resolves file modules beside the script, refusing an import cycle (a script importing
/// itself, directly or through others) with a clean error instead of recursing until the
/// stack overflows. `bizscript check` (and `run`, which checks first) reports cycles before
/// anything runs; this guard is for what slips past it (the REPL, dynamic paths).
#[derive(Debug)]
pub struct FileResolver {
    files: FileModuleResolver,
    /// The files being evaluated, outermost first.
    loading: Mutex<Vec<PathBuf>>,
}

impl FileResolver {
    fn guarded(
        &self,
        source: Option<&str>,
        path: &str,
        pos: Position,
        load: impl FnOnce() -> Result<Shared<Module>, Box<EvalAltResult>>,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let file = self
            .files
            .get_file_path(path, source.and_then(|s| Path::new(s).parent()));
        let key = std::fs::canonicalize(&file).unwrap_or(file);
        let refuse = |code: &str, message: String, hint: &str| {
            let err = errors::script_error(code, message, hint);
            let payload = match *err {
                EvalAltResult::ErrorRuntime(payload, _) => payload,
                other => Dynamic::from(other.to_string()),
            };
            Box::new(EvalAltResult::ErrorInModule(
                path.to_string(),
                Box::new(EvalAltResult::ErrorRuntime(payload, pos)),
                pos,
            ))
        };
        {
            let mut loading = self.loading.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(at) = loading.iter().position(|p| p == &key) {
                let chain: Vec<String> = loading[at..]
                    .iter()
                    .chain(std::iter::once(&key))
                    .map(|p| p.display().to_string())
                    .collect();
                return Err(refuse(
                    "BZ-IMPORT-CYCLE",
                    format!("import cycle: {}", chain.join(" imports ")),
                    "a module cannot import itself, directly or through others",
                ));
            }
            if loading.len() >= MAX_IMPORT_DEPTH {
                return Err(refuse(
                    "BZ-IMPORT-CYCLE",
                    format!(
                        "imports nested more than {MAX_IMPORT_DEPTH} deep at {}",
                        key.display()
                    ),
                    "flatten the chain of imports",
                ));
            }
            loading.push(key);
        }
        let result = load();
        self.loading.lock().unwrap_or_else(|p| p.into_inner()).pop();
        result
    }
}

impl ModuleResolver for FileResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        self.guarded(source, path, pos, || {
            self.files.resolve(engine, source, path, pos)
        })
    }

    fn resolve_raw(
        &self,
        engine: &Engine,
        global: &mut rhai::GlobalRuntimeState,
        scope: &mut Scope,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let source = global.source().map(str::to_string);
        self.guarded(source.as_deref(), path, pos, || {
            self.files.resolve_raw(engine, global, scope, path, pos)
        })
    }
}

/// The resolver a run uses: the embedded stdlib first, then files beside the script.
pub fn resolver(sources: &SourceMap, script_dir: Option<&Path>) -> ModuleResolversCollection {
    let mut collection = ModuleResolversCollection::new();
    collection.push(StdlibResolver {
        sources: sources.clone(),
    });
    let mut files = match script_dir {
        Some(dir) => FileModuleResolver::new_with_path(dir),
        None => FileModuleResolver::new(),
    };
    // The REPL reloads edited modules; a run imports each once anyway.
    files.enable_cache(false);
    collection.push(FileResolver {
        files,
        loading: Mutex::new(Vec::new()),
    });
    collection
}

#[cfg(test)]
mod tests {
    use crate::host::engine::EngineBuilder;
    use crate::host::sources::SourceMap;
    use crate::primitives::runtime::HostCtx;

    /// What slips past `check` (the REPL, a run's engine used directly) still ends cleanly.
    #[test]
    fn an_import_cycle_is_an_error_not_a_stack_overflow() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("itself.rhai"), "import \"itself\" as me;\n").unwrap();
        std::fs::write(
            dir.path().join("a.rhai"),
            "import \"b\" as b;\nfn fa() { 1 }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.rhai"),
            "import \"a\" as a;\nfn fb() { 2 }\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("ok.rhai"), "fn twice(x) { x * 2 }\n").unwrap();
        let engine = EngineBuilder::new(HostCtx::for_tests(), SourceMap::new())
            .script_dir(Some(dir.path()))
            .build();
        for script in ["import \"itself\" as me;", "import \"a\" as a; a::fa()"] {
            let err = engine.run(script).expect_err(script);
            let text = format!("{err:?}");
            assert!(text.contains("BZ-IMPORT-CYCLE"), "{script}: {text}");
            assert!(crate::host::script::is_usage_error(&err), "{script}");
        }
        // The guard forgets a module once it is loaded: importing it twice is no cycle.
        let twice: i64 = engine
            .eval("import \"ok\" as x; import \"ok\" as y; x::twice(1) + y::twice(2)")
            .unwrap();
        assert_eq!(twice, 6);
    }
}
