//! `restore_archive(path, opts)`: restore step 1, the archive against its manifest and its dump
//! files unpacked. Thin glue over [`crate::archive::restore_input`].

use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::step::Step;
use super::{registration, PrimitiveDoc};
use crate::archive::restore_input::{check_and_unpack, dest_free_space, RestoreInputError};
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const RESTORE_ARCHIVE: PrimitiveDoc = PrimitiveDoc {
    name: "restore_archive",
    signature: "restore_archive(path: string, opts: #{ manifest: string, unpack_to: string, preview: bool }) -> Map",
    summary: "Checks a bizscript archive against its manifest (`manifest`, default the .manifest.json beside it): a regular file of the recorded size and full SHA-256, a verified archive, a ZIP whose entries are exactly the manifest's (plain names) and each decompresses to the recorded size and SHA-256. With `unpack_to` (a folder on this machine: the Data Pump directory's, or its mount) it first checks the free space against the entries' total, then writes each entry to NAME.partial (never over an existing file), checks it, and renames them only when all passed; on any failure or Ctrl-C nothing it wrote is left. Returns #{ archive, manifest, sha256, bytes, entries: [#{ name, bytes, sha256 }], unpacked: [paths], manifest_data, dry_run }. Fails with BZ-RESTORE-ARCHIVE (what differs), BZ-RESTORE-SPACE, BZ-RESTORE-EXISTS or BZ-CANCELLED. Under --dry-run it checks the archive the same way (reading changes nothing) and unpacks nothing, unless `preview` is true: then it unpacks for a SQLFILE preview, and the caller removes what it unpacked.",
    example: r#"// restore_archive("/backup/BIZAGI_20250101_010000_ABCD.zip", #{ unpack_to: "/u01/dpump" }) checks and unpacks;
// an archive without its manifest is refused before anything is read:
try {
    restore_archive("/nonexistent/BIZAGI_20250101_010000_ABCD.zip", #{});
} catch (e) {
    print(`${e.code}: ${e.message}`);
}"#,
};

const KEYS: &[&str] = &["manifest", "unpack_to", "preview"];

/// The manifest beside an archive: `STEM.manifest.json` for `STEM.zip`.
pub fn manifest_beside(archive: &Path) -> PathBuf {
    let stem = archive
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".zip").to_string())
        .unwrap_or_default();
    archive.with_file_name(format!("{stem}.manifest.json"))
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let ctx = Arc::clone(ctx);
    registration(&RESTORE_ARCHIVE).register_into_engine(
        engine,
        move |path: &str, opts: Map| -> Result<Dynamic, Box<EvalAltResult>> {
            restore_archive(&ctx, path, &opts)
        },
    );
}

fn text(opts: &Map, key: &str) -> Result<Option<String>, Box<EvalAltResult>> {
    match opts.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v.clone().into_string().map(Some).map_err(|t| {
            misuse(
                "restore_archive",
                format!("`{key}` must be a string, not {t}"),
                RESTORE_ARCHIVE.signature,
            )
        }),
    }
}

fn restore_archive(ctx: &HostCtx, path: &str, opts: &Map) -> Result<Dynamic, Box<EvalAltResult>> {
    check_keys("restore_archive", opts, KEYS)?;
    let archive = PathBuf::from(path);
    let manifest_path = text(opts, "manifest")?
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_beside(&archive));
    let unpack_to = text(opts, "unpack_to")?.map(PathBuf::from);
    let manifest: serde_json::Value = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read the manifest {}: {e}", manifest_path.display()))
        .and_then(|t| {
            serde_json::from_str(&t)
                .map_err(|e| format!("the manifest {} is not valid JSON: {e}", manifest_path.display()))
        })
        .map_err(|m| {
            script_error(
                "BZ-RESTORE-ARCHIVE",
                m,
                "give the archive bizscript wrote, with its .manifest.json beside it (or opts.manifest)",
            )
        })?;
    // Reading changes nothing, so --dry-run checks the archive too; it unpacks only for a
    // preview (`preview: true`: the caller removes what was unpacked once it has looked).
    let preview = match opts.get("preview") {
        None => false,
        Some(v) => v.as_bool().map_err(|_| {
            script_error(
                "BZ-ARGUMENT",
                "restore_archive: opts.preview must be true or false",
                "",
            )
        })?,
    };
    let unpack_to = if ctx.dry_run() && !preview {
        None
    } else {
        unpack_to
    };
    let step = Step::start(
        ctx,
        &format!("restore_archive: checking {path} against its manifest"),
    );
    let checked = check_and_unpack(
        &archive,
        &manifest,
        unpack_to.as_deref(),
        &dest_free_space,
        &ctx.cancel,
    )
    .map_err(|e| {
        let code = match e {
            RestoreInputError::NoSpace { .. } => "BZ-RESTORE-SPACE",
            RestoreInputError::Exists(_) => "BZ-RESTORE-EXISTS",
            RestoreInputError::Cancelled => "BZ-CANCELLED",
            _ => "BZ-RESTORE-ARCHIVE",
        };
        let hint = match e {
            RestoreInputError::NoSpace { .. } => "free space in the directory's folder, then run the restore again",
            RestoreInputError::Exists(_) => "move the file away (it may be another restore's), then run again",
            _ => "the archive cannot be trusted: nothing was unpacked or imported; restore another archive",
        };
        script_error(code, format!("restore_archive: {e}"), hint)
    })?;
    step.finish(&format!(
        "restore_archive: {path}: SHA-256 and {} entr{} match the manifest{}",
        checked.entries.len(),
        if checked.entries.len() == 1 {
            "y"
        } else {
            "ies"
        },
        if checked.unpacked.is_empty() {
            String::new()
        } else {
            format!("; {} file(s) unpacked", checked.unpacked.len())
        }
    ));
    let mut map: Map = rhai::serde::to_dynamic(&checked)?.cast();
    map.insert(
        "manifest".into(),
        Dynamic::from(manifest_path.display().to_string()),
    );
    map.insert("manifest_data".into(), rhai::serde::to_dynamic(&manifest)?);
    map.insert("dry_run".into(), Dynamic::from(ctx.dry_run()));
    Ok(Dynamic::from_map(map))
}
