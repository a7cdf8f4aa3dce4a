//! The REPL's own commands: lines starting with `:`.

use super::print::Palette;
use super::session::Session;
use crate::host::docs;
use crate::primitives::options::nearest;
use std::path::PathBuf;

/// A parsed `:command`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `:help` (commands and primitives) or `:help NAME` (one primitive, topic or function).
    Help(Option<String>),
    /// `:vars`: the variables in scope, with their types and values (Secrets masked).
    Vars,
    /// `:load FILE`: run a script in this session; its functions and variables stay.
    Load(PathBuf),
    /// `:reset`: forget every variable, function and imported module.
    Reset,
    /// `:dry-run on|off` switches dry-run mode; `:dry-run` alone shows it.
    DryRun(Option<bool>),
    /// `:quit` (also `:q`, `:exit`).
    Quit,
}

/// Why a `:command` line was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CommandError {
    #[error("unknown command `{given}`{}; `:help` lists the commands", suggestion(.nearest))]
    Unknown {
        given: String,
        nearest: Option<&'static str>,
    },
    #[error("`{0}` needs {1}")]
    MissingArgument(&'static str, &'static str),
    #[error("`:dry-run` takes `on` or `off`, not `{0}`")]
    BadSwitch(String),
    #[error("`{0}` takes no argument")]
    UnexpectedArgument(&'static str),
}

fn suggestion(nearest: &Option<&'static str>) -> String {
    nearest
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// The commands with one line of help each, for `:help`.
pub const HELP: &[(&str, &str)] = &[
    (
        ":help [NAME]",
        "this list, or one primitive's signature, doc and example",
    ),
    (":vars", "the variables in scope (Secrets show as ***)"),
    (
        ":load FILE",
        "run a script here; its functions and variables stay",
    ),
    (
        ":reset",
        "forget every variable, function and imported module",
    ),
    (
        ":dry-run on|off",
        "primitives say what they would do and change nothing",
    ),
    (":quit", "leave (or Ctrl-D)"),
];

/// Parses a line that starts with `:`.
pub fn parse(line: &str) -> Result<Command, CommandError> {
    let line = line.trim();
    let (name, argument) = match line.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, Some(rest.trim()).filter(|r| !r.is_empty())),
        None => (line, None),
    };
    let no_argument = |command: &'static str, value: Command| match argument {
        Some(_) => Err(CommandError::UnexpectedArgument(command)),
        None => Ok(value),
    };
    match name {
        ":help" | ":h" | ":?" => Ok(Command::Help(argument.map(String::from))),
        ":vars" => no_argument(":vars", Command::Vars),
        ":load" => argument
            .map(|a| Command::Load(PathBuf::from(a)))
            .ok_or(CommandError::MissingArgument(":load", "a script file")),
        ":reset" => no_argument(":reset", Command::Reset),
        ":dry-run" => match argument {
            None => Ok(Command::DryRun(None)),
            Some("on") => Ok(Command::DryRun(Some(true))),
            Some("off") => Ok(Command::DryRun(Some(false))),
            Some(other) => Err(CommandError::BadSwitch(other.to_string())),
        },
        ":quit" | ":q" | ":exit" => no_argument(":quit", Command::Quit),
        other => Err(CommandError::Unknown {
            given: other.to_string(),
            nearest: nearest(
                other,
                &[":help", ":vars", ":load", ":reset", ":dry-run", ":quit"],
            ),
        }),
    }
}

/// What the loop does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// Leave the REPL.
    Quit,
}

/// Runs a parsed command.
pub fn execute(session: &mut Session, command: Command, palette: Palette) -> Flow {
    match command {
        Command::Help(None) => print!("{}", general_help()),
        Command::Help(Some(name)) => match help_on(session, &name) {
            Ok(text) => print!("{text}"),
            Err(problem) => eprintln!("bizscript: {problem}"),
        },
        Command::Vars => println!("{}", session.describe_vars()),
        Command::Load(path) => {
            let outcome = session.load(&path);
            super::show(session, outcome, palette);
        }
        Command::Reset => {
            session.reset();
            eprintln!("bizscript: variables, functions and imported modules forgotten");
        }
        Command::DryRun(Some(on)) => {
            session.ctx().set_dry_run(on);
            eprintln!(
                "bizscript: dry run {}",
                if on {
                    "on: primitives say what they would do and change nothing"
                } else {
                    "off: primitives act"
                }
            );
        }
        Command::DryRun(None) => eprintln!(
            "bizscript: dry run is {}",
            if session.ctx().dry_run() { "on" } else { "off" }
        ),
        Command::Quit => return Flow::Quit,
    }
    Flow::Continue
}

/// `:help` without a name: the commands, the keys and the primitives.
pub fn general_help() -> String {
    let mut out = String::from("Commands:\n");
    for (command, text) in HELP {
        out.push_str(&format!("  {command:<18}{text}\n"));
    }
    out.push_str(
        "\nKeys: Tab completes primitives, functions, variables, `x.` map keys, `params.` and\n\
         `module::` functions; a hint shows the signature of the call being typed.\n\
         Enter on an unfinished function, block, map or backtick string continues on the next line,\n\
         Ctrl-C cancels the running input or clears the line, Ctrl-D or `:quit` leaves\n\
         (`exit()` only ends the input it is in).\n\
         Lines starting with a space, and lines handling passwords, stay out of the history.\n\
         \nPrimitives (`:help NAME` for one):\n",
    );
    for doc in crate::primitives::all_docs() {
        out.push_str(&format!("  {}\n", doc.signature.replace('\n', "\n  ")));
    }
    out
}

/// `:help NAME`: a primitive's doc (the same text as `bizscript doc NAME`), a guide topic, or a
/// function defined in the session; otherwise what went wrong, with the nearest name.
pub fn help_on(session: &Session, name: &str) -> Result<String, String> {
    if let Some(doc) = crate::primitives::doc(name) {
        return Ok(docs::render_doc(doc));
    }
    if name == "site-scripts" {
        return Ok(docs::SITE_SCRIPTS_GUIDE.to_string());
    }
    if let Some(text) = docs::render_procedure(name) {
        return Ok(text);
    }
    if let Some(text) = session.describe_function(name) {
        return Ok(text);
    }
    let topics = docs::topics();
    let hint = nearest(name, &topics)
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    Err(format!(
        "no primitive, topic or function named `{name}`{hint}; known: {}",
        topics.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse() {
        assert_eq!(parse(":help"), Ok(Command::Help(None)));
        assert_eq!(
            parse(":help  secret_env "),
            Ok(Command::Help(Some("secret_env".into())))
        );
        assert_eq!(parse(":vars"), Ok(Command::Vars));
        assert_eq!(
            parse(":load backup.rhai"),
            Ok(Command::Load("backup.rhai".into()))
        );
        assert_eq!(parse(":reset"), Ok(Command::Reset));
        assert_eq!(parse(":dry-run on"), Ok(Command::DryRun(Some(true))));
        assert_eq!(parse(":dry-run off"), Ok(Command::DryRun(Some(false))));
        assert_eq!(parse(":dry-run"), Ok(Command::DryRun(None)));
        assert_eq!(parse(":q"), Ok(Command::Quit));
    }

    #[test]
    fn help_lists_every_command_and_primitive() {
        let text = general_help();
        for (command, _) in HELP {
            assert!(text.contains(command), "{command}");
        }
        for doc in crate::primitives::all_docs() {
            assert!(text.contains(doc.name), "{}", doc.name);
        }
    }

    #[test]
    fn help_on_a_name_is_the_doc_text_or_a_suggestion() {
        let session = Session::new(crate::primitives::runtime::HostCtx::for_tests());
        let doc = crate::primitives::doc("secret_env").unwrap();
        assert_eq!(help_on(&session, "secret_env"), Ok(docs::render_doc(doc)));
        let problem = help_on(&session, "secret_evn").unwrap_err();
        assert!(problem.contains("did you mean `secret_env`?"), "{problem}");
    }

    #[test]
    fn mistakes_are_explained() {
        let err = parse(":hepl").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown command `:hepl` (did you mean `:help`?); `:help` lists the commands"
        );
        assert_eq!(
            parse(":load").unwrap_err().to_string(),
            "`:load` needs a script file"
        );
        assert_eq!(
            parse(":dry-run maybe").unwrap_err().to_string(),
            "`:dry-run` takes `on` or `off`, not `maybe`"
        );
        assert_eq!(
            parse(":vars x").unwrap_err(),
            CommandError::UnexpectedArgument(":vars")
        );
    }
}
