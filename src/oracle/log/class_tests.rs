//! Each class of log the parser must read (issue 15), with small synthetic fixtures written from
//! what public logs and Oracle's documentation show (no public log is copied here).

use super::normalise::Fix;
use super::{check_code, parse_bytes, LogReport, Outcome, Policy, Verdict};

fn read(log: &str) -> LogReport {
    parse_bytes(log.as_bytes(), &Policy::default())
}

fn reasons(r: &LogReport) -> String {
    r.reasons
        .iter()
        .map(|x| x.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

// 1. Facts before the `Starting` line count.

const CHARSET_IMPORT: &str = "\
;;; 
Import: Release 11.2.0.4.0 - Production on Wed Mar 12 08:00:00 2025

Copyright (c) 1982, 2011, Oracle and/or its affiliates.  All rights reserved.
;;; 
Connected to: Oracle Database 11g Enterprise Edition Release 11.2.0.4.0 - 64bit Production
import done in AL32UTF8 character set and AL16UTF16 NCHAR character set
export done in WE8MSWIN1252 character set and AL16UTF16 NCHAR character set
WARNING: possible data loss in character set conversions
Master table \"SYSTEM\".\"SYS_IMPORT_FULL_01\" successfully loaded/unloaded
Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/******** directory=DP dumpfile=b.dmp
Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
. . imported \"BIZAGI\".\"WFCASE\"                         5.5 KB      12 rows
Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" successfully completed at Wed Mar 12 08:01:00 2025 elapsed 0 00:01:00
";

#[test]
fn character_sets_before_starting_are_reported_and_their_warning_needs_review() {
    let r = read(CHARSET_IMPORT);
    assert_eq!(r.outcome, Outcome::Success);
    assert_eq!(r.verdict, Verdict::Review, "{}", reasons(&r));
    let sets = r.character_sets.as_ref().expect("character sets");
    assert_eq!(sets.export.as_deref(), Some("WE8MSWIN1252"));
    assert_eq!(sets.import.as_deref(), Some("AL32UTF8"));
    assert_eq!(sets.import_nchar.as_deref(), Some("AL16UTF16"));
    assert!(
        sets.meaning
            .contains("converted from WE8MSWIN1252 to AL32UTF8"),
        "{}",
        sets.meaning
    );
    let why = reasons(&r);
    assert!(why.contains("possible data loss"), "{why}");
    assert!(why.contains("WE8MSWIN1252 -> import AL32UTF8"), "{why}");
    let text = super::summary::human_summary(&r);
    assert!(
        text.contains("Character sets: the dump was written in WE8MSWIN1252"),
        "{text}"
    );
    // The same pair without the warning is reported, and alone it leaves the verdict alone.
    let quiet = CHARSET_IMPORT.replace(
        "WARNING: possible data loss in character set conversions\n",
        "",
    );
    let r = read(&quiet);
    assert_eq!(r.verdict, Verdict::Ok, "{}", reasons(&r));
    assert!(reasons(&r).contains("character sets:"), "{}", reasons(&r));
}

// 2. Localized logs, read by the structure that survives translation.

const GERMAN: &str = "\
Export: Release 19.0.0.0.0 - Production on Di Okt 15 11:41:34 2019
Version 19.3.0.0.0
Verbunden mit: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production
\"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" wird gestartet:  bizagi/******** schemas=BIZAGI directory=DP dumpfile=b.dmp
Objekttyp SCHEMA_EXPORT/TABLE/TABLE_DATA wird verarbeitet
. . \"BIZAGI\".\"WFCASE\"                         5.5 KB      12 Zeilen exportiert
Mastertabelle \"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" erfolgreich geladen/entladen
******************************************************************************
F\u{fc}r BIZAGI.SYS_EXPORT_SCHEMA_01 festgelegte Dumpdatei ist:
  /u01/dp/b.dmp
Job \"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" erfolgreich um Di Okt 15 11:42:13 2019 elapsed 0 00:00:33 abgeschlossen
";

#[test]
fn a_german_success_reads_ok_with_its_job_tables_and_dump_files() {
    let r = read(GERMAN);
    assert_eq!(r.outcome, Outcome::Success, "{}", reasons(&r));
    assert_eq!(r.verdict, Verdict::Ok);
    assert_eq!(r.job.as_deref(), Some("BIZAGI.SYS_EXPORT_SCHEMA_01"));
    assert_eq!(r.elapsed.as_deref(), Some("0 00:00:33"));
    assert_eq!((r.totals.tables, r.totals.rows), (1, 12));
    assert_eq!(r.dump_files, ["/u01/dp/b.dmp"]);
    assert_eq!(r.tool.map(|t| t.as_str()), Some("expdp"));
    assert!(r
        .parameters
        .iter()
        .any(|p| p.name == "schemas" && p.value == "BIZAGI"));
}

#[test]
fn translated_error_counts_and_fatal_endings_are_read() {
    let japanese = "\
\"SYSTEM\".\"SYS_IMPORT_FULL_01\"を起動しています: system/******** directory=DP dumpfile=b.dmp
オブジェクト型SCHEMA_EXPORT/USERの処理中です
ORA-31684: オブジェクト型USER:\"BIZAGI\"はすでに存在します
オブジェクト型SCHEMA_EXPORT/TABLE/TABLE_DATAの処理中です
. . \"BIZAGI\".\"WFCASE\"                         5.5KB      12行がインポートされました
ジョブ\"SYSTEM\".\"SYS_IMPORT_FULL_01\"が1個のエラーで完了しました(木 10月 15 11:42:13 2020 elapsed 0 00:00:33)
";
    let r = read(japanese);
    assert_eq!(r.outcome, Outcome::CompletedWithErrors, "{}", reasons(&r));
    assert_eq!(r.reported_errors, Some(1));
    // ORA-31684 on USER is what a pre-created schema gives: ok.
    assert_eq!(r.verdict, Verdict::Ok, "{}", reasons(&r));
    assert_eq!(r.tool.map(|t| t.as_str()), Some("impdp"));
    assert_eq!(r.totals.bytes, (5.5 * 1024.0) as u64);
    // French as a Windows console shows a Latin-1 log (code page 850): `terminé` → `terminÚ`.
    let french = "\
D\u{da}marrage de \"SCOTT\".\"SYS_EXPORT_TABLE_01\" : scott/******** tables=emp directory=dpdire
Traitement du type d'objet TABLE_EXPORT/TABLE/TABLE_DATA
. . export : \"SCOTT\".\"DEPT\"                              5.937 KB       4 lignes
ORA-39166: L'objet SCOTT.EMP est introuvable.
Travail \"SCOTT\".\"SYS_EXPORT_TABLE_01\" termin\u{da} avec 1 erreur(s) \u{d3} 21:41:47
";
    let r = read(french);
    assert_eq!(r.outcome, Outcome::CompletedWithErrors, "{}", reasons(&r));
    assert_eq!(r.reported_errors, Some(1));
    assert_eq!(
        r.verdict,
        Verdict::Failed,
        "ORA-39166: an object was not found"
    );
    let russian_fatal = "\
Запуск \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** schemas=BIZAGI
Обработка объекта типа SCHEMA_EXPORT/TABLE/TABLE_DATA
Задание \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" остановлено из-за неустранимой ошибки в Чт Окт 15 11:42:13 2020 elapsed 0 00:00:33
";
    let r = read(russian_fatal);
    assert_eq!((r.outcome, r.verdict), (Outcome::Fatal, Verdict::Failed));
}

#[test]
fn a_final_line_in_an_unknown_language_needs_review_never_ok_nor_incomplete() {
    let swahili = GERMAN.replace(
        "Job \"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" erfolgreich um Di Okt 15 11:42:13 2019 elapsed 0 00:00:33 abgeschlossen",
        "Kazi \"BIZAGI\".\"SYS_EXPORT_SCHEMA_01\" imekamilika saa 11:42:13 elapsed 0 00:00:33",
    );
    let r = read(&swahili);
    assert_eq!(r.outcome, Outcome::Unread);
    assert_eq!(r.verdict, Verdict::Review);
    assert!(
        reasons(&r).contains("final line in a language bizscript does not read: Kazi"),
        "{}",
        reasons(&r)
    );
    assert_eq!(r.elapsed.as_deref(), Some("0 00:00:33"));
    // Another job's pair is not this job's final line; a cut log stays incomplete.
    let cut = GERMAN.split("Job \"BIZAGI\"").next().unwrap();
    assert_eq!(read(cut).outcome, Outcome::Incomplete);
}

// 3. Pasted forms (every transformation of every shared log is in robustness_tests).

#[test]
fn a_console_transcript_wrapped_at_80_columns_is_joined_again() {
    let long = "Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" completed with 1 error(s) at Wed Mar 12 11:12:13 2025 elapsed 0 00:03:12";
    let (a, b) = long.split_at(80);
    let log = format!(
        "Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/******** directory=DP\r\n\
         ORA-39082: Object type VIEW:\"BIZAGI\".\"V\" created with compilation warnings\r\n{a}\r\n{b}\r\n"
    );
    let r = read(&log);
    assert_eq!(r.outcome, Outcome::CompletedWithErrors);
    assert_eq!(r.elapsed.as_deref(), Some("0 00:03:12"));
    assert!(r.normalisations.contains(&Fix::Wrapped));
    assert!(super::summary::human_summary(&r).contains("wrapped at 80 columns"));
}

#[test]
fn elisions_and_markup_are_named_in_the_report() {
    let log = "```text\n> Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/********\n> ...\n> **ORA-31684**: Object type USER:\u{201c}BIZAGI\u{201d} already exists\n> (etc)\n> Job &quot;SYSTEM&quot;.&quot;SYS_IMPORT_FULL_01&quot; completed with 1 error(s) at 10:00:00\n```\n";
    let r = read(log);
    assert_eq!(
        (r.outcome, r.verdict),
        (Outcome::CompletedWithErrors, Verdict::Ok),
        "{}",
        reasons(&r)
    );
    for fix in [
        Fix::CodeFence,
        Fix::LinePrefix,
        Fix::Elision,
        Fix::Markdown,
        Fix::Typographic,
        Fix::HtmlEscape,
    ] {
        assert!(
            r.normalisations.contains(&fix),
            "{fix:?}: {:?}",
            r.normalisations
        );
    }
    // A clean log says nothing was undone.
    assert!(read(GERMAN).normalisations.is_empty());
}

// 4. Interactive transcripts.

const ATTACH_KILL: &str = "\
$ expdp system/x attach=SYS_EXPORT_SCHEMA_01
Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026

Job: SYS_EXPORT_SCHEMA_01
  Owner: SYSTEM
  Operation: EXPORT
  Mode: SCHEMA
  State: EXECUTING
  Bytes Processed: 0
  Job Error Count: 0
  Dump File: /u01/dp/b.dmp
    bytes written: 4,096

Worker 1 Status:
  State: EXECUTING
  Object Type: SCHEMA_EXPORT/TABLE/TABLE_DATA
  Completed Objects: 3

Export> KILL_JOB
Are you sure you wish to stop this job ([yes]/no): yes
";

#[test]
fn a_killed_or_stopped_job_in_an_interactive_session_is_stopped() {
    let r = read(ATTACH_KILL);
    assert_eq!((r.outcome, r.verdict), (Outcome::Stopped, Verdict::Failed));
    assert!(r.interactive);
    assert_eq!(r.job.as_deref(), Some("SYSTEM.SYS_EXPORT_SCHEMA_01"));
    // Answered no: the job goes on, the transcript just ends.
    let no = ATTACH_KILL.replace("no): yes", "no): no");
    assert_eq!(read(&no).outcome, Outcome::Incomplete);
    // STOP_JOB, then START_JOB and the job completes: it completed.
    let restarted = ATTACH_KILL.replace("KILL_JOB", "STOP_JOB=IMMEDIATE")
        + "Import> START_JOB\nJob \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" successfully completed at 01:10:00\n";
    assert_eq!(read(&restarted).outcome, Outcome::Success);
    // The killed job's own log: stopped due to fatal error, no codes: fatal.
    let own = "Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** schemas=BIZAGI\n\
               Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n\
               Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" stopped due to fatal error at 01:05:03\n";
    let r = read(own);
    assert_eq!((r.outcome, r.verdict), (Outcome::Fatal, Verdict::Failed));
    assert!(r.codes.is_empty());
}

// 5. Informational lines that are not problems.

#[test]
fn legacy_mode_prompts_and_notes_leave_the_verdict_alone() {
    let log = "\
[oracle@db ~]$ expdp system file=x.dmp log=exp.log owner=BIZAGI
Export: Release 11.2.0.4.0 - Production on Tue Nov 24 01:02:03 2026
Username: system
Password:
Legacy Mode Active due to the following parameters:
Legacy Mode Parameter: \"log=exp.log\" Location: Command Line, Replaced with: \"logfile=exp.log\"
Legacy Mode has set reuse_dumpfiles=true parameter.
Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** dumpfile=x.dmp logfile=exp.log schemas=BIZAGI
Warning: Oracle Data Pump operations are not typically needed when connected to the root or seed of a container database.
Warning: dump file checksum verification is disabled
Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
. . exported \"BIZAGI\".\"WFCASE\"                         5.5 KB      12 rows
Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" successfully completed at 01:05:03
[oracle@db ~]$
";
    let r = read(log);
    assert_eq!(
        (r.outcome, r.verdict),
        (Outcome::Success, Verdict::Ok),
        "{}",
        reasons(&r)
    );
    assert!(r.messages.is_empty());
}

// 6. Not a log at all.

#[test]
fn what_is_not_a_data_pump_log_says_so() {
    for text in [
        &b""[..],
        b"# Backups\n\nRun the export every night and keep seven dumps.\n",
        b"\x00\x00\x01\x02SCHEMA_EXPORT/TABLE/TABLE_DATA\x00\x05\x06\x07\x08\x0e\x0f\x10\x11\x12",
    ] {
        let r = parse_bytes(text, &Policy::default());
        assert!(!r.datapump, "{:?}", String::from_utf8_lossy(text));
        assert_eq!(r.verdict, Verdict::Failed);
        assert!(reasons(&r).contains("not a Data Pump log"));
    }
    // A Data Pump log without a final line is a log: incomplete, failed.
    let r = read("Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/********\n");
    assert!(r.datapump);
    assert_eq!(
        (r.outcome, r.verdict),
        (Outcome::Incomplete, Verdict::Failed)
    );
}

// 7. The cause, not only the wrapper.

#[test]
fn the_summary_shows_the_line_that_says_what_is_wrong() {
    let dir = "ORA-39002: invalid operation\nORA-39070: Unable to open the log file.\nORA-39087: directory name DP_DIR is invalid\n";
    let why = reasons(&read(dir));
    assert!(
        why.contains("ORA-39087: directory name DP_DIR is invalid"),
        "{why}"
    );
    let io = "\
Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** schemas=BIZAGI directory=DP
Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
ORA-31693: Table data object \"BIZAGI\".\"WFCASE\" failed to load/unload and is being skipped due to error:
ORA-02354: error in exporting/importing data
ORA-31644: unable to position to block number 1234 in dump file \"/u01/dp/b.dmp\"
ORA-19502: write error on file \"/u01/dp/b.dmp\", block number 1234 (block size=4096)
ORA-27072: File I/O error
Linux-x86_64 Error: 28: No space left on device
Additional information: 4
Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" completed with 1 error(s) at 01:05:03
";
    let r = read(io);
    assert_eq!(r.verdict, Verdict::Failed);
    assert_eq!(r.messages.len(), 1, "one message and its chain of causes");
    assert_eq!(
        r.messages[0].cause.as_deref(),
        Some("Linux-x86_64 Error: 28: No space left on device")
    );
    let text = super::summary::human_summary(&r);
    assert!(text.contains("No space left on device"), "{text}");
    let ude = "\
Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026
UDE-31623: operation generated ORACLE error 31623
ORA-31623: a job is not attached to this session via the specified handle
ORA-06512: at \"SYS.DBMS_DATAPUMP\", line 1137
ORA-06512: at line 1
";
    let r = read(ude);
    assert_eq!(r.outcome, Outcome::NotStarted);
    assert!(
        reasons(&r).contains("the cause: ORA-31623: a job is not attached"),
        "{}",
        reasons(&r)
    );
}

// 8. Codes given to allow / deny.

#[test]
fn malformed_codes_are_refused_with_the_expected_form() {
    assert_eq!(check_code(" ora-31684 ").unwrap(), "ORA-31684");
    for bad in ["foo", "31684", "ORA31684", "ORA-3168", "ORA-316844", ""] {
        let e = check_code(bad).unwrap_err();
        assert!(e.to_string().contains("ORA-39082"), "{e}");
    }
}

// 9. Bounded memory: repeated messages are counted, a few examples kept.

#[test]
fn millions_of_messages_are_counted_not_kept() {
    let mut log = String::from("Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/********\n");
    for i in 0..200_000 {
        log.push_str(&format!(
            "ORA-39082: Object type VIEW:\"BIZAGI\".\"V{i}\" created with compilation warnings\n"
        ));
    }
    log.push_str(
        "Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" completed with 200000 error(s) at 10:00:00\n",
    );
    let r = read(&log);
    assert_eq!(r.messages_total, 200_000);
    assert_eq!(r.message_groups.len(), 1);
    assert_eq!(r.message_groups[0].count, 200_000);
    assert_eq!(
        r.message_groups[0].first_object.as_deref(),
        Some("BIZAGI.V0")
    );
    assert_eq!(r.messages.len(), 100);
    assert_eq!(r.reasons.len(), 1);
    assert_eq!(r.reasons[0].count, 200_000);
    assert_eq!(r.verdict, Verdict::Review);
    assert_eq!(r.error_lines, 200_000);
}

#[test]
fn lines_that_only_look_like_structure_are_not_taken_for_it() {
    // A reopened job is not an ended one: the log below ends while it runs again.
    let reopened = "Starting \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\":  system/******** schemas=BIZAGI\n\
                    Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n\
                    Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" has been reopened at Wed Mar 12 10:00:00 2025\n";
    assert_eq!(read(reopened).outcome, Outcome::Incomplete);
    // The failing SQL of a message names objects with quoted pairs, slashes and times.
    let sql = "ORA-39083: Object type DIRECTORY:\"SYS\".\"DP\" failed to create with error:\n\
               ORA-01031: insufficient privileges\n\
               Failing sql is:\n\
               CREATE DIRECTORY \"SYS\".\"DP\" AS '/u01/dp' -- 10:00:00\n";
    let r = read(sql);
    assert_eq!(r.job, None);
    assert_eq!(r.outcome, Outcome::NotStarted);
}

#[test]
fn a_translated_banner_gives_the_tool_and_release() {
    let r = read("インポート: Release 19.0.0.0.0 - Production on 木 10月 15 11:41:34 2020\n\"SYSTEM\".\"SYS_IMPORT_FULL_01\"を起動しています: system/********\n");
    assert_eq!(r.tool.map(|t| t.as_str()), Some("impdp"));
    assert_eq!(r.version.as_deref(), Some("19.0.0.0.0"));
    let r = read("Starting \"S\".\"J\":  s/********\nWARNING : possible data loss in character set conversions\nJob \"S\".\"J\" successfully completed at 10:00:00\n");
    assert_eq!(r.verdict, Verdict::Review);
}

#[test]
fn a_log_saved_as_utf16_is_read_as_text() {
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(GERMAN.encode_utf16().flat_map(|w| w.to_le_bytes()))
        .collect();
    let r = parse_bytes(&le, &Policy::default());
    assert!(r.datapump);
    assert_eq!((r.outcome, r.verdict), (Outcome::Success, Verdict::Ok));
    let streamed = super::parse_reader(&le[..], &Policy::default()).unwrap();
    assert_eq!(streamed, r);
}
