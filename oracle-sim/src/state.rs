//! The simulated database: one JSON file under `DIR/sim/`, guarded by a file lock because expdp
//! and sqlplus run at the same time in real use (a backup script polls `dba_datapump_jobs` while
//! the export runs).
//!
//! Every change is written to a temporary file and renamed over the old one, so a reader never
//! sees half a state and a crash never loses the previous one.

use crate::home::Home;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;

/// A database user (a schema).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub roles: Vec<String>,
    pub privileges: Vec<String>,
    pub default_tablespace: String,
    pub account_status: String,
    pub created: String,
}

impl User {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
    pub fn has_privilege(&self, privilege: &str) -> bool {
        self.has_role("DBA") || self.privileges.iter().any(|p| p == privilege)
    }
    /// May read the dba_* views (DBA role, or SELECT_CATALOG_ROLE).
    pub fn can_see_dictionary(&self) -> bool {
        self.name == "SYS" || self.has_role("DBA") || self.has_role("SELECT_CATALOG_ROLE")
    }
    /// May run Data Pump jobs on other schemas.
    pub fn is_datapump_exp_full(&self) -> bool {
        self.name == "SYS" || self.has_role("DBA") || self.has_role("DATAPUMP_EXP_FULL_DATABASE")
    }
    pub fn is_datapump_imp_full(&self) -> bool {
        self.name == "SYS" || self.has_role("DBA") || self.has_role("DATAPUMP_IMP_FULL_DATABASE")
    }
}

/// A privilege granted on a directory object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DirectoryGrant {
    pub grantee: String,
    pub privilege: String,
}

/// A DIRECTORY object: a name for a server-side OS path.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Directory {
    pub name: String,
    pub path: String,
    pub grants: Vec<DirectoryGrant>,
}

/// A table (application tables and Data Pump master tables alike).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub owner: String,
    pub name: String,
    pub rows: u64,
    pub bytes: u64,
    pub tablespace: String,
}

/// A schema object other than a table (tables are in [`Database::tables`] and always VALID):
/// procedures, views, sequences, as `dba_objects` lists them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DbObject {
    pub owner: String,
    pub name: String,
    /// PROCEDURE, VIEW, SEQUENCE...
    pub object_type: String,
    /// VALID or INVALID.
    pub status: String,
}

/// A tablespace and its space.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tablespace {
    pub name: String,
    pub contents: String,
    pub total_bytes: u64,
    pub free_bytes: u64,
    pub autoextensible: bool,
}

/// The states of `dba_datapump_jobs.state` the simulator uses.
pub const EXECUTING: &str = "EXECUTING";
pub const NOT_RUNNING: &str = "NOT RUNNING";
pub const IDLING: &str = "IDLING";

/// A Data Pump job, as long as its master table exists.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub owner: String,
    pub job_name: String,
    /// EXPORT or IMPORT.
    pub operation: String,
    /// SCHEMA, TABLE, FULL...
    pub job_mode: String,
    /// EXECUTING, NOT RUNNING, IDLING (as recorded; see [`Job::effective_state`]).
    pub state: String,
    pub degree: u32,
    /// The client process attached to the job, if any.
    pub client_pid: Option<u32>,
    /// True when the client detached with EXIT_CLIENT: the job is "running on the server".
    pub detached: bool,
    pub started: String,
    /// Everything needed to resume the job after ATTACH (the resolved job description).
    pub spec: serde_json::Value,
    /// How many steps of the job's plan have been carried out.
    pub progress: usize,
    /// While the job is suspended in a resumable wait: the error it waits on (`dba_resumable`).
    #[serde(default)]
    pub resumable: Option<String>,
}

impl Job {
    /// The state and attached-session count `dba_datapump_jobs` shows. A job recorded as
    /// EXECUTING whose client has died (SIGTERM, SIGKILL) has no server process to run it in the
    /// simulation, so it shows as an orphan: NOT RUNNING with no session attached.
    pub fn effective_state(&self) -> (&str, u32) {
        if self.state == EXECUTING && !self.detached {
            match self.client_pid {
                Some(pid) if process_alive(pid) => (EXECUTING, 1),
                _ => (NOT_RUNNING, 0),
            }
        } else if self.state == EXECUTING {
            (EXECUTING, 0)
        } else {
            let attached = match self.client_pid {
                Some(pid) if process_alive(pid) => 1,
                _ => 0,
            };
            (self.state.as_str(), attached)
        }
    }
}

/// Whether a process exists (signal 0 probes without sending anything).
pub fn process_alive(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None).is_ok()
}

/// The whole simulated database.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Database {
    pub scenario: Scenario,
    /// Database release, e.g. `19.0.0.0.0`.
    pub version: String,
    /// Release update level, e.g. `19.27.0.0.0`.
    pub version_full: String,
    /// Release of the client tools in this home.
    pub client_version: String,
    pub client_version_full: String,
    pub charset: String,
    pub ncharset: String,
    pub users: Vec<User>,
    pub directories: Vec<Directory>,
    pub tables: Vec<Table>,
    pub tablespaces: Vec<Tablespace>,
    pub jobs: Vec<Job>,
    /// Procedures, views and sequences (absent from homes made before they were simulated).
    #[serde(default)]
    pub objects: Vec<DbObject>,
    /// When the database was created (`v$database.created`, `DD-MON-RR`).
    #[serde(default)]
    pub created: String,
}

/// Why the state could not be read or written.
#[derive(Debug)]
pub enum StateError {
    Io(std::io::Error),
    Corrupt(serde_json::Error),
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateError::Io(e) => write!(f, "cannot access the simulated database: {e}"),
            StateError::Corrupt(e) => write!(f, "the simulated database is corrupt: {e}"),
        }
    }
}

impl From<std::io::Error> for StateError {
    fn from(e: std::io::Error) -> Self {
        StateError::Io(e)
    }
}

impl Database {
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
    pub fn directory(&self, name: &str) -> Option<&Directory> {
        self.directories.iter().find(|d| d.name == name)
    }
    pub fn job(&self, owner: &str, name: &str) -> Option<&Job> {
        self.jobs
            .iter()
            .find(|j| j.owner == owner && j.job_name == name)
    }
    pub fn job_mut(&mut self, owner: &str, name: &str) -> Option<&mut Job> {
        self.jobs
            .iter_mut()
            .find(|j| j.owner == owner && j.job_name == name)
    }
    pub fn table_exists(&self, owner: &str, name: &str) -> bool {
        self.tables
            .iter()
            .any(|t| t.owner == owner && t.name == name)
    }
    /// Whether `user` may read and write files through directory `dir`.
    pub fn can_use_directory(&self, user: &User, dir: &Directory) -> bool {
        user.name == "SYS"
            || user.has_role("DBA")
            || dir.grants.iter().any(|g| g.grantee == user.name)
    }
    /// The COMPATIBLE parameter: the release's major number followed by `.0.0` (as a database
    /// created by DBCA on that release has it).
    pub fn compatible(&self) -> String {
        format!("{}.0.0", Database::major(&self.version))
    }
    /// Major release number of a version string (`19.0.0.0.0` → 19).
    pub fn major(version: &str) -> u32 {
        version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0)
    }

    /// Reads the state under a shared lock.
    pub fn load(home: &Home) -> Result<Database, StateError> {
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(home.lock_path())?;
        lock.lock_shared()?;
        let text = std::fs::read_to_string(home.state_path())?;
        serde_json::from_str(&text).map_err(StateError::Corrupt)
    }

    /// Reads, changes and writes the state under an exclusive lock; returns what `change`
    /// returned.
    pub fn update<T>(
        home: &Home,
        change: impl FnOnce(&mut Database) -> T,
    ) -> Result<T, StateError> {
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(home.lock_path())?;
        lock.lock()?;
        let text = std::fs::read_to_string(home.state_path())?;
        let mut db: Database = serde_json::from_str(&text).map_err(StateError::Corrupt)?;
        let result = change(&mut db);
        db.save_unlocked(home)?;
        Ok(result)
    }

    /// Writes the state (caller holds the lock, or nobody else can see the home yet).
    pub fn save_unlocked(&self, home: &Home) -> Result<(), StateError> {
        let text = serde_json::to_string_pretty(self).map_err(StateError::Corrupt)?;
        let tmp = home
            .sim_dir()
            .join(format!("state.json.{}.tmp", std::process::id()));
        let mut f = File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, home.state_path())?;
        Ok(())
    }
}
