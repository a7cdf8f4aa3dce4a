//! What `expdp` and `impdp` share around their client: where the client is
//! (`$ORACLE_HOME/bin/<tool>`), the run's client-log folder, running the client on a private
//! parameter file, where the server log is and what the log parser makes of it. `tool` is
//! `"expdp"` or `"impdp"`: it names the program, the parameter file and the error codes
//! (`BZ-EXPDP-...`, `BZ-IMPDP-...`).

use super::datapump_cleanup::{by_hand, clean_up, interrupted_message, verify_gone, Cleanup};
use super::datapump_progress::ProgressDisplay;
use super::errors::script_error;
use crate::cancel::last_resort;
use crate::oracle::connection::Connection;
use crate::oracle::datapump::params::OptionValue;
use crate::oracle::datapump::parfile;
use crate::oracle::datapump::progress::ExportProgress;
use crate::oracle::exit_code::DataPumpExit;
use crate::oracle::log;
use crate::oracle::message_language::american_messages;
use crate::primitives::runtime::HostCtx;
use crate::process::capture::resolve_tool;
use crate::process::datapump_client::{
    self, ClientCommand, ClientError, ClientOutcome, KillOutcome, OnLine,
};
use crate::process::private_parfile::PrivateParfile;
use crate::secret::{Mask, Secret};
use rhai::{Dynamic, EvalAltResult, Map};
use std::path::{Path, PathBuf};

fn code(tool: &str, what: &str) -> String {
    format!("BZ-{}-{what}", tool.to_ascii_uppercase())
}

/// Writes `parfile_text` into a private parameter file (`<tool>.par`) and runs the client on
/// it; the file is removed as soon as the client has read it, and in any case when the client
/// ends (its Drop and the last-resort clean-up cover every other way out).
#[allow(clippy::too_many_arguments)]
pub fn run_client(
    ctx: &HostCtx,
    tool: &str,
    db: &Connection,
    program: &Path,
    parfile_text: &str,
    client_log: PathBuf,
    kill_at_first_prompt: bool,
    display: &ProgressDisplay,
    on_line: &mut OnLine,
) -> Result<ClientOutcome, Box<EvalAltResult>> {
    let parfile = PrivateParfile::create(&format!("{tool}.par"), parfile_text).map_err(|e| {
        script_error(
            &code(tool, "PARFILE"),
            format!("cannot write the private parameter file: {e}"),
            "check that the temporary directory (TMPDIR) is writable",
        )
    })?;
    if !parfile::fits_the_command_line(parfile.path()) {
        return Err(script_error(
            &code(tool, "PARFILE"),
            format!(
                "the parameter file's path {} holds characters the {tool} command line splits on",
                parfile.path().display()
            ),
            "set TMPDIR to a folder whose path has only letters, digits and / . _ -",
        ));
    }
    let mut command = ClientCommand::new(
        program.to_path_buf(),
        vec![format!("parfile={}", parfile.path().display()).into()],
        client_log,
    );
    // The run's environment (with a full home's lib on the library path), then English messages.
    command.env = super::connection::child_env(ctx);
    command.env.push((
        "NLS_LANG".to_string(),
        Some(american_messages(ctx.env.get("NLS_LANG").as_deref())),
    ));
    command.mask = db.password().cloned().map(|p| Mask::new(p, db.user()));
    command.kill_at_first_prompt = kill_at_first_prompt;
    display.detail(&format!("{tool}: running {}", command.display()));
    // The parameter file is removed as soon as the client has read it.
    let run = datapump_client::run_with_parfile(&command, Some(parfile), &ctx.cancel, on_line);
    let outcome = run.map_err(|e| match e {
        ClientError::ClientLog { .. } => script_error(
            &code(tool, "CLIENT-LOG"),
            format!("{tool}: {e}"),
            "set `client_log` to a file in a folder that exists and is writable",
        ),
        _ => script_error(
            &code(tool, "CLIENT"),
            format!("{tool}: {e}"),
            format!("check ORACLE_HOME and that $ORACLE_HOME/bin/{tool} is executable (check_env() tells)"),
        ),
    })?;
    if let Some(problem) = &outcome.client_log_error {
        display.note(&format!("{tool}: {problem}"));
    }
    if let Some(problem) = &outcome.parfile_error {
        display.note(&format!(
            "{tool}: {problem} (it is mode 0600 in a 0700 folder; delete it by hand)"
        ));
    }
    Ok(outcome)
}

/// `$ORACLE_HOME/bin/<tool>`, from the run's environment (which `--simulate` points elsewhere).
pub fn client_program(ctx: &HostCtx, tool: &str) -> Result<PathBuf, Box<EvalAltResult>> {
    let home = ctx.env.oracle_home().ok_or_else(|| {
        script_error(
            &code(tool, "CLIENT"),
            format!("ORACLE_HOME is not set, so there is no {tool} client to run"),
            "export ORACLE_HOME=/path/to/the/client/home (check_env() lists the homes it finds)",
        )
    })?;
    // The client of ORACLE_HOME only, never another one found on PATH: the home decides the
    // client's version and message files.
    resolve_tool(tool, Some(&home), None).ok_or_else(|| {
        script_error(
            &code(tool, "CLIENT"),
            format!(
                "there is no {tool} in ORACLE_HOME {} (looked in bin/ and, for Instant Client, the folder itself)",
                home.display()
            ),
            "ORACLE_HOME must be a full client, or an Instant Client with the Tools package",
        )
    })
}

/// Where a Data Pump job's files are, as its options name them.
pub struct JobFiles<'a> {
    pub directory: Option<&'a str>,
    pub dump_files: &'a [String],
    pub log_file: Option<&'a str>,
}

impl JobFiles<'_> {
    /// The server-side log, when the dump files show where the directory is: Data Pump prints
    /// the directory's full server path in the dump-file-set lines, the most honest source
    /// there is. `printed` are the dump files the console listed.
    pub fn server_log_path(&self, printed: &[String]) -> Option<PathBuf> {
        let directory = self.directory?;
        let in_directory = |name: &str| match name.split_once(':') {
            Some((dir, _)) => dir == directory,
            None => true,
        };
        // The dump files' folder is the directory object's path only when every dump file is
        // in that directory object; otherwise the log's folder is not known from here.
        if !self.dump_files.iter().all(|d| in_directory(d)) {
            return None;
        }
        let log = self.log_file?;
        if !in_directory(log) {
            return None;
        }
        let file = log.split_once(':').map_or(log, |(_, file)| file);
        let first = printed.first()?;
        Some(Path::new(first).parent()?.join(file))
    }

    /// The log as the result names it: the server path when known, else `DIRECTORY:file`.
    pub fn log_file_name(&self, server_log: Option<&Path>) -> String {
        match server_log {
            Some(path) => path.display().to_string(),
            None => match (self.directory, self.log_file) {
                (_, Some(file)) if file.contains(':') => file.to_string(),
                (Some(dir), Some(file)) => format!("{dir}:{file}"),
                _ => String::new(),
            },
        }
    }
}

/// What the log parser makes of the server log when it is readable, else of the client copy,
/// with which one it was (`server` or `client`).
pub fn report_of(
    tool: &str,
    server_log: Option<&Path>,
    client_log: &Path,
    policy: &log::Policy,
) -> (Dynamic, &'static str) {
    match server_log.filter(|p| std::fs::File::open(p).is_ok()) {
        Some(path) => (log_report(tool, path, policy), "server"),
        None => (log_report(tool, client_log, policy), "client"),
    }
}

/// What the log parser makes of `path`, or `()` when the log cannot be read: a missing report
/// must never pass for a clean one.
pub fn log_report(tool: &str, path: &Path, policy: &log::Policy) -> Dynamic {
    match log::parse_file(path, policy) {
        Ok(report) => rhai::serde::to_dynamic(&report).unwrap_or(Dynamic::UNIT),
        Err(e) => {
            tracing::warn!(target: "bizscript::datapump", "{tool}: cannot read the log {}: {e}", path.display());
            Dynamic::UNIT
        }
    }
}

/// The folder of this run's client logs when the script names none: a per-run folder under the
/// user's state directory (`~/.local/state/bizscript/runs/<time>-<pid>` on Linux; the local data
/// folder where there is no state directory), made 0700 because a console copy names the
/// database, its users and its paths. Never the current directory: under cron that is $HOME,
/// and in a checkout the logs end up in version control.
pub fn default_client_log_folder(create: bool) -> Result<PathBuf, Box<EvalAltResult>> {
    static FOLDER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    if let Some(folder) = FOLDER.get() {
        return Ok(folder.clone());
    }
    let run = format!(
        "{}-{}",
        chrono::Local::now().format("%Y%m%dT%H%M%S"),
        std::process::id()
    );
    let state = dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|base| base.join("bizscript").join("runs").join(&run));
    if !create {
        // --dry-run: where it would go; nothing is created.
        return Ok(
            state.unwrap_or_else(|| std::env::temp_dir().join(format!("bizscript-run-{run}")))
        );
    }
    let made = state.and_then(|folder| {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&folder) {
            Ok(()) => Some(folder),
            Err(e) => {
                tracing::warn!(target: "bizscript::datapump", "cannot create {}: {e}; the client log goes to the temporary folder", folder.display());
                None
            }
        }
    });
    // No state folder (no HOME, a read-only home): a fresh 0700 folder in the temporary
    // directory, with an unpredictable name so nobody can plant it first; kept, like the state
    // folder, because the log is the run's record.
    let folder = match made {
        Some(folder) => folder,
        None => private_temp_builder()
            .prefix(&format!("bizscript-run-{run}-"))
            .tempdir()
            .map(|dir| dir.keep())
            .map_err(|e| {
                script_error(
                    "BZ-DATAPUMP-CLIENT-LOG",
                    format!("expdp: there is no state, local data or temporary folder to keep the client log in ({e})"),
                    "set `client_log` to a file in a folder that exists and is writable",
                )
            })?,
    };
    Ok(FOLDER.get_or_init(|| folder).clone())
}

/// A temporary-folder builder whose folders only this user can enter.
fn private_temp_builder() -> tempfile::Builder<'static, 'static> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    builder
}

/// A script's value as the parameter tables read it.
pub fn option_value(value: &Dynamic) -> OptionValue {
    if value.is_unit() {
        OptionValue::Unset
    } else if let Some(b) = value.clone().try_cast::<bool>() {
        OptionValue::Bool(b)
    } else if let Some(i) = value.clone().try_cast::<i64>() {
        OptionValue::Int(i)
    } else if value.is_string() {
        OptionValue::Text(value.to_string())
    } else if let Some(items) = value.clone().try_cast::<rhai::Array>() {
        OptionValue::List(items.iter().map(option_value).collect())
    } else if value.is::<Secret>() {
        OptionValue::Other("a Secret")
    } else if value.is_map() {
        OptionValue::Other("a map")
    } else if value.is::<rhai::FLOAT>() {
        OptionValue::Other("a float")
    } else {
        OptionValue::Other("an unsupported value")
    }
}

/// What went wrong around a job, beside the messages its console showed: the client killed by
/// a signal, a job that did not complete (and what its clean-up found), a missing final line,
/// a client that asked for credentials, a client log that could not be written. `after_kill`
/// is what a KILL_JOB of this tool leaves behind, said after "killed it (KILL_JOB)".
pub fn job_errors(
    progress: &ExportProgress,
    outcome: &ClientOutcome,
    exit: &DataPumpExit,
    job: &str,
    cleanup: &Cleanup,
    db: &Connection,
    after_kill: &str,
) -> Vec<String> {
    let mut errors = progress.errors.clone();
    if exit.signal().is_some() {
        errors.push(exit.explain());
    }
    match cleanup {
        Cleanup::NotNeeded => {}
        Cleanup::Killed => errors.push(format!(
            "job {job} did not complete; bizscript attached and killed it (KILL_JOB){after_kill}"
        )),
        Cleanup::NothingLeft => errors.push(format!(
            "job {job} did not complete and no longer exists in the database (ORA-31626)"
        )),
        Cleanup::Failed(why) => errors.push(format!(
            "job {job} did not complete and could not be cleaned up ({why}); {}",
            by_hand(job, db)
        )),
    }
    if progress.job.is_some() && progress.final_line.is_none() {
        errors.push("the client ended without the job's final line".to_string());
    }
    if outcome.prompted_for_credentials {
        errors.push(
            "the client asked for a user name or password: the credentials in the parameter file were refused or incomplete".to_string(),
        );
    }
    if let Some(problem) = &outcome.client_log_error {
        errors.push(problem.clone());
    }
    errors
}

/// After the client ended: the job's name as the database knows it, and its clean-up. A job
/// that started and did not complete (client crash, fatal error, an interrupt that could not be
/// confirmed) stays in the database as a running or NOT RUNNING job with its master table: a
/// second, attached client kills it, so no orphan is left behind. An interrupted run ends here
/// with `BZ-INTERRUPTED`, having said what became of the job (and put it into the report).
#[allow(clippy::too_many_arguments)]
pub fn finish_job(
    ctx: &HostCtx,
    tool: &str,
    db: &Connection,
    program: &Path,
    progress: &ExportProgress,
    outcome: &ClientOutcome,
    expected_job: String,
    display: &ProgressDisplay,
) -> Result<(String, Cleanup), Box<EvalAltResult>> {
    let owner_job = progress.job.clone().unwrap_or(expected_job);
    let needs_cleanup = progress.job.is_some()
        && !progress.completed()
        && !ctx.cancel.is_forced()
        && !matches!(outcome.kill, Some(KillOutcome::Killed));
    let cleanup = if needs_cleanup {
        let cleanup = clean_up(ctx, db, program, &owner_job, &outcome.client_log, display);
        verify_gone(ctx, db, &owner_job, cleanup)
    } else {
        Cleanup::NotNeeded
    };
    if let Some(kill) = &outcome.kill {
        let (message, hint) = interrupted_message(kill, &cleanup, &owner_job, db);
        display.note(&message);
        let left = !hint.is_empty();
        if left {
            // The host prints a bare "interrupted": the way to finish the clean-up must be said
            // here, and go into the report.
            display.note(&format!("{tool}: to clean up: {hint}"));
        } else {
            last_resort::job_done();
        }
        note_interrupted_job(ctx, &owner_job, &message, left.then_some(hint.as_str()));
        return Err(script_error("BZ-INTERRUPTED", message, hint));
    }
    Ok((owner_job, cleanup))
}

/// Puts the interrupted job into the run's report (`job`, `interrupt`), so that a DBA reading
/// only the report knows which job it was and what may be left of it.
fn note_interrupted_job(ctx: &HostCtx, job: &str, message: &str, hint: Option<&str>) {
    let Ok(mut report) = ctx.report.lock() else {
        return;
    };
    let report = report.get_or_insert_with(Map::new);
    report.insert("job".into(), Dynamic::from(job.to_string()));
    let mut interrupt = Map::new();
    interrupt.insert("job".into(), Dynamic::from(job.to_string()));
    interrupt.insert("what_happened".into(), Dynamic::from(message.to_string()));
    interrupt.insert("left".into(), Dynamic::from(hint.is_some()));
    if let Some(hint) = hint {
        interrupt.insert("hint".into(), Dynamic::from(hint.to_string()));
    }
    report.insert("interrupt".into(), Dynamic::from_map(interrupt));
}
