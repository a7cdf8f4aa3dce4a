//! Module resolution: `import "bizagi" as bizagi;` always means the binary's embedded standard
//! library; any other name is a file relative to the importing script's folder.

use crate::host::sources::{stdlib_id, stdlib_module, SourceMap};
use rhai::module_resolvers::{FileModuleResolver, ModuleResolversCollection};
use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};
use std::path::Path;

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
    collection.push(files);
    collection
}
