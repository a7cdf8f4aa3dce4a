//! What the operator reads on stderr, decided in one place: `say` and `announce` for scripts,
//! [`line`], [`detail`] and [`final_line`] for bizscript itself, and the colour choice.
//!
//! * default: the lines scripts `say` (one per step and the final verdict), details (a
//!   primitive's own summary, the copied client console) only with `-v`;
//! * `-q`: only the final line: the last line said, or the error that ended the run;
//! * `-qq`: nothing (stderr is closed to everything, see [`configure`]); the exit code says it.
//!
//! stdout stays the script's own (`print`).

use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use rhai::Engine;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub const SAY: PrimitiveDoc = PrimitiveDoc {
    name: "say",
    signature: "say(text: string)",
    summary: "Writes one line for the operator to stderr (and the run log), like bizscript's own step lines. Use `print` for the script's output (stdout, which may be piped) and `say` for progress and explanations. Under `-q` only the last line said (the verdict) is shown, at the end; under `-qq` nothing.",
    example: r#"say("check_env: ok: Oracle client 19.27.0.0.0");"#,
};

pub const ANNOUNCE: PrimitiveDoc = PrimitiveDoc {
    name: "announce",
    signature: "announce(text: string)",
    summary: "Says what is starting: on a terminal a live line (a spinner) that the next line replaces; elsewhere only in the run log (`--log-file`) and, with `-v`, on stderr. A step then ends with one `say` line, so a run off a terminal prints one line per step. The step's name (the text before the first `:`, after a `[n/total]` number) is what the report's `failure.step` names when an interrupt or an error the script did not catch ends the run before the step's own `say` line (`NAME: ...`).",
    example: r#"announce("[1/7] check_env: Oracle client, ORACLE_HOME and the database release");"#,
};

/// `--color`: whether escape codes go to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The console settings of this process, fixed once at start.
#[derive(Debug, Clone, Copy)]
struct Settings {
    verbose: u8,
    quiet: u8,
    color: bool,
    choice: ColorChoice,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
/// Under `-q`: the line that will be the final one (the last said, or the error).
static HELD: Mutex<Option<String>> = Mutex::new(None);
/// Under `-q`: the real stderr (fd 2 itself is pointed at the null device).
static REAL_STDERR: Mutex<Option<std::fs::File>> = Mutex::new(None);
/// The step announced and not yet ended (its name): what an interrupted run or an error the
/// script did not catch names as the report's `failure.step`.
static RUNNING: Mutex<Option<String>> = Mutex::new(None);
/// On a terminal: the live line of the step just announced.
static SPINNER: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);

/// Whether colour is on, from `--color`, NO_COLOR, CLICOLOR_FORCE and whether stderr is a
/// terminal, in that order of precedence (`--color always|never` wins; NO_COLOR beats
/// CLICOLOR_FORCE, as <https://no-color.org> asks).
pub fn decide_color(
    choice: ColorChoice,
    no_color: Option<&str>,
    clicolor_force: Option<&str>,
    terminal: bool,
) -> bool {
    let set = |v: Option<&str>| v.is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(no_color) => false,
        ColorChoice::Auto if clicolor_force.is_some_and(|v| !v.is_empty() && v != "0") => true,
        ColorChoice::Auto => terminal,
    }
}

/// Fixes the settings for the process. Under `-q` and `-qq` stderr (fd 2) is pointed at the null
/// device, so nothing any part of bizscript or a library writes there escapes; under `-q` the real
/// stderr is kept for the final line.
pub fn configure(verbose: u8, quiet: u8, color: ColorChoice) {
    let env = |name: &str| std::env::var(name).ok();
    let colour = quiet == 0
        && decide_color(
            color,
            env("NO_COLOR").as_deref(),
            env("CLICOLOR_FORCE").as_deref(),
            std::io::stderr().is_terminal(),
        );
    let _ = SETTINGS.set(Settings {
        verbose,
        quiet,
        color: colour,
        choice: color,
    });
    // Whatever writes through anstream (clap, the REPL) follows the same decision.
    anstream::ColorChoice::write_global(match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    });
    if quiet > 0 {
        silence_stderr(quiet == 1);
    }
}

#[cfg(unix)]
fn silence_stderr(keep: bool) {
    use std::os::fd::AsFd;
    let _ = std::io::stderr().flush();
    if keep {
        if let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() {
            if let Ok(mut slot) = REAL_STDERR.lock() {
                *slot = Some(std::fs::File::from(fd));
            }
        }
    }
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = nix::unistd::dup2_stderr(&null);
    }
}

#[cfg(not(unix))]
fn silence_stderr(_keep: bool) {}

fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or(Settings {
        verbose: 0,
        quiet: 0,
        color: false,
        choice: ColorChoice::Auto,
    })
}

/// `-v` count.
pub fn verbose() -> u8 {
    settings().verbose
}

/// `-q` count.
pub fn quiet() -> u8 {
    settings().quiet
}

/// Whether escape codes may go to stderr (tracing, diagnostics, step lines).
pub fn color() -> bool {
    settings().color
}

/// Whether escape codes may go to stdout (the REPL's results): the same rules, stdout's terminal.
pub fn color_for_stdout() -> bool {
    let s = settings();
    let env = |name: &str| std::env::var(name).ok();
    s.quiet == 0
        && decide_color(
            s.choice,
            env("NO_COLOR").as_deref(),
            env("CLICOLOR_FORCE").as_deref(),
            std::io::stdout().is_terminal(),
        )
}

fn clear_spinner() {
    if let Ok(mut slot) = SPINNER.lock() {
        if let Some(bar) = slot.take() {
            bar.finish_and_clear();
        }
    }
}

/// Takes the announced step's live line away (a primitive's own spinner replaces it) and hands
/// back what it said.
pub fn take_announcement() -> Option<String> {
    let bar = SPINNER.lock().ok()?.take()?;
    let message = bar.message();
    bar.finish_and_clear();
    Some(message)
}

/// One line for the operator: shown by default, held as the final line under `-q`.
pub fn line(text: &str) {
    clear_spinner();
    match settings().quiet {
        0 => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
        }
        1 => {
            if let Ok(mut held) = HELD.lock() {
                *held = Some(text.to_string());
            }
        }
        _ => {}
    }
}

/// A detail: on stderr only with `-v`, always in the run log.
pub fn detail(text: &str) {
    // Target `console`: the log file keeps it; the stderr layer (bizscript targets) does not
    // print it a second time at -vv.
    tracing::debug!(target: "console", "{text}");
    let s = settings();
    if s.verbose > 0 && s.quiet == 0 {
        clear_spinner();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }
}

/// The line that ends the run in error: printed now by default, instead of the held line under
/// `-q`, never under `-qq`.
pub fn final_line(text: &str) {
    clear_spinner();
    match settings().quiet {
        0 => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
        }
        1 => {
            if let Ok(mut held) = HELD.lock() {
                *held = None;
            }
            write_real(text);
        }
        _ => {}
    }
}

/// Under `-q`: an error that ended the script becomes the final line (replacing whatever was
/// said before it).
pub fn hold_final(text: &str) {
    if settings().quiet == 1 {
        if let Ok(mut held) = HELD.lock() {
            *held = Some(text.to_string());
        }
    }
}

/// The end of the process: under `-q` the held final line is written.
pub fn finish() {
    clear_spinner();
    if settings().quiet == 1 {
        let held = HELD.lock().ok().and_then(|mut h| h.take());
        if let Some(text) = held {
            write_real(&text);
        }
    }
}

fn write_real(text: &str) {
    if let Ok(mut slot) = REAL_STDERR.lock() {
        if let Some(file) = slot.as_mut() {
            let _ = writeln!(file, "{text}");
            let _ = file.flush();
        }
    }
}

/// A step's name in an announcement: the text before its first `:`, after a `[n/total]` or
/// `[n]` number (`[4/7] expdp: the export` is `expdp`).
fn announced_step(text: &str) -> Option<String> {
    let text = text.trim_start();
    let text = match text.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or(rest, |(_, after)| after),
        None => text,
    };
    let (name, _) = text.split_once(':')?;
    let name = name.trim();
    (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_string())
}

/// The step announced and not yet ended by a line that starts with its name (see
/// [`RUNNING`]).
pub fn running_step() -> Option<String> {
    RUNNING.lock().ok()?.clone()
}

fn said(text: &str) {
    if let Ok(mut running) = RUNNING.lock() {
        let ended = running
            .as_deref()
            .is_some_and(|name| text.strip_prefix(name).is_some_and(|r| r.starts_with(':')));
        if ended {
            *running = None;
        }
    }
}

/// Registers `say` and `announce`.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    registration(&SAY).register_into_engine(engine, |text: &str| {
        tracing::info!(target: "script", "{text}");
        said(text);
        line(text);
    });
    let interactive = ctx.interactive;
    registration(&ANNOUNCE).register_into_engine(engine, move |text: &str| {
        tracing::info!(target: "script", "{text}");
        if let Ok(mut running) = RUNNING.lock() {
            *running = announced_step(text);
        }
        clear_spinner();
        let s = settings();
        if s.quiet > 0 {
            return;
        }
        if interactive {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message(text.to_string());
            bar.enable_steady_tick(Duration::from_millis(100));
            if let Ok(mut slot) = SPINNER.lock() {
                *slot = Some(bar);
            }
        } else if s.verbose > 0 {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_announcement_names_its_step() {
        assert_eq!(
            announced_step("[4/7] expdp: the export").as_deref(),
            Some("expdp")
        );
        assert_eq!(
            announced_step("[2] copy: to the share").as_deref(),
            Some("copy")
        );
        assert_eq!(
            announced_step("check_env: the client").as_deref(),
            Some("check_env")
        );
        assert_eq!(announced_step("starting the export now"), None);
        assert_eq!(announced_step("two words: x"), None);
    }

    #[test]
    fn colour_is_decided_by_flag_then_env_then_terminal() {
        use ColorChoice::*;
        assert!(decide_color(Always, Some("1"), None, false));
        assert!(!decide_color(Never, None, Some("1"), true));
        assert!(!decide_color(Auto, Some("1"), Some("1"), true));
        assert!(decide_color(Auto, Some(""), None, true));
        assert!(decide_color(Auto, None, Some("1"), false));
        assert!(!decide_color(Auto, None, Some("0"), false));
        assert!(!decide_color(Auto, None, None, false));
        assert!(decide_color(Auto, None, None, true));
    }
}
