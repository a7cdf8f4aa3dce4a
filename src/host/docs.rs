//! `bizscript doc`: the primitives' signatures, docs and examples (the same text as the REPL's
//! `:help` and the `.d.rhai` definitions), and the guide to writing a site script.

use crate::host::engine::{EngineBuilder, PrintTarget};
use crate::host::sources::SourceMap;
use crate::primitives::runtime::HostCtx;
use crate::primitives::{all_docs, PrimitiveDoc};
use std::fmt::Write;
use std::path::Path;

/// The guide shown by `bizscript doc site-scripts`.
pub const SITE_SCRIPTS_GUIDE: &str = include_str!("site_scripts.md");

/// One primitive's documentation as text.
pub fn render_doc(doc: &PrimitiveDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", doc.signature);
    let _ = writeln!(out);
    for line in wrap(doc.summary, 92) {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "    Example:");
    for line in doc.example.lines() {
        let _ = writeln!(out, "        {line}");
    }
    out
}

/// A shipped procedure's parameter table (`bizscript doc bizagi_export`), when `name` is one.
pub fn render_procedure(name: &str) -> Option<String> {
    let table = crate::primitives::procedure_params::table(name)?;
    // `bizagi` (the module) shows bizagi_export's table.
    let shown = match name.trim_end_matches(".rhai") {
        "bizagi" => "bizagi_export",
        other => other,
    };
    Some(crate::primitives::procedure_params::render_table(
        shown, table,
    ))
}

/// Every primitive, in the order of the procedure.
pub fn render_all() -> String {
    let mut out = String::from(
        "bizscript primitives (`bizscript doc NAME` for one; `bizscript doc site-scripts` for writing your own script)\n\n",
    );
    for doc in all_docs() {
        out.push_str(&render_doc(doc));
        out.push('\n');
    }
    out
}

/// The names `doc` knows: primitives and guide topics.
pub fn topics() -> Vec<&'static str> {
    let mut names: Vec<&str> = all_docs().iter().map(|d| d.name).collect();
    names.push("site-scripts");
    names.extend_from_slice(crate::primitives::procedure_params::PROCEDURES);
    names.push("report-schema");
    names
}

/// Writes `.d.rhai` definition files for editors into `dir`.
pub fn write_definitions(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let engine = EngineBuilder::new(HostCtx::for_tests(), SourceMap::new())
        .print(PrintTarget::Discard)
        .build();
    engine
        .definitions()
        .include_standard_packages(false)
        .write_to_dir(dir)
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
