//! What can go wrong while archiving, each with a stable code and advice for the DBA.
//!
//! Every failure after the first byte is written leaves the same state behind: the partial
//! archive is removed and the inputs are untouched. The messages say so, because that is the
//! first thing a DBA wants to know when a backup step fails at 03:00.

use std::io;
use std::path::PathBuf;

/// Why `compress` failed.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// No input file was given.
    #[error("nothing to archive: no input files were given")]
    NoInputs,

    /// An input file is missing or unreadable (checked before anything is written).
    #[error("input {} cannot be read: {source}; nothing was written", path.display())]
    MissingInput {
        /// The input as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// An input is a directory or a device, not a regular file.
    #[error("input {} is not a regular file; nothing was written", path.display())]
    NotAFile {
        /// The input as given.
        path: PathBuf,
    },

    /// Two inputs would get the same name inside the archive.
    #[error("{} and {} would both be stored as `{name}`; nothing was written", first.display(), second.display())]
    DuplicateName {
        /// The entry name inside the archive.
        name: String,
        /// The first input with that name.
        first: PathBuf,
        /// The second input with that name.
        second: PathBuf,
    },

    /// The archive path is also one of the inputs.
    #[error("the archive {} is also an input; nothing was written", path.display())]
    ArchiveIsInput {
        /// The archive path.
        path: PathBuf,
    },

    /// The archive already exists and `overwrite` was not asked for.
    #[error("archive {} already exists; nothing was written", path.display())]
    ArchiveExists {
        /// The existing archive.
        path: PathBuf,
    },

    /// A `.partial` file is in the way: another run is writing it, or one was killed.
    #[error("{} already exists: another compress may be writing it, or an earlier run was killed; nothing was written", path.display())]
    PartialExists {
        /// The partial file.
        path: PathBuf,
    },

    /// The archive's folder does not exist or cannot be used.
    #[error("cannot create the archive in {}: {source}; nothing was written", dir.display())]
    ArchiveFolder {
        /// The folder meant to hold the archive.
        dir: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// A level outside the method's range.
    #[error("level {level} is not valid: use 1 (fastest) to 9 (smallest)")]
    InvalidLevel {
        /// The level asked for.
        level: u32,
    },

    /// Reading an input failed mid-way.
    #[error("reading {} failed: {source}; the partial archive {} was removed and the inputs are untouched", path.display(), partial.display())]
    Read {
        /// The input being read.
        path: PathBuf,
        /// The partial archive that was removed.
        partial: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// An input changed between planning and the end of the verification: the archive would
    /// not hold the dump as it was.
    #[error("{} changed while it was archived: {detail}; the partial archive {} was removed, nothing was marked verified and the inputs are untouched", path.display(), partial.display())]
    InputChanged {
        /// The input that changed.
        path: PathBuf,
        /// The partial archive that was removed.
        partial: PathBuf,
        /// What changed.
        detail: String,
    },

    /// The archive's file system is full (or the quota is exhausted).
    #[error("no space left while writing {}: {source}; the partial archive was removed and the inputs are untouched", partial.display())]
    DiskFull {
        /// The partial archive that was removed.
        partial: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// Writing the archive failed for another reason.
    #[error("writing {} failed: {source}; the partial archive was removed and the inputs are untouched", partial.display())]
    Write {
        /// The partial archive that was removed.
        partial: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// Ctrl-C (or SIGTERM) arrived while archiving.
    #[error("interrupted while writing {}: the partial archive was removed and the inputs are untouched", partial.display())]
    Cancelled {
        /// The partial archive that was removed.
        partial: PathBuf,
    },

    /// Reading the written archive back did not give the inputs' sizes and CRCs.
    #[error("verification of {} failed at entry `{entry}`: {detail}; the archive was removed and the inputs are untouched", partial.display())]
    Verify {
        /// The archive that failed (removed).
        partial: PathBuf,
        /// The entry that did not match.
        entry: String,
        /// What did not match.
        detail: String,
    },

    /// The archive is complete and verified but an input could not be removed.
    #[error("the archive {} is complete and verified, but removing {} failed: {source}", archive.display(), path.display())]
    RemoveSource {
        /// The verified archive.
        archive: PathBuf,
        /// The input that is still there.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// The compressor itself failed (a bug, not the environment).
    #[error("the compressor failed on {}: {detail}; the partial archive {} was removed", path.display(), partial.display())]
    Compressor {
        /// The input being compressed.
        path: PathBuf,
        /// The partial archive that was removed.
        partial: PathBuf,
        /// The compressor's message.
        detail: String,
    },
}

impl ArchiveError {
    /// A stable code scripts can branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoInputs | Self::NotAFile { .. } | Self::DuplicateName { .. } => {
                "BZ-COMPRESS-INPUT"
            }
            Self::ArchiveIsInput { .. } => "BZ-COMPRESS-INPUT",
            Self::MissingInput { .. } => "BZ-COMPRESS-MISSING",
            Self::ArchiveExists { .. } | Self::PartialExists { .. } => "BZ-COMPRESS-EXISTS",
            Self::ArchiveFolder { .. } => "BZ-COMPRESS-FOLDER",
            Self::InvalidLevel { .. } => "BZ-COMPRESS-OPTION",
            Self::Read { .. } => "BZ-COMPRESS-READ",
            Self::InputChanged { .. } => "BZ-COMPRESS-INPUT-CHANGED",
            Self::DiskFull { .. } => "BZ-COMPRESS-DISK-FULL",
            Self::Write { .. } => "BZ-COMPRESS-WRITE",
            Self::Cancelled { .. } => "BZ-COMPRESS-CANCELLED",
            Self::Verify { .. } => "BZ-COMPRESS-VERIFY",
            Self::RemoveSource { .. } => "BZ-COMPRESS-REMOVE",
            Self::Compressor { .. } => "BZ-COMPRESS-INTERNAL",
        }
    }

    /// What the DBA can do about it.
    pub fn advice(&self) -> String {
        match self {
            Self::NoInputs => "pass the dump files, e.g. compress([\"BIZAGI_01.dmp\"], #{ archive: \"BIZAGI.zip\" })".into(),
            Self::MissingInput { .. } => "check the path: dump files are written by the database server into the DIRECTORY object's folder".into(),
            Self::NotAFile { .. } => "list the dump files themselves, not their folder".into(),
            Self::DuplicateName { .. } => "archive files with the same name into separate archives, or rename one".into(),
            Self::ArchiveIsInput { .. } => "choose an archive path that is not one of the inputs".into(),
            Self::ArchiveExists { .. } => "choose another archive name, or pass overwrite: true to replace it (the old archive stays until the new one is verified)".into(),
            Self::PartialExists { path } => format!("make sure no other run is writing it, then remove {}", path.display()),
            Self::ArchiveFolder { .. } => "create the folder first, or choose an archive path in an existing writable folder".into(),
            Self::InvalidLevel { .. } => "level 6 is the default; 1 is fastest".into(),
            Self::InputChanged { .. } => "something else is writing or truncating this file (a second export into the same name with REUSE_DUMPFILES, an operator, a full disk on the database server): find out what, then export again; this dump cannot be trusted".into(),
            Self::Read { .. } => "check the input's disk and permissions (dmesg may show I/O errors), then run again".into(),
            Self::DiskFull { .. } => "free space on the archive's file system or write the archive elsewhere; a dry run (--dry-run) reports the space needed".into(),
            Self::Write { .. } => "check the archive folder's disk and permissions, then run again".into(),
            Self::Cancelled { .. } => "run the step again when ready".into(),
            Self::Verify { .. } => "do not trust this disk until checked (dmesg, fsck); run again, ideally to another disk".into(),
            Self::RemoveSource { .. } => "remove the input by hand once you have checked the archive".into(),
            Self::Compressor { .. } => "report this as a bizscript bug; use method: \"zstd\" meanwhile".into(),
        }
    }
}
