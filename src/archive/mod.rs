//! ZIP archives of dump files: parallel deflate, ZIP64, SHA-256 while reading, verification.
//!
//! The one entry point is [`compress`]. Its promises, in the order they happen:
//!
//! 1. every input is checked (exists, is a file, names unique) and the archive name is free
//!    before a single byte is written ([`plan`], also what a dry run shows);
//! 2. the archive is written to `ARCHIVE.partial`, and a guard removes that file on every way
//!    out (error, Ctrl-C, panic) until the archive is complete;
//! 3. the partial archive is read back entry by entry (decompressed, CRC-32 and size) from the
//!    file itself, on a thread that follows the file while it is written; once complete it is
//!    synced to disk, its central directory is checked against the entries read back, every
//!    input is checked to be exactly as planned (size, modification time, file identity, bytes
//!    read: see [`input`]), and only then is it renamed to its final name, so a file under the
//!    final name is always a verified archive of the inputs as they were;
//! 4. only then, and only when asked, are the inputs removed.
//!
//! The archive is created no more permissive than the most private input (a 0600 dump gives a
//! 0600 archive): it is a copy of the whole schema. While it is written, the partial file is
//! locked (`flock`), which is how [`remove_stale_partials`] tells a partial file a killed run
//! left behind from one another run is still writing.
//!
//! This module never uses the host or Rhai: the `compress` primitive adapts its options, its
//! cancel flag and its progress display to the plain types here.

mod checksum;
mod error;
mod follow;
pub mod input;
mod parallel_deflate;
pub mod removal;
pub mod restore_input;
pub mod retention;
mod space;
mod stream;
#[cfg(test)]
mod tests;
mod verify;
mod zip_writer;
mod zstd_stream;

pub use checksum::hex;
pub use error::ArchiveError;
pub use input::InputSnapshot;
pub use parallel_deflate::{deflate_stream, BLOCK_SIZE, DICT_SIZE};
pub use space::{free_space, worst_case_size};
pub use stream::{StreamError, StreamSummary};
pub use zip_writer::{write_archive, EntrySource, Settings, WrittenEntry};

use crate::cancel::Cancel;
use checksum::HashingWriter;
use follow::{FollowReader, PublishingWriter, Watermark};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use verify::ReadBackProgress;

/// The compression method of every entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Deflate (ZIP method 8): every unzip on every platform reads it.
    #[default]
    Deflate,
    /// Zstandard (ZIP method 93): faster, but needs a recent reader.
    Zstd,
}

impl Method {
    /// The name scripts use.
    pub fn name(self) -> &'static str {
        match self {
            Method::Deflate => "deflate",
            Method::Zstd => "zstd",
        }
    }
}

/// What to archive and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The archive to create.
    pub archive: PathBuf,
    /// 1 (fastest) to 9 (smallest); 6 by default.
    pub level: u32,
    /// Deflate by default.
    pub method: Method,
    /// Extra files archived with the inputs (the log, a manifest) and never removed.
    pub include: Vec<PathBuf>,
    /// Remove the inputs (not `include`) once the archive is verified.
    pub remove_source: bool,
    /// Replace an existing archive (only once the new one is verified).
    pub overwrite: bool,
    /// Compressing threads; 0 means one per core.
    pub workers: usize,
}

impl Options {
    /// The defaults for an archive at `archive`: deflate level 6 on every core.
    pub fn new(archive: impl Into<PathBuf>) -> Self {
        Self {
            archive: archive.into(),
            level: 6,
            method: Method::Deflate,
            include: Vec::new(),
            remove_source: false,
            overwrite: false,
            workers: 0,
        }
    }
}

/// Which pass the progress is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading and compressing the inputs.
    Compress,
    /// Reading the archive back.
    Verify,
}

/// Progress of the whole operation, reported on the caller's thread.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Compressing or verifying.
    pub phase: Phase,
    /// The entry being processed.
    pub entry: &'a str,
    /// Uncompressed bytes done in this phase, over all entries.
    pub done: u64,
    /// Uncompressed bytes in all entries.
    pub total: u64,
}

/// What `compress` would do, checked: the dry run's answer and the real run's first step.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The final archive path.
    pub archive: PathBuf,
    /// Where it is written until verified.
    pub partial: PathBuf,
    /// The entries, inputs first, then `include`.
    pub entries: Vec<EntrySource>,
    /// The inputs removed after verification when `remove_source` is set.
    pub removable: Vec<PathBuf>,
    /// Total input bytes.
    pub bytes_in: u64,
    /// The archive's largest possible size (incompressible input).
    pub worst_case: u64,
    /// Free space where the archive goes, when the file system says.
    pub free_space: Option<u64>,
}

impl Plan {
    /// True when even an incompressible archive fits in the free space.
    pub fn fits_worst_case(&self) -> Option<bool> {
        self.free_space.map(|free| free >= self.worst_case)
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct ArchiveReport {
    /// The verified archive.
    pub archive: PathBuf,
    /// Every entry with its sizes, CRC-32 and SHA-256.
    pub entries: Vec<WrittenEntry>,
    /// Total input bytes.
    pub bytes_in: u64,
    /// The archive's size on disk.
    pub bytes_out: u64,
    /// SHA-256 of the archive file.
    pub sha256: String,
    /// True once every entry was read back and matched. `compress` never returns a report
    /// with `false`: a failed verification is an error.
    pub verified: bool,
    /// Wall-clock time, end to end.
    pub duration: Duration,
    /// Inputs removed because `remove_source` was set.
    pub removed: Vec<PathBuf>,
    /// The permission bits the archive was created with (the most private input's).
    pub mode: Option<u32>,
}

/// Checks the inputs and the archive path and says what would be written. Writes nothing.
pub fn plan(paths: &[PathBuf], options: &Options) -> Result<Plan, ArchiveError> {
    if paths.is_empty() {
        return Err(ArchiveError::NoInputs);
    }
    if !(1..=9).contains(&options.level) {
        return Err(ArchiveError::InvalidLevel {
            level: options.level,
        });
    }
    let archive = options.archive.clone();
    let partial = partial_path(&archive);
    let folder = parent_folder(&archive);
    let folder_real = fs::canonicalize(&folder).map_err(|source| ArchiveError::ArchiveFolder {
        dir: folder.clone(),
        source,
    })?;
    let archive_real = archive
        .file_name()
        .map(|name| folder_real.join(name))
        .ok_or_else(|| ArchiveError::ArchiveFolder {
            dir: archive.clone(),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "the archive path has no file name",
            ),
        })?;

    let mut entries = Vec::new();
    let mut names: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in paths.iter().chain(&options.include) {
        let entry = entry_source(path)?;
        if fs::canonicalize(path).ok().as_deref() == Some(archive_real.as_path()) {
            return Err(ArchiveError::ArchiveIsInput { path: archive });
        }
        if let Some(first) = names.insert(entry.name.clone(), path.clone()) {
            return Err(ArchiveError::DuplicateName {
                name: entry.name,
                first,
                second: path.clone(),
            });
        }
        entries.push(entry);
    }
    if archive.exists() && !options.overwrite {
        return Err(ArchiveError::ArchiveExists { path: archive });
    }
    if partial.exists() {
        return Err(ArchiveError::PartialExists { path: partial });
    }
    let bytes_in = entries.iter().map(|e| e.size).sum();
    let name_bytes = entries.iter().map(|e| e.name.len()).sum();
    Ok(Plan {
        worst_case: worst_case_size(bytes_in, entries.len(), name_bytes),
        free_space: free_space(&folder).ok(),
        archive,
        partial,
        removable: if options.remove_source {
            paths.to_vec()
        } else {
            Vec::new()
        },
        entries,
        bytes_in,
    })
}

/// Archives `paths` (and `options.include`) into one verified ZIP at `options.archive`.
///
/// On any error the partial archive is removed and the inputs are untouched (except
/// [`ArchiveError::RemoveSource`], which comes after a verified archive is in place).
pub fn compress(
    paths: &[PathBuf],
    options: &Options,
    cancel: &Cancel,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ArchiveReport, ArchiveError> {
    let started = Instant::now();
    let plan = plan(paths, options)?;
    if plan.fits_worst_case() == Some(false) {
        tracing::warn!(
            archive = %plan.archive.display(),
            free = plan.free_space,
            worst_case = plan.worst_case,
            "the archive may not fit if the dump does not compress"
        );
    }
    let workers = match options.workers {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let settings = Settings {
        method: options.method,
        level: options.level,
        workers,
    };

    let mode = most_private_mode(&plan.entries);
    let mut open = OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, mode);
    }
    let file = open
        .open(&plan.partial)
        .map_err(|source| match source.kind() {
            io::ErrorKind::AlreadyExists => ArchiveError::PartialExists {
                path: plan.partial.clone(),
            },
            _ => ArchiveError::ArchiveFolder {
                dir: parent_folder(&plan.archive),
                source,
            },
        })?;
    let mut guard = PartialFile::new(plan.partial.clone());
    // A handle of its own holds the lock until the archive is renamed (the writer's handle is
    // closed earlier): while it is held, no other run takes this partial file for a stale one.
    // Unix only: a Windows lock is mandatory and would stop the read-back itself.
    #[cfg(unix)]
    let _writing = {
        let handle =
            File::open(&plan.partial).map_err(|e| zip_writer::write_error(e, &plan.partial))?;
        if let Err(e) = handle.try_lock() {
            tracing::warn!(partial = %plan.partial.display(), error = %e, "cannot lock the partial archive; a cleanup may not see that it is in use");
        }
        handle
    };

    // The read-back follows the file while it is written, on a thread of its own: by the time
    // the last block is written, most of the archive has already been decompressed and checked.
    let mark = Watermark::new();
    let follower = FollowReader::open(&plan.partial, Arc::clone(&mark), cancel.clone())
        .map_err(|e| zip_writer::write_error(e, &plan.partial))?;
    let sink = HashingWriter::new(BufWriter::with_capacity(
        1024 * 1024,
        PublishingWriter::new(file, mark),
    ));
    let total = plan.bytes_in;
    let offsets: Vec<u64> = plan
        .entries
        .iter()
        .scan(0u64, |acc, e| {
            let start = *acc;
            *acc += e.size;
            Some(start)
        })
        .collect();
    let expected_entries: Vec<(String, Method)> = plan
        .entries
        .iter()
        .map(|e| (e.name.clone(), options.method))
        .collect();
    let read_back_progress = ReadBackProgress::default();

    let (written, sha256, found) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| {
            verify::read_back(
                follower,
                &plan.partial,
                &expected_entries,
                cancel,
                &read_back_progress,
            )
        });
        // On any error below the file writer is dropped unfinished, which stops the read-back.
        let written = write_and_sync(sink, &plan, settings, cancel, &mut |index, done| {
            progress(&Progress {
                phase: Phase::Compress,
                entry: &plan.entries[index].name,
                done: offsets[index] + done,
                total,
            })
        });
        let (written, sha256) = match written {
            Ok(written) => written,
            Err(e) => {
                let _ = reading.join();
                return Err(e);
            }
        };
        let bytes_in: u64 = written.iter().map(|e| e.bytes_in).sum();
        let mut report_verify = || {
            let index = read_back_progress.entry.load(Ordering::Relaxed);
            progress(&Progress {
                phase: Phase::Verify,
                entry: plan.entries.get(index).map_or("", |e| e.name.as_str()),
                done: read_back_progress.checked.load(Ordering::Relaxed),
                total: bytes_in,
            })
        };
        while !reading.is_finished() {
            report_verify();
            std::thread::sleep(Duration::from_millis(50));
        }
        report_verify();
        let found = reading.join().unwrap_or_else(|_| {
            Err(ArchiveError::Verify {
                partial: plan.partial.clone(),
                entry: "(archive)".into(),
                detail: "the read-back thread panicked".into(),
            })
        })?;
        Ok((written, sha256, found))
    })?;
    // Ctrl-C during the read-back stops here even if the read-back was already done.
    if cancel.is_cancelled() {
        return Err(ArchiveError::Cancelled {
            partial: plan.partial.clone(),
        });
    }
    verify::check_directory(&plan.partial, &written, &found)?;
    // Last look before the archive takes its final name: an earlier input may have changed
    // while a later one was read.
    for entry in &plan.entries {
        let now = fs::metadata(&entry.source).map_err(|source| ArchiveError::InputChanged {
            path: entry.source.clone(),
            partial: plan.partial.clone(),
            detail: format!("it can no longer be read: {source}"),
        })?;
        let changes = entry.planned.changes(&InputSnapshot::of(&now));
        if !changes.is_empty() {
            return Err(ArchiveError::InputChanged {
                path: entry.source.clone(),
                partial: plan.partial.clone(),
                detail: changes.join("; "),
            });
        }
    }
    let bytes_in = written.iter().map(|e| e.bytes_in).sum();

    if plan.archive.exists() && !options.overwrite {
        return Err(ArchiveError::ArchiveExists { path: plan.archive });
    }
    let bytes_out = fs::metadata(&plan.partial)
        .map_err(|e| zip_writer::write_error(e, &plan.partial))?
        .len();
    guard.persist(&plan.archive)?;

    let mut removed = Vec::new();
    for path in &plan.removable {
        fs::remove_file(path).map_err(|source| ArchiveError::RemoveSource {
            archive: plan.archive.clone(),
            path: path.clone(),
            source,
        })?;
        removed.push(path.clone());
    }
    Ok(ArchiveReport {
        archive: plan.archive,
        entries: written,
        bytes_in,
        bytes_out,
        sha256,
        verified: true,
        duration: started.elapsed(),
        removed,
        mode,
    })
}

/// The permission bits every input allows (their intersection), without execute bits: the
/// archive may be read by no one who could not read every input. `None` where the platform has
/// no Unix modes.
fn most_private_mode(entries: &[EntrySource]) -> Option<u32> {
    entries
        .iter()
        .map(|e| e.mode)
        .try_fold(0o666, |acc, mode| mode.map(|m| acc & m))
}

/// Removes the `.partial` files in `folder` that an interrupted run of the caller's naming left
/// behind: names `PREFIX<run tag>.zip.partial` (`prefix` is the caller's, e.g. `BIZAGI_` for the
/// standard procedure's `BIZAGI_20261124_010203_K7Q2.zip`), regular files (never a symlink) owned by this user, not
/// locked by a writer (every `compress` holds a lock on its partial file until it is renamed)
/// and untouched for at least `min_age` (a second guard where locks do not reach, e.g. a share
/// mounted from two hosts). Returns the files removed; what cannot be checked or removed is
/// left alone and logged.
pub fn remove_stale_partials(
    folder: &Path,
    prefix: &str,
    min_age: Duration,
) -> io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let tag = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".zip.partial"));
        if prefix.is_empty() || !tag.is_some_and(crate::run_tag::is_run_tag) {
            continue;
        }
        let path = entry.path();
        match stale(&path, min_age) {
            Ok(true) => match fs::remove_file(&path) {
                Ok(()) => removed.push(path),
                Err(e) => {
                    tracing::warn!(partial = %path.display(), error = %e, "cannot remove a stale partial archive")
                }
            },
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(partial = %path.display(), error = %e, "cannot check a partial archive; left alone")
            }
        }
    }
    if !removed.is_empty() {
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    Ok(removed)
}

fn stale(path: &Path, min_age: Duration) -> io::Result<bool> {
    let meta = fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Ok(false);
    }
    // Another account's partial file is that account's business, stale or not.
    #[cfg(unix)]
    if std::os::unix::fs::MetadataExt::uid(&meta) != crate::fsutil::user_id() {
        return Ok(false);
    }
    let age = meta.modified()?.elapsed().unwrap_or(Duration::ZERO);
    if age < min_age {
        return Ok(false);
    }
    let file = File::open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Writes the archive into `sink`, completes the file and syncs it to disk: the archive is only
/// as good as what reached the disk. Returns the entries and the archive's SHA-256.
fn write_and_sync(
    sink: HashingWriter<BufWriter<PublishingWriter<File>>>,
    plan: &Plan,
    settings: Settings,
    cancel: &Cancel,
    on_entry: &mut dyn FnMut(usize, u64),
) -> Result<(Vec<WrittenEntry>, String), ArchiveError> {
    let (sink, written) = write_archive(
        sink,
        &plan.entries,
        settings,
        &plan.partial,
        cancel,
        on_entry,
    )?;
    let (buffered, sha256) = sink.finish();
    let file = buffered
        .into_inner()
        .map_err(|e| zip_writer::write_error(e.into_error(), &plan.partial))?
        .complete()
        .map_err(|e| zip_writer::write_error(e, &plan.partial))?;
    file.sync_all()
        .map_err(|e| zip_writer::write_error(e, &plan.partial))?;
    Ok((written, sha256))
}

/// `ARCHIVE.partial` next to `ARCHIVE`.
pub fn partial_path(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_os_string();
    name.push(".partial");
    PathBuf::from(name)
}

fn parent_folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks one input and describes its entry.
fn entry_source(path: &Path) -> Result<EntrySource, ArchiveError> {
    let meta = fs::metadata(path).map_err(|source| ArchiveError::MissingInput {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(ArchiveError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    // Opening now catches unreadable files (permissions) before anything is written.
    File::open(path).map_err(|source| ArchiveError::MissingInput {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| ArchiveError::NotAFile {
            path: path.to_path_buf(),
        })?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    #[cfg(unix)]
    let mode = Some(std::os::unix::fs::PermissionsExt::mode(&meta.permissions()));
    #[cfg(not(unix))]
    let mode = None;
    Ok(EntrySource {
        source: path.to_path_buf(),
        name,
        size: meta.len(),
        modified,
        mode,
        planned: InputSnapshot::of(&meta),
    })
}

/// Removes the partial archive on every way out unless it was persisted under its final name.
struct PartialFile {
    path: PathBuf,
    armed: bool,
}

impl PartialFile {
    fn new(path: PathBuf) -> Self {
        Self { path, armed: true }
    }

    /// Renames the partial archive to `archive` (replacing it atomically) and disarms the guard.
    fn persist(&mut self, archive: &Path) -> Result<(), ArchiveError> {
        fs::rename(&self.path, archive).map_err(|e| zip_writer::write_error(e, &self.path))?;
        self.armed = false;
        // Make the rename itself durable; a failure here does not undo a complete archive.
        if let Ok(dir) = File::open(parent_folder(archive)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if self.armed {
            if let Err(e) = fs::remove_file(&self.path) {
                if e.kind() != io::ErrorKind::NotFound {
                    tracing::error!(partial = %self.path.display(), error = %e, "could not remove the partial archive");
                }
            }
        }
    }
}
