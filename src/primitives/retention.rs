//! `prune_archives`: retention that can only ever remove what this procedure made.
//!
//! An archive is a candidate only when it sits beside a manifest written by bizscript for the
//! same procedure and schema; anything else in the folder is never touched. The newest `keep`
//! archives stay. A script calls this only after a verified success (Ola Hallengren's rule:
//! clean up old backups only once the new one is good).

use super::errors::script_error;
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::host::context::HostCtx;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const PRUNE_ARCHIVES: PrimitiveDoc = PrimitiveDoc {
    name: "prune_archives",
    signature: "prune_archives(folder: string, opts: Map) -> Map",
    summary: "Keeps the newest `keep` archives of one schema in `folder` and removes the older ones with their manifests. `opts`: `#{ schema, keep, procedure }` (procedure defaults to `bizagi_export`). Only archives whose manifest (`NAME.manifest.json`) says bizscript made them for that procedure and schema are candidates; nothing else is touched. Lists what it removes; asks on a terminal, needs `--yes` otherwise; under `--dry-run` only lists. Returns `#{ kept, removed }`.",
    example: r#"let r = prune_archives("backups", #{ schema: "BIZAGI", keep: 7 });
print(`removed ${r.removed.len()} old archive(s)`);"#,
};

const OPTIONS: &[&str] = &["schema", "keep", "procedure"];

/// Registers `prune_archives`.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = ctx.clone();
    registration(&PRUNE_ARCHIVES, &["folder: &str", "opts: Map", "Map"])
        .register_into_engine(engine, move |folder: &str, opts: Map| {
            c.record("prune_archives", prune(&c, folder, &opts))
        });
}

struct Candidate {
    archive: PathBuf,
    manifest: PathBuf,
    created: String,
}

fn string_opt(opts: &Map, key: &str) -> Option<String> {
    opts.get(key).and_then(|v| v.clone().into_string().ok())
}

fn prune(ctx: &HostCtx, folder: &str, opts: &Map) -> Result<Map, Box<EvalAltResult>> {
    check_keys("prune_archives", opts, OPTIONS)?;
    let usage = |m: &str| {
        script_error(
            "BZ-USAGE",
            format!("prune_archives: {m}"),
            PRUNE_ARCHIVES.signature,
        )
    };
    let schema =
        string_opt(opts, "schema").ok_or_else(|| usage("`schema` (a string) is required"))?;
    let keep = opts
        .get("keep")
        .and_then(|v| v.as_int().ok())
        .ok_or_else(|| usage("`keep` (an integer) is required"))?;
    if keep < 1 {
        return Err(usage(
            "`keep` must be at least 1: retention never removes the newest archive",
        ));
    }
    let procedure = string_opt(opts, "procedure").unwrap_or_else(|| "bizagi_export".into());

    let mut candidates = candidates(Path::new(folder), &schema, &procedure).map_err(|e| {
        script_error(
            "BZ-FILE",
            format!("cannot list {folder}: {e}"),
            "check the folder",
        )
    })?;
    // Newest first, by the creation time the manifest records.
    candidates.sort_by(|a, b| b.created.cmp(&a.created));
    let keep = keep as usize;
    let (kept, old) = candidates.split_at(keep.min(candidates.len()));

    let mut removed = Array::new();
    if !old.is_empty() {
        for c in old {
            eprintln!(
                "retention: {} {} (and its manifest)",
                if ctx.dry_run() {
                    "would remove"
                } else {
                    "removing"
                },
                c.archive.display()
            );
        }
        if !ctx.dry_run() {
            confirm(ctx, old.len())?;
            for c in old {
                std::fs::remove_file(&c.archive).map_err(|e| {
                    script_error(
                        "BZ-FILE",
                        format!("cannot remove {}: {e}", c.archive.display()),
                        "check permissions",
                    )
                })?;
                let _ = std::fs::remove_file(&c.manifest);
                removed.push(Dynamic::from(c.archive.display().to_string()));
            }
        } else {
            removed.extend(
                old.iter()
                    .map(|c| Dynamic::from(c.archive.display().to_string())),
            );
        }
    }
    let mut map = Map::new();
    map.insert(
        "kept".into(),
        Dynamic::from_array(
            kept.iter()
                .map(|c| Dynamic::from(c.archive.display().to_string()))
                .collect(),
        ),
    );
    map.insert("removed".into(), Dynamic::from_array(removed));
    Ok(map)
}

fn confirm(ctx: &HostCtx, count: usize) -> Result<(), Box<EvalAltResult>> {
    if ctx.assume_yes {
        return Ok(());
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        eprint!("Remove {count} old archive(s)? [y/N] ");
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_ok()
            && matches!(answer.trim(), "y" | "Y" | "yes" | "YES")
        {
            return Ok(());
        }
        return Err(script_error(
            "BZ-DECLINED",
            "retention declined: nothing removed",
            "",
        ));
    }
    Err(script_error(
        "BZ-CONFIRM",
        format!("retention would remove {count} archive(s) and needs confirmation"),
        "run with --yes in unattended runs (after checking the list with --dry-run)",
    ))
}

/// Archives in `folder` whose manifest says bizscript made them for `procedure` and `schema`.
fn candidates(folder: &Path, schema: &str, procedure: &str) -> std::io::Result<Vec<Candidate>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".manifest.json") else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let made_by_us = manifest["made_by"].as_str() == Some("bizscript")
            && manifest["procedure"].as_str() == Some(procedure)
            && manifest["schema"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(schema));
        let archive = folder.join(format!("{stem}.zip"));
        if made_by_us && archive.is_file() {
            found.push(Candidate {
                archive,
                manifest: path.clone(),
                created: manifest["created"].as_str().unwrap_or("").to_string(),
            });
        }
    }
    Ok(found)
}
