//! Reads the written archive back before anyone relies on it.
//!
//! The reader is the `zip` crate, a different implementation from the writer (`rawzip`), so a
//! bug in one is unlikely to be mirrored by the other. For every entry: the name, method, sizes
//! and CRC-32 in the central directory must be the ones we wrote, and the entry must decompress
//! to exactly that many bytes with that CRC-32 (computed here, and checked by the reader too).

use super::error::ArchiveError;
use super::zip_writer::WrittenEntry;
use super::Method;
use crate::cancel::Cancel;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Checks every entry of the archive at `path` against `expected`.
/// `on_progress(entry name, uncompressed bytes checked so far)` runs between reads.
pub fn verify(
    path: &Path,
    expected: &[WrittenEntry],
    cancel: &Cancel,
    on_progress: &mut dyn FnMut(&str, u64),
) -> Result<(), ArchiveError> {
    let fail = |entry: &str, detail: String| ArchiveError::Verify {
        partial: path.to_path_buf(),
        entry: entry.to_string(),
        detail,
    };
    let file = File::open(path).map_err(|e| fail("(archive)", format!("cannot open: {e}")))?;
    let mut archive = zip::ZipArchive::new(BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| fail("(central directory)", e.to_string()))?;
    if archive.len() != expected.len() {
        return Err(fail(
            "(central directory)",
            format!("{} entries instead of {}", archive.len(), expected.len()),
        ));
    }
    let mut checked = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    for (index, want) in expected.iter().enumerate() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| fail(&want.name, e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| fail(&want.name, e.to_string()))?
            .into_owned();
        if name != want.name {
            return Err(fail(&want.name, format!("found `{name}` in its place")));
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
        let recorded = (entry.size(), entry.compressed_size(), entry.crc32());
        if recorded != (want.bytes_in, want.bytes_out, want.crc32) {
            return Err(fail(
                &want.name,
                format!(
                    "central directory says {} bytes ({} compressed, CRC {:08x}), expected {} ({}, {:08x})",
                    recorded.0, recorded.1, recorded.2, want.bytes_in, want.bytes_out, want.crc32
                ),
            ));
        }
        let mut crc = crc32fast::Hasher::new();
        let mut size = 0u64;
        loop {
            if cancel.is_cancelled() {
                return Err(ArchiveError::Cancelled {
                    partial: path.to_path_buf(),
                });
            }
            let n = entry
                .read(&mut buf)
                .map_err(|e| fail(&want.name, format!("reading back: {e}")))?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            size += n as u64;
            checked += n as u64;
            on_progress(&want.name, checked);
        }
        let crc = crc.finalize();
        if (size, crc) != (want.bytes_in, want.crc32) {
            return Err(fail(
                &want.name,
                format!(
                    "decompressed to {size} bytes with CRC {crc:08x}, expected {} bytes with CRC {:08x}",
                    want.bytes_in, want.crc32
                ),
            ));
        }
    }
    Ok(())
}
