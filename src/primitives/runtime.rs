//! What the primitives of one run share.

use crate::cancel::Cancel;
use crate::primitives::outcome::{judge, judge_error, Ledger, Outcome, Verdict};
use rhai::{Dynamic, EvalAltResult};
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

/// The operator's answer to [`HostCtx::confirm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Go ahead (`y`, `yes`, or `--yes`).
    Yes,
    /// Anything else typed: do nothing.
    No,
    /// No terminal to ask on and no `--yes`: do nothing, and say how to confirm.
    NoTerminal,
}

fn parse_answer(text: &str) -> Answer {
    if matches!(text.trim().to_lowercase().as_str(), "y" | "yes") {
        Answer::Yes
    } else {
        Answer::No
    }
}

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
    /// How every primitive that can fail or need review ended (see [`Ledger`]).
    pub ledger: Ledger,
    /// Scratch schemas (BZV_...) a verify created and has not dropped yet: the host drops them
    /// when the script ends however it ends, Ctrl-C included (`guard_scratch_schema`).
    pub scratch_guard: Mutex<Vec<(super::connection::Oracle, String)>>,
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
            ledger: Ledger::default(),
            scratch_guard: Mutex::new(Vec::new()),
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

    /// Records how a call of `primitive` ended, in the run's ledger, and tags the value (or the
    /// thrown error) with the outcome's id so `accept(value, reason)` can find it. The one line
    /// every primitive that can fail or need review ends with:
    /// `ctx.record("expdp", expdp(&ctx, db, &opts))`.
    pub fn record<T: Into<Dynamic>>(
        &self,
        primitive: &'static str,
        result: Result<T, Box<EvalAltResult>>,
    ) -> Result<Dynamic, Box<EvalAltResult>> {
        match result {
            Ok(value) => {
                let mut value: Dynamic = value.into();
                let (verdict, summary) = judge(primitive, &value);
                value.set_tag(self.push(primitive, verdict, summary));
                Ok(value)
            }
            Err(err) => Err(self.record_error(primitive, err)),
        }
    }

    /// Records a primitive's thrown error: catching it is not accepting it. (Also for
    /// primitives whose result is built after a `?`.) Only errors the primitive raised count;
    /// an interrupt or an engine limit passes through untouched.
    pub fn record_error(
        &self,
        primitive: &'static str,
        mut err: Box<EvalAltResult>,
    ) -> Box<EvalAltResult> {
        if let EvalAltResult::ErrorRuntime(payload, _) = err.as_mut() {
            let (verdict, summary) = judge_error(primitive, payload);
            let tag = self.push(primitive, verdict, summary);
            payload.set_tag(tag);
        }
        err
    }

    fn push(&self, primitive: &'static str, verdict: Verdict, summary: String) -> i32 {
        if verdict != Verdict::Ok {
            tracing::info!(primitive, verdict = verdict.as_str(), "{summary}");
        }
        self.ledger.push(Outcome {
            primitive,
            verdict,
            summary,
            reason: None,
        })
    }

    /// Asks the operator `question` (`QUESTION? [y/N] ` on stderr, the answer read from stdin)
    /// before something that cannot be undone. `Yes` at once under `--yes`; `NoTerminal`
    /// without asking when there is no terminal to ask on (an unattended run must say `--yes`);
    /// otherwise `Yes` only for `y` or `yes` (any case), `No` for anything else. The one y/N
    /// prompt of bizscript: retention and cleanup_job both ask through it. A caller showing a
    /// spinner pauses it around the call.
    pub fn confirm(&self, question: &str) -> std::io::Result<Answer> {
        use std::io::{BufRead, IsTerminal, Write};
        if self.assume_yes {
            return Ok(Answer::Yes);
        }
        if !(self.interactive && std::io::stdin().is_terminal()) {
            return Ok(Answer::NoTerminal);
        }
        eprint!("{question}? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(parse_answer(&answer))
    }

    /// Switches dry-run mode (the REPL's `:dry-run on|off`).
    pub fn set_dry_run(&self, on: bool) {
        self.dry_run.store(on, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_or_yes_confirms() {
        for yes in ["y\n", "Y", " yes \n", "YES"] {
            assert_eq!(parse_answer(yes), Answer::Yes, "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yep", "y es", "oui"] {
            assert_eq!(parse_answer(no), Answer::No, "{no:?}");
        }
    }

    #[test]
    fn without_a_terminal_nothing_is_asked_and_yes_skips_the_question() {
        let ctx = HostCtx::for_tests();
        assert_eq!(ctx.confirm("remove").unwrap(), Answer::NoTerminal);
        let mut ctx = HostCtx::new(false, true, Cancel::new(), OracleEnv::inherit());
        ctx.interactive = false;
        assert_eq!(ctx.confirm("remove").unwrap(), Answer::Yes);
    }
}
