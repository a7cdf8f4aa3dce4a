//! `source_facts(db, opts)`: what an import of this export needs to know about the source
//! database, for the manifest. Thin glue over [`crate::oracle::source_facts`].

use super::connection::Oracle;
use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::sqlplus::{sql_error, try_sql};
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::oracle::database_identity::is_not_visible;
use crate::oracle::identifier::{Identifier, NameLimit};
use crate::oracle::source_facts::{
    dump_has_checksum, dump_version, estimate_bytes, parse_nls, parse_segments, segments_query,
    TablespaceUse, COMPATIBLE_LEVEL_QUERY, COMPATIBLE_PARAMETER_QUERY, NLS_QUERY,
};
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use serde::Serialize;
use std::io::{BufRead, BufReader};
use std::sync::Arc;

pub const SOURCE_FACTS: PrimitiveDoc = PrimitiveDoc {
    name: "source_facts",
    signature: "source_facts(db: Oracle, opts: #{ schema: string, log: string, version: string, checksum: string }) -> Map",
    summary: "Reads what an import of `schema` needs to know about this (source) database: the release and character sets from NLS_DATABASE_PARAMETERS (every session may read it), COMPATIBLE from DATABASE_COMPATIBLE_LEVEL or v$parameter, and the tablespaces the schema's segments live in with their sizes (dba_segments). `log` (optional) is the export's log, read for Data Pump's size estimate; `version` and `checksum` are the export's VERSION and CHECKSUM parameters when given. Returns #{ version, compatible, compatible_from, charset, ncharset, dump_version, checksum, tablespaces: [#{ name, bytes }], estimate_bytes, notes }. `dump_version` is the dump's VERSION (by default COMPATIBLE); `checksum` is true when the dump carries checksums (CHECKSUM=YES, the default on 21c and later with COMPATIBLE >= 20); both are () when what they rest on could not be read, and `notes` says why: nothing is guessed. Only reads, so it also runs under --dry-run.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_for_simulation(), connect: () });
let f = source_facts(db, #{ schema: "BIZAGI" });
print(`${f.version} ${f.charset}/${f.ncharset}: ${f.tablespaces.len()} tablespace(s)`);"#,
};

const KEYS: &[&str] = &["schema", "log", "version", "checksum"];

/// What `source_facts` returns.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFacts {
    pub version: Option<String>,
    pub compatible: Option<String>,
    /// Which view COMPATIBLE came from.
    pub compatible_from: Option<&'static str>,
    pub charset: Option<String>,
    pub ncharset: Option<String>,
    pub dump_version: Option<String>,
    pub checksum: Option<bool>,
    pub tablespaces: Vec<TablespaceUse>,
    pub estimate_bytes: Option<u64>,
    pub notes: Vec<String>,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let ctx = Arc::clone(ctx);
    registration(&SOURCE_FACTS).register_into_engine(
        engine,
        move |db: Oracle, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&ctx, "source_facts: what an import of this export needs");
            let facts = source_facts(&ctx, &db, &opts)?;
            step.finish(&format!(
                "source_facts: {} {}/{}, COMPATIBLE {}, {} tablespace(s)",
                facts.version.as_deref().unwrap_or("release unknown"),
                facts.charset.as_deref().unwrap_or("?"),
                facts.ncharset.as_deref().unwrap_or("?"),
                facts.compatible.as_deref().unwrap_or("unknown"),
                facts.tablespaces.len()
            ));
            rhai::serde::to_dynamic(&facts)
        },
    );
}

fn text_option(opts: &Map, key: &str) -> Result<Option<String>, Box<EvalAltResult>> {
    match opts.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v.clone().into_string().map(Some).map_err(|t| {
            misuse(
                "source_facts",
                format!("`{key}` must be a string, not {t}"),
                SOURCE_FACTS.signature,
            )
        }),
    }
}

/// Reads the facts; a query the user may not run is a note, any other failure an error.
pub fn source_facts(
    ctx: &HostCtx,
    db: &Oracle,
    opts: &Map,
) -> Result<SourceFacts, Box<EvalAltResult>> {
    const F: &str = "source_facts";
    check_keys(F, opts, KEYS)?;
    let schema = text_option(opts, "schema")?
        .ok_or_else(|| misuse(F, "`schema` is required", SOURCE_FACTS.signature))?;
    let schema = Identifier::parse(&schema, NameLimit::From122)
        .map_err(|e| misuse(F, format!("schema {schema:?}: {e}"), SOURCE_FACTS.signature))?;
    let log = text_option(opts, "log")?;
    let version_parameter = text_option(opts, "version")?;
    let checksum_parameter = text_option(opts, "checksum")?;
    let mut notes = Vec::new();

    let nls = read_nls(ctx, db, F)?;
    if nls.charset.is_none() {
        notes.push("NLS_DATABASE_PARAMETERS gave no NLS_CHARACTERSET: a restore cannot check the target's character set against this export's".into());
    }

    let (compatible, compatible_from) = read_compatible(ctx, db, F)?.unzip();
    if compatible.is_none() {
        notes.push("COMPATIBLE is not readable (neither database_compatible_level nor v$parameter answered): the dump's VERSION and whether it carries checksums are not recorded".into());
    }

    let mut script = SqlplusScript::new();
    let seg_q = script.query(&segments_query(&schema));
    let tablespaces = match try_sql(ctx, db, F, &script)? {
        Ok(output) => {
            let rows: Vec<String> = output.rows(seg_q).iter().map(|r| r.0.clone()).collect();
            parse_segments(&rows).map_err(|e| {
                script_error(
                    "BZ-SOURCE-FACTS",
                    format!("{F}: {e}"),
                    "run the query by hand in sqlplus; a login.sql printing text can disturb the output",
                )
            })?
        }
        Err(e) if is_not_visible(&e.code()) => {
            notes.push(format!(
                "dba_segments is not readable ({}): the tablespaces the schema needs are not recorded; grant SELECT_CATALOG_ROLE to the export user",
                e.code()
            ));
            Vec::new()
        }
        Err(e) => return Err(sql_error(F, e)),
    };

    // No note when the log has none: since 12.2 Data Pump logs no "Total estimation" line
    // unless asked to (the shared 19c and 23ai logs have none), so its absence says nothing
    // is wrong; `estimate_bytes` is then null.
    let estimate = log.as_deref().and_then(read_estimate);

    let version = nls.version.clone();
    Ok(SourceFacts {
        dump_version: dump_version(
            version_parameter.as_deref(),
            version.as_deref(),
            compatible.as_deref(),
        ),
        checksum: dump_has_checksum(
            checksum_parameter.as_deref(),
            version.as_deref(),
            compatible.as_deref(),
        ),
        version,
        compatible,
        compatible_from,
        charset: nls.charset,
        ncharset: nls.ncharset,
        tablespaces,
        estimate_bytes: estimate,
        notes,
    })
}

/// The NLS facts (character sets, release) of the database `db` reaches.
pub fn read_nls(
    ctx: &HostCtx,
    db: &Oracle,
    function: &str,
) -> Result<crate::oracle::source_facts::NlsFacts, Box<EvalAltResult>> {
    let mut script = SqlplusScript::new();
    let q = script.query(NLS_QUERY);
    let output = try_sql(ctx, db, function, &script)?.map_err(|e| sql_error(function, e))?;
    let rows: Vec<String> = output.rows(q).iter().map(|r| r.0.clone()).collect();
    Ok(parse_nls(&rows))
}

/// COMPATIBLE and the view it came from; `None` when no view this user may read answers.
pub fn read_compatible(
    ctx: &HostCtx,
    db: &Oracle,
    function: &str,
) -> Result<Option<(String, &'static str)>, Box<EvalAltResult>> {
    for (query, view) in [
        (COMPATIBLE_LEVEL_QUERY, "database_compatible_level"),
        (COMPATIBLE_PARAMETER_QUERY, "v$parameter"),
    ] {
        let mut script = SqlplusScript::new();
        let q = script.query(query);
        match try_sql(ctx, db, function, &script)? {
            Ok(output) => {
                let value = output
                    .rows(q)
                    .first()
                    .map(|r| r.0.trim().to_string())
                    .filter(|v| !v.is_empty());
                if let Some(value) = value {
                    return Ok(Some((value, view)));
                }
            }
            Err(e) if is_not_visible(&e.code()) => {
                tracing::info!(code = %e.code(), view, "COMPATIBLE not readable here");
            }
            Err(e) => return Err(sql_error(function, e)),
        }
    }
    Ok(None)
}

/// The estimate line is near the top of a log: read line by line, stop at the first one (a
/// log of millions of lines is not read whole).
fn read_estimate(path: &str) -> Option<u64> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {
                if let Some(bytes) = estimate_bytes(&String::from_utf8_lossy(&line)) {
                    return Some(bytes);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::testing::*;

    #[test]
    fn the_simulated_database_describes_itself_and_the_schema() {
        let Some(sim) = Sim::start("ok") else { return };
        let f: Map = sim
            .run(r#"source_facts(db, #{ schema: "BIZAGI" })"#)
            .unwrap()
            .cast();
        assert_eq!(f["charset"].to_string(), "AL32UTF8");
        assert!(f["version"].to_string().starts_with("19"), "{f:?}");
        let tablespaces: rhai::Array = f["tablespaces"].clone().cast();
        assert!(!tablespaces.is_empty(), "{f:?}");
        sim.assert_password_nowhere();
    }

    #[test]
    fn an_unknown_option_and_a_missing_schema_are_refused() {
        let Some(sim) = Sim::start("ok") else { return };
        let e = sim
            .run(r#"source_facts(db, #{ shema: "BIZAGI" })"#)
            .unwrap_err();
        assert_eq!(code(&e), "BZ-OPTION");
        let e = sim.run(r#"source_facts(db, #{})"#).unwrap_err();
        assert_eq!(code(&e), "BZ-USAGE");
    }
}
