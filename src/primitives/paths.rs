//! `path_parent`, `path_join`, `file_name`: the parts of a path, by the rules of the machine
//! that owns it (a Windows database server's `D:\backup\X.DMP` from a Linux client), through
//! [`crate::server_path`].

use super::errors::misuse;
use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use crate::server_path::{self, PathError};
use rhai::{Engine, EvalAltResult};
use std::sync::Arc;

pub const PATH_PARENT: PrimitiveDoc = PrimitiveDoc {
    name: "path_parent",
    signature: "path_parent(path: string) -> string",
    summary: "The folder holding `path`, by the path's own rules: a Windows path (a drive `D:\\`, a share `\\\\server\\share`, or backslashes only) keeps Windows rules on any client, anything else is a Unix path. `D:\\backup\\X.DMP` gives `D:\\backup`, `/u01/backup/X.dmp` gives `/u01/backup`, a bare name gives `.`. A root (`/`, `D:\\`) or an empty path has no parent and fails with BZ-USAGE. Touches no file system.",
    example: r#"print(path_parent("D:\\backup\\BIZAGI_01.DMP"));   // D:\backup
print(path_parent("/u01/backup/BIZAGI_01.dmp")); // /u01/backup"#,
};

pub const PATH_JOIN: PrimitiveDoc = PrimitiveDoc {
    name: "path_join",
    signature: "path_join(folder: string, name: string) -> string",
    summary: "`name` inside `folder`, by `folder`'s rules (`D:\\backup` and `X.zip` give `D:\\backup\\X.zip`; `/u01/backup` and `X.zip` give `/u01/backup/X.zip`). Refuses (BZ-USAGE) a `name` that would leave the folder: absolute, with a drive or a share, or climbing with `..`. Touches no file system.",
    example: r#"let archive = path_join("/u01/backup", "BIZAGI_20261124_010203_K7Q2.zip");
print(archive);"#,
};

pub const FILE_NAME: PrimitiveDoc = PrimitiveDoc {
    name: "file_name",
    signature: "file_name(path: string) -> string",
    summary: "The last part of `path` (a file or folder name), by the path's own rules: `D:\\backup\\X.DMP` gives `X.DMP` on any client, `/u01/backup/` gives `backup`. A root, a path ending in `..` or an empty path names no file and fails with BZ-USAGE. Touches no file system.",
    example: r#"let dump = "D:\\backup\\BIZAGI_01.DMP";
print(path_join("/mnt/dbserver-backup", file_name(dump)));"#,
};

fn refused(function: &str, usage: &str, err: PathError) -> Box<EvalAltResult> {
    misuse(function, err.to_string(), usage)
}

/// Registers the path functions.
pub fn register(engine: &mut Engine, _ctx: &Arc<HostCtx>) {
    registration(&PATH_PARENT).register_into_engine(engine, |path: &str| {
        server_path::parent(path).map_err(|e| refused("path_parent", PATH_PARENT.signature, e))
    });
    registration(&PATH_JOIN).register_into_engine(engine, |folder: &str, name: &str| {
        server_path::join(folder, name).map_err(|e| refused("path_join", PATH_JOIN.signature, e))
    });
    registration(&FILE_NAME).register_into_engine(engine, |path: &str| {
        server_path::file_name(path).map_err(|e| refused("file_name", FILE_NAME.signature, e))
    });
}

#[cfg(test)]
mod tests {
    use crate::host::engine::{EngineBuilder, PrintTarget};
    use crate::host::sources::SourceMap;
    use crate::primitives::runtime::HostCtx;

    fn eval(script: &str) -> Result<String, String> {
        let engine = EngineBuilder::new(HostCtx::for_tests(), SourceMap::new())
            .print(PrintTarget::Discard)
            .build();
        engine.eval::<String>(script).map_err(|e| e.to_string())
    }

    #[test]
    fn scripts_take_windows_server_paths_apart_on_any_client() {
        assert_eq!(
            eval(r#"path_parent("D:\\backup\\X.DMP")"#).unwrap(),
            r"D:\backup"
        );
        assert_eq!(eval(r#"file_name("D:\\backup\\X.DMP")"#).unwrap(), "X.DMP");
        assert_eq!(
            eval(r#"path_join("D:\\backup", "X.zip")"#).unwrap(),
            r"D:\backup\X.zip"
        );
        assert_eq!(
            eval(r#"path_join("/mnt/db", file_name("D:\\backup\\X.DMP"))"#).unwrap(),
            "/mnt/db/X.DMP"
        );
    }

    #[test]
    fn a_path_without_the_part_asked_for_is_an_error_not_a_guess() {
        let err = eval(r#"path_parent("/")"#).unwrap_err();
        assert!(
            err.contains("BZ-USAGE") || err.contains("no parent"),
            "{err}"
        );
        let err = eval(r#"path_join("/u01/backup", "../../etc/passwd")"#).unwrap_err();
        assert!(err.contains("cannot join"), "{err}");
        assert!(eval(r#"file_name("")"#).is_err());
    }
}
