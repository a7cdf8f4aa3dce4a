//! A parameter file holding credentials: mode 0600 in a private 0700 directory, removed as soon
//! as the client has read it (see [`super::datapump_client::run_with_parfile`]) and on every way
//! out of bizscript.
//!
//! * A normal return, an error, an interrupt (bizscript catches SIGINT itself, so primitives
//!   return normally) and a panic (drops run while a panic unwinds; the test below proves it) go
//!   through `Drop` (the private [`tempfile::TempDir`]).
//! * The forced exit of the third interrupt runs no destructor: the folder is registered with
//!   [`crate::cancel::last_resort`], which removes it before leaving.
//! * A SIGKILL of bizscript (the OOM killer, `kill -9`) runs nothing at all: the folder is named
//!   `bizscript-parfile-<pid>-<random>` and holds an `owner` marker (pid and process start time),
//!   and every later run removes, with [`sweep_stale`], the folders whose owner is gone.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The prefix of the private folders; the owner's pid follows.
pub const FOLDER_PREFIX: &str = "bizscript-parfile-";

/// The marker file naming the owner process.
const OWNER_MARKER: &str = "owner";

/// A private parameter file; dropping it removes the file and its directory.
#[derive(Debug)]
pub struct PrivateParfile {
    dir: Option<tempfile::TempDir>,
    folder: PathBuf,
    path: PathBuf,
}

impl PrivateParfile {
    /// Writes `contents` to `<private dir>/<name>` with mode 0600.
    pub fn create(name: &str, contents: &str) -> io::Result<Self> {
        let pid = std::process::id();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{FOLDER_PREFIX}{pid}-"))
            .rand_bytes(10)
            .tempdir()?;
        restrict(dir.path(), 0o700)?;
        crate::cancel::last_resort::parfile_created(dir.path());
        let marker = format!("pid {pid}\nstart {}\n", start_time(pid).unwrap_or_default());
        crate::fsutil::create_private_new(&dir.path().join(OWNER_MARKER))?
            .write_all(marker.as_bytes())?;
        let path = dir.path().join(name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        Ok(Self {
            folder: dir.path().to_path_buf(),
            dir: Some(dir),
            path,
        })
    }

    /// The file's path, for `parfile=`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The private directory.
    pub fn dir(&self) -> &Path {
        &self.folder
    }

    /// Removes the file now and reports whether that worked (dropping does the same silently).
    pub fn remove(mut self) -> io::Result<()> {
        match self.dir.take() {
            Some(dir) => dir.close(),
            None => Ok(()),
        }
    }
}

impl Drop for PrivateParfile {
    fn drop(&mut self) {
        // Dropping the TempDir removes the folder; then the last resort has nothing to do here.
        drop(self.dir.take());
        crate::cancel::last_resort::parfile_removed(&self.folder);
    }
}

/// A stale private folder the sweep found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub folder: PathBuf,
    pub pid: u32,
    /// `None` when it was removed; otherwise why not.
    pub error: Option<String>,
}

/// Removes the private parameter folders in the temporary folder whose owner process is gone
/// (killed by SIGKILL, the OOM killer, a power cut): folders of this kind only, owned by this
/// account, not links. A folder whose pid is alive is kept, unless the marker shows that the
/// pid now belongs to another process (a reused pid).
pub fn sweep_stale() -> Vec<Stale> {
    sweep_stale_in(&std::env::temp_dir())
}

/// [`sweep_stale`] in `folder`.
pub fn sweep_stale_in(folder: &Path) -> Vec<Stale> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(FOLDER_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() || !owned_by_us(&meta) || pid == std::process::id() {
            continue;
        }
        if alive(pid) && !reused(&path, pid) {
            continue;
        }
        let error = fs::remove_dir_all(&path).err().map(|e| e.to_string());
        found.push(Stale {
            folder: path,
            pid,
            error,
        });
    }
    found
}

fn owned_by_us(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.uid() == crate::fsutil::user_id()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None) {
        Ok(()) => true,
        Err(nix::errno::Errno::ESRCH) => false,
        // EPERM: a process of another account has that pid now; ours is gone.
        Err(nix::errno::Errno::EPERM) => false,
        Err(_) => true,
    }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// Whether the marker's start time differs from that of the live process with `pid`.
fn reused(folder: &Path, pid: u32) -> bool {
    let Ok(marker) = fs::read_to_string(folder.join(OWNER_MARKER)) else {
        return false;
    };
    let recorded = marker
        .lines()
        .find_map(|l| l.strip_prefix("start "))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (recorded, start_time(pid)) {
        (Some(recorded), Some(now)) => recorded != now,
        _ => false,
    }
}

/// The start time of process `pid` (field 22 of `/proc/<pid>/stat`), where there is a /proc.
fn start_time(pid: u32) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19).map(str::to_string)
}

fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    // Windows: the 0700 folder's equivalent is a protected DACL for the current user alone,
    // which the files created inside inherit (the 0600 equivalent).
    #[cfg(windows)]
    {
        let _ = mode;
        if path.is_dir() {
            super::windows_acl::make_private(path)?;
        }
    }
    #[cfg(not(any(unix, windows)))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_private_and_removed_on_drop() {
        let parfile = PrivateParfile::create("expdp.par", "userid=a/\"secret\"\n").unwrap();
        let path = parfile.path().to_path_buf();
        let dir = parfile.dir().to_path_buf();
        assert_eq!(fs::read_to_string(&path).unwrap(), "userid=a/\"secret\"\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        #[cfg(windows)]
        {
            let sid = crate::process::windows_acl::current_user_sid().unwrap();
            assert_eq!(
                crate::process::windows_acl::dacl_sddl(&dir).unwrap(),
                crate::process::windows_acl::private_sddl(&sid)
            );
        }
        drop(parfile);
        assert!(!path.exists());
        assert!(!dir.exists());
    }

    #[test]
    fn is_removed_when_a_panic_unwinds() {
        let (tx, rx) = std::sync::mpsc::channel();
        let result = std::panic::catch_unwind(move || {
            let parfile = PrivateParfile::create("expdp.par", "userid=a/\"secret\"\n").unwrap();
            tx.send(parfile.path().to_path_buf()).unwrap();
            panic!("a primitive panics while the parameter file exists");
        });
        assert!(result.is_err());
        let path = rx.recv().unwrap();
        assert!(!path.exists(), "{} survived the panic", path.display());
    }

    // Owners are told apart by /proc start times and the test spawns `true`: Unix only (on
    // Windows no folder is swept, since no start time can be read).
    #[cfg(unix)]
    #[test]
    fn the_folder_names_its_owner_and_only_dead_owners_folders_are_swept() {
        let parfile = PrivateParfile::create("expdp.par", "x").unwrap();
        let name = parfile
            .dir()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(&format!("{FOLDER_PREFIX}{}-", std::process::id())),
            "{name}"
        );
        let temp = tempfile::tempdir().unwrap();
        // A dead owner: a child that has exited and been reaped.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = temp.path().join(format!("{FOLDER_PREFIX}{dead}-abc"));
        fs::create_dir(&stale).unwrap();
        fs::write(stale.join("expdp.par"), "userid=u/\"pw\"").unwrap();
        // A live owner (this process's parent) and an unrelated folder are kept.
        let live = temp.path().join(format!(
            "{FOLDER_PREFIX}{}-def",
            std::os::unix::process::parent_id()
        ));
        fs::create_dir(&live).unwrap();
        let other = temp.path().join("bizscript-sim-123");
        fs::create_dir(&other).unwrap();
        let swept = sweep_stale_in(temp.path());
        assert_eq!(swept.len(), 1, "{swept:?}");
        assert_eq!(swept[0].pid, dead);
        assert!(!stale.exists());
        assert!(live.exists() && other.exists());
        // A live pid whose start time differs from the marker's is a reused pid.
        fs::write(live.join(OWNER_MARKER), "pid 1\nstart 1\n").unwrap();
        assert_eq!(sweep_stale_in(temp.path()).len(), 1);
    }

    #[test]
    fn remove_reports_success() {
        let parfile = PrivateParfile::create("x.par", "x").unwrap();
        let path = parfile.path().to_path_buf();
        parfile.remove().unwrap();
        assert!(!path.exists());
    }
}
