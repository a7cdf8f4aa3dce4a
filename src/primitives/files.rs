//! Small, safe file operations site scripts need around the procedure: `file_exists`,
//! `write_json`, `append_line`, `copy_file`. Writes go to a temporary name and are renamed;
//! copies are verified by checksum; `--dry-run` only says what would happen.

use super::errors::script_error;
use super::{registration, PrimitiveDoc};
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
    signature: "write_json(path: string, value: any)",
    summary: "Writes `value` as pretty JSON to `path`, through a temporary file renamed into place, so a reader never sees half a file. Secrets are written as `***`. Under `--dry-run` it only says what it would write.",
    example: r#"write_json("manifest.json", #{ schema: "BIZAGI", verdict: "ok" });"#,
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
    let json = to_json(value);
    if ctx.dry_run() {
        eprintln!("[dry-run] would write {path}");
        return Ok(());
    }
    crate::host::report::write_report(Path::new(path), &json)
        .map_err(|e| io_error("write", path, &e))
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
