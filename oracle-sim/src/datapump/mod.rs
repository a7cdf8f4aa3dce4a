//! The Data Pump clients `expdp` and `impdp`: parameters, logon, job start-up checks, the job
//! itself and interactive-command mode.

pub mod dumpfile;
pub mod export;
pub mod help;
pub mod import;
pub mod interactive;
pub mod job;
pub mod output;
pub mod params;
pub mod plan;
pub mod startup;
pub mod userid;

use crate::audit::Invocation;
use crate::home::{self, Home};
use crate::scenario::Scenario;
use crate::state::{Database, User};
use crate::{clock, signals};
use job::ClientEnd;
use output::JobOutput;
use params::{ParamError, Params};
use serde::{Deserialize, Serialize};
use std::io::BufRead;
use userid::Credentials;

/// Which client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Expdp,
    Impdp,
}

impl Tool {
    /// `UDE` for expdp, `UDI` for impdp.
    pub fn facility(self) -> &'static str {
        match self {
            Tool::Expdp => "UDE",
            Tool::Impdp => "UDI",
        }
    }
    /// `Export` / `Import` (banner, prompt).
    pub fn word(self) -> &'static str {
        match self {
            Tool::Expdp => "Export",
            Tool::Impdp => "Import",
        }
    }
    fn message_file(self) -> &'static str {
        match self {
            Tool::Expdp => "udeus.msb",
            Tool::Impdp => "udius.msb",
        }
    }
}

/// Reads one line from stdin after printing `prompt`; `None` at end of input.
pub fn prompt_line(prompt: &str) -> Option<String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{prompt}");
    let _ = out.flush();
    drop(out);
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

/// Runs a client; returns its exit code.
pub fn run(tool: Tool, home: &Home, args: &[String], inv: &mut Invocation) -> i32 {
    let mut out = JobOutput::new();
    // The client finds its messages through ORACLE_HOME, like the real one.
    if home::message_file(
        home::oracle_home_env().as_deref(),
        "rdbms",
        tool.message_file(),
    )
    .is_none()
    {
        let f = tool.facility();
        out.say("");
        out.say(&format!(
            "{f}-00013: Message 13 not found; No message file for product=RDBMS, facility={f}"
        ));
        out.say(&format!(
            "{f}-00019: You may need to set ORACLE_HOME to your Oracle software directory"
        ));
        return 1;
    }
    let db = match Database::load(home) {
        Ok(db) => db,
        Err(e) => {
            out.say(&format!("oracle-sim: {e}"));
            return 1;
        }
    };
    let wants_help = args
        .first()
        .is_some_and(|a| a.eq_ignore_ascii_case("-help") || a.eq_ignore_ascii_case("-h"));
    let params = if wants_help {
        Params::default()
    } else {
        match params::parse(tool, args) {
            Ok(p) => p,
            Err(ParamError::Lrm(msg)) => {
                out.say(&msg);
                return 1;
            }
            Err(ParamError::Client(msg)) => {
                banner(&mut out, tool, &db);
                out.say(&msg);
                return 1;
            }
        }
    };
    if Database::major(&db.client_version) < 21 {
        if let Some(name) = params::SINCE_21C.iter().find(|n| params.has(n)) {
            out.say(&format!(
                "LRM-00101: unknown parameter name '{}'",
                name.to_ascii_lowercase()
            ));
            return 1;
        }
    }
    banner(&mut out, tool, &db);
    if wants_help || params.yes("HELP") {
        out.say(help::text(tool));
        return 0;
    }

    let Some(creds) = credentials(tool, &params, &mut out, inv) else {
        return 1;
    };
    let user = match logon(&db, &creds) {
        Ok(user) => user.clone(),
        Err(ora) => {
            let number = ora.get(4..9).unwrap_or("00000");
            out.say(&format!(
                "{}-{number}: operation generated ORACLE error {}",
                tool.facility(),
                number.trim_start_matches('0')
            ));
            out.say(&ora);
            out.say("");
            return 1;
        }
    };
    if Database::major(&db.client_version) > Database::major(&db.version) {
        out.say(&format!(
            "{}-00018: Data Pump client is incompatible with database version {}",
            tool.facility(),
            db.version
        ));
        return 1;
    }
    out.header(&connected_line(&db));

    signals::install();
    if let Some(attach) = params.value("ATTACH") {
        return interactive::attach(home, tool, &user.name, attach, &mut out, inv);
    }
    match startup::start(tool, home, &db, &user, &creds, &params, &mut out, inv) {
        Ok(ClientEnd::Exit(code)) => code,
        Err(lines) => {
            for l in lines {
                out.line(&l, None);
            }
            1
        }
    }
}

/// The connect string, prompting for what is missing (`Username:`, `Password:`) on stdin;
/// `None` after printing UDE-00005 when input ends first. A typed password is never echoed or
/// recorded.
fn credentials(
    tool: Tool,
    params: &Params,
    out: &mut JobOutput,
    inv: &mut Invocation,
) -> Option<Credentials> {
    let eof = |out: &mut JobOutput| {
        out.say("");
        out.say(&format!(
            "{}-00005: unexpected End-Of-File encountered while reading input",
            tool.facility()
        ));
    };
    let mut creds = match params.userid() {
        Some(u) => Credentials::parse(&u),
        None => {
            inv.password_prompted = true;
            match prompt_line("Username: ") {
                Some(u) => Credentials::parse(&u),
                None => {
                    eof(out);
                    return None;
                }
            }
        }
    };
    if creds.needs_password() {
        inv.password_prompted = true;
        match prompt_line("Password: ") {
            Some(p) => creds.password = Some(p),
            None => {
                eof(out);
                return None;
            }
        }
        out.say("");
    }
    Some(creds)
}

fn banner(out: &mut JobOutput, tool: Tool, db: &Database) {
    out.header("");
    out.header(&format!(
        "{}: Release {} - Production on {}",
        tool.word(),
        db.client_version,
        clock::long(chrono::Local::now())
    ));
    out.header(&format!("Version {}", db.client_version_full));
    out.header("");
    out.header("Copyright (c) 1982, 2019, Oracle and/or its affiliates.  All rights reserved.");
    out.header("");
}

/// `Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production`
pub fn connected_line(db: &Database) -> String {
    format!(
        "Connected to: Oracle Database {}c Enterprise Edition Release {} - Production",
        Database::major(&db.version),
        db.version
    )
}

/// Checks the credentials: any non-empty password is accepted for a known user, unless the
/// scenario is bad_password.
fn logon<'a>(db: &'a Database, creds: &Credentials) -> Result<&'a User, String> {
    if !creds.external() {
        match creds.password.as_deref() {
            None | Some("") => {
                return Err("ORA-01005: null password given; logon denied".to_string())
            }
            _ => {}
        }
    }
    if db.scenario == Scenario::BadPassword {
        return Err("ORA-01017: invalid username/password; logon denied".to_string());
    }
    db.user(&creds.user)
        .ok_or_else(|| "ORA-01017: invalid username/password; logon denied".to_string())
}
