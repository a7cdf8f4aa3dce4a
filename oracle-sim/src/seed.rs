//! The default database a simulated home starts with: a 19c database in AL32UTF8, the users
//! SYS, SYSTEM, BIZAGIADMON (the Bizagi admin, with the Data Pump roles) and BIZAGI (the project
//! schema, a few dozen tables of varied sizes), and two directory objects.

use crate::home::Home;
use crate::scenario::Scenario;
use crate::state::{Database, DbObject, Directory, DirectoryGrant, Table, Tablespace, User};

/// The project schema's tables: name and (rows, average row length in bytes). Deterministic, so
/// every home exports the same data; a few large tables, many small ones, two empty ones. The
/// total is about 3 MB, which keeps every dump small and every scenario fast.
const BIZAGI_TABLES: &[(&str, u64, u64)] = &[
    ("WORKITEMHISTORY", 5210, 142),
    ("WFCASE", 3187, 131),
    ("WORKITEM", 2944, 117),
    ("CASEEVENT", 2311, 96),
    ("ASYNCWORKITEMLOG", 1840, 188),
    ("CUSTOMLOG", 1502, 160),
    ("M_REQUEST", 1207, 211),
    ("M_CUSTOMER", 980, 174),
    ("ASYNCWORKITEM", 731, 88),
    ("TASKASSIGN", 640, 64),
    ("BAATTRIB", 612, 120),
    ("ENTITYATTRIB", 598, 92),
    ("BAENTITY", 233, 140),
    ("TASK", 221, 156),
    ("WFCLASS", 84, 260),
    ("BAPROCESS", 84, 190),
    ("WFUSER", 57, 222),
    ("USERROLE", 91, 36),
    ("WFROLE", 12, 98),
    ("PARAMETER", 48, 80),
    ("BAFILE", 37, 310),
    ("UPLOAD", 29, 144),
    ("ORGANIZATION", 3, 112),
    ("AREA", 14, 70),
    ("LOCATION", 9, 76),
    ("POSITION", 22, 66),
    ("SKILL", 11, 58),
    ("WFUSERSKILL", 40, 24),
    ("STAKEHOLDER", 6, 90),
    ("HOLIDAY", 104, 40),
    ("SCHEDULE", 7, 130),
    ("SCHEDJOB", 18, 150),
    ("JOBLOG", 412, 120),
    ("BIZAGIINFO", 1, 400),
    ("P_REQUESTTYPE", 5, 60),
    ("ASSOCPROC", 0, 0),
    ("CASEHISTORY", 0, 0),
];

/// The Data Pump object paths of a schema export of BIZAGI, with object counts.
pub const SCHEMA_OBJECT_PATHS: &[(&str, u32)] = &[
    ("SCHEMA_EXPORT/TABLE/TABLE_DATA", 0),
    ("SCHEMA_EXPORT/TABLE/INDEX/STATISTICS/INDEX_STATISTICS", 52),
    ("SCHEMA_EXPORT/TABLE/STATISTICS/TABLE_STATISTICS", 37),
    ("SCHEMA_EXPORT/STATISTICS/MARKER", 1),
    ("SCHEMA_EXPORT/USER", 1),
    ("SCHEMA_EXPORT/SYSTEM_GRANT", 6),
    ("SCHEMA_EXPORT/ROLE_GRANT", 2),
    ("SCHEMA_EXPORT/DEFAULT_ROLE", 1),
    ("SCHEMA_EXPORT/TABLESPACE_QUOTA", 1),
    ("SCHEMA_EXPORT/PRE_SCHEMA/PROCACT_SCHEMA", 1),
    ("SCHEMA_EXPORT/SEQUENCE/SEQUENCE", 9),
    ("SCHEMA_EXPORT/TABLE/TABLE", 37),
    ("SCHEMA_EXPORT/TABLE/COMMENT", 12),
    ("SCHEMA_EXPORT/PROCEDURE/PROCEDURE", 3),
    ("SCHEMA_EXPORT/PROCEDURE/ALTER_PROCEDURE", 3),
    ("SCHEMA_EXPORT/VIEW/VIEW", 4),
    ("SCHEMA_EXPORT/TABLE/INDEX/INDEX", 52),
    ("SCHEMA_EXPORT/TABLE/CONSTRAINT/CONSTRAINT", 41),
    ("SCHEMA_EXPORT/TABLE/CONSTRAINT/REF_CONSTRAINT", 28),
];

fn user(name: &str, roles: &[&str], privileges: &[&str], ts: &str) -> User {
    User {
        name: name.to_string(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        privileges: privileges.iter().map(|p| p.to_string()).collect(),
        default_tablespace: ts.to_string(),
        account_status: "OPEN".to_string(),
        created: "2024-03-11T09:14:02".to_string(),
    }
}

/// Builds the database for `scenario`.
/// `remote`: the database server is another host, which names its folders under
/// `/oracle-server/`.
pub fn database(
    home: &Home,
    scenario: Scenario,
    version: &str,
    charset: &str,
    remote: bool,
) -> Database {
    let admin = if scenario == Scenario::NoPrivilege {
        user(
            "BIZAGIADMON",
            &[
                "CONNECT",
                "RESOURCE",
                "DATAPUMP_EXP_FULL_DATABASE",
                "DATAPUMP_IMP_FULL_DATABASE",
            ],
            &["CREATE SESSION", "CREATE TABLE", "UNLIMITED TABLESPACE"],
            "USERS",
        )
    } else {
        user(
            "BIZAGIADMON",
            &[
                "CONNECT",
                "RESOURCE",
                "DBA",
                "DATAPUMP_EXP_FULL_DATABASE",
                "DATAPUMP_IMP_FULL_DATABASE",
            ],
            &[
                "CREATE SESSION",
                "CREATE TABLE",
                "CREATE ANY DIRECTORY",
                "UNLIMITED TABLESPACE",
            ],
            "USERS",
        )
    };
    let mut users = vec![
        user("SYS", &["DBA"], &[], "SYSTEM"),
        user("SYSTEM", &["DBA"], &["UNLIMITED TABLESPACE"], "SYSTEM"),
        admin,
        user(
            "BIZAGI",
            &["CONNECT", "RESOURCE"],
            &["CREATE SESSION", "CREATE TABLE", "UNLIMITED TABLESPACE"],
            "USERS",
        ),
    ];
    if scenario == Scenario::NoAdminUser {
        users.retain(|u| u.name != "BIZAGIADMON");
    }
    if scenario == Scenario::SchemaExists {
        users.push(user(
            "BIZAGI_RESTORE",
            &["CONNECT", "RESOURCE"],
            &["CREATE SESSION", "CREATE TABLE", "UNLIMITED TABLESPACE"],
            "USERS",
        ));
    }
    let charset = if scenario == Scenario::CharsetIncompatible {
        "US7ASCII"
    } else {
        charset
    };

    // On a remote database server the paths are the server's own, not this machine's.
    let server_path = |local: std::path::PathBuf| {
        if remote {
            let name = local
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{}/{name}", crate::home::REMOTE_PREFIX)
        } else {
            local.display().to_string()
        }
    };
    let mut directories = vec![Directory {
        name: "DATA_PUMP_DIR".to_string(),
        path: server_path(home.dpdump_path()),
        grants: vec![],
    }];
    if scenario != Scenario::NoDirectory {
        directories.push(Directory {
            name: "BIZAGIBACKUPPATH".to_string(),
            path: server_path(home.backup_path()),
            grants: if scenario == Scenario::NoAdminUser {
                vec![]
            } else {
                vec![
                    DirectoryGrant {
                        grantee: "BIZAGIADMON".to_string(),
                        privilege: "READ".to_string(),
                    },
                    DirectoryGrant {
                        grantee: "BIZAGIADMON".to_string(),
                        privilege: "WRITE".to_string(),
                    },
                ]
            },
        });
    }

    let owners: &[&str] = if scenario == Scenario::SchemaExists {
        &["BIZAGI", "BIZAGI_RESTORE"]
    } else {
        &["BIZAGI"]
    };
    let tables = owners
        .iter()
        .flat_map(|o| BIZAGI_TABLES.iter().map(move |t| (*o, t)))
        .map(|(owner, &(name, rows, avg))| Table {
            owner: owner.to_string(),
            name: name.to_string(),
            rows,
            // Data Pump reports at least a few KB for any non-empty table (block overhead).
            bytes: if rows > 0 { rows * avg + 5_120 } else { 0 },
            tablespace: "USERS".to_string(),
        })
        .collect();

    const MB: u64 = 1024 * 1024;
    let users_free = if scenario == Scenario::TablespaceFull {
        64 * 1024
    } else {
        412 * MB
    };
    let tablespaces = vec![
        tablespace("SYSTEM", "PERMANENT", 900 * MB, 12 * MB, true),
        tablespace("SYSAUX", "PERMANENT", 700 * MB, 41 * MB, true),
        tablespace("UNDOTBS1", "UNDO", 340 * MB, 300 * MB, true),
        tablespace("TEMP", "TEMPORARY", 128 * MB, 128 * MB, true),
        tablespace(
            "USERS",
            "PERMANENT",
            512 * MB,
            users_free,
            scenario != Scenario::TablespaceFull,
        ),
    ];

    // The client tools are of the database's release (19c for older databases, whose homes
    // here always carry a 19c client).
    let client = if scenario == Scenario::ClientTooNew {
        ("21.0.0.0.0".to_string(), "21.3.0.0.0".to_string())
    } else if Database::major(version) > 19 {
        (version.to_string(), full_version(version))
    } else {
        ("19.0.0.0.0".to_string(), "19.27.0.0.0".to_string())
    };
    Database {
        scenario,
        version: version.to_string(),
        version_full: full_version(version),
        client_version: client.0,
        client_version_full: client.1,
        charset: charset.to_string(),
        ncharset: "AL16UTF16".to_string(),
        users,
        directories,
        tables,
        tablespaces,
        jobs: vec![],
        objects: owners
            .iter()
            .flat_map(|o| schema_objects(o, "VALID"))
            .collect(),
        created: chrono::Local::now()
            .format("%d-%b-%y")
            .to_string()
            .to_uppercase(),
    }
}

/// The project schema's procedures, views and sequences (what the import's PROCEDURE, VIEW and
/// SEQUENCE object paths create), all with `status`.
pub fn schema_objects(owner: &str, status: &str) -> Vec<DbObject> {
    const OBJECTS: &[(&str, &str)] = &[
        ("SP_PURGE_LOGS", "PROCEDURE"),
        ("SP_REBUILD_STATS", "PROCEDURE"),
        ("SP_ARCHIVE_CASES", "PROCEDURE"),
        ("VW_OPEN_CASES", "VIEW"),
        ("VW_WORKITEMS", "VIEW"),
        ("VW_USERS", "VIEW"),
        ("VW_TASKS", "VIEW"),
        ("SEQ_WFCASE", "SEQUENCE"),
    ];
    OBJECTS
        .iter()
        .map(|&(name, kind)| DbObject {
            owner: owner.to_string(),
            name: name.to_string(),
            object_type: kind.to_string(),
            // A sequence has no code to compile: it is always VALID.
            status: if kind == "SEQUENCE" { "VALID" } else { status }.to_string(),
        })
        .collect()
}

fn tablespace(name: &str, contents: &str, total: u64, free: u64, auto: bool) -> Tablespace {
    Tablespace {
        name: name.to_string(),
        contents: contents.to_string(),
        total_bytes: total,
        free_bytes: free,
        autoextensible: auto,
    }
}

/// The release-update level shown in `Version ...` lines: 19c databases of this simulator are at
/// RU 19.27; other releases show their base release.
fn full_version(version: &str) -> String {
    if version == "19.0.0.0.0" {
        "19.27.0.0.0".to_string()
    } else if version == "21.0.0.0.0" {
        "21.3.0.0.0".to_string()
    } else if version == "23.0.0.0.0" {
        "23.6.0.24.10".to_string()
    } else {
        version.to_string()
    }
}
