//! The typed set of Data Pump Import parameters (docs/oracle.md §1.5-1.7).
//!
//! impdp reads the same kind of parameter file as expdp, so this module is a table and the
//! rules between import parameters; the value checks are [`super::params`]'s and the file is
//! rendered by [`super::parfile`]. On top of Oracle's defaults it names the job
//! (`BIZSCRIPT_IMP_<timestamp>`, so it can be found, attached and cleaned up) and the log after
//! the dump (`bizagi_import.log`: Oracle's `import.log` is overwritten by every job in the
//! directory, and `bizagi.log` is the export's own log, which an import must not overwrite).
//!
//! `verify_only` and `verify_checksum` appeared with the 21c client (docs/oracle.md §1.7): a 19c
//! impdp stops at once on them, so a caller that cannot tell the client's release must not
//! offer them as a check.

use super::export::log_name_for;
use super::params::{spec, Kind, OptionValue, ParameterError, ParameterSet, Spec, Table, Value};

/// Every import parameter a script may set, in the order a parameter file lists them: what is
/// imported, from where, how the job runs, then how the objects are changed on the way in.
const SPECS: &[Spec] = &[
    spec("schemas", Kind::Names),
    spec("directory", Kind::Name),
    spec("dumpfile", Kind::Files),
    spec("logfile", Kind::File),
    spec("job_name", Kind::Name),
    spec("sqlfile", Kind::File),
    spec(
        "content",
        Kind::Choice(&["ALL", "DATA_ONLY", "METADATA_ONLY"]),
    ),
    spec(
        "table_exists_action",
        Kind::Choice(&["SKIP", "APPEND", "TRUNCATE", "REPLACE"]),
    ),
    spec("remap_schema", Kind::Remaps),
    spec("remap_tablespace", Kind::Remaps),
    spec("transform", Kind::Clauses),
    spec("include", Kind::Clauses),
    spec("exclude", Kind::Clauses),
    spec("parallel", Kind::Integer { min: 1 }),
    spec("version", Kind::Version),
    spec("verify_only", Kind::YesNo),
    spec("verify_checksum", Kind::YesNo),
];

/// Parameters Oracle knows but a script may not set, and why.
const REFUSED: &[(&str, &str)] = &[
    ("userid", "the credentials come from the `db` connection and go into the private parameter file"),
    ("parfile", "bizscript writes the parameter file itself (parameter files cannot be nested)"),
    ("attach", "attaching to a running job is interactive; use datapump_jobs() and cleanup_job()"),
    ("help", "impdp help=y prints the parameter summary and imports nothing"),
    ("encryption_password", "the password would have to be written in clear; import an export made with encryption_mode=\"transparent\" with the wallet open"),
    ("encryption_pwd_prompt", "the client would prompt on a terminal it does not have (its stdin is bizscript's pipe)"),
];

/// impdp's parameters.
pub static IMPORT: Table = Table {
    operation: "import",
    primitive: "impdp",
    specs: SPECS,
    refused: REFUSED,
};

/// The error of an import parameter (the shared [`ParameterError`]).
pub type ImportOptionError = ParameterError;

/// A validated set of import parameters, with bizscript's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    params: ParameterSet,
}

impl AsRef<ParameterSet> for ImportOptions {
    fn as_ref(&self) -> &ParameterSet {
        &self.params
    }
}

impl ImportOptions {
    /// Validates a script's options. `started` names the default job
    /// (`BIZSCRIPT_IMP_YYYYMMDDHHMMSS`, 28 characters). A value of `()` switches a default off.
    pub fn parse<I, K>(options: I, started: chrono::NaiveDateTime) -> Result<Self, ParameterError>
    where
        I: IntoIterator<Item = (K, OptionValue)>,
        K: AsRef<str>,
    {
        let (params, unset) = ParameterSet::parse(&IMPORT, options)?;
        let mut options = Self { params };
        options.apply_defaults(&unset, started);
        options.check_combinations()?;
        Ok(options)
    }

    fn apply_defaults(&mut self, unset: &[&str], started: chrono::NaiveDateTime) {
        if !unset.contains(&"job_name") && self.params.get("job_name").is_none() {
            self.params
                .set("job_name", Value::One(default_job_name(started)));
        }
        if !unset.contains(&"logfile") && self.params.get("logfile").is_none() {
            if let Some(first) = self.dump_files().first() {
                self.params
                    .set("logfile", Value::One(import_log_name_for(first)));
            }
        }
    }

    fn check_combinations(&self) -> Result<(), ParameterError> {
        let in_force =
            |name: &str| self.params.get(name).is_some() && !self.params.value_is(name, "NO");
        if in_force("include") && in_force("exclude") {
            return Err(ParameterError::Conflict {
                first: "include",
                second: "exclude",
                why: "a 19c client accepts only one of them (both arrive in 21c)",
            });
        }
        if self.params.value_is("content", "DATA_ONLY")
            && self.params.value_is("table_exists_action", "REPLACE")
        {
            return Err(ParameterError::Conflict {
                first: "table_exists_action",
                second: "content",
                why: "REPLACE drops and recreates the table, which CONTENT=DATA_ONLY does not do",
            });
        }
        if self.params.get("directory").is_none() {
            return Err(ParameterError::Missing {
                name: "directory",
                why: "name the DIRECTORY object the server reads the dump from (e.g. \"BIZAGIBACKUPPATH\") instead of relying on DATA_PUMP_DIR",
            });
        }
        if self.dump_files().is_empty() {
            return Err(ParameterError::Missing {
                name: "dumpfile",
                why: "name the dump file set to import (Oracle's default expdat.dmp may be any export)",
            });
        }
        Ok(())
    }

    /// The job name (bizscript's default unless the script chose one or switched it off).
    pub fn job_name(&self) -> Option<&str> {
        self.params.one("job_name")
    }

    /// The DIRECTORY object name (upper-cased unless it was quoted).
    pub fn directory(&self) -> Option<&str> {
        self.params.one("directory")
    }

    /// The dump file names as given, with their substitution variables (`bizagi_%U.dmp`).
    pub fn dump_files(&self) -> &[String] {
        self.params.list("dumpfile")
    }

    /// The log file name as given (`[directory:]file`).
    pub fn log_file(&self) -> Option<&str> {
        self.params.one("logfile")
    }

    /// True when the job only writes the DDL to a file (SQLFILE) and imports nothing.
    pub fn sql_file_only(&self) -> bool {
        self.params.get("sqlfile").is_some()
    }

    /// Every parameter set, in parameter-file order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.params.entries()
    }
}

/// `BIZSCRIPT_IMP_YYYYMMDDHHMMSS`: a valid identifier of 28 bytes, unique per second, and
/// recognisable in `dba_datapump_jobs` as ours.
pub fn default_job_name(started: chrono::NaiveDateTime) -> String {
    format!(
        "{}{}",
        crate::oracle::job_name::IMPORT_JOB_PREFIX,
        started.format("%Y%m%d%H%M%S")
    )
}

/// The import log a dump implies: `bizagi_%U.dmp` → `bizagi_import.log`, keeping a `dir:`
/// prefix, so the export's `bizagi.log` beside it is kept.
fn import_log_name_for(dump: &str) -> String {
    let log = log_name_for(dump);
    let stem = log.strip_suffix(".log").unwrap_or(&log);
    format!("{stem}_import.log")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::connection::Connection;
    use crate::oracle::datapump::parfile;
    use crate::secret::Secret;

    fn started() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(1, 2, 3)
            .unwrap()
    }

    fn text(s: &str) -> OptionValue {
        OptionValue::Text(s.to_string())
    }

    fn parse(extra: Vec<(&'static str, OptionValue)>) -> Result<ImportOptions, ParameterError> {
        let mut all = vec![
            ("schemas", text("bizagi")),
            ("directory", text("BizAgiBackupPath")),
            ("dumpfile", text("bizagi_%U.dmp")),
        ];
        all.extend(extra);
        ImportOptions::parse(all, started())
    }

    fn connection() -> Connection {
        Connection::with_password(
            "BIZAGIADMON",
            Secret::new("pa ss#word", "test"),
            Some("//db:1521/ORCL"),
        )
        .unwrap()
    }

    #[test]
    fn renders_an_import_parameter_file_with_the_defaults() {
        let options = parse(vec![
            ("remap_schema", text("bizagi:bizagi_test")),
            ("table_exists_action", text("replace")),
            (
                "transform",
                OptionValue::List(vec![text("OID:N"), text("SEGMENT_ATTRIBUTES:N")]),
            ),
        ])
        .unwrap();
        let rendered = parfile::render(&options, &connection());
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(
            lines,
            [
                "# Data Pump import parameter file written by bizscript",
                "userid=BIZAGIADMON/\"pa ss#word\"@//db:1521/ORCL",
                "schemas=BIZAGI",
                "directory=BIZAGIBACKUPPATH",
                "dumpfile=bizagi_%U.dmp",
                "logfile=bizagi_import.log",
                "job_name=BIZSCRIPT_IMP_20261124010203",
                "table_exists_action=REPLACE",
                "remap_schema=BIZAGI:BIZAGI_TEST",
                "transform=OID:N",
                "transform=SEGMENT_ATTRIBUTES:N",
            ]
        );
        assert_eq!(options.job_name().map(str::len), Some(28));
        let masked = parfile::render_masked(&options, &connection());
        assert!(!masked.contains("pa ss#word"));
    }

    #[test]
    fn remaps_repeat_and_keep_quoted_names() {
        let options = parse(vec![(
            "remap_tablespace",
            OptionValue::List(vec![text("users:bizagi_data"), text("\"Odd:Name\":users")]),
        )])
        .unwrap();
        let rendered = parfile::render_masked(&options, &connection());
        assert!(rendered.contains(
            "\nremap_tablespace=USERS:BIZAGI_DATA\nremap_tablespace=\"Odd:Name\":USERS\n"
        ));
        for bad in ["bizagi", "bizagi:", ":x", "a:b c", "a:b\nuserid=x"] {
            let err = parse(vec![("remap_schema", text(bad))]);
            assert!(
                matches!(
                    err,
                    Err(ParameterError::BadValue {
                        name: "remap_schema",
                        ..
                    })
                ),
                "{bad:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn export_only_names_and_typos_are_refused_with_a_suggestion() {
        let err = parse(vec![("flashback_time", text("systimestamp"))]).unwrap_err();
        assert_eq!(err.to_string(), "unknown import parameter `flashback_time`");
        let err = parse(vec![("remap_shema", text("A:B"))]).unwrap_err();
        assert_eq!(err.hint(), "did you mean `remap_schema`?");
        let err = parse(vec![("table_exists_action", text("replac"))]).unwrap_err();
        assert_eq!(err.hint(), "did you mean \"replace\"?");
        let err = parse(vec![("parallel", text("2"))]).unwrap_err();
        assert_eq!(err.hint(), "see `bizscript doc impdp` for `parallel`");
        for name in ["userid", "parfile", "attach", "encryption_password"] {
            let err = parse(vec![(name, text("x"))]).unwrap_err();
            assert!(matches!(err, ParameterError::Refused { .. }), "{name}");
        }
    }

    #[test]
    fn oracles_rules_between_import_parameters() {
        let err = parse(vec![
            ("include", text("TABLE")),
            ("exclude", text("STATISTICS")),
        ])
        .unwrap_err();
        assert!(matches!(err, ParameterError::Conflict { .. }), "{err}");
        let err = parse(vec![
            ("content", text("data_only")),
            ("table_exists_action", text("replace")),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("DATA_ONLY"), "{err}");
        assert!(parse(vec![
            ("content", text("data_only")),
            ("table_exists_action", text("truncate")),
        ])
        .is_ok());
        let err = ImportOptions::parse([("dumpfile", text("a.dmp"))], started()).unwrap_err();
        assert!(matches!(
            err,
            ParameterError::Missing {
                name: "directory",
                ..
            }
        ));
        let err = ImportOptions::parse([("directory", text("D"))], started()).unwrap_err();
        assert!(matches!(
            err,
            ParameterError::Missing {
                name: "dumpfile",
                ..
            }
        ));
    }

    #[test]
    fn unit_switches_a_default_off_and_sqlfile_is_reported() {
        let options = parse(vec![
            ("job_name", OptionValue::Unset),
            ("logfile", OptionValue::Unset),
            ("sqlfile", text("bizagi_ddl.sql")),
            ("verify_only", OptionValue::Bool(false)),
        ])
        .unwrap();
        assert_eq!(options.job_name(), None);
        assert_eq!(options.log_file(), None);
        assert!(options.sql_file_only());
        let names: Vec<&str> = options.entries().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["schemas", "directory", "dumpfile", "sqlfile", "verify_only"]
        );
        assert_eq!(import_log_name_for("D:full%u.dmp"), "D:full_import.log");
    }
}
