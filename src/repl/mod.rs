//! `bizscript repl`: an Oracle-aware console where a DBA tries a step by hand, inspects a log or
//! repairs a failed run.
//!
//! * [`session`] evaluates inputs; variables and script functions persist between them;
//! * [`helper`] gives the line editor completion, signature hints and multi-line input
//!   ([`validator`] asks Rhai's parser whether the input is finished);
//! * [`commands`] parses `:help`, `:vars`, `:load`, `:reset`, `:dry-run`, `:quit`;
//! * [`print`] shows results as tables or indented JSON, Secrets as `***`;
//! * [`history`] keeps the history in the user's data folder, without credentials.
//!
//! Ctrl-C: while a line is being edited the terminal is in raw mode, so Ctrl-C reaches the editor
//! as a key and clears the line; while an input runs the terminal is back in normal mode, the
//! signal reaches bizscript's handler, and the cancel flag stops the evaluation (a script loop
//! at its next operation, a primitive with its own cancel semantics). The flag is reset after
//! every input.

pub mod commands;
pub mod completion;
pub mod helper;
pub mod history;
pub mod print;
pub mod session;
pub mod validator;
pub mod vocabulary;

use crate::cancel::Cancel;
use crate::host::error::HostError;
use crate::host::script::{host_context, oracle_env};
use crate::primitives::outcome::ExitStatus;
use commands::Flow;
use helper::ReplHelper;
use print::Palette;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};
use session::{Outcome, Session};
use std::path::PathBuf;

/// What `bizscript repl` was asked for.
#[derive(Debug, Clone, Default)]
pub struct ReplOptions {
    /// `--simulate[=SCENARIO]`.
    pub simulate: Option<String>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--set KEY=VALUE`: `params.KEY` in the session.
    pub sets: Vec<String>,
}

/// Why the REPL could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum ReplError {
    #[error(transparent)]
    Host(#[from] HostError),
    #[error("the line editor failed: {0}")]
    Editor(#[from] ReadlineError),
}

/// Runs the REPL until Ctrl-D or `:quit`.
pub fn run(options: &ReplOptions, cancel: Cancel) -> Result<ExitStatus, ReplError> {
    let params = crate::host::params::parse_params(&options.sets).map_err(HostError::from)?;
    let (env, sim) = oracle_env(options.simulate.as_deref())?;
    let ctx = host_context(options.dry_run, false, cancel, env, sim.as_ref());
    let mut session = Session::with_params(ctx, params);
    let palette = Palette::for_stdout();

    let config = Config::builder()
        .max_history_size(history::MAX_ENTRIES)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .bracketed_paste(true)
        .tab_stop(4)
        .indent_size(4)
        .build();
    let mut editor: Editor<ReplHelper, FileHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(ReplHelper::new(
        session.engine(),
        session.vocabulary(),
        palette.colour(),
    )));
    // Only a person at a terminal builds a history; lines piped in are a script, not a session.
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let mut history_file = history::history_path().filter(|_| interactive);
    if let Some(path) = history_file.as_ref().filter(|p| p.is_file()) {
        if let Err(err) = editor.load_history(path) {
            eprintln!(
                "bizscript: cannot read the history {}: {err}",
                path.display()
            );
        }
    }

    eprintln!(
        "bizscript {} REPL: `:help` for commands and primitives, Tab completes, Ctrl-C cancels, Ctrl-D leaves",
        env!("CARGO_PKG_VERSION")
    );
    if options.dry_run {
        eprintln!("bizscript: DRY RUN: primitives say what they would do and change nothing");
    }
    tracing::info!(
        simulate = options.simulate.as_deref().unwrap_or("no"),
        dry_run = options.dry_run,
        history = %history_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        "repl started"
    );

    loop {
        let prompt = if session.ctx().dry_run() {
            "bizscript[dry-run]> "
        } else {
            "bizscript> "
        };
        let input = match editor.readline(prompt) {
            Ok(input) => input,
            // Ctrl-C at the prompt: the line is dropped, the session goes on. A Ctrl-C that
            // slipped in while the terminal was between the editor and an evaluation reached the
            // signal handler instead; forget it, or three of them would end the process.
            Err(ReadlineError::Interrupted) => {
                session.ctx().cancel.reset();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(err) => return Err(err.into()),
        };
        if input.trim().is_empty() {
            continue;
        }
        let quit = handle(&mut session, &input, palette);
        remember(&mut editor, &session, &input, &mut history_file);
        if quit {
            break;
        }
    }
    drop(sim);
    Ok(ExitStatus::Success)
}

/// Evaluates one input or runs one command; true when the REPL should leave.
fn handle(session: &mut Session, input: &str, palette: Palette) -> bool {
    if input.trim_start().starts_with(':') {
        return match commands::parse(input) {
            Ok(command) => commands::execute(session, command, palette) == Flow::Quit,
            Err(err) => {
                eprintln!("bizscript: {err}");
                false
            }
        };
    }
    let outcome = session.eval(input);
    show(session, outcome, palette);
    false
}

/// Prints how an input ended: its value on stdout, errors and interruptions on stderr.
fn show(session: &Session, outcome: Outcome, palette: Palette) {
    match outcome {
        Outcome::Value(value) => {
            let text = session
                .host_type_text(&value)
                .or_else(|| print::render(&value, palette));
            if let Some(text) = text {
                println!("{text}");
            }
        }
        Outcome::Failed(rendered) => eprintln!("{}", rendered.trim_end()),
        Outcome::Interrupted(report) => {
            if let Some(report) = report {
                eprintln!("{}", report.trim_end());
            }
            eprintln!("bizscript: interrupted; back at the prompt");
        }
    }
}

/// Adds `input` to the history and saves it, unless it handles a credential. When the file
/// cannot be written, says so once and keeps the history in memory for the rest of the session.
fn remember(
    editor: &mut Editor<ReplHelper, FileHistory>,
    session: &Session,
    input: &str,
    file: &mut Option<PathBuf>,
) {
    if !history::may_save(input, session.secrets()) {
        return;
    }
    match editor.add_history_entry(input) {
        Ok(true) => {}
        _ => return,
    }
    let Some(path) = file.as_ref() else { return };
    let entries: Vec<&str> = editor.history().iter().map(String::as_str).collect();
    // Entries loaded from an older session may hold a secret typed before it was known.
    let entries: Vec<&str> = entries
        .into_iter()
        .filter(|e| !session.secrets().appear_in(e))
        .collect();
    if let Err(err) = history::save(path, entries) {
        eprintln!(
            "bizscript: cannot save the history {}: {err}; keeping it in memory only",
            path.display()
        );
        tracing::warn!(path = %path.display(), error = %err, "history not saved");
        *file = None;
    }
}
