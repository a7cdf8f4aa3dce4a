//! Reading the partial archive while it is still being written, so the read-back runs beside
//! the compression instead of after it.
//!
//! The writer publishes, after every successful `write` to the file, how many bytes the file
//! holds (its [`Watermark`]). A [`FollowReader`] opens the file on its own handle and reads it
//! from the disk (the page cache) up to that mark, waiting for more when it catches up, until the
//! writer declares the file complete. It never sees bytes the writer still holds in a buffer,
//! and never sees anything but what is in the file.

use crate::cancel::Cancel;
use std::fs::File;
use std::io::{self, BufRead, Read, Write};
#[cfg(unix)]
use std::os::unix::fs::FileExt;
#[cfg(windows)]
use std::os::windows::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How far a file has been written, shared by its writer and its followers.
#[derive(Debug, Default)]
pub struct Watermark {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default, Clone, Copy)]
struct State {
    /// Bytes in the file.
    len: u64,
    /// No more bytes will come.
    complete: bool,
    /// The writer stopped without completing the file (an error, a panic).
    abandoned: bool,
}

impl Watermark {
    /// A file being written, empty so far.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A file already complete with `len` bytes.
    #[cfg(test)]
    pub fn complete_at(len: u64) -> Arc<Self> {
        let mark = Self::new();
        mark.update(|s| {
            s.len = len;
            s.complete = true;
        });
        mark
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is three plain fields: a panic elsewhere cannot leave it inconsistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }

    /// Waits until the file holds more than `pos` bytes; returns its length, or `None` at the
    /// end of a complete file. Fails when the writer gave up or `cancel` is raised.
    fn wait_beyond(&self, pos: u64, cancel: &Cancel) -> io::Result<Option<u64>> {
        let mut state = self.lock();
        loop {
            if state.len > pos {
                return Ok(Some(state.len));
            }
            if state.complete {
                return Ok(None);
            }
            if state.abandoned {
                return Err(io::Error::other("the archive writer stopped"));
            }
            if cancel.is_cancelled() {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
            }
            // A timeout, not a plain wait: the cancel flag is not tied to this condition variable.
            state = match self.changed.wait_timeout(state, Duration::from_millis(50)) {
                Ok((state, _)) => state,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

/// The writer end: passes everything to the file and publishes its length.
/// Dropped without [`complete`](Self::complete), it tells followers the file is abandoned.
pub struct PublishingWriter<W> {
    inner: Option<W>,
    written: u64,
    mark: Arc<Watermark>,
}

impl<W: Write> PublishingWriter<W> {
    /// Wraps `inner`, an empty file.
    pub fn new(inner: W, mark: Arc<Watermark>) -> Self {
        Self {
            inner: Some(inner),
            written: 0,
            mark,
        }
    }

    /// Declares the file complete and returns it.
    pub fn complete(mut self) -> io::Result<W> {
        let mut inner = self.take_inner()?;
        if let Err(e) = inner.flush() {
            self.mark.update(|s| s.abandoned = true);
            return Err(e);
        }
        let written = self.written;
        self.mark.update(|s| {
            s.len = written;
            s.complete = true;
        });
        Ok(inner)
    }

    fn take_inner(&mut self) -> io::Result<W> {
        self.inner
            .take()
            .ok_or_else(|| io::Error::other("the archive file was already completed"))
    }

    fn inner(&mut self) -> io::Result<&mut W> {
        self.inner
            .as_mut()
            .ok_or_else(|| io::Error::other("the archive file was already completed"))
    }
}

impl<W: Write> Write for PublishingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner()?.write(buf)?;
        self.written += n as u64;
        let written = self.written;
        self.mark.update(|s| s.len = written);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner()?.flush()
    }
}

impl<W> Drop for PublishingWriter<W> {
    fn drop(&mut self) {
        if self.inner.is_some() {
            self.mark.update(|s| s.abandoned = true);
        }
    }
}

/// Reads a file up to its watermark, as a `BufRead`, knowing its position in the file.
pub struct FollowReader {
    file: File,
    mark: Arc<Watermark>,
    cancel: Cancel,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// File offset of `buf[end]`: where the next read from the file begins.
    offset: u64,
}

impl FollowReader {
    /// Opens `path` on a handle of its own.
    pub fn open(path: &Path, mark: Arc<Watermark>, cancel: Cancel) -> io::Result<Self> {
        Ok(Self {
            file: File::open(path)?,
            mark,
            cancel,
            buf: vec![0u8; 256 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            offset: 0,
        })
    }

    /// The file offset of the next byte this reader yields.
    pub fn position(&self) -> u64 {
        self.offset - (self.end - self.start) as u64
    }
}

impl Read for FollowReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// One positioned read. On Windows `seek_read` also moves the handle's cursor, which is harmless:
/// a [`FollowReader`] only ever reads by position, on a handle of its own.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    #[cfg(unix)]
    return file.read_at(buf, offset);
    #[cfg(windows)]
    return file.seek_read(buf, offset);
}

impl BufRead for FollowReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start == self.end {
            let Some(len) = self.mark.wait_beyond(self.offset, &self.cancel)? else {
                return Ok(&[]);
            };
            let want = usize::try_from(len - self.offset)
                .map_or(self.buf.len(), |n| n.min(self.buf.len()));
            let n = loop {
                match read_at(&self.file, &mut self.buf[..want], self.offset) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file is shorter than what was written to it",
                ));
            }
            self.start = 0;
            self.end = n;
            self.offset += n as u64;
        }
        Ok(&self.buf[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        self.start = (self.start + amount).min(self.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follower_reads_what_the_writer_wrote_while_it_writes() {
        let tmp = tempfile::TempDir::new().unwrap();
        let path = tmp.path().join("growing");
        let mark = Watermark::new();
        let file = File::create(&path).unwrap();
        let mut writer = PublishingWriter::new(file, Arc::clone(&mark));
        let mut follower = FollowReader::open(&path, Arc::clone(&mark), Cancel::new()).unwrap();
        let reading = std::thread::spawn(move || {
            let mut all = Vec::new();
            follower.read_to_end(&mut all).unwrap();
            (all, follower.position())
        });
        for i in 0..200u32 {
            writer.write_all(&i.to_le_bytes().repeat(1000)).unwrap();
        }
        writer.complete().unwrap();
        let (all, position) = reading.join().unwrap();
        let expected: Vec<u8> = (0..200u32)
            .flat_map(|i| i.to_le_bytes().repeat(1000))
            .collect();
        assert!(all == expected);
        assert_eq!(position, expected.len() as u64);
    }

    #[test]
    fn a_follower_fails_when_the_writer_is_dropped_unfinished() {
        let tmp = tempfile::TempDir::new().unwrap();
        let path = tmp.path().join("growing");
        let mark = Watermark::new();
        let mut writer = PublishingWriter::new(File::create(&path).unwrap(), Arc::clone(&mark));
        writer.write_all(b"abc").unwrap();
        let mut follower = FollowReader::open(&path, mark, Cancel::new()).unwrap();
        let reading = std::thread::spawn(move || {
            let mut all = Vec::new();
            follower.read_to_end(&mut all)
        });
        drop(writer);
        assert!(reading.join().unwrap().is_err());
    }

    #[test]
    fn a_waiting_follower_stops_when_cancelled() {
        let tmp = tempfile::TempDir::new().unwrap();
        let path = tmp.path().join("growing");
        let mark = Watermark::new();
        let _writer = PublishingWriter::new(File::create(&path).unwrap(), Arc::clone(&mark));
        let cancel = Cancel::new();
        let mut follower = FollowReader::open(&path, mark, cancel.clone()).unwrap();
        cancel.interrupt();
        let mut byte = [0u8; 1];
        let err = follower.read(&mut byte).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Interrupted);
    }
}
