//! `--simulate`: run against the Oracle client simulator instead of a real client.
//!
//! The simulator is a separate binary (`oracle-sim`, built beside `bizscript`). It lays out a
//! folder as an ORACLE_HOME whose `bin/expdp`, `bin/impdp` and `bin/sqlplus` behave like the real
//! tools; bizscript then runs its real code path against it, changing only the environment the
//! children see (see [`OracleEnv`]).

use crate::primitives::runtime::OracleEnv;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a scenario concerns: an export, an import, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concerns {
    Export,
    Import,
    Both,
}

/// One of the simulator's scenarios, as bizscript knows them (`oracle-sim scenarios` lists the
/// same names; a test keeps the two lists equal).
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub concerns: Concerns,
    pub summary: &'static str,
}

const fn scenario(name: &'static str, concerns: Concerns, summary: &'static str) -> Scenario {
    Scenario {
        name,
        concerns,
        summary,
    }
}

/// Every scenario `--simulate=` accepts.
pub const SCENARIOS: &[Scenario] = &[
    scenario("ok", Concerns::Both, "everything works"),
    scenario(
        "warnings",
        Concerns::Both,
        "the job completes with errors to review",
    ),
    scenario(
        "fatal",
        Concerns::Both,
        "a worker's fatal error stops the job",
    ),
    scenario(
        "crash",
        Concerns::Both,
        "the client dies mid-job; the job is left NOT RUNNING",
    ),
    scenario(
        "slow",
        Concerns::Both,
        "a job of about 60 s (for Ctrl-C tests)",
    ),
    scenario(
        "tablespace_full",
        Concerns::Import,
        "import: resumable wait, ORA-01653, ORA-31693",
    ),
    scenario(
        "charset_mismatch",
        Concerns::Both,
        "client NLS_LANG WE8MSWIN1252 against an AL32UTF8 database",
    ),
    scenario(
        "bad_home",
        Concerns::Both,
        "the client's message files are missing",
    ),
    scenario(
        "client_too_new",
        Concerns::Both,
        "a 21c client against the 19c database (UDE-00018)",
    ),
    scenario(
        "no_directory",
        Concerns::Both,
        "the directory object BIZAGIBACKUPPATH does not exist",
    ),
    scenario(
        "bad_password",
        Concerns::Both,
        "every logon fails with ORA-01017",
    ),
    scenario(
        "no_privilege",
        Concerns::Both,
        "the user lacks DBA and CREATE ANY DIRECTORY",
    ),
    scenario(
        "disk_full",
        Concerns::Export,
        "the dump's file system fills up (ORA-27072)",
    ),
    scenario(
        "remote",
        Concerns::Export,
        "the database is on another host: its directory path does not exist here",
    ),
    scenario(
        "corrupt_dump",
        Concerns::Import,
        "import: the dump file set fails its checksum (VERIFY_ONLY, ORA-39412)",
    ),
    scenario(
        "charset_incompatible",
        Concerns::Import,
        "import: the target database is US7ASCII, which cannot hold an AL32UTF8 source",
    ),
    scenario(
        "schema_exists",
        Concerns::Import,
        "import: the target schema BIZAGI_RESTORE exists and holds objects",
    ),
    scenario(
        "no_admin_user",
        Concerns::Import,
        "import: the BizAgiAdmon user Bizagi's restore needs does not exist",
    ),
];

/// The scenario named `name` (case-insensitive, `-` for `_`), or why there is none.
pub fn find_scenario(name: &str) -> Result<&'static Scenario, SimulateError> {
    let wanted = name.trim().to_ascii_lowercase().replace('-', "_");
    SCENARIOS.iter().find(|s| s.name == wanted).ok_or_else(|| {
        let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        let near = crate::primitives::options::nearest(&wanted, &names)
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        SimulateError::UnknownScenario {
            name: name.to_string(),
            near,
            known: names.join(", "),
        }
    })
}

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
    #[error("no simulator scenario named `{name}`{near}; the scenarios: {known}")]
    UnknownScenario {
        name: String,
        near: String,
        known: String,
    },
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
        let scenario = find_scenario(scenario)?.name;
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
    fn scenario_names_are_found_and_a_typo_gets_the_nearest() {
        assert_eq!(
            find_scenario("Client-Too-New").unwrap().name,
            "client_too_new"
        );
        assert_eq!(find_scenario("remote").unwrap().concerns, Concerns::Export);
        let err = find_scenario("okk").unwrap_err().to_string();
        assert!(err.contains("did you mean `ok`"), "{err}");
        // The same names as the simulator's own list.
        let sim = include_str!("../../oracle-sim/src/scenario.rs");
        for s in SCENARIOS {
            assert!(
                sim.contains(&format!("=> \"{}\",", s.name)),
                "{} unknown to oracle-sim",
                s.name
            );
        }
        assert!(
            sim.contains(&format!("pub const ALL: [Scenario; {}]", SCENARIOS.len())),
            "oracle-sim has scenarios bizscript does not list"
        );
    }

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
