//! Interactive-command mode: entered with Ctrl-C while a job runs, or with ATTACH=job.
//!
//! The prompt (`Export>` / `Import>`) goes to stdout and commands are read from stdin line by
//! line. While the client sits here the job does not advance (a simulated job has no server
//! process; see FIDELITY.md). At end of input the client behaves as if EXIT_CLIENT had been
//! typed: it detaches and leaves the job running.

use super::job::{self, ClientEnd, JobSpec};
use super::output::JobOutput;
use super::Tool;
use crate::audit::Invocation;
use crate::home::Home;
use crate::state::{self, Database};

/// What the client does after interactive mode.
pub enum Decision {
    /// Back to logging mode: the job goes on.
    Continue,
    /// The client exits with this code.
    Exit(i32),
}

fn prompt(tool: Tool) -> String {
    format!("{}> ", tool.word())
}

/// Runs the interactive session for a job the client is attached to. `attached_idle` is true
/// when the job is stopped (ATTACH to a NOT RUNNING job): CONTINUE_CLIENT / START_JOB restart it.
pub fn session(home: &Home, spec: &JobSpec, out: &mut JobOutput, attached_idle: bool) -> Decision {
    crate::signals::set_interactive(true);
    let decision = commands(home, spec, out, attached_idle);
    crate::signals::set_interactive(false);
    decision
}

fn commands(home: &Home, spec: &JobSpec, out: &mut JobOutput, attached_idle: bool) -> Decision {
    out.console = true;
    out.say("");
    loop {
        let Some(line) = super::prompt_line(&prompt(spec.tool)) else {
            // End of input: the client cannot read a command; it reports it and detaches,
            // leaving the job as EXIT_CLIENT would.
            out.say("");
            out.say(&format!(
                "{}-00005: unexpected End-Of-File encountered while reading input",
                spec.tool.facility()
            ));
            detach(home, spec);
            return Decision::Exit(1);
        };
        let cmd = line.trim();
        if cmd.is_empty() {
            continue;
        }
        let (word, arg) = match cmd.split_once('=') {
            Some((w, a)) => (w.trim().to_ascii_uppercase(), Some(a.trim().to_string())),
            None => (cmd.to_ascii_uppercase(), None),
        };
        match matches_command(&word) {
            Some("CONTINUE_CLIENT") | Some("START_JOB") => {
                out.console = true;
                set_state(home, spec, state::EXECUTING, Some(std::process::id()));
                if attached_idle {
                    out.line(&format!("Job {} restarted", spec.qualified()), None);
                }
                return Decision::Continue;
            }
            Some("EXIT_CLIENT") => {
                detach(home, spec);
                return Decision::Exit(0);
            }
            Some("STATUS") => status(home, spec, out),
            Some("HELP") => out.say(super::help::text(spec.tool).rsplit("------------------------------------------------------------------------------").next().unwrap_or("")),
            Some("KILL_JOB") => {
                match confirm(out) {
                    Some(true) => {
                        kill(home, spec, out);
                        return Decision::Exit(1);
                    }
                    Some(false) => {}
                    None => {
                        detach(home, spec);
                        return Decision::Exit(1);
                    }
                }
            }
            Some("STOP_JOB") => match confirm(out) {
                Some(true) => {
                    stop(home, spec, out, arg.as_deref());
                    return Decision::Exit(1);
                }
                Some(false) => {}
                None => {
                    detach(home, spec);
                    return Decision::Exit(1);
                }
            },
            Some("PARALLEL") | Some("FILESIZE") | Some("ADD_FILE") | Some("REUSE_DUMPFILES") | Some("STOP_WORKER") | Some("TRACE") => {
                // Accepted; the simulated job has nothing to change.
            }
            _ => out.say(&format!(
                "{}-00053: unrecognized client command '{cmd}'",
                spec.tool.facility()
            )),
        }
    }
}

/// Commands may be abbreviated (`CONT`, `KILL`) as long as the prefix is unique.
fn matches_command(word: &str) -> Option<&'static str> {
    const COMMANDS: &[&str] = &[
        "ADD_FILE",
        "CONTINUE_CLIENT",
        "EXIT_CLIENT",
        "FILESIZE",
        "HELP",
        "KILL_JOB",
        "PARALLEL",
        "REUSE_DUMPFILES",
        "START_JOB",
        "STATUS",
        "STOP_JOB",
        "STOP_WORKER",
        "TRACE",
    ];
    if let Some(exact) = COMMANDS.iter().find(|c| **c == word) {
        return Some(exact);
    }
    let found: Vec<_> = COMMANDS
        .iter()
        .filter(|c| !word.is_empty() && c.starts_with(word))
        .collect();
    (found.len() == 1).then(|| *found[0])
}

/// `Are you sure you wish to stop this job ([yes]/no):` — empty answer means yes.
fn confirm(out: &mut JobOutput) -> Option<bool> {
    let _ = out;
    let answer = super::prompt_line("Are you sure you wish to stop this job ([yes]/no): ")?;
    let a = answer.trim().to_ascii_lowercase();
    Some(a.is_empty() || a == "y" || a == "yes")
}

fn set_state(home: &Home, spec: &JobSpec, st: &str, pid: Option<u32>) {
    let _ = Database::update(home, |db| {
        if let Some(job) = db.job_mut(&spec.owner, &spec.job_name) {
            job.state = st.to_string();
            job.client_pid = pid;
            job.detached = false;
        }
    });
}

/// EXIT_CLIENT: the client leaves, the job stays EXECUTING with no session attached.
fn detach(home: &Home, spec: &JobSpec) {
    let _ = Database::update(home, |db| {
        if let Some(job) = db.job_mut(&spec.owner, &spec.job_name) {
            // Only this client's own attachment ends; another client stays attached.
            if job.client_pid == Some(std::process::id()) || job.client_pid.is_none() {
                if job.state == state::EXECUTING {
                    job.detached = true;
                }
                job.client_pid = None;
            }
        }
    });
}

/// KILL_JOB: the job and its master table go, the dump files are deleted, the log keeps a line.
fn kill(home: &Home, spec: &JobSpec, out: &mut JobOutput) {
    for f in &spec.dump_paths {
        let _ = std::fs::remove_file(crate::home::server_file(f));
    }
    let _ = Database::update(home, |db| {
        job::remove_job(db, &spec.owner, &spec.job_name);
        if spec.tool == Tool::Impdp {
            super::import::apply_killed(db, spec);
        }
    });
    out.console = false;
    out.line(
        &format!("Job {} has been killed by user.", spec.qualified()),
        None,
    );
    out.console = true;
}

/// STOP_JOB: the job becomes NOT RUNNING with its master table, restartable with ATTACH.
fn stop(home: &Home, spec: &JobSpec, out: &mut JobOutput, arg: Option<&str>) {
    let _ = arg;
    set_state(home, spec, state::NOT_RUNNING, None);
    out.console = false;
    out.line(
        &format!(
            "Job {} stopped by user request at {}",
            spec.qualified(),
            crate::clock::long(chrono::Local::now())
        ),
        None,
    );
    out.console = true;
}

fn status(home: &Home, spec: &JobSpec, out: &mut JobOutput) {
    let (st, attached) = Database::load(home)
        .ok()
        .and_then(|db| {
            db.job(&spec.owner, &spec.job_name).map(|j| {
                let (s, a) = j.effective_state();
                (s.to_string(), a)
            })
        })
        .unwrap_or_else(|| ("UNDEFINED".to_string(), 0));
    let st = if st == state::NOT_RUNNING && attached == 0 {
        state::IDLING.to_string()
    } else {
        st
    };
    out.say("");
    out.say(&format!("Job: {}", spec.job_name));
    out.say(&format!(
        "  Operation: {}",
        match spec.tool {
            Tool::Expdp => "EXPORT",
            Tool::Impdp => "IMPORT",
        }
    ));
    out.say(&format!("  Mode: {}", spec.mode));
    out.say(&format!("  State: {st}"));
    out.say("  Bytes Processed: 0");
    out.say(&format!("  Current Parallelism: {}", spec.parallel));
    out.say("  Job Error Count: 0");
    for f in &spec.dump_paths {
        out.say(&format!("  Dump File: {f}"));
        out.say("    bytes written: 0");
    }
    out.say("");
    out.say("Worker 1 Status:");
    out.say(&format!("  State: {st}"));
    out.say("");
}

/// `ATTACH=[owner.]job`: show the job and enter interactive mode; resumes the job on
/// CONTINUE_CLIENT / START_JOB.
pub fn attach(
    home: &Home,
    tool: Tool,
    user: &str,
    target: &str,
    out: &mut JobOutput,
    inv: &mut Invocation,
) -> i32 {
    let (owner, name) = match target.split_once('.') {
        Some((o, n)) => (o.to_string(), n.to_string()),
        None => (user.to_string(), target.to_string()),
    };
    let Ok(db) = Database::load(home) else {
        return 1;
    };
    let Some(job) = db.job(&owner, &name).cloned() else {
        out.say("ORA-31626: job does not exist");
        return 1;
    };
    let Ok(spec) = serde_json::from_value::<JobSpec>(job.spec.clone()) else {
        out.say("ORA-31626: job does not exist");
        return 1;
    };
    if spec.tool != tool {
        out.say(&format!(
            "{}-00011: parameter attach is incompatible with parameter operation {}",
            tool.facility(),
            job.operation.to_lowercase()
        ));
        return 1;
    }
    inv.job_name = Some(name.clone());
    let (st, _) = job.effective_state();
    let idle = st != state::EXECUTING;
    out.say("");
    out.say(&format!("Job: {}", spec.job_name));
    out.say(&format!("  Owner: {}", spec.owner));
    out.say(&format!("  Operation: {}", job.operation));
    out.say(&format!(
        "  Creator Privs: {}",
        if spec.owner == "SYS" { "TRUE" } else { "FALSE" }
    ));
    out.say(&format!("  Mode: {}", spec.mode));
    out.say(&format!(
        "  State: {}",
        if idle {
            state::IDLING
        } else {
            state::EXECUTING
        }
    ));
    out.say(&format!("  Max Parallelism: {}", spec.parallel));
    for f in &spec.dump_paths {
        out.say(&format!("  Dump File: {f}"));
    }
    let mut driven_elsewhere = false;
    let _ = Database::update(home, |db| {
        if let Some(j) = db.job_mut(&owner, &name) {
            // A job still driven by a live client keeps that client; ATTACH only watches it.
            let other_live = j
                .client_pid
                .is_some_and(|pid| pid != std::process::id() && state::process_alive(pid));
            driven_elsewhere = other_live;
            if !other_live {
                j.client_pid = Some(std::process::id());
            }
            if idle {
                j.state = state::IDLING.to_string();
            }
        }
    });
    // Reopen the log for appending: the job goes on writing to it.
    if let Some(path) = &spec.log_path {
        let _ = out.append_log(&crate::home::server_file(path));
    }
    out.logtime = spec.logtime();
    out.metrics = spec.metrics;
    match session(home, &spec, out, idle) {
        Decision::Exit(code) => {
            // Leaving an idle job: it stays NOT RUNNING.
            if idle {
                let _ = Database::update(home, |db| {
                    if let Some(j) = db.job_mut(&owner, &name) {
                        if j.state == state::IDLING {
                            j.state = state::NOT_RUNNING.to_string();
                        }
                    }
                });
            }
            code
        }
        Decision::Continue if driven_elsewhere => wait_for_end(home, &owner, &name),
        Decision::Continue => match job::execute(home, &spec, out, job.progress, inv) {
            ClientEnd::Exit(code) => code,
        },
    }
}

/// CONTINUE_CLIENT on a job another live client drives: the simulator cannot stream that
/// client's lines, so it waits for the job to end (0) or stop (1).
fn wait_for_end(home: &Home, owner: &str, name: &str) -> i32 {
    loop {
        let Ok(db) = Database::load(home) else {
            return 1;
        };
        match db.job(owner, name) {
            None => return 0,
            Some(j) if j.effective_state().0 != state::EXECUTING => return 1,
            Some(_) => std::thread::sleep(std::time::Duration::from_millis(200)),
        }
    }
}
