//! The typed set of Data Pump Export parameters (docs/oracle.md §1.5, 19c).
//!
//! A script hands `expdp` a map; this module turns it into an [`ExportOptions`] that can only hold
//! values the 19c client accepts, so that a typo or an ill-typed value is refused *before* a
//! parameter file is written or a job started. Every parameter keeps its Oracle name (lower case,
//! as scripts write map keys). On top of Oracle's own defaults it applies the ones a careful DBA
//! types by hand: a consistent export (`flashback_time=systimestamp`), an explicit job name
//! (`BIZSCRIPT_EXP_<timestamp>`) so the job can be found, attached and cleaned up, timestamps on
//! every log line (`logtime=all`) and per-object metrics (`metrics=yes`).
//!
//! The value checks are the shared machinery's ([`super::params`]); this module holds expdp's
//! table, its defaults and Oracle's consistency rules between export parameters.

use super::params::{spec, Kind, OptionValue, ParameterError, ParameterSet, Spec, Table, Value};

/// The error of an export parameter (the shared [`ParameterError`]).
pub type ExportOptionError = ParameterError;

/// Every 19c export parameter a script may set, in the order a parameter file lists them:
/// what is exported, where it goes, how the job runs, then the rest alphabetically.
const SPECS: &[Spec] = &[
    spec("full", Kind::YesNo),
    spec("schemas", Kind::Names),
    spec("tables", Kind::Tables),
    spec("tablespaces", Kind::Names),
    spec("transport_tablespaces", Kind::Names),
    spec("directory", Kind::Name),
    spec("dumpfile", Kind::Files),
    spec("logfile", Kind::File),
    spec("nologfile", Kind::YesNo),
    spec("job_name", Kind::Name),
    spec("flashback_time", Kind::Clause),
    spec("flashback_scn", Kind::Integer { min: 0 }),
    spec("parallel", Kind::Integer { min: 1 }),
    spec("filesize", Kind::Size),
    spec("reuse_dumpfiles", Kind::YesNo),
    spec(
        "content",
        Kind::Choice(&["ALL", "DATA_ONLY", "METADATA_ONLY"]),
    ),
    spec("include", Kind::Clauses),
    spec("exclude", Kind::Clauses),
    spec("query", Kind::Clauses),
    spec(
        "compression",
        Kind::Choice(&["ALL", "DATA_ONLY", "METADATA_ONLY", "NONE"]),
    ),
    spec(
        "compression_algorithm",
        Kind::Choice(&["BASIC", "LOW", "MEDIUM", "HIGH"]),
    ),
    spec(
        "logtime",
        Kind::Choice(&["NONE", "STATUS", "LOGFILE", "ALL"]),
    ),
    spec("metrics", Kind::YesNo),
    spec("version", Kind::Version),
    spec("abort_step", Kind::Integer { min: -1 }),
    spec(
        "access_method",
        Kind::Choice(&[
            "AUTOMATIC",
            "DIRECT_PATH",
            "EXTERNAL_TABLE",
            "INSERT_AS_SELECT",
        ]),
    ),
    spec("cluster", Kind::YesNo),
    spec(
        "data_options",
        Kind::Choice(&["GROUP_PARTITION_TABLE_DATA", "VERIFY_STREAM_FORMAT"]),
    ),
    spec("enable_secure_roles", Kind::YesNo),
    spec(
        "encryption",
        Kind::Choice(&[
            "ALL",
            "DATA_ONLY",
            "ENCRYPTED_COLUMNS_ONLY",
            "METADATA_ONLY",
            "NONE",
        ]),
    ),
    spec(
        "encryption_algorithm",
        Kind::Choice(&["AES128", "AES192", "AES256"]),
    ),
    spec(
        "encryption_mode",
        Kind::Choice(&["DUAL", "PASSWORD", "TRANSPARENT"]),
    ),
    spec("estimate", Kind::Choice(&["BLOCKS", "STATISTICS"])),
    spec("estimate_only", Kind::YesNo),
    spec("keep_master", Kind::YesNo),
    // Database link and service names may be qualified with a domain (`link.example.com`).
    spec("network_link", Kind::Clause),
    spec("remap_data", Kind::Clauses),
    spec("sample", Kind::Clauses),
    spec("service_name", Kind::Clause),
    spec("source_edition", Kind::Name),
    spec("status", Kind::Integer { min: 0 }),
    spec("transport_full_check", Kind::YesNo),
    spec("transportable", Kind::Choice(&["ALWAYS", "NEVER"])),
    spec(
        "tts_closure_check",
        Kind::Choice(&["ON", "OFF", "FULL", "TEST_MODE"]),
    ),
    spec("views_as_tables", Kind::Clauses),
];

/// Parameters Oracle knows but a script may not set, and why.
const REFUSED: &[(&str, &str)] = &[
    ("userid", "the credentials come from the `db` connection and go into the private parameter file"),
    ("parfile", "bizscript writes the parameter file itself (parameter files cannot be nested)"),
    ("attach", "attaching to a running job is interactive; use datapump_jobs() and cleanup_job()"),
    ("help", "expdp help=y prints the parameter summary and exports nothing"),
    ("encryption_password", "the password would have to be written in clear; use encryption_mode=\"transparent\" with an open wallet"),
    ("encryption_pwd_prompt", "the client would prompt on a terminal it does not have (its stdin is bizscript's pipe)"),
    ("checksum", "CHECKSUM is a 21c parameter; a 19c client refuses it"),
    ("checksum_algorithm", "CHECKSUM_ALGORITHM is a 21c parameter; a 19c client refuses it"),
    ("credential", "exporting to an object store (CREDENTIAL) needs a 21c client"),
];

/// The modes of an export: at most one may be given (UDE-00010 otherwise).
const MODES: &[&str] = &[
    "full",
    "schemas",
    "tables",
    "tablespaces",
    "transport_tablespaces",
];

/// expdp's parameters.
pub static EXPORT: Table = Table {
    operation: "export",
    primitive: "expdp",
    specs: SPECS,
    refused: REFUSED,
};

/// The valid parameter names, for did-you-mean and help texts.
pub fn parameter_names() -> Vec<&'static str> {
    EXPORT.parameter_names()
}

/// Why a parameter Oracle knows may not be set by a script, if it is one of those.
pub fn refusal(name: &str) -> Option<&'static str> {
    EXPORT.refusal(name)
}

/// A validated set of export parameters, with bizscript's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    params: ParameterSet,
}

impl AsRef<ParameterSet> for ExportOptions {
    fn as_ref(&self) -> &ParameterSet {
        &self.params
    }
}

impl ExportOptions {
    /// Validates a script's options. `started` names the default job
    /// (`BIZSCRIPT_EXP_YYYYMMDDHHMMSS`, 28 characters: fits the 30-byte limit of pre-12.2
    /// databases). A value of `()` switches a default off.
    pub fn parse<I, K>(
        options: I,
        started: chrono::NaiveDateTime,
    ) -> Result<Self, ExportOptionError>
    where
        I: IntoIterator<Item = (K, OptionValue)>,
        K: AsRef<str>,
    {
        let (params, unset) = ParameterSet::parse(&EXPORT, options)?;
        let mut options = Self { params };
        options.apply_defaults(&unset, started);
        options.check_combinations()?;
        Ok(options)
    }

    fn apply_defaults(&mut self, unset: &[&str], started: chrono::NaiveDateTime) {
        let defaults = [
            ("job_name", default_job_name(started)),
            ("logtime", "ALL".to_string()),
            ("metrics", "YES".to_string()),
        ];
        for (name, value) in defaults {
            if !unset.contains(&name) && self.get(name).is_none() {
                self.set(name, Value::One(value));
            }
        }
        // A consistent export, unless the script pinned an SCN (the two are exclusive).
        if !unset.contains(&"flashback_time")
            && self.get("flashback_time").is_none()
            && self.get("flashback_scn").is_none()
        {
            self.set("flashback_time", Value::One("systimestamp".to_string()));
        }
        // Oracle's default log name is export.log, overwritten by every job in the directory;
        // name it after the dump instead so each backup keeps its own log.
        if !unset.contains(&"logfile") && self.get("logfile").is_none() && !self.is_yes("nologfile")
        {
            if let Some(first) = self.dump_files().first() {
                self.set("logfile", Value::One(log_name_for(first)));
            }
        }
    }

    fn check_combinations(&self) -> Result<(), ExportOptionError> {
        let modes: Vec<&'static str> = MODES
            .iter()
            .copied()
            // `full=no` is not a mode, it is the absence of one.
            .filter(|m| self.get(m).is_some() && (*m != "full" || self.is_yes("full")))
            .collect();
        if let [first, second, ..] = modes[..] {
            return Err(ExportOptionError::Conflict {
                first,
                second,
                why: "an export has one mode (UDE-00010)",
            });
        }
        let exclusive: [(&'static str, &'static str, &'static str); 5] = [
            (
                "include",
                "exclude",
                "a 19c client accepts only one of them (both arrive in 21c)",
            ),
            (
                "flashback_time",
                "flashback_scn",
                "both fix the point in time; give one",
            ),
            ("logfile", "nologfile", "nologfile=yes means no log file"),
            (
                "query",
                "estimate_only",
                "ESTIMATE_ONLY cannot be combined with QUERY",
            ),
            (
                "dumpfile",
                "estimate_only",
                "ESTIMATE_ONLY writes no dump file (UDE-00011)",
            ),
        ];
        // `nologfile=no` or `estimate_only=no` is the default said aloud, not a conflict.
        let in_force = |name: &str| self.get(name).is_some() && !self.value_is(name, "NO");
        for (first, second, why) in exclusive {
            if in_force(first) && in_force(second) {
                return Err(ExportOptionError::Conflict { first, second, why });
            }
        }
        if self.get("query").is_some() && self.value_is("content", "METADATA_ONLY") {
            return Err(ExportOptionError::Conflict {
                first: "query",
                second: "content",
                why: "CONTENT=METADATA_ONLY exports no rows for QUERY to filter",
            });
        }
        if self.get("directory").is_none() {
            return Err(ExportOptionError::Missing {
                name: "directory",
                why: "name the DIRECTORY object the server writes into (e.g. \"BIZAGIBACKUPPATH\") instead of relying on DATA_PUMP_DIR",
            });
        }
        if self.dump_files().is_empty() && !self.is_yes("estimate_only") {
            return Err(ExportOptionError::Missing {
                name: "dumpfile",
                why: "name the dump file (Oracle's default expdat.dmp collides with every other export)",
            });
        }
        let parallel = match self.get("parallel") {
            Some(Value::One(p)) => p.parse::<i64>().unwrap_or(1),
            _ => 1,
        };
        let sized = self.get("filesize").is_some();
        if (parallel > 1 || sized) && !self.dump_files().is_empty() {
            let substituted = self.dump_files().iter().any(|f| {
                let upper = f.to_uppercase();
                upper.contains("%U") || upper.contains("%L")
            });
            if !substituted {
                let why = if sized {
                    "with FILESIZE the job needs more than one file and stops when the only one is full (ORA-39095)"
                } else {
                    "with PARALLEL > 1 each worker needs its own file; otherwise the workers wait on one"
                };
                return Err(ExportOptionError::BadValue {
                    name: "dumpfile",
                    problem: format!("needs the %U substitution variable: {why}"),
                    suggestion: Some("write it like \"bizagi_%U.dmp\"".to_string()),
                });
            }
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }

    fn set(&mut self, name: &str, value: Value) {
        self.params.set(name, value);
    }

    fn value_is(&self, name: &str, expected: &str) -> bool {
        self.params.value_is(name, expected)
    }

    fn is_yes(&self, name: &str) -> bool {
        self.params.is_yes(name)
    }

    /// The job name (bizscript's default unless the script chose one or switched it off).
    pub fn job_name(&self) -> Option<&str> {
        match self.get("job_name") {
            Some(Value::One(name)) => Some(name),
            _ => None,
        }
    }

    /// The DIRECTORY object name (upper-cased unless it was quoted).
    pub fn directory(&self) -> Option<&str> {
        match self.get("directory") {
            Some(Value::One(name)) => Some(name),
            _ => None,
        }
    }

    /// The dump file names as given, with their substitution variables (`bizagi_%U.dmp`).
    pub fn dump_files(&self) -> &[String] {
        match self.get("dumpfile") {
            Some(Value::List(files)) => files,
            _ => &[],
        }
    }

    /// The log file name as given (`[directory:]file`).
    pub fn log_file(&self) -> Option<&str> {
        match self.get("logfile") {
            Some(Value::One(name)) => Some(name),
            _ => None,
        }
    }

    /// Every parameter set, in parameter-file order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.params.entries()
    }
}

/// `BIZSCRIPT_EXP_YYYYMMDDHHMMSS`: a valid identifier of 28 bytes, unique per second, and
/// recognisable in `dba_datapump_jobs` as ours.
pub fn default_job_name(started: chrono::NaiveDateTime) -> String {
    format!("BIZSCRIPT_EXP_{}", started.format("%Y%m%d%H%M%S"))
}

/// The log name a dump implies: `bizagi_%U.dmp` → `bizagi.log`, keeping a `dir:` prefix.
pub fn log_name_for(dump: &str) -> String {
    let stem = match dump.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => dump,
    };
    let mut stem = stem.to_string();
    for variable in ["_%U", "_%u", "_%L", "_%l", "%U", "%u", "%L", "%l"] {
        stem = stem.replace(variable, "");
    }
    format!("{stem}.log")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(1, 2, 3)
            .unwrap()
    }

    fn text(s: &str) -> OptionValue {
        OptionValue::Text(s.to_string())
    }

    fn base() -> Vec<(&'static str, OptionValue)> {
        vec![
            ("schemas", OptionValue::List(vec![text("bizagi")])),
            ("directory", text("BizAgiBackupPath")),
            ("dumpfile", text("bizagi.dmp")),
        ]
    }

    fn parse(extra: Vec<(&'static str, OptionValue)>) -> Result<ExportOptions, ExportOptionError> {
        let mut all = base();
        all.extend(extra);
        ExportOptions::parse(all, started())
    }

    fn rendered(options: &ExportOptions) -> Vec<String> {
        options
            .entries()
            .map(|(name, value)| format!("{name}={value}"))
            .collect()
    }

    #[test]
    fn applies_the_dba_defaults() {
        let options = parse(vec![]).unwrap();
        assert_eq!(
            rendered(&options),
            [
                "schemas=BIZAGI",
                "directory=BIZAGIBACKUPPATH",
                "dumpfile=bizagi.dmp",
                "logfile=bizagi.log",
                "job_name=BIZSCRIPT_EXP_20261124010203",
                "flashback_time=systimestamp",
                "logtime=ALL",
                "metrics=YES",
            ]
        );
        assert!(options.job_name().unwrap().len() <= 30);
    }

    #[test]
    fn unit_switches_a_default_off_and_scn_replaces_the_time() {
        let options = parse(vec![
            ("metrics", OptionValue::Unset),
            ("flashback_scn", OptionValue::Int(123456)),
        ])
        .unwrap();
        let lines = rendered(&options);
        assert!(!lines.iter().any(|l| l.starts_with("metrics")));
        assert!(!lines.iter().any(|l| l.starts_with("flashback_time")));
        assert!(lines.contains(&"flashback_scn=123456".to_string()));
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let err = ExportOptions::parse([("shemas", text("X"))], started()).unwrap_err();
        assert_eq!(err.to_string(), "unknown export parameter `shemas`");
        assert_eq!(err.hint(), "did you mean `schemas`?");
        let err = ExportOptions::parse([("PARALLEL", OptionValue::Int(2))], started()).unwrap_err();
        assert_eq!(err.hint(), "did you mean `parallel`?");
    }

    #[test]
    fn credentials_and_prompts_are_refused() {
        for name in ["userid", "parfile", "encryption_password", "attach"] {
            let err = ExportOptions::parse([(name, text("x"))], started()).unwrap_err();
            assert!(matches!(err, ExportOptionError::Refused { .. }), "{name}");
        }
    }

    #[test]
    fn ill_typed_values_are_refused() {
        let err = parse(vec![("parallel", text("4"))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`parallel` expects an integer, got a string"
        );
        let err = parse(vec![("parallel", OptionValue::Int(0))]).unwrap_err();
        assert!(err.to_string().contains("below the minimum 1"));
        let err = parse(vec![("reuse_dumpfiles", OptionValue::Int(1))]).unwrap_err();
        assert!(matches!(err, ExportOptionError::WrongType { .. }));
        let err = parse(vec![("compression", text("alll"))]).unwrap_err();
        assert_eq!(err.hint(), "did you mean \"all\"?");
        let err = parse(vec![("filesize", text("2 parsecs"))]).unwrap_err();
        assert!(err.to_string().contains("not a size"));
    }

    #[test]
    fn parallel_or_filesize_need_a_substitution_variable() {
        let err = parse(vec![("parallel", OptionValue::Int(4))]).unwrap_err();
        assert!(err.to_string().contains("%U"), "{err}");
        let err = parse(vec![("filesize", text("2GB"))]).unwrap_err();
        assert!(err.to_string().contains("ORA-39095"), "{err}");
        let ok = ExportOptions::parse(
            [
                ("schemas", text("BIZAGI")),
                ("directory", text("D")),
                ("dumpfile", text("bizagi_%U.dmp")),
                ("parallel", OptionValue::Int(4)),
                ("filesize", text("2gb")),
            ],
            started(),
        )
        .unwrap();
        let lines = rendered(&ok);
        assert!(lines.contains(&"logfile=bizagi.log".to_string()));
        assert!(lines.contains(&"filesize=2GB".to_string()));
    }

    #[test]
    fn conflicting_parameters_are_refused() {
        let err = parse(vec![("full", OptionValue::Bool(true))]).unwrap_err();
        assert!(err.to_string().contains("one mode"), "{err}");
        let err = parse(vec![
            ("include", text("TABLE")),
            ("exclude", text("STATISTICS")),
        ])
        .unwrap_err();
        assert!(matches!(err, ExportOptionError::Conflict { .. }));
        let err = parse(vec![
            ("flashback_time", text("systimestamp")),
            ("flashback_scn", OptionValue::Int(1)),
        ])
        .unwrap_err();
        assert!(matches!(err, ExportOptionError::Conflict { .. }));
    }

    #[test]
    fn a_yes_no_parameter_set_to_no_conflicts_with_nothing() {
        assert!(parse(vec![
            ("query", text("BIZAGI.WFCASE:\"WHERE 1=1\"")),
            ("estimate_only", OptionValue::Bool(false)),
            ("logfile", text("x.log")),
            ("nologfile", OptionValue::Bool(false)),
        ])
        .is_ok());
        assert!(parse(vec![
            ("logfile", text("x.log")),
            ("nologfile", OptionValue::Bool(true)),
        ])
        .is_err());
        assert!(parse(vec![("estimate_only", OptionValue::Bool(true))]).is_err());
        let estimate = ExportOptions::parse(
            [
                ("schemas", text("BIZAGI")),
                ("directory", text("D")),
                ("estimate_only", OptionValue::Bool(true)),
            ],
            started(),
        );
        assert!(estimate.is_ok(), "{estimate:?}");
    }

    #[test]
    fn directory_and_dumpfile_are_required() {
        let err = ExportOptions::parse([("dumpfile", text("a.dmp"))], started()).unwrap_err();
        assert!(matches!(
            err,
            ExportOptionError::Missing {
                name: "directory",
                ..
            }
        ));
        let err = ExportOptions::parse([("directory", text("D"))], started()).unwrap_err();
        assert!(matches!(
            err,
            ExportOptionError::Missing {
                name: "dumpfile",
                ..
            }
        ));
    }

    #[test]
    fn names_are_upper_cased_unless_quoted_and_hash_is_protected() {
        let options = parse(vec![(
            "tables",
            OptionValue::List(vec![text("bizagi.wfcase"), text("\"Mixed\""), text("emp#")]),
        )]);
        // tables conflicts with schemas (one mode)
        assert!(options.is_err());
        let options = ExportOptions::parse(
            [
                (
                    "tables",
                    OptionValue::List(vec![text("bizagi.wfcase"), text("\"Mixed\""), text("emp#")]),
                ),
                ("directory", text("D")),
                ("dumpfile", text("t.dmp")),
            ],
            started(),
        )
        .unwrap();
        assert!(rendered(&options).contains(&"tables=BIZAGI.WFCASE,\"Mixed\",\"EMP#\"".to_string()));
    }

    #[test]
    fn values_that_would_break_the_parfile_are_refused() {
        for (name, value) in [
            ("exclude", "STATISTICS\nuserid=evil"),
            ("exclude", "TABLE # comment"),
            ("include", "TABLE:\"IN ('A')"),
            ("exclude", "TABLE:\"IN ('A')\", STATISTICS"),
            ("flashback_time", "x\\"),
            ("schemas", "BIZAGI, OTHER"),
            ("dumpfile", "/tmp/x.dmp"),
            ("dumpfile", "a b.dmp"),
            ("directory", "X'; DROP"),
        ] {
            let mut all: Vec<(&str, OptionValue)> =
                base().into_iter().filter(|(n, _)| *n != name).collect();
            all.push((name, text(value)));
            let result = ExportOptions::parse(all, started());
            assert!(result.is_err(), "{name}={value:?} was accepted");
        }
    }

    #[test]
    fn filters_keep_their_quotes_and_repeat() {
        let options = parse(vec![(
            "exclude",
            OptionValue::List(vec![
                text("STATISTICS"),
                text("TABLE:\"IN ('WFCASE#', 'X')\""),
            ]),
        )])
        .unwrap();
        let exclude = options
            .entries()
            .find(|(n, _)| *n == "exclude")
            .map(|(_, v)| v.clone())
            .unwrap();
        assert_eq!(
            exclude,
            Value::EachOnItsOwnLine(vec![
                "STATISTICS".to_string(),
                "TABLE:\"IN ('WFCASE#', 'X')\"".to_string()
            ])
        );
    }

    #[test]
    fn qualified_service_and_link_names_are_kept() {
        let options = parse(vec![
            ("service_name", text("orcl.example.com")),
            ("network_link", text("PROD.EXAMPLE.COM")),
        ])
        .unwrap();
        let lines = rendered(&options);
        assert!(lines.contains(&"service_name=orcl.example.com".to_string()));
        assert!(lines.contains(&"network_link=PROD.EXAMPLE.COM".to_string()));
    }

    #[test]
    fn the_log_name_follows_the_dump_name() {
        assert_eq!(log_name_for("bizagi_%U.dmp"), "bizagi.log");
        assert_eq!(log_name_for("D:full%u"), "D:full.log");
        assert_eq!(log_name_for("x.y.dmp"), "x.y.log");
    }
}
