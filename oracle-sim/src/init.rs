//! `oracle-sim init DIR`: lay a folder out as an Oracle home with a simulated database.

use crate::home::Home;
use crate::scenario::Scenario;
use crate::seed;
use std::path::{Path, PathBuf};

/// What `init` was asked for.
#[derive(Debug)]
pub struct InitOptions {
    pub dir: PathBuf,
    pub scenario: Scenario,
    pub version: String,
    pub charset: String,
    /// The database runs on another host: its folders are reported under `/oracle-server/`
    /// (always so in scenario `remote`; `--remote` or `ORACLE_SIM_REMOTE=1` for any scenario).
    pub remote: bool,
}

/// Parses `init DIR [--scenario NAME] [--version V] [--charset CS] [--remote]`.
/// `ORACLE_SIM_REMOTE=1` in the environment stands for `--remote`, for programs that run init
/// themselves (`bizscript run --simulate`).
pub fn parse_args(args: &[String]) -> Result<InitOptions, String> {
    let mut dir = None;
    let mut scenario = Scenario::Ok;
    let mut version = "19.0.0.0.0".to_string();
    let mut charset = "AL32UTF8".to_string();
    let mut remote = std::env::var("ORACLE_SIM_REMOTE")
        .is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"));
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--scenario" => {
                let name = value("--scenario")?;
                scenario = Scenario::parse(&name).ok_or_else(|| {
                    let known: Vec<_> = Scenario::ALL.iter().map(|s| s.name()).collect();
                    format!("unknown scenario {name:?}; known: {}", known.join(", "))
                })?;
            }
            "--version" => {
                version = value("--version")?;
                let parts: Vec<_> = version.split('.').collect();
                if parts.len() != 5 || parts.iter().any(|p| p.parse::<u32>().is_err()) {
                    return Err(format!(
                        "--version wants a release like 19.0.0.0.0, not {version:?}"
                    ));
                }
            }
            // `--db-version 21`: the database (and client) release by its major number.
            "--db-version" => {
                let major = value("--db-version")?;
                match major.split('.').next().and_then(|m| m.parse::<u32>().ok()) {
                    Some(m @ (18 | 19 | 21 | 23)) => version = format!("{m}.0.0.0.0"),
                    Some(11) => version = "11.2.0.4.0".to_string(),
                    Some(12) => version = "12.2.0.1.0".to_string(),
                    _ => {
                        return Err(format!(
                            "--db-version wants 11, 12, 18, 19, 21 or 23, not {major:?}"
                        ))
                    }
                }
            }
            "--charset" => charset = value("--charset")?.to_ascii_uppercase(),
            "--remote" => remote = true,
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => {
                if dir.replace(PathBuf::from(other)).is_some() {
                    return Err("init takes one DIR".to_string());
                }
            }
        }
    }
    let dir = dir.ok_or(
        "usage: oracle-sim init DIR [--scenario NAME] [--version 19.0.0.0.0 | --db-version 21] [--charset AL32UTF8] [--remote]",
    )?;
    Ok(InitOptions {
        dir,
        remote: remote || scenario == Scenario::Remote,
        scenario,
        version,
        charset,
    })
}

/// Creates (or resets) the home and returns the shell lines to use it.
pub fn run(options: &InitOptions) -> Result<String, String> {
    let dir = absolute(&options.dir).map_err(|e| format!("{}: {e}", options.dir.display()))?;
    let home = Home::new(&dir);
    reset(&home, options.scenario).map_err(|e| format!("cannot prepare {}: {e}", dir.display()))?;
    let db = seed::database(
        &home,
        options.scenario,
        &options.version,
        &options.charset,
        options.remote,
    );
    db.save_unlocked(&home)
        .map_err(|e| format!("cannot write the simulated database: {e}"))?;
    let nls_lang = options.scenario.client_nls_lang();
    Ok(format!(
        "# oracle-sim: this is a SIMULATED Oracle home (scenario {scenario}{remote}), not a real Oracle client\n\
         export ORACLE_HOME=\"{dir}\"\n\
         export PATH=\"{dir}/bin:$PATH\"\n\
         export NLS_LANG=\"{nls_lang}\"\n",
        scenario = options.scenario.name(),
        remote = if options.remote && options.scenario != Scenario::Remote {
            ", database on a remote host"
        } else {
            ""
        },
        dir = dir.display(),
    ))
}

fn absolute(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    dir.canonicalize()
}

/// Removes what a previous init left and lays the home out afresh.
fn reset(home: &Home, scenario: Scenario) -> std::io::Result<()> {
    for sub in ["bin", "sim", "server", "rdbms", "sqlplus"] {
        let path = home.dir.join(sub);
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
    }
    let audit = home.audit_path();
    if audit.exists() {
        std::fs::remove_file(audit)?;
    }
    std::fs::create_dir_all(home.bin())?;
    std::fs::create_dir_all(home.sim_dir())?;
    std::fs::create_dir_all(home.backup_path())?;
    std::fs::create_dir_all(home.dpdump_path())?;
    let exe = std::env::current_exe()?;
    for tool in ["expdp", "impdp", "sqlplus"] {
        let target = home.bin().join(tool);
        std::fs::copy(&exe, &target)?;
        set_executable(&target)?;
    }
    if scenario != Scenario::BadHome {
        write_message_files(home)?;
    }
    Ok(())
}

/// Writes the message files (skipped for scenario bad_home, whose point is their absence).
fn write_message_files(home: &Home) -> std::io::Result<()> {
    let note = b"oracle-sim: placeholder message file of a simulated Oracle home\n";
    for (product, files) in [
        ("rdbms", &["oraus.msb", "udeus.msb", "udius.msb"][..]),
        ("sqlplus", &["sp1us.msb", "sp2us.msb", "cpyus.msb"][..]),
    ] {
        let mesg = home.dir.join(product).join("mesg");
        std::fs::create_dir_all(&mesg)?;
        for file in files {
            std::fs::write(mesg.join(file), note)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
