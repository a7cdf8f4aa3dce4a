//! The checks a restore makes against the target before and after the import, as plain
//! functions over what the manifest recorded and what the target reports. Each gives one
//! [`Check`]: `pass`, `stop` (the restore must not start, or has failed), or `review` (a person
//! must look), with what it found and the fix. An unknown fact is never a pass: a check that
//! could not be made says so and stops (fail closed), unless its rule says otherwise.
//!
//! The rules (docs/oracle.md §1, §7 and §9, with their public sources):
//! - Character sets: Data Pump writes user data in the source database's character set and
//!   converts once on import, so the target database's set must hold every character of the
//!   source's: the same set, a Unicode set, or one of Oracle's binary supersets
//!   ([`crate::oracle::charset`]). The national set likewise.
//! - The dump's VERSION must be <= the target's COMPATIBLE (ORA-39142 otherwise).
//! - Bizagi's prerequisite 1: the client's version equals the export's (an override makes it
//!   review); a client newer than the target database fails (UDE-00018).
//! - Each tablespace the dump needs exists (or is remapped) with free space plus autoextend
//!   headroom >= the bytes the manifest records.
//! - Rows: every table's count in the restored schema equals the export log's.
//! - Invalid objects: only objects invalid after the recompile and not before are reported.

use crate::oracle::charset::{compare, CharsetTable, Verdict};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Review,
    Stop,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    pub fix: Option<String>,
}

fn check(name: &'static str, status: Status, detail: String, fix: Option<String>) -> Check {
    Check {
        name,
        status,
        detail,
        fix,
    }
}

/// The release as numbers (`19.0.0.0.0` -> [19, 0, 0, 0, 0]); `None` when not a release.
pub fn release_parts(release: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = release
        .trim()
        .split('.')
        .map(|p| p.trim().parse().ok())
        .collect();
    parts.filter(|p| !p.is_empty())
}

/// Compares two releases component by component, missing components counting as 0.
pub fn release_cmp(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let (a, b) = (release_parts(a)?, release_parts(b)?);
    let n = a.len().max(b.len());
    let at = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(0);
    Some(
        (0..n)
            .map(|i| at(&a, i).cmp(&at(&b, i)))
            .fold(std::cmp::Ordering::Equal, std::cmp::Ordering::then),
    )
}

/// Target database character sets against the source's.
pub fn charsets(
    table: &CharsetTable,
    source: Option<&str>,
    source_nchar: Option<&str>,
    target: &str,
    target_nchar: &str,
) -> Check {
    const NAME: &str = "character_set";
    let Some(source) = source else {
        return check(NAME, Status::Stop, "the manifest does not record the source database's character set, so bizscript cannot vouch that the target holds every character".into(), Some("restore by hand after comparing NLS_CHARACTERSET of both databases, or export again with this bizscript".into()));
    };
    let main = compare(table, target, source);
    if main.verdict == Verdict::Incompatible {
        return check(
            NAME,
            Status::Stop,
            format!(
                "the target database's {target} cannot hold every character of the source's {source}: {}",
                main.altered.unwrap_or(main.reason)
            ),
            Some(format!("restore into a database whose character set is {source} or AL32UTF8")),
        );
    }
    if let Some(source_nchar) = source_nchar {
        let national = compare(table, target_nchar, source_nchar);
        if national.verdict == Verdict::Incompatible {
            return check(
                NAME,
                Status::Stop,
                format!("the target's national character set {target_nchar} cannot hold every character of the source's {source_nchar}"),
                Some(format!("restore into a database whose NLS_NCHAR_CHARACTERSET is {source_nchar} or AL16UTF16")),
            );
        }
    }
    let how = match main.verdict {
        Verdict::Same => "the same character set".to_string(),
        _ if table.class(&target.trim().to_uppercase())
            == crate::oracle::charset::CharsetClass::Unicode =>
        {
            "a Unicode target holds every character of the source".to_string()
        }
        _ => format!("{target} is a binary superset of {source}"),
    };
    check(
        NAME,
        Status::Pass,
        format!("source database {source}, target database {target}: {how}"),
        None,
    )
}

/// The dump's VERSION against the target's COMPATIBLE.
pub fn dump_version(dump_version: Option<&str>, target_compatible: Option<&str>) -> Check {
    const NAME: &str = "dump_version";
    match (dump_version, target_compatible) {
        (Some(d), Some(c)) => match release_cmp(d, c) {
            Some(std::cmp::Ordering::Greater) => check(
                NAME,
                Status::Stop,
                format!("the dump's VERSION {d} is newer than the target's COMPATIBLE {c}: impdp would fail with ORA-39142"),
                Some(format!("export again with VERSION={c}, or restore into a database with COMPATIBLE >= {d}")),
            ),
            Some(_) => check(NAME, Status::Pass, format!("dump VERSION {d} <= target COMPATIBLE {c}"), None),
            None => check(NAME, Status::Stop, format!("cannot compare the dump's VERSION {d:?} with the target's COMPATIBLE {c:?}"), Some("check both by hand".into())),
        },
        (None, _) => check(NAME, Status::Stop, "the manifest does not record the dump's VERSION".into(), Some("check the export's VERSION against the target's COMPATIBLE by hand; then restore by hand".into())),
        (_, None) => check(NAME, Status::Stop, "the target's COMPATIBLE is not readable".into(), Some("grant SELECT_CATALOG_ROLE to the restore user (v$parameter), or check COMPATIBLE by hand".into())),
    }
}

/// The client's version against the export's (Bizagi's prerequisite 1) and the target's release.
pub fn client_version(
    manifest_client: Option<&str>,
    client: &str,
    target_database: Option<&str>,
    override_mismatch: bool,
) -> Check {
    const NAME: &str = "client_version";
    // UDE-00018 is about the release (19 vs 21), not the release update (19.27 vs 19.0).
    let major = |r: &str| release_parts(r).and_then(|p| p.first().copied());
    if let Some(db) = target_database {
        if matches!((major(client), major(db)), (Some(c), Some(d)) if c > d) {
            return check(
                NAME,
                Status::Stop,
                format!("the client {client} is newer than the target database {db}: impdp fails with UDE-00018"),
                Some(format!("use an Oracle client of release {db} or older (ORACLE_HOME)")),
            );
        }
    }
    match manifest_client {
        Some(m) if release_cmp(m, client) == Some(std::cmp::Ordering::Equal) => {
            check(NAME, Status::Pass, format!("client {client}, as the export's"), None)
        }
        Some(m) if override_mismatch => check(
            NAME,
            Status::Review,
            format!("the client {client} differs from the export's {m} (Bizagi's prerequisite 1), allowed by client_version_override"),
            None,
        ),
        Some(m) => check(
            NAME,
            Status::Stop,
            format!("the client {client} differs from the export's {m}: Bizagi's restore requires the same client version"),
            Some(format!("use the {m} client (ORACLE_HOME), or --set client_version_override=true to accept it")),
        ),
        None if override_mismatch => check(NAME, Status::Review, format!("the manifest does not record the export's client; client {client} accepted by client_version_override"), None),
        None => check(
            NAME,
            Status::Stop,
            "the manifest does not record the export's client version".into(),
            Some("--set client_version_override=true once you know the client matches".into()),
        ),
    }
}

/// What the target says about one tablespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetTablespace {
    pub free_bytes: u64,
    /// Room the datafiles may still grow by (MAXBYTES - BYTES over autoextensible files).
    pub autoextend_headroom: u64,
}

/// `OLD:NEW[,OLD:NEW...]` as given to `remap_tablespace`, upper-cased.
pub fn parse_remap(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (old, new) = pair
            .split_once(':')
            .ok_or_else(|| format!("{pair:?} is not OLD:NEW"))?;
        let (old, new) = (old.trim().to_uppercase(), new.trim().to_uppercase());
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '#'))
        };
        if !ok(&old) || !ok(&new) {
            return Err(format!(
                "{pair:?}: tablespace names are letters, digits and _ $ #"
            ));
        }
        out.insert(old, new);
    }
    Ok(out)
}

/// Each tablespace the dump needs (name -> bytes, from the manifest) against the target.
pub fn tablespaces(
    needed: &[(String, u64)],
    remap: &BTreeMap<String, String>,
    target: &BTreeMap<String, TargetTablespace>,
) -> Vec<Check> {
    const NAME: &str = "tablespace";
    if needed.is_empty() {
        return vec![check(NAME, Status::Stop, "the manifest records no tablespaces for the schema's segments, so their space cannot be checked".into(), Some("check the target's free space by hand against the source schema's size".into()))];
    }
    // Two source tablespaces remapped into one need their sum.
    let mut wanted: BTreeMap<String, (u64, Vec<String>)> = BTreeMap::new();
    for (name, bytes) in needed {
        let upper = name.to_uppercase();
        let into = remap.get(&upper).cloned().unwrap_or_else(|| upper.clone());
        let entry = wanted.entry(into).or_default();
        entry.0 += bytes;
        entry.1.push(upper);
    }
    wanted
        .into_iter()
        .map(|(name, (bytes, from))| {
            let shown = if from.len() == 1 && from[0] == name { name.clone() } else { format!("{name} (for {})", from.join(", ")) };
            match target.get(&name) {
                None => check(
                    NAME,
                    Status::Stop,
                    format!("tablespace {shown} does not exist on the target"),
                    Some(format!("create tablespace {name} with at least {bytes} bytes, or --set remap_tablespace={}:EXISTING", from[0])),
                ),
                Some(t) => {
                    let room = t.free_bytes.saturating_add(t.autoextend_headroom);
                    if room >= bytes {
                        check(NAME, Status::Pass, format!("{shown}: needs {bytes} bytes, {} free + {} autoextend", t.free_bytes, t.autoextend_headroom), None)
                    } else {
                        check(
                            NAME,
                            Status::Stop,
                            format!("{shown} needs {bytes} bytes and has {} free + {} autoextend: the import would wait and then skip table data (ORA-31693)", t.free_bytes, t.autoextend_headroom),
                            Some(format!("add a datafile or enlarge {name} by at least {} bytes", bytes - room)),
                        )
                    }
                }
            }
        })
        .collect()
}

/// The state of the target schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaState {
    Absent,
    Empty,
    HoldsObjects,
}

/// The target schema's state against `replace`.
pub fn schema_state(schema: &str, state: SchemaState, objects: u64, replace: bool) -> Check {
    const NAME: &str = "target_schema";
    match state {
        SchemaState::Absent => check(NAME, Status::Pass, format!("{schema} does not exist: impdp creates it"), None),
        SchemaState::Empty => check(NAME, Status::Pass, format!("{schema} exists and holds no objects"), None),
        SchemaState::HoldsObjects if replace => check(NAME, Status::Review, format!("{schema} holds {objects} object(s); replace=true: the import goes over them"), None),
        SchemaState::HoldsObjects => check(
            NAME,
            Status::Stop,
            format!("{schema} holds {objects} object(s): a restore over it would mix two versions of the project"),
            Some(format!("drop or rename {schema} first, restore into another schema (--set schema=...), or --set replace=true")),
        ),
    }
}

/// One table whose count differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowMismatch {
    pub table: String,
    pub expected: u64,
    /// `None`: the table is missing from the restored schema.
    pub restored: Option<u64>,
}

/// Every table's rows in the restored schema against the export log's. A table the export
/// logged and the target lacks is a mismatch.
pub fn row_counts(
    expected: &[(String, u64)],
    restored: &BTreeMap<String, u64>,
) -> Vec<RowMismatch> {
    expected
        .iter()
        .filter_map(|(table, rows)| {
            let got = restored.get(&table.to_uppercase()).copied();
            (got != Some(*rows)).then(|| RowMismatch {
                table: table.clone(),
                expected: *rows,
                restored: got,
            })
        })
        .collect()
}

/// The objects invalid after the recompile that were not invalid before.
pub fn new_invalid(before: &BTreeSet<String>, after: &BTreeSet<String>) -> Vec<String> {
    after.difference(before).cloned().collect()
}

/// The users among `names` that exist on the target.
pub fn users_query(names: &[&crate::oracle::identifier::Identifier]) -> String {
    let list: Vec<String> = names.iter().map(|n| n.literal()).collect();
    format!(
        "SELECT username FROM dba_users WHERE username IN ({})",
        list.join(", ")
    )
}

/// How many objects a schema holds.
pub fn objects_query(schema: &crate::oracle::identifier::Identifier) -> String {
    format!(
        "SELECT COUNT(*) FROM dba_objects WHERE owner = {}",
        schema.literal()
    )
}

/// The target's permanent tablespaces.
pub const TABLESPACES_QUERY: &str =
    "SELECT tablespace_name FROM dba_tablespaces WHERE contents = 'PERMANENT'";

/// Free space per tablespace.
pub const FREE_SPACE_QUERY: &str =
    "SELECT tablespace_name || '|' || SUM(bytes) FROM dba_free_space GROUP BY tablespace_name";

/// The datafiles, to compute autoextend headroom.
pub const DATA_FILES_QUERY: &str = "SELECT tablespace_name || '|' || autoextensible || '|' || bytes || '|' || maxbytes FROM dba_data_files";

/// The target's tablespaces from the rows of [`TABLESPACES_QUERY`], [`FREE_SPACE_QUERY`] and
/// [`DATA_FILES_QUERY`]. A row of the wrong shape is refused.
pub fn parse_target_tablespaces(
    names: &[String],
    free: &[String],
    files: &[String],
) -> Result<BTreeMap<String, TargetTablespace>, String> {
    let mut out: BTreeMap<String, TargetTablespace> = names
        .iter()
        .map(|n| (n.trim().to_string(), TargetTablespace::default()))
        .collect();
    let number = |s: &str, row: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("unexpected number in row {row:?}"))
    };
    for row in free {
        let (name, bytes) = row
            .split_once('|')
            .ok_or_else(|| format!("unexpected dba_free_space row {row:?}"))?;
        if let Some(t) = out.get_mut(name.trim()) {
            t.free_bytes = number(bytes, row)?;
        }
    }
    for row in files {
        let parts: Vec<&str> = row.split('|').collect();
        let [name, auto, bytes, max] = parts.as_slice() else {
            return Err(format!("unexpected dba_data_files row {row:?}"));
        };
        if auto.trim() != "YES" {
            continue;
        }
        let (bytes, max) = (number(bytes, row)?, number(max, row)?);
        if let Some(t) = out.get_mut(name.trim()) {
            t.autoextend_headroom = t
                .autoextend_headroom
                .saturating_add(max.saturating_sub(bytes));
        }
    }
    Ok(out)
}

/// The invalid objects of a schema, as `TYPE NAME`.
pub fn invalid_objects_query(schema: &crate::oracle::identifier::Identifier) -> String {
    format!(
        "SELECT object_type || ' ' || object_name FROM dba_objects WHERE owner = {} AND status = 'INVALID'",
        schema.literal()
    )
}

/// Recompiles what is invalid in a schema (DBMS_UTILITY.COMPILE_SCHEMA, invalid objects only).
pub fn recompile_block(schema: &crate::oracle::identifier::Identifier) -> String {
    format!(
        "BEGIN DBMS_UTILITY.COMPILE_SCHEMA(schema => {}, compile_all => FALSE); END;",
        schema.literal()
    )
}

/// The export log's rows per table (`SCHEMA.TABLE[:PARTITION]` summed by table), without the
/// schema: what the restored schema's tables must hold.
pub fn expected_rows(tables: &[(String, u64)]) -> Vec<(String, u64)> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for (name, rows) in tables {
        let table = name.split(':').next().unwrap_or(name);
        let table = table.rsplit_once('.').map_or(table, |(_, t)| t);
        let table = table.trim_matches('"').to_string();
        *out.entry(table).or_default() += rows;
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> &'static CharsetTable {
        CharsetTable::builtin()
    }

    #[test]
    fn a_unicode_target_holds_a_western_source_and_not_the_other_way() {
        let c = charsets(
            t(),
            Some("WE8MSWIN1252"),
            Some("AL16UTF16"),
            "AL32UTF8",
            "AL16UTF16",
        );
        assert_eq!(c.status, Status::Pass, "{c:?}");
        let c = charsets(
            t(),
            Some("AL32UTF8"),
            Some("AL16UTF16"),
            "WE8MSWIN1252",
            "AL16UTF16",
        );
        assert_eq!(c.status, Status::Stop, "{c:?}");
        assert!(c.detail.contains("WE8MSWIN1252"), "{c:?}");
        let c = charsets(t(), Some("WE8ISO8859P1"), None, "WE8MSWIN1252", "AL16UTF16");
        assert_eq!(c.status, Status::Pass, "binary superset: {c:?}");
        let c = charsets(t(), None, None, "AL32UTF8", "AL16UTF16");
        assert_eq!(c.status, Status::Stop, "unknown is never a pass");
    }

    #[test]
    fn the_dump_version_must_not_be_newer_than_compatible() {
        assert_eq!(
            dump_version(Some("19.0.0"), Some("19.0.0")).status,
            Status::Pass
        );
        assert_eq!(
            dump_version(Some("12.2"), Some("19.0.0")).status,
            Status::Pass
        );
        let c = dump_version(Some("21.0.0"), Some("19.0.0"));
        assert_eq!(c.status, Status::Stop);
        assert!(c.detail.contains("ORA-39142"));
        assert_eq!(dump_version(None, Some("19.0.0")).status, Status::Stop);
        assert_eq!(dump_version(Some("19.0.0"), None).status, Status::Stop);
    }

    #[test]
    fn the_client_must_match_the_export_and_not_be_newer_than_the_target() {
        let c = client_version(Some("19.0.0.0.0"), "19.0.0.0.0", Some("19.0.0.0.0"), false);
        assert_eq!(c.status, Status::Pass);
        let c = client_version(Some("19.0.0.0.0"), "21.0.0.0.0", Some("23.0.0.0.0"), false);
        assert_eq!(c.status, Status::Stop);
        assert!(c.fix.unwrap().contains("client_version_override"));
        let c = client_version(Some("19.0.0.0.0"), "21.0.0.0.0", Some("23.0.0.0.0"), true);
        assert_eq!(c.status, Status::Review);
        let c = client_version(Some("21.0.0.0.0"), "21.0.0.0.0", Some("19.0.0.0.0"), true);
        assert_eq!(
            c.status,
            Status::Stop,
            "the override never allows UDE-00018"
        );
        assert!(c.detail.contains("UDE-00018"));
        assert_eq!(
            client_version(None, "19.0.0.0.0", None, false).status,
            Status::Stop
        );
    }

    #[test]
    fn tablespaces_need_to_exist_with_room_remaps_summed() {
        let mut target = BTreeMap::new();
        target.insert(
            "USERS".to_string(),
            TargetTablespace {
                free_bytes: 100,
                autoextend_headroom: 0,
            },
        );
        target.insert(
            "DATA".to_string(),
            TargetTablespace {
                free_bytes: 10,
                autoextend_headroom: 1000,
            },
        );
        let needed = vec![
            ("USERS".to_string(), 100),
            ("BIZ".to_string(), 500),
            ("BIZ2".to_string(), 600),
        ];
        let none = BTreeMap::new();
        let c = tablespaces(&needed, &none, &target);
        assert_eq!(
            c.iter().filter(|c| c.status == Status::Stop).count(),
            2,
            "{c:?}"
        );
        let remap = parse_remap("biz:data, BIZ2:DATA").unwrap();
        let c = tablespaces(&needed, &remap, &target);
        let data = c.iter().find(|c| c.detail.starts_with("DATA")).unwrap();
        assert_eq!(data.status, Status::Stop, "500 + 600 > 1010: {data:?}");
        assert!(
            data.fix.as_deref().unwrap().contains("90 bytes"),
            "{data:?}"
        );
        let remap = parse_remap("BIZ:DATA,BIZ2:USERS").unwrap();
        let c = tablespaces(&needed, &remap, &target);
        assert_eq!(
            c.iter().filter(|c| c.status == Status::Stop).count(),
            1,
            "USERS: 700 > 100: {c:?}"
        );
        assert!(parse_remap("BIZ").is_err());
        assert!(parse_remap("BIZ:DATA;DROP").is_err());
        assert_eq!(tablespaces(&[], &none, &target)[0].status, Status::Stop);
    }

    #[test]
    fn a_schema_holding_objects_needs_replace() {
        assert_eq!(
            schema_state("BIZAGI", SchemaState::Absent, 0, false).status,
            Status::Pass
        );
        assert_eq!(
            schema_state("BIZAGI", SchemaState::Empty, 0, false).status,
            Status::Pass
        );
        let c = schema_state("BIZAGI", SchemaState::HoldsObjects, 12, false);
        assert_eq!(c.status, Status::Stop);
        assert!(c.detail.contains("12 object(s)"));
        assert_eq!(
            schema_state("BIZAGI", SchemaState::HoldsObjects, 12, true).status,
            Status::Review
        );
    }

    #[test]
    fn every_row_mismatch_and_missing_table_is_listed() {
        let expected = vec![
            ("WFCASE".to_string(), 10),
            ("ASSET".to_string(), 3),
            ("GONE".to_string(), 0),
        ];
        let mut restored = BTreeMap::new();
        restored.insert("WFCASE".to_string(), 10);
        restored.insert("ASSET".to_string(), 2);
        let m = row_counts(&expected, &restored);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(
            m[0],
            RowMismatch {
                table: "ASSET".into(),
                expected: 3,
                restored: Some(2)
            }
        );
        assert_eq!(m[1].restored, None);
    }

    #[test]
    fn only_newly_invalid_objects_are_reported() {
        let before: BTreeSet<String> = ["PACKAGE BODY X".to_string()].into();
        let after: BTreeSet<String> = ["PACKAGE BODY X".to_string(), "VIEW V".to_string()].into();
        assert_eq!(new_invalid(&before, &after), vec!["VIEW V".to_string()]);
    }

    #[test]
    fn target_tablespaces_sum_free_space_and_autoextend_headroom() {
        let rows = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let t = parse_target_tablespaces(
            &rows(&["USERS", "DATA"]),
            &rows(&["USERS|1000"]),
            &rows(&["USERS|NO|5000|0", "DATA|YES|100|1100", "DATA|YES|100|50"]),
        )
        .unwrap();
        assert_eq!(
            t["USERS"],
            TargetTablespace {
                free_bytes: 1000,
                autoextend_headroom: 0
            }
        );
        assert_eq!(
            t["DATA"],
            TargetTablespace {
                free_bytes: 0,
                autoextend_headroom: 1000
            }
        );
        assert!(parse_target_tablespaces(&rows(&["X"]), &rows(&["X"]), &[]).is_err());
    }

    #[test]
    fn releases_compare_by_component() {
        assert_eq!(
            release_cmp("19.0.0.0.0", "19"),
            Some(std::cmp::Ordering::Equal)
        );
        assert_eq!(
            release_cmp("12.2.0.1", "19.0"),
            Some(std::cmp::Ordering::Less)
        );
        assert_eq!(release_cmp("x", "19"), None);
    }
}
