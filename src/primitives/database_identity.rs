//! `database_identity(db)`: which database this connection reaches, as the database reports it.
//!
//! Thin glue over [`crate::oracle::database_identity`]: the queries run through sqlplus, the
//! releases and privileges that cannot answer one of them fall back as documented there, and
//! the result comes back as a map for the manifest.

use super::connection::Oracle;
use super::sqlplus::{sql_error, try_sql};
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::oracle::database_identity::{
    easy_connect_address, is_missing_userenv_parameter, is_not_visible, DatabaseIdentity,
    IdentityError, CONTAINER_QUERY, DATABASE_QUERY, INSTANCE_QUERY, USERENV_QUERY,
};
use crate::oracle::sqlplus_output::SqlplusOutput;
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult};
use serde::Serialize;
use std::sync::Arc;

pub const DATABASE_IDENTITY: PrimitiveDoc = PrimitiveDoc {
    name: "database_identity",
    signature: "database_identity(db: Oracle) -> Map",
    summary: "Asks the database which database it is: DB_NAME, DB_UNIQUE_NAME, SERVICE_NAME, INSTANCE_NAME and SERVER_HOST from SYS_CONTEXT('USERENV') (open to every session), CON_NAME / CON_ID / CON_DBID on 12.1 and later, and v$database's DBID and v$instance's HOST_NAME when the user may read them (SELECT_CATALOG_ROLE). Returns #{ db_name, db_unique_name, service_name, instance_name, server_host, con_name, con_id, con_dbid, dbid, database_name, host_name, basis, key, sources, connect, connect_host, connect_port, note }. `key` (`DBID:DB_NAME:CON_NAME`, the DBID of the container the session is in) is what retention compares; it is () when no DBID is readable (an 11g session without SELECT_CATALOG_ROLE), and `note` then says so. `connect` is the connect string as given; `connect_host`/`connect_port` are read from it (Easy Connect only): the session cannot see which listener port it came through. Only reads, so it also runs under --dry-run.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
let id = database_identity(db);
print(`${id.db_name} (DBID ${id.con_dbid ?? id.dbid}) via ${id.service_name} on ${id.server_host}`);"#,
};

/// What `database_identity(db)` returns.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityReport {
    #[serde(flatten)]
    pub identity: DatabaseIdentity,
    /// The connect string as the script gave it (no password is ever part of it).
    pub connect: Option<String>,
    pub connect_host: Option<String>,
    pub connect_port: Option<u16>,
    /// What could not be read, and what that means.
    pub note: Option<String>,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let ctx = Arc::clone(ctx);
    registration(&DATABASE_IDENTITY).register_into_engine(
        engine,
        move |db: Oracle| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&ctx, "database_identity: asking the database who it is");
            let report = database_identity(&ctx, &db)?;
            let id = &report.identity;
            step.finish(&format!(
                "database_identity: {} ({}), service {}{}",
                id.con_name.as_deref().unwrap_or(&id.db_name),
                id.key
                    .as_deref()
                    .map_or_else(|| "no DBID readable".to_string(), |k| format!("key {k}")),
                id.service_name.as_deref().unwrap_or("?"),
                id.server_host
                    .as_deref()
                    .map(|h| format!(", host {h}"))
                    .unwrap_or_default(),
            ));
            rhai::serde::to_dynamic(&report)
        },
    );
}

fn rows(output: &SqlplusOutput, query: usize) -> Vec<String> {
    output.rows(query).iter().map(|r| r.0.clone()).collect()
}

fn read_error(e: IdentityError) -> Box<EvalAltResult> {
    super::errors::script_error(
        "BZ-IDENTITY",
        format!("database_identity: {e}"),
        "run the query by hand in sqlplus; a login.sql printing text can disturb the output",
    )
}

/// Runs the queries, falling back as the module documentation of
/// [`crate::oracle::database_identity`] describes.
pub fn database_identity(ctx: &HostCtx, db: &Oracle) -> Result<IdentityReport, Box<EvalAltResult>> {
    const F: &str = "database_identity";
    let mut notes = Vec::new();
    let mut script = SqlplusScript::new();
    let userenv = script.query(USERENV_QUERY);
    let container = script.query(CONTAINER_QUERY);
    let mut identity = match try_sql(ctx, db, F, &script)? {
        Ok(output) => DatabaseIdentity::from_userenv(&rows(&output, userenv))
            .and_then(|id| id.with_container(&rows(&output, container)))
            .map_err(read_error)?,
        Err(e) if is_missing_userenv_parameter(&e.code()) => {
            // A release before 12.1: no containers, no CON_DBID.
            let mut script = SqlplusScript::new();
            let userenv = script.query(USERENV_QUERY);
            let output = try_sql(ctx, db, F, &script)?.map_err(|e| sql_error(F, e))?;
            DatabaseIdentity::from_userenv(&rows(&output, userenv)).map_err(read_error)?
        }
        Err(e) => return Err(sql_error(F, e)),
    };

    let mut script = SqlplusScript::new();
    let database = script.query(DATABASE_QUERY);
    let instance = script.query(INSTANCE_QUERY);
    match try_sql(ctx, db, F, &script)? {
        Ok(output) => {
            identity = identity
                .with_database(&rows(&output, database))
                .and_then(|id| id.with_instance(&rows(&output, instance)))
                .map_err(read_error)?;
        }
        Err(e) if is_not_visible(&e.code()) => {
            tracing::info!(code = %e.code(), "v$database is not readable; identity from SYS_CONTEXT only");
            notes.push(format!(
                "v$database and v$instance are not readable by {} ({}): the DBID is not recorded{}",
                db.connection.user().unwrap_or_else(|| "this user".into()),
                e.code(),
                if identity.key.is_some() {
                    "; CON_DBID identifies the database"
                } else {
                    ""
                }
            ));
        }
        Err(e) => return Err(sql_error(F, e)),
    }
    if identity.key.is_none() {
        notes.push("no DBID is readable (a release before 12.1 and no SELECT_CATALOG_ROLE): retention cannot tell this database from another of the same name and will not remove archives; grant SELECT_CATALOG_ROLE to the export user".into());
    }
    let connect = db.connection.connect().map(str::to_string);
    let address = connect.as_deref().and_then(easy_connect_address);
    Ok(IdentityReport {
        identity,
        connect_host: address.as_ref().map(|(h, _)| h.clone()),
        connect_port: address.and_then(|(_, p)| p),
        connect,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

#[cfg(test)]
mod sim_tests {
    use crate::primitives::testing::Sim;
    use rhai::Map;

    #[test]
    fn the_simulated_database_names_itself() {
        let Some(sim) = Sim::start("ok") else { return };
        let r: Map = sim.run("database_identity(db)").unwrap().cast();
        assert_eq!(r["basis"].to_string(), "CON_DBID");
        let key = r["key"].to_string();
        let dbid = r["dbid"].as_int().unwrap();
        assert_eq!(r["con_dbid"].as_int().unwrap(), dbid);
        assert!(key.starts_with(&format!("{dbid}:")), "{key}");
        assert_eq!(r["host_name"].to_string(), "oracle-sim");
        assert!(r["note"].is_unit(), "{:?}", r["note"]);
        sim.assert_password_nowhere();
    }

    #[test]
    fn without_select_catalog_role_con_dbid_still_identifies_the_database() {
        let Some(sim) = Sim::start("no_privilege") else {
            return;
        };
        let r: Map = sim.run("database_identity(db)").unwrap().cast();
        assert!(r["dbid"].is_unit());
        assert_eq!(r["basis"].to_string(), "CON_DBID");
        assert!(!r["key"].is_unit());
        assert!(
            r["note"].to_string().contains("ORA-00942"),
            "{:?}",
            r["note"]
        );
    }

    /// Makes the simulated database an 11.2 one (CON_* parameters do not exist there).
    fn make_11g(sim: &Sim) {
        let state = sim.home.home.join("sim/state.json");
        let mut db: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
        db["version"] = "11.2.0.4.0".into();
        db["version_full"] = "11.2.0.4.0".into();
        std::fs::write(&state, db.to_string()).unwrap();
    }

    #[test]
    fn eleven_g_with_select_catalog_role_is_keyed_by_v_database() {
        let Some(sim) = Sim::start("ok") else { return };
        make_11g(&sim);
        let r: Map = sim.run("database_identity(db)").unwrap().cast();
        assert!(r["con_dbid"].is_unit());
        assert_eq!(r["basis"].to_string(), "v$database.DBID");
        assert!(r["key"].to_string().starts_with(&r["dbid"].to_string()));
    }

    #[test]
    fn eleven_g_without_select_catalog_role_has_no_key_and_says_why() {
        let Some(sim) = Sim::start("no_privilege") else {
            return;
        };
        make_11g(&sim);
        let r: Map = sim.run("database_identity(db)").unwrap().cast();
        assert!(r["key"].is_unit());
        assert_eq!(r["basis"].to_string(), "names only");
        assert!(!r["db_name"].to_string().is_empty());
        let note = r["note"].to_string();
        assert!(note.contains("retention cannot tell"), "{note}");
    }
}
