//! Reading what a procedure needs to look at: `read_json` (a manifest, a report) and
//! `head_lines` (the first lines of a SQLFILE preview). Both refuse what is not a regular file
//! and read at most a bounded amount: a planted FIFO or a huge file cannot hang or exhaust a run.

use super::errors::script_error;
use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult};
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// The largest JSON file `read_json` reads (a manifest of a 1,000,000-table schema fits).
const JSON_LIMIT: u64 = 256 * 1024 * 1024;

pub const READ_JSON: PrimitiveDoc = PrimitiveDoc {
    name: "read_json",
    signature: "read_json(path: string) -> any",
    summary: "Reads a JSON file (a manifest bizscript wrote, a report) as a Rhai value: objects become maps, arrays arrays. Refuses what is not a regular file and files over 256 MiB. Fails with BZ-FILE (cannot read it) or BZ-JSON (not valid JSON, with the line and column).",
    example: r#"try {
    let m = read_json("/backup/BIZAGI_20250101_010000_ABCD.manifest.json");
    print(`${m.schema}: ${m.archive.sha256}`);
} catch (e) {
    print(`${e.code}: ${e.message}`);
}"#,
};

pub const HEAD_LINES: PrimitiveDoc = PrimitiveDoc {
    name: "head_lines",
    signature: "head_lines(path: string, n: int) -> Map",
    summary: "The first `n` lines of a text file (invalid UTF-8 shown with U+FFFD) and how many lines it has in all: #{ lines: [string], total: int }. Refuses what is not a regular file. For showing the start of a SQLFILE preview or a log without reading it into memory.",
    example: r#"try {
    let h = head_lines("/u01/dpump/BIZAGI_preview.sql", 10);
    for l in h.lines { print(l); }
    print(`(${h.total} lines in all)`);
} catch (e) {
    print(`${e.code}: ${e.message}`);
}"#,
};

pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    registration(&READ_JSON).register_into_engine(engine, read_json);
    registration(&HEAD_LINES).register_into_engine(engine, head_lines);
}

fn open_regular(path: &str) -> Result<std::fs::File, Box<EvalAltResult>> {
    let cannot = |e: std::io::Error| {
        script_error(
            "BZ-FILE",
            format!("cannot read {path}: {e}"),
            "check the path",
        )
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(script_error(
            "BZ-FILE",
            format!("{path} is not a regular file"),
            "give the path of a file",
        ));
    }
    std::fs::File::open(path).map_err(cannot)
}

fn read_json(path: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let mut text = String::new();
    open_regular(path)?
        .take(JSON_LIMIT + 1)
        .read_to_string(&mut text)
        .map_err(|e| script_error("BZ-FILE", format!("cannot read {path}: {e}"), ""))?;
    if text.len() as u64 > JSON_LIMIT {
        return Err(script_error(
            "BZ-FILE",
            format!("{path} is larger than 256 MiB: not a file bizscript wrote"),
            "",
        ));
    }
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        script_error(
            "BZ-JSON",
            format!("{path} is not valid JSON: {e}"),
            "give a file bizscript wrote, unchanged",
        )
    })?;
    rhai::serde::to_dynamic(&value)
}

fn head_lines(path: &str, n: i64) -> Result<Dynamic, Box<EvalAltResult>> {
    let mut reader = BufReader::new(open_regular(path)?);
    let mut lines = rhai::Array::new();
    let mut total: i64 = 0;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| script_error("BZ-FILE", format!("cannot read {path}: {e}"), ""))?;
        if read == 0 {
            break;
        }
        if total < n {
            let line = String::from_utf8_lossy(&buf);
            lines.push(Dynamic::from(
                line.trim_end_matches(['\n', '\r']).to_string(),
            ));
        }
        total += 1;
    }
    let mut map = rhai::Map::new();
    map.insert("lines".into(), Dynamic::from(lines));
    map.insert("total".into(), Dynamic::from(total));
    Ok(Dynamic::from_map(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_lines_counts_every_line_and_keeps_the_first_n() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.sql");
        std::fs::write(&p, "one\ntwo\r\nthree\nfour").unwrap();
        let m = head_lines(p.to_str().unwrap(), 2)
            .unwrap()
            .cast::<rhai::Map>();
        assert_eq!(m["total"].as_int().unwrap(), 4);
        let lines = m["lines"].clone().cast::<rhai::Array>();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].clone().into_string().unwrap(), "two");
    }

    #[test]
    fn a_folder_and_bad_json_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_json(dir.path().to_str().unwrap()).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let p = dir.path().join("m.json");
        std::fs::write(&p, "{ not json").unwrap();
        let e = read_json(p.to_str().unwrap()).unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
    }
}
