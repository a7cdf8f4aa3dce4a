//! Creating files in places other accounts can write to, without following their links.
//!
//! The Data Pump directory is writable by several accounts by nature (the database's, the
//! DBA's, bizscript's), and `$TMPDIR` by everyone. A plain `File::create` there follows a
//! symbolic link planted at the name and truncates its target. Everything bizscript creates in
//! such a place goes through this module:
//!
//! * [`create_private_new`]: a new file only (`O_CREAT|O_EXCL`, which never follows a link, plus
//!   `O_NOFOLLOW`), mode 0600;
//! * [`temp_beside`]: the same under an unpredictable name beside the final one, to be renamed
//!   over it once complete (a rename replaces a planted link itself, never its target);
//! * [`open_lock_file`]: an existing-or-new lock file, refused when it is a link or not ours;
//! * [`private_dir`] / [`ensure_private_dir`]: bizscript's own per-user folder (0700, owned by
//!   us, not a link) for locks and other state no other account may touch.
//!
//! This layer knows nothing of Rhai or the host.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Creates `path` as a new file, mode 0600, failing if anything (a file, a link) is there.
pub fn create_private_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    no_follow(&mut options, 0o600);
    options.open(path)
}

/// Writes `value` as pretty JSON to `path` atomically: an unpredictable temporary name beside
/// it ([`temp_beside`]), synced, then renamed over it, so a reader never sees half a file and a
/// link planted at the name is replaced, never written through.
pub fn write_json_atomically(path: &Path, value: &serde_json::Value) -> io::Result<()> {
    use std::io::Write;
    let mut temp = temp_beside(path, ".tmp")?;
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    temp.write_all(text.as_bytes())?;
    temp.write_all(b"\n")?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A new, empty file beside `dest` under an unpredictable name (`<name>.<random><suffix>`),
/// created exclusively with mode 0600. It is removed when dropped unless persisted
/// (`NamedTempFile::persist(dest)`, a rename).
pub fn temp_beside(dest: &Path, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut prefix = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "bizscript".into());
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(suffix).rand_bytes(10);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    builder.tempfile_in(folder)
}

/// Opens (creating if needed, never truncating) a lock file in a private folder. A symbolic
/// link at the name is refused (`O_NOFOLLOW`), as is anything but a regular file of ours.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    no_follow(&mut options, 0o600);
    let file = options.open(path).map_err(|e| refused_link(path, e))?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    check_owner(path, &meta)?;
    Ok(file)
}

/// Creates `dir` (mode 0700) if it is missing, then checks it is a folder of ours, not a link,
/// that no other account can enter; a folder of ours with a wider mode is narrowed to 0700.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    match std::fs::DirBuilder::new().mode_private().create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::other(format!(
            "{} is a symbolic link; bizscript's private folder must be a real folder",
            dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    check_owner(dir, &meta)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// bizscript's private per-user folder `<base>/bizscript/<what>`, created and checked: under
/// `$XDG_RUNTIME_DIR` (per user, 0700, cleared at logout) when set, else the XDG state folder
/// (`$XDG_STATE_HOME`, `~/.local/state`), else `$TMPDIR/bizscript-<uid>`. Every level bizscript
/// creates is checked with [`ensure_private_dir`].
pub fn private_dir(what: &str) -> io::Result<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_dir())
    {
        candidates.push(runtime.join("bizscript"));
    }
    if let Some(state) = dirs::state_dir().filter(|p| p.is_absolute()) {
        candidates.push(state.join("bizscript"));
    }
    candidates.push(std::env::temp_dir().join(format!("bizscript-{}", user_id())));
    // The first that can be made private wins: XDG_RUNTIME_DIR may be another account's (kept
    // by sudo), HOME may be read-only for a service account.
    let mut last = io::Error::other("no candidate folder");
    for base in candidates {
        let attempt = (|| {
            if let Some(parent) = base.parent() {
                if !parent.is_dir() {
                    std::fs::create_dir_all(parent)?;
                }
            }
            ensure_private_dir(&base)?;
            let dir = base.join(what);
            ensure_private_dir(&dir)?;
            Ok::<_, io::Error>(dir)
        })();
        match attempt {
            Ok(dir) => return Ok(dir),
            Err(e) => {
                tracing::debug!(
                    "{} cannot hold bizscript's private folder: {e}",
                    base.display()
                );
                last = io::Error::new(e.kind(), format!("{}: {e}", base.display()));
            }
        }
    }
    Err(last)
}

/// The effective user id (0 off Unix).
pub fn user_id() -> u32 {
    #[cfg(unix)]
    {
        nix::unistd::geteuid().as_raw()
    }
    #[cfg(not(unix))]
    {
        0
    }
}

fn check_owner(path: &Path, meta: &std::fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != user_id() {
            return Err(io::Error::other(format!(
                "{} belongs to another account (uid {}); bizscript only uses its own",
                path.display(),
                meta.uid()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, meta);
    Ok(())
}

fn refused_link(path: &Path, e: io::Error) -> io::Error {
    // O_NOFOLLOW on a link fails with ELOOP: say what it means.
    #[cfg(unix)]
    if e.raw_os_error() == Some(nix::libc::ELOOP) {
        return io::Error::other(format!(
            "{} is a symbolic link; refusing to open it",
            path.display()
        ));
    }
    let _ = path;
    e
}

fn no_follow(options: &mut OpenOptions, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode).custom_flags(nix::libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = (options, mode);
}

trait PrivateMode {
    fn mode_private(&mut self) -> &mut Self;
}

impl PrivateMode for std::fs::DirBuilder {
    fn mode_private(&mut self) -> &mut Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            self.mode(0o700);
        }
        self
    }
}

/// The SHA-256 of the file at `path` (lower-case hex) and its length in bytes, read in 1 MiB
/// blocks (an interrupted read is retried). The one file hash of the crate: copies and
/// retention's proof of an archive use it (`compress` hashes while it reads, in its own pass).
pub fn sha256_file(path: &Path) -> io::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok((total, base16ct::lower::encode_string(&hasher.finalize())))
}

/// Whether `a` and `b` name the same file (after resolving links), else whether they are equal.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Every `program` (the platform's executable suffix added) on `path_var`, a PATH value, in
/// PATH order and without the same file twice: the one PATH lookup (`which`) of the crate.
pub fn executables_on_path(program: &str, path_var: &str) -> Vec<PathBuf> {
    let name = format!("{program}{}", std::env::consts::EXE_SUFFIX);
    let mut found: Vec<PathBuf> = Vec::new();
    for dir in std::env::split_paths(path_var) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let candidate = dir.join(&name);
        if candidate.is_file() && !found.iter().any(|f| same_file(f, &candidate)) {
            found.push(candidate);
        }
    }
    found
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_file_never_follows_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "precious").unwrap();
        let link = dir.path().join("log.part");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(create_private_new(&link).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        let fresh = dir.path().join("fresh");
        create_private_new(&fresh).unwrap();
        assert_eq!(
            std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_temporary_name_is_unpredictable_and_renames_over_a_link_not_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "precious").unwrap();
        let dest = dir.path().join("x.log");
        std::os::unix::fs::symlink(&target, &dest).unwrap();
        let a = temp_beside(&dest, ".part").unwrap();
        let b = temp_beside(&dest, ".part").unwrap();
        assert_ne!(a.path(), b.path());
        let name = a.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("x.log.") && name.ends_with(".part"),
            "{name}"
        );
        let mut file = a.persist(&dest).unwrap();
        file.write_all(b"transcript").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "transcript");
    }

    #[test]
    fn a_lock_file_that_is_a_link_is_refused_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "precious").unwrap();
        let lock = dir.path().join("a.lock");
        std::os::unix::fs::symlink(&target, &lock).unwrap();
        let err = open_lock_file(&lock).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    }

    #[test]
    fn a_private_folder_is_ours_and_closed() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("p");
        std::fs::create_dir(&private).unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o777)).unwrap();
        ensure_private_dir(&private).unwrap();
        assert_eq!(
            std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&private, &link).unwrap();
        assert!(ensure_private_dir(&link).is_err());
    }

    #[test]
    fn the_file_hash_is_sha256_of_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            (
                3,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_string()
            )
        );
        assert!(sha256_file(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn path_lookup_finds_each_program_once_in_path_order() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        for d in [&a, &b] {
            std::fs::create_dir(d).unwrap();
            let tool = d.join("tool");
            std::fs::write(&tool, "").unwrap();
            std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = format!("{}::{}:{}", a.display(), b.display(), a.display());
        assert_eq!(
            executables_on_path("tool", &path),
            [a.join("tool"), b.join("tool")]
        );
        assert!(executables_on_path("other", &path).is_empty());
    }
}
