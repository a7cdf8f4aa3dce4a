//! The one engine builder used by `run`, `check`, `repl`, `doc` and the tests.
//!
//! Hardening, in one place (see docs/host.md, A.1-A.4):
//! * optimization level `Simple`: at `Full`, Rhai calls functions with constant arguments at
//!   compile time, which for a primitive would mean acting while merely compiling;
//! * every primitive volatile and impure (see `primitives::registration`);
//! * strict variables, `eval` disabled;
//! * explicit limits, identical in debug and release builds (Rhai's defaults differ);
//! * `on_progress` polls the cancel flag, so Ctrl-C stops even `loop {}`.

use crate::host::context::HostCtx;
use crate::host::resolver;
use crate::host::sources::SourceMap;
use rhai::{Dynamic, Engine, OptimizationLevel};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Limits, the same in every build profile.
pub mod limits {
    /// Nested function calls.
    pub const CALL_LEVELS: usize = 64;
    /// Expression nesting at global level.
    pub const EXPR_DEPTH: usize = 64;
    /// Expression nesting inside functions.
    pub const FN_EXPR_DEPTH: usize = 32;
    /// Largest string a script may build (bytes).
    pub const STRING_SIZE: usize = 64 * 1024 * 1024;
    /// Largest array.
    pub const ARRAY_SIZE: usize = 10_000_000;
    /// Largest object map: entries, counting those of nested maps and arrays. Rhai also adds up
    /// every string a map or array holds (at any depth) against `STRING_SIZE`, so a map of
    /// large strings stops at 64 MiB of text in all. (Rhai does not count the keys' lengths:
    /// a key is at most one `STRING_SIZE` string, and there are at most `MAP_SIZE` of them.)
    pub const MAP_SIZE: usize = 1_000_000;
    /// Modules loaded by one script.
    pub const MODULES: usize = 256;
}

/// Where a script's `print` goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrintTarget {
    /// Standard output (runs): a script's output can be piped.
    Stdout,
    /// Discarded (`check`, doc rendering).
    Discard,
}

/// Builds engines for one run or session.
pub struct EngineBuilder<'a> {
    ctx: Arc<HostCtx>,
    sources: SourceMap,
    script_dir: Option<&'a Path>,
    print: PrintTarget,
}

impl<'a> EngineBuilder<'a> {
    /// A builder sharing `ctx` with the primitives.
    pub fn new(ctx: Arc<HostCtx>, sources: SourceMap) -> Self {
        Self {
            ctx,
            sources,
            script_dir: None,
            print: PrintTarget::Stdout,
        }
    }

    /// Relative imports resolve against this folder.
    pub fn script_dir(mut self, dir: Option<&'a Path>) -> Self {
        self.script_dir = dir;
        self
    }

    /// Where `print` goes.
    pub fn print(mut self, target: PrintTarget) -> Self {
        self.print = target;
        self
    }

    /// The hardened engine with every primitive registered.
    pub fn build(self) -> Engine {
        let mut engine = Engine::new();
        engine.set_optimization_level(OptimizationLevel::Simple);
        engine.set_strict_variables(true);
        engine.disable_symbol("eval");
        engine.set_max_call_levels(limits::CALL_LEVELS);
        engine.set_max_expr_depths(limits::EXPR_DEPTH, limits::FN_EXPR_DEPTH);
        engine.set_max_string_size(limits::STRING_SIZE);
        engine.set_max_array_size(limits::ARRAY_SIZE);
        engine.set_max_map_size(limits::MAP_SIZE);
        engine.set_max_modules(limits::MODULES);

        let cancel = self.ctx.cancel.clone();
        engine.on_progress(move |_| {
            if cancel.is_cancelled() {
                Some(Dynamic::from("interrupted"))
            } else {
                None
            }
        });

        match self.print {
            PrintTarget::Stdout => {
                engine.on_print(|text| {
                    // A closed pipe (`| head`) must not panic the run.
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{text}");
                    let _ = out.flush();
                    tracing::info!(target: "script", "{text}");
                });
            }
            PrintTarget::Discard => {
                engine.on_print(|_| {});
            }
        }
        engine.on_debug(|text, source, pos| {
            let at = match (source, pos.line()) {
                (Some(s), Some(l)) => format!("{s}:{l}"),
                (None, Some(l)) => format!("line {l}"),
                _ => String::new(),
            };
            eprintln!("[debug {at}] {text}");
            tracing::debug!(target: "script", "{at} {text}");
        });

        engine.set_module_resolver(resolver::resolver(&self.sources, self.script_dir));
        crate::primitives::register_all(&mut engine, &self.ctx);
        engine
    }
}

/// The names of every function a script can call (primitives, host functions and Rhai's
/// standard packages), for "did you mean" hints and `check`.
pub fn known_function_names(engine: &Engine) -> Vec<String> {
    let mut names: Vec<String> = engine
        .gen_fn_signatures(true)
        .into_iter()
        .filter_map(|sig| {
            let sig = sig.strip_prefix("fn ").unwrap_or(&sig);
            let name = sig.split('(').next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect();
    names.extend(
        [
            "print",
            "debug",
            "type_of",
            "Fn",
            "call",
            "curry",
            "is_def_fn",
            "is_def_var",
            "is_shared",
            "exit",
            "throw",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_bound_maps_as_they_bound_strings_and_arrays() {
        let engine = EngineBuilder::new(HostCtx::for_tests(), SourceMap::new()).build();
        assert_eq!(engine.max_map_size(), limits::MAP_SIZE);
        assert_eq!(engine.max_array_size(), limits::ARRAY_SIZE);
        assert_eq!(engine.max_string_size(), limits::STRING_SIZE);
        assert_eq!(engine.max_call_levels(), limits::CALL_LEVELS);
        // The strings a map holds count against the string limit all together, however the map
        // is filled: 64 values of 1 MiB each pass 64 MiB.
        let script = r#"
            let s = "x"; s.pad(1048576, 'x');
            let m = #{};
            for i in 0..70 { m[`k${i}`] = s + i; }
            m.len()
        "#;
        let err = engine
            .eval::<i64>(script)
            .expect_err("a map past the limit");
        assert!(err.to_string().contains("too large"), "{err}");
    }
}
