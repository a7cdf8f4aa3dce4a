//! Paths as the machine that owns them writes them: a database server's `D:\backup\X.DMP` is a
//! Windows path even when bizscript runs on Linux, and `/u01/backup/X.dmp` a Unix one even on a
//! Windows client. `std::path` only knows the client's own rules (on Linux, `D:\backup\X.DMP`
//! is one file name with backslashes in it), so the parts of a server path are taken with
//! `typed-path`, which implements both rule sets on every platform.
//!
//! A path's style is read from the path itself ([`Style::of`]); nothing here touches a file
//! system.

use typed_path::{CheckedPathError, Utf8UnixPath, Utf8WindowsComponent, Utf8WindowsPath};

/// Whose rules a path follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `/`-separated (Linux, Unix).
    Unix,
    /// Drive letters, UNC shares and `\` (also accepting `/`).
    Windows,
}

impl Style {
    /// The style `path` is written in: Windows for a drive (`D:`, `D:\`, `D:/`), a UNC or
    /// device path (`\\server\share`), or a path with a `\` and no `/`; Unix otherwise.
    pub fn of(path: &str) -> Style {
        let b = path.as_bytes();
        let drive = b.len() >= 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && (b.len() == 2 || b[2] == b'\\' || b[2] == b'/');
        if drive || path.starts_with("\\\\") || (path.contains('\\') && !path.contains('/')) {
            Style::Windows
        } else {
            Style::Unix
        }
    }
}

/// Why a path operation has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path is empty.
    #[error("the path is empty")]
    Empty,
    /// A root (`/`, `D:\`, `\\server\share`) has no parent.
    #[error("{0} is a root: it has no parent folder")]
    NoParent(String),
    /// The path ends in `..` or is a root: it names no file.
    #[error("{0} names no file (it is a root or ends in ..)")]
    NoFileName(String),
    /// Joining would leave `base` (an absolute `name`, a drive, or `..`).
    #[error("cannot join {name} to {base}: {reason}")]
    Join {
        base: String,
        name: String,
        reason: String,
    },
}

/// The folder holding `path`, in the path's own style: `D:\backup\X.DMP` -> `D:\backup`,
/// `/u01/backup/X.dmp` -> `/u01/backup`, a bare `X.dmp` -> `.` (the current folder).
pub fn parent(path: &str) -> Result<String, PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    let parent = match Style::of(path) {
        Style::Unix => Utf8UnixPath::new(path)
            .parent()
            .map(|p| p.as_str().to_string()),
        Style::Windows => Utf8WindowsPath::new(path)
            .parent()
            .map(|p| p.as_str().to_string()),
    };
    match parent {
        None => Err(PathError::NoParent(path.to_string())),
        Some(p) if p.is_empty() => Ok(".".to_string()),
        Some(p) => Ok(p),
    }
}

/// The last component of `path` (a file or folder name), in the path's own style:
/// `D:\backup\X.DMP` -> `X.DMP`, `/u01/backup/` -> `backup`.
pub fn file_name(path: &str) -> Result<String, PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    let name = match Style::of(path) {
        Style::Unix => Utf8UnixPath::new(path).file_name().map(str::to_string),
        Style::Windows => Utf8WindowsPath::new(path).file_name().map(str::to_string),
    };
    name.ok_or_else(|| PathError::NoFileName(path.to_string()))
}

/// `name` inside the folder `base`, in `base`'s style: `D:\backup` + `X.zip` -> `D:\backup\X.zip`.
/// Refuses a `name` that would leave `base` (absolute, with a drive or a root, or climbing with
/// `..`), so a joined path is always inside the folder it was joined to.
pub fn join(base: &str, name: &str) -> Result<String, PathError> {
    if base.is_empty() || name.is_empty() {
        return Err(PathError::Empty);
    }
    let refused = |e: CheckedPathError| PathError::Join {
        base: base.to_string(),
        name: name.to_string(),
        reason: e.to_string(),
    };
    // A name that is absolute in either style (a root, a drive, a share) leaves the folder
    // whatever the folder's style.
    let prefixed = Utf8WindowsPath::new(name)
        .components()
        .next()
        .is_some_and(|c| matches!(c, Utf8WindowsComponent::Prefix(_)));
    if prefixed || name.starts_with('/') || name.starts_with('\\') {
        return Err(refused(CheckedPathError::UnexpectedRoot));
    }
    match Style::of(base) {
        Style::Unix => Utf8UnixPath::new(base)
            .join_checked(name)
            .map(|p| p.into_string())
            .map_err(refused),
        Style::Windows => Utf8WindowsPath::new(base)
            .join_checked(name)
            .map(|p| p.into_string())
            .map_err(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_server_path_is_read_as_windows_on_any_client() {
        assert_eq!(Style::of(r"D:\backup\BIZAGI.DMP"), Style::Windows);
        assert_eq!(Style::of("D:/backup/BIZAGI.DMP"), Style::Windows);
        assert_eq!(Style::of(r"\\nas\dumps\X.DMP"), Style::Windows);
        assert_eq!(Style::of("/u01/backup/X.dmp"), Style::Unix);
        assert_eq!(Style::of("X.dmp"), Style::Unix);
        assert_eq!(parent(r"D:\backup\BIZAGI.DMP").unwrap(), r"D:\backup");
        assert_eq!(file_name(r"D:\backup\BIZAGI.DMP").unwrap(), "BIZAGI.DMP");
        assert_eq!(
            join(r"D:\backup", "BIZAGI.zip").unwrap(),
            r"D:\backup\BIZAGI.zip"
        );
        // A share's root keeps its separator, as `D:\` does.
        assert_eq!(parent(r"\\nas\dumps\X.DMP").unwrap(), r"\\nas\dumps\");
    }

    #[test]
    fn unix_paths_and_bare_names() {
        assert_eq!(parent("/u01/backup/X.dmp").unwrap(), "/u01/backup");
        assert_eq!(parent("/X.dmp").unwrap(), "/");
        assert_eq!(parent("X.dmp").unwrap(), ".");
        assert_eq!(file_name("/u01/backup/").unwrap(), "backup");
        assert_eq!(file_name("X.dmp").unwrap(), "X.dmp");
        assert_eq!(join("/u01/backup", "X.zip").unwrap(), "/u01/backup/X.zip");
    }

    #[test]
    fn roots_and_escapes_are_refused_not_guessed() {
        assert_eq!(parent("/"), Err(PathError::NoParent("/".into())));
        assert!(matches!(parent(r"D:\"), Err(PathError::NoParent(_))));
        assert_eq!(parent(""), Err(PathError::Empty));
        assert!(matches!(file_name("/"), Err(PathError::NoFileName(_))));
        assert!(matches!(
            file_name("/u01/.."),
            Err(PathError::NoFileName(_))
        ));
        assert!(matches!(
            join("/u01", "/etc/passwd"),
            Err(PathError::Join { .. })
        ));
        assert!(matches!(
            join("/u01", "../etc"),
            Err(PathError::Join { .. })
        ));
        assert!(matches!(
            join(r"D:\backup", r"C:\x"),
            Err(PathError::Join { .. })
        ));
        assert!(matches!(
            join(r"D:\backup", r"\x"),
            Err(PathError::Join { .. })
        ));
        assert!(matches!(join("/u01", r"C:\x"), Err(PathError::Join { .. })));
    }
}
