//! The REPL's history: where it lives and what never goes into it.
//!
//! The file is `$XDG_DATA_HOME/bizscript/history` (the platform's data folder elsewhere), never
//! the working folder, where a backup directory shared with other people is a likely place to
//! start. A line that mentions where a password comes from (`secret_env`, `secret_prompt`,
//! `secret_file`, `password`) or holds the value of a Secret seen in the session is never saved:
//! a history file is the classic way credentials leak from a console.

use crate::secret::Secret;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Words that mark a line as handling a credential (compared case-insensitively).
pub const SECRET_MARKERS: &[&str] = &["secret_env", "secret_prompt", "secret_file", "password"];

/// How many entries the history keeps.
pub const MAX_ENTRIES: usize = 1000;

/// The history file: `<data dir>/bizscript/history`, or `None` when the platform has no data
/// folder (the REPL then keeps history in memory only).
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("bizscript").join("history"))
}

/// The secrets seen in a session, to keep their values out of the history.
#[derive(Debug, Default)]
pub struct SecretValues {
    known: Vec<Secret>,
}

impl SecretValues {
    /// Remembers `secret` (once).
    pub fn remember(&mut self, secret: &Secret) {
        if secret.is_empty() || self.known.iter().any(|k| k.expose() == secret.expose()) {
            return;
        }
        self.known.push(secret.clone());
    }

    /// True when `line` holds the value of a remembered secret.
    pub fn appear_in(&self, line: &str) -> bool {
        self.known.iter().any(|s| line.contains(s.expose()))
    }

    /// How many distinct secrets were seen.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// True when none was seen.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}

/// Whether `line` may be written to the history file: it names no secret source (the markers,
/// or any primitive that returns a `Secret`) and holds no secret value.
pub fn may_save(line: &str, secrets: &SecretValues) -> bool {
    let lower = line.to_lowercase();
    let sources = crate::primitives::all_docs()
        .into_iter()
        .filter(|doc| doc.signature.contains("-> Secret"))
        .map(|doc| doc.name);
    let mentions_source = SECRET_MARKERS
        .iter()
        .copied()
        .chain(sources)
        .any(|marker| lower.contains(marker));
    !mentions_source && !secrets.appear_in(line)
}

/// Writes `entries` to `path` in rustyline's format (`#V2`, then one entry per line with `\n`
/// and `\` escaped), through a 0600 temporary file renamed over the old one: an interrupted
/// write never leaves half a history, and other users cannot read it.
pub fn save<'a>(path: &Path, entries: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".history-")
        .tempfile_in(dir)?;
    {
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        out.write_all(b"#V2\n")?;
        for entry in entries {
            let escaped = entry.replace('\\', "\\\\").replace('\n', "\\n");
            out.write_all(escaped.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Creates the history folder readable by its owner only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_naming_a_secret_source_are_not_saved() {
        let none = SecretValues::default();
        assert!(!may_save(
            "let pw = secret_env(\"BIZSCRIPT_PASSWORD\");",
            &none
        ));
        assert!(!may_save("let pw = secret_file(\"pw.txt\")", &none));
        assert!(!may_save("let p = secret_prompt(\"db\")", &none));
        assert!(!may_save("let Password = \"x\";", &none));
        // Any primitive returning a Secret counts, not only the ones listed today.
        assert!(!may_save("let pw = secret_for_simulation();", &none));
        assert!(may_save("let n = 1 + 2;", &none));
    }

    #[test]
    fn lines_holding_a_secret_value_are_not_saved() {
        let mut seen = SecretValues::default();
        seen.remember(&Secret::new("Tiger#42", "env:X"));
        seen.remember(&Secret::new("Tiger#42", "env:Y"));
        assert_eq!(seen.len(), 1);
        assert!(!may_save("connect(\"scott\", \"Tiger#42\")", &seen));
        assert!(may_save("connect(\"scott\")", &seen));
    }

    #[test]
    fn saved_history_is_private_and_rustyline_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bizscript").join("history");
        save(&path, ["1 + 1", "fn f(x) {\n  x \\ 2\n}"]).unwrap();
        save(&path, ["1 + 1", "fn f(x) {\n  x \\ 2\n}", "f(4)"]).unwrap();

        let mut history = rustyline::history::FileHistory::new();
        rustyline::history::History::load(&mut history, &path).unwrap();
        let entries: Vec<&String> = history.iter().collect();
        assert_eq!(entries, ["1 + 1", "fn f(x) {\n  x \\ 2\n}", "f(4)"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "history readable by others: {mode:o}");
            let dir_mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dir_mode & 0o077, 0);
        }
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["history"]);
    }
}
