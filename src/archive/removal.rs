//! When a dump file may be removed on the strength of a verified archive: it must be the very
//! file archived (same identity, size and modification time), still a regular file.

use std::path::Path;

/// One archived entry, as `compress` described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedEntry {
    pub source: String,
    pub bytes_in: Option<i64>,
    pub file_id: Option<String>,
    pub modified_ns: Option<i64>,
}

/// Whether two paths name the same file (as given, or once resolved).
pub fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Why `path` must not be removed on the strength of `archive`, or `None` when it may.
pub fn removal_objection(path: &Path, entries: &[ArchivedEntry]) -> Option<String> {
    let Some(entry) = entries
        .iter()
        .find(|e| same_file(Path::new(&e.source), path))
    else {
        return Some("it is not in the verified archive".into());
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => m,
        Ok(_) => return Some("it is not a regular file".into()),
        Err(e) => return Some(format!("it cannot be read: {e}")),
    };
    let now = super::InputSnapshot::of(&meta);
    if entry.bytes_in != i64::try_from(now.size).ok() {
        return Some(format!(
            "it is {} bytes now, the archive holds {} bytes of it",
            now.size,
            entry.bytes_in.unwrap_or(-1)
        ));
    }
    if entry.file_id.as_deref() != Some(now.file_id().as_str()) {
        return Some("it is another file than the one archived (file identity differs)".into());
    }
    if entry.modified_ns != now.modified_ns().and_then(|n| i64::try_from(n).ok()) {
        return Some("it was modified after it was archived".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_not_archived_or_changed_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.dmp");
        std::fs::write(&file, b"dump").unwrap();
        assert_eq!(
            removal_objection(&file, &[]).as_deref(),
            Some("it is not in the verified archive")
        );
        let entry = ArchivedEntry {
            source: file.display().to_string(),
            bytes_in: Some(3),
            file_id: None,
            modified_ns: None,
        };
        let why = removal_objection(&file, std::slice::from_ref(&entry)).unwrap();
        assert!(why.contains("4 bytes now"), "{why}");
        let meta = std::fs::symlink_metadata(&file).unwrap();
        let now = super::super::InputSnapshot::of(&meta);
        let exact = ArchivedEntry {
            bytes_in: Some(4),
            file_id: Some(now.file_id()),
            modified_ns: now.modified_ns().and_then(|n| i64::try_from(n).ok()),
            ..entry
        };
        assert_eq!(removal_objection(&file, &[exact]), None);
    }
}
