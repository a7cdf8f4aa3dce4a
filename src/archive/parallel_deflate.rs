//! Deflate on every core, the way pigz does it, producing one ordinary raw deflate stream.
//!
//! The input is cut into 128 KiB blocks (512 KiB at level 1). Each block is compressed on its own by a worker, primed
//! with the previous 32 KiB of input as the dictionary (so matches reach back across the cut and
//! the ratio stays that of a single-threaded deflate), and ended with a sync flush (an empty
//! stored block that leaves the output byte-aligned). Byte-aligned pieces can simply be
//! concatenated; only the last block is finished (BFINAL set). The CRC-32 of each block is
//! computed by its worker and combined in order, and the SHA-256 of the input is computed by the
//! reader while it reads, so the input is read exactly once.
//!
//! Threads: one reader (I/O and SHA-256), `workers` compressors, and the caller's thread, which
//! writes the pieces in order. Memory is bounded: at most `4 × workers + 4` blocks are in flight
//! between the reader and the writer, each about twice the block size (dictionary and input,
//! then output): under 3 MiB at the default level, 12 MiB at level 1 on two cores.
//!
//! A block that deflate cannot shrink (already-compressed LOB data) is written as stored blocks
//! instead, so an incompressible input grows by 5 bytes per 64 KiB at most.

use super::checksum::Sha256Sum;
use super::stream::{read_full, StreamError, StreamSummary};
use crate::cancel::Cancel;
use flate2::{Compress, Compression, FlushCompress, Status};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

/// Uncompressed bytes per block (pigz's default).
pub const BLOCK_SIZE: usize = 128 * 1024;
/// Uncompressed bytes per block at level 1, where priming each block with its dictionary costs
/// about as much per byte as compressing it: four times fewer blocks, four times less priming.
pub const FAST_BLOCK_SIZE: usize = 4 * BLOCK_SIZE;

/// The block size for `level`.
fn block_size(level: u32) -> usize {
    if level <= 1 {
        FAST_BLOCK_SIZE
    } else {
        BLOCK_SIZE
    }
}
/// The dictionary: deflate's whole window.
pub const DICT_SIZE: usize = 32 * 1024;
/// The largest stored block deflate allows.
const STORED_MAX: usize = 65_535;

/// One block for a worker: `buf` holds the dictionary (`dict_len` bytes) then the block.
struct Job {
    index: u64,
    buf: Vec<u8>,
    dict_len: usize,
    last: bool,
}

/// One compressed block back from a worker.
struct Done {
    index: u64,
    deflated: Result<Vec<u8>, String>,
    crc: crc32fast::Hasher,
    len: u64,
    last: bool,
}

/// Compresses everything `input` yields into one raw deflate stream on `output`.
///
/// `level` is 1 (fastest) to 9 (smallest); `workers` is the number of compressing threads.
/// `on_progress` is called on the caller's thread with the uncompressed bytes written so far.
/// Stops at the next block when `cancel` is raised.
pub fn deflate_stream<R, W>(
    input: R,
    output: &mut W,
    level: u32,
    workers: usize,
    cancel: &Cancel,
    on_progress: &mut dyn FnMut(u64),
) -> Result<StreamSummary, StreamError>
where
    R: Read + Send,
    W: Write + ?Sized,
{
    let workers = workers.max(1);
    let in_flight = 4 * workers + 4;
    let (job_tx, job_rx) = sync_channel::<Job>(2 * workers);
    // Shared by the workers only: when the last worker stops, the receiver is dropped and a
    // reader blocked on a full queue wakes up with an error instead of waiting forever.
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = channel::<Done>();
    // A counting semaphore: the reader sends a permit per block, the writer takes one back per
    // block written, so no more than `in_flight` blocks ever exist at once.
    let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
    std::thread::scope(|scope| {
        let reader =
            scope.spawn(move || read_blocks(input, block_size(level), job_tx, permit_tx, cancel));
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = Arc::clone(&job_rx);
            scope.spawn(move || compress_blocks(&job_rx, done_tx, level));
        }
        drop(done_tx);
        drop(job_rx);

        let written = write_in_order(done_rx, permit_rx, output, on_progress);
        // `done_rx` and `permit_rx` are gone now: a reader or worker still running sees its
        // channel closed and stops, so the join below cannot hang.
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(StreamError::Compressor("the reader thread panicked".into())));
        match (read, written) {
            // The writer's own failure is the cause; the reader then only saw its channel close.
            (_, Err(e @ (StreamError::Write(_) | StreamError::Compressor(_)))) => Err(e),
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e),
            (Ok((bytes_in, sha256)), Ok((bytes_out, crc, written_in))) => {
                if written_in != bytes_in {
                    return Err(StreamError::Compressor(format!(
                        "read {bytes_in} bytes but wrote {written_in}"
                    )));
                }
                Ok(StreamSummary {
                    bytes_in,
                    bytes_out,
                    crc32: crc,
                    sha256,
                })
            }
        }
    })
}

/// The reader: cuts the input into jobs, hashing as it goes. Returns bytes read and SHA-256.
///
/// Each block is read straight into its job's buffer, behind a copy of the previous block's
/// last 32 KiB (the dictionary), so the input is copied once (by the kernel) and the only other
/// copy is the dictionary.
fn read_blocks<R: Read>(
    mut input: R,
    block_size: usize,
    jobs: SyncSender<Job>,
    permits: SyncSender<()>,
    cancel: &Cancel,
) -> Result<(u64, String), StreamError> {
    let mut sha = Sha256Sum::new();
    let mut total = 0u64;
    let mut index = 0u64;
    // Read one block ahead so the block that ends the input can be marked `last`.
    let mut current = read_job_buffer(&mut input, &[], block_size)?;
    loop {
        if cancel.is_cancelled() {
            return Err(StreamError::Cancelled);
        }
        let (buf, dict_len) = current;
        let block = &buf[dict_len..];
        let next = if block.len() == block_size {
            Some(read_job_buffer(
                &mut input,
                &block[block_size.saturating_sub(DICT_SIZE)..],
                block_size,
            )?)
        } else {
            None
        };
        let next = next.filter(|(next_buf, next_dict)| next_buf.len() > *next_dict);
        let last = next.is_none();
        sha.update(block);
        total += block.len() as u64;

        let job = Job {
            index,
            dict_len,
            buf,
            last,
        };
        // Either send fails only when the writer gave up (write error); it reports why.
        if permits.send(()).is_err() || jobs.send(job).is_err() {
            return Err(StreamError::Cancelled);
        }
        match next {
            Some(next) => current = next,
            None => return Ok((total, sha.finish_hex())),
        }
        index += 1;
    }
}

/// A job buffer: `dict`, then up to `block_size` bytes read from `input`. Returns it with
/// `dict.len()`.
fn read_job_buffer<R: Read>(
    input: &mut R,
    dict: &[u8],
    block_size: usize,
) -> Result<(Vec<u8>, usize), StreamError> {
    let mut buf = Vec::with_capacity(dict.len() + block_size);
    buf.extend_from_slice(dict);
    buf.resize(dict.len() + block_size, 0);
    let len = read_full(input, &mut buf[dict.len()..]).map_err(StreamError::Read)?;
    buf.truncate(dict.len() + len);
    Ok((buf, dict.len()))
}

/// A worker: takes jobs until the reader is done, compressing each.
fn compress_blocks(jobs: &Mutex<Receiver<Job>>, done: Sender<Done>, level: u32) {
    let mut compressor = Compress::new(Compression::new(level), false);
    loop {
        // Hold the lock only to take one job.
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let (dict, block) = job.buf.split_at(job.dict_len);
        let mut crc = crc32fast::Hasher::new();
        crc.update(block);
        let deflated = deflate_block(&mut compressor, dict, block, job.last);
        let result = Done {
            index: job.index,
            deflated,
            crc,
            len: block.len() as u64,
            last: job.last,
        };
        if done.send(result).is_err() {
            return;
        }
    }
}

/// The writer: puts blocks back in order, writes them, combines the CRC.
/// Returns (compressed bytes written, CRC-32, uncompressed bytes covered).
fn write_in_order<W: Write + ?Sized>(
    done: Receiver<Done>,
    permits: Receiver<()>,
    output: &mut W,
    on_progress: &mut dyn FnMut(u64),
) -> Result<(u64, u32, u64), StreamError> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let mut crc = crc32fast::Hasher::new();
    let mut bytes_out = 0u64;
    let mut bytes_in = 0u64;
    // `recv` fails when every worker has stopped: the reader stopped early (its error wins).
    while let Ok(block) = done.recv() {
        pending.insert(block.index, block);
        while let Some(block) = pending.remove(&next) {
            let deflated = block.deflated.map_err(StreamError::Compressor)?;
            output.write_all(&deflated).map_err(StreamError::Write)?;
            crc.combine(&block.crc);
            bytes_out += deflated.len() as u64;
            bytes_in += block.len;
            let _ = permits.recv();
            on_progress(bytes_in);
            if block.last {
                return Ok((bytes_out, crc.finalize(), bytes_in));
            }
            next += 1;
        }
    }
    Err(StreamError::Cancelled)
}

/// Deflates one block, primed with `dict`, sync-flushed (or finished when `last`). Falls back to
/// stored blocks when deflate does not shrink the block.
fn deflate_block(
    compressor: &mut Compress,
    dict: &[u8],
    block: &[u8],
    last: bool,
) -> Result<Vec<u8>, String> {
    if looks_incompressible(block) {
        return Ok(stored(block, last));
    }
    compressor.reset();
    if !dict.is_empty() {
        compressor
            .set_dictionary(dict)
            .map_err(|e| format!("setting the dictionary: {e}"))?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(block.len() + block.len() / 16 + 64);
    let start_in = compressor.total_in();
    loop {
        let consumed = (compressor.total_in() - start_in) as usize;
        if out.len() == out.capacity() {
            out.reserve(out.capacity() / 2 + 64);
        }
        let status = compressor
            .compress_vec(&block[consumed..], &mut out, flush)
            .map_err(|e| e.to_string())?;
        let consumed = (compressor.total_in() - start_in) as usize;
        let done = match (last, status) {
            (true, Status::StreamEnd) => true,
            // A sync flush is complete once all input is taken and the output did not fill up.
            (false, _) => consumed == block.len() && out.len() < out.capacity(),
            _ => false,
        };
        if done {
            break;
        }
    }
    if out.len() > stored_len(block.len()) {
        return Ok(stored(block, last));
    }
    Ok(out)
}

/// Bits per byte above which a block is taken for already-compressed data (LOBs holding PDF,
/// JPEG or ZIP content). Random bytes measure about 7.994 over the 32 KiB sampled; deflate
/// cannot shrink them, and trying costs more time than everything else put together.
const INCOMPRESSIBLE_BITS_PER_BYTE: f64 = 7.99;

/// True when the block's byte distribution is so flat that deflate would only waste time.
/// Measured on four 8 KiB samples spread over the block (a quarter of it: the full histogram
/// cost 6% of the run time). Blocks too small to measure are always deflated.
fn looks_incompressible(block: &[u8]) -> bool {
    const SAMPLE: usize = 8 * 1024;
    if block.len() < 4 * SAMPLE {
        return false;
    }
    // Four tables filled in turn: runs of one byte value (frequent in dumps) would otherwise
    // make every increment wait for the previous one to the same counter.
    let mut tables = [[0u32; 256]; 4];
    let stride = block.len() / 4;
    for start in [0, stride, 2 * stride, 3 * stride] {
        for quad in block[start..start + SAMPLE].chunks_exact(4) {
            for (table, &byte) in tables.iter_mut().zip(quad) {
                table[usize::from(byte)] += 1;
            }
        }
    }
    let len = (4 * SAMPLE) as f64;
    let entropy: f64 = (0..256)
        .map(|byte| tables.iter().map(|t| t[byte]).sum::<u32>())
        .filter(|&c| c > 0)
        .map(|c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum();
    entropy >= INCOMPRESSIBLE_BITS_PER_BYTE
}

/// The size of `len` bytes as stored blocks.
fn stored_len(len: usize) -> usize {
    len + 5 * len.div_ceil(STORED_MAX).max(1)
}

/// `block` as stored (uncompressed) deflate blocks; the last one final when `last`.
fn stored(block: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(stored_len(block.len()));
    let mut chunks = block.chunks(STORED_MAX).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[u8::from(last), 0, 0, 0xff, 0xff]);
        return out;
    }
    while let Some(chunk) = chunks.next() {
        let is_final = last && chunks.peek().is_none();
        // Header bits: BFINAL, then BTYPE 00 (stored); the rest of the byte is padding.
        out.push(u8::from(is_final));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::DeflateDecoder;

    /// Text-like data with long-range repeats across block boundaries.
    fn dump_like(len: usize, seed: u64) -> Vec<u8> {
        let words = [
            &b"BIZAGI "[..],
            b"WFCASE ",
            b"0x3c ",
            b"ROWSET ",
            b"\x00\x00\x01",
        ];
        let mut state = seed;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.extend_from_slice(words[(state >> 33) as usize % words.len()]);
            out.push((state >> 40) as u8);
        }
        out.truncate(len);
        out
    }

    fn random(len: usize, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    fn round_trip(data: &[u8], level: u32, workers: usize) -> (StreamSummary, Vec<u8>) {
        let mut out = Vec::new();
        let summary =
            deflate_stream(data, &mut out, level, workers, &Cancel::new(), &mut |_| {}).unwrap();
        let mut back = Vec::new();
        DeflateDecoder::new(&out[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(summary.bytes_out, out.len() as u64);
        (summary, back)
    }

    #[test]
    fn concatenated_blocks_inflate_to_the_input_at_every_level() {
        let data = dump_like(3 * BLOCK_SIZE + 12_345, 7);
        for level in 1..=9 {
            let (summary, back) = round_trip(&data, level, 2);
            assert!(back == data, "level {level} did not round-trip");
            assert_eq!(summary.crc32, crc32fast::hash(&data));
            assert_eq!(summary.bytes_in, data.len() as u64);
        }
    }

    #[test]
    fn level_1_cuts_bigger_blocks_and_still_round_trips_at_their_edges() {
        assert!(block_size(1) > block_size(6));
        for len in [
            FAST_BLOCK_SIZE,
            FAST_BLOCK_SIZE + 1,
            3 * FAST_BLOCK_SIZE - 7,
        ] {
            let data = dump_like(len, len as u64);
            let (summary, back) = round_trip(&data, 1, 2);
            assert!(back == data, "length {len} did not round-trip at level 1");
            assert_eq!(summary.crc32, crc32fast::hash(&data));
            assert_eq!(summary.bytes_in, len as u64);
        }
    }

    #[test]
    fn sizes_at_block_edges_round_trip() {
        for len in [
            0,
            1,
            BLOCK_SIZE - 1,
            BLOCK_SIZE,
            BLOCK_SIZE + 1,
            2 * BLOCK_SIZE,
        ] {
            let data = dump_like(len, len as u64);
            let (summary, back) = round_trip(&data, 6, 3);
            assert!(back == data, "length {len} did not round-trip");
            assert_eq!(summary.crc32, crc32fast::hash(&data));
        }
    }

    #[test]
    fn dictionary_keeps_the_ratio_of_a_single_stream() {
        let data = dump_like(8 * BLOCK_SIZE, 3);
        let (parallel, _) = round_trip(&data, 6, 2);
        let mut single = flate2::write::DeflateEncoder::new(Vec::new(), Compression::new(6));
        single.write_all(&data).unwrap();
        let single = single.finish().unwrap().len() as f64;
        let ratio = parallel.bytes_out as f64 / single;
        assert!(
            ratio < 1.01,
            "parallel output is {ratio:.4} of single-stream"
        );
    }

    #[test]
    fn incompressible_input_grows_by_at_most_stored_block_headers() {
        let data = random(5 * BLOCK_SIZE + 999, 11);
        let (summary, back) = round_trip(&data, 6, 2);
        assert!(back == data);
        let limit = stored_len(data.len()) as u64 + 6 * 5;
        assert!(
            summary.bytes_out <= limit,
            "{} bytes out for {} in",
            summary.bytes_out,
            data.len()
        );
    }

    #[test]
    fn random_blocks_are_stored_and_text_is_deflated() {
        assert!(looks_incompressible(&random(BLOCK_SIZE, 5)));
        assert!(!looks_incompressible(&dump_like(BLOCK_SIZE, 5)));
        // A mix: random bytes followed by text still deflates (and still round-trips).
        let mut mixed = random(BLOCK_SIZE / 2, 9);
        mixed.extend(dump_like(BLOCK_SIZE / 2, 9));
        assert!(!looks_incompressible(&mixed));
        let (summary, back) = round_trip(&mixed, 6, 2);
        assert!(back == mixed);
        assert!(summary.bytes_out < mixed.len() as u64 * 3 / 4);
    }

    #[test]
    fn sha256_is_that_of_the_input() {
        let data = dump_like(BLOCK_SIZE + 5, 1);
        let (summary, _) = round_trip(&data, 6, 2);
        let mut sum = Sha256Sum::new();
        sum.update(&data);
        assert_eq!(summary.sha256, sum.finish_hex());
    }

    #[test]
    fn a_raised_cancel_flag_stops_the_stream() {
        let data = dump_like(4 * BLOCK_SIZE, 2);
        let cancel = Cancel::new();
        cancel.interrupt();
        let mut out = Vec::new();
        let result = deflate_stream(&data[..], &mut out, 6, 2, &cancel, &mut |_| {});
        assert!(matches!(result, Err(StreamError::Cancelled)));
    }

    #[test]
    fn a_failing_output_reports_the_write_error() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let data = dump_like(40 * BLOCK_SIZE, 2);
        let result = deflate_stream(&data[..], &mut Full, 6, 2, &Cancel::new(), &mut |_| {});
        match result {
            Err(StreamError::Write(e)) => assert_eq!(e.kind(), std::io::ErrorKind::StorageFull),
            other => panic!("expected a write error, got {other:?}"),
        }
    }

    #[test]
    fn a_failing_input_reports_the_read_error() {
        struct Broken(usize);
        impl Read for Broken {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("bad sector"));
                }
                let n = buf.len().min(self.0);
                buf[..n].fill(b'x');
                self.0 -= n;
                Ok(n)
            }
        }
        let mut out = Vec::new();
        let result = deflate_stream(
            Broken(3 * BLOCK_SIZE + 7),
            &mut out,
            6,
            2,
            &Cancel::new(),
            &mut |_| {},
        );
        match result {
            Err(StreamError::Read(e)) => assert!(e.to_string().contains("bad sector")),
            other => panic!("expected a read error, got {other:?}"),
        }
    }
}
