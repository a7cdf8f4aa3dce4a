//! `tracing` output: stderr at the level `-v`/`-q` or `RUST_LOG` choose, and a per-run log file
//! with `--log-file`.

use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, Layer};

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

/// bizscript's own events at the level `-v`/`-q` choose.
fn default_filter(verbose: u8, quiet: u8) -> Targets {
    let level = level(verbose, quiet).parse().unwrap_or(LevelFilter::WARN);
    Targets::new().with_target("bizscript", level)
}

/// A `RUST_LOG` value: `LEVEL` for every target, `target=LEVEL` pairs, or both, comma-separated
/// (the target-and-level subset of `env_logger`'s syntax; span and field filters are not
/// supported and make the value an error).
fn rust_log(spec: &str) -> Result<Targets, String> {
    // `Targets` would take `target[span]` for a target name and then match nothing.
    if spec.contains(['[', '{']) {
        return Err("span and field filters are not supported".to_string());
    }
    spec.trim().parse::<Targets>().map_err(|e| e.to_string())
}

/// Installs the subscriber. A log file that cannot be opened is an error the caller reports.
pub fn init(verbose: u8, quiet: u8, log_file: Option<&Path>) -> std::io::Result<()> {
    // The script's own print and debug already reach stdout and stderr; the log file keeps them.
    let stderr_filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => rust_log(&spec).unwrap_or_else(|e| {
            eprintln!(
                "bizscript: RUST_LOG is ignored: {e} (expected `LEVEL` or `target=LEVEL,...`)"
            );
            default_filter(verbose, quiet)
        }),
        _ => default_filter(verbose, quiet),
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
                    .with_filter(
                        Targets::new()
                            .with_target("bizscript", LevelFilter::DEBUG)
                            .with_target("script", LevelFilter::DEBUG),
                    ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_takes_a_level_or_targets() {
        let all = rust_log("debug").unwrap();
        assert!(all.would_enable("bizscript::host", &Level::DEBUG));
        assert!(all.would_enable("rhai", &Level::DEBUG));
        assert!(!all.would_enable("bizscript", &Level::TRACE));
        let some = rust_log("warn,bizscript=trace").unwrap();
        assert!(some.would_enable("bizscript::process", &Level::TRACE));
        assert!(!some.would_enable("rustyline", &Level::INFO));
        assert!(rust_log("bizscript[span]=debug").is_err());
        assert!(rust_log("bizscript=loud").is_err());
    }

    #[test]
    fn verbosity_picks_bizscripts_level() {
        let warn = default_filter(0, 0);
        assert!(warn.would_enable("bizscript::host", &Level::WARN));
        assert!(!warn.would_enable("bizscript::host", &Level::INFO));
        assert!(!warn.would_enable("rhai", &Level::ERROR));
        assert!(default_filter(2, 0).would_enable("bizscript", &Level::DEBUG));
        assert!(!default_filter(0, 2).would_enable("bizscript", &Level::ERROR));
    }
}
