//! Where script text comes from: files on disk, the embedded standard library, the shipped
//! scripts. The same table serves the module resolver and the error renderer, so an error inside
//! an embedded module shows that module's own lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The standard library modules embedded in the binary: `import "bizagi" as bizagi;`.
pub const STDLIB: &[(&str, &str)] = &[
    ("bizagi", include_str!("../../stdlib/bizagi.rhai")),
    (
        "bizagi_restore",
        include_str!("../../stdlib/bizagi_restore.rhai"),
    ),
];

/// The scripts shipped in the binary: `bizscript run bizagi_export.rhai` works from any folder.
pub const SHIPPED_SCRIPTS: &[(&str, &str)] = &[
    (
        "bizagi_export.rhai",
        include_str!("../../scripts/bizagi_export.rhai"),
    ),
    (
        "bizagi_restore.rhai",
        include_str!("../../scripts/bizagi_restore.rhai"),
    ),
];

/// The source id Rhai reports for an embedded module (also how errors name it).
pub fn stdlib_id(module: &str) -> String {
    format!("<stdlib>/{module}.rhai")
}

/// The source id of a shipped script.
pub fn shipped_id(name: &str) -> String {
    format!("<shipped>/{name}")
}

/// The text of an embedded stdlib module.
pub fn stdlib_module(name: &str) -> Option<&'static str> {
    STDLIB.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The text of a shipped script.
pub fn shipped_script(name: &str) -> Option<&'static str> {
    SHIPPED_SCRIPTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// A script ready to compile: its text, the id errors use, and its folder (for relative imports).
#[derive(Debug, Clone)]
pub struct ScriptSource {
    /// Shown in errors: the path as the user gave it, or `<shipped>/NAME`.
    pub id: String,
    /// The script's text.
    pub text: String,
    /// The folder relative imports resolve against (`None` for shipped scripts and the REPL).
    pub dir: Option<PathBuf>,
}

/// Why a script could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("script {path} not found (and it is not one of the shipped scripts: {shipped})")]
    NotFound { path: String, shipped: String },
    #[error("cannot read script {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

impl ScriptSource {
    /// Loads `path`; when no such file exists and the name is a shipped script, the embedded copy.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let dir = path
                .parent()
                .map(|p| {
                    if p.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        p
                    }
                })
                .map(Path::to_path_buf);
            return Ok(Self {
                id: path.display().to_string(),
                text: strip_shebang(text),
                dir,
            });
        }
        let name = path.to_string_lossy();
        if let Some(text) = shipped_script(&name) {
            return Ok(Self {
                id: shipped_id(&name),
                text: text.to_string(),
                dir: None,
            });
        }
        Err(LoadError::NotFound {
            path: path.display().to_string(),
            shipped: SHIPPED_SCRIPTS
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// A script given as text (REPL lines, doc examples).
    pub fn inline(id: &str, text: &str) -> Self {
        Self {
            id: id.to_string(),
            text: text.to_string(),
            dir: None,
        }
    }
}

/// Keeps `#!` lines out of the parser but keeps line numbers right.
fn strip_shebang(text: String) -> String {
    if text.starts_with("#!") {
        let end = text.find('\n').unwrap_or(text.len());
        format!("//{}", &text[2.min(end)..])
    } else {
        text
    }
}

/// Source texts by id, for rendering errors against the right lines.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    texts: Arc<Mutex<BTreeMap<String, Arc<str>>>>,
}

impl SourceMap {
    /// An empty map (embedded modules are always known).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the text behind `id`.
    pub fn insert(&self, id: &str, text: &str) {
        if let Ok(mut texts) = self.texts.lock() {
            texts.insert(id.to_string(), Arc::from(text));
        }
    }

    /// The text behind `id`: recorded, embedded, or (for imported files) read from disk.
    pub fn get(&self, id: &str) -> Option<Arc<str>> {
        if let Some(text) = self.texts.lock().ok().and_then(|t| t.get(id).cloned()) {
            return Some(text);
        }
        if let Some((name, text)) = STDLIB.iter().find(|(n, _)| stdlib_id(n) == id) {
            let _ = name;
            return Some(Arc::from(*text));
        }
        if let Some((_, text)) = SHIPPED_SCRIPTS.iter().find(|(n, _)| shipped_id(n) == id) {
            return Some(Arc::from(*text));
        }
        std::fs::read_to_string(id).ok().map(Arc::from)
    }
}
