//! `tracing` output: stderr at the level `-v`/`-q` or `RUST_LOG` choose, and a per-run log file
//! with `--log-file`, between a header (version, command line with secrets masked, scenario,
//! start time) and a closing line with the exit code.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
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

/// What the log file's header says about this run.
#[derive(Debug, Clone)]
pub struct Header {
    pub version: &'static str,
    pub command_line: String,
    pub scenario: Option<String>,
}

/// The log file of this run, for the closing line.
static LOG_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Keys whose value is a secret wherever they appear as `KEY=VALUE`.
fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "passwd", "pwd", "secret", "token", "credential"]
        .iter()
        .any(|k| key.contains(k))
}

/// One argument with its secret masked: the value of a secret-looking `KEY=VALUE`, and the
/// password of an Oracle `user/password@db` connect string.
fn mask_arg(arg: &str) -> String {
    // `--option=VALUE` (clap's other spelling of `--option VALUE`): the option's name decides,
    // then the value is masked as an argument of its own (`--set=password=...`).
    if let Some((option, value)) = arg.strip_prefix("--").and_then(|a| a.split_once('=')) {
        if secret_key(option) {
            return format!("--{option}=***");
        }
        return format!("--{option}={}", mask_arg(value));
    }
    if let Some((key, value)) = arg.split_once('=') {
        if secret_key(key.trim_start_matches('-')) {
            return format!("{key}=***");
        }
        // user=NAME/PASSWORD, the logon habit of Oracle's own tools
        if key.to_ascii_lowercase().contains("user") {
            if let Some((name, _)) = value.split_once('/') {
                return format!("{key}={name}/***");
            }
        }
    }
    // user/password@db (not //host:port/service, which has no password)
    if let (Some(slash), Some(at)) = (arg.find('/'), arg.rfind('@')) {
        let head = &arg[..slash];
        if slash < at && !arg[slash..].starts_with("//") && !head.contains(['/', '@']) {
            return format!("{}/***{}", &arg[..slash], &arg[at..]);
        }
    }
    arg.to_string()
}

/// The command line as the header shows it: each argument masked, quoted when it has spaces.
pub fn masked_command_line(args: impl IntoIterator<Item = OsString>) -> String {
    let mut next_is_secret = false;
    args.into_iter()
        .map(|a| {
            let a = a.to_string_lossy().into_owned();
            let shown = if next_is_secret {
                "***".to_string()
            } else {
                mask_arg(&a)
            };
            next_is_secret = a.starts_with("--") && !a.contains('=') && secret_key(&a[2..]);
            if shown.contains(char::is_whitespace) {
                format!("'{shown}'")
            } else {
                shown
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn header_lines(header: &Header, started: &str) -> String {
    let mut out = format!(
        "==== bizscript {} started {started}\n==== command: {}\n",
        header.version, header.command_line
    );
    if let Some(scenario) = &header.scenario {
        out.push_str(&format!(
            "==== SIMULATION: scenario `{scenario}` (no real database)\n"
        ));
    }
    out
}

/// Writes the closing line (exit code, end time) to the log file, when there is one.
pub fn close(exit_code: u8) {
    let path = LOG_FILE.lock().ok().and_then(|p| p.clone());
    let Some(path) = path else {
        return;
    };
    let meaning = match exit_code {
        0 => "success",
        1 => "failure",
        2 => "usage error",
        3 => "review",
        130 => "interrupted",
        _ => "the script's own code",
    };
    if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(&path) {
        let _ = writeln!(
            file,
            "==== bizscript finished {}: exit code {exit_code} ({meaning})",
            now()
        );
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Installs the subscriber. A log file that cannot be opened is an error the caller reports.
pub fn init(
    verbose: u8,
    quiet: u8,
    log_file: Option<&Path>,
    header: &Header,
) -> std::io::Result<()> {
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
        .with_ansi(crate::primitives::console::color())
        .with_filter(stderr_filter);
    let file_layer = match log_file {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            file.write_all(header_lines(header, &now()).as_bytes())?;
            if let Ok(mut slot) = LOG_FILE.lock() {
                *slot = Some(path.to_path_buf());
            }
            Some(
                fmt::layer()
                    .with_writer(Mutex::new(file))
                    .with_ansi(false)
                    .with_filter(
                        Targets::new()
                            .with_target("bizscript", LevelFilter::DEBUG)
                            .with_target("script", LevelFilter::DEBUG)
                            .with_target("console", LevelFilter::DEBUG),
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
    fn the_command_line_is_shown_with_its_secrets_masked() {
        let args = [
            "bizscript",
            "run",
            "x.rhai",
            "--set",
            "password=tiger",
            "--set",
            "connect=scott/tiger@//db:1521/ORCL",
            "--set",
            "connect=//db:1521/ORCL",
            "--db-password",
            "tiger",
            "--set",
            "schema=BIZAGI",
        ]
        .map(OsString::from);
        let shown = masked_command_line(args);
        assert!(!shown.contains("tiger"), "{shown}");
        assert!(shown.contains("password=***"), "{shown}");
        assert!(
            shown.contains("connect=scott/***@//db:1521/ORCL"),
            "{shown}"
        );
        assert!(shown.contains("connect=//db:1521/ORCL"), "{shown}");
        assert!(shown.contains("schema=BIZAGI"), "{shown}");
    }

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
