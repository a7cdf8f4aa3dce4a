//! The layering the project relies on, checked on the source text: the Oracle knowledge
//! (`src/oracle/`), the process runner (`src/process/`) and the archive code (`src/archive/`)
//! are plain Rust that another front end can reuse, so they import neither the Rhai engine nor
//! the host nor the primitives (the Rhai glue).

use std::path::{Path, PathBuf};

const LAYERS: &[&str] = &["src/oracle", "src/process", "src/archive"];
const FORBIDDEN: &[&str] = &["rhai", "crate::host", "crate::primitives"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The forbidden paths a line of code names (comments are skipped).
fn offences(line: &str) -> Vec<&'static str> {
    let code = line.split("//").next().unwrap_or("");
    FORBIDDEN
        .iter()
        .copied()
        .filter(|word| {
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            code.match_indices(word).any(|(at, _)| {
                !ident(code[..at].chars().next_back())
                    && !ident(code[at + word.len()..].chars().next())
            })
        })
        .collect()
}

#[test]
fn the_reusable_layers_import_neither_rhai_nor_the_host_nor_the_primitives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut files = Vec::new();
    for layer in LAYERS {
        rust_files(&root.join(layer), &mut files);
    }
    assert!(files.len() > 20, "only {} source files found", files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for word in offences(line) {
                found.push(format!(
                    "{}:{}: uses `{word}`: {}",
                    file.strip_prefix(root).unwrap_or(file).display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(found.is_empty(), "layering broken:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_an_import() {
    assert_eq!(offences("use rhai::Engine;"), ["rhai"]);
    assert_eq!(offences("    let e = rhai::Dynamic::UNIT;"), ["rhai"]);
    assert_eq!(
        offences("use crate::host::context::HostCtx;"),
        ["crate::host"]
    );
    assert_eq!(
        offences("use crate::primitives::options::nearest;"),
        ["crate::primitives"]
    );
    assert!(offences("// rhai is not used here").is_empty());
    assert!(offences("let rhaix = 1; let host = 2;").is_empty());
    assert!(offences("use crate::hosting::x;").is_empty());
}
