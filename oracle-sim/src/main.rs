//! oracle-sim: a simulator of the Oracle client tools (expdp, impdp, sqlplus) for tests and
//! demonstrations. It shares no code with bizscript: it is written from Oracle's documented
//! behaviour, so that it does not agree with the product's bugs.
//!
//! `oracle-sim init DIR` lays DIR out as an Oracle home whose `bin/expdp`, `bin/impdp` and
//! `bin/sqlplus` are copies of this binary; a copy looks at its own file name to know which tool
//! it is, and at its own location to find its simulated database.

mod audit;
mod clock;
mod datapump;
mod home;
mod init;
mod scenario;
mod seed;
mod signals;
mod sqlplus;
mod state;

use audit::Invocation;
use home::Home;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let name = args
        .first()
        .and_then(|a| Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let code = match name.as_str() {
        "expdp" | "impdp" | "sqlplus" => run_tool(&name, &args[1..]),
        _ => subcommand(&args[1..]),
    };
    std::process::exit(code);
}

fn usage() -> &'static str {
    "usage: oracle-sim init DIR [--scenario NAME] [--version 19.0.0.0.0] [--charset AL32UTF8] [--remote]\n       oracle-sim scenarios\n       oracle-sim {expdp|impdp|sqlplus} ARGS...   (inside a home: uses $ORACLE_HOME's database)"
}

fn subcommand(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("init") => match init::parse_args(&args[1..]).and_then(|o| init::run(&o)) {
            Ok(lines) => {
                print!("{lines}");
                0
            }
            Err(e) => {
                eprintln!("oracle-sim init: {e}");
                2
            }
        },
        Some("scenarios") => {
            for s in scenario::Scenario::ALL {
                println!("{:<18} {}", s.name(), s.summary());
            }
            0
        }
        Some(tool @ ("expdp" | "impdp" | "sqlplus")) => run_tool(tool, &args[1..]),
        Some("-h") | Some("--help") | Some("help") => {
            println!("{}", usage());
            0
        }
        _ => {
            eprintln!("{}", usage());
            2
        }
    }
}

/// Runs one tool and records the invocation in the audit trail.
fn run_tool(tool: &str, args: &[String]) -> i32 {
    // A copy in DIR/bin finds DIR from its own path; `oracle-sim expdp ...` (debugging) falls
    // back to $ORACLE_HOME.
    let home = Home::of_current_exe().or_else(|| {
        home::oracle_home_env()
            .map(Home::new)
            .filter(|h| h.state_path().is_file())
    });
    let Some(home) = home else {
        eprintln!("oracle-sim: {tool} is not inside a simulated Oracle home; run `oracle-sim init DIR` and use DIR/bin/{tool}");
        return 1;
    };
    home::set_server_root(home.server_dir());
    let mut inv = Invocation {
        home: home.clone(),
        tool: tool.to_string(),
        argv: args.to_vec(),
        nls_lang: std::env::var("NLS_LANG").ok(),
        password_prompted: false,
        job_name: None,
        statements: None,
    };
    let code = match tool {
        "expdp" => datapump::run(datapump::Tool::Expdp, &home, args, &mut inv),
        "impdp" => datapump::run(datapump::Tool::Impdp, &home, args, &mut inv),
        _ => sqlplus::run(&home, args, &mut inv),
    };
    inv.audit(code, false);
    code
}
