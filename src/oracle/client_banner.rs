//! The banner `expdp -help` prints without connecting: the client's release and version.
//!
//! ```text
//! Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026
//! Version 19.27.0.0.0
//! ```
//!
//! 18c and later add the `Version` line with the Release Update; 11.2 prints the full version in
//! the first line only (oracle-facts 8.3). A client whose message files are missing prints
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
    fn no_banner_is_an_error() {
        assert_eq!(parse("command not found"), Err(BannerError::Missing));
        assert_eq!(
            parse("Export: Release x - Production"),
            Err(BannerError::Missing)
        );
    }
}
