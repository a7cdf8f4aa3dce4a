//! The banner `expdp -help` prints without connecting: the client's release and version.
//!
//! ```text
//! Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026
//! Version 19.27.0.0.0
//! ```
//!
//! 18c and later add the `Version` line with the Release Update; 11.2 prints the full version in
//! the first line only (docs/oracle.md §8.3). A client whose message files are missing prints
//! `UDE-00013: Message 13 not found; No message file for product=RDBMS, facility=UDE` instead.

use serde::Serialize;

/// What a client's banner says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientBanner {
    /// The tool's name in the banner: `Export`, `Import`, `SQL*Plus`.
    pub tool: String,
    /// The release in the first line, e.g. `19.0.0.0.0`.
    pub release: String,
    /// The `Version x.y.z.w.v` line, when the client prints one (18c+).
    pub version: Option<String>,
}

impl ClientBanner {
    /// The most precise version the client reports: the `Version` line, else the release.
    pub fn client_version(&self) -> &str {
        self.version.as_deref().unwrap_or(&self.release)
    }

    /// The major release number (`19` for `19.0.0.0.0`).
    pub fn major(&self) -> Option<u32> {
        self.release.split('.').next()?.parse().ok()
    }
}

/// Why no banner could be read.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum BannerError {
    /// The client could not find its message files (ORACLE_HOME wrong or unset).
    #[error("{code}: the client cannot find its message files ({line})")]
    MessageFiles { code: String, line: String },
    /// No `Release` line at all.
    #[error("no `Release x.y.z` banner in the client's output")]
    Missing,
}

/// Reads the banner from the output of `expdp -help` (stdout and stderr together).
pub fn parse(output: &str) -> Result<ClientBanner, BannerError> {
    let mut banner: Option<ClientBanner> = None;
    for line in output.lines().map(str::trim) {
        if let Some(code) = message_file_error(line) {
            return Err(BannerError::MessageFiles {
                code,
                line: line.to_string(),
            });
        }
        if banner.is_none() {
            banner = release_line(line);
        } else if let Some(version) = line.strip_prefix("Version ") {
            let version = version.trim();
            if is_version(version) {
                if let Some(b) = banner.as_mut() {
                    b.version = Some(version.to_string());
                }
                break;
            }
        }
    }
    banner.ok_or(BannerError::Missing)
}

/// `Export: Release 19.0.0.0.0 - Production on ...` → tool and release.
fn release_line(line: &str) -> Option<ClientBanner> {
    let (tool, rest) = line.split_once(": Release ")?;
    let release: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    is_version(&release).then(|| ClientBanner {
        tool: tool.trim().to_string(),
        release,
        version: None,
    })
}

/// How a client's release stands against the database it will talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseMatch {
    /// The same major release (what Bizagi asks for).
    Same,
    /// The client is newer: Data Pump refuses it (UDE-00018).
    ClientNewer { client: u32, database: u32 },
    /// The client is older: Data Pump works (as an older client does), Bizagi asks for the same.
    ClientOlder { client: u32, database: u32 },
    /// One of the two versions could not be read.
    Unknown,
}

/// Bizagi's prerequisite, as its backup and restore pages state it (docs/oracle.md §9).
pub const BIZAGI_CLIENT_PREREQUISITE: &str = "Bizagi's prerequisite: the versions of the export and import clients must match the database's (the Oracle client version equal to the server's, including 32/64-bit)";

/// Compares a client's release (`21.0.0.0.0`) with the database's version (`19.0.0.0.0`, as
/// `product_component_version.version` shows it) by major release.
pub fn compare_releases(client: &str, database: &str) -> ReleaseMatch {
    let major = |v: &str| v.trim().split('.').next()?.parse::<u32>().ok();
    match (major(client), major(database)) {
        (Some(c), Some(d)) if c == d => ReleaseMatch::Same,
        (Some(client), Some(database)) if client > database => {
            ReleaseMatch::ClientNewer { client, database }
        }
        (Some(client), Some(database)) => ReleaseMatch::ClientOlder { client, database },
        _ => ReleaseMatch::Unknown,
    }
}

fn is_version(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// `UDE-00013: Message 13 not found; No message file ...` (or UDI-, or the SP2-0750/0667 forms).
fn message_file_error(line: &str) -> Option<String> {
    let code: String = line.chars().take_while(|c| *c != ':').collect();
    let missing_messages = line.contains("not found; No message file")
        || line.contains("You may need to set ORACLE_HOME")
        || code == "SP2-0750"
        || code == "SP2-0667";
    (missing_messages && code.len() <= 9 && code.contains('-')).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_release_and_version_of_a_19c_client() {
        let out = "\nExport: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026\nVersion 19.27.0.0.0\n\nCopyright (c) 1982, 2025, Oracle and/or its affiliates.  All rights reserved.\n\n\nThe Data Pump export utility provides a mechanism...\n";
        let b = parse(out).unwrap();
        assert_eq!(b.tool, "Export");
        assert_eq!(b.release, "19.0.0.0.0");
        assert_eq!(b.client_version(), "19.27.0.0.0");
        assert_eq!(b.major(), Some(19));
    }

    #[test]
    fn an_11g_client_has_only_the_release() {
        let b = parse("Export: Release 11.2.0.3.0 - Production on Mon Jan 1 00:00:00 2018\n\nCopyright (c) 1982, 2011\n").unwrap();
        assert_eq!(b.client_version(), "11.2.0.3.0");
        assert_eq!(b.version, None);
    }

    #[test]
    fn missing_message_files_are_recognised() {
        let out = "UDE-00013: Message 13 not found; No message file for product=RDBMS, facility=UDE\nUDE-00019: You may need to set ORACLE_HOME to your Oracle software directory\n";
        assert_eq!(
            parse(out),
            Err(BannerError::MessageFiles {
                code: "UDE-00013".into(),
                line: out.lines().next().unwrap().into()
            })
        );
        assert!(matches!(
            parse("SP2-0750: You may need to set ORACLE_HOME to your Oracle software directory"),
            Err(BannerError::MessageFiles { .. })
        ));
    }

    #[test]
    fn releases_compare_by_major_number() {
        assert_eq!(
            compare_releases("19.0.0.0.0", "19.0.0.0.0"),
            ReleaseMatch::Same
        );
        assert_eq!(
            compare_releases("21.0.0.0.0", "19.0.0.0.0"),
            ReleaseMatch::ClientNewer {
                client: 21,
                database: 19
            }
        );
        assert_eq!(
            compare_releases("12.2.0.1.0", "19.0.0.0.0"),
            ReleaseMatch::ClientOlder {
                client: 12,
                database: 19
            }
        );
        assert_eq!(compare_releases("", "19.0.0.0.0"), ReleaseMatch::Unknown);
    }

    #[test]
    fn no_banner_is_an_error() {
        assert_eq!(parse("command not found"), Err(BannerError::Missing));
        assert_eq!(
            parse("Export: Release x - Production"),
            Err(BannerError::Missing)
        );
    }
}
