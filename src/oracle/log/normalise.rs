//! Undoing what people do to a log when they paste it: before the grammar reads a line, the
//! decorations of mail, scripts, blogs, web pages and word processors are taken off, and the
//! report says which were found (a DBA must know the text was not read as Oracle wrote it).
//!
//! Every pass is per line and allocation-free on a clean line (the fast check looks for the few
//! bytes each pass needs: a prefix character, `&`, `<`, `` ` ``, `**`, or a non-ASCII byte), so a
//! server-side log of hundreds of MB costs a couple of `memchr` calls a line. The one pass that
//! needs two lines (console transcripts hard-wrapped at 80 columns) lives in the parser.

use serde::Serialize;

/// One kind of normalisation, as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    /// `-- `, `#`, `> `, `REM `, `SQL> ` (and blanks) in front of the lines.
    LinePrefix,
    /// Markdown code fences (```` ``` ````, `~~~`) around the log.
    CodeFence,
    /// Markdown emphasis (`**`) and inline code marks (`` ` ``), even inside words.
    Markdown,
    /// HTML character references (`&quot;`, `&#34;`, `&gt;`).
    HtmlEscape,
    /// HTML tags (`<span ...>`, `<b>`).
    HtmlTag,
    /// Typographic quotes, dashes, ellipses and non-breaking spaces.
    Typographic,
    /// Full-width punctuation and letters (`：`, `（`, `＂`).
    FullWidth,
    /// `ORA-39123 : text` written with a blank before the colon.
    SpacedColon,
    /// Lines of a console transcript hard-wrapped at 80 columns, joined again.
    Wrapped,
    /// Lines where the author left text out (`...`, `(etc)`, `(output truncated)`).
    Elision,
}

impl Fix {
    /// What the report says about it.
    pub fn describe(&self) -> &'static str {
        match self {
            Fix::LinePrefix => "line prefixes (`-- `, `#`, `> `, `REM `, `SQL> `) taken off",
            Fix::CodeFence => "markdown code fences dropped",
            Fix::Markdown => "markdown emphasis and code marks taken out",
            Fix::HtmlEscape => "HTML character references decoded",
            Fix::HtmlTag => "HTML tags taken out",
            Fix::Typographic => "typographic quotes, dashes and ellipses made plain",
            Fix::FullWidth => "full-width punctuation made plain",
            Fix::SpacedColon => "blank before a message code's colon taken out",
            Fix::Wrapped => "console lines wrapped at 80 columns joined",
            Fix::Elision => "lines where the author left text out skipped",
        }
    }
}

/// The normalisations seen so far, as a small bit set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied(u16);

impl Applied {
    pub fn add(&mut self, fix: Fix) {
        self.0 |= 1 << (fix as u16);
    }

    pub fn has(&self, fix: Fix) -> bool {
        self.0 & (1 << (fix as u16)) != 0
    }

    /// The fixes applied, in a stable order.
    pub fn list(&self) -> Vec<Fix> {
        ALL.iter().copied().filter(|f| self.has(*f)).collect()
    }
}

const ALL: [Fix; 10] = [
    Fix::LinePrefix,
    Fix::CodeFence,
    Fix::Markdown,
    Fix::HtmlEscape,
    Fix::HtmlTag,
    Fix::Typographic,
    Fix::FullWidth,
    Fix::SpacedColon,
    Fix::Wrapped,
    Fix::Elision,
];

/// What a line is after normalisation.
#[derive(Debug, PartialEq, Eq)]
pub enum Normal<'a> {
    /// The text to classify.
    Text(&'a [u8]),
    /// A markup line (a code fence) or an author's elision: it says nothing about the job.
    Skip,
}

/// Per-line normalisation with a reusable buffer.
#[derive(Default)]
pub struct Normaliser {
    pub applied: Applied,
    a: Vec<u8>,
    b: Vec<u8>,
}

#[inline]
fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

/// Whether every byte is ASCII, eight bytes at a time including the last ones. (The standard
/// library's check takes the bytes after its last 64-byte block one at a time, and a log line is
/// usually shorter than two blocks: this check runs on every line, so it sets the parser's speed.)
#[inline]
pub fn is_ascii(s: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = s.chunks_exact(8);
    let mut acc = 0u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        acc |= u64::from_ne_bytes(word);
    }
    let rest = chunks.remainder();
    let mut word = [0u8; 8];
    word[..rest.len()].copy_from_slice(rest);
    (acc | u64::from_ne_bytes(word)) & HIGH == 0
}

#[inline]
fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t' | b'\r'] = s {
        s = rest;
    }
    s
}

/// Whether `s` starts with `prefix`, ASCII case-insensitively.
#[inline]
fn starts_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The length of one paste prefix at the start of `s` (no blanks before it), if there is one.
fn one_prefix(s: &[u8]) -> Option<usize> {
    if s.starts_with(b"--") && !s.starts_with(b"---") {
        // `-- ` from a SQL script; `-----` (a trace banner) is the log's own.
        Some(2)
    } else if let [b'#' | b'>', ..] = s {
        Some(1)
    } else if starts_ci(s, b"REM ") || s.eq_ignore_ascii_case(b"REM") {
        Some(3)
    } else if s.starts_with(b"SQL> ") || s == b"SQL>" {
        Some(4)
    } else {
        None
    }
}

/// The length of the paste prefixes at the start of `line`: blanks, prefixes, and the one blank
/// that separates each prefix from the text. Further blanks are the text's own (a wrapped
/// console line may start with one), so they stay. 0 when the line has no prefix.
fn prefix_len(line: &[u8]) -> usize {
    let mut s = line;
    let mut end = 0;
    loop {
        let t = trim_start(s);
        let Some(n) = one_prefix(t) else {
            break;
        };
        s = &t[n..];
        if let [b' ' | b'\t', rest @ ..] = s {
            s = rest;
        }
        end = line.len() - s.len();
    }
    end
}

/// A line that only says "something was left out here".
fn is_elision(t: &[u8]) -> bool {
    // Cheap first: this runs on every line.
    if t.is_empty()
        || t.len() > 50
        || !matches!(
            t[0],
            b'.' | b'~'
                | b'('
                | b'['
                | b'<'
                | b'e'
                | b'E'
                | b's'
                | b'S'
                | b'o'
                | b'O'
                | b'c'
                | b't'
        )
    {
        return false;
    }
    // `...`, `. ..`, `. . .`, `~~`, `…` (after typographic fixes, `...`).
    let dots = t.iter().all(|b| matches!(b, b'.' | b' ' | b'~'));
    if dots && t.iter().filter(|b| **b != b' ').count() >= 2 {
        return true;
    }
    let inner = match (t.first(), t.last()) {
        (Some(b'('), Some(b')')) | (Some(b'['), Some(b']')) | (Some(b'<'), Some(b'>')) => {
            &t[1..t.len() - 1]
        }
        _ => t,
    };
    let inner = trim_end(trim_start(inner));
    let lower = inner.to_ascii_lowercase();
    matches!(
        lower.as_slice(),
        b"etc" | b"etc." | b"..." | b"snip" | b"snipped" | b"cut" | b"truncated"
    ) || (lower.len() < 48
        && (lower.starts_with(b"output truncated")
            || lower.starts_with(b"output omitted")
            || lower.starts_with(b"lines omitted")
            || lower.starts_with(b"... output")
            || lower.ends_with(b"lines omitted")
            || lower.ends_with(b"lines removed")))
}

/// Whether the line has a run of exactly two `*` (markdown bold), not part of a mask `********`.
fn has_emphasis(s: &[u8]) -> bool {
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'*', &s[i..]) {
        let start = i + j;
        let run = s[start..].iter().take_while(|b| **b == b'*').count();
        if run == 2 {
            return true;
        }
        i = start + run;
    }
    false
}

/// A UTF-8 character at the start of `s`: its code point and length, or `None` for a byte that
/// starts no valid character (logs come in single-byte character sets too).
fn utf8_char(s: &[u8]) -> Option<(u32, usize)> {
    let width = match s.first()? {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(s.get(..width)?).ok()?.chars().next()?;
    Some((c as u32, width))
}

/// The ASCII a typographic or full-width character stands for.
fn plain(c: u32) -> Option<(&'static str, Fix)> {
    let fix = Fix::Typographic;
    Some(match c {
        0x201C | 0x201D | 0x201E | 0x201F | 0x2033 | 0x00AB | 0x00BB | 0x301D | 0x301E => {
            ("\"", fix)
        }
        0x2018 | 0x2019 | 0x201A | 0x201B | 0x2032 => ("'", fix),
        0x2010..=0x2015 | 0x2212 => ("-", fix),
        0x2026 => ("...", fix),
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F => (" ", fix),
        0x200B | 0xFEFF => ("", fix),
        0x3000 => (" ", Fix::FullWidth),
        _ => return None,
    })
}

impl Normaliser {
    /// Normalises one raw line (without its line break).
    pub fn line<'a>(&'a mut self, raw: &'a [u8]) -> Normal<'a> {
        let lead = raw.len() - trim_start(raw).len();
        let p = match raw.get(lead) {
            Some(b'-' | b'#' | b'>' | b'R' | b'r' | b'S') => prefix_len(raw),
            _ => 0,
        };
        if p > 0 {
            self.applied.add(Fix::LinePrefix);
        }
        let text = &raw[p..];
        let t = trim_end(text);
        if t.starts_with(b"```") || t.starts_with(b"~~~") {
            self.applied.add(Fix::CodeFence);
            return Normal::Skip;
        }
        let ascii = is_ascii(text);
        let marks = memchr::memchr3(b'&', b'<', b'`', text).is_some() || has_emphasis(text);
        if ascii && !marks {
            if is_elision(t) {
                self.applied.add(Fix::Elision);
                return Normal::Skip;
            }
            if spaced_code(text).is_none() {
                return Normal::Text(text);
            }
            self.a.clear();
            self.a.extend_from_slice(text);
            let Normaliser { applied, a, .. } = self;
            return spaced_colon(applied, a);
        }
        // The slow path: rebuild the line in `a`.
        self.a.clear();
        self.a.extend_from_slice(text);
        if !ascii {
            self.unicode();
        }
        if memchr::memchr(b'<', &self.a).is_some() {
            self.tags();
        }
        // Text escaped twice (`&amp;quot;`) is decoded twice; tags that were escaped show up
        // once decoded, and go too.
        for _ in 0..3 {
            if memchr::memchr(b'&', &self.a).is_none() || !self.entities() {
                break;
            }
            if memchr::memchr(b'<', &self.a).is_some() {
                self.tags();
            }
        }
        if memchr::memchr(b'`', &self.a).is_some() || has_emphasis(&self.a) {
            self.markdown();
        }
        // Markup can hide a prefix (`<p>-- Starting ...`) or leave an elision.
        let p = prefix_len(&self.a);
        if p > 0 {
            self.applied.add(Fix::LinePrefix);
            self.a.drain(..p);
        }
        let t = trim_end(trim_start(&self.a));
        if t.starts_with(b"```") || t.starts_with(b"~~~") {
            self.applied.add(Fix::CodeFence);
            return Normal::Skip;
        }
        if is_elision(t) {
            self.applied.add(Fix::Elision);
            return Normal::Skip;
        }
        let Normaliser { applied, a, .. } = self;
        spaced_colon(applied, a)
    }

    /// Typographic and full-width characters to ASCII.
    fn unicode(&mut self) {
        self.b.clear();
        let s = &self.a;
        let mut i = 0;
        while i < s.len() {
            let byte = s[i];
            if byte < 0x80 {
                self.b.push(byte);
                i += 1;
                continue;
            }
            match utf8_char(&s[i..]) {
                Some((c, width)) => {
                    if let Some((ascii, fix)) = plain(c) {
                        self.applied.add(fix);
                        self.b.extend_from_slice(ascii.as_bytes());
                    } else if (0xFF01..=0xFF5E).contains(&c) {
                        // Full-width forms are ASCII shifted by 0xFEE0.
                        self.applied.add(Fix::FullWidth);
                        self.b.push((c - 0xFEE0) as u8);
                    } else {
                        self.b.extend_from_slice(&s[i..i + width]);
                    }
                    i += width;
                }
                None => {
                    self.b.push(byte);
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut self.a, &mut self.b);
    }

    /// `<tag ...>` and `</tag>` out; anything else with `<` stays (SQL compares with `<`).
    fn tags(&mut self) {
        self.b.clear();
        let s = &self.a;
        let mut i = 0;
        let mut removed = false;
        while i < s.len() {
            if s[i] == b'<' {
                let rest = &s[i + 1..];
                let name = rest.strip_prefix(b"/").unwrap_or(rest);
                if name.first().is_some_and(u8::is_ascii_alphabetic) {
                    if let Some(end) = memchr::memchr(b'>', rest) {
                        let inside = &rest[..end];
                        let word = inside
                            .iter()
                            .skip(usize::from(inside.first() == Some(&b'/')))
                            .take_while(|b| b.is_ascii_alphanumeric())
                            .count();
                        let after = inside.get(word + usize::from(inside.first() == Some(&b'/')));
                        if matches!(after, None | Some(b' ' | b'/' | b'\t'))
                            && memchr::memchr(b'<', inside).is_none()
                        {
                            i += end + 2;
                            removed = true;
                            continue;
                        }
                    }
                }
            }
            self.b.push(s[i]);
            i += 1;
        }
        if removed {
            self.applied.add(Fix::HtmlTag);
            std::mem::swap(&mut self.a, &mut self.b);
        }
    }

    /// `&quot;`, `&#34;`, `&#x22;`, `&gt;`... decoded; whether any was.
    fn entities(&mut self) -> bool {
        self.b.clear();
        let s = &self.a;
        let mut i = 0;
        let mut decoded = false;
        while i < s.len() {
            if s[i] == b'&' {
                if let Some(end) = s[i + 1..].iter().take(10).position(|b| *b == b';') {
                    let name = &s[i + 1..i + 1 + end];
                    let c = match name {
                        b"quot" => Some('"'),
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"apos" => Some('\''),
                        b"nbsp" => Some(' '),
                        [b'#', b'x' | b'X', hex @ ..] => std::str::from_utf8(hex)
                            .ok()
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .and_then(char::from_u32),
                        [b'#', dec @ ..] => std::str::from_utf8(dec)
                            .ok()
                            .and_then(|d| d.parse::<u32>().ok())
                            .and_then(char::from_u32),
                        _ => None,
                    };
                    if let Some(c) = c {
                        let c = if c == '\u{a0}' { ' ' } else { c };
                        let mut buf = [0u8; 4];
                        self.b.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += end + 2;
                        decoded = true;
                        continue;
                    }
                }
            }
            self.b.push(s[i]);
            i += 1;
        }
        if decoded {
            self.applied.add(Fix::HtmlEscape);
            std::mem::swap(&mut self.a, &mut self.b);
            // `&#8220;` decodes to a typographic quote.
            if !is_ascii(&self.a) {
                self.unicode();
            }
        }
        decoded
    }

    /// `**` runs of exactly two and backticks out.
    fn markdown(&mut self) {
        self.b.clear();
        let s = &self.a;
        let mut i = 0;
        let mut removed = false;
        while i < s.len() {
            match s[i] {
                b'`' => {
                    removed = true;
                    i += 1;
                }
                b'*' => {
                    let run = s[i..].iter().take_while(|b| **b == b'*').count();
                    if run == 2 {
                        removed = true;
                    } else {
                        self.b.extend_from_slice(&s[i..i + run]);
                    }
                    i += run;
                }
                b => {
                    self.b.push(b);
                    i += 1;
                }
            }
        }
        if removed {
            self.applied.add(Fix::Markdown);
            std::mem::swap(&mut self.a, &mut self.b);
        }
    }
}

/// Where the blank before the colon of `CODE : text` starts, when the line has one.
fn spaced_code(t: &[u8]) -> Option<usize> {
    let t = trim_start(t);
    let head = t.get(..9)?;
    if head[3] != b'-' || !head[..3].iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    if !head[4..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rest = &t[9..];
    let blanks = rest
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    (blanks > 0 && rest.get(blanks) == Some(&b':')).then_some(9)
}

/// `CODE : text` → `CODE: text`, in place in `buf`.
fn spaced_colon<'a>(applied: &mut Applied, buf: &'a mut Vec<u8>) -> Normal<'a> {
    let lead = buf.len() - trim_start(buf).len();
    if let Some(at) = spaced_code(&buf[lead..]) {
        let at = lead + at;
        let blanks = buf[at..]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        buf.drain(at..at + blanks);
        applied.add(Fix::SpacedColon);
    }
    Normal::Text(buf)
}

/// The display width of a raw line in characters (UTF-8 continuation bytes do not count).
pub fn width(raw: &[u8]) -> usize {
    if is_ascii(raw) {
        return raw.len();
    }
    raw.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_at_a_time_ascii_check_agrees_with_the_standard_one() {
        for len in 0..40 {
            let plain = vec![b'a'; len];
            assert!(is_ascii(&plain), "{len}");
            for at in 0..len {
                let mut high = plain.clone();
                high[at] = 0xC3;
                assert!(!is_ascii(&high), "{len} {at}");
                assert_eq!(is_ascii(&high), high.is_ascii());
            }
        }
    }

    fn norm(line: &str) -> (String, Vec<Fix>) {
        let mut n = Normaliser::default();
        let text = match n.line(line.as_bytes()) {
            Normal::Text(t) => String::from_utf8_lossy(t).into_owned(),
            Normal::Skip => "<skip>".to_string(),
        };
        (text, n.applied.list())
    }

    #[test]
    fn takes_off_paste_prefixes() {
        for (line, want) in [
            ("-- ORA-39083: x", "ORA-39083: x"),
            ("# Job \"A\".\"B\" x", "Job \"A\".\"B\" x"),
            (
                "> > . . exported \"A\".\"B\" 1 KB 1 rows",
                ". . exported \"A\".\"B\" 1 KB 1 rows",
            ),
            ("REM Starting \"A\".\"B\":", "Starting \"A\".\"B\":"),
            ("SQL> Starting \"A\".\"B\":", "Starting \"A\".\"B\":"),
        ] {
            let (text, fixes) = norm(line);
            assert_eq!(text.trim(), want, "{line}");
            assert_eq!(fixes, [Fix::LinePrefix], "{line}");
        }
        // The log's own dashes and stars stay.
        assert_eq!(norm("----- PL/SQL Call Stack -----").1, []);
        assert_eq!(norm("Starting \"A\".\"B\":  system/********").1, []);
        assert_eq!(norm("\t. . exported \"A\".\"B\" 1 KB 1 rows").1, []);
    }

    #[test]
    fn undoes_markup_and_typography() {
        let (text, fixes) =
            norm("**Job** &quot;A&quot;.“B” <span class=\"x\">successfully</span> com**plet**ed…");
        assert_eq!(text, "Job \"A\".\"B\" successfully completed...");
        assert!(fixes.contains(&Fix::Markdown), "{fixes:?}");
        assert!(fixes.contains(&Fix::HtmlEscape), "{fixes:?}");
        assert!(fixes.contains(&Fix::HtmlTag), "{fixes:?}");
        assert!(fixes.contains(&Fix::Typographic), "{fixes:?}");
        assert_eq!(norm("ORA-39123 : Data Pump").0, "ORA-39123: Data Pump");
        assert_eq!(norm("ORA－39123：x").0, "ORA-39123:x");
        assert_eq!(norm("WHERE a < 5 AND b > 3").0, "WHERE a < 5 AND b > 3");
        assert_eq!(norm("`ORA-31684: x`").0, "ORA-31684: x");
    }

    #[test]
    fn skips_fences_and_elisions() {
        for line in [
            "```",
            "```text",
            "~~~",
            "...",
            ". ..",
            "…",
            "(etc)",
            "[...]",
            "~~",
            "(output truncated)",
        ] {
            assert_eq!(norm(line).0, "<skip>", "{line}");
        }
        assert_ne!(norm(". . exported \"A\".\"B\" 1 KB 1 rows").0, "<skip>");
    }
}
