//! Rendering a Data Pump parameter file (docs/oracle.md §1.3, §1.4).
//!
//! The rules the client applies when it reads the file: one `name=value` per line (a newline is
//! an implicit comma), `#` starts a comment unless it is inside quotes, a trailing `\` continues
//! the line, and quotes are written plainly because no shell sees the file. Values were already
//! checked by [`crate::oracle::datapump::params`]; here a value is wrapped in double quotes when it
//! holds characters the parser would otherwise split or drop (blanks, commas, parentheses,
//! apostrophes), unless it carries its own quoting (`TABLE:"IN ('A')"`). Any validated
//! [`ParameterSet`] renders, export's or import's.
//!
//! The credentials go in as `userid=`, from [`Connection::userid`]: the parameter file is the
//! one place the password is written, and [`render_masked`] is what anyone gets to see.

use crate::oracle::connection::Connection;
use crate::oracle::datapump::params::{ParameterSet, Value};

/// The parameter file, credentials included: write it only to a private 0600 file.
pub fn render<P: AsRef<ParameterSet> + ?Sized>(options: &P, connection: &Connection) -> String {
    render_with(options.as_ref(), &connection.userid())
}

/// The same file with the password shown as `***`: for `--dry-run`, logs and reports.
pub fn render_masked<P: AsRef<ParameterSet> + ?Sized>(
    options: &P,
    connection: &Connection,
) -> String {
    render_with(options.as_ref(), &connection.userid_masked())
}

/// A parameter file that attaches to an existing job (`attach=OWNER.JOB`), to kill it from a
/// second client. Contains the password: write it only to a private 0600 file.
pub fn render_attach(connection: &Connection, owner_job: &str) -> String {
    format!(
        "# Data Pump attach parameter file written by bizscript\nuserid={}\nattach={owner_job}\n",
        connection.userid()
    )
}

/// True when `path` can be passed as `parfile=PATH` in one argument: the client reads its
/// command line as `NAME=value` items separated by blanks and commas, so a path with a blank,
/// a comma, a quote or an `=` would be cut or misread.
pub fn fits_the_command_line(path: &std::path::Path) -> bool {
    path.to_str().is_some_and(|p| {
        !p.is_empty()
            && p.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '/' | '\\' | ':' | '.' | '_' | '-')
            })
    })
}

fn render_with(options: &ParameterSet, userid: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Data Pump {} parameter file written by bizscript\n",
        options.table().operation
    ));
    out.push_str(&format!("userid={userid}\n"));
    for (name, value) in options.entries() {
        match value {
            Value::One(v) => line(&mut out, name, &quote(v)),
            Value::List(items) => {
                let joined: Vec<String> = items.iter().map(|i| quote(i)).collect();
                line(&mut out, name, &joined.join(","));
            }
            Value::EachOnItsOwnLine(items) => {
                for item in items {
                    line(&mut out, name, &quote(item));
                }
            }
        }
    }
    out
}

fn line(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push('=');
    out.push_str(value);
    out.push('\n');
}

/// Wraps `value` in double quotes when the parfile parser would otherwise split or cut it.
pub fn quote(value: &str) -> String {
    let carries_own_quotes = value.contains('"');
    let needs_quotes = value
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ',' | '=' | '(' | ')' | '\'' | '#'));
    if needs_quotes && !carries_own_quotes {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::datapump::export::ExportOptions;
    use crate::oracle::datapump::params::OptionValue;
    use crate::secret::Secret;

    fn options(extra: Vec<(&str, OptionValue)>) -> ExportOptions {
        let started = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(1, 2, 3)
            .unwrap();
        let mut all = vec![
            ("schemas", OptionValue::Text("BIZAGI".into())),
            ("directory", OptionValue::Text("BIZAGIBACKUPPATH".into())),
            ("dumpfile", OptionValue::Text("bizagi_%U.dmp".into())),
        ];
        all.extend(extra);
        ExportOptions::parse(all, started).unwrap()
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
    fn one_parameter_per_line_with_quoted_password() {
        let text = render(&options(vec![]), &connection());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "# Data Pump export parameter file written by bizscript",
                "userid=BIZAGIADMON/\"pa ss#word\"@//db:1521/ORCL",
                "schemas=BIZAGI",
                "directory=BIZAGIBACKUPPATH",
                "dumpfile=bizagi_%U.dmp",
                "logfile=bizagi.log",
                "job_name=BIZSCRIPT_EXP_20261124010203",
                "flashback_time=systimestamp",
                "logtime=ALL",
                "metrics=YES",
            ]
        );
    }

    #[test]
    fn the_masked_rendering_never_holds_the_password() {
        let text = render_masked(&options(vec![]), &connection());
        assert!(!text.contains("pa ss#word"));
        assert!(text.contains("userid=BIZAGIADMON/\"***\"@//db:1521/ORCL"));
    }

    #[test]
    fn values_are_quoted_when_the_parser_would_split_them() {
        let text = render(
            &options(vec![
                (
                    "flashback_time",
                    OptionValue::Text(
                        "TO_TIMESTAMP('2026-11-24 01:00:00', 'YYYY-MM-DD HH24:MI:SS')".into(),
                    ),
                ),
                (
                    "exclude",
                    OptionValue::List(vec![
                        OptionValue::Text("STATISTICS".into()),
                        OptionValue::Text("TABLE:\"IN ('A', 'B')\"".into()),
                    ]),
                ),
            ]),
            &connection(),
        );
        assert!(text.contains(
            "\nflashback_time=\"TO_TIMESTAMP('2026-11-24 01:00:00', 'YYYY-MM-DD HH24:MI:SS')\"\n"
        ));
        assert!(text.contains("\nexclude=STATISTICS\nexclude=TABLE:\"IN ('A', 'B')\"\n"));
    }

    #[test]
    fn an_attach_file_names_the_job() {
        let text = render_attach(&connection(), "BIZAGIADMON.BIZSCRIPT_EXP_1");
        assert!(text.ends_with("\nattach=BIZAGIADMON.BIZSCRIPT_EXP_1\n"));
        assert_eq!(text.lines().filter(|l| l.starts_with("userid=")).count(), 1);
    }

    #[test]
    fn only_plain_paths_go_on_the_command_line() {
        use std::path::Path;
        assert!(fits_the_command_line(Path::new(
            "/tmp/bizscript-Ab12_x/expdp.par"
        )));
        assert!(!fits_the_command_line(Path::new("/tmp/my dir/expdp.par")));
        assert!(!fits_the_command_line(Path::new("/tmp/a,b/expdp.par")));
        assert!(!fits_the_command_line(Path::new("/tmp/a=b/expdp.par")));
    }

    #[test]
    fn a_connect_string_cannot_smuggle_a_parameter_into_the_file() {
        for connect in [
            "//db:1521/SVC,content=metadata_only",
            "//db:1521/SVC\nfull=y",
            "//db:1521/SVC#",
            "//db:1521/SVC reuse_dumpfiles=yes",
        ] {
            assert!(
                Connection::with_password("BIZAGIADMON", Secret::new("pw", "test"), Some(connect))
                    .is_err(),
                "{connect:?}"
            );
        }
    }

    #[test]
    fn wallet_connections_write_no_password() {
        let wallet = Connection::wallet("PRODDB").unwrap();
        let text = render(&options(vec![]), &wallet);
        assert!(text.contains("\nuserid=/@PRODDB\n"));
    }

    /// What the parfile parser would see as a comment or a line break outside quotes.
    fn breaks_the_line(line: &str) -> bool {
        let (mut double, mut single) = (false, false);
        for c in line.chars() {
            match c {
                '"' if !single => double = !double,
                '\'' if !double => single = !single,
                '#' if !double && !single => return true,
                '\n' | '\r' => return true,
                _ => {}
            }
        }
        line.ends_with('\\')
    }

    proptest::proptest! {
        /// The same for import's parameters, whose remaps and transforms are new kinds of value.
        #[test]
        fn accepted_import_values_never_break_the_parfile(value in "[ -~\n]{0,40}") {
            use crate::oracle::datapump::import::ImportOptions;
            for name in ["remap_schema", "remap_tablespace", "transform", "sqlfile", "schemas"] {
                let mut all: Vec<(&str, OptionValue)> = vec![
                    ("schemas", OptionValue::Text("BIZAGI".into())),
                    ("directory", OptionValue::Text("D".into())),
                    ("dumpfile", OptionValue::Text("x.dmp".into())),
                ];
                all.retain(|(n, _)| *n != name);
                all.push((name, OptionValue::Text(value.clone())));
                let started = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap();
                if let Ok(options) = ImportOptions::parse(all, started) {
                    let text = render_masked(&options, &connection());
                    for line in text.lines().skip(1) {
                        proptest::prop_assert!(!breaks_the_line(line), "{name}={value:?} rendered as {line:?}");
                    }
                    let expected = options.entries().count() + 2;
                    proptest::prop_assert_eq!(text.lines().count(), expected);
                }
            }
        }
    }

    proptest::proptest! {
        /// Whatever a script writes, an accepted value renders as one intact line.
        #[test]
        fn accepted_values_never_break_the_parfile(value in "[ -~\n]{0,40}") {
            for name in ["exclude", "flashback_time", "schemas", "dumpfile", "directory", "query"] {
                let mut all: Vec<(&str, OptionValue)> = vec![
                    ("schemas", OptionValue::Text("BIZAGI".into())),
                    ("directory", OptionValue::Text("D".into())),
                    ("dumpfile", OptionValue::Text("x.dmp".into())),
                ];
                all.retain(|(n, _)| *n != name);
                all.push((name, OptionValue::Text(value.clone())));
                let started = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap();
                if let Ok(options) = ExportOptions::parse(all, started) {
                    let text = render_masked(&options, &connection());
                    for line in text.lines().skip(1) {
                        proptest::prop_assert!(!breaks_the_line(line), "{name}={value:?} rendered as {line:?}");
                    }
                    let expected = options.entries().map(|(_, v)| match v {
                        Value::EachOnItsOwnLine(items) => items.len(),
                        _ => 1,
                    }).sum::<usize>() + 2;
                    proptest::prop_assert_eq!(text.lines().count(), expected);
                }
            }
        }
    }
}
