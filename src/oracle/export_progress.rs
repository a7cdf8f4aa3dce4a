//! Following an export from its console lines (oracle-facts §4.1): which object path it is on,
//! how many tables, rows and bytes are done, where the dump files are, how the job ended.
//!
//! This is a running tally for the progress display and the result map, fed one line at a time
//! while the client prints. The verdict is not made here: that is the log parser's job
//! (`crate::oracle::log`), over the whole log.

use serde::Serialize;

/// What the console has told so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExportProgress {
    /// `OWNER.JOB` from the `Starting "OWNER"."JOB":` line.
    pub job: Option<String>,
    /// The object path being processed (`SCHEMA_EXPORT/TABLE/TABLE_DATA`).
    pub object_path: Option<String>,
    /// Tables (and partitions) exported.
    pub tables: u64,
    /// Rows exported.
    pub rows: u64,
    /// Bytes exported, as Data Pump reports them (rounded sizes summed).
    pub bytes: u64,
    /// The dump files, server-side absolute paths from the `Dump file set for ... is:` block.
    pub dump_files: Vec<String>,
    /// The final `Job "..." ...` line, when the job got that far.
    pub final_line: Option<String>,
    /// Error lines (`ORA-`, `UDE-`, `LRM-`, `KUP-`...), in order: the reasons when a job fails.
    pub errors: Vec<String>,
    #[serde(skip)]
    in_dump_file_set: bool,
}

/// One step a line made.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Started,
    ObjectPath,
    Table { name: String, rows: u64, bytes: u64 },
    DumpFile,
    Finished,
    Error,
    Other,
}

impl ExportProgress {
    /// Takes one console line into account and says what it was.
    pub fn feed(&mut self, raw: &str) -> Step {
        let line = strip_prefixes(raw.trim_end_matches(['\r', '\n']));
        if self.in_dump_file_set {
            if let Some(path) = line.strip_prefix("  ") {
                let path = path.trim();
                if !path.is_empty() && !path.starts_with("Job ") {
                    self.dump_files.push(path.to_string());
                    return Step::DumpFile;
                }
            }
            self.in_dump_file_set = false;
        }
        let text = line.trim_start();
        if let Some(rest) = text.strip_prefix("Starting ") {
            self.job = quoted_pair(rest);
            return Step::Started;
        }
        if let Some(path) = text.strip_prefix("Processing object type ") {
            self.object_path = Some(path.trim().to_string());
            return Step::ObjectPath;
        }
        if let Some(rest) = text.strip_prefix(". . exported ") {
            if let Some((name, bytes, rows)) = exported(rest) {
                self.tables += 1;
                self.rows += rows;
                self.bytes += bytes;
                return Step::Table { name, rows, bytes };
            }
        }
        if text.starts_with("Dump file set for ") && text.ends_with("is:") {
            self.in_dump_file_set = true;
            return Step::Other;
        }
        if text.starts_with("Job \"")
            && (text.contains(" successfully completed at ")
                || text.contains(" completed with ")
                || text.contains(" stopped due to fatal error at ")
                || text.contains(" stopped by user request at "))
        {
            self.final_line = Some(text.to_string());
            return Step::Finished;
        }
        if is_error_line(text) {
            self.errors.push(text.to_string());
            return Step::Error;
        }
        Step::Other
    }
}

/// Removes the LOGTIME prefix (`24-NOV-26 01:02:03.123: `) and the METRICS worker tag (`W-1 `).
fn strip_prefixes(line: &str) -> &str {
    let mut rest = line;
    // DD-MON-YY HH24:MI:SS.FF3: — 24 characters including the trailing blank.
    if rest.len() >= 24 && rest.as_bytes().get(22) == Some(&b':') && rest.as_bytes()[2] == b'-' {
        if let Some(after) = rest.get(24..) {
            rest = after;
        }
    }
    let trimmed = rest.trim_start();
    if let Some(after_w) = trimmed.strip_prefix("W-") {
        let digits = after_w.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            if let Some(after) = after_w.get(digits..).and_then(|a| a.strip_prefix(' ')) {
                return after;
            }
        }
    }
    rest
}

/// `ORA-39002: invalid operation`, `UDE-00014: ...`, `LRM-00101: ...`: a facility, a dash, five
/// digits and a colon.
fn is_error_line(text: &str) -> bool {
    let Some((facility, rest)) = text.split_once('-') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (2..=4).contains(&facility.len())
        && facility.chars().all(|c| c.is_ascii_uppercase())
        && digits >= 4
        && rest[digits..].starts_with(':')
}

/// `"OWNER"."JOB"...` → `OWNER.JOB`.
fn quoted_pair(text: &str) -> Option<String> {
    let mut parts = text.split('"');
    parts.next()?;
    let owner = parts.next()?;
    if parts.next()? != "." {
        return None;
    }
    let job = parts.next()?;
    Some(format!("{owner}.{job}"))
}

/// `"S"."T":"P"   1.234 MB  12345 rows[ in 0 seconds using direct_path]`.
fn exported(rest: &str) -> Option<(String, u64, u64)> {
    let close = rest.rfind('"')?;
    let name = rest[..=close].to_string();
    let mut words = rest[close + 1..].split_whitespace();
    let size: f64 = words.next()?.parse().ok()?;
    let unit = words.next()?;
    let rows: u64 = words.next()?.parse().ok()?;
    if words.next()? != "rows" {
        return None;
    }
    let factor = match unit {
        "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        "TB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((name, (size * factor).round() as u64, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_a_plain_export() {
        let mut p = ExportProgress::default();
        let console = r#"Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026
Starting "BIZAGIADMON"."BIZSCRIPT_EXP_20261124010203":  bizagiadmon/******** parfile=/tmp/x/expdp.par
Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
. . exported "BIZAGI"."WFCASE"                          1.5 MB   12345 rows
. . exported "BIZAGI"."ASSIGNMENT":"P1"                  2 KB      10 rows
Master table "BIZAGIADMON"."BIZSCRIPT_EXP_20261124010203" successfully loaded/unloaded
******************************************************************************
Dump file set for BIZAGIADMON.BIZSCRIPT_EXP_20261124010203 is:
  /srv/backup/bizagi_01.dmp
  /srv/backup/bizagi_02.dmp
Job "BIZAGIADMON"."BIZSCRIPT_EXP_20261124010203" successfully completed at Tue Nov 24 01:02:10 2026 elapsed 0 00:00:07"#;
        for line in console.lines() {
            p.feed(line);
        }
        assert_eq!(
            p.job.as_deref(),
            Some("BIZAGIADMON.BIZSCRIPT_EXP_20261124010203")
        );
        assert_eq!(
            p.object_path.as_deref(),
            Some("SCHEMA_EXPORT/TABLE/TABLE_DATA")
        );
        assert_eq!(p.tables, 2);
        assert_eq!(p.rows, 12355);
        assert_eq!(p.bytes, 1_572_864 + 2048);
        assert_eq!(
            p.dump_files,
            ["/srv/backup/bizagi_01.dmp", "/srv/backup/bizagi_02.dmp"]
        );
        assert!(p.final_line.unwrap().contains("successfully completed"));
    }

    #[test]
    fn understands_logtime_and_metrics_prefixes() {
        let mut p = ExportProgress::default();
        let lines = [
            "02-MAY-25 17:08:34.160: W-1 Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA",
            "02-MAY-25 17:08:43.180: W-1 . . exported \"F1\".\"F1_LAPTIMES\"    16.98 MB  571047 rows in 1 seconds using direct_path",
            "02-MAY-25 17:08:45.313: Dump file set for DPUSER.SYS_EXPORT_SCHEMA_02 is:",
            "02-MAY-25 17:08:45.314:   /home/oracle/dpdir/dp-09-trace.dmp",
            "02-MAY-25 17:08:45.334: Job \"DPUSER\".\"SYS_EXPORT_SCHEMA_02\" completed with 1 error(s) at Fri May 2 17:08:45 2025 elapsed 0 00:00:15",
        ];
        let steps: Vec<Step> = lines.iter().map(|l| p.feed(l)).collect();
        assert_eq!(steps[0], Step::ObjectPath);
        assert!(matches!(&steps[1], Step::Table { rows: 571047, .. }));
        assert_eq!(steps[3], Step::DumpFile);
        assert_eq!(steps[4], Step::Finished);
        assert_eq!(p.dump_files, ["/home/oracle/dpdir/dp-09-trace.dmp"]);
    }

    #[test]
    fn collects_error_lines_as_reasons() {
        let mut p = ExportProgress::default();
        assert_eq!(p.feed("ORA-39002: invalid operation"), Step::Error);
        assert_eq!(
            p.feed("24-NOV-26 01:02:03.123: ORA-39070: Unable to open the log file."),
            Step::Error
        );
        assert_eq!(
            p.feed("LRM-00101: unknown parameter name 'shemas'"),
            Step::Error
        );
        assert_eq!(p.feed("ORACLE-HOME: not an error"), Step::Other);
        assert_eq!(p.errors.len(), 3);
    }

    #[test]
    fn a_line_that_is_not_a_row_line_counts_nothing() {
        let mut p = ExportProgress::default();
        assert_eq!(p.feed(". . exported \"A\".\"B\" lots of rows"), Step::Other);
        assert_eq!(p.tables, 0);
    }
}
