//! It never panics and never hangs: property tests over arbitrary bytes and over mutated real
//! logs, bounded so they run in CI in seconds.

use super::{parse_bytes, parse_reader, Policy};
use proptest::prelude::*;
use std::path::PathBuf;

/// The real logs (read once) and a synthetic one touching every line shape.
fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datapump-logs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "mutated-log cases use a synthetic log only: {} is absent",
            dir.display()
        );
        return vec![SYNTHETIC.as_bytes().to_vec()];
    };
    let mut logs: Vec<Vec<u8>> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    logs.push(SYNTHETIC.as_bytes().to_vec());
    logs
}

const SYNTHETIC: &str = "Import: Release 19.0.0.0.0 - Production on Wed Mar 12 08:00:00 2025\n\
Starting \"SYSTEM\".\"SYS_IMPORT_FULL_01\":  system/******** directory=DP\n\
12-MAR-25 08:00:01.123: W-1 Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA\n\
W-1 . . imported \"BIZAGI\".\"T\"  1.5 KB  3 out of 5 rows\n\
ORA-39083: Object type TABLE:\"BIZAGI\".\"X\" failed to create with error:\n\
ORA-01653: unable to extend table\nFailing sql is:\nCREATE TABLE X\n\
ORA-06512: at \"SYS.KUPW$WORKER\", line 1\n\
Resumable error: ORA-01653: unable to extend\n\
;;; parfile:  userid=system/secret@db\n;;; _parfile: more\n\
Dump file set for SYSTEM.SYS_IMPORT_FULL_01 is:\n  /u01/x.dmp\n\
Job \"SYSTEM\".\"SYS_IMPORT_FULL_01\" completed with 1 error(s) at Wed Mar 12 11:12:13 2025 elapsed 0 03:12:13\n";

#[test]
fn a_log_of_distinct_findings_stays_linear() {
    // 100 000 different codes and warnings: anything quadratic would not finish.
    let mut log = String::new();
    for i in 0..100_000 {
        log.push_str(&format!("ORA-{i:05}: x\nWarning: data loss {i}\n"));
    }
    let started = std::time::Instant::now();
    let r = parse_bytes(log.as_bytes(), &Policy::default());
    assert_eq!(r.codes.len(), 100_000);
    // ORA-06512 is a stack frame, never a message of its own. Every message is counted in its
    // group; a bounded number of examples is kept.
    assert_eq!(r.messages_total, 99_999);
    assert_eq!(r.message_groups.len(), 99_999);
    assert_eq!(r.messages.len(), 5000);
    assert_eq!(r.warnings.len(), 1000);
    // One reason per kind of message and per kept warning, one for the warnings not kept, and
    // one for the missing final line.
    assert_eq!(r.reasons.len(), 99_999 + 1000 + 1 + 1);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let a = parse_bytes(&bytes, &Policy::default());
        let b = parse_reader(&bytes[..], &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn lines_of_log_words_never_panic(parts in proptest::collection::vec(prop_oneof![
        Just("ORA-39083: Object type TABLE:\"A\".\"B\" x".to_string()),
        Just("Job \"A\".\"B\" completed with ".to_string()),
        Just(". . imported \"A\".\"B\" ".to_string()),
        Just("12-MAR-25 08:00:01.123: ".to_string()),
        Just("W-".to_string()), Just("\r".to_string()), Just("\n".to_string()),
        Just("\"".to_string()), Just(":".to_string()), Just("KB ".to_string()),
        Just("99999999999999999999999 ".to_string()), Just("out of ".to_string()),
        Just("作业 \"A\".\"B\" 个错误".to_string()), Just(";;; _parfile:".to_string()),
        "[ -~]{0,12}",
    ], 0..60)) {
        let text = parts.concat();
        let a = parse_bytes(text.as_bytes(), &Policy::default());
        let b = parse_reader(text.as_bytes(), &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_shrink_iters: 100, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_logs_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..40),
    ) {
        let logs = corpus();
        let mut bytes = logs[pick.index(logs.len())].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                2 => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        let a = parse_bytes(&bytes, &Policy::default());
        let b = parse_reader(&bytes[..], &Policy::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}
