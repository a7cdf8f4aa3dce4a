//! `acquire_lock`: one run at a time for the same schema and directory.
//!
//! The lock is an OS file lock (released by the kernel if bizscript dies, so no stale lock ever
//! blocks the next night's run) on a file in the system's temporary folder.

use super::errors::script_error;
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use rhai::{Engine, EvalAltResult};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

pub const ACQUIRE_LOCK: PrimitiveDoc = PrimitiveDoc {
    name: "acquire_lock",
    signature: "acquire_lock(key: string) -> Lock",
    summary: "Takes an exclusive lock named `key` (for example `bizagi_export:BIZAGI:BIZAGIBACKUPPATH`) and holds it while the returned value lives, normally until the script ends. A second run asking for the same key fails at once, naming the process that holds it. The kernel releases the lock if bizscript dies, so a crash never leaves a stale lock.",
    example: r#"let lock = acquire_lock("bizagi_export:BIZAGI:BIZAGIBACKUPPATH");
print(lock);"#,
};

/// A held lock; released when the last clone is dropped.
#[derive(Clone)]
pub struct Lock {
    key: String,
    path: PathBuf,
    _file: Arc<File>,
}

impl std::fmt::Debug for Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lock({} at {})", self.key, self.path.display())
    }
}

fn lock_path(key: &str) -> PathBuf {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    std::env::temp_dir()
        .join("bizscript-locks")
        .join(format!("{safe}.lock"))
}

fn acquire(key: &str) -> Result<Lock, Box<EvalAltResult>> {
    if key.trim().is_empty() {
        return Err(script_error(
            "BZ-USAGE",
            "acquire_lock: the key is empty",
            ACQUIRE_LOCK.signature,
        ));
    }
    let path = lock_path(key);
    let io = |e: std::io::Error| {
        script_error(
            "BZ-LOCK",
            format!("cannot create the lock file {}: {e}", path.display()),
            "check that the temporary folder is writable",
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            return Err(script_error(
                "BZ-LOCKED",
                format!(
                    "another run holds the lock `{key}` ({})",
                    holder.trim().if_empty("process unknown")
                ),
                "wait for it to finish; two exports of the same schema into the same directory would overwrite each other",
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let _ = file.set_len(0);
    let _ = writeln!(file, "pid {}", std::process::id());
    Ok(Lock {
        key: key.to_string(),
        path,
        _file: Arc::new(file),
    })
}

trait IfEmpty {
    fn if_empty<'a>(&'a self, other: &'a str) -> &'a str;
}

impl IfEmpty for str {
    fn if_empty<'a>(&'a self, other: &'a str) -> &'a str {
        if self.is_empty() {
            other
        } else {
            self
        }
    }
}

/// Registers the Lock type and `acquire_lock`.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    engine
        .register_type_with_name::<Lock>("Lock")
        .register_fn("to_string", |l: &mut Lock| format!("lock {}", l.key))
        .register_fn("to_debug", |l: &mut Lock| format!("{l:?}"));
    registration(&ACQUIRE_LOCK, &["key: &str", "Lock"])
        .register_into_engine(engine, |key: &str| acquire(key));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_drops() {
        let key = format!("test-lock-{}", std::process::id());
        let first = acquire(&key).unwrap();
        let err = acquire(&key).unwrap_err();
        assert!(err.to_string().contains("BZ-LOCKED"), "{err}");
        drop(first);
        assert!(acquire(&key).is_ok());
    }
}
