//! A Data Pump log report (what the log parser returns, alone or as the `report` of an `expdp`
//! result) shown the way a DBA reads it: the verdict first, how the job ended, the totals, and
//! the reasons, instead of hundreds of lines of JSON.
//!
//! Every fact shown (verdict, outcome, reasons) is a field the parser computed; this only lays
//! them out. The whole report stays one field access away (`r.messages`, `r.tables`...).

use super::Palette;
use serde_json::{Map, Value};

/// How many reasons are listed before "... and N more".
const REASONS_SHOWN: usize = 12;

/// The lists a report holds, offered for drilling down.
const LISTS: &[&str] = &[
    "reasons",
    "messages",
    "message_groups",
    "tables",
    "warnings",
    "parameters",
    "dump_files",
    "codes",
];

/// True when `map` has the shape of the log parser's report.
pub fn is_log_report(map: &Map<String, Value>) -> bool {
    ["verdict", "outcome", "reasons", "messages", "totals"]
        .iter()
        .all(|key| map.contains_key(*key))
}

/// One line for a table cell: `review: completed_with_errors, 2 reason(s)`.
pub fn one_line(map: &Map<String, Value>) -> String {
    format!(
        "{}: {}, {} reason(s)",
        text(map, "verdict"),
        text(map, "outcome"),
        count(map, "reasons")
    )
}

/// The summary block.
pub fn summary(map: &Map<String, Value>, palette: Palette) -> String {
    let verdict = text(map, "verdict");
    let mut lines = Vec::new();

    let mut ran = String::new();
    ran.push_str(
        map.get("tool")
            .and_then(Value::as_str)
            .unwrap_or("Data Pump"),
    );
    if let Some(version) = ["version_full", "version"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
    {
        ran.push_str(&format!(" {version}"));
    }
    if let Some(job) = map.get("job").and_then(Value::as_str) {
        ran.push_str(&format!(", job {job}"));
    }
    let mut ending = text(map, "outcome").replace('_', " ");
    if let Some(errors) = map.get("reported_errors").and_then(Value::as_u64) {
        if errors > 0 {
            ending.push_str(&format!(" ({errors} error(s) reported)"));
        }
    }
    if let Some(finished) = map.get("finished").and_then(Value::as_str) {
        ending.push_str(&format!(" at {finished}"));
    }
    if let Some(elapsed) = map.get("elapsed").and_then(Value::as_str) {
        ending.push_str(&format!(", elapsed {elapsed}"));
    }
    lines.push(format!(
        "{}  {ran}: {ending}",
        palette.verdict(&verdict, &verdict.to_uppercase())
    ));

    if let Some(Value::Object(totals)) = map.get("totals") {
        let number = |k: &str| totals.get(k).and_then(Value::as_u64).unwrap_or(0);
        lines.push(format!(
            "tables {}, rows {}, bytes {}; dump files {}",
            number("tables"),
            number("rows"),
            number("bytes"),
            count(map, "dump_files")
        ));
    }

    if let Some(meaning) = map
        .get("character_sets")
        .and_then(|c| c.get("meaning"))
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
    {
        lines.push(format!("character sets: {meaning}"));
    }
    if let Some(Value::Array(fixes)) = map.get("normalisations") {
        if !fixes.is_empty() {
            let names: Vec<&str> = fixes.iter().filter_map(Value::as_str).collect();
            lines.push(palette.quiet(&format!("read after undoing: {}", names.join(", "))));
        }
    }

    if let Some(Value::Array(reasons)) = map.get("reasons") {
        for reason in reasons.iter().take(REASONS_SHOWN) {
            let field = |k: &str| reason.get(k).and_then(Value::as_str).unwrap_or_default();
            let mut at = field("code").to_string();
            if let Some(line) = reason.get("line").and_then(Value::as_u64) {
                at = format!("{at} line {line}").trim().to_string();
            }
            let mut entry = format!("  {}", palette.verdict(field("verdict"), field("verdict")));
            if !at.is_empty() {
                entry.push_str(&format!("  {at}"));
            }
            entry.push_str(&format!("  {}", field("text")));
            lines.push(entry);
        }
        if reasons.len() > REASONS_SHOWN {
            lines.push(format!("  ... and {} more", reasons.len() - REASONS_SHOWN));
        }
    }

    let lists: Vec<String> = LISTS
        .iter()
        .filter(|k| count(map, k) > 0)
        .map(|k| format!(".{k} ({})", count(map, k)))
        .collect();
    if !lists.is_empty() {
        lines.push(palette.quiet(&format!("more: {}", lists.join(", "))));
    }
    lines.join("\n")
}

fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string()
}

fn count(map: &Map<String, Value>, key: &str) -> usize {
    map.get(key)
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::log::{parse_bytes, Policy};

    const LOG: &str = "\
Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026
Version 19.27.0.0.0
Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production
Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** schemas=BIZAGI directory=DP dumpfile=b.dmp
Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
. . exported \"BIZAGI\".\"WFCASE\"                         5.5 KB      12 rows
ORA-31693: Table data object \"BIZAGI\".\"BIG\" failed to load/unload and is being skipped due to error:
ORA-01555: snapshot too old: rollback segment number 5 with name \"_SYSSMU5$\" too small
Master table \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" successfully loaded/unloaded
******************************************************************************
Dump file set for SYSTEM.SYS_EXPORT_SCHEMA_01 is:
  /u01/dp/b.dmp
Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" completed with 1 error(s) at Tue Nov 24 01:03:04 2026 elapsed 0 00:01:01
";

    fn report_json() -> Map<String, Value> {
        let report = parse_bytes(LOG.as_bytes(), &Policy::default());
        match serde_json::to_value(&report).unwrap() {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_parsed_log_reads_verdict_first_then_reasons() {
        let map = report_json();
        assert!(is_log_report(&map));
        let text = summary(&map, Palette::PLAIN);
        let first = text.lines().next().unwrap();
        let verdict = map["verdict"].as_str().unwrap().to_uppercase();
        assert!(first.starts_with(&verdict), "{text}");
        assert!(first.contains("job SYSTEM.SYS_EXPORT_SCHEMA_01"), "{text}");
        assert!(first.contains("completed with errors"), "{text}");
        assert!(text.contains("ORA-31693"), "{text}");
        assert!(text.contains("dump files 1"), "{text}");
        assert!(text.contains("more: .reasons"), "{text}");
        assert!(one_line(&map).starts_with(&format!(
            "{}: completed_with_errors",
            map["verdict"].as_str().unwrap()
        )));
    }

    #[test]
    fn other_maps_are_not_mistaken_for_reports() {
        let mut map = Map::new();
        map.insert("verdict".into(), Value::from("ok"));
        map.insert("steps".into(), Value::Array(Vec::new()));
        assert!(!is_log_report(&map));
    }
}
