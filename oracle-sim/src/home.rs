//! A simulated Oracle home: where its parts live.
//!
//! ```text
//! DIR/bin/{expdp,impdp,sqlplus}      copies of the oracle-sim binary
//! DIR/rdbms/mesg/*.msb               message files (absent in scenario bad_home)
//! DIR/sqlplus/mesg/*.msb
//! DIR/sim/state.json                 the simulated database (guarded by DIR/sim/state.lock)
//! DIR/server/BizAgiBackupPath/       the "server side" path of the BIZAGIBACKUPPATH directory
//! DIR/server/dpdump/                 the path of DATA_PUMP_DIR
//!                                    (scenario remote: the server reports both under
//!                                    /oracle-server/, which the client cannot see)
//! DIR/audit.jsonl                    one JSON line per tool invocation
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where the database server's file system starts, as the server sees it, in scenario `remote`:
/// `dba_directories` reports paths under this prefix, which does not exist on the client.
pub const REMOTE_PREFIX: &str = "/oracle-server";

/// The folder that stands for the server's `REMOTE_PREFIX` (the home's `server/`), set once per
/// tool run.
static SERVER_ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Tells this process where the simulated server keeps its files (the home's `server/`).
pub fn set_server_root(root: PathBuf) {
    let _ = SERVER_ROOT.set(root);
}

/// The file a server-side path names, for the simulated server processes: a path under
/// [`REMOTE_PREFIX`] lives in the home's `server/` folder (what a site would see through a
/// mount); any other path is taken as it is (the server and this machine share it).
pub fn server_file(server_path: &str) -> PathBuf {
    let rest = server_path
        .strip_prefix(REMOTE_PREFIX)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'));
    match (rest, SERVER_ROOT.get()) {
        (Some(rest), Some(root)) => root.join(rest.trim_start_matches('/')),
        _ => PathBuf::from(server_path),
    }
}

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
