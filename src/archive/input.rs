//! What an input looked like when it was planned, so that an archive is only called verified
//! when it holds the whole file as it was, not what happened to be readable.
//!
//! The read-back proves that the archive matches the bytes read; it cannot prove that those
//! bytes are the dump. A dump truncated while it is read (a second job with REUSE_DUMPFILES, an
//! operator, a full disk on the server) or still growing gives a self-consistent archive of the
//! wrong data. So each input's size, modification time and file identity (device and inode) are
//! taken before anything is written and compared three times: on the opened handle before
//! reading (the name now points at another file?), on the handle after reading (the file
//! changed while read?) together with the count of bytes read against the planned size, and by
//! name once the whole archive is verified, just before it is renamed into place (an earlier
//! input changed while a later one was read?).
//!
//! Modification times are compared at the file system's full precision (nanoseconds on ext4,
//! XFS, NTFS); a change that keeps size, inode and a coarse timestamp (FAT's 2 seconds) is not
//! detectable this way, and the byte count still catches every truncation or growth.

use std::fs::Metadata;
use std::time::SystemTime;

/// An input's size, modification time and identity at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSnapshot {
    /// Size in bytes.
    pub size: u64,
    /// Last modification, at the file system's precision.
    pub modified: Option<SystemTime>,
    /// The device holding the file (0 where the platform does not say).
    pub device: u64,
    /// The file's inode (0 where the platform does not say).
    pub inode: u64,
}

impl InputSnapshot {
    /// The snapshot of a file's metadata.
    pub fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        let (device, inode) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (device, inode) = (0, 0);
        Self {
            size: meta.len(),
            modified: meta.modified().ok(),
            device,
            inode,
        }
    }

    /// `dev:inode`, for reports and manifests.
    pub fn file_id(&self) -> String {
        format!("{}:{}", self.device, self.inode)
    }

    /// Nanoseconds since the Unix epoch, for reports and manifests.
    pub fn modified_ns(&self) -> Option<i128> {
        let t = self.modified?;
        Some(match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        })
    }

    /// What differs between `self` (planned) and `now`, in words; empty when nothing does.
    pub fn changes(&self, now: &InputSnapshot) -> Vec<String> {
        let mut changes = Vec::new();
        if (self.device, self.inode) != (now.device, now.inode) {
            changes.push(format!(
                "it is now another file (file id {} was {})",
                now.file_id(),
                self.file_id()
            ));
        }
        if self.size != now.size {
            changes.push(format!(
                "its size is now {} bytes, it was {} when planned",
                now.size, self.size
            ));
        }
        if self.modified != now.modified {
            changes.push("its modification time changed".to_string());
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn snap(size: u64, secs: u64, inode: u64) -> InputSnapshot {
        InputSnapshot {
            size,
            modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs)),
            device: 1,
            inode,
        }
    }

    #[test]
    fn an_unchanged_input_has_no_changes() {
        assert!(snap(10, 5, 7).changes(&snap(10, 5, 7)).is_empty());
    }

    #[test]
    fn each_kind_of_change_is_named() {
        let before = snap(600, 5, 7);
        let shrunk = before.changes(&snap(100, 6, 7));
        assert_eq!(shrunk.len(), 2, "{shrunk:?}");
        assert!(shrunk[0].contains("100 bytes"), "{shrunk:?}");
        assert!(before.changes(&snap(600, 5, 8))[0].contains("another file"));
        assert_eq!(
            before.changes(&snap(600, 9, 7)),
            ["its modification time changed"]
        );
    }

    #[test]
    fn the_snapshot_of_a_real_file_reads_its_size_and_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.dmp");
        std::fs::write(&path, b"0123456789").unwrap();
        let s = InputSnapshot::of(&std::fs::metadata(&path).unwrap());
        assert_eq!(s.size, 10);
        assert!(s.modified_ns().unwrap() > 0);
        #[cfg(unix)]
        assert_ne!(s.inode, 0);
    }
}
