//! `restore_prechecks(db, opts)`: the checks a restore makes against the target before impdp,
//! from the archive's manifest and what the target reports. Thin glue over
//! [`crate::oracle::restore_checks`]; only reads, so it runs under --dry-run too.

use super::connection::Oracle;
use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::source_facts::{read_compatible, read_nls};
use super::sqlplus::{sql_error, try_sql};
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::oracle::charset::CharsetTable;
use crate::oracle::database_identity::is_not_visible;
use crate::oracle::identifier::{Identifier, NameLimit};
use crate::oracle::restore_checks::{
    self as rc, Check, SchemaState, Status, DATA_FILES_QUERY, FREE_SPACE_QUERY, TABLESPACES_QUERY,
};
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

pub const RESTORE_PRECHECKS: PrimitiveDoc = PrimitiveDoc {
    name: "restore_prechecks",
    signature: "restore_prechecks(db: Oracle, opts: #{ manifest: string, schema: string, admin_user: string, client_version: string, replace: bool, remap_tablespace: string, client_version_override: bool }) -> Map",
    summary: "Checks the target database against the archive's manifest (the path of its .manifest.json) before a restore: the client version against the export's (Bizagi's prerequisite 1; `client_version_override` makes a mismatch review) and not newer than the target (UDE-00018), the target's character sets hold every character of the source's (the charsets table), the dump's VERSION <= the target's COMPATIBLE, `admin_user` (default BizAgiAdmon) exists, the target `schema`'s state (absent, empty, or holding objects: refused unless `replace`), and each tablespace the dump needs (after `remap_tablespace` OLD:NEW,...) exists with free space plus autoextend headroom >= the manifest's size. Returns #{ ok, review, checks: [#{ name, status, detail, fix }], target: #{ charset, ncharset, version, compatible, schema_state, objects } }: `ok` is true only when no check stopped; `status` is pass, review or stop. A fact that cannot be read is a stop, never a pass. Only reads.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
// let r = restore_prechecks(db, #{ manifest: "/backup/BIZAGI_20250101_010000_ABCD.manifest.json", client_version: check_env(db).client_version });
// for c in r.checks { print(`${c.name}: ${c.status}: ${c.detail}`); }
try {
    restore_prechecks(db, #{ manifest: "/nonexistent/BIZAGI.manifest.json" });
} catch (e) {
    print(`${e.code}: ${e.message}`);
}"#,
};

const KEYS: &[&str] = &[
    "manifest",
    "schema",
    "admin_user",
    "client_version",
    "replace",
    "remap_tablespace",
    "client_version_override",
];

#[derive(Debug, Clone, Serialize)]
struct Target {
    charset: Option<String>,
    ncharset: Option<String>,
    version: Option<String>,
    compatible: Option<String>,
    schema_state: Option<SchemaState>,
    objects: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
struct Prechecks {
    ok: bool,
    review: bool,
    checks: Vec<Check>,
    target: Target,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let ctx = Arc::clone(ctx);
    registration(&RESTORE_PRECHECKS).register_into_engine(
        engine,
        move |db: Oracle, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&ctx, "restore_prechecks: the target against the manifest");
            let result = prechecks(&ctx, &db, &opts)?;
            let stops = result
                .checks
                .iter()
                .filter(|c| c.status == Status::Stop)
                .count();
            step.finish(&format!(
                "restore_prechecks: {} check(s), {stops} stop(s)",
                result.checks.len()
            ));
            rhai::serde::to_dynamic(&result)
        },
    );
}

fn usage(message: String) -> Box<EvalAltResult> {
    misuse("restore_prechecks", message, RESTORE_PRECHECKS.signature)
}

fn text(opts: &Map, key: &str) -> Result<Option<String>, Box<EvalAltResult>> {
    match opts.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v
            .clone()
            .into_string()
            .map(Some)
            .map_err(|t| usage(format!("`{key}` must be a string, not {t}"))),
    }
}

fn flag(opts: &Map, key: &str) -> Result<bool, Box<EvalAltResult>> {
    match opts.get(key) {
        None => Ok(false),
        Some(v) => v
            .as_bool()
            .map_err(|t| usage(format!("`{key}` must be true or false, not {t}"))),
    }
}

fn name(value: &str, key: &str) -> Result<Identifier, Box<EvalAltResult>> {
    Identifier::parse(value, NameLimit::From122)
        .map_err(|e| usage(format!("`{key}` {value:?}: {e}")))
}

fn rows(
    ctx: &HostCtx,
    db: &Oracle,
    sql: &str,
) -> Result<Result<Vec<String>, String>, Box<EvalAltResult>> {
    let mut script = SqlplusScript::new();
    let q = script.query(sql);
    match try_sql(ctx, db, "restore_prechecks", &script)? {
        Ok(output) => Ok(Ok(output.rows(q).iter().map(|r| r.0.clone()).collect())),
        Err(e) if is_not_visible(&e.code()) => Ok(Err(e.code())),
        Err(e) => Err(sql_error("restore_prechecks", e)),
    }
}

fn stop(name: &'static str, detail: String, fix: &str) -> Check {
    Check {
        name,
        status: Status::Stop,
        detail,
        fix: Some(fix.to_string()),
    }
}

fn prechecks(ctx: &HostCtx, db: &Oracle, opts: &Map) -> Result<Prechecks, Box<EvalAltResult>> {
    check_keys("restore_prechecks", opts, KEYS)?;
    let path = text(opts, "manifest")?.ok_or_else(|| usage("`manifest` is required".into()))?;
    let manifest: Value = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the manifest {path}: {e}"))
        .and_then(|t| {
            serde_json::from_str(&t)
                .map_err(|e| format!("the manifest {path} is not valid JSON: {e}"))
        })
        .map_err(|m| {
            script_error(
                "BZ-MANIFEST",
                m,
                "give the .manifest.json bizscript wrote beside the archive",
            )
        })?;
    let import = &manifest["import"];
    let str_at = |v: &Value| v.as_str().map(str::to_string);
    let source_schema = str_at(&manifest["schema"]);
    let schema_text = text(opts, "schema")?
        .or(source_schema)
        .ok_or_else(|| usage("`schema` is required when the manifest names none".into()))?;
    let schema = name(&schema_text, "schema")?;
    let admin_text = text(opts, "admin_user")?.unwrap_or_else(|| "BizAgiAdmon".into());
    let admin = name(&admin_text, "admin_user")?;
    let client = text(opts, "client_version")?;
    let replace = flag(opts, "replace")?;
    let override_mismatch = flag(opts, "client_version_override")?;
    let remap = rc::parse_remap(&text(opts, "remap_tablespace")?.unwrap_or_default())
        .map_err(|e| usage(format!("`remap_tablespace`: {e}")))?;

    let mut checks = Vec::new();
    let nls = read_nls(ctx, db, "restore_prechecks")?;
    let compatible = read_compatible(ctx, db, "restore_prechecks")?.map(|(c, _)| c);

    // 1. The client.
    let manifest_client =
        str_at(&import["client_version"]).or_else(|| str_at(&manifest["client"]["version"]));
    checks.push(match &client {
        Some(c) => rc::client_version(
            manifest_client.as_deref(),
            c,
            nls.version.as_deref(),
            override_mismatch,
        ),
        None => stop(
            "client_version",
            "the client's version was not given, so it cannot be compared with the export's".into(),
            "pass client_version (check_env's client_version)",
        ),
    });
    // 2. Character sets.
    checks.push(match (&nls.charset, &nls.ncharset) {
        (Some(t), Some(tn)) => rc::charsets(
            CharsetTable::builtin(),
            str_at(&import["source"]["charset"])
                .or_else(|| str_at(&manifest["nls"]["database_charset"]))
                .as_deref(),
            str_at(&import["source"]["ncharset"])
                .or_else(|| str_at(&manifest["nls"]["national_charset"]))
                .as_deref(),
            t,
            tn,
        ),
        _ => stop(
            "character_set",
            "the target's character sets are not readable".into(),
            "check NLS_DATABASE_PARAMETERS on the target by hand",
        ),
    });
    // 3. VERSION <= COMPATIBLE.
    checks.push(rc::dump_version(
        str_at(&import["dump_version"]).as_deref(),
        compatible.as_deref(),
    ));

    // 4. The admin user and 5. the schema.
    let mut schema_state = None;
    let mut objects = None;
    match rows(ctx, db, &rc::users_query(&[&admin, &schema]))? {
        Ok(users) => {
            let has = |n: &Identifier| users.iter().any(|u| u.trim() == n.as_stored());
            checks.push(if has(&admin) {
                Check { name: "admin_user", status: Status::Pass, detail: format!("{} exists", admin.as_stored()), fix: None }
            } else {
                stop("admin_user", format!("the user {} does not exist on the target: Bizagi's restore needs it created beforehand", admin.as_stored()), "create the BizAgiAdmon user as Bizagi's \"Restore backups in Oracle\" page says, then run the restore again")
            });
            if !has(&schema) {
                schema_state = Some(SchemaState::Absent);
                objects = Some(0);
                checks.push(rc::schema_state(
                    schema.as_stored(),
                    SchemaState::Absent,
                    0,
                    replace,
                ));
            } else {
                match rows(ctx, db, &rc::objects_query(&schema))? {
                    Ok(r) => match r.first().and_then(|n| n.trim().parse::<u64>().ok()) {
                        Some(n) => {
                            let state = if n == 0 { SchemaState::Empty } else { SchemaState::HoldsObjects };
                            schema_state = Some(state);
                            objects = Some(n);
                            checks.push(rc::schema_state(schema.as_stored(), state, n, replace));
                        }
                        None => checks.push(stop("target_schema", format!("cannot read how many objects {} holds", schema.as_stored()), "count them by hand in dba_objects")),
                    },
                    Err(code) => checks.push(stop("target_schema", format!("{} exists and dba_objects is not readable ({code}): whether it holds objects is unknown", schema.as_stored()), "grant SELECT_CATALOG_ROLE to the restore user")),
                }
            }
        }
        Err(code) => {
            checks.push(stop(
                "admin_user",
                format!("dba_users is not readable ({code})"),
                "grant SELECT_CATALOG_ROLE to the restore user",
            ));
            checks.push(stop(
                "target_schema",
                format!("dba_users is not readable ({code}): the target schema's state is unknown"),
                "grant SELECT_CATALOG_ROLE to the restore user",
            ));
        }
    }

    // 6. Tablespaces.
    let needed: Vec<(String, u64)> = import["tablespaces"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| Some((t["name"].as_str()?.to_string(), t["bytes"].as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    let target_ts = match (
        rows(ctx, db, TABLESPACES_QUERY)?,
        rows(ctx, db, FREE_SPACE_QUERY)?,
        rows(ctx, db, DATA_FILES_QUERY)?,
    ) {
        (Ok(n), Ok(f), Ok(d)) => {
            rc::parse_target_tablespaces(&n, &f, &d).map_err(|e| e.to_string())
        }
        (Err(c), _, _) | (_, Err(c), _) | (_, _, Err(c)) => {
            Err(format!("the tablespace views are not readable ({c})"))
        }
    };
    match target_ts {
        Ok(target) => checks.extend(rc::tablespaces(&needed, &remap, &target)),
        Err(why) => checks.push(stop(
            "tablespace",
            why,
            "grant SELECT_CATALOG_ROLE to the restore user, or check the space by hand",
        )),
    }

    let ok = checks.iter().all(|c| c.status != Status::Stop);
    let review = checks.iter().any(|c| c.status == Status::Review);
    Ok(Prechecks {
        ok,
        review,
        checks,
        target: Target {
            charset: nls.charset,
            ncharset: nls.ncharset,
            version: nls.version,
            compatible,
            schema_state,
            objects,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::testing::*;

    fn manifest(dir: &std::path::Path, source_charset: &str, tablespace_bytes: u64) -> String {
        let path = dir.join("BIZAGI_20250101_010000_ABCD.manifest.json");
        let m = serde_json::json!({
            "format_version": 2,
            "schema": "BIZAGI",
            "client": { "version": "19.0.0.0.0" },
            "import": {
                "source": { "version": "19.0.0.0.0", "compatible": "19.0.0", "charset": source_charset, "ncharset": "AL16UTF16" },
                "dump_version": "19.0.0",
                "client_version": "19.0.0.0.0",
                "tablespaces": [{ "name": "USERS", "bytes": tablespace_bytes }],
            }
        });
        std::fs::write(&path, m.to_string()).unwrap();
        path.to_string_lossy().to_string()
    }

    fn checks(r: &Map) -> Vec<(String, String, String)> {
        let a: rhai::Array = r["checks"].clone().cast();
        a.into_iter()
            .map(|c| {
                let c: Map = c.cast();
                (
                    c["name"].to_string(),
                    c["status"].to_string(),
                    c["detail"].to_string(),
                )
            })
            .collect()
    }

    fn status_of(r: &Map, name: &str) -> String {
        checks(r)
            .into_iter()
            .find(|c| c.0 == name)
            .map(|c| c.1)
            .unwrap_or_else(|| format!("no {name} check"))
    }

    fn run(sim: &Sim, opts: &str) -> Map {
        sim.run(&format!("restore_prechecks(db, #{{ {opts} }})"))
            .unwrap()
            .cast()
    }

    #[test]
    fn what_could_not_be_read_is_never_a_pass() {
        let Some(sim) = Sim::start("ok") else { return };
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), "WE8MSWIN1252", 1024);
        let r = run(
            &sim,
            &format!("manifest: {m:?}, client_version: \"19.0.0.0.0\", schema: \"BZV_T1\""),
        );
        assert_eq!(status_of(&r, "character_set"), "pass", "{:?}", checks(&r));
        assert_eq!(status_of(&r, "client_version"), "pass", "{:?}", checks(&r));
        assert_eq!(status_of(&r, "admin_user"), "pass", "{:?}", checks(&r));
        assert_eq!(
            status_of(&r, "target_schema"),
            "pass",
            "absent: {:?}",
            checks(&r)
        );
        assert_eq!(status_of(&r, "tablespace"), "pass", "{:?}", checks(&r));
        // Whatever the simulator can or cannot say about COMPATIBLE, ok follows the checks.
        let stops = checks(&r).iter().filter(|c| c.1 == "stop").count();
        assert_eq!(r["ok"].as_bool().unwrap(), stops == 0, "{:?}", checks(&r));
        if r["target"].clone().cast::<Map>()["compatible"].is_unit() {
            assert_eq!(status_of(&r, "dump_version"), "stop");
            assert!(!r["ok"].as_bool().unwrap());
        }
        // No client version given: a stop, not a silent pass.
        let r = run(&sim, &format!("manifest: {m:?}, schema: \"BZV_T1\""));
        assert_eq!(status_of(&r, "client_version"), "stop");
        assert!(!r["ok"].as_bool().unwrap());
        sim.assert_password_nowhere();
    }

    #[test]
    fn a_missing_admin_a_mismatched_client_and_an_existing_schema_stop() {
        let Some(sim) = Sim::start("ok") else { return };
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), "AL32UTF8", 1024);
        let r = run(
            &sim,
            &format!(
                "manifest: {m:?}, client_version: \"21.0.0.0.0\", admin_user: \"NO_SUCH_ADMIN\""
            ),
        );
        assert_eq!(status_of(&r, "admin_user"), "stop", "{:?}", checks(&r));
        assert_eq!(status_of(&r, "client_version"), "stop", "{:?}", checks(&r));
        // BIZAGI exists in the simulated database: holding objects, or unknown; never a pass.
        assert_ne!(status_of(&r, "target_schema"), "pass", "{:?}", checks(&r));
        assert!(!r["ok"].as_bool().unwrap());
    }

    #[test]
    fn a_full_tablespace_stops_and_names_it() {
        let Some(sim) = Sim::start("tablespace_full") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), "AL32UTF8", 10 * 1024 * 1024);
        let r = run(
            &sim,
            &format!("manifest: {m:?}, client_version: \"19.0.0.0.0\", schema: \"BZV_T2\""),
        );
        let ts: Vec<_> = checks(&r)
            .into_iter()
            .filter(|c| c.0 == "tablespace")
            .collect();
        assert_eq!(ts.len(), 1, "{ts:?}");
        assert_eq!(ts[0].1, "stop", "{ts:?}");
        assert!(ts[0].2.contains("USERS"), "{ts:?}");
        // Remapped to a tablespace that does not exist: also a stop, naming it.
        let r = run(&sim, &format!("manifest: {m:?}, client_version: \"19.0.0.0.0\", schema: \"BZV_T2\", remap_tablespace: \"USERS:BIZ_DATA\""));
        assert!(
            checks(&r).iter().any(|c| c.0 == "tablespace"
                && c.1 == "stop"
                && c.2.contains("BIZ_DATA")
                && c.2.contains("does not exist")),
            "{:?}",
            checks(&r)
        );
    }

    #[test]
    fn misuse_is_refused_before_any_query() {
        let Some(sim) = Sim::start("ok") else { return };
        let e = sim
            .run("restore_prechecks(db, #{ manfest: \"x\" })")
            .unwrap_err();
        assert_eq!(code(&e), "BZ-OPTION");
        let e = sim
            .run("restore_prechecks(db, #{ manifest: \"/nonexistent/m.json\" })")
            .unwrap_err();
        assert_eq!(code(&e), "BZ-MANIFEST");
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), "AL32UTF8", 1);
        let e = sim
            .run(&format!(
                "restore_prechecks(db, #{{ manifest: {m:?}, remap_tablespace: \"USERS\" }})"
            ))
            .unwrap_err();
        assert_eq!(code(&e), "BZ-USAGE");
    }
}
