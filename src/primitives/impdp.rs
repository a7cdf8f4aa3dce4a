//! `impdp(db, opts)`: a Data Pump import, run the way `expdp` runs an export (oracle-facts
//! §1-3): typed options checked before anything runs, a local lock on the target schemas, the
//! parameters in a private 0600 file removed on every exit path, `$ORACLE_HOME/bin/impdp
//! parfile=...` with no secret in argv or env, the console to the client log, the result map
//! with expdp's keys. The `report` is parse_log's reading of the import log as a restore
//! (`restore: true`), and the verdict is `failed` whenever table data was skipped (ORA-31693),
//! whatever the exit code.

use super::datapump_cleanup::{by_hand, Cleanup};
use super::datapump_progress::ProgressDisplay;
use super::datapump_run::{self, option_value, JobFiles};
use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::cancel::last_resort;
use crate::oracle::connection::Connection;
use crate::oracle::datapump::import::{ImportOptions, IMPORT};
use crate::oracle::datapump::params::Value;
use crate::oracle::datapump::parfile;
use crate::oracle::datapump::progress::ExportProgress;
use crate::oracle::exit_code::DataPumpExit;
use crate::oracle::log;
use crate::primitives::runtime::HostCtx;
use crate::process::datapump_client::ClientOutcome;
use crate::secret::Mask;
use rhai::{Dynamic, EvalAltResult, Map};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub const IMPDP: PrimitiveDoc = PrimitiveDoc {
    name: "impdp",
    signature: "impdp(db: Oracle, opts: Map) -> Map",
    summary: "Runs a Data Pump import. `opts` holds the import parameters under their own names (`directory`, `dumpfile`, `logfile`, `schemas`, `remap_schema`, `remap_tablespace`, `table_exists_action`, `transform`, `sqlfile`, `content`, `parallel`, `exclude`, `include`, `version`, `verify_only`, `verify_checksum`; `client_log` is where the console copy goes, by default `<job>.client.log` in the run's folder under the user's state directory) and is checked before anything runs: unknown names and ill-typed values are refused with the nearest valid name. Defaults: `job_name=BIZSCRIPT_IMP_<timestamp>`, a log named after the dump (`bizagi_import.log`); `()` switches one off. Credentials go into a private 0600 parameter file, removed on every exit path; the client runs with English messages. Returns `#{ exit_code, outcome, exit_meaning, job, dump_files, log_file, client_log, duration, errors, tables, rows, bytes, cleanup, report_source, report, skipped_tables, space_waits }` (`dump_files` as the options name them; `report_source` is `client` when the server log's folder is not known from the console, as for most imports): exit code 0 is `succeeded`, 5 `completed_with_errors`, 1 `failed` (a failed job is a result: `errors` holds the reasons). `report` is parse_log's reading of the import log with `restore: true`; its verdict is `failed` when any table data was skipped (ORA-31693), whatever the exit code. A full tablespace (ORA-01653 and the like, in a resumable wait) is said at once, naming the tablespace and the blocks it needs, and listed in `space_waits`. A job that started and did not complete is killed through an attached client (`cleanup`). Ctrl-C kills the job through `Import>` (KILL_JOB) and stops the script; under --dry-run it prints the command line and the parameter file with the password as *** and runs nothing, except a `sqlfile` job: Oracle then writes the DDL to that file and imports nothing, so it runs (the restore's preview).",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD") });
let restored = impdp(db, #{
    directory: "BIZAGIBACKUPPATH",
    dumpfile: "bizagi_%U.dmp",
    remap_schema: "BIZAGI:BIZAGI_COPY",
});
print(`${restored.outcome}: ${restored.tables} table(s), ${restored.rows} row(s)`);
if restored.report != () && restored.report.verdict != "ok" { print(restored.errors); }"#,
};

const TOOL: &str = "impdp";
const CLIENT_LOG: &str = "client_log";

/// Registers `impdp` for scripts; `Db` is the script-side connection type.
pub fn register<Db>(
    engine: &mut rhai::Engine,
    ctx: &std::sync::Arc<HostCtx>,
    connection: fn(&Db) -> &Connection,
) where
    Db: Clone + Send + Sync + 'static,
{
    let ctx = ctx.clone();
    registration(&IMPDP).register_into_engine(
        engine,
        move |db: Db, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            ctx.record("impdp", impdp(&ctx, connection(&db), &opts))
        },
    );
}

/// Runs the import described by `opts` as `db`.
pub fn impdp(ctx: &HostCtx, db: &Connection, opts: &Map) -> Result<Map, Box<EvalAltResult>> {
    let started = chrono::Local::now().naive_local();
    let (options, client_log) = read_options(opts, started)?;
    if ctx.cancel.is_cancelled() {
        return Err(script_error(
            "BZ-INTERRUPTED",
            "impdp: not started, the run is being interrupted",
            "",
        ));
    }
    let program = datapump_run::client_program(ctx, TOOL)?;
    let job = options
        .job_name()
        .map(str::to_string)
        .unwrap_or_else(|| format!("impdp_{}", started.format("%Y%m%d%H%M%S")));
    let client_log = match client_log {
        Some(path) => path,
        None => datapump_run::default_client_log_folder(!ctx.dry_run() || options.sql_file_only())?
            .join(format!("{job}.client.log")),
    };
    // A SQLFILE job imports nothing (Oracle writes the DDL to a file in the directory and
    // changes no object), so --dry-run runs it: it is the restore's preview.
    if ctx.dry_run() && !options.sql_file_only() {
        return Ok(dry_run(&program, &options, db, &job, &client_log));
    }

    let _lock = super::lock::import_lock(ctx, db, &targets(&options, db))?;
    let display = ProgressDisplay::new(ctx.interactive, &job);
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
    let mut waits: Vec<SpaceWait> = Vec::new();
    let outcome = datapump_run::run_client(
        ctx,
        TOOL,
        db,
        &program,
        &Zeroizing::new(parfile::render(&options, db)),
        client_log,
        false,
        &display,
        &mut |stream, raw, shown| {
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
            // A full tablespace is said at once, once per tablespace: the job waits (resumable)
            // and a DBA can add space before it gives up and skips the table's data.
            if let Some(wait) = space_wait(shown) {
                if !waits.iter().any(|w| w.tablespace == wait.tablespace) {
                    display.note(&format!(
                        "impdp: tablespace {} is full: {} could not be extended by {} blocks ({}); add space (a datafile, autoextend) or the table's data is skipped",
                        wait.tablespace, wait.object, wait.blocks, wait.code
                    ));
                    waits.push(wait);
                }
            }
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
        "impdp",
        db,
        &program,
        &progress,
        &outcome,
        expected_job,
        &display,
    )?;
    last_resort::job_done();
    Ok(result(
        &options, &progress, &outcome, owner_job, &cleanup, db, &waits,
    ))
}

/// The schemas the import writes into: the targets of `remap_schema`, else `schemas`, else the
/// connecting user's.
fn targets(options: &ImportOptions, db: &Connection) -> Vec<String> {
    let values = |name: &str| -> Vec<String> {
        options
            .entries()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| match value {
                Value::One(one) => vec![one.clone()],
                Value::List(list) | Value::EachOnItsOwnLine(list) => list.clone(),
            })
            .unwrap_or_default()
    };
    let remapped: Vec<String> = values("remap_schema")
        .iter()
        .filter_map(|pair| pair.rsplit_once(':').map(|(_, to)| to.to_string()))
        .collect();
    if !remapped.is_empty() {
        return remapped;
    }
    let schemas = values("schemas");
    if !schemas.is_empty() {
        return schemas;
    }
    db.user().into_iter().collect()
}

fn read_options(
    opts: &Map,
    started: chrono::NaiveDateTime,
) -> Result<(ImportOptions, Option<PathBuf>), Box<EvalAltResult>> {
    let mut allowed = IMPORT.parameter_names();
    allowed.push(CLIENT_LOG);
    let mut pairs = Vec::new();
    let mut client_log = None;
    for (key, value) in opts {
        if key.as_str() == CLIENT_LOG {
            let path = value.clone().into_string().map_err(|got| {
                misuse(
                    TOOL,
                    format!("`client_log` expects a string, got {got}"),
                    IMPDP.signature,
                )
            })?;
            client_log = Some(PathBuf::from(path));
            continue;
        }
        pairs.push((key.to_string(), option_value(value)));
    }
    if let Some((key, reason)) = opts
        .keys()
        .find_map(|k| IMPORT.refusal(k).map(|reason| (k, reason)))
    {
        return Err(script_error(
            "BZ-IMPDP-OPTION",
            format!("impdp: `{key}` cannot be set in the options: {reason}"),
            "",
        ));
    }
    let mut known = opts.clone();
    known.remove(CLIENT_LOG);
    check_keys(TOOL, &known, &allowed)?;
    let options = ImportOptions::parse(pairs, started)
        .map_err(|e| script_error("BZ-IMPDP-OPTION", format!("impdp: {e}"), e.hint()))?;
    Ok((options, client_log))
}

/// Says what would run, on stderr, and returns a map that says nothing ran.
fn dry_run(
    program: &Path,
    options: &ImportOptions,
    db: &Connection,
    job: &str,
    client_log: &Path,
) -> Map {
    let command_line = format!(
        "{} parfile=<private temporary directory>/{TOOL}.par",
        program.display()
    );
    let masked = parfile::render_masked(options, db);
    eprintln!("dry-run: impdp would run: {command_line}");
    eprintln!("dry-run: with the parameter file (mode 0600, removed afterwards):");
    for line in masked.lines() {
        eprintln!("    {line}");
    }
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

/// A statement that could not get space: `ORA-01653: unable to extend table T by 128 in
/// tablespace USERS` (also ORA-01652/01654/01688), which a resumable wait (ORA-39171) reports.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SpaceWait {
    code: String,
    object: String,
    blocks: u64,
    tablespace: String,
}

fn space_wait(line: &str) -> Option<SpaceWait> {
    let at = ["ORA-01653", "ORA-01652", "ORA-01654", "ORA-01688"]
        .iter()
        .find_map(|code| line.find(code).map(|at| (*code, at)));
    let (code, at) = at?;
    let text = &line[at..];
    let (before, tablespace) = text.split_once(" in tablespace ")?;
    let tablespace = tablespace.split_whitespace().next()?.to_string();
    let (what, blocks) = before.rsplit_once(" by ")?;
    let blocks = blocks.trim().parse().ok()?;
    let object = what
        .split_once("unable to extend ")
        .map_or(what, |(_, object)| object)
        .trim()
        .to_string();
    Some(SpaceWait {
        code: code.to_string(),
        object,
        blocks,
        tablespace,
    })
}

/// The tables whose data was skipped (ORA-31693 names them), from the console's messages.
fn skipped_tables(errors: &[String]) -> Vec<String> {
    errors
        .iter()
        .filter(|e| e.contains("ORA-31693"))
        .map(|e| {
            e.split("object ")
                .nth(1)
                .and_then(|rest| rest.split(" failed").next())
                .unwrap_or(e)
                .to_string()
        })
        .collect()
}

fn result(
    options: &ImportOptions,
    progress: &ExportProgress,
    outcome: &ClientOutcome,
    job: String,
    cleanup: &Cleanup,
    db: &Connection,
    waits: &[SpaceWait],
) -> Map {
    let mask = db.password().cloned().map(|p| Mask::new(p, db.user()));
    let exit = DataPumpExit::from_status(outcome.code, outcome.signal);
    let errors = datapump_run::job_errors(progress, outcome, &exit, &job, cleanup, db, "");
    let files = JobFiles {
        directory: options.directory(),
        dump_files: options.dump_files(),
        log_file: options.log_file(),
    };
    let server_log = files.server_log_path(&progress.dump_files);
    let log_file = files.log_file_name(server_log.as_deref());
    let policy = log::Policy {
        restore: true,
        ..log::Policy::default()
    };
    let (mut report, report_source) =
        datapump_run::report_of(TOOL, server_log.as_deref(), &outcome.client_log, &policy);
    let skipped = skipped_tables(&progress.errors);
    // Skipped table data fails the import whatever the exit code and whatever the log said.
    if !skipped.is_empty() {
        if let Some(mut map) = report.clone().try_cast::<Map>() {
            map.insert("verdict".into(), Dynamic::from("failed".to_string()));
            report = Dynamic::from_map(map);
        }
    }
    let masked = |e: &String| {
        mask.as_ref()
            .map(|m| m.apply(e))
            .unwrap_or_else(|| e.clone())
    };
    let strings = |items: Vec<String>| -> Dynamic {
        Dynamic::from_array(items.into_iter().map(Dynamic::from).collect())
    };
    let mut map = Map::new();
    map.insert("exit_code".into(), Dynamic::from(i64::from(exit.code())));
    map.insert("outcome".into(), Dynamic::from(exit.outcome().to_string()));
    map.insert("exit_meaning".into(), Dynamic::from(exit.explain()));
    map.insert("job".into(), Dynamic::from(job));
    map.insert("dump_files".into(), strings(options.dump_files().to_vec()));
    map.insert("log_file".into(), Dynamic::from(log_file));
    map.insert(
        "client_log".into(),
        Dynamic::from(outcome.client_log.display().to_string()),
    );
    map.insert(
        "duration".into(),
        Dynamic::from(outcome.duration.as_secs_f64() as rhai::FLOAT),
    );
    map.insert(
        "errors".into(),
        strings(errors.iter().map(masked).collect()),
    );
    map.insert("tables".into(), Dynamic::from(progress.tables as i64));
    map.insert("rows".into(), Dynamic::from(progress.rows as i64));
    map.insert("bytes".into(), Dynamic::from(progress.bytes as i64));
    map.insert(
        "report_source".into(),
        Dynamic::from(report_source.to_string()),
    );
    map.insert("cleanup".into(), Dynamic::from(cleanup.word().to_string()));
    map.insert("skipped_tables".into(), strings(skipped));
    map.insert(
        "space_waits".into(),
        Dynamic::from_array(
            waits
                .iter()
                .map(|w| {
                    let mut m = Map::new();
                    m.insert("tablespace".into(), Dynamic::from(w.tablespace.clone()));
                    m.insert("object".into(), Dynamic::from(w.object.clone()));
                    m.insert("blocks".into(), Dynamic::from(w.blocks as i64));
                    m.insert("code".into(), Dynamic::from(w.code.clone()));
                    Dynamic::from_map(m)
                })
                .collect(),
        ),
    );
    map.insert("report".into(), report);
    map
}

#[cfg(test)]
mod tests {
    #[test]
    fn skipped_tables_are_named_from_ora_31693() {
        let errors = vec![
            "ORA-39171: Job is experiencing a resumable wait.".to_string(),
            "ORA-31693: Table data object \"BIZAGI\".\"WFCASE\" failed to load/unload and is being skipped due to error:".to_string(),
        ];
        assert_eq!(super::skipped_tables(&errors), ["\"BIZAGI\".\"WFCASE\""]);
        assert!(super::skipped_tables(&errors[..1]).is_empty());
    }

    #[test]
    fn a_full_tablespace_is_read_from_the_resumable_error() {
        let wait = super::space_wait(
            "Resumable error: ORA-01653: unable to extend table BIZAGI.WFCASE by 128 in tablespace USERS",
        )
        .unwrap();
        assert_eq!(wait.tablespace, "USERS");
        assert_eq!(wait.object, "table BIZAGI.WFCASE");
        assert_eq!(wait.blocks, 128);
        assert_eq!(wait.code, "ORA-01653");
        assert_eq!(
            super::space_wait("ORA-39171: Job is experiencing a resumable wait."),
            None
        );
    }
}

#[cfg(all(test, unix))]
#[path = "impdp_sim_tests.rs"]
mod sim_tests;
