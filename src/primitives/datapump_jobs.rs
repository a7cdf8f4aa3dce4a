//! `datapump_jobs(db)` and `cleanup_job(db, owner, job)`: Data Pump job housekeeping.
//!
//! A Data Pump job lives in the database, not in the client: a client that died leaves its job
//! in `dba_datapump_jobs`, and a stopped or failed job keeps its master table (a normal table
//! named after the job in the owner's schema). Rows with state NOT RUNNING, no attached session
//! and a master table still present are orphans; the documented clean-up is
//! `DROP TABLE owner.job PURGE` (docs/oracle.md, "Data Pump jobs"). `cleanup_job` does exactly that, for an
//! orphan only, after confirmation.

use super::connection::Oracle;
use super::errors::{misuse, script_error};
use super::sqlplus::{run_sql, sql_error};
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use crate::oracle::identifier::{Identifier, NameLimit};
use crate::oracle::jobs::{self, OrphanError};
use crate::oracle::sqlplus_script::SqlplusScript;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

pub const DATAPUMP_JOBS: PrimitiveDoc = PrimitiveDoc {
    name: "datapump_jobs",
    signature: "datapump_jobs(db: Oracle) -> Array",
    summary: "Lists the Data Pump jobs the database knows (dba_datapump_jobs): each is #{ owner, job, operation, mode, state, attached_sessions, master_table, orphan }. For a NOT RUNNING job, `master_table` says whether its master table still exists; `orphan` is true for a NOT RUNNING job with no attached session whose master table remains (what cleanup_job removes). Only reads, so it also runs under --dry-run.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
for job in datapump_jobs(db) {
    print(`${job.owner}.${job.job}: ${job.operation} ${job.state} orphan=${job.orphan}`);
}"#,
};

pub const CLEANUP_JOB: PrimitiveDoc = PrimitiveDoc {
    name: "cleanup_job",
    signature: "cleanup_job(db: Oracle, job: Map) -> Map\ncleanup_job(db: Oracle, owner: string, job: string) -> Map",
    summary: "Drops the master table of an orphaned Data Pump job (DROP TABLE owner.job PURGE), the documented clean-up for a NOT RUNNING job with no attached session. Refuses a job that is running or attached, or that is not in dba_datapump_jobs. Asks y/N on a terminal; an unattended run needs --yes, otherwise it fails with a clear error. Give it a job map from datapump_jobs(db) (its names are used exactly as stored), or the owner and job names, which follow Oracle's rules: unquoted names are upper-cased, so a mixed-case job name goes in double quotes (`\"\\\"MyJob\\\"\"`). Returns #{ owner, job, dropped, still_listed, dry_run, statements }. Under --dry-run it prints the SQL and changes nothing.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
for job in datapump_jobs(db) {
    if job.orphan { cleanup_job(db, job); }
}"#,
};

pub use crate::oracle::jobs::DataPumpJob;

/// What `cleanup_job` returns.
#[derive(Debug, Clone, Serialize)]
pub struct JobCleanup {
    pub owner: String,
    pub job: String,
    pub dropped: bool,
    /// True when the job is still in dba_datapump_jobs after the drop (attach and KILL_JOB).
    pub still_listed: bool,
    pub dry_run: bool,
    pub statements: Vec<String>,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = Arc::clone(ctx);
    registration(&DATAPUMP_JOBS, &["db: Oracle", "Array"]).register_into_engine(
        engine,
        move |db: Oracle| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&c, "datapump_jobs: reading dba_datapump_jobs");
            let jobs = datapump_jobs(&c, &db)?;
            let orphans = jobs.iter().filter(|j| j.orphan).count();
            step.finish(&format!(
                "datapump_jobs: {} job(s), {orphans} orphan(s)",
                jobs.len()
            ));
            rhai::serde::to_dynamic(&jobs)
        },
    );
    let c = Arc::clone(ctx);
    registration(
        &CLEANUP_JOB,
        &["db: Oracle", "owner: &str", "job: &str", "Map"],
    )
    .register_into_engine(
        engine,
        move |db: Oracle, owner: &str, job: &str| -> Result<Dynamic, Box<EvalAltResult>> {
            run_cleanup(&c, &db, name("owner", owner)?, name("job", job)?)
        },
    );
    let c = Arc::clone(ctx);
    registration(&CLEANUP_JOB, &["db: Oracle", "job: Map", "Map"]).register_into_engine(
        engine,
        move |db: Oracle, job: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            let (owner, job) = listed_job(&job)?;
            run_cleanup(&c, &db, owner, job)
        },
    );
}

fn run_cleanup(
    ctx: &HostCtx,
    db: &Oracle,
    owner: Identifier,
    job: Identifier,
) -> Result<Dynamic, Box<EvalAltResult>> {
    let step = Step::start(
        ctx,
        &format!(
            "cleanup_job: checking {}.{}",
            owner.as_stored(),
            job.as_stored()
        ),
    );
    let cleanup = cleanup_job(ctx, db, &owner, &job, &mut confirmation(ctx, &step))
        .map_err(|e| ctx.record_error("cleanup_job", e))?;
    step.finish(&cleanup_summary(&cleanup));
    ctx.record("cleanup_job", rhai::serde::to_dynamic(&cleanup))
}

/// The owner and job of a map from `datapump_jobs(db)`: exact, as Oracle stores them.
fn listed_job(job: &Map) -> Result<(Identifier, Identifier), Box<EvalAltResult>> {
    let field = |key: &str| -> Result<Identifier, Box<EvalAltResult>> {
        let value = job
            .get(key)
            .and_then(|v| v.clone().into_string().ok())
            .ok_or_else(|| {
                misuse(
                    "cleanup_job",
                    format!("the job map has no `{key}` string"),
                    "cleanup_job(db, job) with a job from datapump_jobs(db)",
                )
            })?;
        Identifier::stored(&value, NameLimit::From122).map_err(|e| {
            script_error(
                "BZ-JOB-NAME",
                format!("cleanup_job: invalid {key}: {e}"),
                "pass a job from datapump_jobs(db)",
            )
        })
    };
    Ok((field("owner")?, field("job")?))
}

/// Lists the jobs, checking the master table of every stopped one.
pub fn datapump_jobs(ctx: &HostCtx, db: &Oracle) -> Result<Vec<DataPumpJob>, Box<EvalAltResult>> {
    let mut script = SqlplusScript::new();
    let list = script.query(jobs::LIST_SQL);
    let output = run_sql(ctx, db, "datapump_jobs", &script)?;
    let mut listed = output
        .rows(list)
        .iter()
        .map(jobs::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql_error("datapump_jobs", e))?;

    // Names read back from Oracle go into the next query as literals of their stored form.
    let mut checks = SqlplusScript::new();
    let mut pending = Vec::new();
    for (index, job) in listed.iter().enumerate() {
        if !job.is_not_running() {
            continue;
        }
        let (Ok(owner), Ok(name)) = (
            Identifier::stored(&job.owner, NameLimit::From122),
            Identifier::stored(&job.job, NameLimit::From122),
        ) else {
            continue;
        };
        pending.push((index, checks.query(&jobs::master_table_sql(&owner, &name))));
    }
    if !pending.is_empty() {
        let output = run_sql(ctx, db, "datapump_jobs", &checks)?;
        for (index, query) in pending {
            let exists =
                jobs::count(output.rows(query)).map_err(|e| sql_error("datapump_jobs", e))? > 0;
            listed[index].set_master_table(exists);
        }
    }
    Ok(listed)
}

/// How the confirmation is obtained: given what would be done, `Ok(true)` to go ahead.
pub type Confirm<'a> = dyn FnMut(&str) -> Result<bool, Box<EvalAltResult>> + 'a;

/// The run's confirmation: `--yes`, else a y/N question on a terminal, else an error.
/// The spinner of `step` is paused while the question waits for an answer.
fn confirmation<'a>(
    ctx: &'a HostCtx,
    step: &'a Step,
) -> impl FnMut(&str) -> Result<bool, Box<EvalAltResult>> + 'a {
    move |question: &str| {
        if ctx.assume_yes {
            return Ok(true);
        }
        if !(ctx.interactive && std::io::stdin().is_terminal()) {
            return Err(script_error(
                "BZ-CONFIRM",
                format!("cleanup_job: will not {question} without confirmation, and this run has no terminal to ask on"),
                "run again with --yes to confirm unattended clean-ups",
            ));
        }
        step.suspend(|| {
            eprint!("cleanup_job: {question}? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut answer)
                .map_err(|e| {
                    script_error(
                        "BZ-CONFIRM",
                        format!("cleanup_job: cannot read the answer: {e}"),
                        "",
                    )
                })?;
            Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
        })
    }
}

fn name(what: &str, value: &str) -> Result<Identifier, Box<EvalAltResult>> {
    Identifier::parse(value, NameLimit::From122).map_err(|e| {
        script_error(
            "BZ-JOB-NAME",
            format!("cleanup_job: invalid {what}: {e}"),
            "pass the owner and job as datapump_jobs(db) lists them",
        )
    })
}

/// Checks the job is an orphan, confirms, drops its master table.
pub fn cleanup_job(
    ctx: &HostCtx,
    db: &Oracle,
    owner: &Identifier,
    job: &Identifier,
    confirm: &mut Confirm,
) -> Result<JobCleanup, Box<EvalAltResult>> {
    let qualified = format!("{}.{}", owner.as_stored(), job.as_stored());
    let row_sql = jobs::job_row_sql(owner, job);
    let mut script = SqlplusScript::new();
    let row_query = script.query(&row_sql);
    let table_query = script.query(&jobs::master_table_sql(owner, job));
    let output = run_sql(ctx, db, "cleanup_job", &script)?;
    jobs::check_orphan(&qualified, output.rows(row_query), output.rows(table_query)).map_err(
        |e| match (e.code(), e) {
            (_, OrphanError::Output(e)) => sql_error("cleanup_job", e),
            (code, e) => script_error(
                code.unwrap_or("BZ-SQLPLUS-OUTPUT"),
                format!("cleanup_job: {e}"),
                e.hint(),
            ),
        },
    )?;
    let drop_sql = jobs::drop_sql(owner, job);
    let statements = vec![drop_sql.clone()];
    if ctx.dry_run() {
        eprintln!("cleanup_job (dry run) would run: {drop_sql}");
        return Ok(JobCleanup {
            owner: owner.as_stored().into(),
            job: job.as_stored().into(),
            dropped: false,
            still_listed: true,
            dry_run: true,
            statements,
        });
    }
    if !confirm(&format!(
        "drop the master table of orphaned Data Pump job {qualified} (the job cannot be restarted afterwards)"
    ))? {
        return Err(script_error(
            "BZ-CONFIRM",
            format!("cleanup_job: not confirmed; {qualified} left as it was"),
            "answer y to drop it, or run with --yes",
        ));
    }
    let mut script = SqlplusScript::new();
    script.execute(&drop_sql);
    let after = script.query(&row_sql);
    let output = run_sql(ctx, db, "cleanup_job", &script)?;
    Ok(JobCleanup {
        owner: owner.as_stored().into(),
        job: job.as_stored().into(),
        dropped: true,
        still_listed: !output.rows(after).is_empty(),
        dry_run: false,
        statements,
    })
}

fn cleanup_summary(c: &JobCleanup) -> String {
    if c.dry_run {
        format!(
            "cleanup_job: {}.{} (dry run, nothing changed)",
            c.owner, c.job
        )
    } else if c.still_listed {
        format!(
            "cleanup_job: dropped the master table of {}.{}, but the job is still listed: attach and KILL_JOB (expdp ATTACH={}.{})",
            c.owner, c.job, c.owner, c.job
        )
    } else {
        format!(
            "cleanup_job: dropped the master table of {}.{}; the job is gone",
            c.owner, c.job
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_job_keeps_its_exact_names() {
        let map = |owner: &str, job: &str| -> Map {
            [("owner", owner), ("job", job), ("state", "NOT RUNNING")]
                .into_iter()
                .map(|(k, v)| (k.into(), Dynamic::from(v.to_string())))
                .collect()
        };
        let (owner, job) = listed_job(&map("BIZAGIADMON", "My Job")).unwrap();
        assert_eq!(jobs::quoted(&owner), "\"BIZAGIADMON\"");
        assert_eq!(jobs::quoted(&job), "\"My Job\"");
        assert!(listed_job(&map("BIZAGIADMON", "X\"; DROP TABLE Y; --")).is_err());
        let mut incomplete = map("BIZAGIADMON", "J");
        incomplete.remove("job");
        assert!(listed_job(&incomplete).is_err());
    }

    #[test]
    fn names_are_checked() {
        assert!(name("job", "X\"; DROP TABLE Y").is_err());
    }
}

#[cfg(test)]
mod sim_tests {
    use crate::primitives::testing::{code, start_expdp, text, Sim};
    use rhai::{Array, Map};
    use std::time::{Duration, Instant};

    fn jobs(sim: &Sim) -> Vec<Map> {
        sim.run("datapump_jobs(db)")
            .unwrap()
            .cast::<Array>()
            .into_iter()
            .map(|j| j.cast::<Map>())
            .collect()
    }

    /// Runs an export that crashes mid-job, leaving an orphan named `job`.
    fn orphan(sim: &Sim, job: &str) {
        let (mut child, _parfile_dir) = start_expdp(sim, job);
        let status = child.wait().unwrap();
        assert!(!status.success(), "the crash scenario's expdp should fail");
    }

    /// Turns the simulated database's scenario to `scenario` (the home keeps its jobs).
    fn switch_scenario(sim: &Sim, scenario: &str) {
        let path = sim.home.home.join("sim/state.json");
        let mut state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        state["scenario"] = serde_json::Value::String(scenario.into());
        std::fs::write(&path, state.to_string()).unwrap();
    }

    #[test]
    fn expdp_reports_or_cleans_an_orphan_of_its_own_as_previous_jobs_says() {
        let Some(sim) = Sim::with("crash", false, true) else {
            return;
        };
        orphan(&sim, "BIZSCRIPT_EXP_19990101000000");
        // Not ours by name: never touched.
        orphan(&sim, "NIGHTLY_BY_HAND");
        switch_scenario(&sim, "ok");
        let export = |policy: &str| -> Map {
            let log = sim.home.home.join(format!("{policy}.client.log"));
            sim.run(&format!(
                r#"expdp(db, #{{ schemas: ["BIZAGI"], directory: "BIZAGIBACKUPPATH", dumpfile: "{policy}.dmp", client_log: "{}"{} }})"#,
                log.display(),
                if policy == "default" { String::new() } else { format!(r#", previous_jobs: "{policy}""#) }
            ))
            .unwrap()
            .cast()
        };
        let first = export("report");
        assert_eq!(first["exit_code"].as_int(), Ok(0));
        let previous = first["previous_jobs"].clone().cast::<Array>();
        assert_eq!(previous.len(), 1, "{previous:?}");
        let entry = previous[0].clone().cast::<Map>();
        assert_eq!(
            entry["job"].to_string(),
            "BIZAGIADMON.BIZSCRIPT_EXP_19990101000000"
        );
        assert_eq!(entry["action"].to_string(), "reported");
        assert_eq!(jobs(&sim).len(), 2);
        // `()`-free default: clean.
        std::thread::sleep(Duration::from_millis(1100));
        let second = export("default");
        let previous = second["previous_jobs"].clone().cast::<Array>();
        assert_eq!(previous.len(), 1, "{previous:?}");
        assert_eq!(
            previous[0].clone().cast::<Map>()["action"].to_string(),
            "cleaned"
        );
        let left: Vec<String> = jobs(&sim).iter().map(|j| j["job"].to_string()).collect();
        assert_eq!(left, ["NIGHTLY_BY_HAND"]);
        let err = sim
            .run(r#"expdp(db, #{ schemas: ["BIZAGI"], directory: "BIZAGIBACKUPPATH", dumpfile: "x.dmp", previous_jobs: "drop" })"#)
            .unwrap_err();
        assert_eq!(code(&err), "BZ-USAGE", "{}", text(&err));
    }

    #[test]
    fn expdp_refuses_to_start_while_an_earlier_job_of_its_own_executes() {
        let Some(sim) = Sim::with("slow", false, true) else {
            return;
        };
        let (mut child, _parfile_dir) = start_expdp(&sim, "BIZSCRIPT_EXP_19990101000000");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !jobs(&sim)
            .iter()
            .any(|j| j["state"].to_string() == "EXECUTING")
        {
            assert!(Instant::now() < deadline, "the slow job never appeared");
            std::thread::sleep(Duration::from_millis(200));
        }
        let err = sim.run(r#"expdp(db, #{ schemas: ["BIZAGI"], directory: "BIZAGIBACKUPPATH", dumpfile: "second.dmp" })"#);
        let _ = child.kill();
        let _ = child.wait();
        let err = err.unwrap_err();
        assert_eq!(code(&err), "BZ-EXPDP-RUNNING", "{}", text(&err));
        assert!(
            text(&err).contains("BIZAGIADMON.BIZSCRIPT_EXP_19990101000000"),
            "{}",
            text(&err)
        );
        assert!(text(&err).contains("ATTACH=BIZAGIADMON.BIZSCRIPT_EXP_19990101000000"));
    }

    #[test]
    fn lists_an_orphan_and_cleans_it_up_with_yes() {
        let Some(sim) = Sim::with("crash", false, true) else {
            return;
        };
        assert!(jobs(&sim).is_empty());
        orphan(&sim, "BZ_CRASHED");
        let listed = jobs(&sim);
        assert_eq!(listed.len(), 1, "{listed:?}");
        let job = &listed[0];
        assert_eq!(job["job"].to_string(), "BZ_CRASHED");
        assert_eq!(job["owner"].to_string(), "BIZAGIADMON");
        assert_eq!(job["state"].to_string(), "NOT RUNNING");
        assert_eq!(job["master_table"].as_bool(), Ok(true));
        assert_eq!(job["orphan"].as_bool(), Ok(true));

        let r: Map = sim
            .run("cleanup_job(db, datapump_jobs(db)[0])")
            .unwrap()
            .cast();
        assert_eq!(r["dropped"].as_bool(), Ok(true));
        assert_eq!(r["still_listed"].as_bool(), Ok(false));
        assert!(jobs(&sim).is_empty());
        sim.assert_password_nowhere();
    }

    #[test]
    fn an_unattended_cleanup_needs_yes_and_a_dry_run_changes_nothing() {
        let Some(sim) = Sim::with("crash", false, false) else {
            return;
        };
        orphan(&sim, "BZ_CRASHED");
        let err = sim
            .run(r#"cleanup_job(db, "bizagiadmon", "bz_crashed")"#)
            .unwrap_err();
        assert_eq!(code(&err), "BZ-CONFIRM");
        assert!(text(&err).contains("--yes"));
        sim.ctx.set_dry_run(true);
        let r: Map = sim
            .run(r#"cleanup_job(db, "BIZAGIADMON", "BZ_CRASHED")"#)
            .unwrap()
            .cast();
        assert_eq!(r["dropped"].as_bool(), Ok(false));
        let statements = r["statements"].clone().cast::<Array>();
        assert_eq!(
            statements[0].to_string(),
            "DROP TABLE \"BIZAGIADMON\".\"BZ_CRASHED\" PURGE;"
        );
        sim.ctx.set_dry_run(false);
        assert_eq!(jobs(&sim).len(), 1);
    }

    #[test]
    fn without_the_dictionary_privilege_the_error_says_what_is_missing() {
        let Some(sim) = Sim::start("no_privilege") else {
            return;
        };
        let err = sim.run("datapump_jobs(db)").unwrap_err();
        assert_eq!(code(&err), "ORA-00942", "{}", text(&err));
        assert!(text(&err).contains("SELECT_CATALOG_ROLE"), "{}", text(&err));
    }

    #[test]
    fn a_declined_confirmation_leaves_the_job_alone() {
        let Some(sim) = Sim::with("crash", false, false) else {
            return;
        };
        orphan(&sim, "BZ_CRASHED");
        let db = sim
            .run("db")
            .unwrap()
            .cast::<crate::primitives::connection::Oracle>();
        let owner = super::name("owner", "BIZAGIADMON").unwrap();
        let job = super::name("job", "BZ_CRASHED").unwrap();
        let mut asked = Vec::new();
        let mut decline = |what: &str| {
            asked.push(what.to_string());
            Ok(false)
        };
        let err = super::cleanup_job(&sim.ctx, &db, &owner, &job, &mut decline).unwrap_err();
        assert_eq!(code(&err), "BZ-CONFIRM");
        assert_eq!(
            asked,
            ["drop the master table of orphaned Data Pump job BIZAGIADMON.BZ_CRASHED (the job cannot be restarted afterwards)"]
        );
        assert_eq!(jobs(&sim).len(), 1);
    }

    #[test]
    fn an_unknown_job_is_refused() {
        let Some(sim) = Sim::with("ok", false, true) else {
            return;
        };
        let err = sim
            .run(r#"cleanup_job(db, "BIZAGIADMON", "NO_SUCH_JOB")"#)
            .unwrap_err();
        assert_eq!(code(&err), "BZ-JOB-NOT-FOUND");
    }

    #[test]
    fn a_running_job_is_refused() {
        let Some(sim) = Sim::with("slow", false, true) else {
            return;
        };
        let (mut child, _parfile_dir) = start_expdp(&sim, "BZ_SLOW");
        let deadline = Instant::now() + Duration::from_secs(20);
        let running = loop {
            let listed = jobs(&sim);
            if let Some(job) = listed.iter().find(|j| j["job"].to_string() == "BZ_SLOW") {
                break job.clone();
            }
            assert!(Instant::now() < deadline, "the slow job never appeared");
            std::thread::sleep(Duration::from_millis(200));
        };
        assert_eq!(running["state"].to_string(), "EXECUTING");
        assert_eq!(running["orphan"].as_bool(), Ok(false));
        let err = sim.run(r#"cleanup_job(db, "BIZAGIADMON", "BZ_SLOW")"#);
        let _ = child.kill();
        let _ = child.wait();
        let err = err.unwrap_err();
        assert_eq!(code(&err), "BZ-JOB-RUNNING", "{}", text(&err));
        assert!(text(&err).contains("ATTACH=BIZAGIADMON.BZ_SLOW"));
    }
}
