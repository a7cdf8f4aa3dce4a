//! Shared helpers: the binary under test, temporary script folders.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// `bizscript` with a clean, predictable environment.
pub fn bizscript() -> Command {
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
