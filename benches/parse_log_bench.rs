//! Parses one Data Pump log and prints the figures `gen_big_log.py` expects, as JSON on stdout.
//! Used by `benches/parse_log.sh` to time the parser alone (no CLI, no Rhai).
//!
//! Usage: cargo bench --bench parse_log_bench -- FILE [--json | --summary]
//! (`--json` prints the whole report, `--summary` the text `bizscript log` shows.)

use bizscript::oracle::log::{parse_file, summary::human_summary, Policy};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_log_bench FILE");
        return ExitCode::from(2);
    };
    let mode = std::env::args().nth(2).unwrap_or_default();
    match parse_file(&path, &Policy::default()) {
        Ok(report) if mode == "--json" => {
            // Streamed, as `bizscript log --json` does.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if serde_json::to_writer_pretty(&mut out, &report).is_err() {
                return ExitCode::from(2);
            }
            ExitCode::from(report.verdict.exit_code())
        }
        Ok(report) if mode == "--summary" => {
            print!("{}", human_summary(&report));
            ExitCode::from(report.verdict.exit_code())
        }
        Ok(report) => {
            let figures = serde_json::json!({
                "outcome": report.outcome,
                "reported_errors": report.reported_errors,
                "codes": report.codes,
                "tables": report.totals.tables,
                "rows": report.totals.rows,
                "messages": report.messages_total,
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
