//! Zstandard entries (ZIP method 93), for sites that prefer speed and have readers for it
//! (7-Zip with the zstd plugin, Python 3.14's `zipfile`, `bsdtar`). One frame per entry.

use super::checksum::Sha256Sum;
use super::stream::{read_full, StreamError, StreamSummary};
use crate::cancel::Cancel;
use std::io::{self, Read, Write};

/// Read size: large enough for throughput, small enough to notice Ctrl-C quickly.
const CHUNK: usize = 1024 * 1024;

/// Compresses `input` as one zstd frame onto `output`, computing CRC-32 and SHA-256 on the way.
pub fn zstd_stream<R: Read, W: Write + ?Sized>(
    mut input: R,
    output: &mut W,
    level: u32,
    cancel: &Cancel,
    on_progress: &mut dyn FnMut(u64),
) -> Result<StreamSummary, StreamError> {
    let mut counted = CountingWriter {
        inner: output,
        count: 0,
    };
    let level = i32::try_from(level).unwrap_or(3);
    let mut encoder = zstd::stream::write::Encoder::new(&mut counted, level)
        .map_err(|e| StreamError::Compressor(e.to_string()))?;
    encoder
        .include_checksum(false)
        .map_err(|e| StreamError::Compressor(e.to_string()))?;
    let mut sha = Sha256Sum::new();
    let mut crc = crc32fast::Hasher::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; CHUNK];
    loop {
        if cancel.is_cancelled() {
            return Err(StreamError::Cancelled);
        }
        let n = read_full(&mut input, &mut buf).map_err(StreamError::Read)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        crc.update(&buf[..n]);
        total += n as u64;
        encoder.write_all(&buf[..n]).map_err(StreamError::Write)?;
        on_progress(total);
        if n < buf.len() {
            break;
        }
    }
    encoder.finish().map_err(StreamError::Write)?;
    Ok(StreamSummary {
        bytes_in: total,
        bytes_out: counted.count,
        crc32: crc.finalize(),
        sha256: sha.finish_hex(),
    })
}

/// Counts the compressed bytes.
struct CountingWriter<'a, W: ?Sized> {
    inner: &'a mut W,
    count: u64,
}

impl<W: Write + ?Sized> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checksums() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        let summary = zstd_stream(&data[..], &mut out, 3, &Cancel::new(), &mut |_| {}).unwrap();
        assert_eq!(summary.bytes_out, out.len() as u64);
        assert_eq!(summary.crc32, crc32fast::hash(&data));
        let back = zstd::stream::decode_all(&out[..]).unwrap();
        assert!(back == data);
    }
}
