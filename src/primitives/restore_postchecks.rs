//! `restore_postchecks(db, opts)` and `drop_scratch_schema(db, name)`: what a restore checks
//! after the import (rows per table against the export log's, objects newly invalid after a
//! recompile), and the verify's clean-up (DROP USER ... CASCADE, confirmed in dba_users).
//! Thin glue over [`crate::oracle::restore_checks`].

use super::connection::Oracle;
use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::sqlplus::run_sql;
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::oracle::identifier::{Identifier, NameLimit};
use crate::oracle::restore_checks::{
    expected_rows, invalid_objects_query, new_invalid, recompile_block, row_counts, RowMismatch,
};
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::primitives::runtime::HostCtx;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const RESTORE_POSTCHECKS: PrimitiveDoc = PrimitiveDoc {
    name: "restore_postchecks",
    signature: "restore_postchecks(db: Oracle, opts: #{ schema: string, tables: Array }) -> Map",
    summary: "After an import into `schema`: the invalid objects (dba_objects), a recompile (DBMS_UTILITY.COMPILE_SCHEMA, invalid objects only), the invalid objects again, and every table's SELECT COUNT(*) against `tables` (the export log's #{ name, rows } from the manifest's `import.tables`; partitions summed per table). Returns #{ ok, rows: [#{ table, expected, restored }], mismatches: [#{ table, expected, restored }], invalid_before, invalid_after, new_invalid }. `ok` is true only when there was at least one table to count and every count matched; a table missing from the schema is a mismatch (restored ()). `new_invalid` lists objects invalid after the recompile that were not before: what a person reviews. An empty `tables` is refused: nothing to compare is not a match.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
// let post = restore_postchecks(db, #{ schema: "BZV_X", tables: manifest["import"].tables });
// Nothing to compare is never a match:
try {
    restore_postchecks(db, #{ schema: "BIZAGI", tables: [] });
} catch (e) {
    print(`${e.code}: ${e.message}`);
}"#,
};

pub const DROP_SCRATCH_SCHEMA: PrimitiveDoc = PrimitiveDoc {
    name: "drop_scratch_schema",
    signature: "drop_scratch_schema(db: Oracle, name: string) -> Map",
    summary: "Drops a verify-restore's scratch schema: `DROP USER name CASCADE`, then confirms in dba_users that it is gone. Only names starting with BZV_ are accepted (a real schema is never dropped by this). Returns #{ schema, existed, dropped, gone }: `gone` is true only when dba_users no longer lists it. Fails with the Oracle error when the drop fails (the schema is then still there: the caller records scratch_dropped: false).",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
let d = drop_scratch_schema(db, "BZV_EXAMPLE");
print(`${d.schema}: existed ${d.existed}, gone ${d.gone}`);"#,
};

#[derive(Debug, Clone, Serialize)]
struct Row {
    table: String,
    expected: u64,
    restored: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
struct Post {
    ok: bool,
    rows: Vec<Row>,
    mismatches: Vec<RowMismatch>,
    invalid_before: Vec<String>,
    invalid_after: Vec<String>,
    new_invalid: Vec<String>,
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = Arc::clone(ctx);
    registration(&RESTORE_POSTCHECKS).register_into_engine(
        engine,
        move |db: Oracle, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            let step = Step::start(&c, "restore_postchecks: rows and invalid objects");
            let post = postchecks(&c, &db, &opts)?;
            step.finish(&format!(
                "restore_postchecks: {} table(s), {} mismatch(es), {} newly invalid object(s)",
                post.rows.len(),
                post.mismatches.len(),
                post.new_invalid.len()
            ));
            rhai::serde::to_dynamic(&post)
        },
    );
    let c = Arc::clone(ctx);
    registration(&DROP_SCRATCH_SCHEMA).register_into_engine(
        engine,
        move |db: Oracle, name: &str| -> Result<Dynamic, Box<EvalAltResult>> {
            drop_scratch(&c, &db, name)
        },
    );
    let c = Arc::clone(ctx);
    registration(&GUARD_SCRATCH_SCHEMA).register_into_engine(
        engine,
        move |db: Oracle, name: &str| -> Result<(), Box<EvalAltResult>> {
            let schema = schema_name("guard_scratch_schema", name, GUARD_SCRATCH_SCHEMA.signature)?;
            let stored = schema.as_stored().to_string();
            if !stored.starts_with("BZV_") {
                return Err(misuse(
                    "guard_scratch_schema",
                    format!("{stored} is not a scratch schema (BZV_...): it is never dropped here"),
                    GUARD_SCRATCH_SCHEMA.signature,
                ));
            }
            if c.dry_run() {
                return Ok(());
            }
            if let Ok(mut g) = c.scratch_guard.lock() {
                if !g.iter().any(|(_, n)| *n == stored) {
                    g.push((db, stored));
                }
            }
            Ok(())
        },
    );
}

pub const GUARD_SCRATCH_SCHEMA: PrimitiveDoc = PrimitiveDoc {
    name: "guard_scratch_schema",
    signature: "guard_scratch_schema(db: Oracle, name: string)",
    summary: "Promises that the scratch schema `name` (BZV_... only) is dropped when the script ends, however it ends: an error, a failed step, Ctrl-C or SIGTERM during the import. Call it before the import that creates the schema; `drop_scratch_schema` releases the promise once dba_users no longer lists it. What the host dropped at the end is in the report's `scratch_cleanup` (#{ schema, gone }), and a verify record's `scratch_dropped` says the same. A second Ctrl-C (forced exit) skips it.",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
guard_scratch_schema(db, "BZV_EXAMPLE");
// ... impdp(db, #{ remap_schema: "BIZAGI:BZV_EXAMPLE", ... }) ...
let d = drop_scratch_schema(db, "BZV_EXAMPLE");
print(`gone: ${d.gone}`);"#,
};

/// Drops every scratch schema still promised (`guard_scratch_schema`) when the script has
/// ended, through a context of its own: the run's may be cancelled (Ctrl-C), and the clean-up
/// must still run. Returns (schema, gone) for each.
pub fn drop_guarded(ctx: &HostCtx) -> Vec<(String, bool)> {
    let pending: Vec<(Oracle, String)> = match ctx.scratch_guard.lock() {
        Ok(mut g) => std::mem::take(&mut *g),
        Err(_) => return Vec::new(),
    };
    if pending.is_empty() || ctx.cancel.is_forced() {
        return pending.into_iter().map(|(_, n)| (n, false)).collect();
    }
    let mut fresh = HostCtx::new(false, true, crate::cancel::Cancel::new(), ctx.env.clone());
    fresh.simulation = ctx.simulation.clone();
    fresh.interactive = false;
    pending
        .into_iter()
        .map(|(db, name)| {
            eprintln!("bizscript: dropping the scratch schema {name} the run left");
            let gone = drop_scratch(&fresh, &db, &name)
                .ok()
                .and_then(|d| d.try_cast::<Map>())
                .and_then(|m| m.get("gone").and_then(|g| g.as_bool().ok()))
                .unwrap_or(false);
            if !gone {
                eprintln!("bizscript: the scratch schema {name} is STILL THERE: DROP USER {name} CASCADE by hand");
            }
            (name, gone)
        })
        .collect()
}

fn schema_name(function: &str, value: &str, usage: &str) -> Result<Identifier, Box<EvalAltResult>> {
    Identifier::parse(value, NameLimit::From122)
        .map_err(|e| misuse(function, format!("schema {value:?}: {e}"), usage))
}

fn rows_of(output: &crate::oracle::sqlplus_output::SqlplusOutput, q: usize) -> Vec<String> {
    output
        .rows(q)
        .iter()
        .map(|r| r.0.trim().to_string())
        .collect()
}

fn postchecks(ctx: &HostCtx, db: &Oracle, opts: &Map) -> Result<Post, Box<EvalAltResult>> {
    const F: &str = "restore_postchecks";
    let usage = RESTORE_POSTCHECKS.signature;
    check_keys(F, opts, &["schema", "tables"])?;
    let schema = opts
        .get("schema")
        .and_then(|v| v.clone().into_string().ok())
        .ok_or_else(|| misuse(F, "`schema` (a string) is required", usage))?;
    let schema = schema_name(F, &schema, usage)?;
    let tables: Array = opts
        .get("tables")
        .and_then(|v| v.clone().try_cast::<Array>())
        .ok_or_else(|| {
            misuse(
                F,
                "`tables` (the manifest's import.tables) is required",
                usage,
            )
        })?;
    let mut logged = Vec::new();
    for t in tables {
        let m = t
            .try_cast::<Map>()
            .ok_or_else(|| misuse(F, "each table is #{ name, rows }", usage))?;
        let name = m.get("name").and_then(|v| v.clone().into_string().ok());
        let rows = m
            .get("rows")
            .and_then(|v| v.as_int().ok())
            .and_then(|r| u64::try_from(r).ok());
        match (name, rows) {
            (Some(n), Some(r)) => logged.push((n, r)),
            _ => return Err(misuse(F, "each table is #{ name, rows }", usage)),
        }
    }
    let expected = expected_rows(&logged);
    if expected.is_empty() {
        return Err(script_error(
            "BZ-RESTORE-NOTHING",
            format!("{F}: the export log lists no table rows, so there is nothing to compare"),
            "a restore whose rows cannot be compared is not verified: check the export log",
        ));
    }
    let mut script = SqlplusScript::new();
    let before_q = script.query(&invalid_objects_query(&schema));
    script.plsql(&recompile_block(&schema));
    let after_q = script.query(&invalid_objects_query(&schema));
    let mut count_q = Vec::new();
    for (table, _) in &expected {
        let t = Identifier::stored(table, NameLimit::From122)
            .map_err(|e| misuse(F, format!("table {table:?}: {e}"), usage))?;
        count_q.push(script.query(&format!(
            "SELECT COUNT(*) FROM {}.{}",
            schema.sql(),
            t.sql()
        )));
    }
    // A table missing from the restored schema fails its COUNT(*) (ORA-00942) and, with
    // WHENEVER SQLERROR, the rest of the script: count first what exists.
    let output = run_sql(ctx, db, F, &script)?;
    let before: BTreeSet<String> = rows_of(&output, before_q).into_iter().collect();
    let after: BTreeSet<String> = rows_of(&output, after_q).into_iter().collect();
    let mut restored = BTreeMap::new();
    for ((table, _), q) in expected.iter().zip(&count_q) {
        if let Some(n) = rows_of(&output, *q)
            .first()
            .and_then(|n| n.parse::<u64>().ok())
        {
            restored.insert(table.to_uppercase(), n);
        }
    }
    let mismatches = row_counts(&expected, &restored);
    let rows = expected
        .iter()
        .map(|(t, e)| Row {
            table: t.clone(),
            expected: *e,
            restored: restored.get(&t.to_uppercase()).copied(),
        })
        .collect();
    Ok(Post {
        ok: mismatches.is_empty(),
        rows,
        mismatches,
        new_invalid: new_invalid(&before, &after),
        invalid_before: before.into_iter().collect(),
        invalid_after: after.into_iter().collect(),
    })
}

fn drop_scratch(ctx: &HostCtx, db: &Oracle, name: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    const F: &str = "drop_scratch_schema";
    let schema = schema_name(F, name, DROP_SCRATCH_SCHEMA.signature)?;
    if !schema.as_stored().starts_with("BZV_") {
        return Err(misuse(
            F,
            format!(
                "{} is not a scratch schema (BZV_...): it is never dropped here",
                schema.as_stored()
            ),
            DROP_SCRATCH_SCHEMA.signature,
        ));
    }
    let exists_sql = format!(
        "SELECT COUNT(*) FROM dba_users WHERE username = {}",
        schema.literal()
    );
    let count = |output: &crate::oracle::sqlplus_output::SqlplusOutput, q| {
        rows_of(output, q)
            .first()
            .and_then(|n| n.parse::<u64>().ok())
    };
    let mut script = SqlplusScript::new();
    let q = script.query(&exists_sql);
    let existed = count(&run_sql(ctx, db, F, &script)?, q).unwrap_or(1) > 0;
    let mut dropped = false;
    if existed {
        let mut script = SqlplusScript::new();
        script.execute(&format!("DROP USER {} CASCADE", schema.sql()));
        run_sql(ctx, db, F, &script)?;
        dropped = true;
    }
    let mut script = SqlplusScript::new();
    let q = script.query(&exists_sql);
    let gone = count(&run_sql(ctx, db, F, &script)?, q) == Some(0);
    if gone {
        if let Ok(mut g) = ctx.scratch_guard.lock() {
            g.retain(|(_, n)| n != schema.as_stored());
        }
    }
    eprintln!(
        "drop_scratch_schema: {}: {}",
        schema.as_stored(),
        if gone {
            "gone (dba_users no longer lists it)"
        } else {
            "STILL THERE: drop it by hand"
        }
    );
    let mut map = Map::new();
    map.insert(
        "schema".into(),
        Dynamic::from(schema.as_stored().to_string()),
    );
    map.insert("existed".into(), Dynamic::from(existed));
    map.insert("dropped".into(), Dynamic::from(dropped));
    map.insert("gone".into(), Dynamic::from(gone));
    Ok(Dynamic::from_map(map))
}
