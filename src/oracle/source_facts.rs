//! What an import needs to know about the database an export came from, recorded in the
//! manifest: release and `COMPATIBLE`, the database character sets (Data Pump writes user data
//! in the source database's character set and converts once on import), the dump's `VERSION`,
//! whether the dump carries checksums, and the tablespaces the schema's segments live in.
//!
//! Plain functions: the queries, the parsing of their `|`-separated rows, and the rules.
//! - `NLS_DATABASE_PARAMETERS` is readable by every session (docs/oracle.md §7).
//! - `COMPATIBLE`: `DATABASE_COMPATIBLE_LEVEL` is granted to PUBLIC; `v$parameter` needs
//!   SELECT_CATALOG_ROLE. Neither readable: `compatible` is unknown and every rule that needs it
//!   says so rather than guessing.
//! - The dump's `VERSION` defaults to `COMPATIBLE` (Data Pump's documented default); `LATEST` is
//!   the database release; an explicit version is itself.
//! - `CHECKSUM` defaults to YES on 21c and later when `COMPATIBLE` >= 20.0 (Oracle 21c Utilities,
//!   "CHECKSUM"); an explicit `CHECKSUM=NO` in the log's parameters turns it off.

use crate::oracle::identifier::Identifier;

/// The database character sets and release, open to every session.
pub const NLS_QUERY: &str = "SELECT parameter || '|' || value FROM nls_database_parameters \
     WHERE parameter IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET', 'NLS_RDBMS_VERSION')";

/// COMPATIBLE through the view granted to PUBLIC.
pub const COMPATIBLE_LEVEL_QUERY: &str = "SELECT value FROM database_compatible_level";

/// COMPATIBLE through v$parameter (SELECT_CATALOG_ROLE).
pub const COMPATIBLE_PARAMETER_QUERY: &str =
    "SELECT value FROM v$parameter WHERE name = 'compatible'";

/// The tablespaces a schema's segments live in, with their sizes.
pub fn segments_query(schema: &Identifier) -> String {
    format!(
        "SELECT tablespace_name || '|' || SUM(bytes) FROM dba_segments WHERE owner = {} \
         GROUP BY tablespace_name ORDER BY tablespace_name",
        schema.literal()
    )
}

/// The NLS rows read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NlsFacts {
    pub charset: Option<String>,
    pub ncharset: Option<String>,
    pub version: Option<String>,
}

/// Reads the rows of [`NLS_QUERY`]; unknown parameters are ignored.
pub fn parse_nls(rows: &[String]) -> NlsFacts {
    let mut facts = NlsFacts::default();
    for row in rows {
        if let Some((name, value)) = row.split_once('|') {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match name.trim() {
                "NLS_CHARACTERSET" => facts.charset = Some(value.to_string()),
                "NLS_NCHAR_CHARACTERSET" => facts.ncharset = Some(value.to_string()),
                "NLS_RDBMS_VERSION" => facts.version = Some(value.to_string()),
                _ => {}
            }
        }
    }
    facts
}

/// One tablespace with the bytes of the schema's segments in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TablespaceUse {
    pub name: String,
    pub bytes: u64,
}

/// Reads the rows of [`segments_query`]; a row that is not `NAME|BYTES` is refused.
pub fn parse_segments(rows: &[String]) -> Result<Vec<TablespaceUse>, String> {
    rows.iter()
        .map(|row| {
            let (name, bytes) = row
                .split_once('|')
                .ok_or_else(|| format!("unexpected dba_segments row {row:?}"))?;
            let bytes = bytes
                .trim()
                .parse::<u64>()
                .map_err(|_| format!("unexpected size in dba_segments row {row:?}"))?;
            Ok(TablespaceUse {
                name: name.trim().to_string(),
                bytes,
            })
        })
        .collect()
}

/// The leading number of a release (`21.0.0` -> 21), if readable.
pub fn major(release: &str) -> Option<u32> {
    release.trim().split('.').next()?.parse().ok()
}

/// Whether Data Pump writes checksums by default: 21c or later with COMPATIBLE >= 20.
/// `None` when either is unknown.
pub fn checksum_by_default(version: Option<&str>, compatible: Option<&str>) -> Option<bool> {
    let v = major(version?)?;
    let c = major(compatible?)?;
    Some(v >= 21 && c >= 20)
}

/// Whether the dump carries checksums: an explicit `CHECKSUM` parameter, else the default.
pub fn dump_has_checksum(
    explicit: Option<&str>,
    version: Option<&str>,
    compatible: Option<&str>,
) -> Option<bool> {
    match explicit.map(|v| v.trim().to_ascii_uppercase()) {
        Some(v) if v == "YES" => Some(true),
        Some(v) if v == "NO" => Some(false),
        _ => checksum_by_default(version, compatible),
    }
}

/// The dump's VERSION from the export's VERSION parameter (absent, `COMPATIBLE`, `LATEST` or a
/// release), the source's COMPATIBLE and release. `None` when it rests on something unknown.
pub fn dump_version(
    explicit: Option<&str>,
    version: Option<&str>,
    compatible: Option<&str>,
) -> Option<String> {
    match explicit.map(|v| v.trim().to_ascii_uppercase()) {
        None => compatible.map(str::to_string),
        Some(v) if v == "COMPATIBLE" || v.is_empty() => compatible.map(str::to_string),
        Some(v) if v == "LATEST" => version.map(str::to_string),
        Some(v) => Some(v),
    }
}

/// Data Pump's estimate from a log's text: `Total estimation using BLOCKS method: 1.5 MB`
/// (also `STATISTICS`), in bytes. Units as Data Pump prints them (KB, MB, GB, TB: 1024-based).
pub fn estimate_bytes(log: &str) -> Option<u64> {
    log.lines().find_map(|line| {
        let at = line.find("Total estimation using")?;
        let rest = line[at..].rsplit(':').next()?.trim();
        let mut parts = rest.split_whitespace();
        let number: f64 = parts.next()?.parse().ok()?;
        let unit = parts.next().unwrap_or("B").to_ascii_uppercase();
        let scale: f64 = match unit.as_str() {
            "B" | "BYTES" => 1.0,
            "KB" => 1024.0,
            "MB" => 1024.0 * 1024.0,
            "GB" => 1024.0 * 1024.0 * 1024.0,
            "TB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
            _ => return None,
        };
        (number.is_finite() && number >= 0.0).then(|| (number * scale).round() as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::identifier::NameLimit;

    fn rows(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nls_rows_are_read_by_name() {
        let f = parse_nls(&rows(&[
            "NLS_CHARACTERSET|AL32UTF8",
            "NLS_NCHAR_CHARACTERSET|AL16UTF16",
            "NLS_RDBMS_VERSION|19.0.0.0.0",
            "NLS_OTHER|x",
        ]));
        assert_eq!(f.charset.as_deref(), Some("AL32UTF8"));
        assert_eq!(f.ncharset.as_deref(), Some("AL16UTF16"));
        assert_eq!(f.version.as_deref(), Some("19.0.0.0.0"));
    }

    #[test]
    fn segments_are_summed_rows_and_a_bad_row_is_refused() {
        let t = parse_segments(&rows(&["USERS|65536", "BIZAGI_DATA|1048576"])).unwrap();
        assert_eq!(t[1].name, "BIZAGI_DATA");
        assert_eq!(t[1].bytes, 1_048_576);
        assert!(parse_segments(&rows(&["USERS"])).is_err());
        assert!(parse_segments(&rows(&["USERS|lots"])).is_err());
    }

    #[test]
    fn the_segments_query_quotes_the_schema_as_a_literal() {
        let s = Identifier::parse("bizagi", NameLimit::From122).unwrap();
        assert!(segments_query(&s).contains("owner = 'BIZAGI'"));
    }

    #[test]
    fn checksums_by_default_only_on_21c_with_compatible_20() {
        assert_eq!(
            checksum_by_default(Some("21.0.0.0.0"), Some("21.0.0")),
            Some(true)
        );
        assert_eq!(
            checksum_by_default(Some("23.0.0.0.0"), Some("19.0.0")),
            Some(false)
        );
        assert_eq!(
            checksum_by_default(Some("19.0.0.0.0"), Some("19.0.0")),
            Some(false)
        );
        assert_eq!(checksum_by_default(Some("21.0.0.0.0"), None), None);
        assert_eq!(
            dump_has_checksum(Some("no"), Some("21.0.0.0.0"), Some("21.0.0")),
            Some(false)
        );
        assert_eq!(
            dump_has_checksum(Some("YES"), Some("19.0.0.0.0"), None),
            Some(true)
        );
    }

    #[test]
    fn the_dump_version_follows_the_version_parameter() {
        let v = Some("19.0.0.0.0");
        let c = Some("19.0.0");
        assert_eq!(dump_version(None, v, c).as_deref(), Some("19.0.0"));
        assert_eq!(
            dump_version(Some("compatible"), v, c).as_deref(),
            Some("19.0.0")
        );
        assert_eq!(
            dump_version(Some("LATEST"), v, c).as_deref(),
            Some("19.0.0.0.0")
        );
        assert_eq!(dump_version(Some("12.2"), v, c).as_deref(), Some("12.2"));
        assert_eq!(dump_version(None, v, None), None);
    }

    #[test]
    fn the_estimate_is_read_in_bytes() {
        let log = "Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n\
                   Total estimation using BLOCKS method: 1.5 MB\n";
        assert_eq!(estimate_bytes(log), Some(1_572_864));
        let log = "12-JAN-24 10:00:01.123: Total estimation using STATISTICS method: 64 KB";
        assert_eq!(estimate_bytes(log), Some(65_536));
        assert_eq!(estimate_bytes("no estimate here"), None);
        assert_eq!(
            estimate_bytes("Total estimation using BLOCKS method: 3 PB"),
            None
        );
    }
}
