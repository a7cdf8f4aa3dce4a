//! A simulated Oracle home: where its parts live.
//!
//! ```text
//! DIR/bin/{expdp,impdp,sqlplus}      copies of the oracle-sim binary
//! DIR/rdbms/mesg/*.msb               message files (absent in scenario bad_home)
//! DIR/sqlplus/mesg/*.msb
//! DIR/sim/state.json                 the simulated database (guarded by DIR/sim/state.lock)
//! DIR/server/BizAgiBackupPath/       the "server side" path of the BIZAGIBACKUPPATH directory
//! DIR/server/dpdump/                 the path of DATA_PUMP_DIR
//! DIR/audit.jsonl                    one JSON line per tool invocation
//! ```

use std::path::{Path, PathBuf};

/// The folders and files of one simulated home.
#[derive(Debug, Clone)]
pub struct Home {
    pub dir: PathBuf,
}

impl Home {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The home a tool copy belongs to: the parent of the folder holding the executable
    /// (`DIR/bin/expdp` → `DIR`). Deliberately not ORACLE_HOME: a wrong ORACLE_HOME is a fault
    /// the simulator must be able to show, so it cannot also be how it finds its database.
    pub fn of_current_exe() -> Option<Self> {
        let exe = std::env::current_exe().ok()?;
        let dir = exe.parent()?.parent()?;
        let home = Self::new(dir);
        home.state_path().is_file().then_some(home)
    }

    pub fn bin(&self) -> PathBuf {
        self.dir.join("bin")
    }
    pub fn sim_dir(&self) -> PathBuf {
        self.dir.join("sim")
    }
    pub fn state_path(&self) -> PathBuf {
        self.sim_dir().join("state.json")
    }
    pub fn lock_path(&self) -> PathBuf {
        self.sim_dir().join("state.lock")
    }
    pub fn audit_path(&self) -> PathBuf {
        self.dir.join("audit.jsonl")
    }
    pub fn server_dir(&self) -> PathBuf {
        self.dir.join("server")
    }
    pub fn backup_path(&self) -> PathBuf {
        self.server_dir().join("BizAgiBackupPath")
    }
    pub fn dpdump_path(&self) -> PathBuf {
        self.server_dir().join("dpdump")
    }
}

/// The message file a tool needs, looked up the way the real client does: through the
/// ORACLE_HOME environment variable.
pub fn message_file(oracle_home: Option<&Path>, product: &str, file: &str) -> Option<PathBuf> {
    let path = oracle_home?.join(product).join("mesg").join(file);
    path.is_file().then_some(path)
}

/// ORACLE_HOME as the process environment gives it (empty counts as unset).
pub fn oracle_home_env() -> Option<PathBuf> {
    std::env::var_os("ORACLE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
