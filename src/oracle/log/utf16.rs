//! Logs saved as UTF-16 (Windows PowerShell's `expdp ... > export.log` writes UTF-16LE with a
//! byte order mark; Notepad can save either order): read as the UTF-8 text they hold, so they
//! are not mistaken for binaries.

use std::io::{self, Read};

/// The byte order of a UTF-16 text, when `head` (its first bytes) says it is one: a byte order
/// mark, or ASCII with every other byte zero.
pub fn sniff(head: &[u8]) -> Option<Order> {
    match head {
        [0xFF, 0xFE, ..] => return Some(Order::Little),
        [0xFE, 0xFF, ..] => return Some(Order::Big),
        _ => {}
    }
    let pairs = head.len().min(256) / 2;
    if pairs < 4 {
        return None;
    }
    let zero_odd = (0..pairs)
        .filter(|i| head[2 * i + 1] == 0 && head[2 * i] != 0)
        .count();
    let zero_even = (0..pairs)
        .filter(|i| head[2 * i] == 0 && head[2 * i + 1] != 0)
        .count();
    if zero_odd * 10 >= pairs * 9 {
        Some(Order::Little)
    } else if zero_even * 10 >= pairs * 9 {
        Some(Order::Big)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Little,
    Big,
}

/// UTF-8 from a UTF-16 stream (a byte order mark is dropped; unpaired surrogates become U+FFFD).
pub struct Utf16Reader<R> {
    inner: R,
    order: Order,
    /// Bytes read but not yet decoded (an odd byte, a lone high surrogate).
    pending: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    started: bool,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, order: Order) -> Self {
        Self {
            inner,
            order,
            pending: Vec::new(),
            out: Vec::new(),
            at: 0,
            started: false,
            eof: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 64 * 1024];
        let n = loop {
            match self.inner.read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
        }
        self.pending.extend_from_slice(&buf[..n]);
        let units = self.pending.len() / 2;
        let mut words: Vec<u16> = (0..units)
            .map(|i| {
                let pair = [self.pending[2 * i], self.pending[2 * i + 1]];
                match self.order {
                    Order::Little => u16::from_le_bytes(pair),
                    Order::Big => u16::from_be_bytes(pair),
                }
            })
            .collect();
        // Keep a trailing high surrogate for the next read (its pair may follow).
        let keep_surrogate =
            !self.eof && words.last().is_some_and(|w| (0xD800..0xDC00).contains(w));
        if keep_surrogate {
            words.pop();
        }
        let consumed = words.len() * 2;
        self.pending.drain(..consumed);
        if !self.started {
            self.started = true;
            if words.first() == Some(&0xFEFF) {
                words.remove(0);
            }
        }
        self.out.clear();
        self.at = 0;
        for c in char::decode_utf16(words.iter().copied()) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut b = [0u8; 4];
            self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_byte_orders_with_and_without_a_mark() {
        let text = "Job \"A\".\"B\" successfully completed at 10:00:00\r\n作业";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(|w| w.to_le_bytes()))
            .collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|w| w.to_be_bytes()).collect();
        for bytes in [le, be] {
            let order = sniff(&bytes).expect("utf-16");
            let mut out = String::new();
            Utf16Reader::new(&bytes[..], order)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
        assert_eq!(sniff(b"Export: Release 19.0.0.0.0"), None);
        assert_eq!(sniff(b"\x00\x00\x00\x00\x01\x02\x03\x04\x00\x00"), None);
    }
}
