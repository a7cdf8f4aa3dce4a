//! What compressing one input produces, and how it can fail, whatever the method.

use std::io::{self, Read};

/// The facts about one compressed input that the ZIP entry and the report need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSummary {
    /// Uncompressed bytes read from the input.
    pub bytes_in: u64,
    /// Compressed bytes written.
    pub bytes_out: u64,
    /// CRC-32 (ZIP polynomial) of the uncompressed bytes.
    pub crc32: u32,
    /// SHA-256 of the uncompressed bytes, computed while reading, in hex.
    pub sha256: String,
}

/// Why compressing one input stopped. The caller knows which file and which archive.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Reading the input failed.
    #[error("read failed: {0}")]
    Read(io::Error),
    /// Writing the compressed bytes failed.
    #[error("write failed: {0}")]
    Write(io::Error),
    /// The cancel flag was raised.
    #[error("cancelled")]
    Cancelled,
    /// The compressor reported an error.
    #[error("compressor error: {0}")]
    Compressor(String),
}

/// Fills `buf` as far as the input allows; returns the number of bytes read (less than
/// `buf.len()` only at the end of the input). Retries interrupted reads.
pub fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
