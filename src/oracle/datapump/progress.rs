//! Following an export from its console lines (docs/oracle.md §4.1): which object path it is on,
//! how many tables, rows and bytes are done, where the dump files are, how the job ended.
//!
//! This is a running tally for the progress display and the result map, fed one line at a time
//! while the client prints. The lines are read with the log parser's own grammar
//! ([`crate::oracle::log::grammar`]), so the console and the log are understood alike; the
//! verdict is the log parser's job, over the whole log.

use crate::oracle::log::grammar::{classify, Ending, Line};
use crate::oracle::log::lines::decode;

/// What the console has told so far.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// How the final line says the job ended.
    pub ending: Option<Ending>,
    /// Message lines (`ORA-`, `UDE-`, `LRM-`, `KUP-`...), in order: the reasons when a job fails.
    pub errors: Vec<String>,
    in_dump_file_set: bool,
}

/// What one console line was (not to be confused with `primitives::step::Step`, a run step).
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleLine {
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
    pub fn feed(&mut self, raw: &str) -> ConsoleLine {
        let text = decode(raw.as_bytes()).text;
        let in_dump_file_set = std::mem::take(&mut self.in_dump_file_set);
        match classify(text) {
            Line::Starting { owner, job, .. } => {
                self.job = Some(format!("{}.{}", lossy(owner), lossy(job)));
                ConsoleLine::Started
            }
            Line::ObjectPath(path) => {
                self.object_path = Some(lossy(path));
                ConsoleLine::ObjectPath
            }
            Line::Row(row) => {
                let bytes = row.bytes.unwrap_or(0);
                self.tables += 1;
                self.rows += row.rows;
                self.bytes += bytes;
                ConsoleLine::Table {
                    name: lossy(row.name),
                    rows: row.rows,
                    bytes,
                }
            }
            Line::DumpFileSet => {
                self.in_dump_file_set = true;
                ConsoleLine::Other
            }
            // The files follow the `Dump file set` line, one a line, until anything else.
            Line::Other(path) if in_dump_file_set => {
                self.dump_files.push(lossy(path).trim().to_string());
                self.in_dump_file_set = true;
                ConsoleLine::DumpFile
            }
            Line::Final(last) => {
                self.ending = Some(last.ending);
                self.final_line = Some(lossy(text));
                ConsoleLine::Finished
            }
            Line::Message { .. } | Line::Resumable { .. } => {
                self.errors.push(lossy(text));
                ConsoleLine::Error
            }
            _ => ConsoleLine::Other,
        }
    }

    /// True when the final line says the job ran to its end (with or without errors).
    pub fn completed(&self) -> bool {
        matches!(self.ending, Some(Ending::Success | Ending::Errors(_)))
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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
        assert!(p.completed());
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
        let steps: Vec<ConsoleLine> = lines.iter().map(|l| p.feed(l)).collect();
        assert_eq!(steps[0], ConsoleLine::ObjectPath);
        assert!(matches!(&steps[1], ConsoleLine::Table { rows: 571047, .. }));
        assert_eq!(steps[3], ConsoleLine::DumpFile);
        assert_eq!(steps[4], ConsoleLine::Finished);
        assert_eq!(p.dump_files, ["/home/oracle/dpdir/dp-09-trace.dmp"]);
    }

    #[test]
    fn collects_error_lines_as_reasons() {
        let mut p = ExportProgress::default();
        assert_eq!(p.feed("ORA-39002: invalid operation"), ConsoleLine::Error);
        assert_eq!(
            p.feed("24-NOV-26 01:02:03.123: ORA-39070: Unable to open the log file."),
            ConsoleLine::Error
        );
        assert_eq!(
            p.feed("LRM-00101: unknown parameter name 'shemas'"),
            ConsoleLine::Error
        );
        assert_eq!(p.feed("ORACLE-HOME: not an error"), ConsoleLine::Other);
        assert_eq!(p.errors.len(), 3);
    }

    #[test]
    fn a_line_that_is_not_a_row_line_counts_nothing() {
        let mut p = ExportProgress::default();
        assert_eq!(
            p.feed(". . exported \"A\".\"B\" lots of rows"),
            ConsoleLine::Other
        );
        assert_eq!(p.tables, 0);
    }
}
