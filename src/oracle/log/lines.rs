//! From bytes to the text Data Pump wrote: line breaks, and the prefixes other tools put in front.
//!
//! A log reaches us as bytes in the database character set, maybe through a terminal (CRLF, a
//! bare CR where the terminal wrapped a long command), maybe pasted into a blog (every line
//! indented by a tab or four spaces), maybe driven by RMAN (`   EXPDP> ` on every line), with
//! LOGTIME stamps (`29-APR-25 11:47:06.191: `) and METRICS worker tags (`W-1 `). Everything here
//! works on byte slices and never allocates: it runs once per line of logs of hundreds of MB.

use super::Tool;
use std::io::{self, Read};

/// The longest line kept. A longer one is cut there and the rest of it skipped, so a file with
/// no line breaks at all costs bounded memory (real lines are far shorter: failing SQL is the
/// longest, and Data Pump itself cuts it).
pub const MAX_LINE: usize = 64 * 1024;

/// The size of the streaming buffer: large reads are what make a parser as fast as grep.
const BUFFER: usize = 256 * 1024;

/// Whether `b` ends a line. A bare CR counts: terminals write it where they wrap.
#[inline]
fn break_at(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2(b'\n', b'\r', bytes)
}

/// The lines of a log held in memory, split at `\n`, `\r\n` and bare `\r`.
pub struct SliceLines<'a> {
    rest: &'a [u8],
}

impl<'a> SliceLines<'a> {
    /// Lines of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }
}

impl<'a> Iterator for SliceLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match break_at(self.rest) {
            Some(i) => {
                let skip = if self.rest[i] == b'\r' && self.rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                (&self.rest[..i], &self.rest[i + skip..])
            }
            None => (self.rest, &self.rest[self.rest.len()..]),
        };
        self.rest = rest;
        Some(&line[..line.len().min(MAX_LINE)])
    }
}

/// The lines of a log read from a stream, with a fixed buffer: memory does not grow with the file.
pub struct ReadLines<R> {
    reader: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    /// The previous line ended with `\r`: a `\n` right after it belongs to the same break.
    skip_lf: bool,
    /// The previous line was cut at [`MAX_LINE`]: drop bytes up to the next break.
    discarding: bool,
}

impl<R: Read> ReadLines<R> {
    /// Lines of `reader`.
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            buf: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            skip_lf: false,
            discarding: false,
        }
    }

    /// Moves the unread bytes to the front and reads more after them.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next line, without its line break; `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        let range = loop {
            if self.start == self.end {
                if self.eof {
                    return Ok(None);
                }
                self.fill()?;
                continue;
            }
            if self.skip_lf {
                self.skip_lf = false;
                if self.buf[self.start] == b'\n' {
                    self.start += 1;
                    continue;
                }
            }
            let window = &self.buf[self.start..self.end];
            match break_at(window) {
                Some(i) => {
                    let begin = self.start;
                    self.skip_lf = window[i] == b'\r';
                    self.start += i + 1;
                    if self.discarding {
                        self.discarding = false;
                        continue;
                    }
                    break begin..begin + i.min(MAX_LINE);
                }
                None if self.discarding => {
                    self.start = self.end;
                }
                None if self.end - self.start >= MAX_LINE => {
                    let begin = self.start;
                    self.start = self.end;
                    self.discarding = true;
                    break begin..begin + MAX_LINE;
                }
                None if self.eof => {
                    let begin = self.start;
                    self.start = self.end;
                    break begin..self.end;
                }
                None => self.fill()?,
            }
        };
        Ok(Some(&self.buf[range]))
    }
}

/// One line with the prefixes of terminals, blogs, RMAN, LOGTIME and METRICS taken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// What Data Pump itself wrote, trimmed on both sides.
    pub text: &'a [u8],
    /// The tool named by an RMAN `EXPDP>` / `IMPDP>` prefix.
    pub rman: Option<Tool>,
}

#[inline]
fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

#[inline]
fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t' | b'\r' | 0] = s {
        s = rest;
    }
    s
}

/// Takes the decorations off one line.
#[inline]
pub fn decode(line: &[u8]) -> Decoded<'_> {
    let mut text = trim_start(trim_end(line));
    let mut rman = None;
    if text.len() >= 6 && text[5] == b'>' {
        if text.starts_with(b"EXPDP>") {
            rman = Some(Tool::Expdp);
        } else if text.starts_with(b"IMPDP>") {
            rman = Some(Tool::Impdp);
        }
        if rman.is_some() {
            text = trim_start(&text[6..]);
        }
    }
    if let Some(n) = logtime_len(text) {
        text = &text[n..];
    }
    if let Some(n) = worker_len(text) {
        text = trim_start(&text[n..]);
    }
    Decoded { text, rman }
}

#[inline]
fn digits(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

/// The length of a LOGTIME stamp `DD-MON-YY HH24:MI:SS.FF3: ` at the start of `s`. The month is
/// any run of non-blank bytes, because it follows the session's date language.
pub fn logtime_len(s: &[u8]) -> Option<usize> {
    // 23 bytes is a stamp alone on a line (its trailing blank trimmed): a stamped empty line.
    if s.len() < 23 || !s[0].is_ascii_digit() || s[2] != b'-' || !digits(&s[..2]) {
        return None;
    }
    let month_len = s[3..s.len().min(3 + 16)]
        .iter()
        .position(|&b| b == b'-' || b == b' ')?;
    let j = 3 + month_len;
    if month_len == 0 || s[j] != b'-' {
        return None;
    }
    // After the month: "YY HH:MI:SS.FFF: " is 17 bytes (16 at the end of a line).
    let t = s.get(j + 1..(j + 18).min(s.len()))?;
    if t.len() < 16 {
        return None;
    }
    let shape_ok = digits(&t[0..2])
        && t[2] == b' '
        && digits(&t[3..5])
        && t[5] == b':'
        && digits(&t[6..8])
        && t[8] == b':'
        && digits(&t[9..11])
        && t[11] == b'.'
        && digits(&t[12..15])
        && t[15] == b':'
        && (t.len() == 16 || t[16] == b' ');
    shape_ok.then_some(j + 1 + t.len())
}

/// The length of a METRICS worker tag `W-<n> ` at the start of `s`.
#[inline]
fn worker_len(s: &[u8]) -> Option<usize> {
    if s.len() < 4 || s[0] != b'W' || s[1] != b'-' {
        return None;
    }
    let n = s[2..].iter().take_while(|b| b.is_ascii_digit()).count();
    (n > 0 && s.get(2 + n) == Some(&b' ')).then_some(2 + n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(bytes: &[u8]) -> Vec<Vec<u8>> {
        SliceLines::new(bytes).map(<[u8]>::to_vec).collect()
    }

    fn stream(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = ReadLines::new(bytes);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push(line.to_vec());
        }
        out
    }

    #[test]
    fn splits_lf_crlf_and_bare_cr_alike() {
        let text = b"a\r\nb\rc\nd\r\n\r\ne";
        let want: Vec<Vec<u8>> = [&b"a"[..], b"b", b"c", b"d", b"", b"e"]
            .iter()
            .map(|s| s.to_vec())
            .collect();
        assert_eq!(split(text), want);
        assert_eq!(stream(text), want);
    }

    /// A reader that hands out one byte at a time, so every CR/LF lands on a buffer edge.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((b, rest)) if !buf.is_empty() => {
                    buf[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn crlf_split_across_reads_is_one_break() {
        let text = b"one\r\ntwo\r\rthree\n";
        let mut lines = ReadLines::new(Trickle(text));
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push(String::from_utf8(line.to_vec()).unwrap());
        }
        assert_eq!(out, ["one", "two", "", "three"]);
    }

    #[test]
    fn an_endless_line_is_cut_not_held() {
        let mut text = vec![b'x'; MAX_LINE * 5];
        text.extend_from_slice(b"\nnext\n");
        let lines = stream(&text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), MAX_LINE);
        assert_eq!(lines[1], b"next");
    }

    #[test]
    fn takes_off_every_decoration() {
        let d = decode(b"   EXPDP> Starting \"SYS\".\"J\":  ");
        assert_eq!(d.text, b"Starting \"SYS\".\"J\":");
        assert_eq!(d.rman, Some(Tool::Expdp));
        let d = decode(b"    29-APR-25 11:47:06.191: W-1      Completed 3 TABLE objects");
        assert_eq!(d.text, b"Completed 3 TABLE objects");
        let d = decode(b"\tORA-31684: Object type USER:\"X\" already exists\r");
        assert_eq!(d.text, b"ORA-31684: Object type USER:\"X\" already exists");
    }

    #[test]
    fn leaves_look_alikes_alone() {
        assert_eq!(logtime_len(b"29-APR-25 11:47:06: not a stamp"), None);
        // A stamped empty line, its trailing blank trimmed.
        assert_eq!(logtime_len(b"24-NOV-26 01:37:36.112:"), Some(23));
        assert_eq!(decode(b"24-NOV-26 01:37:36.112: ").text, b"");
        assert_eq!(decode(b"W-1").text, b"W-1");
        assert_eq!(decode(b"Wow-1 x").text, b"Wow-1 x");
        assert_eq!(
            logtime_len("12-四月-25 08:00:01.123: x".as_bytes()),
            Some(27)
        );
    }
}
