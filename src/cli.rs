//! The command line: one place for every flag and its help. `anyhow` lives only here, at the
//! binary's edge; everything below returns typed errors.

use crate::cancel::Cancel;
use crate::host::check::check_script;
use crate::host::docs;
use crate::host::script::{run, RunOptions};
use crate::host::sources::ScriptSource;
use crate::primitives::console::{self, ColorChoice};
use crate::primitives::outcome::{ExitStatus, EXIT_CODES_HELP};
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  bizscript run bizagi_export.rhai --simulate            the whole procedure, against a simulated client
  bizscript run bizagi_export.rhai --set schema=BIZAGI --set connect=//db:1521/ORCL
  bizscript run site_nightly.rhai --dry-run              show commands, SQL and parfiles; change nothing
  bizscript check site_nightly.rhai                      compile only: syntax and unknown functions
  bizscript doc expdp                                    one primitive's signature, doc and example

The password comes from BIZSCRIPT_PASSWORD, a no-echo prompt, or a 0600 file: never the command line.

";

/// Scripted, verifiable Oracle Data Pump backups of Bizagi projects.
#[derive(Debug, Parser)]
#[command(name = "bizscript", version, about, long_about = None)]
#[command(after_help = format!("{AFTER_HELP}{EXIT_CODES_HELP}"))]
pub struct Cli {
    /// More diagnostics on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Less on stderr: -q only the final line, -qq nothing (the exit code says how it went).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    quiet: u8,
    /// Also write a detailed log of this run to FILE (appended), between a header and a closing
    /// line with the exit code.
    #[arg(long, value_name = "FILE", global = true)]
    log_file: Option<PathBuf>,
    /// Colour on stderr: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE forces it),
    /// always or never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a script (a path, or the name of a shipped script such as bizagi_export.rhai).
    #[command(after_help = EXIT_CODES_HELP)]
    Run {
        /// The script to run.
        script: PathBuf,
        /// Set a parameter: the script reads it as `params.KEY`. Integers, floats and
        /// booleans arrive typed. The standard procedure's parameters, with their types and
        /// defaults: `bizscript doc bizagi_export`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Say what would be done (commands, SQL, parameter files with passwords masked) and
        /// change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Run against the simulated Oracle client (scenario `ok` unless one is named).
        #[arg(long, value_name = "SCENARIO", num_args = 0..=1, require_equals = true, default_missing_value = "ok", value_parser = scenarios())]
        simulate: Option<String>,
        /// Write the run's JSON report to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Do not ask before destructive steps (retention, cleaning up orphaned jobs).
        #[arg(long)]
        yes: bool,
    },
    /// Compile scripts without running them: syntax errors and calls to unknown functions.
    Check {
        /// The scripts to check.
        #[arg(required = true)]
        scripts: Vec<PathBuf>,
    },
    /// Show the primitives' signatures, docs and examples.
    Doc {
        /// A primitive (e.g. expdp) or a topic (site-scripts).
        name: Option<String>,
        /// Write `.d.rhai` definition files for editors into DIR.
        #[arg(long, value_name = "DIR", conflicts_with = "name")]
        definitions: Option<PathBuf>,
    },
    /// An interactive console: try steps by hand, inspect a log, repair a failed run.
    Repl {
        /// Run against the simulated Oracle client (scenario `ok` unless one is named).
        #[arg(long, value_name = "SCENARIO", num_args = 0..=1, require_equals = true, default_missing_value = "ok", value_parser = scenarios())]
        simulate: Option<String>,
        /// Start in dry-run mode (`:dry-run off` leaves it).
        #[arg(long)]
        dry_run: bool,
        /// Set a parameter the session reads as `params.KEY` (as for `run`).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// Read a Data Pump log (expdp or impdp, any version, any language) and give its verdict.
    #[command(
        after_help = "Exit codes: 0 ok, 3 review (a person must act on something), 1 failed, 2 usage error."
    )]
    Log {
        /// The log file (server-side .log or a saved console transcript).
        file: PathBuf,
        /// Print the full result as JSON instead of the summary.
        #[arg(long)]
        json: bool,
        /// Treat this message code as harmless for this job (repeatable), e.g. ORA-39082.
        #[arg(long = "allow", value_name = "CODE")]
        allow: Vec<String>,
        /// Fail the verdict on this message code wherever it appears (repeatable).
        #[arg(long = "deny", value_name = "CODE")]
        deny: Vec<String>,
        /// The log is of an import meant as a restore: skipped existing tables fail it.
        #[arg(long)]
        restore: bool,
    },
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// `--simulate`'s values, from the one scenario list: validated, completed, and a misspelt one
/// gets clap's "a similar value exists".
fn scenarios() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        crate::host::simulate::SCENARIOS
            .iter()
            .map(|s| clap::builder::PossibleValue::new(s.name).help(s.summary)),
    )
}

/// Parses the command line, runs the command, returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // `-qq` means nothing but the exit code, even for a command line clap refuses.
            if !err.use_stderr() || quiet_count(std::env::args().skip(1)) < 2 {
                let _ = err.print();
            }
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    console::configure(cli.verbose, cli.quiet, cli.color);
    let status = run_cli(cli);
    crate::host::logging::close(status.code());
    console::finish();
    ExitCode::from(status.code())
}

/// How many `-q` a command line clap refused holds (`-q`, `-qq`, `--quiet`, in clusters of
/// short flags such as `-vqq`), up to a `--`.
fn quiet_count(args: impl IntoIterator<Item = String>) -> usize {
    args.into_iter()
        .take_while(|a| a != "--")
        .map(|a| match a.strip_prefix("--") {
            Some("quiet") => 1,
            Some(_) => 0,
            None => match a.strip_prefix('-') {
                Some(short) if short.chars().all(|c| c == 'q' || c == 'v') => {
                    short.matches('q').count()
                }
                _ => 0,
            },
        })
        .sum()
}

fn run_cli(cli: Cli) -> ExitStatus {
    // The log file's folder is checked before anything runs, like `--report`'s.
    if let Some(path) = &cli.log_file {
        if let Err(err) = crate::host::script::check_output_path("--log-file", path, true) {
            console::final_line(&format!("bizscript: {err}"));
            return ExitStatus::Usage;
        }
    }
    if let Command::Run {
        script,
        report: Some(report),
        ..
    } = &cli.command
    {
        let mut others = vec![("the script", script.as_path())];
        if let Some(log) = &cli.log_file {
            others.push(("the --log-file", log.as_path()));
        }
        if let Err(err) = crate::host::script::check_report_is_its_own_file(report, &others) {
            console::final_line(&format!("bizscript: {err}"));
            return ExitStatus::Usage;
        }
    }
    let header = crate::host::logging::Header {
        version: env!("CARGO_PKG_VERSION"),
        command_line: crate::host::logging::masked_command_line(std::env::args_os()),
        scenario: match &cli.command {
            Command::Run { simulate, .. } | Command::Repl { simulate, .. } => simulate.clone(),
            _ => None,
        },
    };
    if let Err(err) =
        crate::host::logging::init(cli.verbose, cli.quiet, cli.log_file.as_deref(), &header)
    {
        let path = cli.log_file.as_deref().unwrap_or(std::path::Path::new(""));
        console::final_line(&format!(
            "bizscript: --log-file {}: cannot open it: {err}",
            path.display()
        ));
        return ExitStatus::Usage;
    }
    match dispatch(cli) {
        Ok(status) => status,
        Err(err) => {
            console::final_line(&format!("bizscript: {err:#}"));
            err.downcast_ref::<crate::host::error::HostError>()
                .map(|e| e.exit_status())
                .unwrap_or(ExitStatus::Failure)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitStatus> {
    let verbose = cli.verbose > 0;
    match cli.command {
        Command::Run {
            script,
            sets,
            dry_run,
            simulate,
            report,
            yes,
        } => {
            let cancel = Cancel::new();
            crate::host::signals::install(&cancel)?;
            crate::cancel::last_resort::report_to(report.clone());
            let options = RunOptions {
                script,
                sets,
                dry_run,
                simulate,
                report,
                assume_yes: yes,
                verbose,
            };
            Ok(run(&options, cancel)?)
        }
        Command::Check { scripts } => {
            let mut worst = ExitStatus::Success;
            for path in scripts {
                let source = ScriptSource::load(&path)?;
                let findings = check_script(&source);
                if findings.is_empty() {
                    console::line(&format!("{}: ok", source.id));
                } else {
                    // A script that does not compile or calls what does not exist is a usage
                    // error, as for `run`.
                    worst = ExitStatus::Usage;
                    for finding in &findings {
                        eprintln!("{}", finding.rendered);
                    }
                    console::line(&format!("{}: {} problem(s)", source.id, findings.len()));
                }
            }
            Ok(worst)
        }
        Command::Doc { name, definitions } => {
            if let Some(dir) = definitions {
                docs::write_definitions(&dir)?;
                console::line(&format!("definitions written to {}", dir.display()));
                return Ok(ExitStatus::Success);
            }
            match name.as_deref() {
                None => print!("{}", docs::render_all()),
                Some("site-scripts") => print!("{}", docs::SITE_SCRIPTS_GUIDE),
                Some("report-schema") => print!("{}", crate::host::report::REPORT_SCHEMA),
                Some(name) if docs::render_procedure(name).is_some() => {
                    print!("{}", docs::render_procedure(name).unwrap_or_default())
                }
                Some(name) => match crate::primitives::doc(name) {
                    Some(doc) => print!("{}", docs::render_doc(doc)),
                    None => {
                        let topics = docs::topics();
                        let hint = crate::primitives::options::nearest(name, &topics)
                            .map(|n| format!(" (did you mean `{n}`?)"))
                            .unwrap_or_default();
                        eprintln!(
                            "bizscript: no primitive or topic named `{name}`{hint}; known: {}",
                            topics.join(", ")
                        );
                        return Ok(ExitStatus::Usage);
                    }
                },
            }
            Ok(ExitStatus::Success)
        }
        Command::Repl {
            simulate,
            dry_run,
            sets,
        } => {
            let cancel = Cancel::new();
            crate::host::signals::install(&cancel)?;
            let options = crate::repl::ReplOptions {
                simulate,
                dry_run,
                sets,
            };
            Ok(crate::repl::run(&options, cancel)?)
        }
        Command::Log {
            file,
            json,
            allow,
            deny,
            restore,
        } => {
            let code = crate::oracle::log::command::run(
                &file,
                json,
                &allow,
                &deny,
                restore,
                &mut std::io::stdout().lock(),
            )
            .map_err(|e| crate::host::error::HostError::Usage(e.to_string()))?;
            Ok(ExitStatus::from_script_code(i64::from(code)))
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "bizscript",
                &mut std::io::stdout(),
            );
            Ok(ExitStatus::Success)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quiet_count;

    #[test]
    fn quiet_flags_are_counted_on_a_refused_command_line() {
        let count = |args: &[&str]| quiet_count(args.iter().map(|a| a.to_string()));
        assert_eq!(count(&["run", "x", "-qq", "--simulate=okk"]), 2);
        assert_eq!(count(&["-q", "--quiet", "run"]), 2);
        assert_eq!(count(&["-vqq", "run"]), 2);
        assert_eq!(count(&["run", "--set", "q=1", "-s"]), 0);
        assert_eq!(count(&["run", "--", "-qq"]), 0);
    }
}
