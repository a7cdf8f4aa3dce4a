//! Which database a connect identifier names, as far as the text can tell: the key under which
//! bizscript takes its local lock, so that `//db:1521/ORCL`, `db:1521/orcl` and `DB/ORCL` are one
//! database and two exports of one schema cannot run side by side from one host.
//!
//! Easy Connect (`[//]host[:port][/service][:server][/instance]`, Oracle Net Services Reference,
//! "Understanding the Easy Connect Naming Method"): the `//` is optional, the port defaults to
//! 1521, host names and service names are case-insensitive. A TNS alias is case-insensitive too;
//! two aliases for one database, or another host, are not recognised here: the database check
//! (`dba_datapump_jobs`, before every export) covers those.

/// The default listener port of Easy Connect.
pub const DEFAULT_PORT: &str = "1521";

/// The normalised form of a connect identifier (without a leading `@`).
pub fn normalised(connect: &str) -> String {
    let text = connect.trim().trim_start_matches('@');
    let lower = text.to_ascii_lowercase();
    let text = lower
        .strip_prefix("tcp://")
        .or_else(|| lower.strip_prefix("tcps://"))
        .unwrap_or(&lower);
    let text = text.strip_prefix("//").unwrap_or(text);
    if !text.contains('/') && !text.contains(':') {
        // A TNS alias (or a bare host, which Easy Connect would read the same way).
        return text.to_string();
    }
    // host[:port][/service...]: IPv6 hosts come in brackets.
    let (host, rest) = if let Some(after) = text.strip_prefix('[') {
        match after.split_once(']') {
            Some((h, r)) => (format!("[{h}]"), r),
            None => return text.to_string(),
        }
    } else {
        let end = text.find([':', '/']).unwrap_or(text.len());
        (text[..end].to_string(), &text[end..])
    };
    let (port, rest) = match rest.strip_prefix(':') {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (&after[..end], &after[end..])
        }
        None => (DEFAULT_PORT, rest),
    };
    format!("{host}:{port}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_double_slash_the_default_port_and_case_do_not_matter() {
        let one = normalised("//db.example.com:1521/BIZAGIPDB");
        assert_eq!(one, "db.example.com:1521/bizagipdb");
        for same in [
            "db.example.com:1521/BIZAGIPDB",
            "DB.example.com/bizagipdb",
            "//DB.EXAMPLE.COM/BizagiPDB",
            "@//db.example.com:1521/BIZAGIPDB",
            "tcp://db.example.com:1521/bizagipdb",
        ] {
            assert_eq!(normalised(same), one, "{same}");
        }
        assert_ne!(normalised("db.example.com:1522/bizagipdb"), one);
        assert_ne!(normalised("other:1521/bizagipdb"), one);
        assert_eq!(normalised("ORCL"), "orcl");
        assert_eq!(normalised("[::1]/svc"), "[::1]:1521/svc");
    }
}
