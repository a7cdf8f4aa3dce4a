//! SHA-256 digests: of every input while it is read for compression (no second pass over
//! hundreds of gigabytes), and of the archive while it is written.

use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// Lower-case hexadecimal, the form `sha256sum` prints.
pub fn hex(digest: &[u8]) -> String {
    base16ct::lower::encode_string(digest)
}

/// A running SHA-256.
#[derive(Clone, Default)]
pub struct Sha256Sum {
    hasher: Sha256,
}

impl Sha256Sum {
    /// An empty digest.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// The digest as `sha256sum` prints it.
    pub fn finish_hex(self) -> String {
        hex(&self.hasher.finalize())
    }
}

/// A writer that hashes everything that passes through it, so the archive's digest costs no
/// extra read.
pub struct HashingWriter<W> {
    inner: W,
    sum: Sha256Sum,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            sum: Sha256Sum::new(),
        }
    }

    /// The inner writer and the digest of the bytes it accepted.
    pub fn finish(self) -> (W, String) {
        (self.inner, self.sum.finish_hex())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        // Hash only what the inner writer accepted: a short write is retried by the caller.
        self.sum.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_the_sha256_of_a_known_text() {
        let mut sum = Sha256Sum::new();
        sum.update(b"abc");
        assert_eq!(
            sum.finish_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hashing_writer_hashes_what_it_passes_on() {
        let mut writer = HashingWriter::new(Vec::new());
        writer.write_all(b"a").unwrap();
        writer.write_all(b"bc").unwrap();
        let (bytes, digest) = writer.finish();
        assert_eq!(bytes, b"abc");
        assert_eq!(
            digest,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
