//! Shared helpers: the binary under test, temporary script folders.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Fixtures shared with the unit tests: the simulator, the shared corpus, external tools
/// (`src/fixtures.rs`: a missing simulator is built, a missing corpus or tool skips with a printed
/// reason, or fails under `BIZSCRIPT_REQUIRE_FIXTURES=1`).
#[allow(dead_code)]
pub mod fixtures {
    include!("../../src/fixtures.rs");
}

pub use fixtures::{shared_fixture, tool_installed};

/// The simulator `bizscript --simulate` runs from these tests: the product's own lookup
/// (`find_oracle_sim`) for the running profile, built first when missing. Panics when there is
/// none, so a simulator-backed test fails rather than skips.
pub fn oracle_sim() -> PathBuf {
    fixtures::ensure_oracle_sim_built();
    match bizscript::host::simulate::find_oracle_sim() {
        Ok(sim) => sim,
        Err(e) => panic!("{e}"),
    }
}

/// `bizscript` with a clean, predictable environment (and, for `--simulate`, this profile's
/// simulator built beside it).
pub fn bizscript() -> Command {
    fixtures::ensure_oracle_sim_built();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bizscript"));
    cmd.env_remove("RUST_LOG")
        .env_remove("BIZSCRIPT_SIM_HOME")
        .env("NO_COLOR", "1");
    cmd
}

/// A temporary folder holding one script.
pub struct ScriptDir {
    pub dir: tempfile::TempDir,
}

impl ScriptDir {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes `name` with `text` and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `bizscript run SCRIPT`, waits until the script printed `started`, and returns the child
/// (stderr piped) so a test can signal it.
pub fn spawn_started(script: &Path) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bizscript"))
        .arg("run")
        .arg(script)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert_eq!(&first, b"started\n");
    child
}

/// Sends `signal` to a child process.
#[cfg(unix)]
pub fn signal(child: &std::process::Child, signal: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal).unwrap();
}
