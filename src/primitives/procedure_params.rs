//! The shipped procedure's parameters (`--set KEY=VALUE`), in one table: what
//! `bizscript doc bizagi_export` lists, what the README shows, and what the procedure checks
//! before its first step. `check_parameters` refuses an unknown name, a value of the wrong type
//! or out of range, and a value that would reach a parameter file or SQL unsafely, with a
//! `BZ-PARAMETER-*` error (exit 2) before anything runs.
//!
//! A site script adds its own parameters by declaring them in the same terms (type, default,
//! meaning): `bizagi::start(params, #{ share: #{ type: "local_folder", default_value: "share",
//! meaning: "where the archive is copied" } })`.

use super::errors::{misuse, script_error};
use super::options::nearest;
use super::{registration, PrimitiveDoc};
use crate::oracle::connection::{check_connect_identifier, shown_connect};
use crate::oracle::datapump_values::file_name;
use crate::oracle::identifier::{Identifier, NameLimit};
use crate::primitives::runtime::HostCtx;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use std::path::Path;
use std::sync::Arc;

pub const PROCEDURE_PARAMETERS: PrimitiveDoc = PrimitiveDoc {
    name: "procedure_parameters",
    signature: "procedure_parameters(procedure: string) -> Array",
    summary: "The parameters of a shipped procedure (today `bizagi_export`), as `bizscript doc bizagi_export` lists them: an array of #{ name, type, allowed, default_value, meaning, required } (`default_value` in words) in the table's order. `type` is one of connect, identifier, server_path, local_folder, file_name, integer (with `min`, `max`), bool, text.",
    example: r#"for p in procedure_parameters("bizagi_export") {
    print(`${p.name} (${p.type}, default ${p.default_value}): ${p.meaning}`);
}"#,
};

pub const CHECK_PARAMETERS: PrimitiveDoc = PrimitiveDoc {
    name: "check_parameters",
    signature: "check_parameters(procedure: string, params: Map) -> Map\ncheck_parameters(procedure: string, params: Map, site: Map) -> Map",
    summary: "Checks `params` (the `--set` values) against a procedure's parameter table, plus the site script's own parameters declared in `site` as NAME: #{ type, default_value, meaning[, min, max] } (`default` is a Rhai keyword), and returns every parameter's value: the one given, else the default (under --simulate, the simulation's default where there is one), else `()`. Refused before anything runs, each with a `BZ-PARAMETER-*` code (exit 2) naming the parameter: an unknown name (with the nearest known one), a value of the wrong type (`parallel=two`, `compress=0`), out of range (`parallel` 1 to 64, `keep` at least 1), a connect string that is not Easy Connect or a TNS alias, an Oracle name or file name that would break a parameter file, a local folder that does not exist here, and a required parameter left out.",
    example: r#"let p = check_parameters("bizagi_export", #{ schema: "BIZAGI", parallel: 2 },
    #{ share: #{ type: "text", default_value: "/mnt/backup", meaning: "where the archive is copied" } });
print(`${p.schema}: parallel ${p.parallel}, compress ${p.compress}, share ${p.share}`);"#,
};

/// What a parameter's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An Easy Connect string or a TNS alias (see [`check_connect_identifier`]).
    Connect,
    /// An Oracle name (user, schema, DIRECTORY object), as Oracle's identifier rules allow.
    Identifier,
    /// An absolute folder path on the database server (not checked from here).
    ServerPath,
    /// A folder that exists on this machine.
    LocalFolder,
    /// A regular file that exists on this machine (an archive).
    LocalFile,
    /// A Data Pump file name: no path, nothing a parameter file would misread.
    FileName,
    /// A whole number in a range.
    Integer { min: i64, max: i64 },
    /// true or false.
    Bool,
    /// Free text on one line.
    Text,
}

impl Kind {
    /// The type's name in the table and in site declarations.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Connect => "connect",
            Kind::Identifier => "identifier",
            Kind::ServerPath => "server_path",
            Kind::LocalFolder => "local_folder",
            Kind::LocalFile => "local_file",
            Kind::FileName => "file_name",
            Kind::Integer { .. } => "integer",
            Kind::Bool => "bool",
            Kind::Text => "text",
        }
    }

    /// The allowed values, in words.
    pub fn allowed(self) -> String {
        match self {
            Kind::Connect => "Easy Connect //host[:port][/service] or a TNS alias".to_string(),
            Kind::Identifier => "an Oracle name (letters, digits, _ $ #)".to_string(),
            Kind::ServerPath => "an absolute path on the database server".to_string(),
            Kind::LocalFolder => "an existing folder on this machine (absolute path)".to_string(),
            Kind::LocalFile => "an existing file on this machine (absolute path)".to_string(),
            Kind::FileName => "a file name without a folder".to_string(),
            Kind::Integer { min, max } if max == i64::MAX => format!("a whole number >= {min}"),
            Kind::Integer { min, max } => format!("a whole number from {min} to {max}"),
            Kind::Bool => "true or false".to_string(),
            Kind::Text => "text on one line".to_string(),
        }
    }
}

/// A default value.
#[derive(Debug, Clone, Copy)]
pub enum Default {
    /// No default: `()` (the parameter is off or computed by the procedure).
    None,
    Int(i64),
    Bool(bool),
    Text(&'static str),
}

impl Default {
    fn value(self) -> Dynamic {
        match self {
            Default::None => Dynamic::UNIT,
            Default::Int(i) => Dynamic::from(i),
            Default::Bool(b) => Dynamic::from(b),
            Default::Text(t) => Dynamic::from(t.to_string()),
        }
    }
}

/// One row of a procedure's table.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    /// The value used when the parameter is not given.
    pub default: Default,
    /// The default in words (for `doc`), when it is computed or depends on the run.
    pub default_text: &'static str,
    /// The value under `--simulate`, where it differs (so every parameter has a working one).
    pub simulate_default: Option<&'static str>,
    /// A run cannot start without it (outside `--simulate`).
    pub required: bool,
    pub meaning: &'static str,
}

const fn param(name: &'static str, kind: Kind, default: Default, meaning: &'static str) -> Param {
    Param {
        name,
        kind,
        default,
        default_text: "",
        simulate_default: None,
        required: false,
        meaning,
    }
}

/// The parameters of `bizagi_export` (`scripts/bizagi_export.rhai`, `stdlib/bizagi.rhai`).
pub const BIZAGI_EXPORT: &[Param] = &[
    Param {
        default_text: "the local default (ORACLE_SID / TWO_TASK); under --simulate //localhost:1521/BIZAGIPDB",
        simulate_default: Some("//localhost:1521/BIZAGIPDB"),
        ..param("connect", Kind::Connect, Default::None, "the database: an Easy Connect string //host:port/service or a TNS alias")
    },
    param("user", Kind::Identifier, Default::Text("BizAgiAdmon"), "the Oracle user that runs the export (its password: BIZSCRIPT_PASSWORD, else a prompt)"),
    Param {
        default_text: "required; under --simulate BIZAGI",
        simulate_default: Some("BIZAGI"),
        required: true,
        ..param("schema", Kind::Identifier, Default::None, "the Bizagi project's Oracle schema to export")
    },
    param("directory", Kind::Identifier, Default::Text("BizAgiBackupPath"), "the Data Pump DIRECTORY object the dump and log are written into"),
    Param {
        default_text: "none (the directory must exist)",
        ..param("path", Kind::ServerPath, Default::None, "the folder on the database server: given, the DIRECTORY is created (or checked) with this path")
    },
    LOCAL_PATH,
    Param {
        default_text: "SCHEMA_<timestamp>.dmp (SCHEMA_<timestamp>_%U.dmp with parallel > 1)",
        ..param("dumpfile", Kind::FileName, Default::None, "the dump file name (%U numbers the files of a parallel export)")
    },
    Param {
        default_text: "SCHEMA_<timestamp>.log",
        ..param("logfile", Kind::FileName, Default::None, "the server-side log file name")
    },
    param("parallel", Kind::Integer { min: 1, max: 64 }, Default::Int(1), "the number of Data Pump workers"),
    param("compress", Kind::Bool, Default::Bool(true), "make the verified ZIP archive and the manifest (false: the run says plainly that nothing was archived)"),
    param("remove_dump", Kind::Bool, Default::Bool(false), "remove the dump files once the archive holding them is verified"),
    Param {
        default_text: "none (retention off)",
        ..param("keep", Kind::Integer { min: 1, max: i64::MAX }, Default::None, "keep the newest N verified archives of the schema, remove older ones")
    },
    Param {
        default_text: "the dump's folder",
        ..param("archive_dir", Kind::LocalFolder, Default::None, "the folder on this machine the archive and manifest are written into")
    },
];

/// `local_path`, the same in every procedure: the site's mount of the server's folder.
const LOCAL_PATH: Param = Param {
    default_text: "none (the directory's path, when it exists on this machine)",
    ..param("local_path", Kind::LocalFolder, Default::None, "where this machine sees the server's directory (an NFS or SMB mount), when the database runs on another host")
};

/// `directory` of the restore and the verify-restore.
const IMPORT_DIRECTORY: Param = param(
    "directory",
    Kind::Identifier,
    Default::Text("BizAgiBackupPath"),
    "the Data Pump DIRECTORY object the dump is unpacked into and the import reads",
);

/// The shipped procedures with a parameter table.
pub const PROCEDURES: &[&str] = &["bizagi_export", "bizagi_restore", "bizagi_verify"];

/// The parameters of `bizagi_restore` (`scripts/bizagi_restore.rhai`).
pub const BIZAGI_RESTORE: &[Param] = &[
    Param {
        default_text: "none: give archive, or dumpfile for a dump already in the directory",
        ..param("archive", Kind::LocalFile, Default::None, "the bizscript archive (.zip) to restore; its manifest is the file beside it (.manifest.json)")
    },
    Param {
        default_text: "none",
        ..param("dumpfile", Kind::FileName, Default::None, "instead of an archive: the dump file already in the directory (%U for a set)")
    },
    Param {
        default_text: "the local default (ORACLE_SID / TWO_TASK); under --simulate //localhost:1521/BIZAGIPDB",
        simulate_default: Some("//localhost:1521/BIZAGIPDB"),
        ..param("connect", Kind::Connect, Default::None, "the target database: an Easy Connect string //host:port/service or a TNS alias")
    },
    param("user", Kind::Identifier, Default::Text("BizAgiAdmon"), "the Oracle user that runs the import (its password: BIZSCRIPT_PASSWORD, else a prompt); Bizagi's restore needs it to exist beforehand"),
    Param {
        default_text: "the manifest's schema; under --simulate BIZAGI_RESTORE (the simulated database holds BIZAGI)",
        simulate_default: Some("BIZAGI_RESTORE"),
        ..param("schema", Kind::Identifier, Default::None, "the target schema (REMAP_SCHEMA from the manifest's when they differ)")
    },
    IMPORT_DIRECTORY,
    LOCAL_PATH,
    Param {
        default_text: "none",
        ..param("remap_tablespace", Kind::Text, Default::None, "OLD:NEW[,OLD:NEW...]: tablespaces of the source that are named differently on the target")
    },
    Param {
        default_text: "none (an existing non-empty schema is refused)",
        ..param("table_exists_action", Kind::Text, Default::None, "SKIP, APPEND, TRUNCATE or REPLACE for tables that exist already; needs replace=true over a schema that holds objects")
    },
    param("replace", Kind::Bool, Default::Bool(false), "allow the import into a target schema that holds objects"),
    param("client_version_override", Kind::Bool, Default::Bool(false), "allow an Oracle client whose version differs from the export's (Bizagi's prerequisite 1 says they match): the run is then review at best"),
    param("parallel", Kind::Integer { min: 1, max: 64 }, Default::Int(1), "the number of Data Pump workers"),
    Param {
        default_text: "none (attachments are not restored)",
        ..param("attachments", Kind::LocalFolder, Default::None, "the Bizagi project's Docs folder the archive's attachments are put back into (refused when not empty unless replace=true)")
    },
];

/// The parameters of `bizagi_verify` (`scripts/bizagi_verify.rhai`): a test restore into a
/// scratch schema BZV_<tag>, dropped afterwards.
pub const BIZAGI_VERIFY: &[Param] = &[
    Param {
        default_text: "none: the newest verified archive of schema in archive_dir",
        ..param("archive", Kind::LocalFile, Default::None, "the bizscript archive (.zip) to verify-restore")
    },
    Param {
        default_text: "none",
        ..param("archive_dir", Kind::LocalFolder, Default::None, "where to find the newest verified archive of the database and schema, when archive is not given")
    },
    Param {
        default_text: "the local default (ORACLE_SID / TWO_TASK); under --simulate //localhost:1521/BIZAGIPDB",
        simulate_default: Some("//localhost:1521/BIZAGIPDB"),
        ..param("connect", Kind::Connect, Default::None, "the database the test restore runs in: an Easy Connect string //host:port/service or a TNS alias")
    },
    param("user", Kind::Identifier, Default::Text("BizAgiAdmon"), "the Oracle user that runs the import and drops the scratch schema (its password: BIZSCRIPT_PASSWORD, else a prompt)"),
    Param {
        default_text: "the manifest's schema",
        ..param("schema", Kind::Identifier, Default::None, "the exported schema (to choose the archive in archive_dir; remapped to BZV_<tag>)")
    },
    IMPORT_DIRECTORY,
    LOCAL_PATH,
    Param {
        default_text: "none",
        ..param("remap_tablespace", Kind::Text, Default::None, "OLD:NEW[,OLD:NEW...]: tablespaces of the source that are named differently here")
    },
    param("keep_scratch", Kind::Bool, Default::Bool(false), "keep the scratch schema BZV_<tag> for inspection instead of dropping it (the record says it was kept)"),
    param("client_version_override", Kind::Bool, Default::Bool(false), "allow an Oracle client whose version differs from the export's: the verify is then review at best"),
];

/// The table of a procedure, by name.
pub fn table(procedure: &str) -> Option<&'static [Param]> {
    match procedure.trim_end_matches(".rhai") {
        // `bizagi` is the module the procedure's steps live in.
        "bizagi_export" | "bizagi" => Some(BIZAGI_EXPORT),
        "bizagi_restore" => Some(BIZAGI_RESTORE),
        "bizagi_verify" => Some(BIZAGI_VERIFY),
        _ => None,
    }
}

/// The default in words.
fn default_text(p: &Param) -> String {
    if !p.default_text.is_empty() {
        return p.default_text.to_string();
    }
    match p.default {
        Default::None => "none".to_string(),
        Default::Int(i) => i.to_string(),
        Default::Bool(b) => b.to_string(),
        Default::Text(t) => t.to_string(),
    }
}

/// The table as text, for `bizscript doc bizagi_export`.
pub fn render_table(procedure: &str, params: &[Param]) -> String {
    let mut out = format!(
        "{procedure}: the parameters (bizscript run {procedure}.rhai --set KEY=VALUE ...)\n\n"
    );
    for p in params {
        out.push_str(&format!(
            "  {:<12} {:<13} default: {}\n",
            p.name,
            p.kind.name(),
            default_text(p)
        ));
        out.push_str(&format!("  {:<12} {}\n", "", p.meaning));
        out.push_str(&format!("  {:<12} allowed: {}\n\n", "", p.kind.allowed()));
    }
    out.push_str("Every value is checked before the first step: a wrong name, type or range exits 2 and nothing runs.\nThe password: BIZSCRIPT_PASSWORD, else a no-echo prompt on a terminal (under --simulate, a placeholder).\nExit code: 0 ok, 3 review (a person must act on something), 1 failed, 2 usage error.\n");
    out
}

/// The table as Markdown (the README's copy; a test keeps them equal).
pub fn render_markdown(params: &[Param]) -> String {
    let cell = |text: &str| text.replace('<', "&lt;").replace('|', "\\|");
    let mut out = String::from(
        "| parameter | type | allowed | default | meaning |\n| --- | --- | --- | --- | --- |\n",
    );
    for p in params {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            p.name,
            p.kind.name(),
            cell(&p.kind.allowed()),
            cell(&default_text(p)),
            cell(p.meaning)
        ));
    }
    out
}

/// A refused Oracle name as a message shows it: what follows a `/` masked, since `user/password`
/// is how Oracle's own tools take a logon (an Oracle name never holds a `/`).
fn shown_user(text: &str) -> String {
    match text.split_once('/') {
        Some((user, _)) => shown_connect(&format!("{user}/***")),
        None => text.to_string(),
    }
}

/// Why a value was refused: (code, what is wrong, what to do).
type Refusal = (&'static str, String, String);

/// Checks one value against its kind; returns the value scripts get.
fn check_value(name: &str, kind: Kind, value: &Dynamic) -> Result<Dynamic, Refusal> {
    let shown = if value.is_string() {
        value.to_string()
    } else {
        format!("{value}")
    };
    let wrong = |why: String| {
        (
            "BZ-PARAMETER-TYPE",
            format!("--set {name}={shown}: {why}"),
            format!("--set {name}= takes {}", kind.allowed()),
        )
    };
    // `--set` types digits and true/false; a name or path that looks like one is still text.
    let text = || -> Result<String, Refusal> {
        if value.is_string() || value.is_int() || value.is_bool() || value.is_float() {
            Ok(shown.clone())
        } else {
            Err(wrong(format!("`{name}` takes {}", kind.allowed())))
        }
    };
    match kind {
        Kind::Integer { min, max } => {
            let n = value
                .as_int()
                .map_err(|_| wrong(format!("`{name}` must be {}", kind.allowed())))?;
            if n < min || n > max {
                return Err((
                    "BZ-PARAMETER-RANGE",
                    format!("--set {name}={n}: `{name}` must be {}", kind.allowed()),
                    format!("give {name} {}", kind.allowed()),
                ));
            }
            Ok(Dynamic::from(n))
        }
        Kind::Bool => value
            .as_bool()
            .map(Dynamic::from)
            .map_err(|_| wrong(format!("`{name}` must be true or false"))),
        Kind::Connect => {
            let t = text()?;
            if t.is_empty() {
                return Err((
                    "BZ-PARAMETER-CONNECT",
                    format!("--set {name}= is empty"),
                    format!("leave --set {name} out for the local default (ORACLE_SID / TWO_TASK), or give //host:port/service or a TNS alias"),
                ));
            }
            check_connect_identifier(&t)
                .map(Dynamic::from)
                .map_err(|why| {
                    (
                        "BZ-PARAMETER-CONNECT",
                        format!("--set {name}={}: not an Easy Connect string or a TNS alias: {why}", shown_connect(&t).escape_debug()),
                        "give //host:port/service or a TNS alias; put a full descriptor or Easy Connect Plus options in tnsnames.ora and give its alias".to_string(),
                    )
                })
        }
        Kind::Identifier => {
            let t = text()?;
            if t.contains('/') {
                return Err((
                    "BZ-PARAMETER-NAME",
                    format!("--set {name}={}: not an Oracle name: it contains `/` (user/password is not taken here)", shown_user(&t).escape_debug()),
                    "give the name alone; the password comes from BIZSCRIPT_PASSWORD or the prompt".to_string(),
                ));
            }
            // The shipped procedures name files, locks and the job after these names and
            // compare them in upper case: a quoted (case-sensitive) name would be exported under
            // another name or refused half-way, so it is refused here, before anything runs.
            if t.trim_start().starts_with('"') {
                return Err((
                    "BZ-PARAMETER-NAME",
                    format!("--set {name}={}: a quoted (case-sensitive) Oracle name is not supported by the shipped procedures", t.escape_debug()),
                    "give the name unquoted (Oracle stores it in upper case); a case-sensitive name needs a site script that calls expdp() itself".to_string(),
                ));
            }
            Identifier::parse(&t, NameLimit::From122)
                .map(|_| Dynamic::from(t.clone()))
                .map_err(|e| {
                    (
                        "BZ-PARAMETER-NAME",
                        format!("--set {name}={}: not an Oracle name: {e}", t.escape_debug()),
                        "use letters, digits and _ (e.g. BIZAGI_PROD)".to_string(),
                    )
                })
        }
        Kind::FileName => {
            let t = text()?;
            let bad = t.contains(':')
                || t.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || matches!(c, ',' | '#' | '"' | '\'' | '=')
                });
            if bad {
                return Err((
                    "BZ-PARAMETER-FILE",
                    format!("--set {name}={}: a Data Pump file name here holds only letters, digits and . _ - % $", t.escape_debug()),
                    "give a plain file name such as BIZAGI_PROD.dmp; the folder is the DIRECTORY's".to_string(),
                ));
            }
            file_name(&t).map(|_| Dynamic::from(t.clone())).map_err(|why| {
                (
                    "BZ-PARAMETER-FILE",
                    format!("--set {name}={}: {why}", t.escape_debug()),
                    "give a plain file name such as BIZAGI_PROD.dmp; the folder is the DIRECTORY's".to_string(),
                )
            })
        }
        Kind::ServerPath => {
            let t = text()?;
            let bytes = t.as_bytes();
            let windows_drive = bytes.len() >= 3
                && bytes[0].is_ascii_alphabetic()
                && bytes[1] == b':'
                && matches!(bytes[2], b'\\' | b'/');
            let why = if t.trim() != t || t.is_empty() {
                Some("it is empty or starts or ends with blanks")
            } else if t.chars().any(char::is_control) {
                Some("it holds a control character")
            } else if !(t.starts_with('/') || t.starts_with("\\\\") || windows_drive) {
                Some("it is not absolute (Oracle takes it literally on the server)")
            } else if t.split(['/', '\\']).any(|s| s == "..") {
                Some("Oracle refuses `..` in directory paths")
            } else {
                None
            };
            match why {
                Some(why) => Err((
                    "BZ-PARAMETER-PATH",
                    format!("--set {name}={}: {why}", t.escape_debug()),
                    "give the absolute path of the folder on the database server, e.g. /u01/backup/bizagi".to_string(),
                )),
                None => Ok(Dynamic::from(t)),
            }
        }
        Kind::LocalFolder => {
            let t = text()?;
            if t.is_empty() || t.chars().any(char::is_control) {
                return Err(wrong(
                    "the folder is empty or holds a control character".to_string(),
                ));
            }
            if !Path::new(&t).is_absolute() {
                return Err((
                    "BZ-PARAMETER-PATH",
                    format!("--set {name}={}: give an absolute path (a run from cron starts in another folder)", t.escape_debug()),
                    format!("e.g. --set {name}=/mnt/dbserver/backup"),
                ));
            }
            if !Path::new(&t).is_dir() {
                return Err((
                    "BZ-PARAMETER-PATH",
                    format!("--set {name}={}: there is no such folder on this machine", t.escape_debug()),
                    format!("create it or mount it first, or give the folder this machine sees for {name}"),
                ));
            }
            Ok(Dynamic::from(t))
        }
        Kind::LocalFile => {
            let t = text()?;
            if t.is_empty() || t.chars().any(char::is_control) {
                return Err(wrong(
                    "the file name is empty or holds a control character".to_string(),
                ));
            }
            if !Path::new(&t).is_absolute() {
                return Err((
                    "BZ-PARAMETER-PATH",
                    format!("--set {name}={}: give an absolute path (a run from cron starts in another folder)", t.escape_debug()),
                    format!("e.g. --set {name}=/backup/BIZAGI_20250101_010000_ABCD.zip"),
                ));
            }
            // symlink_metadata: a link is not followed to somewhere else.
            match std::fs::symlink_metadata(&t) {
                Ok(m) if m.is_file() => Ok(Dynamic::from(t)),
                Ok(_) => Err((
                    "BZ-PARAMETER-PATH",
                    format!("--set {name}={}: not a regular file", t.escape_debug()),
                    format!("give the archive file itself for {name}"),
                )),
                Err(_) => Err((
                    "BZ-PARAMETER-PATH",
                    format!(
                        "--set {name}={}: there is no such file on this machine",
                        t.escape_debug()
                    ),
                    format!("give the path of an existing file for {name}"),
                )),
            }
        }
        Kind::Text => {
            let t = text()?;
            if t.chars().any(char::is_control) {
                return Err(wrong(
                    "it holds a line break or a control character".to_string(),
                ));
            }
            Ok(Dynamic::from(t))
        }
    }
}

/// Reads a site script's declarations: NAME: #{ type, default_value, meaning[, min, max] }
/// (`"default"`, quoted, is accepted too: unquoted it is a Rhai keyword).
fn site_params(
    site: &Map,
    known: &[Param],
) -> Result<Vec<(String, Kind, Dynamic)>, Box<EvalAltResult>> {
    const KINDS: &[&str] = &[
        "connect",
        "identifier",
        "server_path",
        "local_folder",
        "local_file",
        "file_name",
        "integer",
        "bool",
        "text",
    ];
    let mut out = Vec::new();
    for (name, declaration) in site {
        let usage = "check_parameters(procedure, params, #{ NAME: #{ type: \"text\", default_value: ..., meaning: \"...\" } })";
        if known.iter().any(|p| p.name == name.as_str()) {
            return Err(misuse(
                "check_parameters",
                format!("site parameter `{name}` is already a parameter of the procedure"),
                usage,
            ));
        }
        let Some(decl) = declaration.clone().try_cast::<Map>() else {
            return Err(misuse("check_parameters", format!("site parameter `{name}` must be declared as a map #{{ type, default, meaning }}"), usage));
        };
        super::options::check_keys(
            "check_parameters",
            &decl,
            &["type", "default_value", "default", "meaning", "min", "max"],
        )?;
        let type_name = decl
            .get("type")
            .and_then(|t| t.clone().into_string().ok())
            .unwrap_or_else(|| "text".to_string());
        let int = |key: &str, fallback: i64| -> Result<i64, Box<EvalAltResult>> {
            match decl.get(key) {
                None => Ok(fallback),
                Some(v) => v.as_int().map_err(|_| {
                    misuse(
                        "check_parameters",
                        format!("site parameter `{name}`: `{key}` must be an integer"),
                        usage,
                    )
                }),
            }
        };
        let kind = match type_name.as_str() {
            "connect" => Kind::Connect,
            "identifier" => Kind::Identifier,
            "server_path" => Kind::ServerPath,
            "local_folder" => Kind::LocalFolder,
            "local_file" => Kind::LocalFile,
            "file_name" => Kind::FileName,
            "integer" => Kind::Integer {
                min: int("min", i64::MIN)?,
                max: int("max", i64::MAX)?,
            },
            "bool" => Kind::Bool,
            "text" => Kind::Text,
            other => {
                let near = nearest(other, KINDS)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(misuse(
                    "check_parameters",
                    format!(
                        "site parameter `{name}`: unknown type `{other}`{near}; types: {}",
                        KINDS.join(", ")
                    ),
                    usage,
                ));
            }
        };
        out.push((
            name.to_string(),
            kind,
            decl.get("default_value")
                .or_else(|| decl.get("default"))
                .cloned()
                .unwrap_or(Dynamic::UNIT),
        ));
    }
    Ok(out)
}

/// The whole check: every given parameter known and valid, every required one given.
pub fn check(
    procedure: &str,
    params: &Map,
    site: &Map,
    simulate: bool,
) -> Result<Map, Box<EvalAltResult>> {
    let table = table(procedure).ok_or_else(|| {
        misuse(
            "check_parameters",
            format!(
                "no procedure named `{procedure}` (known: {})",
                PROCEDURES.join(", ")
            ),
            CHECK_PARAMETERS.signature,
        )
    })?;
    let site = site_params(site, table)?;
    let refuse = |(code, message, hint): Refusal| script_error(code, message, hint);
    let mut names: Vec<&str> = table.iter().map(|p| p.name).collect();
    names.extend(site.iter().map(|(n, _, _)| n.as_str()));
    for key in params.keys() {
        if !names.contains(&key.as_str()) {
            let near = nearest(key, &names)
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            return Err(script_error(
                "BZ-PARAMETER-UNKNOWN",
                format!("unknown parameter --set {key}=...{near}"),
                format!(
                    "the procedure understands: {} (bizscript doc {procedure})",
                    names.join(", ")
                ),
            ));
        }
    }
    let mut out = Map::new();
    for p in table {
        let value = match params.get(p.name).filter(|v| !v.is_unit()) {
            Some(v) => check_value(p.name, p.kind, v).map_err(refuse)?,
            None => match p.simulate_default.filter(|_| simulate) {
                Some(s) => Dynamic::from(s.to_string()),
                None if p.required => {
                    return Err(script_error(
                        "BZ-PARAMETER-MISSING",
                        format!("no {} given: --set {}= is required", p.name, p.name),
                        format!("pass --set {}=... ({})", p.name, p.meaning),
                    ))
                }
                None => p.default.value(),
            },
        };
        out.insert(p.name.into(), value);
    }
    // Data Pump gives each worker its own file only through a substitution variable
    // (docs/oracle.md §1.5): a fixed name with parallel > 1 is refused by expdp at step 4.
    if let (Ok(parallel), Some(dumpfile)) = (
        out.get("parallel").map_or(Ok(1), Dynamic::as_int),
        out.get("dumpfile")
            .filter(|d| d.is_string())
            .map(|d| d.to_string()),
    ) {
        if parallel > 1
            && !["%U", "%u", "%L", "%l"]
                .iter()
                .any(|v| dumpfile.contains(v))
        {
            return Err(script_error(
                "BZ-PARAMETER-FILE",
                format!("--set dumpfile={dumpfile}: with parallel={parallel} the dump file name needs %U, so that each worker writes its own file"),
                "write it like --set dumpfile=BIZAGI_PROD_%U.dmp, or leave dumpfile out",
            ));
        }
    }
    // Parameters that only act on the archive cannot be honoured without one.
    if out.get("compress").and_then(|c| c.as_bool().ok()) == Some(false) {
        for (name, on) in [
            (
                "remove_dump",
                out.get("remove_dump").and_then(|r| r.as_bool().ok()) == Some(true),
            ),
            ("keep", out.get("keep").is_some_and(|k| !k.is_unit())),
        ] {
            if on {
                return Err(script_error(
                    "BZ-PARAMETER-COMBINATION",
                    format!("--set {name}= needs the archive, and --set compress=false makes none"),
                    format!("drop --set {name}, or let compress make the archive"),
                ));
            }
        }
    }
    for (name, kind, default) in site {
        let value = match params.get(name.as_str()).filter(|v| !v.is_unit()) {
            Some(v) => check_value(&name, kind, v).map_err(refuse)?,
            None => default,
        };
        out.insert(name.into(), value);
    }
    Ok(out)
}

fn describe(p: &Param) -> Map {
    let mut m = Map::new();
    m.insert("name".into(), Dynamic::from(p.name));
    m.insert("type".into(), Dynamic::from(p.kind.name()));
    m.insert("allowed".into(), Dynamic::from(p.kind.allowed()));
    m.insert("default_value".into(), Dynamic::from(default_text(p)));
    m.insert("meaning".into(), Dynamic::from(p.meaning));
    m.insert("required".into(), Dynamic::from(p.required));
    if let Kind::Integer { min, max } = p.kind {
        m.insert("min".into(), Dynamic::from(min));
        m.insert("max".into(), Dynamic::from(max));
    }
    m
}

pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    registration(&PROCEDURE_PARAMETERS).register_into_engine(
        engine,
        |procedure: &str| -> Result<Array, Box<EvalAltResult>> {
            let table = table(procedure).ok_or_else(|| {
                misuse(
                    "procedure_parameters",
                    format!(
                        "no procedure named `{procedure}` (known: {})",
                        PROCEDURES.join(", ")
                    ),
                    PROCEDURE_PARAMETERS.signature,
                )
            })?;
            Ok(table
                .iter()
                .map(|p| Dynamic::from_map(describe(p)))
                .collect())
        },
    );
    let c = Arc::clone(ctx);
    registration(&CHECK_PARAMETERS).register_into_engine(
        engine,
        move |procedure: &str, params: Map| {
            check(procedure, &params, &Map::new(), c.simulation.is_some())
        },
    );
    let c = Arc::clone(ctx);
    registration(&CHECK_PARAMETERS).register_into_engine(
        engine,
        move |procedure: &str, params: Map, site: Map| {
            check(procedure, &params, &site, c.simulation.is_some())
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::params::typed_value;

    fn sets(pairs: &[(&str, &str)]) -> Map {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), typed_value(v)))
            .collect()
    }

    fn code(result: Result<Map, Box<EvalAltResult>>) -> String {
        match result {
            Ok(m) => format!("accepted: {m:?}"),
            Err(e) => match &*e {
                EvalAltResult::ErrorRuntime(payload, _) => super::super::errors::parts(payload)
                    .map(|(code, message, _)| format!("{code}: {message}"))
                    .unwrap_or_else(|| format!("{payload}")),
                other => format!("{other}"),
            },
        }
    }

    #[test]
    fn defaults_apply_and_typed_values_pass() {
        let m = check(
            "bizagi_export",
            &sets(&[("schema", "BIZAGI_PROD"), ("parallel", "4")]),
            &Map::new(),
            false,
        )
        .unwrap();
        assert_eq!(m["parallel"].as_int(), Ok(4));
        assert_eq!(m["compress"].as_bool(), Ok(true));
        assert_eq!(m["user"].to_string(), "BizAgiAdmon");
        assert!(m["connect"].is_unit());
        assert!(m["keep"].is_unit());
        let sim = check("bizagi_export", &Map::new(), &Map::new(), true).unwrap();
        assert_eq!(sim["schema"].to_string(), "BIZAGI");
        assert_eq!(sim["connect"].to_string(), "//localhost:1521/BIZAGIPDB");
    }

    #[test]
    fn wrong_types_ranges_and_names_are_refused_with_their_codes() {
        for (key, value, expected) in [
            ("parallel", "two", "BZ-PARAMETER-TYPE"),
            ("parallel", "0", "BZ-PARAMETER-RANGE"),
            ("parallel", "-1", "BZ-PARAMETER-RANGE"),
            ("parallel", "65", "BZ-PARAMETER-RANGE"),
            ("parallel", "2.5", "BZ-PARAMETER-TYPE"),
            ("compress", "0", "BZ-PARAMETER-TYPE"),
            ("compress", "yes", "BZ-PARAMETER-TYPE"),
            ("keep", "abc", "BZ-PARAMETER-TYPE"),
            ("keep", "0", "BZ-PARAMETER-RANGE"),
            (
                "connect",
                "//db:1521/SVC,content=metadata_only",
                "BZ-PARAMETER-CONNECT",
            ),
            ("connect", "//db:1521/SVC#x", "BZ-PARAMETER-CONNECT"),
            ("connect", "1521", "accepted"),
            ("connect", "", "BZ-PARAMETER-CONNECT"),
            ("schema", "", "BZ-PARAMETER-NAME"),
            ("dumpfile", "", "BZ-PARAMETER-FILE"),
            ("schema", "2024", "BZ-PARAMETER-NAME"),
            ("user", "a b", "BZ-PARAMETER-NAME"),
            ("directory", "X'; DROP", "BZ-PARAMETER-NAME"),
            ("dumpfile", "a,b.dmp", "BZ-PARAMETER-FILE"),
            ("dumpfile", "/tmp/x.dmp", "BZ-PARAMETER-FILE"),
            ("dumpfile", "x.dmp#", "BZ-PARAMETER-FILE"),
            ("logfile", "x=y.log", "BZ-PARAMETER-FILE"),
            ("path", "relative/dir", "BZ-PARAMETER-PATH"),
            ("path", "/u01/../etc", "BZ-PARAMETER-PATH"),
            ("local_path", "/nonexistent/folder/x", "BZ-PARAMETER-PATH"),
            ("archive_dir", "/nonexistent/folder/x", "BZ-PARAMETER-PATH"),
            ("local_path", ".", "BZ-PARAMETER-PATH"),
            ("archive_dir", "relative", "BZ-PARAMETER-PATH"),
            ("shema", "X", "BZ-PARAMETER-UNKNOWN"),
        ] {
            let got = code(check(
                "bizagi_export",
                &sets(&[("schema", "BIZAGI"), (key, value)]),
                &Map::new(),
                false,
            ));
            assert!(got.starts_with(expected), "{key}={value}: {got}");
        }
        let got = code(check(
            "bizagi_export",
            &sets(&[("shema", "X")]),
            &Map::new(),
            true,
        ));
        assert!(got.contains("did you mean `schema`"), "{got}");
        for extra in [("remove_dump", "true"), ("keep", "3")] {
            let got = code(check(
                "bizagi_export",
                &sets(&[("compress", "false"), extra]),
                &Map::new(),
                true,
            ));
            assert!(got.starts_with("BZ-PARAMETER-COMBINATION"), "{got}");
        }
        let got = code(check(
            "bizagi_export",
            &sets(&[("parallel", "4"), ("dumpfile", "x.dmp")]),
            &Map::new(),
            true,
        ));
        assert!(
            got.starts_with("BZ-PARAMETER-FILE") && got.contains("%U"),
            "{got}"
        );
        assert!(check(
            "bizagi_export",
            &sets(&[("parallel", "4"), ("dumpfile", "x_%U.dmp")]),
            &Map::new(),
            true
        )
        .is_ok());
        let got = code(check("bizagi_export", &Map::new(), &Map::new(), false));
        assert!(got.starts_with("BZ-PARAMETER-MISSING"), "{got}");
    }

    #[test]
    fn site_parameters_are_declared_checked_and_defaulted() {
        let mut decl = Map::new();
        decl.insert("type".into(), Dynamic::from("integer"));
        decl.insert("min".into(), Dynamic::from(1_i64));
        decl.insert("default_value".into(), Dynamic::from(3_i64));
        let mut site = Map::new();
        site.insert("copies".into(), Dynamic::from_map(decl));
        let m = check("bizagi_export", &Map::new(), &site, true).unwrap();
        assert_eq!(m["copies"].as_int(), Ok(3));
        let m = check("bizagi_export", &sets(&[("copies", "5")]), &site, true).unwrap();
        assert_eq!(m["copies"].as_int(), Ok(5));
        let got = code(check(
            "bizagi_export",
            &sets(&[("copies", "0")]),
            &site,
            true,
        ));
        assert!(got.starts_with("BZ-PARAMETER-RANGE"), "{got}");
        let got = code(check("bizagi_export", &sets(&[("copy", "5")]), &site, true));
        assert!(got.contains("did you mean `copies`"), "{got}");
    }

    #[test]
    fn the_readme_shows_the_table() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&render_markdown(BIZAGI_EXPORT)),
            "README.md's parameter table differs from the one in src/primitives/procedure_params.rs; paste:\n{}",
            render_markdown(BIZAGI_EXPORT)
        );
    }

    #[test]
    fn restore_and_verify_have_tables_and_an_archive_must_be_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("BIZAGI_20250101_010000_ABCD.zip");
        std::fs::write(&zip, b"PK").unwrap();
        let zip = zip.to_string_lossy().to_string();
        for procedure in ["bizagi_restore", "bizagi_verify"] {
            let m = check(procedure, &sets(&[("archive", &zip)]), &Map::new(), false).unwrap();
            assert_eq!(m["archive"].to_string(), zip);
            assert_eq!(m["directory"].to_string(), "BizAgiBackupPath");
            let missing = format!("{zip}.gone");
            let got = code(check(
                procedure,
                &sets(&[("archive", &missing)]),
                &Map::new(),
                false,
            ));
            assert!(
                got.starts_with("BZ-PARAMETER-PATH") && got.contains("no such file"),
                "{got}"
            );
            let folder = dir.path().to_string_lossy().to_string();
            let got = code(check(
                procedure,
                &sets(&[("archive", &folder)]),
                &Map::new(),
                false,
            ));
            assert!(got.contains("not a regular file"), "{got}");
            let got = code(check(
                procedure,
                &sets(&[("archive", "relative.zip")]),
                &Map::new(),
                false,
            ));
            assert!(got.contains("absolute"), "{got}");
        }
        let m = check("bizagi_restore", &Map::new(), &Map::new(), false).unwrap();
        assert_eq!(
            m["replace"].as_bool(),
            Ok(false),
            "never over a schema unless asked"
        );
        let m = check("bizagi_verify", &Map::new(), &Map::new(), false).unwrap();
        assert_eq!(
            m["keep_scratch"].as_bool(),
            Ok(false),
            "the scratch schema is dropped by default"
        );
        let got = code(check(
            "bizagi_verify",
            &sets(&[("keep_scrach", "true")]),
            &Map::new(),
            false,
        ));
        assert!(got.contains("did you mean `keep_scratch`"), "{got}");
    }

    #[test]
    fn an_unknown_procedure_names_the_known_ones() {
        let got = code(check("bizagi_import", &Map::new(), &Map::new(), false));
        assert!(
            got.contains("bizagi_export, bizagi_restore, bizagi_verify"),
            "{got}"
        );
    }
}
