//! A parameter file holding credentials: mode 0600 in a private 0700 directory, removed when it
//! goes out of scope.
//!
//! The removal is a `Drop` (the private [`tempfile::TempDir`]), so it happens on every path out of
//! the code that made it: success, a returned error, an interrupt (bizscript catches SIGINT
//! itself, so primitives return normally), and a panic, since drops run while a panic unwinds
//! (the test below proves it). Only a SIGKILL of bizscript itself could leave it behind, and then
//! only readable by its owner.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A private parameter file; dropping it removes the file and its directory.
#[derive(Debug)]
pub struct PrivateParfile {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl PrivateParfile {
    /// Writes `contents` to `<private dir>/<name>` with mode 0600.
    pub fn create(name: &str, contents: &str) -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("bizscript-").tempdir()?;
        restrict(dir.path(), 0o700)?;
        let path = dir.path().join(name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        Ok(Self { dir, path })
    }

    /// The file's path, for `parfile=`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The private directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Removes the file now and reports whether that worked (dropping does the same silently).
    pub fn remove(self) -> io::Result<()> {
        let Self { dir, path: _ } = self;
        dir.close()
    }
}

fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
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

    #[test]
    fn remove_reports_success() {
        let parfile = PrivateParfile::create("x.par", "x").unwrap();
        let path = parfile.path().to_path_buf();
        parfile.remove().unwrap();
        assert!(!path.exists());
    }
}
