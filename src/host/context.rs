//! What the primitives of one run share.

use crate::cancel::Cancel;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

/// What a simulated run is pointed at.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The simulated ORACLE_HOME.
    pub home: PathBuf,
    /// The scenario it plays.
    pub scenario: String,
}
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The environment Oracle's tools see during a run: the process environment with overrides.
///
/// `--simulate` points `ORACLE_HOME`, `PATH` and `NLS_LANG` at a simulated client without touching
/// bizscript's own process environment (which would be unsound with threads), so every primitive
/// reads variables and spawns children through this.
#[derive(Clone, Debug, Default)]
pub struct OracleEnv {
    overrides: BTreeMap<String, Option<String>>,
}

impl OracleEnv {
    /// The process environment, unchanged.
    pub fn inherit() -> Self {
        Self::default()
    }

    /// Sets `name` for the run's children.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.overrides.insert(name.to_string(), Some(value.into()));
    }

    /// Removes `name` from the run's children's environment.
    pub fn unset(&mut self, name: &str) {
        self.overrides.insert(name.to_string(), None);
    }

    /// The value a child would see.
    pub fn get(&self, name: &str) -> Option<String> {
        match self.overrides.get(name) {
            Some(value) => value.clone(),
            None => std::env::var(name).ok(),
        }
    }

    /// `ORACLE_HOME` as a path, when set and not empty.
    pub fn oracle_home(&self) -> Option<PathBuf> {
        self.get("ORACLE_HOME")
            .filter(|h| !h.trim().is_empty())
            .map(PathBuf::from)
    }

    /// The overrides, to apply to a child's `Command`.
    pub fn overrides(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.overrides
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
    }

    /// Applies the overrides to a command about to be spawned, and removes every secret-source
    /// variable (`BIZSCRIPT_PASSWORD`, whatever `secret_env` read): no child sees a password.
    pub fn apply(&self, command: &mut std::process::Command) {
        for (name, value) in self.overrides() {
            match value {
                Some(v) => command.env(name, v),
                None => command.env_remove(name),
            };
        }
        crate::secret::scrub_env(command);
    }

    /// The full environment as a child would see it (for code that builds its own env).
    pub fn vars(&self) -> Vec<(OsString, OsString)> {
        let mut vars: BTreeMap<OsString, OsString> = std::env::vars_os().collect();
        for (name, value) in self.overrides() {
            match value {
                Some(v) => vars.insert(name.into(), v.into()),
                None => vars.remove(std::ffi::OsStr::new(name)),
            };
        }
        for name in crate::secret::source_variables() {
            vars.remove(std::ffi::OsStr::new(&name));
        }
        vars.into_iter().collect()
    }
}

/// State shared by the primitives of one run (or one REPL session).
#[derive(Debug)]
pub struct HostCtx {
    dry_run: AtomicBool,
    /// `--yes`: destructive steps do not ask for confirmation.
    pub assume_yes: bool,
    /// Set by Ctrl-C / SIGTERM; polled by script loops and long-running primitives.
    pub cancel: Cancel,
    /// The environment Oracle's tools see.
    pub env: OracleEnv,
    /// The simulation, when the run is one.
    pub simulation: Option<Simulation>,
    /// True when stderr is a terminal: progress bars instead of plain lines.
    pub interactive: bool,
    /// The report a script set with `set_report(map)`, if any.
    pub report: Mutex<Option<rhai::Map>>,
}

impl HostCtx {
    /// A context for a run.
    pub fn new(dry_run: bool, assume_yes: bool, cancel: Cancel, env: OracleEnv) -> Self {
        Self {
            dry_run: AtomicBool::new(dry_run),
            assume_yes,
            cancel,
            env,
            simulation: None,
            interactive: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            report: Mutex::new(None),
        }
    }

    /// A context for tests and tools: no dry-run, no `--yes`, the process environment.
    pub fn for_tests() -> Arc<Self> {
        let mut ctx = Self::new(false, false, Cancel::new(), OracleEnv::inherit());
        ctx.interactive = false;
        Arc::new(ctx)
    }

    /// True under `--dry-run`: primitives say what they would do and change nothing.
    pub fn dry_run(&self) -> bool {
        self.dry_run.load(Ordering::SeqCst)
    }

    /// Switches dry-run mode (the REPL's `:dry-run on|off`).
    pub fn set_dry_run(&self, on: bool) {
        self.dry_run.store(on, Ordering::SeqCst);
    }
}
