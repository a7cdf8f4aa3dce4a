//! DIRECTORY objects: the dictionary queries that find one, and the decision of what DDL makes
//! it exist, point where it should and be usable by the backup user.
//!
//! Pure functions: the caller runs the queries (through sqlplus), hands the rows back as a
//! [`DirectoryLookup`], and [`plan`] says what to run. See `docs/oracle.md` ("DIRECTORY objects").

use crate::oracle::identifier::{string_literal, Identifier, NameLimit};

/// The dictionary views read, in order: the DBA view first, then the view every user may read
/// (it lists the directories the user has a privilege on). Each with its privilege view.
pub const LOOKUP_VIEWS: [(&str, &str); 2] = [
    ("dba_directories", "dba_tab_privs"),
    ("all_directories", "all_tab_privs"),
];

/// The error sqlplus reports when the connected user may not read a view: try the next one.
pub const NO_SUCH_VIEW: &str = "ORA-00942";

/// The release query, read when a name is longer than 30 bytes; rows are `RELEASE|<version>`.
pub const RELEASE_SQL: &str = "SELECT 'RELEASE|' || version FROM product_component_version WHERE product LIKE 'Oracle Database%'";

/// A checked request: everything in it is safe to put into SQL.
#[derive(Debug, Clone)]
pub struct DirectoryRequest {
    pub name: Identifier,
    pub path: Option<String>,
    pub grant_to: Option<Identifier>,
    pub replace: bool,
}

/// What the dictionary said.
#[derive(Debug, Clone)]
pub struct DirectoryLookup {
    /// The path of the existing directory object, if there is one.
    pub existing_path: Option<String>,
    /// `dba_directories`, or `all_directories` for a user without the privilege.
    pub view: &'static str,
    /// The privileges `grant_to` already holds on the directory (READ, WRITE...).
    pub privileges: Vec<String>,
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPlan {
    /// The path the directory points to once the statements ran.
    pub final_path: String,
    /// The DDL to run, in order (empty: nothing to change).
    pub statements: Vec<String>,
    pub create: bool,
    pub replace: bool,
    pub grant: bool,
}

/// Why a request cannot be planned or was not carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("invalid path `{}`: {why}", path.escape_debug())]
    InvalidPath { path: String, why: String },
    #[error("{0}")]
    Literal(String),
    #[error("directory {name} does not exist")]
    Missing { name: String },
    #[error("directory {name} exists and points to {found}, not {wanted}")]
    PointsElsewhere {
        name: String,
        found: String,
        wanted: String,
    },
    #[error("{name} is longer than 30 bytes, which Oracle {release} does not allow")]
    NameTooLong { name: String, release: String },
    #[error("{view} returned {rows} rows for one name")]
    TooManyRows { view: &'static str, rows: usize },
    #[error("after the DDL, {name} does not point to {path}")]
    NotVerified {
        name: String,
        path: String,
        view: &'static str,
    },
}

impl DirectoryError {
    /// The stable code a script can match.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidPath { .. } | Self::Literal(_) | Self::PointsElsewhere { .. } => {
                "BZ-DIRECTORY-PATH"
            }
            Self::Missing { .. } => "BZ-DIRECTORY-MISSING",
            Self::NameTooLong { .. } => "BZ-DIRECTORY-NAME",
            Self::TooManyRows { .. } => "BZ-SQLPLUS-OUTPUT",
            Self::NotVerified { .. } => "BZ-DIRECTORY-VERIFY",
        }
    }

    /// What the DBA can do about it.
    pub fn hint(&self) -> String {
        match self {
            Self::InvalidPath { .. } => "give the absolute path of a folder on the database server, e.g. /u01/backup/bizagi or D:\\Backup\\Bizagi".into(),
            Self::Literal(_) => String::new(),
            Self::Missing { name } => format!("give its server path to create it: ensure_directory(db, \"{name}\", \"/path/on/the/server\")"),
            Self::PointsElsewhere { .. } => "pass #{ replace: true } to repoint it (CREATE OR REPLACE keeps its grants), or use the existing path".into(),
            Self::NameTooLong { .. } => "use a name of at most 30 bytes".into(),
            Self::TooManyRows { .. } => "please report this with the output".into(),
            Self::NotVerified { name, view, .. } => format!("check by hand: SELECT directory_path FROM {view} WHERE directory_name = '{name}'"),
        }
    }
}

/// A server path: absolute, no `..` segment, expressible as a SQL literal.
pub fn check_path(path: &str) -> Result<String, DirectoryError> {
    let refuse = |why: String| DirectoryError::InvalidPath {
        path: path.to_string(),
        why,
    };
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(refuse("it is empty".into()));
    }
    if trimmed != path {
        return Err(refuse("it starts or ends with blanks".into()));
    }
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    if !(path.starts_with('/') || path.starts_with("\\\\") || windows_drive) {
        return Err(refuse(
            "it is not absolute; Oracle takes the path literally on the server".into(),
        ));
    }
    if path.split(['/', '\\']).any(|segment| segment == "..") {
        return Err(refuse(
            "Oracle refuses `..` segments in directory paths".into(),
        ));
    }
    string_literal(path).map_err(|e| refuse(e.to_string()))?;
    Ok(path.to_string())
}

/// The query that finds the directory in `view`; rows are `NAME|PATH`.
pub fn lookup_sql(name: &Identifier, view: &str) -> String {
    format!(
        "SELECT directory_name || '|' || directory_path FROM {view} WHERE directory_name = {}",
        name.literal()
    )
}

/// The query that lists what `grantee` holds on the directory, one privilege a row.
pub fn privileges_sql(name: &Identifier, grantee: &Identifier, privileges_view: &str) -> String {
    format!(
        "SELECT privilege FROM {privileges_view} WHERE table_name = {} AND grantee = {} ORDER BY privilege",
        name.literal(),
        grantee.literal()
    )
}

/// Whether the release must be read before the name can be used (longer than 30 bytes).
pub fn needs_release(name: &Identifier) -> bool {
    name.as_stored().len() > NameLimit::Before122.bytes()
}

/// Refuses a name over 30 bytes on a release before 12.2. The release stands in for COMPATIBLE
/// (which is never above it); a database kept at COMPATIBLE < 12.2 still refuses the name
/// itself, with ORA-00972.
pub fn check_release(name: &Identifier, release: &str) -> Result<(), DirectoryError> {
    if !needs_release(name) || NameLimit::for_release(release) != NameLimit::Before122 {
        return Ok(());
    }
    Err(DirectoryError::NameTooLong {
        name: name.as_stored().to_string(),
        release: if release.is_empty() {
            "of an unknown release".to_string()
        } else {
            release.to_string()
        },
    })
}

/// The path from the lookup rows (`NAME|PATH`): none, one, or an error for several.
pub fn existing_path(
    view: &'static str,
    rows: &[Vec<String>],
) -> Result<Option<String>, DirectoryError> {
    match rows {
        [] => Ok(None),
        [row] => Ok(row.get(1).cloned()),
        rows => Err(DirectoryError::TooManyRows {
            view,
            rows: rows.len(),
        }),
    }
}

/// `CREATE [OR REPLACE] DIRECTORY name AS 'path';`
pub fn create_sql(name: &Identifier, path: &str, replace: bool) -> Result<String, DirectoryError> {
    let literal = string_literal(path).map_err(|e| DirectoryError::Literal(e.to_string()))?;
    Ok(format!(
        "CREATE {}DIRECTORY {} AS {literal};",
        if replace { "OR REPLACE " } else { "" },
        name.sql()
    ))
}

/// The decision table: from what exists and what was asked, the DDL to run.
///
/// | exists | path given   | replace | outcome                             |
/// |--------|--------------|---------|-------------------------------------|
/// | no     | no           | -       | `Missing`                           |
/// | yes    | no / same    | -       | nothing                             |
/// | yes    | different    | false   | `PointsElsewhere`                   |
/// | yes    | different    | true    | CREATE OR REPLACE (keeps grants)    |
/// | no     | yes          | -       | CREATE                              |
///
/// Then a GRANT READ, WRITE unless the grantee holds both already, or created the directory
/// just now as the connected user (the creator holds them, and Oracle refuses a grant to oneself,
/// ORA-01749). `connected_user` is the user the connection logs in as, if known.
pub fn plan(
    lookup: &DirectoryLookup,
    request: &DirectoryRequest,
    connected_user: Option<&str>,
) -> Result<DirectoryPlan, DirectoryError> {
    let name = request.name.as_stored().to_string();
    let mut statements = Vec::new();
    let (mut create, mut replace) = (false, false);
    let final_path = match (&lookup.existing_path, &request.path) {
        (None, None) => return Err(DirectoryError::Missing { name }),
        (Some(found), None) => found.clone(),
        (Some(found), Some(wanted)) if same_path(found, wanted) => found.clone(),
        (Some(found), Some(wanted)) => {
            if !request.replace {
                return Err(DirectoryError::PointsElsewhere {
                    name,
                    found: found.clone(),
                    wanted: wanted.clone(),
                });
            }
            statements.push(create_sql(&request.name, wanted, true)?);
            replace = true;
            wanted.clone()
        }
        (None, Some(wanted)) => {
            statements.push(create_sql(&request.name, wanted, false)?);
            create = true;
            wanted.clone()
        }
    };
    let holds = |p: &str| lookup.privileges.iter().any(|h| h.eq_ignore_ascii_case(p));
    let already_granted = holds("READ") && holds("WRITE");
    let creator_is_grantee = create
        && request.grant_to.as_ref().map(|u| u.as_stored()) == connected_user
        && connected_user.is_some();
    let grant = request
        .grant_to
        .as_ref()
        .filter(|_| !already_granted && !creator_is_grantee);
    if let Some(user) = grant {
        statements.push(format!(
            "GRANT READ, WRITE ON DIRECTORY {} TO {};",
            request.name.sql(),
            user.sql()
        ));
    }
    Ok(DirectoryPlan {
        final_path,
        statements,
        create,
        replace,
        grant: grant.is_some(),
    })
}

/// Checks the path read back after the DDL.
pub fn verify(
    request: &DirectoryRequest,
    plan: &DirectoryPlan,
    view: &'static str,
    now: Option<&str>,
) -> Result<(), DirectoryError> {
    if now.is_some_and(|p| same_path(p, &plan.final_path)) {
        return Ok(());
    }
    Err(DirectoryError::NotVerified {
        name: request.name.as_stored().to_string(),
        path: plan.final_path.clone(),
        view,
    })
}

/// Paths equal but for a trailing separator.
pub fn same_path(a: &str, b: &str) -> bool {
    let trim = |p: &str| {
        let t = p.trim_end_matches(['/', '\\']);
        if t.is_empty() {
            p.to_string()
        } else {
            t.to_string()
        }
    };
    trim(a) == trim(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> Identifier {
        Identifier::parse(name, NameLimit::From122).unwrap()
    }

    fn request(path: Option<&str>, grant_to: Option<&str>, replace: bool) -> DirectoryRequest {
        DirectoryRequest {
            name: id("BizAgiBackupPath"),
            path: path.map(str::to_string),
            grant_to: grant_to.map(id),
            replace,
        }
    }

    fn lookup(existing: Option<&str>, privileges: &[&str]) -> DirectoryLookup {
        DirectoryLookup {
            existing_path: existing.map(str::to_string),
            view: "dba_directories",
            privileges: privileges.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn paths_are_absolute_literal_safe_and_without_dotdot() {
        assert!(check_path("/u01/backup/bizagi").is_ok());
        assert!(check_path("D:\\Backup\\Bizagi").is_ok());
        assert!(check_path("/u01/jackie's").is_ok());
        for bad in [
            "",
            "relative/dir",
            "/u01/../etc",
            "/u01/x\n'; DROP TABLE t; --",
            " /u01",
        ] {
            assert!(check_path(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn the_ddl_quotes_the_path() {
        assert_eq!(
            create_sql(&id("\"Mixed Dir\""), "/u01/it's", true).unwrap(),
            "CREATE OR REPLACE DIRECTORY \"Mixed Dir\" AS '/u01/it''s';"
        );
    }

    #[test]
    fn trailing_separators_do_not_make_a_different_path() {
        assert!(same_path("/u01/backup/", "/u01/backup"));
        assert!(!same_path("/u01/backup", "/u01/Backup"));
        assert!(same_path("/", "/"));
    }

    #[test]
    fn the_decision_table() {
        let missing = plan(&lookup(None, &[]), &request(None, None, false), None).unwrap_err();
        assert_eq!(missing.code(), "BZ-DIRECTORY-MISSING");
        let same = plan(
            &lookup(Some("/u01/b/"), &[]),
            &request(Some("/u01/b"), None, false),
            None,
        )
        .unwrap();
        assert!(same.statements.is_empty() && !same.create && !same.replace);
        let elsewhere = plan(
            &lookup(Some("/u01/a"), &[]),
            &request(Some("/u01/b"), None, false),
            None,
        )
        .unwrap_err();
        assert_eq!(elsewhere.code(), "BZ-DIRECTORY-PATH");
        assert!(elsewhere.hint().contains("replace: true"));
        let repoint = plan(
            &lookup(Some("/u01/a"), &[]),
            &request(Some("/u01/b"), None, true),
            None,
        )
        .unwrap();
        assert_eq!(
            repoint.statements,
            ["CREATE OR REPLACE DIRECTORY BIZAGIBACKUPPATH AS '/u01/b';"]
        );
        assert!(repoint.replace && !repoint.create);
        let create = plan(
            &lookup(None, &[]),
            &request(Some("/u01/b"), Some("BIZAGI"), false),
            Some("BIZAGIADMON"),
        )
        .unwrap();
        assert_eq!(
            create.statements,
            [
                "CREATE DIRECTORY BIZAGIBACKUPPATH AS '/u01/b';",
                "GRANT READ, WRITE ON DIRECTORY BIZAGIBACKUPPATH TO BIZAGI;"
            ]
        );
        assert!(create.create && create.grant);
    }

    #[test]
    fn no_grant_when_held_or_to_the_creator() {
        let held = plan(
            &lookup(Some("/u01/b"), &["READ", "write"]),
            &request(None, Some("BIZAGI"), false),
            None,
        )
        .unwrap();
        assert!(!held.grant && held.statements.is_empty());
        let only_read = plan(
            &lookup(Some("/u01/b"), &["READ"]),
            &request(None, Some("BIZAGI"), false),
            None,
        )
        .unwrap();
        assert!(only_read.grant);
        let creator = plan(
            &lookup(None, &[]),
            &request(Some("/u01/b"), Some("BIZAGIADMON"), false),
            Some("BIZAGIADMON"),
        )
        .unwrap();
        assert!(!creator.grant);
        assert_eq!(creator.statements.len(), 1);
    }

    #[test]
    fn long_names_need_12_2() {
        let long = id("BIZAGI_BACKUP_DIRECTORY_FOR_PROJECT_X");
        assert!(needs_release(&long));
        assert!(!needs_release(&id("SHORT")));
        let err = check_release(&long, "11.2.0.4.0").unwrap_err();
        assert_eq!(err.code(), "BZ-DIRECTORY-NAME");
        assert!(err.to_string().contains("longer than 30 bytes"));
        assert!(check_release(&long, "19.0.0.0.0").is_ok());
        assert!(check_release(&id("SHORT"), "11.2.0.4.0").is_ok());
    }

    #[test]
    fn lookup_rows_and_verification() {
        assert_eq!(existing_path("dba_directories", &[]), Ok(None));
        let row = vec!["D".to_string(), "/u01/b".to_string()];
        assert_eq!(
            existing_path("dba_directories", std::slice::from_ref(&row)),
            Ok(Some("/u01/b".into()))
        );
        assert_eq!(
            existing_path("dba_directories", &[row.clone(), row])
                .unwrap_err()
                .code(),
            "BZ-SQLPLUS-OUTPUT"
        );
        let r = request(Some("/u01/b"), None, false);
        let p = plan(&lookup(None, &[]), &r, None).unwrap();
        assert!(verify(&r, &p, "dba_directories", Some("/u01/b/")).is_ok());
        let err = verify(&r, &p, "dba_directories", None).unwrap_err();
        assert_eq!(err.code(), "BZ-DIRECTORY-VERIFY");
        assert!(lookup_sql(&r.name, "all_directories").contains("FROM all_directories"));
    }
}
