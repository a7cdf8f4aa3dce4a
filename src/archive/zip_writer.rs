//! Assembles the ZIP: one entry per input, compressed by us and handed to `rawzip` as raw
//! pre-compressed data with its CRC-32 and size. `rawzip` writes the headers, the data
//! descriptors and the central directory, switching to ZIP64 records whenever an entry's size
//! or offset, or the entry count, needs them.
//!
//! The sink is any `io::Write`, so tests can inject a writer that fails like a full disk.

use super::error::ArchiveError;
use super::input::InputSnapshot;
use super::parallel_deflate::deflate_stream;
use super::stream::{StreamError, StreamSummary};
use super::zstd_stream::zstd_stream;
use super::Method;
use crate::cancel::Cancel;
use rawzip::{CompressionMethod, DataDescriptorOutput, ZipArchiveWriter};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// One input as it will be stored.
#[derive(Debug, Clone)]
pub struct EntrySource {
    /// The file to read.
    pub source: PathBuf,
    /// Its name inside the archive.
    pub name: String,
    /// Its size when planned (for progress; the bytes actually read are what count).
    pub size: u64,
    /// Modification time, seconds since the Unix epoch.
    pub modified: Option<i64>,
    /// Unix permission bits.
    pub mode: Option<u32>,
    /// Size, modification time and identity when planned: what the bytes read must match.
    pub planned: InputSnapshot,
}

/// One entry as written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WrittenEntry {
    /// Name inside the archive.
    pub name: String,
    /// The input file.
    pub source: PathBuf,
    /// Uncompressed size.
    pub bytes_in: u64,
    /// Compressed size.
    pub bytes_out: u64,
    /// CRC-32 of the uncompressed bytes.
    pub crc32: u32,
    /// SHA-256 of the input, computed while reading it.
    pub sha256: String,
    /// `deflate` or `zstd`.
    pub method: Method,
    /// What the input looked like when planned (and still looked like when read).
    #[serde(skip)]
    pub planned: InputSnapshot,
}

/// How to compress.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Deflate or zstd.
    pub method: Method,
    /// 1 to 9.
    pub level: u32,
    /// Compressing threads for deflate.
    pub workers: usize,
}

/// Writes all `entries` into a ZIP on `sink` and returns the sink with what was written.
/// `partial` names the file behind `sink`, for error messages.
/// `on_progress(entry_index, bytes_of_that_entry_done)` runs on the caller's thread.
pub fn write_archive<W: Write>(
    sink: W,
    entries: &[EntrySource],
    settings: Settings,
    partial: &Path,
    cancel: &Cancel,
    on_progress: &mut dyn FnMut(usize, u64),
) -> Result<(W, Vec<WrittenEntry>), ArchiveError> {
    let mut archive = ZipArchiveWriter::new(sink);
    let mut written = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(ArchiveError::Cancelled {
                partial: partial.to_path_buf(),
            });
        }
        let input = File::open(&entry.source).map_err(|source| ArchiveError::Read {
            path: entry.source.clone(),
            partial: partial.to_path_buf(),
            source,
        })?;
        // The name may point at another file by now (renamed over, re-created).
        check_unchanged(entry, &input, partial)?;
        let method = match settings.method {
            Method::Deflate => CompressionMethod::DEFLATE,
            Method::Zstd => CompressionMethod::ZSTD,
        };
        let mut builder = archive
            .new_file(entry.name.as_str())
            .compression_method(method);
        if let Some(seconds) = entry.modified {
            builder = builder.last_modified(rawzip::time::UtcDateTime::from_unix(seconds));
        }
        if let Some(mode) = entry.mode {
            builder = builder.unix_permissions(mode & 0o777);
        }
        let (mut data, _) = builder.start().map_err(|e| zip_error(e, partial))?;
        let mut progress = |done: u64| on_progress(index, done);
        // Never read more than one byte past the planned size: that byte already proves the
        // file grew, and a file that keeps growing must not keep the archive open.
        let reader = (&input).take(entry.size.saturating_add(1));
        let summary = match settings.method {
            Method::Deflate => deflate_stream(
                reader,
                &mut data,
                settings.level,
                settings.workers,
                cancel,
                &mut progress,
            ),
            Method::Zstd => zstd_stream(reader, &mut data, settings.level, cancel, &mut progress),
        }
        .map_err(|e| stream_error(e, &entry.source, partial))?;
        if summary.bytes_in != entry.size {
            return Err(ArchiveError::InputChanged {
                path: entry.source.clone(),
                partial: partial.to_path_buf(),
                detail: if summary.bytes_in > entry.size {
                    format!(
                        "it grew while it was read (more than the {} bytes planned)",
                        entry.size
                    )
                } else {
                    format!(
                        "{} bytes were read where {} were planned (it was truncated while read)",
                        summary.bytes_in, entry.size
                    )
                },
            });
        }
        check_unchanged(entry, &input, partial)?;
        let StreamSummary {
            bytes_in,
            bytes_out,
            crc32,
            sha256,
        } = summary;
        data.finish(DataDescriptorOutput::new(crc32, bytes_in))
            .map_err(|e| zip_error(e, partial))?;
        written.push(WrittenEntry {
            name: entry.name.clone(),
            source: entry.source.clone(),
            bytes_in,
            bytes_out,
            crc32,
            sha256,
            method: settings.method,
            planned: entry.planned.clone(),
        });
    }
    let sink = archive.finish().map_err(|e| zip_error(e, partial))?;
    Ok((sink, written))
}

/// Fails with [`ArchiveError::InputChanged`] when the open `input` no longer looks as planned.
fn check_unchanged(entry: &EntrySource, input: &File, partial: &Path) -> Result<(), ArchiveError> {
    let now = input.metadata().map_err(|source| ArchiveError::Read {
        path: entry.source.clone(),
        partial: partial.to_path_buf(),
        source,
    })?;
    let changes = entry.planned.changes(&InputSnapshot::of(&now));
    if changes.is_empty() {
        Ok(())
    } else {
        Err(ArchiveError::InputChanged {
            path: entry.source.clone(),
            partial: partial.to_path_buf(),
            detail: changes.join("; "),
        })
    }
}

/// Maps a write failure, telling a full disk apart from other I/O errors.
pub fn write_error(source: io::Error, partial: &Path) -> ArchiveError {
    let full = matches!(
        source.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    );
    if full {
        ArchiveError::DiskFull {
            partial: partial.to_path_buf(),
            source,
        }
    } else {
        ArchiveError::Write {
            partial: partial.to_path_buf(),
            source,
        }
    }
}

fn stream_error(error: StreamError, input: &Path, partial: &Path) -> ArchiveError {
    match error {
        StreamError::Read(source) => ArchiveError::Read {
            path: input.to_path_buf(),
            partial: partial.to_path_buf(),
            source,
        },
        StreamError::Write(source) => write_error(source, partial),
        StreamError::Cancelled => ArchiveError::Cancelled {
            partial: partial.to_path_buf(),
        },
        StreamError::Compressor(detail) => ArchiveError::Compressor {
            path: input.to_path_buf(),
            partial: partial.to_path_buf(),
            detail,
        },
    }
}

fn zip_error(error: rawzip::Error, partial: &Path) -> ArchiveError {
    match error.into_kind() {
        rawzip::ErrorKind::IO(source) => write_error(source, partial),
        other => ArchiveError::Write {
            partial: partial.to_path_buf(),
            source: io::Error::other(format!("{other:?}")),
        },
    }
}
