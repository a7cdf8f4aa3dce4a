//! Data Pump jobs as the dictionary lists them (`dba_datapump_jobs`), and the rule that tells an
//! orphan from a job that must be left alone.
//!
//! A Data Pump job lives in the database, not in the client: a client that died leaves its job
//! listed, and a stopped or failed job keeps its master table (a normal table named after the
//! job in the owner's schema). A job NOT RUNNING, with no attached session and a master table
//! still present, is an orphan; the documented clean-up is `DROP TABLE owner.job PURGE`. See
//! `docs/oracle.md` ("Data Pump jobs").

use crate::oracle::identifier::Identifier;
use crate::oracle::sqlplus_output::{Row, SqlplusError};
use serde::Serialize;

/// Every job the database knows; rows are `OPERATION|MODE|STATE|SESSIONS|OWNER|JOB`.
pub const LIST_SQL: &str = "SELECT operation || '|' || job_mode || '|' || state || '|' || TO_CHAR(attached_sessions) || '|' || owner_name || '|' || job_name FROM dba_datapump_jobs ORDER BY owner_name, job_name";

/// One row of `dba_datapump_jobs`, with the master table check.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DataPumpJob {
    pub owner: String,
    pub job: String,
    pub operation: String,
    pub mode: String,
    pub state: String,
    pub attached_sessions: i64,
    /// For a NOT RUNNING job: whether the master table still exists (`None` otherwise).
    pub master_table: Option<bool>,
    pub orphan: bool,
}

impl DataPumpJob {
    /// NOT RUNNING: the only state in which the master table is worth checking.
    pub fn is_not_running(&self) -> bool {
        is_not_running(&self.state)
    }

    /// NOT RUNNING and no session attached.
    pub fn is_stopped(&self) -> bool {
        self.is_not_running() && self.attached_sessions == 0
    }

    /// Records the master table check; an orphan is a stopped job whose master table remains.
    pub fn set_master_table(&mut self, exists: bool) {
        self.master_table = Some(exists);
        self.orphan = exists && self.is_stopped();
    }
}

fn is_not_running(state: &str) -> bool {
    state.eq_ignore_ascii_case("NOT RUNNING")
}

/// Reads one row of [`LIST_SQL`].
pub fn parse(row: &Row) -> Result<DataPumpJob, SqlplusError> {
    let f = row.fields(6)?;
    let attached_sessions = f[3].trim().parse().map_err(|_| SqlplusError::Unexpected {
        line: row.0.clone(),
    })?;
    Ok(DataPumpJob {
        operation: f[0].trim().to_string(),
        mode: f[1].trim().to_string(),
        state: f[2].trim().to_string(),
        attached_sessions,
        owner: f[4].trim().to_string(),
        job: f[5].trim().to_string(),
        master_table: None,
        orphan: false,
    })
}

/// Whether the job's master table exists: one row, a count.
pub fn master_table_sql(owner: &Identifier, job: &Identifier) -> String {
    format!(
        "SELECT TO_CHAR(COUNT(*)) FROM dba_tables WHERE owner = {} AND table_name = {}",
        owner.literal(),
        job.literal()
    )
}

/// The state of one job; rows are `STATE|SESSIONS`.
pub fn job_row_sql(owner: &Identifier, job: &Identifier) -> String {
    format!(
        "SELECT state || '|' || TO_CHAR(attached_sessions) FROM dba_datapump_jobs WHERE owner_name = {} AND job_name = {}",
        owner.literal(),
        job.literal()
    )
}

/// Reads the single row of a `COUNT(*)` query.
pub fn count(rows: &[Row]) -> Result<i64, SqlplusError> {
    match rows {
        [row] => row.0.trim().parse().map_err(|_| SqlplusError::Unexpected {
            line: row.0.clone(),
        }),
        _ => Err(SqlplusError::Unexpected {
            line: format!("{} rows for COUNT(*)", rows.len()),
        }),
    }
}

/// The stored name in double quotes, so its exact case is what gets dropped.
pub fn quoted(name: &Identifier) -> String {
    format!("\"{}\"", name.as_stored())
}

/// The documented clean-up of an orphan.
pub fn drop_sql(owner: &Identifier, job: &Identifier) -> String {
    format!("DROP TABLE {}.{} PURGE;", quoted(owner), quoted(job))
}

/// Why a job is not an orphan bizscript may clean up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrphanError {
    #[error("{qualified} is not a Data Pump job in dba_datapump_jobs")]
    NotListed { qualified: String, table: bool },
    #[error("several rows for {qualified}")]
    SeveralRows { qualified: String },
    #[error("{qualified} is {state} with {attached} attached session(s); only a NOT RUNNING job without sessions is an orphan")]
    Running {
        qualified: String,
        state: String,
        attached: i64,
    },
    #[error("{qualified} has no master table left to drop")]
    NoMasterTable { qualified: String },
    #[error("{0}")]
    Output(#[from] SqlplusError),
}

impl OrphanError {
    /// The stable code a script can match (`None`: the sqlplus error's own code).
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Self::NotListed { .. } => "BZ-JOB-NOT-FOUND",
            Self::SeveralRows { .. } => "BZ-SQLPLUS-OUTPUT",
            Self::Running { .. } => "BZ-JOB-RUNNING",
            Self::NoMasterTable { .. } => "BZ-JOB-NO-MASTER",
            Self::Output(_) => return None,
        })
    }

    /// What the DBA can do about it.
    pub fn hint(&self) -> String {
        match self {
            Self::NotListed { table: true, .. } => "a table of that name exists, but bizscript only drops the master tables of listed jobs; check by hand".into(),
            Self::NotListed { table: false, .. } => "list the jobs with datapump_jobs(db); names are as stored (upper case unless quoted)".into(),
            Self::SeveralRows { .. } => "please report this with the output".into(),
            Self::Running { qualified, .. } => format!("to stop it: expdp ATTACH={qualified}, then STOP_JOB (restartable) or KILL_JOB"),
            Self::NoMasterTable { qualified } => format!("attach and kill it: expdp ATTACH={qualified}, then KILL_JOB"),
            Self::Output(e) => e.advice(),
        }
    }
}

/// Decides from the rows of [`job_row_sql`] and the master table count whether the job is an
/// orphan that may be dropped.
pub fn check_orphan(
    qualified: &str,
    job_rows: &[Row],
    master_table_rows: &[Row],
) -> Result<(), OrphanError> {
    let table = count(master_table_rows)? > 0;
    let (state, attached) = match job_rows {
        [] => {
            return Err(OrphanError::NotListed {
                qualified: qualified.into(),
                table,
            })
        }
        [row] => {
            let f = row.fields(2)?;
            (
                f[0].trim().to_string(),
                f[1].trim().parse::<i64>().unwrap_or(-1),
            )
        }
        _ => {
            return Err(OrphanError::SeveralRows {
                qualified: qualified.into(),
            })
        }
    };
    if !is_not_running(&state) || attached != 0 {
        return Err(OrphanError::Running {
            qualified: qualified.into(),
            state,
            attached,
        });
    }
    if !table {
        return Err(OrphanError::NoMasterTable {
            qualified: qualified.into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::identifier::NameLimit;

    fn rows(lines: &[&str]) -> Vec<Row> {
        lines.iter().map(|l| Row(l.to_string())).collect()
    }

    #[test]
    fn parses_a_job_row() {
        let job = parse(&Row(
            "EXPORT|SCHEMA|NOT RUNNING|0|BIZAGIADMON|SYS_EXPORT_SCHEMA_01".into(),
        ))
        .unwrap();
        assert_eq!(job.owner, "BIZAGIADMON");
        assert_eq!(job.job, "SYS_EXPORT_SCHEMA_01");
        assert_eq!(job.state, "NOT RUNNING");
        assert!(job.is_stopped());
        assert!(parse(&Row("EXPORT|SCHEMA|EXECUTING|x|A|B".into())).is_err());
        assert!(parse(&Row("EXPORT|SCHEMA".into())).is_err());
    }

    #[test]
    fn an_orphan_is_stopped_with_its_master_table() {
        let mut job = parse(&Row("EXPORT|SCHEMA|NOT RUNNING|0|A|J".into())).unwrap();
        job.set_master_table(true);
        assert!(job.orphan);
        job.set_master_table(false);
        assert!(!job.orphan);
        let mut attached = parse(&Row("EXPORT|SCHEMA|NOT RUNNING|1|A|J".into())).unwrap();
        attached.set_master_table(true);
        assert!(!attached.orphan);
    }

    #[test]
    fn names_go_into_sql_as_literals_and_quoted_identifiers() {
        let owner = Identifier::stored("BIZAGIADMON", NameLimit::From122).unwrap();
        let job = Identifier::stored("My'Job", NameLimit::From122).unwrap();
        assert_eq!(
            master_table_sql(&owner, &job),
            "SELECT TO_CHAR(COUNT(*)) FROM dba_tables WHERE owner = 'BIZAGIADMON' AND table_name = 'My''Job'"
        );
        assert_eq!(quoted(&job), "\"My'Job\"");
        assert_eq!(
            drop_sql(&owner, &job),
            "DROP TABLE \"BIZAGIADMON\".\"My'Job\" PURGE;"
        );
    }

    #[test]
    fn only_an_orphan_may_be_dropped() {
        let q = "A.J";
        assert_eq!(
            check_orphan(q, &rows(&["NOT RUNNING|0"]), &rows(&["1"])),
            Ok(())
        );
        let code = |job: &[&str], table: &[&str]| {
            check_orphan(q, &rows(job), &rows(table))
                .unwrap_err()
                .code()
        };
        assert_eq!(code(&[], &["1"]), Some("BZ-JOB-NOT-FOUND"));
        assert_eq!(code(&["EXECUTING|1"], &["1"]), Some("BZ-JOB-RUNNING"));
        assert_eq!(code(&["NOT RUNNING|1"], &["1"]), Some("BZ-JOB-RUNNING"));
        assert_eq!(code(&["NOT RUNNING|0"], &["0"]), Some("BZ-JOB-NO-MASTER"));
        assert_eq!(
            code(&["NOT RUNNING|0", "NOT RUNNING|0"], &["1"]),
            Some("BZ-SQLPLUS-OUTPUT")
        );
        assert_eq!(code(&["NOT RUNNING|0"], &[]), None);
        let listed_table = check_orphan(q, &[], &rows(&["1"])).unwrap_err();
        assert!(listed_table.hint().contains("a table of that name exists"));
    }
}
