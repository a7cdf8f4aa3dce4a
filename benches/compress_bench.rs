//! Drives `bizscript::archive::compress` directly, for `benches/compress.sh`.
//!
//! Usage: `compress_bench ARCHIVE LEVEL INPUT...` (replaces ARCHIVE if it exists).
//! Prints one line: `bytes_in bytes_out seconds verified`.

use bizscript::archive::{compress, Options, Phase, Progress};
use bizscript::cancel::Cancel;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: compress_bench ARCHIVE LEVEL INPUT...");
        return ExitCode::from(2);
    }
    let mut options = Options::new(&args[0]);
    options.overwrite = true;
    options.level = match args[1].parse() {
        Ok(level) => level,
        Err(e) => {
            eprintln!("bad level {}: {e}", args[1]);
            return ExitCode::from(2);
        }
    };
    // BENCH_WORKERS=N overrides the number of compressing threads (one per core by default).
    if let Some(workers) = std::env::var("BENCH_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        options.workers = workers;
    }
    let inputs: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
    // Phase timings on stderr: where the time goes (compress, sync, verify).
    let started = std::time::Instant::now();
    let mut compressed_at = None;
    let mut verify_started_at = None;
    let mut on_progress = |p: &Progress| match p.phase {
        Phase::Compress if p.done == p.total => compressed_at = Some(started.elapsed()),
        Phase::Verify if verify_started_at.is_none() => verify_started_at = Some(started.elapsed()),
        _ => {}
    };
    let result = compress(&inputs, &options, &Cancel::new(), &mut on_progress);
    eprintln!(
        "compressed at {compressed_at:?}, verify started at {verify_started_at:?}, done at {:?}",
        started.elapsed()
    );
    match result {
        Ok(report) => {
            println!(
                "{} {} {:.3} {}",
                report.bytes_in,
                report.bytes_out,
                report.duration.as_secs_f64(),
                report.verified
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error [{}]: {e}\nhint: {}", e.code(), e.advice());
            ExitCode::FAILURE
        }
    }
}
