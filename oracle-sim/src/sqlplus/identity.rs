//! Who the simulated database is, as `v$database`, `v$instance` and `SYS_CONTEXT('USERENV', ...)`
//! report it.
//!
//! Every simulated home is its own database: the DB name comes from the home's folder name and
//! the DBID from its path, so two `oracle-sim init` homes are two databases (as PROD and TEST are)
//! and every later tool run in one home sees the same identity. A simulated database is a
//! non-CDB: `CON_NAME` is the DB name, `CON_ID` 0 and `CON_DBID` the DBID, as Oracle documents
//! for a non-CDB (see FIDELITY.md for what differs).

use crate::home::Home;
use crate::state::Database;

/// The identity of one simulated database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `DB_NAME`: at most 8 characters, upper case.
    pub db_name: String,
    /// `DB_UNIQUE_NAME` (the DB name, as when the parameter is not set).
    pub db_unique_name: String,
    /// `v$database.DBID`: a 32-bit number, never 0.
    pub dbid: u32,
    /// `v$instance.INSTANCE_NAME`: the DB name in lower case.
    pub instance_name: String,
    /// `v$instance.HOST_NAME` and `SERVER_HOST`.
    pub host_name: String,
}

/// The host name every simulated instance reports.
pub const HOST_NAME: &str = "oracle-sim";

impl Identity {
    /// The identity of the database in `home`.
    pub fn of_home(home: &Home) -> Identity {
        let path = home.dir.canonicalize().unwrap_or_else(|_| home.dir.clone());
        let db_name = db_name_from_folder(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .as_deref()
                .unwrap_or(""),
        );
        Identity {
            db_unique_name: db_name.clone(),
            instance_name: db_name.to_lowercase(),
            dbid: dbid_of(path.as_os_str().as_encoded_bytes()),
            db_name,
            host_name: HOST_NAME.to_string(),
        }
    }
}

/// `prod` → `PROD`, `test-db2` → `TESTDB2`, `bizagi_production` → `BIZAGIPR`: the letters and
/// digits of the folder name, upper case, at most 8 (Oracle's limit for DB_NAME), starting with a
/// letter; `ORCL` (the installer's default) when nothing usable is left.
pub fn db_name_from_folder(folder: &str) -> String {
    let name: String = folder
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .skip_while(|c| !c.is_ascii_alphabetic())
        .take(8)
        .collect();
    if name.is_empty() {
        "ORCL".to_string()
    } else {
        name
    }
}

/// FNV-1a over the home's path, folded to a non-zero 32-bit number like a real DBID.
fn dbid_of(bytes: &[u8]) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let folded = (hash ^ (hash >> 32)) as u32;
    folded.max(1)
}

/// The service a session reached the database through, from the connect identifier given to
/// CONNECT: `//host:port/service[:server][/instance]` or `host[:port]/service` (EZConnect), a
/// TNS alias as typed (the simulator has no tnsnames.ora to resolve it), or `SYS$USERS` for a
/// local (bequeath) connection without a connect identifier.
pub fn service_of(connect: Option<&str>) -> String {
    let Some(connect) = connect.map(str::trim).filter(|c| !c.is_empty()) else {
        return "SYS$USERS".to_string();
    };
    let body = connect.strip_prefix("//").unwrap_or(connect);
    match body.split_once('/') {
        Some((_, rest)) => {
            let service = rest.split(['/', ':']).next().unwrap_or(rest);
            if service.is_empty() {
                "SYS$USERS".to_string()
            } else {
                service.to_string()
            }
        }
        None => connect.to_string(),
    }
}

/// What the session knows about itself, for `SYS_CONTEXT('USERENV', ...)`.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub identity: Identity,
    /// The service the session connected through.
    pub service: String,
    /// The logged-on user.
    pub user: String,
    /// Whether the session has the DBA role (for `ISDBA`).
    pub is_dba: bool,
}

/// `SYS_CONTEXT(namespace, parameter)`: `Ok(None)` is NULL. Only the USERENV namespace is
/// defined in the simulator; any other namespace is an undefined context, which Oracle answers
/// with NULL. An unknown USERENV parameter is ORA-02003, as are the multitenant parameters on a
/// release before 12.1 (they did not exist yet).
pub fn sys_context(
    db: &Database,
    session: &SessionInfo,
    namespace: &str,
    parameter: &str,
) -> Result<Option<String>, String> {
    if !namespace.eq_ignore_ascii_case("USERENV") {
        return Ok(None);
    }
    let invalid = || "ORA-02003: invalid USERENV parameter".to_string();
    let id = &session.identity;
    let parameter = parameter.trim().to_ascii_uppercase();
    let multitenant = matches!(
        parameter.as_str(),
        "CON_NAME" | "CON_ID" | "CON_DBID" | "CDB_NAME" | "CDB_DOMAIN"
    );
    if multitenant && Database::major(&db.version) < 12 {
        return Err(invalid());
    }
    Ok(match parameter.as_str() {
        "DB_NAME" | "CON_NAME" => Some(id.db_name.clone()),
        "DB_UNIQUE_NAME" => Some(id.db_unique_name.clone()),
        "DB_DOMAIN" | "CDB_NAME" | "CDB_DOMAIN" => None,
        "CON_ID" => Some("0".to_string()),
        "CON_DBID" => Some(id.dbid.to_string()),
        "INSTANCE" => Some("1".to_string()),
        "INSTANCE_NAME" => Some(id.instance_name.clone()),
        "SERVER_HOST" => Some(id.host_name.clone()),
        "SERVICE_NAME" => Some(session.service.clone()),
        "SESSION_USER" | "CURRENT_USER" | "CURRENT_SCHEMA" | "AUTHENTICATED_IDENTITY" => {
            Some(session.user.clone())
        }
        "ISDBA" => Some(if session.is_dba { "TRUE" } else { "FALSE" }.to_string()),
        "LANGUAGE" => Some(format!("AMERICAN_AMERICA.{}", db.charset)),
        "DATABASE_ROLE" => Some("PRIMARY".to_string()),
        _ => return Err(invalid()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_names_follow_the_folder_within_oracles_limit() {
        assert_eq!(db_name_from_folder("prod"), "PROD");
        assert_eq!(db_name_from_folder("test-db2"), "TESTDB2");
        assert_eq!(db_name_from_folder("bizagi_production"), "BIZAGIPR");
        assert_eq!(db_name_from_folder("2nd"), "ND");
        assert_eq!(db_name_from_folder("..."), "ORCL");
    }

    #[test]
    fn two_homes_are_two_databases_and_one_home_is_always_the_same() {
        let a = dbid_of(b"/tmp/x/prod");
        let b = dbid_of(b"/tmp/x/test");
        assert_ne!(a, b);
        assert_eq!(a, dbid_of(b"/tmp/x/prod"));
        assert_ne!(a, 0);
    }

    #[test]
    fn the_service_comes_from_the_connect_identifier() {
        assert_eq!(service_of(Some("//prod-db:1521/PROD")), "PROD");
        assert_eq!(
            service_of(Some("prod-db/PROD.example.com")),
            "PROD.example.com"
        );
        assert_eq!(service_of(Some("//db:1521/SALES:dedicated/inst1")), "SALES");
        assert_eq!(service_of(Some("PRODTNS")), "PRODTNS");
        assert_eq!(service_of(None), "SYS$USERS");
    }
}
