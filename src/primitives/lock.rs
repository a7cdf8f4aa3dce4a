//! `acquire_lock`: one run at a time for the same schema and directory.
//!
//! The lock is an OS file lock (released by the kernel if bizscript dies, so no stale lock ever
//! blocks the next night's run) on a file in bizscript's private per-user folder
//! (`$XDG_RUNTIME_DIR/bizscript/locks`, else the XDG state folder; 0700, ours, not a link: see
//! [`crate::fsutil::private_dir`]). A shared `$TMPDIR/bizscript-locks` would let any account
//! that created it first block every backup, or plant a link the lock file is truncated through.
//!
//! The file is removed when the lock is released (while still held, so a run that opened it in
//! the meantime sees on locking that the path no longer names its file and starts again): lock
//! files do not accumulate, whatever the keys (a simulated run's key names its temporary home).

use super::errors::script_error;
use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use rhai::{Engine, EvalAltResult};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

pub const ACQUIRE_LOCK: PrimitiveDoc = PrimitiveDoc {
    name: "acquire_lock",
    signature: "acquire_lock(key: string) -> Lock",
    summary: "Takes an exclusive lock named `key` (for example `bizagi_export:BIZAGI:BIZAGIBACKUPPATH`) and holds it while the returned value lives, normally until the script ends. A second run asking for the same key fails at once, naming the process that holds it. Keys are case-insensitive and an Easy Connect `//` in them is optional. Lock files live in a private per-user folder (`$XDG_RUNTIME_DIR/bizscript/locks`, else `~/.local/state/bizscript/locks`; mode 0700) and are never opened through a symbolic link. The kernel releases the lock if bizscript dies, so a crash never leaves a stale lock.",
    example: r#"let lock = acquire_lock("bizagi_export:BIZAGI:BIZAGIBACKUPPATH");
print(lock);"#,
};

/// A held lock; released when the last clone is dropped.
#[derive(Clone)]
pub struct Lock {
    key: String,
    path: PathBuf,
    _held: Arc<Held>,
}

/// The locked file: on release its name is removed first, then the lock goes with the file.
/// (On Windows an open file cannot be removed by default: the name stays, as before.)
#[cfg_attr(not(unix), allow(dead_code))]
struct Held {
    path: PathBuf,
    _file: File,
}

impl Drop for Held {
    fn drop(&mut self) {
        #[cfg(unix)]
        if same_file(&self._file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the open `file` (not removed, not replaced).
#[cfg(unix)]
fn same_file(file: &File, path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &std::path::Path) -> bool {
    true
}

impl std::fmt::Debug for Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lock({} at {})", self.key, self.path.display())
    }
}

/// The lock's file name: the key case-folded (Oracle names, host and service names are
/// case-insensitive) with Easy Connect's optional `//` dropped, so `//DB:1521/SVC` and
/// `db:1521/svc` in a key are one lock.
fn lock_path(key: &str) -> std::io::Result<PathBuf> {
    let folded = key.to_ascii_lowercase().replace("//", "");
    let safe: String = folded
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // File names are limited (255 bytes): a long key keeps its head and a digest of the whole.
    let name = if safe.len() > 160 {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(folded.as_bytes());
        format!(
            "{}-{}",
            &safe[..100],
            base16ct::lower::encode_string(&digest[..12])
        )
    } else {
        safe
    };
    Ok(crate::fsutil::private_dir("locks")?.join(format!("{name}.lock")))
}

fn acquire(key: &str) -> Result<Lock, Box<EvalAltResult>> {
    if key.trim().is_empty() {
        return Err(script_error(
            "BZ-USAGE",
            "acquire_lock: the key is empty",
            ACQUIRE_LOCK.signature,
        ));
    }
    let path = lock_path(key).map_err(|e| {
        script_error(
            "BZ-LOCK",
            format!("cannot prepare bizscript's private lock folder: {e}"),
            "set XDG_RUNTIME_DIR (or XDG_STATE_HOME) to a folder of yours that only you can enter",
        )
    })?;
    let io = |e: std::io::Error| {
        script_error(
            "BZ-LOCK",
            format!("cannot open the lock file {}: {e}", path.display()),
            "the lock folder is private to your account; remove whatever is at that path",
        )
    };
    // Never truncated on open, never through a link: the file is emptied only once it is ours
    // and locked. A file its holder removed between our open and our lock is not the lock any
    // more: open again (a few times; each retry means another run just let go).
    let mut attempts = 0;
    let mut file = loop {
        let file = crate::fsutil::open_lock_file(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) if same_file(&file, &path) => break file,
            Ok(()) if attempts < 5 => attempts += 1,
            Ok(()) => {
                return Err(io(std::io::Error::other(
                    "it was removed each time it was locked",
                )))
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = match holder.trim() {
                    "" => "process unknown",
                    holder => holder,
                };
                return Err(script_error(
                    "BZ-LOCKED",
                    format!("another run holds the lock `{key}` ({holder})"),
                    "wait for it to finish; two exports of the same schema into the same directory would overwrite each other",
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
    };
    let _ = file.set_len(0);
    let _ = writeln!(file, "pid {}", std::process::id());
    Ok(Lock {
        key: key.to_string(),
        path: path.clone(),
        _held: Arc::new(Held { path, _file: file }),
    })
}

/// The lock `expdp` holds while its client runs: one export of a schema at a time per database
/// from this host, whatever the script's own lock. The database is named by its connect
/// descriptor normalised (`//` optional, default port, host and service case-insensitive), by
/// the simulated home under `--simulate`, else by ORACLE_HOME and ORACLE_SID (a local bequeath
/// connection).
pub fn export_lock(
    ctx: &HostCtx,
    db: &crate::oracle::connection::Connection,
    options: &crate::oracle::datapump::export::ExportOptions,
) -> Result<Lock, Box<EvalAltResult>> {
    use crate::oracle::datapump::params::Value;
    let database = database_key(ctx, db);
    let mut schemas: Vec<String> = options
        .entries()
        .find(|(name, _)| *name == "schemas")
        .map(|(_, value)| match value {
            Value::One(one) => vec![one.clone()],
            Value::List(list) | Value::EachOnItsOwnLine(list) => list.clone(),
        })
        .unwrap_or_else(|| db.user().into_iter().collect());
    schemas.sort();
    acquire(&format!("expdp:{database}:{}", schemas.join(",")))
}

/// The lock `impdp` holds while its client runs: one import into a set of target schemas at a
/// time per database from this host (`targets`, sorted; the database named as for
/// [`export_lock`]).
pub fn import_lock(
    ctx: &HostCtx,
    db: &crate::oracle::connection::Connection,
    targets: &[String],
) -> Result<Lock, Box<EvalAltResult>> {
    let mut targets = targets.to_vec();
    targets.sort();
    acquire(&format!(
        "impdp:{}:{}",
        database_key(ctx, db),
        targets.join(",")
    ))
}

/// The database as a lock key names it.
fn database_key(ctx: &HostCtx, db: &crate::oracle::connection::Connection) -> String {
    match (&ctx.simulation, db.connect()) {
        (Some(sim), _) => format!("sim:{}", sim.home.display()),
        // With the client home: an alias means what that home's tnsnames.ora says, and each
        // simulated database lives in its own home. Two client homes on one host exporting the
        // same schema are rare, and the database check before the export still sees them.
        (None, Some(connect)) => format!(
            "{}@{}",
            crate::oracle::connect_identity::normalised(connect),
            ctx.env.get("ORACLE_HOME").unwrap_or_default()
        ),
        // A bequeath connection reaches the instance of ORACLE_HOME and ORACLE_SID.
        (None, None) => format!(
            "local:{}:{}",
            ctx.env.get("ORACLE_HOME").unwrap_or_default(),
            ctx.env.get("ORACLE_SID").unwrap_or_default()
        ),
    }
}

/// Registers the Lock type and `acquire_lock`.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    engine
        .register_type_with_name::<Lock>("Lock")
        .register_fn("to_string", |l: &mut Lock| format!("lock {}", l.key))
        .register_fn("to_debug", |l: &mut Lock| format!("{l:?}"));
    registration(&ACQUIRE_LOCK).register_into_engine(engine, |key: &str| acquire(key));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_lock_path_is_refused_and_its_target_kept() {
        let key = format!("test-link-{}", std::process::id());
        let path = lock_path(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = acquire(&key).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }

    #[test]
    fn keys_differing_only_in_case_or_an_easy_connect_slash_are_one_lock() {
        let pid = std::process::id();
        let first = acquire(&format!("t{pid}://DB.example:1521/SVC:BIZAGI")).unwrap();
        let err = acquire(&format!("T{pid}:db.example:1521/svc:bizagi")).unwrap_err();
        assert!(err.to_string().contains("BZ-LOCKED"), "{err}");
        drop(first);
    }

    #[test]
    fn a_second_holder_is_refused_until_the_first_drops() {
        let key = format!("test-lock-{}", std::process::id());
        let first = acquire(&key).unwrap();
        let err = acquire(&key).unwrap_err();
        assert!(err.to_string().contains("BZ-LOCKED"), "{err}");
        drop(first);
        assert!(acquire(&key).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_released_lock_leaves_no_file_behind() {
        let key = format!("test-release-{}", std::process::id());
        let path = lock_path(&key).unwrap();
        let lock = acquire(&key).unwrap();
        let copy = lock.clone();
        assert!(path.exists());
        drop(lock);
        assert!(path.exists(), "a clone still holds it");
        drop(copy);
        assert!(!path.exists(), "{} was left behind", path.display());
        // and the name can be locked again at once
        let again = acquire(&key).unwrap();
        drop(again);
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_removed_under_a_waiting_run_is_not_taken_for_the_lock() {
        let key = format!("test-replaced-{}", std::process::id());
        let path = lock_path(&key).unwrap();
        let stale = crate::fsutil::open_lock_file(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        // `stale` names a removed file: locking it must not count, the new file must.
        stale.try_lock().unwrap();
        assert!(!same_file(&stale, &path));
        let lock = acquire(&key).unwrap();
        assert!(acquire(&key).is_err());
        drop(lock);
        drop(stale);
        assert!(!path.exists());
    }
}
