//! `check_env()`: is this machine's Oracle client fit to run the backup?
//!
//! Looks at ORACLE_HOME (set, exists, holds expdp/impdp/sqlplus and Data Pump's message files;
//! Instant Client layouts recognised), every `expdp` on PATH and every home in oratab, reads the
//! client version from the banner of `expdp -help` (no database connection), and reports
//! TWO_TASK, NLS_LANG and library-path conflicts. Every finding is a problem with a severity, a
//! message and a fix; `ok` is false when any problem is an error.

use super::connection::{child_env, Oracle};
use super::sqlplus::{capture_error, try_sql, SQLPLUS_NLS_LANG};
use super::step::Step;
use super::windows_registry::{registry_homes, registry_nls_lang};
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use crate::oracle::client_banner::{self, BannerError, ClientBanner};
use crate::oracle::client_health::{self, error, warning};
use crate::oracle::nls_lang::{NlsLang, NlsSource, RECOMMENDED};
use crate::oracle::oracle_homes::{
    oracle_library_dirs, parse_oratab, same_file, tools_on_path, HomeKind, HomeLayout,
    RegistryHome, TOOLS,
};
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::process::capture::{capture, Invocation};
use rhai::{Dynamic, Engine, EvalAltResult};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const CHECK_ENV: PrimitiveDoc = PrimitiveDoc {
    name: "check_env",
    signature: "check_env(db: Oracle) -> Map\ncheck_env() -> Map",
    summary: "Checks the Oracle client without connecting to a database: ORACLE_HOME (set, exists, holds bin/expdp, bin/impdp, bin/sqlplus and the Data Pump message files; Instant Client folders recognised), every expdp on PATH and every home in oratab (a different expdp first on PATH is reported), the client version from the banner of `expdp -help`, NLS_LANG, TWO_TASK and other Oracle clients on the library path. With a connection, `check_env(db)` also reads the database's release (product_component_version) once the client is usable: a client newer than the database is an error (expdp would stop with UDE-00018), an older one a warning, both quoting Bizagi's prerequisite that client and database versions match; a database that cannot be reached is a warning here (the next step that connects reports it). Returns #{ ok, oracle_home, client_version, client_release, database_version, instant_client, tools, nls_lang, homes, problems }; each problem is #{ severity: \"error\"|\"warning\", message, fix }, and `ok` is false when any is an error. Changes nothing, so it also runs under --dry-run.",
    example: r#"let env = check_env();
print(`Oracle client ${env.client_version} in ${env.oracle_home}`);
for p in env.problems { print(`${p.severity}: ${p.message} -> ${p.fix}`); }
if !env.ok { throw "fix the Oracle client first"; }"#,
};

/// `expdp -help` answers at once; anything slower is a broken client.
const BANNER_TIMEOUT: Duration = Duration::from_secs(20);

/// Where oratab lives (Linux/AIX/HP-UX, then Solaris).
const ORATAB_PATHS: &[&str] = &["/etc/oratab", "/var/opt/oracle/oratab"];

pub use crate::oracle::client_health::Problem;

/// One Oracle client found on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundHome {
    /// `ORACLE_HOME`, `PATH`, `registry` (Windows) or `oratab`.
    pub source: &'static str,
    /// The home folder (or, for PATH, the `expdp` found).
    pub path: String,
}

/// What `check_env()` returns.
#[derive(Debug, Clone, Serialize)]
pub struct EnvReport {
    pub ok: bool,
    pub oracle_home: Option<String>,
    pub client_version: Option<String>,
    pub client_release: Option<String>,
    /// The database's release (`check_env(db)` only; `None` when not read).
    pub database_version: Option<String>,
    pub instant_client: bool,
    /// Tool name → the executable bizscript would run.
    pub tools: BTreeMap<String, String>,
    pub nls_lang: String,
    pub homes: Vec<FoundHome>,
    pub problems: Vec<Problem>,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = Arc::clone(ctx);
    registration(&CHECK_ENV, &["Map"]).register_into_engine(
        engine,
        move || -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&c, "check_env: inspecting the Oracle client");
            let report = check_env(&c).map_err(|e| c.record_error("check_env", e))?;
            step.finish(&summary(&report, c.env.get("ORACLE_HOME")));
            c.record("check_env", rhai::serde::to_dynamic(&report))
        },
    );
    let c = Arc::clone(ctx);
    registration(&CHECK_ENV, &["db: Oracle", "Map"]).register_into_engine(
        engine,
        move |db: Oracle| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(
                &c,
                "check_env: inspecting the Oracle client and the database release",
            );
            let mut report = check_env(&c).map_err(|e| c.record_error("check_env", e))?;
            if report.ok {
                check_database_release(&c, &db, &mut report)
                    .map_err(|e| c.record_error("check_env", e))?;
            }
            step.finish(&summary(&report, c.env.get("ORACLE_HOME")));
            c.record("check_env", rhai::serde::to_dynamic(&report))
        },
    );
}

/// Reads the database's release and compares the client's with it (docs/oracle.md §8.3: a client
/// newer than the database fails with UDE-00018).
fn check_database_release(
    ctx: &HostCtx,
    db: &Oracle,
    report: &mut EnvReport,
) -> Result<(), Box<EvalAltResult>> {
    let mut script = SqlplusScript::new();
    let query = script.query(client_health::RELEASE_SQL);
    let output = match try_sql(ctx, db, "check_env", &script) {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => {
            report.problems.push(warning(
                format!("the database's release could not be read ({e}), so the client's release was not compared with it"),
                "the next step that connects says what is wrong with the connection",
            ));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let Some(database) = client_health::parse_release(output.rows(query)) else {
        return Ok(());
    };
    let Some(client) = report.client_release.clone() else {
        return Ok(());
    };
    let client_version = report.client_version.as_deref().unwrap_or(&client);
    if let Some(problem) = client_health::release_problem(&client, client_version, &database) {
        report.problems.push(problem);
    }
    report.database_version = Some(database);
    report.ok = client_health::is_ok(&report.problems);
    Ok(())
}

/// The step's lines: the verdict, then each problem. An error's fix is in the result's
/// `problems` and is what the caller's "what to do" says (the procedure prints it once); a
/// warning's fix is shown here, since nothing else says it.
fn summary(report: &EnvReport, oracle_home_var: Option<String>) -> String {
    // ORACLE_HOME set to a folder that is not a client: name that folder, never "no ORACLE_HOME".
    let home = match (
        &report.oracle_home,
        oracle_home_var.filter(|v| !v.trim().is_empty()),
    ) {
        (Some(home), _) => home.clone(),
        (None, Some(var)) => format!("ORACLE_HOME={var} (not a usable Oracle client folder)"),
        (None, None) => "(no ORACLE_HOME)".to_string(),
    };
    let mut lines = vec![format!(
        "check_env: {} - Oracle client {} in {}{}",
        if report.ok { "ok" } else { "NOT OK" },
        report
            .client_version
            .as_deref()
            .unwrap_or("(version unknown)"),
        home,
        report
            .database_version
            .as_deref()
            .map(|v| format!(", database {v}"))
            .unwrap_or_default(),
    )];
    lines.extend(report.problems.iter().map(|p| {
        if p.severity == "error" {
            format!("  {}: {}", p.severity, p.message)
        } else {
            format!("  {}: {} (fix: {})", p.severity, p.message, p.fix)
        }
    }));
    lines.join("\n")
}

/// The whole check. Fails only when the run was interrupted; everything else is a problem.
pub fn check_env(ctx: &HostCtx) -> Result<EnvReport, Box<EvalAltResult>> {
    let mut problems = Vec::new();
    let path_var = ctx.env.get("PATH").unwrap_or_default();
    let on_path = tools_on_path("expdp", &path_var);

    // 1. The client in use: ORACLE_HOME, or an Instant Client found through PATH.
    let layout = match ctx.env.oracle_home() {
        Some(home) if !home.is_dir() => {
            problems.push(error(
                format!("ORACLE_HOME={} does not exist", home.display()),
                "set ORACLE_HOME to the Oracle client folder Bizagi uses (the one holding bin/expdp)",
            ));
            None
        }
        Some(home) => Some(HomeLayout::inspect(&home)),
        None => {
            let instant = on_path
                .first()
                .and_then(|expdp| expdp.parent())
                .map(HomeLayout::inspect)
                .filter(|l| l.kind == HomeKind::InstantClient);
            if instant.is_none() {
                problems.push(error(
                    "ORACLE_HOME is not set and no Instant Client is on PATH".to_string(),
                    "export ORACLE_HOME=/path/to/the/oracle/client (the folder holding bin/expdp)",
                ));
            }
            instant
        }
    };
    let mut tools = BTreeMap::new();
    if let Some(layout) = &layout {
        check_layout(layout, &mut problems);
        for tool in TOOLS {
            let path = layout.tool(tool);
            if path.is_file() {
                tools.insert(tool.to_string(), path.display().to_string());
            }
        }
    }

    // 2. Several clients: a different expdp first on PATH runs when a DBA types `expdp`.
    if let (Some(layout), Some(first)) = (&layout, on_path.first()) {
        let ours = layout.tool("expdp");
        if ours.is_file() && !same_file(first, &ours) {
            problems.push(warning(
                format!(
                    "the first expdp on PATH is {}, not the one in ORACLE_HOME ({}); bizscript runs ORACLE_HOME's, but anyone typing `expdp` gets the other client (Bizagi prerequisite: use one client version)",
                    first.display(),
                    ours.display()
                ),
                format!("put {} first on PATH", layout.bin.display()),
            ));
        }
    }
    let registered = registry_homes(ctx);
    let homes = found_homes(layout.as_ref(), &on_path, &registered);

    // 3. The version, from the banner (no connection).
    let banner = match tools.get("expdp") {
        Some(expdp) => read_banner(ctx, Path::new(expdp), &mut problems)?,
        None => None,
    };

    // 4. Variables that silently change where or how the client connects.
    if let Some(two_task) = ctx.env.get("TWO_TASK").filter(|v| !v.is_empty()) {
        problems.push(warning(
            format!("TWO_TASK={two_task} is set: connections without a connect string go to that service instead of the local ORACLE_SID"),
            "unset TWO_TASK, or give oracle(#{ connect }) explicitly",
        ));
    }
    library_path_conflicts(ctx, layout.as_ref(), &mut problems);
    let nls = NlsLang::resolve(
        ctx.env.get("NLS_LANG").as_deref(),
        registry_nls_lang(ctx, &registered).as_deref(),
    );
    if nls.source == NlsSource::Default {
        problems.push(warning(
            format!(
                "NLS_LANG is not set: the client uses Oracle's default {}",
                nls.value
            ),
            format!("export NLS_LANG={RECOMMENDED} (or the value nls_charset(db) advises)"),
        ));
    }

    let ok = !problems.iter().any(|p| p.severity == "error");
    Ok(EnvReport {
        ok,
        oracle_home: layout.as_ref().map(|l| l.dir.display().to_string()),
        client_version: banner.as_ref().map(|b| b.client_version().to_string()),
        client_release: banner.as_ref().map(|b| b.release.clone()),
        database_version: None,
        instant_client: layout
            .as_ref()
            .is_some_and(|l| l.kind == HomeKind::InstantClient),
        tools,
        nls_lang: nls.value,
        homes,
        problems,
    })
}

fn check_layout(layout: &HomeLayout, problems: &mut Vec<Problem>) {
    problems.extend(client_health::layout_problems(layout));
}

fn found_homes(
    layout: Option<&HomeLayout>,
    on_path: &[PathBuf],
    registered: &[RegistryHome],
) -> Vec<FoundHome> {
    let mut homes = Vec::new();
    if let Some(layout) = layout {
        homes.push(FoundHome {
            source: "ORACLE_HOME",
            path: layout.dir.display().to_string(),
        });
    }
    homes.extend(on_path.iter().map(|p| FoundHome {
        source: "PATH",
        path: p.display().to_string(),
    }));
    homes.extend(registered.iter().filter_map(|r| {
        Some(FoundHome {
            source: "registry",
            path: r.oracle_home.clone()?,
        })
    }));
    for oratab in ORATAB_PATHS {
        if let Ok(text) = std::fs::read_to_string(oratab) {
            homes.extend(parse_oratab(&text).into_iter().map(|e| FoundHome {
                source: "oratab",
                path: e.home.display().to_string(),
            }));
        }
    }
    homes
}

fn read_banner(
    ctx: &HostCtx,
    expdp: &Path,
    problems: &mut Vec<Problem>,
) -> Result<Option<ClientBanner>, Box<EvalAltResult>> {
    let mut invocation = Invocation::new(expdp, &["-help"]);
    invocation.env = child_env(ctx);
    // English messages, so that the banner and any UDE- error read as the parser expects.
    invocation
        .env
        .push(("NLS_LANG".into(), Some(SQLPLUS_NLS_LANG.into())));
    invocation.timeout = BANNER_TIMEOUT;
    let captured = match capture(&invocation, &ctx.cancel) {
        Ok(captured) => captured,
        Err(e @ crate::process::capture::CaptureError::Cancelled { .. }) => {
            return Err(capture_error("check_env", e))
        }
        Err(e) => {
            problems.push(error(
                format!("cannot run {} -help: {e}", expdp.display()),
                "check the file's permissions and that it is an Oracle client for this platform",
            ));
            return Ok(None);
        }
    };
    let text = format!("{}\n{}", captured.stdout, captured.stderr);
    match client_banner::parse(&text) {
        Ok(banner) => Ok(Some(banner)),
        Err(BannerError::MessageFiles { code, line }) => {
            // A home without message files was reported already; the banner only confirms it.
            if !problems
                .iter()
                .any(|p| p.message.contains("no Data Pump message files"))
            {
                problems.push(error(
                    format!("expdp cannot find its message files ({code}): {line}"),
                    "set ORACLE_HOME to the Oracle client's own folder (the one whose rdbms/mesg holds udeus.msb)",
                ));
            }
            Ok(None)
        }
        Err(BannerError::Missing) => {
            problems.push(error(
                format!("{} -help printed no `Release` banner", expdp.display()),
                "run it by hand to see what it prints; the client may be broken or not Data Pump",
            ));
            Ok(None)
        }
    }
}

fn library_path_conflicts(ctx: &HostCtx, layout: Option<&HomeLayout>, problems: &mut Vec<Problem>) {
    let variable = if cfg!(windows) {
        "PATH"
    } else if cfg!(target_os = "macos") {
        "DYLD_LIBRARY_PATH"
    } else {
        "LD_LIBRARY_PATH"
    };
    let Some(value) = ctx.env.get(variable) else {
        return;
    };
    let ours = layout.map(|l| match l.kind {
        HomeKind::InstantClient => l.dir.clone(),
        _ => l.dir.join("lib"),
    });
    for dir in oracle_library_dirs(&value) {
        if ours.as_deref().is_some_and(|o| same_file(o, &dir)) {
            continue;
        }
        problems.push(warning(
            format!("{variable} holds another Oracle client's libraries: {}", dir.display()),
            format!("remove {} from {variable}; mixing clients' libraries makes the tools fail or load the wrong version", dir.display()),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::host::context::OracleEnv;
    use crate::primitives::testing::{context, engine, eval, Sim};
    use rhai::{Array, Map};
    use std::time::Instant;

    fn problems(report: &Map) -> Vec<String> {
        report["problems"]
            .clone()
            .into_typed_array::<Map>()
            .unwrap()
            .iter()
            .map(|p| format!("{}: {} / {}", p["severity"], p["message"], p["fix"]))
            .collect()
    }

    #[test]
    fn a_good_client_is_ok_with_its_version_from_the_banner() {
        let Some(sim) = Sim::start("ok") else { return };
        let started = Instant::now();
        let report: Map = sim.run("check_env()").unwrap().cast();
        let elapsed = started.elapsed();
        assert_eq!(report["ok"].as_bool(), Ok(true), "{:?}", problems(&report));
        assert!(problems(&report).is_empty(), "{:?}", problems(&report));
        assert_eq!(report["client_version"].to_string(), "19.27.0.0.0");
        assert_eq!(report["client_release"].to_string(), "19.0.0.0.0");
        assert_eq!(report["instant_client"].as_bool(), Ok(false));
        assert_eq!(report["nls_lang"].to_string(), "AMERICAN_AMERICA.AL32UTF8");
        let tools: Map = report["tools"].clone().cast();
        assert_eq!(tools.len(), 3, "{tools:?}");
        let home = sim.home.home.display().to_string();
        assert_eq!(report["oracle_home"].to_string(), home);
        assert!(tools["expdp"].to_string().starts_with(&home));
        let homes: Array = report["homes"].clone().cast();
        assert!(!homes.is_empty());
        assert!(elapsed.as_secs_f64() < 2.0, "check_env took {elapsed:?}");
    }

    #[test]
    fn a_client_newer_than_the_database_is_an_error_quoting_bizagi() {
        let Some(sim) = Sim::start("client_too_new") else {
            return;
        };
        let report: Map = sim.run("check_env(db)").unwrap().cast();
        assert_eq!(report["ok"].as_bool(), Ok(false), "{:?}", problems(&report));
        assert_eq!(report["database_version"].to_string(), "19.0.0.0.0");
        let all = problems(&report).join("\n");
        assert!(all.contains("error: the Oracle client 21.3.0.0.0 (21c) is newer than the database 19.0.0.0.0 (19c)"), "{all}");
        assert!(all.contains("UDE-00018"), "{all}");
        assert!(all.contains("Bizagi's prerequisite"), "{all}");
        // The same client against a database of its release is fine.
        let Some(ok) = Sim::start("ok") else { return };
        let report: Map = ok.run("check_env(db)").unwrap().cast();
        assert_eq!(report["ok"].as_bool(), Ok(true), "{:?}", problems(&report));
        assert_eq!(report["database_version"].to_string(), "19.0.0.0.0");
    }

    #[test]
    fn missing_message_files_make_it_not_ok() {
        let Some(sim) = Sim::start("bad_home") else {
            return;
        };
        let report: Map = sim.run("check_env()").unwrap().cast();
        assert_eq!(report["ok"].as_bool(), Ok(false));
        let all = problems(&report).join("\n");
        assert!(all.contains("error:"), "{all}");
        assert!(all.contains("message files"), "{all}");
        assert_eq!(
            all.lines()
                .filter(|p| p.contains("Data Pump message files"))
                .count(),
            1,
            "reported twice: {all}"
        );
        assert!(all.contains("SQL*Plus message files"), "{all}");
        assert!(report["client_version"].is_unit());
    }

    #[test]
    fn a_missing_oracle_home_is_an_error_with_a_fix() {
        let mut env = OracleEnv::inherit();
        env.set("ORACLE_HOME", "/nonexistent/oracle/home");
        env.set("PATH", "/nonexistent/bin");
        let engine = engine(&context(env, false, false));
        let report: Map = eval(&engine, "check_env()").unwrap().cast();
        assert_eq!(report["ok"].as_bool(), Ok(false));
        let all = problems(&report).join("\n");
        assert!(
            all.contains("ORACLE_HOME=/nonexistent/oracle/home does not exist"),
            "{all}"
        );
        assert!(all.contains("set ORACLE_HOME"), "{all}");
    }

    #[cfg(unix)]
    #[test]
    fn an_instant_client_on_path_needs_no_oracle_home_and_stray_libraries_are_reported() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let ic = tmp.path().join("instantclient_19_27");
        std::fs::create_dir_all(&ic).unwrap();
        for tool in ["expdp", "impdp", "sqlplus"] {
            let path = ic.join(tool);
            std::fs::write(&path, "#!/bin/sh\nprintf 'Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026\\nVersion 19.27.0.0.0\\n'\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(ic.join("libclntsh.so.19.1"), "").unwrap();
        let other = tmp.path().join("other_client_lib");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("libclntsh.so"), "").unwrap();

        let mut env = OracleEnv::inherit();
        env.unset("ORACLE_HOME");
        env.unset("TWO_TASK");
        env.set("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8");
        env.set("PATH", ic.display().to_string());
        env.set("LD_LIBRARY_PATH", ic.display().to_string());
        let clean = engine(&context(env.clone(), false, false));
        let report: Map = eval(&clean, "check_env()").unwrap().cast();
        assert_eq!(report["ok"].as_bool(), Ok(true), "{:?}", problems(&report));
        assert_eq!(report["instant_client"].as_bool(), Ok(true));
        assert_eq!(report["oracle_home"].to_string(), ic.display().to_string());
        assert_eq!(report["client_version"].to_string(), "19.27.0.0.0");

        if cfg!(target_os = "linux") {
            env.set(
                "LD_LIBRARY_PATH",
                format!("{}:{}", other.display(), ic.display()),
            );
            let conflicting = engine(&context(env, false, false));
            let report: Map = eval(&conflicting, "check_env()").unwrap().cast();
            let all = problems(&report).join("\n");
            assert!(
                all.contains(&format!(
                    "another Oracle client's libraries: {}",
                    other.display()
                )),
                "{all}"
            );
            assert_eq!(all.matches("another Oracle client").count(), 1, "{all}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn another_expdp_first_on_path_two_task_and_unset_nls_lang_are_reported() {
        let Some(sim) = Sim::start("ok") else { return };
        let other = tempfile::tempdir().unwrap();
        let fake = other.path().join("expdp");
        std::fs::write(
            &fake,
            "#!/bin/sh\necho 'Export: Release 12.1.0.2.0 - Production'\n",
        )
        .unwrap();
        let mut env = sim.ctx.env.clone();
        let path = format!("{}:{}", other.path().display(), env.get("PATH").unwrap());
        env.set("PATH", path);
        env.set("TWO_TASK", "PRODDB");
        env.unset("NLS_LANG");
        let engine = engine(&context(env, false, false));
        let report: Map = eval(&engine, "check_env()").unwrap().cast();
        let all = problems(&report).join("\n");
        assert!(
            all.contains(&format!("the first expdp on PATH is {}", fake.display())),
            "{all}"
        );
        assert!(all.contains("TWO_TASK=PRODDB"), "{all}");
        assert!(all.contains("NLS_LANG is not set"), "{all}");
        // Warnings only: bizscript still runs ORACLE_HOME's expdp.
        assert_eq!(report["ok"].as_bool(), Ok(true), "{all}");
        assert_eq!(report["nls_lang"].to_string(), "AMERICAN_AMERICA.US7ASCII");
    }
}
