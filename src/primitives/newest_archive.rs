//! `newest_archive(folder, opts)`: the archive a verify-restore takes when none is named: the
//! newest verified archive of one schema (and database) in a folder, read from the manifests
//! retention reads (`crate::archive::retention::list`).

use super::errors::script_error;
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use std::path::Path;
use std::sync::Arc;

pub const NEWEST_ARCHIVE: PrimitiveDoc = PrimitiveDoc {
    name: "newest_archive",
    signature: "newest_archive(folder: string, opts: #{ schema: string, database: string }) -> Map",
    summary: "Finds the newest archive of `schema` in `folder` that bizscript made and verified: a `NAME.manifest.json` (a regular file) made by bizscript's export, with this schema, `archive.verified` true and the export's verdict `ok`, and `NAME.zip` beside it; with `database` (a manifest's `database.key`), only that database's. Newest by the manifest's `created` time. Returns #{ archive, manifest, created, verified_at } (`verified_at` when an earlier verify recorded one). Fails with BZ-NO-ARCHIVE, naming the folder and schema, when none qualifies. Only reads.",
    example: r#"try {
    let a = newest_archive("/nonexistent/backups", #{ schema: "BIZAGI" });
    print(a.archive);
} catch (e) {
    print(`${e.code}: ${e.message}`);
}"#,
};

pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    registration(&NEWEST_ARCHIVE).register_into_engine(
        engine,
        |folder: &str, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> { newest(folder, &opts) },
    );
}

fn text(opts: &Map, key: &str) -> Option<String> {
    opts.get(key)
        .filter(|v| !v.is_unit())
        .map(|v| v.to_string().to_uppercase())
}

fn newest(folder: &str, opts: &Map) -> Result<Dynamic, Box<EvalAltResult>> {
    check_keys("newest_archive", opts, &["schema", "database"])?;
    let schema = text(opts, "schema");
    let database = opts
        .get("database")
        .filter(|v| !v.is_unit())
        .map(|v| v.to_string());
    let none = |why: String| {
        script_error(
            "BZ-NO-ARCHIVE",
            format!("newest_archive: {why}"),
            "name the archive with --set archive=, or give the folder the export writes its archives into",
        )
    };
    let listed = crate::archive::retention::list(Path::new(folder))
        .map_err(|e| none(format!("cannot read the folder {folder}: {e}")))?;
    let mut best: Option<(String, Map)> = None;
    for l in listed {
        let Ok(m) = &l.content else { continue };
        let qualifies = m["made_by"] == "bizscript"
            && m["procedure"] == "bizagi_export"
            && m["verdict"] == "ok"
            && m["archive"]["verified"] == true
            && schema.as_deref().is_none_or(|s| {
                m["schema"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(s))
            })
            && database
                .as_deref()
                .is_none_or(|d| m["database"]["key"].as_str() == Some(d))
            && std::fs::symlink_metadata(&l.archive).is_ok_and(|meta| meta.is_file());
        let Some(created) = m["created"].as_str().filter(|_| qualifies) else {
            continue;
        };
        if best.as_ref().is_some_and(|(t, _)| t.as_str() >= created) {
            continue;
        }
        let mut map = Map::new();
        map.insert(
            "archive".into(),
            Dynamic::from(l.archive.display().to_string()),
        );
        map.insert(
            "manifest".into(),
            Dynamic::from(l.manifest.display().to_string()),
        );
        map.insert("created".into(), Dynamic::from(created.to_string()));
        map.insert(
            "verified_at".into(),
            m["verified_at"]
                .as_str()
                .map(|s| Dynamic::from(s.to_string()))
                .unwrap_or(Dynamic::UNIT),
        );
        best = Some((created.to_string(), map));
    }
    match best {
        Some((_, map)) => Ok(Dynamic::from_map(map)),
        None => Err(none(format!(
            "no verified archive of schema {} in {folder} (a bizscript export's .zip with its .manifest.json, verified, verdict ok)",
            schema.as_deref().unwrap_or("(any)")
        ))),
    }
}
