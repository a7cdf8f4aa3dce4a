//! Test helpers: a Rhai engine with every primitive registered, pointed at a simulated Oracle
//! home (`oracle-sim`), and the checks that a password never leaks.
//!
//! Tests that need the simulator call [`Sim::start`], which returns `None` (after printing why)
//! when `oracle-sim` has not been built: run `cargo build -p oracle-sim` first.

use crate::cancel::Cancel;
use crate::host::context::{HostCtx, OracleEnv};
use crate::host::simulate::SimHome;
use crate::secret::Secret;
use rhai::{Dynamic, Engine, EvalAltResult, Scope};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The password every simulated test uses: distinctive, so a grep for it cannot match by chance.
pub const PASSWORD: &str = "Zq7-leak-canary-91X";

/// The script line that makes `db` (the scope holds `pw`, the [`PASSWORD`] as a Secret).
pub const DB: &str = r#"let db = oracle(#{ user: "BIZAGIADMON", password: pw, connect: "//localhost:1521/ORCLPDB1" });"#;

/// Where cargo puts the simulator for this workspace.
pub fn oracle_sim_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target
        .join("debug")
        .join(format!("oracle-sim{}", std::env::consts::EXE_SUFFIX))
}

/// An engine with the primitives registered, for `ctx`.
pub fn engine(ctx: &Arc<HostCtx>) -> Engine {
    let mut engine = Engine::new();
    crate::primitives::register_all(&mut engine, ctx);
    engine
}

/// A context for tests: no terminal, the given dry-run and --yes, and `env`.
pub fn context(env: OracleEnv, dry_run: bool, assume_yes: bool) -> Arc<HostCtx> {
    let mut ctx = HostCtx::new(dry_run, assume_yes, Cancel::new(), env);
    ctx.interactive = false;
    Arc::new(ctx)
}

/// Runs `script` with `pw` (the test password as a Secret) in scope.
pub fn eval(engine: &Engine, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let mut scope = Scope::new();
    scope.push("pw", Secret::new(PASSWORD, "test"));
    engine.eval_with_scope::<Dynamic>(&mut scope, script)
}

/// The `code` of a primitive's error (see `errors::script_error`), or the error's text.
pub fn code(error: &EvalAltResult) -> String {
    match error {
        EvalAltResult::ErrorRuntime(payload, _) => super::errors::parts(payload)
            .map(|(code, _, _)| code)
            .unwrap_or_else(|| payload.to_string()),
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => code(inner),
        other => other.to_string(),
    }
}

/// The full text of an error (code, message, hint), for asserting what a user would read.
pub fn text(error: &EvalAltResult) -> String {
    match error {
        EvalAltResult::ErrorRuntime(payload, _) => match super::errors::parts(payload) {
            Some((code, message, hint)) => {
                format!("{code}: {message} (hint: {})", hint.unwrap_or_default())
            }
            None => payload.to_string(),
        },
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => text(inner),
        other => other.to_string(),
    }
}

/// A simulated home, a context pointed at it, and an engine.
pub struct Sim {
    pub home: SimHome,
    pub ctx: Arc<HostCtx>,
    pub engine: Engine,
}

impl Sim {
    /// A fresh simulated home for `scenario`, or `None` when the simulator is not built.
    pub fn start(scenario: &str) -> Option<Self> {
        Self::with(scenario, false, false)
    }

    /// Like [`Sim::start`], with --dry-run and --yes as given.
    pub fn with(scenario: &str, dry_run: bool, assume_yes: bool) -> Option<Self> {
        let sim = oracle_sim_binary();
        if !sim.is_file() {
            eprintln!(
                "skipped: {} is not built (run `cargo build -p oracle-sim`)",
                sim.display()
            );
            return None;
        }
        let home = match SimHome::create(scenario) {
            Ok(home) => home,
            Err(e) => panic!("oracle-sim init --scenario {scenario} failed: {e}"),
        };
        let mut env = OracleEnv::inherit();
        // Start from a clean Oracle environment: the developer's own settings must not leak in.
        for name in ["NLS_LANG", "TWO_TASK", "LD_LIBRARY_PATH", "TNS_ADMIN"] {
            env.unset(name);
        }
        home.apply(&mut env);
        let ctx = context(env, dry_run, assume_yes);
        let engine = engine(&ctx);
        Some(Self { home, ctx, engine })
    }

    /// Runs `script` after [`DB`].
    pub fn run(&self, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        eval(&self.engine, &format!("{DB}\n{script}"))
    }

    /// Fails the test when the password appears in any file of the simulated home (the audit
    /// trail, logs, parameter files, the database state, anything left behind).
    pub fn assert_password_nowhere(&self) {
        assert_not_in_tree(&self.home.home, PASSWORD);
    }
}

/// Fails when `needle` occurs in any file under `dir`.
pub fn assert_not_in_tree(dir: &Path, needle: &str) {
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files += 1;
                let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
                assert!(!found, "the password appears in {}", path.display());
            }
        }
    }
    assert!(
        files > 0,
        "no files under {}: nothing was checked",
        dir.display()
    );
}
