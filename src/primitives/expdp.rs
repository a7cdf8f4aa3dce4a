//! `expdp(db, opts)`: the export step of the procedure, a Data Pump export done the way a careful DBA does
//! it by hand (oracle-facts §1-3).
//!
//! The flow: check the options (typed, before anything runs) → take the local export lock →
//! ask the database for earlier bizscript jobs (one still EXECUTING stops here; an orphan is
//! cleaned or reported) → write the parameter file into a private 0600 file → run
//! `$ORACLE_HOME/bin/expdp parfile=...` with its messages in English, its stdin a pipe and no
//! secret in its environment → remove the parameter file once the client has read it → follow
//! its console on stderr (parsed raw, shown masked) → read the log → return a map. A job that ran and failed is a result (`exit_code: 1` and the reasons); errors
//! are for what prevents running it. An interrupt kills the job through the client's
//! interactive mode, so nothing is left running in the database, and ends the script; a job that
//! started and did not complete is killed through a second, attached client (see
//! [`super::datapump_cleanup`]).

use super::datapump_cleanup::{by_hand, previous_jobs, Cleanup, PreviousJobs};
use super::datapump_progress::ProgressDisplay;
use super::datapump_run::{self, JobFiles};
use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::cancel::last_resort;
use crate::oracle::connection::Connection;
use crate::oracle::datapump::export::{parameter_names, refusal, ExportOptions};
#[cfg(all(test, unix))]
use crate::oracle::datapump::params::OptionValue;
use crate::oracle::datapump::parfile;
use crate::oracle::datapump::progress::ExportProgress;
use crate::oracle::exit_code::DataPumpExit;
use crate::oracle::log;
use crate::primitives::runtime::HostCtx;
use crate::process::datapump_client::{ClientOutcome, OnLine};
use crate::secret::Mask;
#[cfg(all(test, unix))]
use crate::secret::Secret;
use rhai::{Dynamic, EvalAltResult, Map};
use serde::Serialize;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub const EXPDP: PrimitiveDoc = PrimitiveDoc {
    name: "expdp",
    signature: "expdp(db: Oracle, opts: Map) -> Map",
    summary: "Runs a Data Pump export. `opts` holds the 19c export parameters under their own names (`schemas`, `directory`, `dumpfile`, `logfile`, `parallel`, `filesize`, `compression`, `exclude`, `include`, `content`, `reuse_dumpfiles`, `version`, ...; `client_log` is where the console copy goes, by default `<job>.client.log` in a per-run folder under the user's state directory, e.g. ~/.local/state/bizscript/runs/, never the current directory) and is checked before anything runs: unknown names and ill-typed values are refused with the nearest valid name. Defaults: `flashback_time=systimestamp`, `job_name=BIZSCRIPT_EXP_<timestamp>`, `logtime=all`, `metrics=yes`, a log named after the dump; `()` switches one off. Credentials go into a private 0600 parameter file, removed on every exit path; the client runs with English messages and a stdin it cannot hang on. Returns `#{ exit_code, outcome, exit_meaning, job, dump_files, log_file, client_log, duration, errors, tables, rows, bytes, cleanup, previous_jobs, report_source, report }`: exit code 0 is `succeeded`, 5 `completed_with_errors`, 1 `failed` (a failed job is a result, not an error: `errors` holds the reasons; `report` is parse_log's reading of the server log when it is reachable, else of the client copy). A job that started and did not complete is killed through an attached client so no orphan is left (`cleanup`). Before starting, the Data Pump jobs of the connecting user are listed (dba_datapump_jobs): a bizscript job (`BIZSCRIPT_EXP_...`) still EXECUTING stops the call with `BZ-EXPDP-RUNNING`, naming the job and how to attach, kill or wait; one left NOT RUNNING by an earlier run (an orphan) is attached and killed, saying so, or only reported, as `previous_jobs` says: `\"clean\"` (the default) or `\"report\"`; the result lists them in `previous_jobs`. A local lock keyed by the normalised connect descriptor and the schemas keeps two exports of one schema from running side by side on this host. The parameter file is removed as soon as the client has read it. Ctrl-C kills the job (KILL_JOB) and stops the script; a second Ctrl-C kills the client and prints how to clean the job up; under --dry-run it prints the command line and the parameter file with the password as *** and runs nothing.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD") });
let backup = expdp(db, #{
    schemas: ["BIZAGI"],
    directory: "BIZAGIBACKUPPATH",
    dumpfile: "bizagi_%U.dmp",
    parallel: 2,
    exclude: ["STATISTICS"],
});
print(`${backup.outcome}: ${backup.dump_files.len()} dump file(s), log ${backup.log_file}`);
if backup.exit_code != 0 { print(backup.errors); }"#,
};

/// Options that belong to bizscript, not to Oracle.
const CLIENT_LOG: &str = "client_log";
const PREVIOUS_JOBS: &str = "previous_jobs";

/// bizscript's own export options.
struct OwnOptions {
    client_log: Option<PathBuf>,
    previous_jobs: PreviousJobs,
}

/// The file name of the parameter file inside its private directory.
const PARFILE_NAME: &str = "expdp.par";

/// The map a script gets back.
#[derive(Debug, Serialize)]
struct ExportResult {
    exit_code: i64,
    outcome: String,
    /// The exit code in words; for a client killed by a signal, which one and what usually
    /// sends it.
    exit_meaning: String,
    job: String,
    dump_files: Vec<String>,
    log_file: String,
    client_log: String,
    duration: f64,
    errors: Vec<String>,
    tables: u64,
    rows: u64,
    bytes: u64,
    /// Which log `report` was made from: `server` or `client`.
    report_source: String,
    /// What was done about a job that did not complete: `not_needed`, `killed`,
    /// `nothing_left`, `failed`.
    cleanup: String,
    /// bizscript jobs of earlier runs found before starting, and what was done about them.
    previous_jobs: Vec<super::datapump_cleanup::PreviousJob>,
}

/// Registers `expdp` for scripts; `Db` is the script-side connection type.
pub fn register<Db>(
    engine: &mut rhai::Engine,
    ctx: &std::sync::Arc<HostCtx>,
    connection: fn(&Db) -> &Connection,
) where
    Db: Clone + Send + Sync + 'static,
{
    let ctx = ctx.clone();
    registration(&EXPDP).register_into_engine(
        engine,
        move |db: Db, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            ctx.record("expdp", expdp(&ctx, connection(&db), &opts))
        },
    );
}

/// Runs the export described by `opts` as `db`.
pub fn expdp(ctx: &HostCtx, db: &Connection, opts: &Map) -> Result<Map, Box<EvalAltResult>> {
    let started = chrono::Local::now().naive_local();
    let (options, own) = read_options(opts, started)?;
    let client_log = own.client_log;
    if ctx.cancel.is_cancelled() {
        // Starting a job only to kill it at once would leave work for nobody's benefit.
        return Err(script_error(
            "BZ-INTERRUPTED",
            "expdp: not started, the run is being interrupted",
            "",
        ));
    }
    let program = datapump_run::client_program(ctx, "expdp")?;
    let job = options
        .job_name()
        .map(str::to_string)
        .unwrap_or_else(|| format!("expdp_{}", started.format("%Y%m%d%H%M%S")));
    let client_log = match client_log {
        Some(path) => path,
        None => datapump_run::default_client_log_folder(!ctx.dry_run())?
            .join(format!("{job}.client.log")),
    };

    if ctx.dry_run() {
        return Ok(dry_run(&program, &options, db, &job, &client_log));
    }

    // One export of a schema at a time from this host (the lock's key is the database as
    // the connect descriptor names it, normalised), and in the database (an earlier run's job
    // still EXECUTING stops this one; one left NOT RUNNING is cleaned or reported).
    let _lock = super::lock::export_lock(ctx, db, &options)?;
    let display = ProgressDisplay::new(ctx.interactive, &job);
    let earlier = previous_jobs(ctx, db, &program, own.previous_jobs, &client_log, &display)?;

    let expected_job = match db.user() {
        Some(user) => format!("{user}.{job}"),
        None => job.clone(),
    };
    last_resort::job_running(last_resort::JobNote {
        name: expected_job.clone(),
        hint: by_hand(&expected_job, db),
    });
    let mut progress = ExportProgress::default();
    let mut named = false;
    let outcome = run_client(
        ctx,
        db,
        &program,
        &Zeroizing::new(parfile::render(&options, db)),
        client_log,
        false,
        &display,
        &mut |stream, raw, shown| {
            // The parser reads what the client said; the console gets the masked copy.
            let step = progress.feed(raw);
            if !named {
                if let Some(real) = &progress.job {
                    named = true;
                    last_resort::job_running(last_resort::JobNote {
                        name: real.clone(),
                        hint: by_hand(real, db),
                    });
                }
            }
            display.line(stream, shown, &step, &progress);
        },
    );
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            last_resort::job_done();
            return Err(e);
        }
    };
    display.finish();

    let (owner_job, cleanup) = datapump_run::finish_job(
        ctx,
        "expdp",
        db,
        &program,
        &progress,
        &outcome,
        expected_job,
        &display,
    )?;
    last_resort::job_done();
    Ok(result(
        &options, &progress, &outcome, owner_job, &cleanup, db, earlier,
    ))
}

/// Runs the expdp (or, for a clean-up, the attached) client on `parfile_text`: the shared
/// [`datapump_run::run_client`] under expdp's name.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_client(
    ctx: &HostCtx,
    db: &Connection,
    program: &Path,
    parfile_text: &str,
    client_log: PathBuf,
    kill_at_first_prompt: bool,
    display: &ProgressDisplay,
    on_line: &mut OnLine,
) -> Result<ClientOutcome, Box<EvalAltResult>> {
    datapump_run::run_client(
        ctx,
        "expdp",
        db,
        program,
        parfile_text,
        client_log,
        kill_at_first_prompt,
        display,
        on_line,
    )
}

/// Converts the script's map into validated options, plus bizscript's own (`client_log`,
/// `previous_jobs`).
fn read_options(
    opts: &Map,
    started: chrono::NaiveDateTime,
) -> Result<(ExportOptions, OwnOptions), Box<EvalAltResult>> {
    let mut allowed = parameter_names();
    allowed.push(CLIENT_LOG);
    allowed.push(PREVIOUS_JOBS);
    let mut pairs = Vec::new();
    let mut client_log = None;
    let mut previous = PreviousJobs::default();
    for (key, value) in opts {
        if key.as_str() == PREVIOUS_JOBS {
            let word = value.clone().into_string().unwrap_or_default();
            previous = PreviousJobs::parse(&word).ok_or_else(|| {
                script_error(
                    "BZ-USAGE",
                    format!("expdp: `previous_jobs` is \"clean\" or \"report\", got {value}"),
                    EXPDP.signature,
                )
            })?;
            continue;
        }
        if key.as_str() == CLIENT_LOG {
            let path = value.clone().into_string().map_err(|got| {
                misuse(
                    "expdp",
                    format!("`client_log` expects a string, got {got}"),
                    EXPDP.signature,
                )
            })?;
            client_log = Some(PathBuf::from(path));
            continue;
        }
        pairs.push((key.to_string(), datapump_run::option_value(value)));
    }
    // Parameters Oracle knows but scripts may not set get their reason, not a "did you mean".
    if let Some((key, reason)) = opts
        .keys()
        .find_map(|k| refusal(k).map(|reason| (k, reason)))
    {
        return Err(script_error(
            "BZ-EXPDP-OPTION",
            format!("expdp: `{key}` cannot be set in the options: {reason}"),
            "",
        ));
    }
    let mut known = opts.clone();
    known.remove(CLIENT_LOG);
    known.remove(PREVIOUS_JOBS);
    check_keys("expdp", &known, &allowed)?;
    let options = ExportOptions::parse(pairs, started)
        .map_err(|e| script_error("BZ-EXPDP-OPTION", format!("expdp: {e}"), e.hint()))?;
    Ok((
        options,
        OwnOptions {
            client_log,
            previous_jobs: previous,
        },
    ))
}

/// Says what would run, on stderr, and returns a map that says nothing ran.
fn dry_run(
    program: &Path,
    options: &ExportOptions,
    db: &Connection,
    job: &str,
    client_log: &Path,
) -> Map {
    let command_line = format!(
        "{} parfile=<private temporary directory>/{PARFILE_NAME}",
        program.display()
    );
    let masked = parfile::render_masked(options, db);
    eprintln!("dry-run: expdp would run: {command_line}");
    eprintln!("dry-run: with the parameter file (mode 0600, removed afterwards):");
    for line in masked.lines() {
        eprintln!("    {line}");
    }
    tracing::info!(target: "bizscript::expdp", command = %command_line, "dry-run");
    let mut map = Map::new();
    map.insert("exit_code".into(), Dynamic::from(0_i64));
    map.insert("outcome".into(), Dynamic::from("dry_run".to_string()));
    map.insert(
        "exit_meaning".into(),
        Dynamic::from("dry run: the client was not started".to_string()),
    );
    map.insert("job".into(), Dynamic::from(job.to_string()));
    map.insert("dump_files".into(), Dynamic::from(rhai::Array::new()));
    map.insert(
        "log_file".into(),
        Dynamic::from(options.log_file().unwrap_or_default().to_string()),
    );
    map.insert(
        "client_log".into(),
        Dynamic::from(client_log.display().to_string()),
    );
    map.insert("duration".into(), Dynamic::from(0.0 as rhai::FLOAT));
    map.insert("command".into(), Dynamic::from(command_line));
    map.insert("parfile".into(), Dynamic::from(masked));
    map.insert("report".into(), Dynamic::UNIT);
    map
}

/// The server-side log of an export (see [`JobFiles::server_log_path`]).
fn server_log_path(options: &ExportOptions, dump_files: &[String]) -> Option<PathBuf> {
    JobFiles {
        directory: options.directory(),
        dump_files: options.dump_files(),
        log_file: options.log_file(),
    }
    .server_log_path(dump_files)
}

fn result(
    options: &ExportOptions,
    progress: &ExportProgress,
    outcome: &ClientOutcome,
    job: String,
    cleanup: &Cleanup,
    db: &Connection,
    previous_jobs: Vec<super::datapump_cleanup::PreviousJob>,
) -> Map {
    let mask = db.password().cloned().map(|p| Mask::new(p, db.user()));
    let exit = DataPumpExit::from_status(outcome.code, outcome.signal);
    let errors = datapump_run::job_errors(
        progress,
        outcome,
        &exit,
        &job,
        cleanup,
        db,
        ", so no orphan master table or partial dump remains",
    );
    let files = JobFiles {
        directory: options.directory(),
        dump_files: options.dump_files(),
        log_file: options.log_file(),
    };
    let server_log = server_log_path(options, &progress.dump_files);
    let log_file = files.log_file_name(server_log.as_deref());
    let (report, report_source) = datapump_run::report_of(
        "expdp",
        server_log.as_deref(),
        &outcome.client_log,
        &log::Policy::default(),
    );
    let result = ExportResult {
        exit_code: i64::from(exit.code()),
        outcome: exit.outcome().to_string(),
        exit_meaning: exit.explain(),
        job,
        dump_files: progress.dump_files.clone(),
        log_file,
        client_log: outcome.client_log.display().to_string(),
        duration: outcome.duration.as_secs_f64(),
        errors: errors
            .iter()
            .map(|e| {
                mask.as_ref()
                    .map(|m| m.apply(e))
                    .unwrap_or_else(|| e.clone())
            })
            .collect(),
        tables: progress.tables,
        rows: progress.rows,
        bytes: progress.bytes,
        report_source: report_source.to_string(),
        cleanup: cleanup.word().to_string(),
        previous_jobs,
    };
    let mut map = rhai::serde::to_dynamic(&result)
        .ok()
        .and_then(|d| d.try_cast::<Map>())
        .unwrap_or_default();
    map.insert("report".into(), report);
    map
}

#[cfg(all(test, unix))]
#[path = "expdp_tests.rs"]
mod tests;

#[cfg(all(test, unix))]
#[path = "expdp_sim_tests.rs"]
mod sim_tests;
