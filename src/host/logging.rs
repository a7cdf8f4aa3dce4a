//! `tracing` output: stderr at the level `-v`/`-q` or `RUST_LOG` choose, and a per-run log file
//! with `--log-file`.

use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// The stderr level for `-v` and `-q` counts (RUST_LOG wins when set).
pub fn level(verbose: u8, quiet: u8) -> &'static str {
    match (verbose as i16) - (quiet as i16) {
        i16::MIN..=-2 => "off",
        -1 => "error",
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    }
}

/// Installs the subscriber. A log file that cannot be opened is an error the caller reports.
pub fn init(verbose: u8, quiet: u8, log_file: Option<&Path>) -> std::io::Result<()> {
    let stderr_filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::new(spec),
        // The script's own print and debug already reach stdout and stderr; the log file keeps them.
        _ => EnvFilter::new(format!("bizscript={}", level(verbose, quiet))),
    };
    let stderr_layer = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_filter(stderr_filter);
    let file_layer = match log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            Some(
                fmt::layer()
                    .with_writer(Mutex::new(file))
                    .with_ansi(false)
                    .with_filter(EnvFilter::new("bizscript=debug,script=debug")),
            )
        }
        None => None,
    };
    let _ = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    Ok(())
}
