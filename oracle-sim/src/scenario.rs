//! The named situations a simulated home can be set up for.
//!
//! A scenario is chosen once, at `oracle-sim init`, and stored with the database state: every
//! later `expdp`, `impdp` or `sqlplus` run in that home behaves accordingly.

use serde::{Deserialize, Serialize};

/// What a simulated home simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Everything works.
    Ok,
    /// Jobs complete with errors a person must review (export: ORA-39173 + ORA-39127; import:
    /// ORA-39082 + ORA-31684 on a non-USER object). Exit 5.
    Warnings,
    /// A worker hits a fatal error; the job stops due to fatal error. Exit 1.
    Fatal,
    /// The client dies mid-job (killed), leaving the job NOT RUNNING.
    Crash,
    /// A job that runs for about a minute, printing a line every half second.
    Slow,
    /// Import: a resumable wait on a full tablespace, then ORA-01653 / ORA-31693.
    TablespaceFull,
    /// The client's NLS_LANG is WE8MSWIN1252 against the AL32UTF8 database.
    CharsetMismatch,
    /// The home has no message files (UDE-00013 / UDI-00013 / SP2-0667).
    BadHome,
    /// The client is newer than the database (UDE-00018).
    ClientTooNew,
    /// The directory object BIZAGIBACKUPPATH does not exist yet.
    NoDirectory,
    /// Every logon fails with ORA-01017.
    BadPassword,
    /// BIZAGIADMON lacks the DBA role and CREATE ANY DIRECTORY.
    NoPrivilege,
    /// The dump file's file system fills up during the export (ORA-27072).
    DiskFull,
    /// The database runs on another host: `dba_directories` reports server paths under
    /// `/oracle-server/`, which the client machine does not have; the files land in the home's
    /// `server/` folder (what a site would mount).
    Remote,
    /// Import: one data byte of every dump file expdp writes here is flipped after the
    /// checksum was computed: VERIFY_ONLY gives ORA-39412, an import skips a table (ORA-31693).
    CorruptDump,
    /// Import: the database's character set is US7ASCII, which cannot hold an AL32UTF8 source.
    CharsetIncompatible,
    /// Import: a schema BIZAGI_RESTORE already exists and holds the project's tables and code.
    SchemaExists,
    /// Import: the BIZAGIADMON user does not exist (its logon fails with ORA-01017).
    NoAdminUser,
}

impl Scenario {
    /// Every scenario, in the order `oracle-sim scenarios` lists them.
    pub const ALL: [Scenario; 18] = [
        Scenario::Ok,
        Scenario::Warnings,
        Scenario::Fatal,
        Scenario::Crash,
        Scenario::Slow,
        Scenario::TablespaceFull,
        Scenario::CharsetMismatch,
        Scenario::BadHome,
        Scenario::ClientTooNew,
        Scenario::NoDirectory,
        Scenario::BadPassword,
        Scenario::NoPrivilege,
        Scenario::DiskFull,
        Scenario::Remote,
        Scenario::CorruptDump,
        Scenario::CharsetIncompatible,
        Scenario::SchemaExists,
        Scenario::NoAdminUser,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Ok => "ok",
            Scenario::Warnings => "warnings",
            Scenario::Fatal => "fatal",
            Scenario::Crash => "crash",
            Scenario::Slow => "slow",
            Scenario::TablespaceFull => "tablespace_full",
            Scenario::CharsetMismatch => "charset_mismatch",
            Scenario::BadHome => "bad_home",
            Scenario::ClientTooNew => "client_too_new",
            Scenario::NoDirectory => "no_directory",
            Scenario::BadPassword => "bad_password",
            Scenario::NoPrivilege => "no_privilege",
            Scenario::DiskFull => "disk_full",
            Scenario::Remote => "remote",
            Scenario::CorruptDump => "corrupt_dump",
            Scenario::CharsetIncompatible => "charset_incompatible",
            Scenario::SchemaExists => "schema_exists",
            Scenario::NoAdminUser => "no_admin_user",
        }
    }

    /// Parses a scenario name (case-insensitive, `-` accepted for `_`).
    pub fn parse(name: &str) -> Option<Scenario> {
        let wanted = name.trim().to_ascii_lowercase().replace('-', "_");
        Scenario::ALL.into_iter().find(|s| s.name() == wanted)
    }

    /// The NLS_LANG the scenario's client "installer" set.
    pub fn client_nls_lang(self) -> &'static str {
        match self {
            Scenario::CharsetMismatch => "AMERICAN_AMERICA.WE8MSWIN1252",
            _ => "AMERICAN_AMERICA.AL32UTF8",
        }
    }

    /// One line for `oracle-sim scenarios`.
    pub fn summary(self) -> &'static str {
        match self {
            Scenario::Ok => "everything works",
            Scenario::Warnings => "jobs complete with errors to review (exit 5)",
            Scenario::Fatal => "a worker fatal error stops the job (exit 1)",
            Scenario::Crash => "the client dies mid-job; the job is left NOT RUNNING",
            Scenario::Slow => "a job that runs for about 60 s (for Ctrl-C tests)",
            Scenario::TablespaceFull => "import: resumable wait, ORA-01653, ORA-31693 (exit 5)",
            Scenario::CharsetMismatch => {
                "client NLS_LANG WE8MSWIN1252 against an AL32UTF8 database"
            }
            Scenario::BadHome => "message files missing (UDE-00013 / UDI-00013 / SP2-0667)",
            Scenario::ClientTooNew => "a 21c client against the 19c database (UDE-00018)",
            Scenario::NoDirectory => "the directory object BIZAGIBACKUPPATH does not exist",
            Scenario::BadPassword => "every logon fails with ORA-01017",
            Scenario::NoPrivilege => "BIZAGIADMON lacks DBA and CREATE ANY DIRECTORY",
            Scenario::DiskFull => "the dump's file system fills up (ORA-27072)",
            Scenario::Remote => {
                "the database is on another host: directory paths under /oracle-server/"
            }
            Scenario::CorruptDump => {
                "import: a byte of each dump is flipped (ORA-39412 under VERIFY_ONLY, ORA-31693)"
            }
            Scenario::CharsetIncompatible => {
                "import: the target database is US7ASCII, the source AL32UTF8"
            }
            Scenario::SchemaExists => {
                "import: the target schema BIZAGI_RESTORE already exists and holds objects"
            }
            Scenario::NoAdminUser => "import: the BIZAGIADMON user does not exist (ORA-01017)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::parse(s.name()), Some(s));
        }
        assert_eq!(
            Scenario::parse("Tablespace-Full"),
            Some(Scenario::TablespaceFull)
        );
        assert_eq!(Scenario::parse("nope"), None);
    }
}
