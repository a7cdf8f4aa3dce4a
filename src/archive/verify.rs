//! Reads the written archive back before anyone relies on it.
//!
//! Two passes, both over the bytes in the file, never over what the writer remembers:
//!
//! 1. [`read_back`] walks the file from its first byte, following it while it is still being
//!    written ([`FollowReader`]): for every entry it checks the local header (name, method),
//!    decompresses the data, computes the CRC-32 and size of what comes out, and checks them
//!    against the data descriptor that follows. It runs on its own thread beside the compression,
//!    so the read-back costs little extra time.
//! 2. [`check_directory`], once the file is complete, opens it with the `zip` crate, a different
//!    implementation from the writer (`rawzip`): the central directory must list exactly the
//!    entries written, with the names, methods, sizes and CRC-32 the writer reported *and* the
//!    read-back found, at the offsets where the read-back found their headers and data. So the
//!    decompressed entries are the ones any unzip will extract.

use super::error::ArchiveError;
use super::follow::FollowReader;
use super::zip_writer::WrittenEntry;
use super::Method;
use crate::cancel::Cancel;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// What the read-back found for one entry, in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEntry {
    /// The entry's name in its local header.
    pub name: String,
    /// Offset of its local header.
    pub header_offset: u64,
    /// Offset of its compressed data.
    pub data_offset: u64,
    /// Compressed bytes the decompressor consumed.
    pub bytes_out: u64,
    /// Bytes it decompressed to.
    pub bytes_in: u64,
    /// CRC-32 of those bytes, computed here.
    pub crc32: u32,
}

/// Where the read-back is, for progress: the entry's index and the bytes decompressed so far.
#[derive(Debug, Default)]
pub struct ReadBackProgress {
    /// Index of the entry being read.
    pub entry: AtomicUsize,
    /// Uncompressed bytes checked, over all entries.
    pub checked: AtomicU64,
}

const LOCAL_HEADER_SIGNATURE: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR_SIGNATURE: u32 = 0x0807_4b50;
/// Sizes from this value up are stored as 64-bit in the data descriptor (ZIP64).
const ZIP64_THRESHOLD: u64 = 0xFFFF_FFFF;
/// Local header flag bit 3: sizes and CRC follow the data in a data descriptor.
const FLAG_DATA_DESCRIPTOR: u16 = 0x08;

/// Reads every entry of the archive behind `reader` in order, expecting `entries` (name and
/// method), decompressing each and checking it against its data descriptor.
pub fn read_back(
    mut reader: FollowReader,
    partial: &Path,
    entries: &[(String, Method)],
    cancel: &Cancel,
    progress: &ReadBackProgress,
) -> Result<Vec<FoundEntry>, ArchiveError> {
    let fail = |entry: &str, detail: String| ArchiveError::Verify {
        partial: partial.to_path_buf(),
        entry: entry.to_string(),
        detail,
    };
    // A read that failed because of Ctrl-C is a cancellation, not a bad archive.
    let io_fail = |entry: &str, what: &str, e: io::Error| {
        if cancel.is_cancelled() {
            ArchiveError::Cancelled {
                partial: partial.to_path_buf(),
            }
        } else {
            fail(entry, format!("{what}: {e}"))
        }
    };
    let mut found = Vec::with_capacity(entries.len());
    let mut buf = vec![0u8; 256 * 1024];
    for (index, (want_name, method)) in entries.iter().enumerate() {
        progress.entry.store(index, Ordering::Relaxed);
        let header_offset = reader.position();
        let mut fixed = [0u8; 30];
        reader
            .read_exact(&mut fixed)
            .map_err(|e| io_fail(want_name, "reading the local header", e))?;
        let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
        let signature = u32::from_le_bytes([fixed[0], fixed[1], fixed[2], fixed[3]]);
        if signature != LOCAL_HEADER_SIGNATURE {
            return Err(fail(
                want_name,
                format!("no local header at offset {header_offset}"),
            ));
        }
        let (flags, method_id) = (u16_at(6), u16_at(8));
        let mut name = vec![0u8; usize::from(u16_at(26))];
        reader
            .read_exact(&mut name)
            .map_err(|e| io_fail(want_name, "reading the local header", e))?;
        let name = String::from_utf8_lossy(&name).into_owned();
        if &name != want_name {
            return Err(fail(want_name, format!("found `{name}` in its place")));
        }
        let want_method = match method {
            Method::Deflate => 8,
            Method::Zstd => 93,
        };
        if method_id != want_method || flags & FLAG_DATA_DESCRIPTOR == 0 {
            return Err(fail(
                want_name,
                format!("local header has method {method_id} and flags {flags:#06x}"),
            ));
        }
        let extra_len = u64::from(u16_at(28));
        io::copy(&mut (&mut reader).take(extra_len), &mut io::sink())
            .map_err(|e| io_fail(want_name, "reading the local header", e))?;
        let data_offset = reader.position();

        let mut decoder: Box<dyn Read + '_> = match method {
            Method::Deflate => Box::new(flate2::bufread::DeflateDecoder::new(&mut reader)),
            // One frame per entry: stop at its end, leaving the reader on the data descriptor.
            Method::Zstd => Box::new(
                zstd::stream::read::Decoder::with_buffer(&mut reader)
                    .map_err(|e| io_fail(want_name, "starting zstd", e))?
                    .single_frame(),
            ),
        };
        let mut crc = crc32fast::Hasher::new();
        let mut size = 0u64;
        loop {
            if cancel.is_cancelled() {
                return Err(ArchiveError::Cancelled {
                    partial: partial.to_path_buf(),
                });
            }
            let n = decoder
                .read(&mut buf)
                .map_err(|e| io_fail(want_name, "reading back", e))?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            size += n as u64;
            progress.checked.fetch_add(n as u64, Ordering::Relaxed);
        }
        drop(decoder);
        let crc = crc.finalize();
        let bytes_out = reader.position() - data_offset;

        let (d_crc, d_out, d_in) = read_descriptor(&mut reader, bytes_out, size)
            .map_err(|e| io_fail(want_name, "reading the data descriptor", e))?;
        if (d_crc, d_out, d_in) != (crc, bytes_out, size) {
            return Err(fail(
                want_name,
                format!(
                    "decompressed {bytes_out} bytes to {size} with CRC {crc:08x}, \
                     but the data descriptor says {d_out} to {d_in} with CRC {d_crc:08x}"
                ),
            ));
        }
        found.push(FoundEntry {
            name,
            header_offset,
            data_offset,
            bytes_out,
            bytes_in: size,
            crc32: crc,
        });
    }
    Ok(found)
}

/// Reads a data descriptor: optional signature, CRC-32, then compressed and uncompressed sizes,
/// 64-bit when either size needs it (as the writer decides) and 32-bit otherwise.
fn read_descriptor(
    reader: &mut impl BufRead,
    bytes_out: u64,
    bytes_in: u64,
) -> io::Result<(u32, u64, u64)> {
    let mut word = [0u8; 4];
    reader.read_exact(&mut word)?;
    if u32::from_le_bytes(word) == DATA_DESCRIPTOR_SIGNATURE {
        reader.read_exact(&mut word)?;
    }
    let crc = u32::from_le_bytes(word);
    if bytes_out >= ZIP64_THRESHOLD || bytes_in >= ZIP64_THRESHOLD {
        let mut sizes = [0u8; 16];
        reader.read_exact(&mut sizes)?;
        let (out, input) = sizes.split_at(8);
        Ok((
            crc,
            u64::from_le_bytes(out.try_into().unwrap_or_default()),
            u64::from_le_bytes(input.try_into().unwrap_or_default()),
        ))
    } else {
        let mut sizes = [0u8; 8];
        reader.read_exact(&mut sizes)?;
        let (out, input) = sizes.split_at(4);
        Ok((
            crc,
            u64::from(u32::from_le_bytes(out.try_into().unwrap_or_default())),
            u64::from(u32::from_le_bytes(input.try_into().unwrap_or_default())),
        ))
    }
}

/// Opens the complete archive with the `zip` crate and checks its central directory against
/// what the writer reported (`expected`) and what the read-back found (`found`).
pub fn check_directory(
    path: &Path,
    expected: &[WrittenEntry],
    found: &[FoundEntry],
) -> Result<(), ArchiveError> {
    let fail = |entry: &str, detail: String| ArchiveError::Verify {
        partial: path.to_path_buf(),
        entry: entry.to_string(),
        detail,
    };
    let file = File::open(path).map_err(|e| fail("(archive)", format!("cannot open: {e}")))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| fail("(central directory)", e.to_string()))?;
    if archive.len() != expected.len() || found.len() != expected.len() {
        return Err(fail(
            "(central directory)",
            format!(
                "{} entries listed and {} read back instead of {}",
                archive.len(),
                found.len(),
                expected.len()
            ),
        ));
    }
    for (index, (want, seen)) in expected.iter().zip(found).enumerate() {
        // `by_index_raw` reads the local header too and rejects one that disagrees with the
        // central directory; it decompresses nothing (the read-back did).
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| fail(&want.name, e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| fail(&want.name, e.to_string()))?
            .into_owned();
        if name != want.name || seen.name != want.name {
            return Err(fail(
                &want.name,
                format!("found `{name}` (read back: `{}`) in its place", seen.name),
            ));
        }
        let method = match want.method {
            Method::Deflate => zip::CompressionMethod::Deflated,
            Method::Zstd => zip::CompressionMethod::Zstd,
        };
        if entry.compression() != method {
            return Err(fail(
                &want.name,
                format!("method {:?} instead of {method:?}", entry.compression()),
            ));
        }
        let listed = (entry.size(), entry.compressed_size(), entry.crc32());
        let wanted = (want.bytes_in, want.bytes_out, want.crc32);
        let read = (seen.bytes_in, seen.bytes_out, seen.crc32);
        if listed != wanted || read != wanted {
            return Err(fail(
                &want.name,
                format!(
                    "expected {} bytes ({} compressed, CRC {:08x}); central directory says {} ({}, {:08x}); \
                     read back {} ({}, {:08x})",
                    wanted.0, wanted.1, wanted.2, listed.0, listed.1, listed.2, read.0, read.1, read.2
                ),
            ));
        }
        let offsets = (entry.header_start(), entry.data_start());
        if offsets != (seen.header_offset, Some(seen.data_offset)) {
            return Err(fail(
                &want.name,
                format!(
                    "central directory places it at {:?}, read back at {} (data at {})",
                    offsets, seen.header_offset, seen.data_offset
                ),
            ));
        }
    }
    Ok(())
}

/// Verifies a complete archive file at `path` against `expected`: both passes, one after the
/// other. `on_progress(entry name, uncompressed bytes checked so far)` runs after each entry.
/// (`compress` runs the passes itself, the first one beside the compression.)
#[cfg(test)]
pub fn verify(
    path: &Path,
    expected: &[WrittenEntry],
    cancel: &Cancel,
    on_progress: &mut dyn FnMut(&str, u64),
) -> Result<(), ArchiveError> {
    let len = std::fs::metadata(path)
        .map_err(|e| ArchiveError::Verify {
            partial: path.to_path_buf(),
            entry: "(archive)".into(),
            detail: format!("cannot open: {e}"),
        })?
        .len();
    let reader = FollowReader::open(
        path,
        super::follow::Watermark::complete_at(len),
        cancel.clone(),
    )
    .map_err(|e| ArchiveError::Verify {
        partial: path.to_path_buf(),
        entry: "(archive)".into(),
        detail: format!("cannot open: {e}"),
    })?;
    let entries: Vec<(String, Method)> = expected
        .iter()
        .map(|e| (e.name.clone(), e.method))
        .collect();
    let progress = ReadBackProgress::default();
    let found = read_back(reader, path, &entries, cancel, &progress)?;
    for entry in &found {
        on_progress(&entry.name, progress.checked.load(Ordering::Relaxed));
    }
    check_directory(path, expected, &found)
}
