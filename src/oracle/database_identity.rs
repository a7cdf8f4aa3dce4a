//! Which database a session is connected to, as the database itself reports it: the queries and
//! the reading of their rows (no processes, no Rhai; the `database_identity` primitive runs them).
//!
//! Retention must never mistake one database's backups for another's (PROD and TEST commonly
//! share a schema name and an archive folder), so every manifest records this identity and
//! retention compares [`DatabaseIdentity::key`].
//!
//! Where each fact comes from, and who may read it:
//!
//! | query | facts | needs |
//! | --- | --- | --- |
//! | [`USERENV_QUERY`] | DB_NAME, DB_UNIQUE_NAME, SERVICE_NAME, INSTANCE_NAME, SERVER_HOST | nothing: `SYS_CONTEXT('USERENV', ...)` is open to every session |
//! | [`CONTAINER_QUERY`] | CON_NAME, CON_ID, CON_DBID | nothing; 12.1 and later (ORA-02003 "invalid USERENV parameter" before) |
//! | [`DATABASE_QUERY`] | v$database DBID, NAME, DB_UNIQUE_NAME | SELECT_CATALOG_ROLE or SELECT ANY DICTIONARY (ORA-00942 otherwise) |
//! | [`INSTANCE_QUERY`] | v$instance HOST_NAME, INSTANCE_NAME | the same |
//!
//! The identity key is `DBID:DB_NAME:CON_NAME`, with the DBID of the *container* the session is
//! in: `CON_DBID` (12.1+, any user; in a non-CDB it equals v$database's DBID, in a PDB it is the
//! PDB's own DBID, which is what tells two PDBs of one CDB apart), else v$database's DBID (11g
//! with a privileged user). The instance and host are recorded but not part of the key: on RAC
//! every run may land on another node. DB_UNIQUE_NAME is not part of it either, so a Data Guard
//! switchover does not make a database a stranger to its own backups.
//!
//! Fallback: an 11g session without SELECT_CATALOG_ROLE can read no DBID at all. The identity
//! then has no key (`key: None`, `basis: "names only"`), and retention refuses to act on it:
//! two databases both called ORCL are common, and a name alone cannot prove which is which.

use serde::Serialize;

/// Every session may run this one (`SYS_CONTEXT('USERENV', ...)` needs no privilege, on every
/// release bizscript supports).
pub const USERENV_QUERY: &str = "SELECT sys_context('USERENV', 'DB_NAME') || '|' || \
     sys_context('USERENV', 'DB_UNIQUE_NAME') || '|' || sys_context('USERENV', 'SERVICE_NAME') \
     || '|' || sys_context('USERENV', 'INSTANCE_NAME') || '|' || \
     sys_context('USERENV', 'SERVER_HOST') FROM dual";

/// 12.1 and later: the container the session is in. Before 12.1 these parameters do not exist
/// and the query fails with ORA-02003 (see [`is_missing_userenv_parameter`]).
pub const CONTAINER_QUERY: &str = "SELECT sys_context('USERENV', 'CON_NAME') || '|' || \
     sys_context('USERENV', 'CON_ID') || '|' || sys_context('USERENV', 'CON_DBID') FROM dual";

/// v$database: needs SELECT_CATALOG_ROLE (ORA-00942 otherwise, see [`is_not_visible`]). In a
/// PDB it describes the CDB.
pub const DATABASE_QUERY: &str =
    "SELECT dbid || '|' || name || '|' || db_unique_name FROM v$database";

/// v$instance: the same privilege.
pub const INSTANCE_QUERY: &str = "SELECT host_name || '|' || instance_name FROM v$instance";

/// The Oracle error a release before 12.1 gives for [`CONTAINER_QUERY`].
pub fn is_missing_userenv_parameter(code: &str) -> bool {
    code == "ORA-02003"
}

/// The Oracle errors that mean "this user may not read v$database / v$instance".
pub fn is_not_visible(code: &str) -> bool {
    matches!(code, "ORA-00942" | "ORA-01031" | "ORA-04043")
}

/// Why a row could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The query returned no row, or more than one.
    #[error("{query} returned {rows} row(s) where exactly one was expected")]
    RowCount { query: &'static str, rows: usize },
    /// A row did not have the expected shape.
    #[error("{query}: cannot read the row `{row}`: {reason}")]
    Row {
        query: &'static str,
        row: String,
        reason: String,
    },
}

/// What the database said about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DatabaseIdentity {
    /// DB_NAME as the session sees it (in a PDB on 12.2+: the PDB's name).
    pub db_name: String,
    pub db_unique_name: Option<String>,
    /// The service the session connected through.
    pub service_name: Option<String>,
    pub instance_name: Option<String>,
    /// SERVER_HOST: the host of the instance the session is on.
    pub server_host: Option<String>,
    /// CON_NAME (12.1+): the PDB's name, `CDB$ROOT`, or the DB name in a non-CDB.
    pub con_name: Option<String>,
    /// CON_ID (12.1+): 0 in a non-CDB, 1 in the root, 3 and up in a PDB.
    pub con_id: Option<u64>,
    /// CON_DBID (12.1+): the DBID of the container the session is in.
    pub con_dbid: Option<u64>,
    /// v$database.DBID (when readable): in a PDB, the CDB's DBID.
    pub dbid: Option<u64>,
    /// v$database.NAME (when readable): in a PDB, the CDB's name.
    pub database_name: Option<String>,
    /// v$instance.HOST_NAME (when readable).
    pub host_name: Option<String>,
    /// What the key rests on: `CON_DBID`, `v$database.DBID`, or `names only` (no key).
    pub basis: &'static str,
    /// `DBID:DB_NAME:CON_NAME`: what retention compares. `None` when no DBID was readable.
    pub key: Option<String>,
    /// The queries that answered, for the manifest reader.
    pub sources: Vec<&'static str>,
}

fn one_row<'a>(query: &'static str, rows: &'a [String]) -> Result<&'a str, IdentityError> {
    match rows {
        [row] => Ok(row.as_str()),
        _ => Err(IdentityError::RowCount {
            query,
            rows: rows.len(),
        }),
    }
}

fn split<'a>(
    query: &'static str,
    row: &'a str,
    n: usize,
) -> Result<Vec<Option<&'a str>>, IdentityError> {
    let fields: Vec<&str> = row.splitn(n, '|').collect();
    if fields.len() != n {
        return Err(IdentityError::Row {
            query,
            row: row.to_string(),
            reason: format!("{} field(s) where {n} were expected", fields.len()),
        });
    }
    Ok(fields
        .into_iter()
        .map(|f| Some(f.trim()).filter(|f| !f.is_empty()))
        .collect())
}

fn number(
    query: &'static str,
    row: &str,
    value: Option<&str>,
) -> Result<Option<u64>, IdentityError> {
    value
        .map(|v| {
            v.parse::<u64>().map_err(|_| IdentityError::Row {
                query,
                row: row.to_string(),
                reason: format!("`{v}` is not a number"),
            })
        })
        .transpose()
}

impl DatabaseIdentity {
    /// Reads the row of [`USERENV_QUERY`]. DB_NAME must be there: every Oracle session has one.
    pub fn from_userenv(rows: &[String]) -> Result<Self, IdentityError> {
        const Q: &str = "the USERENV query";
        let row = one_row(Q, rows)?;
        let f = split(Q, row, 5)?;
        let db_name = f[0].ok_or_else(|| IdentityError::Row {
            query: Q,
            row: row.to_string(),
            reason: "DB_NAME is empty".into(),
        })?;
        Ok(Self {
            db_name: db_name.to_ascii_uppercase(),
            db_unique_name: f[1].map(str::to_ascii_uppercase),
            service_name: f[2].map(str::to_string),
            instance_name: f[3].map(str::to_string),
            server_host: f[4].map(str::to_string),
            basis: "names only",
            sources: vec!["SYS_CONTEXT('USERENV')"],
            ..Self::default()
        })
    }

    /// Adds the row of [`CONTAINER_QUERY`].
    pub fn with_container(mut self, rows: &[String]) -> Result<Self, IdentityError> {
        const Q: &str = "the container query";
        let row = one_row(Q, rows)?;
        let f = split(Q, row, 3)?;
        self.con_name = f[0].map(str::to_ascii_uppercase);
        self.con_id = number(Q, row, f[1])?;
        self.con_dbid = number(Q, row, f[2])?;
        self.sources.push("SYS_CONTEXT('USERENV', 'CON_*')");
        Ok(self.keyed())
    }

    /// Adds the row of [`DATABASE_QUERY`].
    pub fn with_database(mut self, rows: &[String]) -> Result<Self, IdentityError> {
        const Q: &str = "the v$database query";
        let row = one_row(Q, rows)?;
        let f = split(Q, row, 3)?;
        self.dbid = number(Q, row, f[0])?;
        self.database_name = f[1].map(str::to_ascii_uppercase);
        if self.db_unique_name.is_none() {
            self.db_unique_name = f[2].map(str::to_ascii_uppercase);
        }
        self.sources.push("v$database");
        Ok(self.keyed())
    }

    /// Adds the row of [`INSTANCE_QUERY`].
    pub fn with_instance(mut self, rows: &[String]) -> Result<Self, IdentityError> {
        const Q: &str = "the v$instance query";
        let row = one_row(Q, rows)?;
        let f = split(Q, row, 2)?;
        self.host_name = f[0].map(str::to_string);
        if self.instance_name.is_none() {
            self.instance_name = f[1].map(str::to_string);
        }
        self.sources.push("v$instance");
        Ok(self)
    }

    /// Recomputes the key from what is known (see the module documentation).
    fn keyed(mut self) -> Self {
        let (dbid, basis) = match (self.con_dbid, self.dbid) {
            (Some(id), _) if id != 0 => (Some(id), "CON_DBID"),
            (_, Some(id)) if id != 0 => (Some(id), "v$database.DBID"),
            _ => (None, "names only"),
        };
        let container = self
            .con_name
            .clone()
            .unwrap_or_else(|| self.db_name.clone());
        self.basis = basis;
        self.key = dbid.map(|id| format!("{id}:{}:{container}", self.db_name));
        self
    }
}

/// The host and port of an Easy Connect string as given (`//host:port/service`,
/// `host/service`, `tcps://host:port/service`): the session cannot see which listener port it
/// came through without privileges, so the manifest records the port the DBA asked for, labelled
/// as such. `None` for a TNS alias or a full descriptor.
pub fn easy_connect_address(connect: &str) -> Option<(String, Option<u16>)> {
    let connect = connect.trim();
    if connect.starts_with('(') || connect.is_empty() {
        return None;
    }
    let body = connect
        .split_once("://")
        .map_or(connect, |(_, rest)| rest)
        .trim_start_matches("//");
    let (address, _) = body.split_once('/')?;
    // `[::1]:1521` keeps the brackets of an IPv6 literal.
    let (host, port) = match address.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => {
            (h, p.parse().ok())
        }
        _ => (address, None),
    };
    (!host.is_empty()).then(|| (host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<String> {
        vec![text.to_string()]
    }

    #[test]
    fn a_privileged_session_on_19c_is_keyed_by_con_dbid() {
        let id = DatabaseIdentity::from_userenv(&rows("prod|PROD|PROD.example.com|prod1|dbhost01"))
            .unwrap()
            .with_container(&rows("PROD|0|2540335789"))
            .unwrap()
            .with_database(&rows("2540335789|PROD|PROD"))
            .unwrap()
            .with_instance(&rows("dbhost01.example.com|prod1"))
            .unwrap();
        assert_eq!(id.db_name, "PROD");
        assert_eq!(id.basis, "CON_DBID");
        assert_eq!(id.key.as_deref(), Some("2540335789:PROD:PROD"));
        assert_eq!(id.host_name.as_deref(), Some("dbhost01.example.com"));
        assert_eq!(id.sources.len(), 4);
    }

    #[test]
    fn an_unprivileged_session_has_the_same_key_as_a_privileged_one() {
        let user = DatabaseIdentity::from_userenv(&rows("PROD|PROD|PROD|prod1|dbhost01"))
            .unwrap()
            .with_container(&rows("PROD|0|2540335789"))
            .unwrap();
        let dba = user
            .clone()
            .with_database(&rows("2540335789|PROD|PROD"))
            .unwrap();
        assert_eq!(user.key, dba.key);
        assert!(user.dbid.is_none());
    }

    #[test]
    fn two_pdbs_of_one_cdb_are_two_databases() {
        let pdb = |name: &str, con_dbid: &str| {
            DatabaseIdentity::from_userenv(&rows(&format!("{name}|CDB1|{name}|cdb1|h")))
                .unwrap()
                .with_container(&rows(&format!("{name}|3|{con_dbid}")))
                .unwrap()
                .with_database(&rows("1930093401|CDB1|CDB1"))
                .unwrap()
        };
        let prod = pdb("BIZPROD", "2256797992");
        let test = pdb("BIZTEST", "4054529501");
        assert_ne!(prod.key, test.key);
        assert_eq!(prod.dbid, test.dbid, "the CDB is the same");
    }

    #[test]
    fn eleven_g_keys_by_v_database_and_without_it_has_no_key() {
        let base = DatabaseIdentity::from_userenv(&rows("ORCL|ORCL|ORCL|orcl|h")).unwrap();
        assert_eq!(base.key, None);
        assert_eq!(base.basis, "names only");
        let dba = base.with_database(&rows("1234567|ORCL|ORCL")).unwrap();
        assert_eq!(dba.basis, "v$database.DBID");
        assert_eq!(dba.key.as_deref(), Some("1234567:ORCL:ORCL"));
    }

    #[test]
    fn malformed_rows_are_errors_not_guesses() {
        assert!(matches!(
            DatabaseIdentity::from_userenv(&[]),
            Err(IdentityError::RowCount { rows: 0, .. })
        ));
        assert!(DatabaseIdentity::from_userenv(&rows("|X|Y|Z|W")).is_err());
        assert!(DatabaseIdentity::from_userenv(&rows("A|B")).is_err());
        let base = DatabaseIdentity::from_userenv(&rows("A|A|A|a|h")).unwrap();
        assert!(base.with_container(&rows("A|0|not-a-number")).is_err());
    }

    #[test]
    fn easy_connect_strings_give_host_and_port() {
        assert_eq!(
            easy_connect_address("//prod-db:1521/PROD"),
            Some(("prod-db".into(), Some(1521)))
        );
        assert_eq!(
            easy_connect_address("test-db/TEST"),
            Some(("test-db".into(), None))
        );
        assert_eq!(
            easy_connect_address("tcps://db.example.com:2484/SALES"),
            Some(("db.example.com".into(), Some(2484)))
        );
        assert_eq!(
            easy_connect_address("//[::1]:1521/XE"),
            Some(("[::1]".into(), Some(1521)))
        );
        assert_eq!(easy_connect_address("PRODTNS"), None);
        assert_eq!(
            easy_connect_address("(DESCRIPTION=(ADDRESS=(HOST=x)))"),
            None
        );
    }

    #[test]
    fn the_error_classifiers_name_the_codes_they_accept() {
        assert!(is_missing_userenv_parameter("ORA-02003"));
        assert!(!is_missing_userenv_parameter("ORA-00942"));
        assert!(is_not_visible("ORA-00942"));
        assert!(!is_not_visible("ORA-01017"));
    }
}
