//! A Data Pump job: its description (stored with the job so ATTACH can resume it), and the loop
//! that carries out its plan, writes the final line and leaves the database as Oracle would.

use super::output::{JobOutput, LogTime};
use super::plan::{Outcome, Plan, Step};
use super::{dumpfile, interactive, Tool};
use crate::audit::Invocation;
use crate::home::Home;
use crate::scenario::Scenario;
use crate::state::{self, Database, Job, Table};
use crate::{clock, signals};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Everything a job needs, resolved once at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobSpec {
    pub tool: Tool,
    pub owner: String,
    pub job_name: String,
    /// SCHEMA, TABLE or FULL.
    pub mode: String,
    pub scenario: Scenario,
    pub schemas: Vec<String>,
    /// (owner, table, rows, bytes) to export or import.
    pub tables: Vec<(String, String, u64, u64)>,
    /// Requested schemas or tables that do not exist (ORA-39165 / ORA-39166).
    pub missing: Vec<String>,
    pub log_path: Option<String>,
    pub dump_paths: Vec<String>,
    pub filesize: Option<u64>,
    pub parallel: u32,
    pub metrics: bool,
    pub logtime: String,
    pub keep_master: bool,
    pub content: String,
    pub estimate_only: bool,
    /// The text after `Starting "O"."J":  `.
    pub starting: String,
    pub charset: String,
    pub ncharset: String,
    pub version: String,
    /// Import: the dump's manifest, REMAP_SCHEMA pairs, TABLE_EXISTS_ACTION.
    pub source: Option<dumpfile::Manifest>,
    pub remap_schema: Vec<(String, String)>,
    /// Import: REMAP_TABLESPACE pairs.
    #[serde(default)]
    pub remap_tablespace: Vec<(String, String)>,
    pub table_exists_action: String,
    /// Import: users and tables that existed when the job started.
    #[serde(default)]
    pub existing: super::import::Existing,
    /// Export: FILESIZE without `%U` is too small for the data (ORA-39095).
    #[serde(default)]
    pub dump_exhausted: bool,
    /// Import with SQLFILE: the server path of the DDL file.
    #[serde(default)]
    pub sqlfile: Option<String>,
    /// Export: CHECKSUM=YES (21c+): the dump set carries a checksum.
    #[serde(default)]
    pub checksum: bool,
    /// Import: VERIFY_ONLY=YES: check the dump set's checksum and import nothing.
    #[serde(default)]
    pub verify_only: bool,
    pub started: String,
}

impl JobSpec {
    pub fn logtime(&self) -> LogTime {
        LogTime::parse(Some(self.logtime.as_str()))
    }

    /// The plan of this job.
    pub fn plan(&self) -> Plan {
        match self.tool {
            Tool::Expdp => super::export::plan(self),
            Tool::Impdp => super::import::plan(self),
        }
    }

    pub fn qualified(&self) -> String {
        format!("\"{}\".\"{}\"", self.owner, self.job_name)
    }
}

/// How the client run ends.
pub enum ClientEnd {
    /// Exit with this code.
    Exit(i32),
}

/// Registers the job and its master table; returns an error text (ORA-31634) when a job of
/// that name exists.
pub fn register(home: &Home, spec: &JobSpec) -> Result<(), String> {
    let result = Database::update(home, |db| {
        if db.job(&spec.owner, &spec.job_name).is_some()
            || db.table_exists(&spec.owner, &spec.job_name)
        {
            return Err("ORA-31634: job already exists".to_string());
        }
        db.jobs.push(Job {
            owner: spec.owner.clone(),
            job_name: spec.job_name.clone(),
            operation: match spec.tool {
                Tool::Expdp => "EXPORT",
                Tool::Impdp => "IMPORT",
            }
            .to_string(),
            job_mode: spec.mode.clone(),
            state: state::EXECUTING.to_string(),
            degree: spec.parallel,
            client_pid: Some(std::process::id()),
            detached: false,
            started: spec.started.clone(),
            spec: serde_json::to_value(spec).unwrap_or_default(),
            progress: 0,
            resumable: None,
        });
        db.tables.push(master_table(spec));
        Ok(())
    });
    match result {
        Ok(r) => r,
        Err(e) => Err(format!("oracle-sim: {e}")),
    }
}

fn master_table(spec: &JobSpec) -> Table {
    Table {
        owner: spec.owner.clone(),
        name: spec.job_name.clone(),
        rows: 1500,
        bytes: 1_572_864,
        tablespace: "USERS".to_string(),
    }
}

/// The default job name: `SYS_EXPORT_SCHEMA_01`, or the next free number.
pub fn default_job_name(db: &Database, owner: &str, tool: Tool, mode: &str) -> Option<String> {
    let op = match tool {
        Tool::Expdp => "EXPORT",
        Tool::Impdp => "IMPORT",
    };
    (1..=99)
        .map(|n| format!("SYS_{op}_{mode}_{n:02}"))
        .find(|name| db.job(owner, name).is_none() && !db.table_exists(owner, name))
}

/// Runs the plan from step `from`, handling Ctrl-C; returns the client's exit code.
pub fn execute(
    home: &Home,
    spec: &JobSpec,
    out: &mut JobOutput,
    from: usize,
    inv: &mut Invocation,
) -> ClientEnd {
    let plan = spec.plan();
    let mut i = from;
    while i < plan.steps.len() {
        if signals::interrupted() {
            signals::clear();
            save_progress(home, spec, i);
            match interactive::session(home, spec, out, false) {
                interactive::Decision::Continue => {}
                interactive::Decision::Exit(code) => return ClientEnd::Exit(code),
            }
        }
        match &plan.steps[i] {
            Step::Line { text, worker } => out.line(text, *worker),
            Step::Metric { text } => {
                if out.metrics {
                    out.line(text, Some(1));
                }
            }
            Step::Pause(ms) => {
                if signals::pause(*ms) {
                    // Interrupted: handle it before moving on (the pause is then over).
                    continue;
                }
                // Another session may have killed the job (ATTACH + KILL_JOB, DROP TABLE).
                if !job_exists(home, spec) {
                    out.say(&format!(
                        "{}-31626: operation generated ORACLE error 31626",
                        spec.tool.facility()
                    ));
                    out.say("ORA-31626: job does not exist");
                    return ClientEnd::Exit(1);
                }
            }
            Step::WriteDump { fraction } => write_dump(spec, *fraction, out),
            Step::Resumable(error) => {
                let _ = Database::update(home, |db| {
                    if let Some(job) = db.job_mut(&spec.owner, &spec.job_name) {
                        job.resumable = error.clone();
                    }
                });
            }
            Step::Crash => crash(home, spec, inv),
            Step::WriteSqlFile => {
                if let Some(path) = &spec.sqlfile {
                    if let Err(e) = std::fs::write(
                        crate::home::server_file(path),
                        super::import::sql_file_text(spec),
                    ) {
                        out.line(
                            &format!("ORA-31641: unable to create dump file \"{path}\""),
                            None,
                        );
                        out.line(&format!("oracle-sim: {e}"), None);
                    }
                }
            }
        }
        i += 1;
    }
    finish(home, spec, out, plan.outcome.unwrap_or(Outcome::Success))
}

fn job_exists(home: &Home, spec: &JobSpec) -> bool {
    Database::load(home)
        .map(|db| db.job(&spec.owner, &spec.job_name).is_some())
        .unwrap_or(true)
}

fn save_progress(home: &Home, spec: &JobSpec, progress: usize) {
    let _ = Database::update(home, |db| {
        if let Some(job) = db.job_mut(&spec.owner, &spec.job_name) {
            job.progress = progress;
        }
    });
}

/// What the dump set of `spec` holds.
pub fn manifest(spec: &JobSpec) -> dumpfile::Manifest {
    dumpfile::Manifest {
        job_owner: spec.owner.clone(),
        job_name: spec.job_name.clone(),
        mode: spec.mode.clone(),
        charset: spec.charset.clone(),
        ncharset: spec.ncharset.clone(),
        version: spec.version.clone(),
        schemas: spec.schemas.clone(),
        tables: if spec.content == "METADATA_ONLY" {
            spec.tables
                .iter()
                .map(|(o, t, _, _)| (o.clone(), t.clone(), 0, 0))
                .collect()
        } else {
            spec.tables.clone()
        },
        files: spec.dump_paths.len(),
        checksum: None,
    }
}

fn write_dump(spec: &JobSpec, fraction: Option<(u64, u64)>, out: &mut JobOutput) {
    if spec.dump_paths.is_empty() {
        return;
    }
    let mut manifest = manifest(spec);
    let mut content = dumpfile::content(&manifest);
    if spec.checksum {
        // The checksum covers everything after the header line, which carries it.
        manifest.checksum = Some(dumpfile::digest(dumpfile::body(&content)));
        let body = dumpfile::body(&content).to_vec();
        content = dumpfile::header_line(&manifest);
        content.extend_from_slice(&body);
    }
    if spec.scenario == crate::scenario::Scenario::CorruptDump {
        // A byte flipped after the checksum was computed, in the table data (past the header).
        let at = content.len() * 3 / 5;
        if let Some(b) = content.get_mut(at) {
            *b ^= 0x5a;
        }
    }
    let mut limit = fraction.map(|(n, d)| (content.len() as u64 * n / d.max(1)) as usize);
    if spec.dump_exhausted {
        // FILESIZE without %U: the files fill up and nothing more can be written.
        let capacity = spec.filesize.unwrap_or(0) as usize * spec.dump_paths.len();
        limit = Some(limit.map_or(capacity, |l| l.min(capacity)));
    }
    let paths: Vec<PathBuf> = spec
        .dump_paths
        .iter()
        .map(|p| crate::home::server_file(p))
        .collect();
    if let Err(e) = dumpfile::write_set(&paths, &content, spec.filesize, limit) {
        out.line(
            &format!(
                "ORA-31641: unable to create dump file \"{}\"",
                spec.dump_paths[0]
            ),
            None,
        );
        out.line(&format!("oracle-sim: {e}"), None);
    }
}

/// The client dies: the job is left NOT RUNNING with its master table (an orphan), the audit
/// records the crash, and the process kills itself so no final line or exit code is written.
fn crash(home: &Home, spec: &JobSpec, inv: &mut Invocation) -> ! {
    let _ = Database::update(home, |db| {
        if let Some(job) = db.job_mut(&spec.owner, &spec.job_name) {
            job.state = state::NOT_RUNNING.to_string();
            job.client_pid = None;
        }
    });
    inv.audit(137, true);
    let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
    // raise() does not return for SIGKILL; abort is the fallback.
    std::process::abort()
}

fn elapsed_since(started: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(started)
        .map(|t| (chrono::Local::now().timestamp() - t.timestamp()).max(0))
        .unwrap_or(0)
}

/// Writes the final line and leaves the job as Oracle does: removed on completion (its master
/// table dropped unless KEEP_MASTER), NOT RUNNING with its master table after a fatal error.
pub fn finish(home: &Home, spec: &JobSpec, out: &mut JobOutput, outcome: Outcome) -> ClientEnd {
    let when = format!(
        "at {} elapsed {}",
        clock::long(chrono::Local::now()),
        clock::elapsed(elapsed_since(&spec.started))
    );
    let (text, code) = match outcome {
        Outcome::Success => (
            format!("Job {} successfully completed {when}", spec.qualified()),
            0,
        ),
        Outcome::Errors(n) => (
            format!(
                "Job {} completed with {n} error(s) {when}",
                spec.qualified()
            ),
            5,
        ),
        Outcome::Fatal => (
            format!("Job {} stopped due to fatal error {when}", spec.qualified()),
            1,
        ),
    };
    out.line(&text, None);
    let keep = outcome == Outcome::Fatal || spec.keep_master;
    let _ = Database::update(home, |db| {
        if keep {
            if let Some(job) = db.job_mut(&spec.owner, &spec.job_name) {
                job.state = state::NOT_RUNNING.to_string();
                job.client_pid = None;
                job.detached = false;
            }
        } else {
            remove_job(db, &spec.owner, &spec.job_name);
        }
        if spec.tool == Tool::Impdp && outcome != Outcome::Fatal && spec.sqlfile.is_none() {
            super::import::apply(db, spec);
        }
    });
    ClientEnd::Exit(code)
}

/// Drops a job's row and its master table.
pub fn remove_job(db: &mut Database, owner: &str, name: &str) {
    db.jobs
        .retain(|j| !(j.owner == owner && j.job_name == name));
    db.tables.retain(|t| !(t.owner == owner && t.name == name));
}
