//! Parses one Data Pump log and prints the figures `gen_big_log.py` expects, as JSON on stdout.
//! Used by `benches/parse_log.sh` to time the parser alone (no CLI, no Rhai).
//!
//! Usage: cargo run --release --example parse_log_bench -- FILE

use bizscript::oracle::log::{parse_file, Policy};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_log_bench FILE");
        return ExitCode::from(2);
    };
    match parse_file(&path, &Policy::default()) {
        Ok(report) => {
            let figures = serde_json::json!({
                "outcome": report.outcome,
                "reported_errors": report.reported_errors,
                "codes": report.codes,
                "tables": report.totals.tables,
                "rows": report.totals.rows,
                "messages": report.messages.len(),
                "verdict": report.verdict,
            });
            println!("{figures}");
            ExitCode::from(report.verdict.exit_code())
        }
        Err(e) => {
            eprintln!("parse_log_bench: {}: {e}", path.display());
            ExitCode::from(2)
        }
    }
}
