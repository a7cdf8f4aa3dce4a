//! Tests of `expdp` against a stand-in client (a shell script in a fake ORACLE_HOME) that records
//! what it was given. The simulator tests (`expdp_sim_tests.rs`) cover Oracle's behaviour; these
//! cover bizscript's side: options, parameter file, argv, environment, dry-run, interrupts.

use super::*;
use crate::cancel::Cancel;
use crate::primitives::errors::parts;
use crate::primitives::runtime::OracleEnv;
use std::sync::Arc;

const PASSWORD: &str = "Tiger#Secret9";

/// A fake expdp: records argv, NLS_LANG, the parfile's mode and contents' shape; writes a dump
/// and a log into `$ORACLE_HOME/server`; prints a console like 19c's; exits with $FAKE_EXIT.
const FAKE_EXPDP: &str = r#"#!/bin/sh
home=$(dirname "$(dirname "$0")")
parfile=${1#parfile=}
{
  echo "argv: $*"
  echo "nls_lang: $NLS_LANG"
  echo "parfile: $parfile"
  echo "mode: $(stat -c %a "$parfile")"
  grep -c '^userid=' "$parfile" | sed 's/^/userid_lines: /'
  grep '^job_name=' "$parfile"
} >> "$home/audit.txt"
interactive() {
  printf 'Export> '
  read cmd
  if [ "$cmd" = KILL_JOB ]; then
    printf 'Are you sure you wish to stop this job ([yes]/no): '
    read answer
    echo "killed: $answer" >> "$home/audit.txt"
    exit 1
  fi
}
trap interactive INT
attach=$(sed -n 's/^attach=//p' "$parfile")
if [ -n "$attach" ]; then
  echo "attach: $attach" >> "$home/audit.txt"
  case "${FAKE_ATTACH:-ok}" in
    missing) echo "ORA-31626: job does not exist"; exit 1 ;;
    die) exit 1 ;;
  esac
  echo "Job: ${attach#*.}"
  echo "  State: IDLING"
  printf 'Export> '
  read cmd
  printf 'Are you sure you wish to stop this job ([yes]/no): '
  read answer
  echo "attach $cmd: $answer" >> "$home/audit.txt"
  exit 0
fi
job=$(sed -n 's/^job_name=//p' "$parfile")
mkdir -p "$home/server"
echo "Export: Release 19.0.0.0.0 - Production on Tue Nov 24 01:02:03 2026"
echo "Starting \"BIZAGIADMON\".\"$job\":  BIZAGIADMON/******** parfile=$parfile"
echo "Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA"
echo ". . exported \"BIZAGI\".\"WFCASE\"   1.000 MB   100 rows"
i=0
while [ $i -lt ${FAKE_PAUSES:-0} ]; do sleep 0.1; i=$((i+1)); done
if [ "${FAKE_EXIT:-0}" = 1 ]; then
  echo "ORA-39002: invalid operation"
  echo "ORA-39070: Unable to open the log file."
  exit 1
fi
head -c 1000 /dev/zero > "$home/server/bizagi_01.dmp"
[ "${FAKE_EXIT:-0}" = 5 ] && echo "ORA-39173: Encrypted data has been stored unencrypted in dump file set."
echo "Dump file set for BIZAGIADMON.$job is:"
echo "  $home/server/bizagi_01.dmp"
echo "Job \"BIZAGIADMON\".\"$job\" successfully completed at Tue Nov 24 01:02:10 2026 elapsed 0 00:00:07" | tee "$home/server/bizagi.log"
exit ${FAKE_EXIT:-0}
"#;

struct Fixture {
    dir: tempfile::TempDir,
    ctx: Arc<HostCtx>,
}

impl Fixture {
    fn new(env: &[(&str, &str)], dry_run: bool) -> Self {
        Self::with_script(FAKE_EXPDP, env, dry_run)
    }

    fn with_script(script: &str, env: &[(&str, &str)], dry_run: bool) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join("bin")).unwrap();
        let expdp = home.join("bin/expdp");
        std::fs::write(&expdp, script).unwrap();
        std::fs::set_permissions(&expdp, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut oracle_env = OracleEnv::inherit();
        oracle_env.set("ORACLE_HOME", home.display().to_string());
        for (k, v) in env {
            oracle_env.set(k, *v);
        }
        let mut ctx = HostCtx::new(dry_run, false, Cancel::new(), oracle_env);
        ctx.interactive = false;
        Self {
            dir,
            ctx: Arc::new(ctx),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn audit(&self) -> String {
        std::fs::read_to_string(self.home().join("audit.txt")).unwrap_or_default()
    }

    fn opts(&self, extra: &[(&str, Dynamic)]) -> Map {
        let mut map = export_opts(&self.dir.path().join("client.log"));
        for (k, v) in extra {
            map.insert((*k).into(), v.clone());
        }
        map
    }

    fn run(&self, extra: &[(&str, Dynamic)]) -> Result<Map, Box<EvalAltResult>> {
        expdp(&self.ctx, &connection(), &self.opts(extra))
    }

    /// No file left under the fixture holds the password, and every parameter file is gone.
    fn assert_no_password_left(&self) {
        crate::primitives::testing::assert_not_in_tree(self.dir.path(), PASSWORD);
        for parfile in self.parfile_paths() {
            assert!(!parfile.exists(), "{} survived", parfile.display());
        }
    }

    fn parfile_path(&self) -> Option<PathBuf> {
        self.parfile_paths().into_iter().next()
    }

    /// Every parameter file a client was given (the export's, then an attach's).
    fn parfile_paths(&self) -> Vec<PathBuf> {
        self.audit()
            .lines()
            .filter_map(|l| l.strip_prefix("parfile: "))
            .map(PathBuf::from)
            .collect()
    }
}

fn connection() -> Connection {
    Connection::with_password("BIZAGIADMON", Secret::new(PASSWORD, "test"), None).unwrap()
}

fn text(map: &Map, key: &str) -> String {
    map.get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {map:?}"))
        .to_string()
}

fn int(map: &Map, key: &str) -> i64 {
    map.get(key).unwrap().as_int().unwrap()
}

fn error_parts(err: Box<EvalAltResult>) -> (String, String, Option<String>) {
    match err.as_ref() {
        EvalAltResult::ErrorRuntime(payload, _) => parts(payload).unwrap(),
        other => panic!("not a script error: {other}"),
    }
}

#[test]
fn a_successful_export_returns_the_documented_map() {
    let f = Fixture::new(&[("NLS_LANG", "SPANISH_SPAIN.WE8MSWIN1252")], false);
    let result = f.run(&[]).unwrap();
    assert_eq!(int(&result, "exit_code"), 0);
    assert_eq!(text(&result, "outcome"), "succeeded");
    let dump = f.home().join("server/bizagi_01.dmp").display().to_string();
    let dumps = result
        .get("dump_files")
        .unwrap()
        .clone()
        .into_array()
        .unwrap();
    assert_eq!(dumps.len(), 1);
    assert_eq!(dumps[0].to_string(), dump);
    assert_eq!(
        text(&result, "log_file"),
        f.home().join("server/bizagi.log").display().to_string()
    );
    assert!(text(&result, "job").starts_with("BIZAGIADMON.BIZSCRIPT_EXP_"));
    assert_eq!(int(&result, "tables"), 1);
    assert_eq!(int(&result, "rows"), 100);
    assert!(result.get("duration").unwrap().as_float().unwrap() > 0.0);
    let client_log = std::fs::read_to_string(text(&result, "client_log")).unwrap();
    assert!(client_log.contains("successfully completed"));
}

#[test]
fn the_client_gets_only_a_private_parfile_and_english_messages() {
    let f = Fixture::new(&[("NLS_LANG", "SPANISH_SPAIN.WE8MSWIN1252")], false);
    f.run(&[]).unwrap();
    let audit = f.audit();
    let parfile = f.parfile_path().unwrap();
    assert!(
        audit.contains(&format!("argv: parfile={}", parfile.display())),
        "{audit}"
    );
    assert!(
        audit.contains("nls_lang: AMERICAN_AMERICA.WE8MSWIN1252"),
        "{audit}"
    );
    assert!(audit.contains("mode: 600"), "{audit}");
    assert!(audit.contains("userid_lines: 1"), "{audit}");
    assert!(!audit.contains(PASSWORD));
    assert!(!parfile.exists(), "the parameter file survived the run");
    assert!(
        !parfile.parent().unwrap().exists(),
        "its private folder survived"
    );
    f.assert_no_password_left();
}

#[test]
fn completed_with_errors_and_failed_are_results_with_reasons() {
    let f = Fixture::new(&[("FAKE_EXIT", "5")], false);
    let result = f.run(&[]).unwrap();
    assert_eq!(int(&result, "exit_code"), 5);
    assert_eq!(text(&result, "outcome"), "completed_with_errors");
    assert!(text(&result, "errors").contains("ORA-39173"));

    let f = Fixture::new(&[("FAKE_EXIT", "1")], false);
    let result = f.run(&[]).unwrap();
    assert_eq!(int(&result, "exit_code"), 1);
    assert_eq!(text(&result, "outcome"), "failed");
    assert!(text(&result, "errors").contains("ORA-39002"));
    // No dump-file lines: the log can only be named by its directory object.
    assert_eq!(text(&result, "log_file"), "BIZAGIBACKUPPATH:bizagi.log");
    assert_eq!(text(&result, "report_source"), "client");
    // The job started and did not complete: a second client attached and killed it.
    assert_eq!(text(&result, "cleanup"), "killed");
    let audit = f.audit();
    assert!(
        audit.contains("attach: BIZAGIADMON.BIZSCRIPT_EXP_"),
        "{audit}"
    );
    assert!(audit.contains("attach KILL_JOB: yes"), "{audit}");
    assert_eq!(f.parfile_paths().len(), 2);
    assert!(f.parfile_paths().iter().all(|p| !p.exists()));
    f.assert_no_password_left();
}

#[test]
fn a_failed_job_that_is_already_gone_or_cannot_be_cleaned_says_so() {
    let f = Fixture::new(&[("FAKE_EXIT", "1"), ("FAKE_ATTACH", "missing")], false);
    let result = f.run(&[]).unwrap();
    assert_eq!(text(&result, "cleanup"), "nothing_left");

    let f = Fixture::new(&[("FAKE_EXIT", "1"), ("FAKE_ATTACH", "die")], false);
    let result = f.run(&[]).unwrap();
    assert_eq!(text(&result, "cleanup"), "failed");
    let errors = text(&result, "errors");
    assert!(
        errors.contains("ATTACH=BIZAGIADMON.BIZSCRIPT_EXP_"),
        "{errors}"
    );
}

#[test]
fn a_completed_job_is_not_attached_to() {
    let f = Fixture::new(&[("FAKE_EXIT", "5")], false);
    let result = f.run(&[]).unwrap();
    assert_eq!(text(&result, "cleanup"), "not_needed");
    assert!(!f.audit().contains("attach:"));
}

#[test]
fn dry_run_shows_the_masked_parfile_and_runs_nothing() {
    let f = Fixture::new(&[], true);
    let result = f.run(&[]).unwrap();
    assert_eq!(text(&result, "outcome"), "dry_run");
    let parfile = text(&result, "parfile");
    assert!(parfile.contains("userid=BIZAGIADMON/\"***\""), "{parfile}");
    assert!(parfile.contains("schemas=BIZAGI\n"));
    assert!(!parfile.contains(PASSWORD));
    assert!(text(&result, "command")
        .ends_with("bin/expdp parfile=<private temporary directory>/expdp.par"));
    assert_eq!(f.audit(), "", "the client ran under --dry-run");
    assert!(!f.dir.path().join("client.log").exists());
}

#[test]
fn misuse_is_refused_before_anything_runs() {
    let f = Fixture::new(&[], false);
    let (code, message, hint) = error_parts(
        f.run(&[("shemas", Dynamic::from("BIZAGI".to_string()))])
            .unwrap_err(),
    );
    assert_eq!(code, "BZ-OPTION");
    assert!(message.contains("shemas"));
    assert_eq!(hint.as_deref(), Some("did you mean `schemas`?"));

    let (code, message, _) = error_parts(
        f.run(&[("parallel", Dynamic::from("4".to_string()))])
            .unwrap_err(),
    );
    assert_eq!(code, "BZ-EXPDP-OPTION");
    assert_eq!(
        message,
        "expdp: `parallel` expects an integer, got a string"
    );

    let (code, message, _) =
        error_parts(f.run(&[("parallel", Dynamic::from(1.5_f64))]).unwrap_err());
    assert_eq!(code, "BZ-EXPDP-OPTION");
    assert!(message.contains("got a float"), "{message}");

    let (code, message, _) = error_parts(
        f.run(&[("userid", Dynamic::from("system/manager".to_string()))])
            .unwrap_err(),
    );
    assert_eq!(code, "BZ-EXPDP-OPTION");
    assert!(
        message.contains("credentials come from the `db` connection"),
        "{message}"
    );

    let (code, _, hint) = error_parts(
        f.run(&[
            ("dumpfile", Dynamic::from("bizagi.dmp".to_string())),
            ("parallel", Dynamic::from(4_i64)),
        ])
        .unwrap_err(),
    );
    assert_eq!(code, "BZ-EXPDP-OPTION");
    assert!(hint.unwrap().contains("%U"));

    assert_eq!(f.audit(), "", "the client ran despite bad options");
}

#[test]
fn an_instant_client_folder_is_a_home_too() {
    let f = Fixture::new(&[], false);
    // Instant Client keeps its tools in the folder itself, not in bin/.
    std::fs::rename(f.home().join("bin/expdp"), f.home().join("expdp")).unwrap();
    let result = f.run(&[]).unwrap();
    assert_eq!(text(&result, "outcome"), "succeeded");
}

#[test]
fn a_missing_client_is_an_error() {
    let f = Fixture::new(&[], false);
    std::fs::remove_file(f.home().join("bin/expdp")).unwrap();
    let (code, message, _) = error_parts(f.run(&[]).unwrap_err());
    assert_eq!(code, "BZ-EXPDP-CLIENT");
    assert!(
        message.contains("there is no expdp in ORACLE_HOME"),
        "{message}"
    );
}

#[test]
fn an_interrupt_kills_the_job_and_stops_the_script() {
    let f = Fixture::new(&[("FAKE_PAUSES", "100")], false);
    let cancel = f.ctx.cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(600));
        cancel.interrupt();
    });
    let (code, message, _) = error_parts(f.run(&[]).unwrap_err());
    assert_eq!(code, "BZ-INTERRUPTED");
    assert!(message.contains("KILL_JOB confirmed"), "{message}");
    assert!(message.contains("BIZAGIADMON.BIZSCRIPT_EXP_"), "{message}");
    assert!(f.audit().contains("killed: yes"));
    assert!(!f.parfile_path().unwrap().exists());
    f.assert_no_password_left();
}

#[test]
fn a_client_that_dies_on_interrupt_is_followed_by_an_attach() {
    // A client that dies on SIGINT instead of entering interactive mode.
    let script = FAKE_EXPDP.replace("trap interactive INT", "trap 'exit 130' INT");
    let f = Fixture::with_script(&script, &[("FAKE_PAUSES", "100")], false);
    let cancel = f.ctx.cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(600));
        cancel.interrupt();
    });
    let (code, message, _) = error_parts(f.run(&[]).unwrap_err());
    assert_eq!(code, "BZ-INTERRUPTED");
    assert!(
        message.contains("through a second client attached to it"),
        "{message}"
    );
    assert!(f.audit().contains("attach KILL_JOB: yes"));
}

#[test]
fn an_unconfirmed_kill_says_how_to_clean_up() {
    let script = FAKE_EXPDP.replace("trap interactive INT", "trap 'exit 130' INT");
    let f = Fixture::with_script(
        &script,
        &[("FAKE_PAUSES", "100"), ("FAKE_ATTACH", "die")],
        false,
    );
    let cancel = f.ctx.cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(600));
        cancel.interrupt();
    });
    let (code, message, hint) = error_parts(f.run(&[]).unwrap_err());
    assert_eq!(code, "BZ-INTERRUPTED");
    assert!(message.contains("could not confirm"), "{message}");
    let hint = hint.unwrap();
    assert!(
        hint.contains("expdp BIZAGIADMON ATTACH=BIZAGIADMON.BIZSCRIPT_EXP_"),
        "{hint}"
    );
    assert!(hint.contains("KILL_JOB"));
}

#[test]
fn nothing_starts_once_the_run_is_being_interrupted() {
    let f = Fixture::new(&[], false);
    f.ctx.cancel.interrupt();
    let (code, _, _) = error_parts(f.run(&[]).unwrap_err());
    assert_eq!(code, "BZ-INTERRUPTED");
    assert_eq!(f.audit(), "", "a job was started during an interrupt");
}

#[test]
fn an_unwritable_client_log_is_an_error_before_the_client_runs() {
    let f = Fixture::new(&[], false);
    let missing = f.dir.path().join("no/such/folder/client.log");
    let (code, _, hint) = error_parts(
        f.run(&[("client_log", Dynamic::from(missing.display().to_string()))])
            .unwrap_err(),
    );
    assert_eq!(code, "BZ-EXPDP-CLIENT-LOG");
    assert!(hint.unwrap().contains("client_log"));
    assert_eq!(f.audit(), "");
}

#[test]
fn a_second_interrupt_forces_and_says_how_to_finish_by_hand() {
    // A client that ignores SIGINT, as a hung one would: only the second interrupt ends it.
    let script = FAKE_EXPDP.replace("trap interactive INT", "trap '' INT");
    let f = Fixture::with_script(&script, &[("FAKE_PAUSES", "300")], false);
    let cancel = f.ctx.cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        cancel.interrupt();
        std::thread::sleep(std::time::Duration::from_millis(500));
        cancel.interrupt();
    });
    let started = std::time::Instant::now();
    let (code, message, hint) = error_parts(f.run(&[]).unwrap_err());
    assert_eq!(code, "BZ-INTERRUPTED");
    assert!(message.contains("interrupted twice"), "{message}");
    assert!(
        hint.unwrap().contains("ATTACH=BIZAGIADMON.BIZSCRIPT_EXP_"),
        "no instructions to finish by hand"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Forced means forced: no attach is attempted after the second interrupt.
    assert!(!f.audit().contains("attach:"));
    assert!(!f.parfile_path().unwrap().exists());
}

#[test]
fn the_server_log_is_only_guessed_when_dumps_and_log_share_the_directory() {
    let started = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(1, 2, 3)
        .unwrap();
    let options = |dump: &str, log: &str| {
        ExportOptions::parse(
            [
                ("schemas", OptionValue::Text("BIZAGI".into())),
                ("directory", OptionValue::Text("BIZAGIBACKUPPATH".into())),
                ("dumpfile", OptionValue::Text(dump.into())),
                ("logfile", OptionValue::Text(log.into())),
            ],
            started,
        )
        .unwrap()
    };
    let dumps = vec!["/srv/backup/bizagi.dmp".to_string()];
    assert_eq!(
        server_log_path(&options("bizagi.dmp", "bizagi.log"), &dumps),
        Some(PathBuf::from("/srv/backup/bizagi.log"))
    );
    assert_eq!(
        server_log_path(&options("bizagi.dmp", "BIZAGIBACKUPPATH:b.log"), &dumps),
        Some(PathBuf::from("/srv/backup/b.log"))
    );
    assert_eq!(
        server_log_path(&options("OTHERDIR:bizagi.dmp", "bizagi.log"), &dumps),
        None
    );
    assert_eq!(
        server_log_path(&options("bizagi.dmp", "LOGDIR:bizagi.log"), &dumps),
        None
    );
}

/// The options both test harnesses export with: the BIZAGI schema into BIZAGIBACKUPPATH as a
/// `%U` set, the console copy at `client_log`.
pub(super) fn export_opts(client_log: &std::path::Path) -> Map {
    let mut map = Map::new();
    map.insert(
        "schemas".into(),
        Dynamic::from(vec![Dynamic::from("BIZAGI".to_string())]),
    );
    map.insert(
        "directory".into(),
        Dynamic::from("BIZAGIBACKUPPATH".to_string()),
    );
    map.insert(
        "dumpfile".into(),
        Dynamic::from("bizagi_%U.dmp".to_string()),
    );
    map.insert(
        "client_log".into(),
        Dynamic::from(client_log.display().to_string()),
    );
    map
}
