//! Where Oracle clients live on this machine: the ORACLE_HOME in use, every `expdp` on PATH,
//! the homes in `oratab`, and whether a folder is a full home or an Instant Client.
//!
//! These functions read the file system but run nothing (docs/oracle.md §8.1, 8.2).

use serde::Serialize;
use std::path::{Path, PathBuf};

/// The executable suffix of Oracle's tools on this platform (`.exe` on Windows).
pub const EXE_SUFFIX: &str = std::env::consts::EXE_SUFFIX;

/// The Data Pump and SQL*Plus executables a home must provide.
pub const TOOLS: &[&str] = &["expdp", "impdp", "sqlplus"];

/// One line of `/etc/oratab`: `SID:ORACLE_HOME:Y|N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OratabEntry {
    pub sid: String,
    pub home: PathBuf,
    /// The third field (`Y` = started by dbstart).
    pub autostart: bool,
}

/// Parses oratab text: comments (`#`) and blank lines skipped, malformed lines ignored.
pub fn parse_oratab(text: &str) -> Vec<OratabEntry> {
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next()?.trim();
            let mut fields = line.split(':');
            let sid = fields.next()?.trim();
            let home = fields.next()?.trim();
            if sid.is_empty() || home.is_empty() {
                return None;
            }
            let autostart = fields
                .next()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("Y"));
            Some(OratabEntry {
                sid: sid.to_string(),
                home: PathBuf::from(home),
                autostart,
            })
        })
        .collect()
}

/// Every `tool` executable on `path_var` (a PATH value), in PATH order, without duplicates.
pub fn tools_on_path(tool: &str, path_var: &str) -> Vec<PathBuf> {
    let name = format!("{tool}{EXE_SUFFIX}");
    let mut found: Vec<PathBuf> = Vec::new();
    for dir in std::env::split_paths(path_var) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let candidate = dir.join(&name);
        if candidate.is_file() && !found.iter().any(|f| same_file(f, &candidate)) {
            found.push(candidate);
        }
    }
    found
}

/// True when two paths name the same file (after resolving links, when possible).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// What kind of Oracle client a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeKind {
    /// A full client or database home: tools in `bin/`, messages in `rdbms/mesg/`.
    Full,
    /// An Instant Client folder: tools and libraries side by side, no `bin/`.
    InstantClient,
    /// Neither.
    NotAClient,
}

/// What a folder offers as an Oracle client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HomeLayout {
    pub dir: PathBuf,
    pub kind: HomeKind,
    /// The folder the executables are in (`dir/bin` or `dir`).
    pub bin: PathBuf,
    /// Tools from [`TOOLS`] that are missing.
    pub missing_tools: Vec<String>,
    /// True when Data Pump's message files (`rdbms/mesg/ude*.msb`) are present; Instant Client
    /// carries its messages inside its libraries, so this is true for it.
    pub has_messages: bool,
    /// True when SQL*Plus's message files (`sqlplus/mesg/sp1*.msb`) are present (Instant Client:
    /// always), without which sqlplus stops with SP2-0667.
    pub has_sqlplus_messages: bool,
}

impl HomeLayout {
    /// Inspects `dir`.
    pub fn inspect(dir: &Path) -> Self {
        let bin = dir.join("bin");
        let has_tool =
            |folder: &Path, tool: &str| folder.join(format!("{tool}{EXE_SUFFIX}")).is_file();
        let kind = if TOOLS.iter().any(|t| has_tool(&bin, t)) {
            HomeKind::Full
        } else if has_tool(dir, "expdp") || is_instant_client(dir) {
            HomeKind::InstantClient
        } else {
            HomeKind::NotAClient
        };
        let tools_dir = match kind {
            HomeKind::InstantClient => dir.to_path_buf(),
            _ => bin,
        };
        let missing_tools = TOOLS
            .iter()
            .filter(|t| !has_tool(&tools_dir, t))
            .map(|t| format!("{t}{EXE_SUFFIX}"))
            .collect();
        let messages = |product: &str, prefix: &str| match kind {
            HomeKind::Full => has_message_file(&dir.join(product).join("mesg"), prefix),
            HomeKind::InstantClient => true,
            HomeKind::NotAClient => false,
        };
        let has_messages = messages("rdbms", "ude");
        let has_sqlplus_messages = messages("sqlplus", "sp1");
        Self {
            dir: dir.to_path_buf(),
            kind,
            bin: tools_dir,
            missing_tools,
            has_messages,
            has_sqlplus_messages,
        }
    }

    /// The path of `tool` in this home.
    pub fn tool(&self, tool: &str) -> PathBuf {
        self.bin.join(format!("{tool}{EXE_SUFFIX}"))
    }
}

/// Instant Client: the OCI library sits directly in the folder.
fn is_instant_client(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().to_lowercase();
                name.starts_with("libclntsh.") || name == "oci.dll"
            })
        })
        .unwrap_or(false)
}

/// A message file `<prefix><lang>.msb` in `mesg` (`udeus.msb` is Data Pump export's English one).
fn has_message_file(mesg: &Path, prefix: &str) -> bool {
    std::fs::read_dir(mesg)
        .map(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().to_lowercase();
                name.starts_with(prefix) && name.ends_with(".msb")
            })
        })
        .unwrap_or(false)
}

/// Folders on a library path (LD_LIBRARY_PATH, PATH on Windows) that hold an Oracle client
/// library: more than one, or one that is not the chosen home's, is a conflict (docs/oracle.md §8.2).
pub fn oracle_library_dirs(library_path: &str) -> Vec<PathBuf> {
    std::env::split_paths(library_path)
        .filter(|d| !d.as_os_str().is_empty() && is_instant_client(d))
        .collect()
}

/// One Oracle home registered under `HKLM\SOFTWARE\ORACLE\KEY_<HomeName>` (Windows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryHome {
    /// The registry key, e.g. `HKEY_LOCAL_MACHINE\SOFTWARE\ORACLE\KEY_OraClient19Home1`.
    pub key: String,
    pub oracle_home: Option<String>,
    pub nls_lang: Option<String>,
}

impl RegistryHome {
    /// True when this is the key `oracle.key` names (`SOFTWARE\ORACLE\KEY_...`), compared
    /// without the hive prefix and case.
    pub fn is_key(&self, oracle_key: &str) -> bool {
        let wanted = oracle_key.trim().trim_matches('\\').to_ascii_uppercase();
        !wanted.is_empty() && self.key.to_ascii_uppercase().ends_with(&wanted)
    }
}

/// Parses the output of `reg query HKLM\SOFTWARE\ORACLE /s`: key lines start with `HKEY_`,
/// value lines are `    NAME    REG_SZ    DATA`. Only keys holding ORACLE_HOME or NLS_LANG count.
pub fn parse_reg_query(text: &str) -> Vec<RegistryHome> {
    let mut homes: Vec<RegistryHome> = Vec::new();
    let mut current: Option<RegistryHome> = None;
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with("HKEY_") {
            homes.extend(current.take());
            current = Some(RegistryHome {
                key: line.to_string(),
                oracle_home: None,
                nls_lang: None,
            });
            continue;
        }
        let mut fields = line.trim_start().splitn(3, "    ");
        let (Some(name), Some(kind), Some(data)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if !kind.trim().starts_with("REG_") {
            continue;
        }
        if let Some(home) = current.as_mut() {
            let data = Some(data.trim().to_string()).filter(|d| !d.is_empty());
            match name.trim().to_ascii_uppercase().as_str() {
                "ORACLE_HOME" => home.oracle_home = data,
                "NLS_LANG" => home.nls_lang = data,
                _ => {}
            }
        }
    }
    homes.extend(current);
    homes.retain(|h| h.oracle_home.is_some() || h.nls_lang.is_some());
    homes
}

/// The NLS_LANG the registry gives the home in use: the key `ORACLE_HOME\bin\oracle.key` names
/// (`oracle_key`), else the key whose ORACLE_HOME is `oracle_home` (docs/oracle.md §7.1).
pub fn registry_nls_lang(
    homes: &[RegistryHome],
    oracle_home: Option<&Path>,
    oracle_key: Option<&str>,
) -> Option<String> {
    let by_key = oracle_key.and_then(|key| homes.iter().find(|h| h.is_key(key)));
    let by_home = || {
        let wanted = oracle_home?
            .to_string_lossy()
            .trim_end_matches('\\')
            .to_ascii_uppercase();
        homes.iter().find(|h| {
            h.oracle_home
                .as_deref()
                .is_some_and(|p| p.trim_end_matches('\\').to_ascii_uppercase() == wanted)
        })
    };
    by_key.or_else(by_home)?.nls_lang.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"").unwrap();
    }

    #[test]
    fn parses_reg_query_output() {
        let text = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\ORACLE\r\n    inst_loc    REG_SZ    C:\\Program Files\\Oracle\\Inventory\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\ORACLE\\KEY_OraClient19Home1\r\n    ORACLE_HOME    REG_SZ    C:\\app\\client\\product\\19.0.0\\client_1\r\n    NLS_LANG    REG_SZ    MEXICAN SPANISH_MEXICO.WE8MSWIN1252\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\ORACLE\\KEY_OraDB19Home1\r\n    ORACLE_HOME    REG_SZ    D:\\db\\home\r\n";
        let homes = parse_reg_query(text);
        assert_eq!(homes.len(), 2);
        assert_eq!(
            homes[0].oracle_home.as_deref(),
            Some("C:\\app\\client\\product\\19.0.0\\client_1")
        );
        assert_eq!(
            homes[0].nls_lang.as_deref(),
            Some("MEXICAN SPANISH_MEXICO.WE8MSWIN1252")
        );
        assert!(homes[0].is_key("SOFTWARE\\ORACLE\\KEY_OraClient19Home1\r\n"));
        assert!(!homes[1].is_key("SOFTWARE\\ORACLE\\KEY_OraClient19Home1"));
        assert_eq!(homes[1].nls_lang, None);
        assert!(!homes[0].is_key(""));
    }

    #[test]
    fn the_registry_nls_lang_is_the_home_in_use() {
        let homes = vec![
            RegistryHome {
                key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\ORACLE\\KEY_A".into(),
                oracle_home: Some("C:\\a".into()),
                nls_lang: Some("AMERICAN_AMERICA.WE8MSWIN1252".into()),
            },
            RegistryHome {
                key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\ORACLE\\KEY_B".into(),
                oracle_home: Some("C:\\b".into()),
                nls_lang: Some("SPANISH_SPAIN.WE8MSWIN1252".into()),
            },
        ];
        let b = Path::new("c:\\B\\");
        assert_eq!(
            registry_nls_lang(&homes, Some(b), None).as_deref(),
            Some("SPANISH_SPAIN.WE8MSWIN1252")
        );
        // oracle.key wins over the folder name.
        assert_eq!(
            registry_nls_lang(&homes, Some(b), Some("SOFTWARE\\ORACLE\\KEY_A")).as_deref(),
            Some("AMERICAN_AMERICA.WE8MSWIN1252")
        );
        assert_eq!(
            registry_nls_lang(&homes, Some(Path::new("C:\\c")), None),
            None
        );
        assert_eq!(registry_nls_lang(&homes, None, None), None);
    }

    #[test]
    fn parses_oratab() {
        let text = "# comment\n\nORCL:/u01/app/oracle/product/19c/dbhome_1:Y\n+ASM:/u01/grid:N # grid\nbroken\n:/x:N\n";
        let entries = parse_oratab(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].sid, "ORCL");
        assert_eq!(
            entries[0].home,
            PathBuf::from("/u01/app/oracle/product/19c/dbhome_1")
        );
        assert!(entries[0].autostart);
        assert!(!entries[1].autostart);
    }

    #[test]
    fn recognises_full_homes_instant_clients_and_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let full = tmp.path().join("full");
        for t in TOOLS {
            touch(&full.join("bin").join(format!("{t}{EXE_SUFFIX}")));
        }
        touch(&full.join("rdbms/mesg/udeus.msb"));
        let layout = HomeLayout::inspect(&full);
        assert_eq!(layout.kind, HomeKind::Full);
        assert!(layout.missing_tools.is_empty());
        assert!(layout.has_messages);
        assert!(!layout.has_sqlplus_messages);
        touch(&full.join("sqlplus/mesg/sp1us.msb"));
        assert!(HomeLayout::inspect(&full).has_sqlplus_messages);

        let ic = tmp.path().join("instantclient_19_27");
        touch(&ic.join(format!("expdp{EXE_SUFFIX}")));
        touch(&ic.join("libclntsh.so.19.1"));
        let layout = HomeLayout::inspect(&ic);
        assert_eq!(layout.kind, HomeKind::InstantClient);
        assert_eq!(
            layout.missing_tools,
            [format!("impdp{EXE_SUFFIX}"), format!("sqlplus{EXE_SUFFIX}")]
        );
        assert_eq!(layout.tool("expdp"), ic.join(format!("expdp{EXE_SUFFIX}")));

        let no_messages = tmp.path().join("nomesg");
        touch(&no_messages.join("bin").join(format!("expdp{EXE_SUFFIX}")));
        assert!(!HomeLayout::inspect(&no_messages).has_messages);
        assert_eq!(HomeLayout::inspect(tmp.path()).kind, HomeKind::NotAClient);
    }

    #[test]
    fn lists_every_expdp_on_path_once() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        touch(&a.join(format!("expdp{EXE_SUFFIX}")));
        touch(&b.join(format!("expdp{EXE_SUFFIX}")));
        let path = std::env::join_paths([&a, &tmp.path().join("none"), &b, &a]).unwrap();
        let found = tools_on_path("expdp", &path.to_string_lossy());
        assert_eq!(
            found,
            [
                a.join(format!("expdp{EXE_SUFFIX}")),
                b.join(format!("expdp{EXE_SUFFIX}"))
            ]
        );
    }

    #[test]
    fn finds_client_libraries_on_a_library_path() {
        let tmp = tempfile::tempdir().unwrap();
        let ic = tmp.path().join("ic");
        touch(&ic.join("libclntsh.so"));
        let path = std::env::join_paths([tmp.path().to_path_buf(), ic.clone()]).unwrap();
        assert_eq!(oracle_library_dirs(&path.to_string_lossy()), [ic]);
    }
}
