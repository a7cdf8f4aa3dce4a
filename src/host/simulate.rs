//! `--simulate`: run against the Oracle client simulator instead of a real client.
//!
//! The simulator is a separate binary (`oracle-sim`, built beside `bizscript`). It lays out a
//! folder as an ORACLE_HOME whose `bin/expdp`, `bin/impdp` and `bin/sqlplus` behave like the real
//! tools; bizscript then runs its real code path against it, changing only the environment the
//! children see (see [`OracleEnv`]).

use crate::host::context::OracleEnv;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a simulated home could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("cannot find the oracle-sim binary (looked beside {exe} and on PATH); build it with `cargo build` at the repository root or set BIZSCRIPT_ORACLE_SIM")]
    NotFound { exe: String },
    #[error("cannot run {sim}: {source}")]
    Spawn { sim: String, source: std::io::Error },
    #[error("oracle-sim init failed: {0}")]
    Init(String),
    #[error("cannot create the simulated home: {0}")]
    Io(#[from] std::io::Error),
}

/// A prepared simulated Oracle home.
#[derive(Debug)]
pub struct SimHome {
    /// The folder laid out as ORACLE_HOME.
    pub home: PathBuf,
    /// The scenario it simulates.
    pub scenario: String,
    /// The client NLS_LANG the scenario's "installer" set.
    pub nls_lang: Option<String>,
    /// Keeps a temporary home alive; `None` when the home is kept (`BIZSCRIPT_SIM_HOME`).
    _temp: Option<tempfile::TempDir>,
}

/// Finds the `oracle-sim` binary: `$BIZSCRIPT_ORACLE_SIM`, beside the running executable (or one
/// folder up, for test binaries in `target/*/deps`), then PATH.
pub fn find_oracle_sim() -> Result<PathBuf, SimulateError> {
    if let Some(path) = std::env::var_os("BIZSCRIPT_ORACLE_SIM") {
        return Ok(PathBuf::from(path));
    }
    let name = format!("oracle-sim{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe.parent().map(Path::to_path_buf);
    for _ in 0..2 {
        if let Some(d) = &dir {
            let candidate = d.join(&name);
            if candidate.is_file() {
                return Ok(candidate);
            }
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&paths) {
            let candidate = d.join(&name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    if let Some(built) = build_with_cargo(&exe) {
        return Ok(built);
    }
    Err(SimulateError::NotFound {
        exe: exe.display().to_string(),
    })
}

/// Under `cargo run`, which builds only `bizscript`, builds the simulator beside it once, so
/// `cargo run --release -- run bizagi_export.rhai --simulate` works on a fresh clone.
///
/// Cargo tells a program it runs where it is (`CARGO`, `CARGO_MANIFEST_DIR`); outside cargo
/// nothing is built and the caller reports how to build it.
fn build_with_cargo(exe: &Path) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO")?;
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    if !manifest_dir.join("oracle-sim/Cargo.toml").is_file() {
        return None;
    }
    let profile_dir = exe.parent()?;
    let profile = profile_dir.file_name()?.to_str()?;
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(manifest_dir.join("Cargo.toml"))
        .args(["-p", "oracle-sim"]);
    match profile {
        "debug" => {}
        "release" => {
            command.arg("--release");
        }
        other => {
            command.args(["--profile", other]);
        }
    }
    eprintln!("bizscript: building the Oracle client simulator once (cargo build -p oracle-sim)");
    let status = command.status().ok()?;
    let built = profile_dir.join(format!("oracle-sim{}", std::env::consts::EXE_SUFFIX));
    (status.success() && built.is_file()).then_some(built)
}

impl SimHome {
    /// Creates a simulated home for `scenario`: in `$BIZSCRIPT_SIM_HOME` when set (kept
    /// afterwards), else in a temporary folder removed when the `SimHome` is dropped.
    pub fn create(scenario: &str) -> Result<Self, SimulateError> {
        match std::env::var_os("BIZSCRIPT_SIM_HOME") {
            Some(dir) => Self::create_in(Path::new(&dir), scenario, None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("bizscript-sim-")
                    .tempdir()?;
                crate::cancel::last_resort::remove_on_forced_exit(temp.path());
                let home = temp.path().join("oracle_home");
                Self::create_in(&home, scenario, Some(temp))
            }
        }
    }

    /// Creates a simulated home in `dir` (kept).
    pub fn create_at(dir: &Path, scenario: &str) -> Result<Self, SimulateError> {
        Self::create_in(dir, scenario, None)
    }

    fn create_in(
        dir: &Path,
        scenario: &str,
        temp: Option<tempfile::TempDir>,
    ) -> Result<Self, SimulateError> {
        let sim = find_oracle_sim()?;
        let mut init = Command::new(&sim);
        crate::secret::scrub_env(&mut init);
        let output = init
            .arg("init")
            .arg(dir)
            .arg("--scenario")
            .arg(scenario)
            .output()
            .map_err(|source| SimulateError::Spawn {
                sim: sim.display().to_string(),
                source,
            })?;
        if !output.status.success() {
            return Err(SimulateError::Init(
                String::from_utf8_lossy(&output.stderr).trim().to_string(),
            ));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let nls_lang = exported(&stdout, "NLS_LANG");
        let home = exported(&stdout, "ORACLE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| dir.to_path_buf());
        Ok(Self {
            home,
            scenario: scenario.to_string(),
            nls_lang,
            _temp: temp,
        })
    }

    /// Points `env` at this home: ORACLE_HOME, PATH (its `bin` first) and, when the user has not
    /// set it, NLS_LANG as the scenario's client installer would.
    pub fn apply(&self, env: &mut OracleEnv) {
        env.set("ORACLE_HOME", self.home.display().to_string());
        let bin = self.home.join("bin");
        let mut paths = vec![bin];
        if let Some(existing) = env.get("PATH") {
            paths.extend(std::env::split_paths(&existing));
        }
        if let Ok(joined) = std::env::join_paths(paths) {
            env.set("PATH", joined.to_string_lossy().into_owned());
        }
        if env.get("NLS_LANG").is_none() {
            env.set(
                "NLS_LANG",
                self.nls_lang
                    .clone()
                    .unwrap_or_else(|| "AMERICAN_AMERICA.AL32UTF8".to_string()),
            );
        }
    }

    /// The simulator's audit trail: one JSON line per tool invocation.
    pub fn audit_path(&self) -> PathBuf {
        self.home.join("audit.jsonl")
    }
}

/// Reads `export NAME="value"` (or `export NAME=value`) from `oracle-sim init`'s output.
fn exported(output: &str, name: &str) -> Option<String> {
    let prefix = format!("export {name}=");
    output.lines().find_map(|line| {
        let value = line.trim().strip_prefix(&prefix)?;
        Some(value.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exported_lines() {
        let out = "# simulated Oracle client\nexport ORACLE_HOME=\"/tmp/x\"\nexport NLS_LANG='AMERICAN_AMERICA.WE8MSWIN1252'\n";
        assert_eq!(exported(out, "ORACLE_HOME").as_deref(), Some("/tmp/x"));
        assert_eq!(
            exported(out, "NLS_LANG").as_deref(),
            Some("AMERICAN_AMERICA.WE8MSWIN1252")
        );
        assert_eq!(exported(out, "PATH"), None);
    }
}
