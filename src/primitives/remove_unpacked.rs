//! `remove_unpacked(restored)`: removes what `restore_archive` unpacked, once a SQLFILE preview
//! or a test restore is done with it. Thin glue over
//! [`crate::archive::restore_input::remove_unpacked`].

use super::errors::script_error;
use super::{registration, PrimitiveDoc};
use crate::archive::restore_input::{remove_unpacked, Expected};
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use std::path::PathBuf;

pub const REMOVE_UNPACKED: PrimitiveDoc = PrimitiveDoc {
    name: "remove_unpacked",
    signature: "remove_unpacked(restored: Map) -> Map",
    summary: "Removes the files `restore_archive` unpacked (`restored` is what it returned: its `unpacked` paths and `entries`), each only when it is still a regular file of its entry's size and SHA-256; a file changed or replaced since is kept and said. It also runs under --dry-run: it removes only what this run's preview unpacked. Returns #{ removed: [paths], kept: [#{ path, reason }], ok } (`ok`: every file was removed).",
    example: r#"// let restored = restore_archive(archive, #{ unpack_to: folder, preview: true });
// ... impdp(db, #{ sqlfile: "preview.sql", ... }) ...
let r = remove_unpacked(#{ unpacked: [], entries: [] });
print(`removed ${r.removed.len()}, kept ${r.kept.len()}`);"#,
};

pub fn register(engine: &mut Engine, _ctx: &std::sync::Arc<super::runtime::HostCtx>) {
    registration(&REMOVE_UNPACKED).register_into_engine(
        engine,
        |restored: Map| -> Result<Dynamic, Box<EvalAltResult>> { run(&restored) },
    );
}

fn run(restored: &Map) -> Result<Dynamic, Box<EvalAltResult>> {
    let bad = |what: &str| {
        script_error(
            "BZ-ARGUMENT",
            format!("remove_unpacked: {what}"),
            "pass what restore_archive returned",
        )
    };
    let list = |key: &str| -> Result<rhai::Array, Box<EvalAltResult>> {
        match restored.get(key) {
            None => Ok(rhai::Array::new()),
            Some(v) if v.is_unit() => Ok(rhai::Array::new()),
            Some(v) => v
                .clone()
                .try_cast::<rhai::Array>()
                .ok_or_else(|| bad(&format!("`{key}` is not an array"))),
        }
    };
    let mut entries = Vec::new();
    for e in list("entries")? {
        let map = e
            .try_cast::<Map>()
            .ok_or_else(|| bad("an entry is not a map"))?;
        let field = |k: &str| map.get(k).cloned().unwrap_or(Dynamic::UNIT);
        let name = field("name")
            .into_string()
            .map_err(|_| bad("an entry has no name"))?;
        let bytes = field("bytes")
            .as_int()
            .map_err(|_| bad("an entry has no bytes"))?;
        let sha256 = field("sha256")
            .into_string()
            .map_err(|_| bad("an entry has no sha256"))?;
        entries.push(Expected {
            name,
            bytes: u64::try_from(bytes).map_err(|_| bad("an entry's bytes are negative"))?,
            sha256,
        });
    }
    let mut files = Vec::new();
    for p in list("unpacked")? {
        let path = PathBuf::from(
            p.into_string()
                .map_err(|_| bad("an unpacked path is not a string"))?,
        );
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Only what the archive named: a path without its entry is never removed.
        let entry = entries.iter().find(|e| e.name == name).ok_or_else(|| {
            bad(&format!(
                "{} is not one of the archive's entries",
                path.display()
            ))
        })?;
        files.push((path, entry.clone()));
    }
    let outcome = remove_unpacked(&files);
    let mut removed = rhai::Array::new();
    let mut kept = rhai::Array::new();
    for r in &outcome {
        if r.removed {
            removed.push(Dynamic::from(r.path.display().to_string()));
        } else {
            let mut m = Map::new();
            m.insert("path".into(), Dynamic::from(r.path.display().to_string()));
            m.insert(
                "reason".into(),
                Dynamic::from(r.reason.clone().unwrap_or_default()),
            );
            kept.push(Dynamic::from_map(m));
        }
    }
    let mut map = Map::new();
    map.insert("ok".into(), Dynamic::from(kept.is_empty()));
    map.insert("removed".into(), Dynamic::from(removed));
    map.insert("kept".into(), Dynamic::from(kept));
    Ok(Dynamic::from_map(map))
}
