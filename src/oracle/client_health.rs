//! The client-health rules `check_env` applies: what makes an Oracle client unfit to run the
//! backup (an error) or worth a warning, with the fix to give (docs/oracle.md §8).

use crate::oracle::client_banner::{compare_releases, ReleaseMatch, BIZAGI_CLIENT_PREREQUISITE};
use crate::oracle::oracle_homes::{HomeKind, HomeLayout};
use crate::oracle::sqlplus_output::Row;
use serde::Serialize;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `error` (the backup must not run) or `warning`.
    pub severity: &'static str,
    pub message: String,
    pub fix: String,
}

pub fn error(message: String, fix: impl Into<String>) -> Problem {
    Problem {
        severity: "error",
        message,
        fix: fix.into(),
    }
}

pub fn warning(message: String, fix: impl Into<String>) -> Problem {
    Problem {
        severity: "warning",
        message,
        fix: fix.into(),
    }
}

/// `ok` means no finding is an error.
pub fn is_ok(problems: &[Problem]) -> bool {
    !problems.iter().any(|p| p.severity == "error")
}

/// The database's release; rows are `VERSION|<version>`.
pub const RELEASE_SQL: &str = "SELECT 'VERSION|' || version FROM product_component_version WHERE product LIKE 'Oracle Database%'";

/// The release in the rows of [`RELEASE_SQL`] (`None` when absent or empty).
pub fn parse_release(rows: &[Row]) -> Option<String> {
    rows.first()
        .and_then(|row| row.fields(2).ok().map(|f| f[1].trim().to_string()))
        .filter(|v| !v.is_empty())
}

/// The client's release against the database's: a newer client cannot export (UDE-00018), an
/// older one works but is not what Bizagi's procedure asks for.
pub fn release_problem(client: &str, client_version: &str, database: &str) -> Option<Problem> {
    match compare_releases(client, database) {
        ReleaseMatch::ClientNewer { client: c, database: d } => Some(error(
            format!("the Oracle client {client_version} ({c}c) is newer than the database {database} ({d}c): expdp would stop with UDE-00018 (Data Pump client is incompatible with database version {database}). {BIZAGI_CLIENT_PREREQUISITE}"),
            format!("point ORACLE_HOME at an Oracle {d}c client (the database's release) and run again"),
        )),
        ReleaseMatch::ClientOlder { client: c, database: d } => Some(warning(
            format!("the Oracle client {client_version} ({c}c) is older than the database {database} ({d}c); Data Pump works, but {BIZAGI_CLIENT_PREREQUISITE}"),
            format!("use an Oracle {d}c client for exports and imports of this database"),
        )),
        ReleaseMatch::Same | ReleaseMatch::Unknown => None,
    }
}

/// What is wrong with the layout of a client home (missing tools, missing message files).
pub fn layout_problems(layout: &HomeLayout) -> Vec<Problem> {
    let mut problems = Vec::new();
    let dir = layout.dir.display();
    match layout.kind {
        HomeKind::NotAClient => problems.push(error(
            format!("ORACLE_HOME={dir} holds no Oracle client (no bin/expdp, no Instant Client)"),
            "set ORACLE_HOME to the folder that holds bin/expdp",
        )),
        HomeKind::Full | HomeKind::InstantClient => {
            for tool in &layout.missing_tools {
                problems.push(error(
                    format!("{} is missing", layout.bin.join(tool).display()),
                    if layout.kind == HomeKind::InstantClient && tool.starts_with("sqlplus") {
                        "install the Instant Client SQL*Plus package of the same version into this folder".to_string()
                    } else if layout.kind == HomeKind::InstantClient {
                        "install the Instant Client Tools package of the same version into this folder".to_string()
                    } else {
                        "install the Oracle client with Data Pump and SQL*Plus, or point ORACLE_HOME at a complete one".to_string()
                    },
                ));
            }
            if !layout.has_messages {
                problems.push(error(
                    format!("{dir}/rdbms/mesg has no Data Pump message files (udeus.msb): expdp would fail with UDE-00013"),
                    "point ORACLE_HOME at the client's real home; the message files come with it",
                ));
            }
            if !layout.has_sqlplus_messages {
                problems.push(error(
                    format!("{dir}/sqlplus/mesg has no SQL*Plus message files (sp1us.msb): sqlplus would stop with SP2-0667"),
                    "point ORACLE_HOME at the client's real home; the message files come with it",
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_client_is_an_error_and_an_older_one_a_warning() {
        let newer = release_problem("21.0.0.0.0", "21.3.0.0.0", "19.0.0.0.0").unwrap();
        assert_eq!(newer.severity, "error");
        assert!(newer.message.contains("UDE-00018"), "{}", newer.message);
        let older = release_problem("18.0.0.0.0", "18.3.0.0.0", "19.0.0.0.0").unwrap();
        assert_eq!(older.severity, "warning");
        assert!(release_problem("19.0.0.0.0", "19.3.0.0.0", "19.0.0.0.0").is_none());
        assert!(!is_ok(&[newer]));
        assert!(is_ok(&[older]));
    }

    #[test]
    fn the_release_row_is_read() {
        let rows = [Row("VERSION|19.0.0.0.0 ".into())];
        assert_eq!(parse_release(&rows).as_deref(), Some("19.0.0.0.0"));
        assert_eq!(parse_release(&[Row("VERSION| ".into())]), None);
        assert_eq!(parse_release(&[]), None);
    }
}
