//! Small, safe file operations site scripts need around the procedure: `file_exists`,
//! `write_json`, `append_line`, `copy_file`, `remove_files`. Writes go to a temporary name, are
//! synced, renamed and the rename synced; copies are verified by checksum; removals of dump
//! files need the verified archive that holds them; `--dry-run` only says what would happen.

use super::errors::script_error;
use super::{registration, PrimitiveDoc};
use crate::archive::removal::{removal_objection, ArchivedEntry};
use crate::host::context::HostCtx;
use crate::host::report::to_json;
use rhai::{Dynamic, Engine, EvalAltResult, Map};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const FILE_EXISTS: PrimitiveDoc = PrimitiveDoc {
    name: "file_exists",
    signature: "file_exists(path: string) -> bool",
    summary: "True when `path` exists on this machine. Data Pump writes on the database server, so a dump is only reachable here when the directory's path is local (or mounted).",
    example: r#"if !file_exists("/u01/backup/BIZAGI.dmp") { say("the dump is on the server only"); }"#,
};

pub const WRITE_JSON: PrimitiveDoc = PrimitiveDoc {
    name: "write_json",
    signature: "write_json(path: string, value: any)\nwrite_json(path: string, value: any, opts: #{ mode_of: string, overwrite: bool })",
    summary: "Writes `value` as pretty JSON to `path`, through a temporary file (mode 0600) that is synced, renamed into place, and whose rename is synced too, so a reader never sees half a file and a crash never loses a written one. Secrets are written as `***`. Options: `mode_of` gives the file the permission bits of another file (a manifest as private as its archive; never execute bits), `overwrite: false` refuses an existing `path` (whatever it is: a file, a folder someone planted there). Under `--dry-run` it only says what it would write.",
    example: r#"write_json("manifest.json", #{ schema: "BIZAGI", verdict: "ok" });
write_json("report.json", #{ verdict: "ok" }, #{ mode_of: "manifest.json", overwrite: false });"#,
};

pub const REMOVE_FILES: PrimitiveDoc = PrimitiveDoc {
    name: "remove_files",
    signature: "remove_files(paths: Array, opts: #{ verified_by: Map, manifest: string }) -> Map",
    summary: "Removes dump files that a verified archive holds, and nothing else: `verified_by` is what `compress` returned. Every path must be one of the archive's entries and still be exactly the file that was archived (same size, modification time and file identity); the archive must still be there with its recorded size; when `manifest` is given it must exist and name the archive's SHA-256. If any check fails for any file, no file is removed (a dump set is kept whole) and `not_removed` says why. Returns `#{ removed, not_removed, ok }` (`not_removed`: `#{ path, reason }`). Under `--dry-run` it only says what it would remove.",
    example: r#"let zip = compress(["BIZAGI_01.dmp", "BIZAGI_02.dmp"], #{ archive: "BIZAGI_full.zip" });
write_json("BIZAGI_full.manifest.json", #{ archive: #{ path: zip.archive, sha256: zip.sha256 } });
let r = remove_files(["BIZAGI_01.dmp", "BIZAGI_02.dmp"], #{ verified_by: zip, manifest: "BIZAGI_full.manifest.json" });
if !r.ok { print(r.not_removed); }"#,
};

pub const APPEND_LINE: PrimitiveDoc = PrimitiveDoc {
    name: "append_line",
    signature: "append_line(path: string, line: string)",
    summary: "Appends one line to a text file (created if missing; its folder must exist), for monitoring files and audit trails. Under `--dry-run` it only says what it would append.",
    example: r#"append_line("monitoring.log", `${now_utc()} bizagi_export BIZAGI failed`);"#,
};

pub const COPY_FILE: PrimitiveDoc = PrimitiveDoc {
    name: "copy_file",
    signature: "copy_file(source: string, destination: string) -> Map",
    summary: "Copies a file to `destination` (a folder, or a file path), through a temporary name renamed when complete, then verifies the copy's SHA-256 against the source's. Returns `#{ path, bytes, sha256 }`. Refuses to overwrite an existing different file. Under `--dry-run` it only says what it would copy.",
    example: r#"let copy = copy_file("archive.zip", "share/");
print(copy.sha256);"#,
};

/// Registers the file operations.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    registration(&FILE_EXISTS, &["path: &str", "bool"])
        .register_into_engine(engine, |path: &str| Path::new(path).exists());

    let c = ctx.clone();
    registration(&WRITE_JSON, &["path: &str", "value: Dynamic", "()"])
        .register_into_engine(engine, move |path: &str, value: Dynamic| {
            write_json(&c, path, &value)
        });
    let c = ctx.clone();
    registration(
        &WRITE_JSON,
        &["path: &str", "value: Dynamic", "opts: Map", "()"],
    )
    .register_into_engine(engine, move |path: &str, value: Dynamic, opts: Map| {
        write_json_with(&c, path, &value, &opts)
    });
    let c = ctx.clone();
    registration(&REMOVE_FILES, &["paths: Array", "opts: Map", "Map"])
        .register_into_engine(engine, move |paths: rhai::Array, opts: Map| {
            remove_files(&c, paths, &opts)
        });
    let c = ctx.clone();
    registration(&APPEND_LINE, &["path: &str", "line: &str", "()"])
        .register_into_engine(engine, move |path: &str, line: &str| {
            append_line(&c, path, line)
        });
    let c = ctx.clone();
    registration(&COPY_FILE, &["source: &str", "destination: &str", "Map"]).register_into_engine(
        engine,
        move |source: &str, destination: &str| {
            c.record("copy_file", copy_file(&c, source, destination))
        },
    );
}

fn io_error(what: &str, path: &str, err: &std::io::Error) -> Box<EvalAltResult> {
    script_error(
        "BZ-FILE",
        format!("cannot {what} {path}: {err}"),
        "check that the folder exists, is writable, and has free space",
    )
}

fn write_json(ctx: &HostCtx, path: &str, value: &Dynamic) -> Result<(), Box<EvalAltResult>> {
    write_json_with(ctx, path, value, &Map::new())
}

fn write_json_with(
    ctx: &HostCtx,
    path: &str,
    value: &Dynamic,
    opts: &Map,
) -> Result<(), Box<EvalAltResult>> {
    super::options::check_keys("write_json", opts, &["mode_of", "overwrite"])?;
    let usage =
        |m: &str| script_error("BZ-USAGE", format!("write_json: {m}"), WRITE_JSON.signature);
    let mode_of = match opts.get("mode_of") {
        None => None,
        Some(v) if v.is_unit() => None,
        Some(v) => Some(
            v.clone()
                .into_string()
                .map_err(|_| usage("`mode_of` must be a path"))?,
        ),
    };
    let overwrite = match opts.get("overwrite") {
        None => true,
        Some(v) => v
            .as_bool()
            .map_err(|_| usage("`overwrite` must be true or false"))?,
    };
    let json = to_json(value);
    if ctx.dry_run() {
        eprintln!("[dry-run] would write {path}");
        return Ok(());
    }
    let mode = match &mode_of {
        Some(other) => {
            Some(mode_bits(Path::new(other)).map_err(|e| io_error("read the mode of", other, &e))?)
        }
        None => None,
    };
    write_durably(Path::new(path), &json, mode, overwrite).map_err(|e| io_error("write", path, &e))
}

/// The permission bits of `path` without execute bits (0600 where the platform has none).
fn mode_bits(path: &Path) -> std::io::Result<u32> {
    let meta = std::fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(meta.permissions().mode() & 0o666)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Ok(0o600)
    }
}

/// Temporary file in the same folder (0600), written, synced, given `mode`, renamed (or, without
/// `overwrite`, linked into place only if nothing is there), and the folder synced, so that the
/// file is on disk under its name before anything relies on it.
fn write_durably(
    path: &Path,
    json: &serde_json::Value,
    mode: Option<u32>,
    overwrite: bool,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".bizscript-json-")
        .tempfile_in(dir)?;
    let text = serde_json::to_string_pretty(json).map_err(std::io::Error::other)?;
    temp.write_all(text.as_bytes())?;
    temp.write_all(b"\n")?;
    temp.as_file().sync_all()?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    if overwrite {
        temp.persist(path).map_err(|e| e.error)?;
    } else {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "something is already there (a file or folder of that name); it was left alone",
            ));
        }
        temp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    sync_folder(dir)
}

/// Makes a rename or removal in `dir` durable (Unix: fsync of the folder; Windows has no such
/// call, NTFS journals the metadata).
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn append_line(ctx: &HostCtx, path: &str, line: &str) -> Result<(), Box<EvalAltResult>> {
    if line.contains('\n') {
        return Err(script_error(
            "BZ-USAGE",
            "append_line: the line contains a newline",
            "call append_line once per line",
        ));
    }
    if ctx.dry_run() {
        eprintln!("[dry-run] would append to {path}: {line}");
        return Ok(());
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| io_error("open", path, &e))?;
    writeln!(file, "{line}").map_err(|e| io_error("append to", path, &e))
}

fn sha256_of(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok((total, base16ct::lower::encode_string(&hasher.finalize())))
}

fn copy_file(ctx: &HostCtx, source: &str, destination: &str) -> Result<Map, Box<EvalAltResult>> {
    let src = Path::new(source);
    if !src.is_file() {
        return Err(script_error(
            "BZ-FILE",
            format!("cannot copy {source}: no such file"),
            "check the path",
        ));
    }
    let dest: PathBuf = {
        let d = Path::new(destination);
        if d.is_dir() || destination.ends_with('/') {
            d.join(src.file_name().unwrap_or_default())
        } else {
            d.to_path_buf()
        }
    };
    let shown = dest.display().to_string();
    if ctx.dry_run() {
        eprintln!("[dry-run] would copy {source} to {shown} and verify its SHA-256");
        let mut map = Map::new();
        map.insert("path".into(), Dynamic::from(shown));
        map.insert("dry_run".into(), Dynamic::from(true));
        return Ok(map);
    }
    let (bytes, sha) = sha256_of(src).map_err(|e| io_error("read", source, &e))?;
    if dest.exists() {
        let (_, existing) = sha256_of(&dest).map_err(|e| io_error("read", &shown, &e))?;
        if existing != sha {
            return Err(script_error(
                "BZ-FILE-EXISTS",
                format!("{shown} exists and differs from {source}"),
                "remove or rename it first; bizscript never overwrites a different file",
            ));
        }
    } else {
        let folder = dest.parent().unwrap_or(Path::new("."));
        let mut temp = tempfile::Builder::new()
            .prefix(".bizscript-copy-")
            .tempfile_in(folder)
            .map_err(|e| io_error("create a file in", &folder.display().to_string(), &e))?;
        let mut input = std::fs::File::open(src).map_err(|e| io_error("read", source, &e))?;
        std::io::copy(&mut input, temp.as_file_mut()).map_err(|e| io_error("write", &shown, &e))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| io_error("write", &shown, &e))?;
        temp.persist(&dest)
            .map_err(|e| io_error("rename into", &shown, &e.error))?;
        let (_, copied) = sha256_of(&dest).map_err(|e| io_error("read back", &shown, &e))?;
        if copied != sha {
            let _ = std::fs::remove_file(&dest);
            return Err(script_error(
                "BZ-COPY-MISMATCH",
                format!(
                    "the copy {shown} does not match {source} (SHA-256 differs); it was removed"
                ),
                "check the destination's storage and retry",
            ));
        }
    }
    let mut map = Map::new();
    map.insert("path".into(), Dynamic::from(shown));
    map.insert("bytes".into(), Dynamic::from(bytes as i64));
    map.insert("sha256".into(), Dynamic::from(sha));
    Ok(map)
}

fn text_of(map: &Map, key: &str) -> Option<String> {
    map.get(key).and_then(|v| v.clone().into_string().ok())
}

fn int_of(map: &Map, key: &str) -> Option<i64> {
    map.get(key).and_then(|v| v.as_int().ok())
}

fn remove_files(ctx: &HostCtx, paths: rhai::Array, opts: &Map) -> Result<Map, Box<EvalAltResult>> {
    super::options::check_keys("remove_files", opts, &["verified_by", "manifest"])?;
    let usage = |m: &str| {
        script_error(
            "BZ-USAGE",
            format!("remove_files: {m}"),
            REMOVE_FILES.signature,
        )
    };
    let paths: Vec<PathBuf> = paths
        .into_iter()
        .map(|p| {
            p.into_string()
                .map(PathBuf::from)
                .map_err(|_| usage("paths must be strings"))
        })
        .collect::<Result<_, _>>()?;
    let archive = opts
        .get("verified_by")
        .and_then(|v| v.clone().try_cast::<Map>())
        .ok_or_else(|| usage("`verified_by` (the map compress returned) is required: dump files are only removed once a verified archive holds them"))?;
    let manifest = match opts.get("manifest") {
        None => None,
        Some(v) if v.is_unit() => None,
        Some(v) => Some(
            v.clone()
                .into_string()
                .map_err(|_| usage("`manifest` must be a path"))?,
        ),
    };
    let entries: Vec<ArchivedEntry> = archive
        .get("entries")
        .and_then(|v| v.clone().into_typed_array::<Dynamic>().ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.try_cast::<Map>())
        .map(|e| ArchivedEntry {
            source: text_of(&e, "source").unwrap_or_default(),
            bytes_in: int_of(&e, "bytes_in"),
            file_id: text_of(&e, "file_id"),
            modified_ns: int_of(&e, "modified_ns"),
        })
        .collect();

    // Checks on the archive (and manifest) first: they hold for every file or for none.
    let mut whole_set_objection = None;
    let archive_path = text_of(&archive, "archive").unwrap_or_default();
    let sha256 = text_of(&archive, "sha256").unwrap_or_default();
    if archive.get("verified").and_then(|v| v.as_bool().ok()) != Some(true) {
        whole_set_objection = Some("the archive is not verified".to_string());
    } else {
        match std::fs::symlink_metadata(&archive_path) {
            Ok(m) if m.file_type().is_file() && i64::try_from(m.len()).ok() == int_of(&archive, "bytes_out") => {}
            Ok(m) => {
                whole_set_objection = Some(format!(
                    "the archive {archive_path} is not the file compress verified ({} bytes, not a regular file or another size)",
                    m.len()
                ))
            }
            Err(e) => whole_set_objection = Some(format!("the archive {archive_path} is gone: {e}")),
        }
    }
    if whole_set_objection.is_none() {
        if let Some(manifest) = &manifest {
            let recorded = std::fs::read_to_string(manifest)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|m| m["archive"]["sha256"].as_str().map(str::to_string));
            if recorded.as_deref() != Some(sha256.as_str()) || sha256.is_empty() {
                whole_set_objection = Some(format!(
                    "the manifest {manifest} is missing or does not describe the archive"
                ));
            }
        }
    }
    let mut not_removed = rhai::Array::new();
    let mut objections = Vec::new();
    for path in &paths {
        let objection = whole_set_objection
            .clone()
            .or_else(|| removal_objection(path, &entries));
        if let Some(reason) = objection {
            objections.push((path.clone(), reason));
        }
    }
    let note = |path: &Path, reason: &str| {
        let mut m = Map::new();
        m.insert("path".into(), Dynamic::from(path.display().to_string()));
        m.insert("reason".into(), Dynamic::from(reason.to_string()));
        Dynamic::from_map(m)
    };
    let mut removed = rhai::Array::new();
    if !objections.is_empty() {
        // A dump set is kept whole: one file that cannot go keeps them all.
        for path in &paths {
            let reason = objections
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| "kept with the rest of its dump set".to_string());
            eprintln!("remove_files: kept {}: {reason}", path.display());
            not_removed.push(note(path, &reason));
        }
    } else if ctx.dry_run() {
        for path in &paths {
            eprintln!(
                "[dry-run] would remove {} (the verified archive {archive_path} holds it)",
                path.display()
            );
        }
    } else {
        let mut failed = false;
        for path in &paths {
            if failed {
                not_removed.push(note(
                    path,
                    "kept: removing an earlier file of the set failed",
                ));
                continue;
            }
            match std::fs::remove_file(path) {
                Ok(()) => {
                    eprintln!(
                        "remove_files: removed {} (the verified archive {archive_path} holds it)",
                        path.display()
                    );
                    removed.push(Dynamic::from(path.display().to_string()));
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        if let Err(e) = sync_folder(dir) {
                            tracing::warn!(folder = %dir.display(), error = %e, "cannot sync the folder after a removal");
                        }
                    }
                }
                Err(e) => {
                    failed = true;
                    eprintln!("remove_files: could not remove {}: {e}", path.display());
                    not_removed.push(note(path, &format!("could not be removed: {e}")));
                }
            }
        }
    }
    let mut map = Map::new();
    map.insert("ok".into(), Dynamic::from(not_removed.is_empty()));
    map.insert("removed".into(), Dynamic::from_array(removed));
    map.insert("not_removed".into(), Dynamic::from_array(not_removed));
    Ok(map)
}
