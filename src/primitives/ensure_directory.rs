//! `ensure_directory(db, name[, path[, #{ grant_to, replace }]])`: the DIRECTORY object Data Pump
//! writes into exists, points where it should, and the backup user may use it.
//!
//! The name and the path are checked before sqlplus runs (identifier rules, doubled quotes, no
//! control characters), so nothing a script passes can inject SQL. The lookup reads
//! `dba_directories`, falling back to `all_directories` for a user without the privilege.
//! A second identical call changes nothing (`created: false`).

use super::connection::Oracle;
use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::sqlplus::{run_sql, sql_error, try_sql};
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use crate::oracle::directory::{self, DirectoryError, DirectoryLookup, DirectoryRequest};
use crate::oracle::identifier::{Identifier, NameLimit};
use crate::oracle::sqlplus_script::SqlplusScript;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

pub const ENSURE_DIRECTORY: PrimitiveDoc = PrimitiveDoc {
    name: "ensure_directory",
    signature: "ensure_directory(db: Oracle, name: string) -> Map\nensure_directory(db: Oracle, name: string, path: string) -> Map\nensure_directory(db: Oracle, name: string, path: string, options: #{ grant_to: string, replace: bool }) -> Map",
    summary: "Makes sure the DIRECTORY object `name` exists (unquoted names are upper-cased as Oracle does; write \"\\\"Name\\\"\" to keep case). Without a path it only checks; with a path it creates the directory when missing and refuses one that points elsewhere unless `replace: true` (CREATE OR REPLACE, which keeps grants). `grant_to` grants READ, WRITE to that user unless it already holds them (`granted` says whether this call granted). Names and paths are validated before sqlplus runs: anything that could inject SQL is refused. Returns #{ name, path, created, replaced, granted, local, view, dry_run, statements }; `local` is #{ exists, writable, free_bytes, note }: whether the path exists on this machine (false when the database runs on another host and the folder is not mounted here under the same path), is writable and how much space is free (Data Pump writes on the database server). A second identical call changes nothing and says `created: false`. Under --dry-run it still reads the dictionary (to know what would change), prints the SQL it would run and changes nothing.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
let dir = ensure_directory(db, "BizAgiBackupPath");
print(`${dir.name} -> ${dir.path} (created: ${dir.created})`);"#,
};

/// The option keys of the 4-argument form.
const KEYS: &[&str] = &["grant_to", "replace"];

/// What the path looks like from this machine.
#[derive(Debug, Clone, Serialize)]
pub struct LocalPath {
    /// True when the path exists here as a folder (the database runs here, or shares the folder).
    pub exists: bool,
    /// Whether bizscript's user may write there (`None` when it does not exist here).
    pub writable: Option<bool>,
    /// Free bytes on its file system (`None` when unknown).
    pub free_bytes: Option<u64>,
    /// One sentence for the DBA.
    pub note: String,
}

/// What `ensure_directory` returns.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryReport {
    pub name: String,
    pub path: String,
    pub created: bool,
    pub replaced: bool,
    pub granted: bool,
    pub grant_to: Option<String>,
    pub local: LocalPath,
    /// The view the lookup read: `dba_directories` or `all_directories`.
    pub view: &'static str,
    pub dry_run: bool,
    /// The DDL run (or, under --dry-run, that would run).
    pub statements: Vec<String>,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = Arc::clone(ctx);
    registration(&ENSURE_DIRECTORY, &["db: Oracle", "name: &str", "Map"])
        .register_into_engine(engine, move |db: Oracle, name: &str| {
            run(&c, &db, name, None, Map::new())
        });
    let c = Arc::clone(ctx);
    registration(
        &ENSURE_DIRECTORY,
        &["db: Oracle", "name: &str", "path: &str", "Map"],
    )
    .register_into_engine(engine, move |db: Oracle, name: &str, path: &str| {
        run(&c, &db, name, Some(path), Map::new())
    });
    let c = Arc::clone(ctx);
    registration(
        &ENSURE_DIRECTORY,
        &[
            "db: Oracle",
            "name: &str",
            "path: &str",
            "options: Map",
            "Map",
        ],
    )
    .register_into_engine(
        engine,
        move |db: Oracle, name: &str, path: &str, options: Map| {
            run(&c, &db, name, Some(path), options)
        },
    );
}

fn run(
    ctx: &HostCtx,
    db: &Oracle,
    name: &str,
    path: Option<&str>,
    options: Map,
) -> Result<Dynamic, Box<EvalAltResult>> {
    let request = check_request(name, path, &options)?;
    let step = Step::start(
        ctx,
        &format!("ensure_directory: looking up {}", request.name.as_stored()),
    );
    let report = ensure_directory(ctx, db, &request)?;
    step.finish(&summary(&report));
    rhai::serde::to_dynamic(&report)
}

/// A planning or verification failure as the script sees it.
fn refused(e: DirectoryError) -> Box<EvalAltResult> {
    script_error(e.code(), format!("ensure_directory: {e}"), e.hint())
}

/// Validates everything the script passed, before any process runs.
fn check_request(
    name: &str,
    path: Option<&str>,
    options: &Map,
) -> Result<DirectoryRequest, Box<EvalAltResult>> {
    check_keys("ensure_directory", options, KEYS)?;
    let name = Identifier::parse(name, NameLimit::From122).map_err(|e| {
        script_error(
            "BZ-DIRECTORY-NAME",
            format!("ensure_directory: invalid directory name: {e}"),
            "use letters, digits and _ (e.g. BizAgiBackupPath), or a double-quoted name without quotes or control characters",
        )
    })?;
    let path = path
        .map(directory::check_path)
        .transpose()
        .map_err(refused)?;
    let grant_to = match options.get("grant_to") {
        None => None,
        Some(user) => {
            let user = user.clone().into_string().map_err(|_| {
                misuse(
                    "ensure_directory",
                    "`grant_to` must be a user name (string)",
                    ENSURE_DIRECTORY.signature,
                )
            })?;
            Some(Identifier::parse(&user, NameLimit::From122).map_err(|e| {
                script_error(
                    "BZ-DIRECTORY-GRANTEE",
                    format!("ensure_directory: invalid grant_to user: {e}"),
                    "name the user that runs the backup, e.g. grant_to: \"BIZAGIADMON\"",
                )
            })?)
        }
    };
    let replace = match options.get("replace") {
        None => false,
        Some(value) => value.as_bool().map_err(|_| {
            misuse(
                "ensure_directory",
                "`replace` must be true or false",
                ENSURE_DIRECTORY.signature,
            )
        })?,
    };
    Ok(DirectoryRequest {
        name,
        path,
        grant_to,
        replace,
    })
}

fn ensure_directory(
    ctx: &HostCtx,
    db: &Oracle,
    request: &DirectoryRequest,
) -> Result<DirectoryReport, Box<EvalAltResult>> {
    let found = lookup(ctx, db, request)?;
    let view = found.view;
    let user = db.connection.user();
    let plan = directory::plan(&found, request, user.as_deref()).map_err(refused)?;
    let dry_run = ctx.dry_run();
    if dry_run {
        for sql in &plan.statements {
            eprintln!("ensure_directory (dry run) would run: {sql}");
        }
        if plan.statements.is_empty() {
            eprintln!("ensure_directory (dry run): nothing to change");
        }
    } else if !plan.statements.is_empty() {
        let mut script = SqlplusScript::new();
        for sql in &plan.statements {
            script.execute(sql);
        }
        let check = script.query(&directory::lookup_sql(&request.name, view));
        let output = run_sql(ctx, db, "ensure_directory", &script)?;
        let now = output
            .rows(check)
            .first()
            .map(|row| row.fields(2).map(|f| f[1].to_string()))
            .transpose()
            .map_err(|e| sql_error("ensure_directory", e))?;
        directory::verify(request, &plan, view, now.as_deref()).map_err(refused)?;
    }
    Ok(DirectoryReport {
        name: request.name.as_stored().to_string(),
        local: local_path(&plan.final_path),
        path: plan.final_path,
        created: plan.create && !dry_run,
        replaced: plan.replace && !dry_run,
        granted: plan.grant && !dry_run,
        grant_to: request.grant_to.as_ref().map(|u| u.as_stored().to_string()),
        view,
        dry_run,
        statements: plan.statements,
    })
}

/// Runs the lookup queries against `dba_directories`, or `all_directories` without the
/// privilege (the SQL and the reading of the rows are in `oracle::directory`).
fn lookup(
    ctx: &HostCtx,
    db: &Oracle,
    request: &DirectoryRequest,
) -> Result<DirectoryLookup, Box<EvalAltResult>> {
    let mut last_error = None;
    for (view, privileges_view) in directory::LOOKUP_VIEWS {
        let mut script = SqlplusScript::new();
        let found = script.query(&directory::lookup_sql(&request.name, view));
        let privileges = request.grant_to.as_ref().map(|user| {
            script.query(&directory::privileges_sql(
                &request.name,
                user,
                privileges_view,
            ))
        });
        let version =
            directory::needs_release(&request.name).then(|| script.query(directory::RELEASE_SQL));
        let output = match try_sql(ctx, db, "ensure_directory", &script)? {
            Ok(output) => output,
            Err(e) if e.code() == directory::NO_SUCH_VIEW => {
                tracing::info!(view, "no access to the view; trying the next one");
                last_error = Some(e);
                continue;
            }
            Err(e) => return Err(sql_error("ensure_directory", e)),
        };
        if let Some(version) = version {
            let release = output
                .rows(version)
                .first()
                .and_then(|row| row.fields(2).ok().map(|f| f[1].to_string()))
                .unwrap_or_default();
            directory::check_release(&request.name, &release).map_err(refused)?;
        }
        let rows = output
            .rows(found)
            .iter()
            .map(|row| {
                row.fields(2)
                    .map(|f| f.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error("ensure_directory", e))?;
        let existing_path = directory::existing_path(view, &rows).map_err(refused)?;
        let privileges = privileges
            .map(|q| {
                output
                    .rows(q)
                    .iter()
                    .map(|r| r.0.trim().to_string())
                    .collect()
            })
            .unwrap_or_default();
        return Ok(DirectoryLookup {
            existing_path,
            view,
            privileges,
        });
    }
    Err(match last_error {
        Some(e) => sql_error("ensure_directory", e),
        None => script_error(
            "ORA-00942",
            "ensure_directory: no directory view is readable",
            "",
        ),
    })
}

/// What can be seen of `path` from this machine, without changing anything.
fn local_path(path: &str) -> LocalPath {
    let dir = Path::new(path);
    if !dir.is_dir() {
        return LocalPath {
            exists: false,
            writable: None,
            free_bytes: None,
            note: "the path does not exist on this machine: Data Pump writes on the database server, so check it there (the Oracle server processes need read/write access)".into(),
        };
    }
    // statvfs's field types differ between platforms (u32 on some 32-bit ones), hence the casts.
    #[cfg(unix)]
    #[allow(clippy::unnecessary_cast)]
    let (writable, free_bytes) = (
        Some(nix::unistd::access(dir, nix::unistd::AccessFlags::W_OK).is_ok()),
        nix::sys::statvfs::statvfs(dir)
            .ok()
            .map(|s| s.blocks_available() as u64 * s.fragment_size() as u64),
    );
    #[cfg(not(unix))]
    let (writable, free_bytes) = (
        std::fs::metadata(dir)
            .ok()
            .map(|m| !m.permissions().readonly()),
        None,
    );
    let note = match writable {
        Some(true) => "the path exists on this machine and is writable by this user (the database's OS user needs write access too)",
        Some(false) => "the path exists on this machine but this user cannot write there; the database's OS user (oracle) must be able to",
        None => "the path exists on this machine",
    };
    LocalPath {
        exists: true,
        writable,
        free_bytes,
        note: note.into(),
    }
}

fn summary(report: &DirectoryReport) -> String {
    let what = if report.dry_run {
        "dry run, nothing changed"
    } else if report.created {
        "created"
    } else if report.replaced {
        "repointed"
    } else {
        "already there"
    };
    let mut line = format!(
        "ensure_directory: {} -> {} ({what})",
        report.name, report.path
    );
    match (&report.grant_to, report.granted) {
        (Some(user), true) => line.push_str(&format!(", READ, WRITE granted to {user}")),
        (Some(user), false) if !report.dry_run => {
            line.push_str(&format!(", {user} already holds READ, WRITE"))
        }
        _ => {}
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Dynamic)]) -> Map {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), v.clone()))
            .collect()
    }

    #[test]
    fn names_are_checked_and_upper_cased_before_anything_runs() {
        let r = check_request("BizAgiBackupPath", Some("/u01/backup"), &Map::new()).unwrap();
        assert_eq!(r.name.as_stored(), "BIZAGIBACKUPPATH");
        for bad in ["X; DROP USER SYS", "X' OR '1'='1", "\"A\"\"B\"", "1ABC", ""] {
            let err = check_request(bad, None, &Map::new()).unwrap_err();
            assert!(
                err.to_string().contains("BZ-DIRECTORY-NAME")
                    || format!("{err:?}").contains("BZ-DIRECTORY-NAME"),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn options_are_checked() {
        let err =
            check_request("D", Some("/x"), &map(&[("grant", Dynamic::from("U"))])).unwrap_err();
        assert!(format!("{err:?}").contains("grant_to"));
        assert!(
            check_request("D", Some("/x"), &map(&[("replace", Dynamic::from("yes"))])).is_err()
        );
        assert!(check_request(
            "D",
            Some("/x"),
            &map(&[("grant_to", Dynamic::from("U; DROP"))])
        )
        .is_err());
        let r = check_request(
            "D",
            Some("/x"),
            &map(&[
                ("grant_to", Dynamic::from("bizagiadmon")),
                ("replace", Dynamic::from(true)),
            ]),
        )
        .unwrap();
        assert_eq!(r.grant_to.unwrap().as_stored(), "BIZAGIADMON");
        assert!(r.replace);
    }

    #[test]
    fn a_local_path_reports_space_and_a_remote_one_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let here = local_path(&tmp.path().display().to_string());
        assert!(here.exists);
        assert_eq!(here.writable, Some(true));
        assert!(here.free_bytes.is_some_and(|b| b > 0));
        let there = local_path("/definitely/not/here/bizscript");
        assert!(!there.exists);
        assert!(there.note.contains("database server"));
    }
}

#[cfg(all(test, unix))]
mod refusal_tests {
    use crate::host::context::OracleEnv;
    use crate::primitives::testing::{code, context, engine, eval, DB};
    use std::os::unix::fs::PermissionsExt;

    /// A home whose sqlplus only records that it ran.
    fn recording_home() -> (tempfile::TempDir, std::path::PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let bin = tmp.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let sqlplus = bin.join("sqlplus");
        let marker = tmp.path().join("sqlplus-ran");
        std::fs::write(
            &sqlplus,
            format!("#!/bin/sh\ncat > /dev/null\ntouch '{}'\n", marker.display()),
        )
        .unwrap();
        std::fs::set_permissions(&sqlplus, std::fs::Permissions::from_mode(0o755)).unwrap();
        (tmp, marker)
    }

    #[test]
    fn injection_attempts_are_refused_before_sqlplus_runs() {
        let (home, marker) = recording_home();
        let mut env = OracleEnv::inherit();
        env.set("ORACLE_HOME", home.path().display().to_string());
        let engine = engine(&context(env, false, false));
        let attempts = [
            (
                r#"ensure_directory(db, "X; DROP USER SYS CASCADE")"#,
                "BZ-DIRECTORY-NAME",
            ),
            (
                r#"ensure_directory(db, "X AS '/tmp'; GRANT DBA TO PUBLIC; --", "/u01/x")"#,
                "BZ-DIRECTORY-NAME",
            ),
            (
                r#"ensure_directory(db, "\"X\"\" AS '/'\"", "/u01/x")"#,
                "BZ-DIRECTORY-NAME",
            ),
            (
                "ensure_directory(db, \"BACKUP\", \"/u01/x';\\nGRANT DBA TO PUBLIC;\\n--\")",
                "BZ-DIRECTORY-PATH",
            ),
            (
                r#"ensure_directory(db, "BACKUP", "/u01/../etc")"#,
                "BZ-DIRECTORY-PATH",
            ),
            (
                r#"ensure_directory(db, "BACKUP", "/u01/x", #{ grant_to: "U; GRANT DBA TO PUBLIC" })"#,
                "BZ-DIRECTORY-GRANTEE",
            ),
            (
                r#"ensure_directory(db, "BACKUP", "/u01/x", #{ grant_too: "U" })"#,
                "BZ-OPTION",
            ),
            (
                r#"cleanup_job(db, "BIZAGIADMON", "J\"; DROP TABLE X; --")"#,
                "BZ-JOB-NAME",
            ),
        ];
        for (call, expected) in attempts {
            let err = eval(&engine, &format!("{DB}\n{call}")).unwrap_err();
            assert_eq!(code(&err), expected, "{call}");
            assert!(!marker.exists(), "sqlplus ran for {call}");
        }
        // The control: a valid call does reach sqlplus (which here answers nothing).
        let err = eval(
            &engine,
            &format!("{DB}\nensure_directory(db, \"BACKUP\", \"/u01/it's\")"),
        )
        .unwrap_err();
        assert_eq!(code(&err), "BZ-SQLPLUS-CONNECT");
        assert!(marker.exists());
    }
}

#[cfg(test)]
mod sim_tests {
    use crate::primitives::testing::{code, text, Sim};
    use rhai::{Array, Map};

    fn audit(sim: &Sim) -> String {
        std::fs::read_to_string(sim.home.audit_path()).unwrap_or_default()
    }

    #[test]
    fn finds_the_existing_directory() {
        let Some(sim) = Sim::start("ok") else { return };
        let r: Map = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath")"#)
            .unwrap()
            .cast();
        assert_eq!(r["name"].to_string(), "BIZAGIBACKUPPATH");
        let expected = sim.home.home.join("server").join("BizAgiBackupPath");
        assert_eq!(r["path"].to_string(), expected.display().to_string());
        assert_eq!(r["created"].as_bool(), Ok(false));
        assert_eq!(r["view"].to_string(), "dba_directories");
        let local: Map = r["local"].clone().cast();
        assert_eq!(local["exists"].as_bool(), Ok(true));
        assert_eq!(local["writable"].as_bool(), Ok(true));
        // sqlplus ran with nothing secret on its command line.
        let audit = audit(&sim);
        assert!(audit.contains(r#""argv":["-S","-L","/nolog"]"#), "{audit}");
        sim.assert_password_nowhere();
    }

    #[test]
    fn creates_a_missing_directory_once_then_changes_nothing() {
        let Some(sim) = Sim::start("no_directory") else {
            return;
        };
        let err = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath")"#)
            .unwrap_err();
        assert_eq!(code(&err), "BZ-DIRECTORY-MISSING");
        let path = sim.home.home.join("server").join("new-backups");
        let call = format!(
            r#"ensure_directory(db, "BizAgiBackupPath", "{}", #{{ grant_to: "BIZAGI" }})"#,
            path.display()
        );
        let first: Map = sim.run(&call).unwrap().cast();
        assert_eq!(first["created"].as_bool(), Ok(true));
        assert_eq!(first["granted"].as_bool(), Ok(true));
        assert_eq!(first["path"].to_string(), path.display().to_string());
        let local: Map = first["local"].clone().cast();
        assert_eq!(local["exists"].as_bool(), Ok(false));
        let second: Map = sim.run(&call).unwrap().cast();
        assert_eq!(second["created"].as_bool(), Ok(false));
        assert_eq!(second["granted"].as_bool(), Ok(false));
        assert!(second["statements"].clone().cast::<Array>().is_empty());
        let audit = audit(&sim);
        assert_eq!(
            audit.matches("CREATE DIRECTORY BIZAGIBACKUPPATH").count(),
            1,
            "{audit}"
        );
        assert_eq!(
            audit
                .matches("GRANT READ, WRITE ON DIRECTORY BIZAGIBACKUPPATH TO BIZAGI")
                .count(),
            1,
            "{audit}"
        );
        sim.assert_password_nowhere();
    }

    #[test]
    fn refuses_to_repoint_unless_told_to() {
        let Some(sim) = Sim::start("ok") else { return };
        let err = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath", "/u01/elsewhere")"#)
            .unwrap_err();
        assert_eq!(code(&err), "BZ-DIRECTORY-PATH");
        assert!(text(&err).contains("replace: true"), "{}", text(&err));
        let r: Map = sim
            .run(
                r#"ensure_directory(db, "BizAgiBackupPath", "/u01/elsewhere", #{ replace: true })"#,
            )
            .unwrap()
            .cast();
        assert_eq!(r["replaced"].as_bool(), Ok(true));
        assert_eq!(r["path"].to_string(), "/u01/elsewhere");
        let again: Map = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath")"#)
            .unwrap()
            .cast();
        assert_eq!(again["path"].to_string(), "/u01/elsewhere");
    }

    #[test]
    fn dry_run_prints_the_sql_and_changes_nothing() {
        let Some(sim) = Sim::with("no_directory", true, false) else {
            return;
        };
        let r: Map = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath", "/u01/it's here")"#)
            .unwrap()
            .cast();
        assert_eq!(r["dry_run"].as_bool(), Ok(true));
        assert_eq!(r["created"].as_bool(), Ok(false));
        let statements: Vec<String> = r["statements"]
            .clone()
            .cast::<Array>()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            statements,
            ["CREATE DIRECTORY BIZAGIBACKUPPATH AS '/u01/it''s here';"]
        );
        assert!(!audit(&sim).contains("CREATE DIRECTORY"));
        sim.ctx.set_dry_run(false);
        let err = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath")"#)
            .unwrap_err();
        assert_eq!(code(&err), "BZ-DIRECTORY-MISSING");
    }

    #[test]
    fn a_bad_password_is_ora_01017() {
        let Some(sim) = Sim::start("bad_password") else {
            return;
        };
        let err = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath")"#)
            .unwrap_err();
        assert_eq!(code(&err), "ORA-01017");
        sim.assert_password_nowhere();
    }

    #[test]
    fn without_the_privilege_it_reads_all_directories_and_cannot_create() {
        let Some(sim) = Sim::start("no_privilege") else {
            return;
        };
        // BIZAGIADMON may still use the directory it was granted: all_directories shows it.
        let found: Map = sim
            .run(r#"ensure_directory(db, "BizAgiBackupPath")"#)
            .unwrap()
            .cast();
        assert_eq!(found["view"].to_string(), "all_directories");
        assert_eq!(found["created"].as_bool(), Ok(false));
        let err = sim
            .run(r#"ensure_directory(db, "NEWDIR", "/u01/new")"#)
            .unwrap_err();
        assert_eq!(code(&err), "ORA-01031", "{}", text(&err));
        assert!(text(&err).contains("CREATE ANY DIRECTORY"));
        sim.assert_password_nowhere();
    }
}

#[cfg(test)]
mod name_length_tests {
    use crate::host::context::OracleEnv;
    use crate::primitives::testing::{code, context, engine, eval, oracle_sim_binary, text, DB};

    /// A simulated home of the given release, set up by hand (`SimHome` has no version option).
    fn home(version: &str) -> Option<(tempfile::TempDir, rhai::Engine)> {
        let sim = oracle_sim_binary();
        if !sim.is_file() {
            eprintln!("skipped: {} is not built", sim.display());
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("home");
        let status = std::process::Command::new(sim)
            .args([
                "init",
                &dir.display().to_string(),
                "--scenario",
                "ok",
                "--version",
                version,
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let mut env = OracleEnv::inherit();
        env.set("ORACLE_HOME", dir.display().to_string());
        env.set("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8");
        Some((tmp, engine(&context(env, false, false))))
    }

    const LONG: &str = "BIZAGI_BACKUP_DIRECTORY_FOR_PROJECT_X"; // 37 bytes

    #[test]
    fn names_over_30_bytes_need_12_2() {
        let Some((_old_home, old)) = home("11.2.0.4.0") else {
            return;
        };
        let err = eval(
            &old,
            &format!("{DB}\nensure_directory(db, \"{LONG}\", \"/u01/x\")"),
        )
        .unwrap_err();
        assert_eq!(code(&err), "BZ-DIRECTORY-NAME", "{}", text(&err));
        assert!(text(&err).contains("longer than 30 bytes"));
        let Some((_new_home, new)) = home("19.0.0.0.0") else {
            return;
        };
        let created = eval(
            &new,
            &format!("{DB}\nensure_directory(db, \"{LONG}\", \"/u01/x\").created"),
        )
        .unwrap();
        assert_eq!(created.as_bool(), Ok(true));
    }
}
