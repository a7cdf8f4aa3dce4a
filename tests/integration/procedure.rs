//! The standard procedure, `bizscript run bizagi_export.rhai --simulate=SCENARIO`, end to end,
//! and the example site scripts.
//!
//! Every test runs in both topologies: the database on this machine (its DIRECTORY path exists
//! here), and the database on another host (`ORACLE_SIM_REMOTE=1`: the dictionary names the
//! server's own paths under `/oracle-server/`, and the files are seen here only through
//! `--set local_path=`, as through a mount). Every run starts in an empty scratch folder, which
//! must still be empty afterwards: nothing (a client log above all) lands in the current folder.

use crate::support::bizscript;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PASSWORD: &str = "Pw-never-shown-7731";

/// Where the database runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topology {
    /// On this machine: its folders are this machine's.
    Local,
    /// On another host, its folder seen here through `local_path` (a mount).
    Remote,
}

const TOPOLOGIES: [Topology; 2] = [Topology::Local, Topology::Remote];

/// One simulated run, with its home kept for inspection.
struct Simulated {
    dir: tempfile::TempDir,
    status: Option<i32>,
    stdout: String,
    stderr: String,
    report: Value,
}

impl Simulated {
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The folder that stands for the server's BizAgiBackupPath (on this machine, or mounted).
    fn server_folder(&self) -> PathBuf {
        self.home().join("server").join("BizAgiBackupPath")
    }

    /// The per-run folders of client logs under the (test's) user state directory.
    fn state_runs(&self) -> PathBuf {
        self.dir.path().join("state/bizscript/runs")
    }

    fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.home().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Whether `tool` ran a job (not just `-help`, which check_env uses for the version).
    fn ran_job(&self, tool: &str) -> bool {
        self.audit()
            .iter()
            .any(|a| a["tool"] == tool && !a["argv"].to_string().to_lowercase().contains("help"))
    }

    fn step(&self, name: &str) -> Value {
        self.report["steps"]
            .as_array()
            .and_then(|steps| steps.iter().find(|s| s["name"] == name))
            .cloned()
            .unwrap_or(Value::Null)
    }
}

/// What a test asks of a run.
struct Run<'a> {
    script: &'a str,
    scenario: &'a str,
    sets: Vec<String>,
    /// A remote database server (whatever the scenario).
    remote: bool,
    /// The site's mount of the server's folder (`--set local_path=`), for a remote server.
    local_path: bool,
    password: bool,
    dry_run: bool,
    /// XDG_STATE_HOME for the run, instead of the test's own folder.
    state_home: Option<PathBuf>,
    cwd: Option<&'a Path>,
}

impl<'a> Run<'a> {
    fn new(topology: Topology, script: &'a str, scenario: &'a str) -> Self {
        Self {
            script,
            scenario,
            sets: Vec::new(),
            remote: topology == Topology::Remote,
            local_path: topology == Topology::Remote,
            password: true,
            dry_run: false,
            state_home: None,
            cwd: None,
        }
    }

    fn set(mut self, set: impl Into<String>) -> Self {
        self.sets.push(set.into());
        self
    }

    fn go(self) -> Simulated {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let report = dir.path().join("report.json");
        let scratch = dir.path().join("cwd");
        std::fs::create_dir(&scratch).unwrap();
        let mut cmd = bizscript();
        cmd.env("BIZSCRIPT_SIM_HOME", &home)
            .env(
                "XDG_STATE_HOME",
                self.state_home
                    .clone()
                    .unwrap_or_else(|| dir.path().join("state")),
            )
            .env_remove("ORACLE_SIM_REMOTE")
            .env_remove("NLS_LANG")
            .env_remove("ORACLE_HOME")
            .arg("run")
            .arg(self.script)
            .arg(format!("--simulate={}", self.scenario))
            .arg("--report")
            .arg(&report)
            .arg("--yes")
            .current_dir(self.cwd.unwrap_or(&scratch));
        if self.password {
            cmd.env("BIZSCRIPT_PASSWORD", PASSWORD);
        } else {
            cmd.env_remove("BIZSCRIPT_PASSWORD");
        }
        if self.remote {
            cmd.env("ORACLE_SIM_REMOTE", "1");
        }
        if self.dry_run {
            cmd.arg("--dry-run");
        }
        if self.local_path {
            cmd.args([
                "--set",
                &format!(
                    "local_path={}",
                    home.join("server/BizAgiBackupPath").display()
                ),
            ]);
        }
        for set in &self.sets {
            cmd.args(["--set", set]);
        }
        let output = cmd.output().unwrap();
        let report = std::fs::read_to_string(&report)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        let run = Simulated {
            dir,
            status: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            report,
        };
        let left: Vec<PathBuf> = files_under(&scratch);
        assert!(
            left.is_empty(),
            "the run left files in its current folder: {left:?}"
        );
        run
    }
}

/// The standard procedure in `topology` under `scenario`.
fn procedure(topology: Topology, scenario: &'static str) -> Run<'static> {
    Run::new(topology, "bizagi_export.rhai", scenario)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The password appears nowhere: stdout, stderr, the report, the audit, any file left behind.
fn assert_no_password_leak(run: &Simulated) {
    assert!(!run.stdout.contains(PASSWORD), "stdout leaks the password");
    assert!(!run.stderr.contains(PASSWORD), "stderr leaks the password");
    for file in files_under(run.dir.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let needle = PASSWORD.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} contains the password",
            file.display()
        );
    }
    for entry in run.audit() {
        let argv = entry["argv"].to_string();
        assert!(
            !argv.contains(PASSWORD),
            "argv of {} leaks the password",
            entry["tool"]
        );
    }
}

/// The archive is a sound ZIP (every entry read back against its CRC), and `unzip -t` agrees
/// where it is installed.
fn assert_sound_zip(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        names.push(entry.name().unwrap().to_string());
        // Reading to the end checks the CRC-32.
        std::io::copy(&mut entry, &mut std::io::sink()).unwrap();
    }
    // An independent reader accepts the archive (a failure under BIZSCRIPT_REQUIRE_FIXTURES
    // when unzip is missing, else a printed skip of this check only).
    if crate::support::tool_installed("unzip", "unzip") {
        let unzip = std::process::Command::new("unzip")
            .arg("-t")
            .arg(path)
            .output()
            .unwrap();
        assert!(
            unzip.status.success(),
            "{}",
            String::from_utf8_lossy(&unzip.stdout)
        );
    }
    names
}

#[test]
fn ok_scenario_exports_archives_and_verifies() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "ok").go();
        assert_eq!(run.status, Some(0), "{topology:?}: {}", run.stderr);
        assert_eq!(run.report["verdict"], "ok");
        assert!(
            run.stderr.contains("SIMULATION"),
            "the user is told it is a simulation"
        );
        for step in [
            "check_env",
            "nls_charset",
            "ensure_directory",
            "expdp",
            "parse_log",
            "compress",
            "manifest",
        ] {
            assert_eq!(
                run.step(step)["status"],
                "ok",
                "{topology:?}: step {step}: {}",
                run.report["steps"]
            );
        }
        for done in ["exported", "archived", "verified"] {
            assert_eq!(run.report[done], true, "{topology:?}: {done}");
        }
        let archive = PathBuf::from(run.report["archive"]["archive"].as_str().unwrap());
        // In both topologies the archive is in the folder that shows the server's files.
        assert_eq!(archive.parent(), Some(run.server_folder().as_path()));
        let names = assert_sound_zip(&archive);
        assert!(names.iter().any(|n| n.ends_with(".dmp")), "{names:?}");
        assert!(names.iter().any(|n| n.ends_with(".log")), "{names:?}");
        assert!(
            run.stderr.contains("ok: exported, archived and verified: "),
            "{}",
            run.stderr
        );
        // The manifest's checksums are those of the archive and of the dump files it holds.
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(run.report["manifest"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["made_by"], "bizscript");
        assert_eq!(manifest["schema"], "BIZAGI");
        assert_eq!(manifest["archive"]["sha256"], sha256_hex(&archive));
        assert!(manifest["client"]["version"].is_string(), "{manifest}");
        assert_eq!(manifest["client"]["database_version"], "19.0.0.0.0");
        assert!(
            manifest["nls"]["database_charset"].is_string(),
            "{manifest}"
        );
        // What the import side checks against: the source database, the export log's rows.
        let import = &manifest["import"];
        assert_eq!(manifest["format_version"], 2);
        assert_eq!(import["source"]["charset"], "AL32UTF8", "{import}");
        assert!(import["source"]["ncharset"].is_string(), "{import}");
        assert_eq!(import["source"]["version"], "19.0.0.0.0", "{import}");
        assert!(import["client_version"].is_string(), "{import}");
        let tables = import["tables"].as_array().expect("per-table rows");
        assert!(!tables.is_empty(), "{import}");
        assert!(tables.iter().all(|t| t["rows"].is_u64()), "{import}");
        let tablespaces = import["tablespaces"].as_array().expect("tablespaces");
        assert!(
            tablespaces.iter().any(|t| t["bytes"].as_u64() > Some(0)),
            "{import}"
        );
        // Nothing unknown is recorded as known: no COMPATIBLE read, no dump VERSION claimed.
        if import["source"]["compatible"].is_null() {
            assert!(import["dump_version"].is_null(), "{import}");
            assert!(import["checksum"].is_null(), "{import}");
        }
        // The client's copy of the console is beside the server log (local, or the mount).
        let client_logs: Vec<_> = files_under(&run.server_folder())
            .into_iter()
            .filter(|f| f.to_string_lossy().ends_with(".client.log"))
            .collect();
        assert_eq!(client_logs.len(), 1, "{topology:?}: {client_logs:?}");
        assert_no_password_leak(&run);
    }
}

fn sha256_hex(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).unwrap();
    base16ct::lower::encode_string(&Sha256::digest(&bytes))
}

#[test]
fn a_remote_database_without_local_path_is_exported_but_not_called_verified() {
    let message = "the dump is on the database server at /oracle-server/BizAgiBackupPath and was not archived or verified; run bizscript on the database server or pass `--set local_path=`";
    // The scenario `remote`, and any scenario on a remote server, without the mount.
    for (scenario, remote) in [("remote", false), ("ok", true)] {
        let mut ask = procedure(Topology::Local, scenario);
        ask.remote = remote;
        let run = ask.go();
        assert_eq!(run.status, Some(3), "{scenario}: {}", run.stderr);
        assert_eq!(run.report["verdict"], "review");
        assert!(run.stderr.contains(message), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("review: exported; {message}")),
            "the final line says what happened: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("verified:"), "{}", run.stderr);
        assert_eq!(run.report["exported"], true);
        assert_eq!(run.report["archived"], false);
        assert_eq!(run.report["verified"], false);
        assert!(run
            .report
            .get("archive")
            .is_some_and(serde_json::Value::is_null));
        assert_eq!(run.step("compress")["status"], "review");
        // The export ran and its log was read, through the client's copy.
        assert!(run.ran_job("expdp"));
        assert_eq!(run.step("parse_log")["status"], "ok");
        let log = run.report["log_file"].as_str().unwrap_or_default();
        assert!(log.starts_with("/oracle-server/BizAgiBackupPath/"), "{log}");
        // The client log is in a per-run folder under the state directory, made 0700, and
        // nowhere in the server's folder.
        let logs = files_under(&run.state_runs());
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(logs[0].to_string_lossy().ends_with(".client.log"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(logs[0].parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        assert!(!files_under(&run.server_folder())
            .iter()
            .any(|f| f.to_string_lossy().contains(".client.log")));
        // The dump itself is there on the "server", untouched.
        assert!(files_under(&run.server_folder())
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".dmp")));
        assert_no_password_leak(&run);
    }
}

#[test]
fn remote_with_local_path_archives_and_verifies_through_the_mount() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let output = bizscript()
        .env("BIZSCRIPT_SIM_HOME", &home)
        .env("BIZSCRIPT_PASSWORD", PASSWORD)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env_remove("ORACLE_SIM_REMOTE")
        .current_dir(dir.path())
        .args(["run", "bizagi_export.rhai", "--simulate=remote", "--set"])
        .arg(format!(
            "local_path={}",
            home.join("server/BizAgiBackupPath").display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let zip = files_under(&home.join("server/BizAgiBackupPath"))
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "zip"))
        .expect("an archive");
    assert_sound_zip(&zip);
    assert!(stderr.contains(&format!(
        "ok: exported, archived and verified: {}",
        zip.display()
    )));
}

#[test]
fn a_local_path_that_does_not_show_the_servers_files_is_review() {
    let elsewhere = tempfile::tempdir().unwrap();
    let mut ask =
        procedure(Topology::Remote, "ok").set(format!("local_path={}", elsewhere.path().display()));
    ask.local_path = false;
    let run = ask.go();
    assert_eq!(run.status, Some(3), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "are not in {}, so it is not where this machine sees BizAgiBackupPath (/oracle-server/BizAgiBackupPath)",
            elsewhere.path().display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.report["verified"], false);
    assert!(run
        .report
        .get("archive")
        .is_some_and(serde_json::Value::is_null));
}

#[test]
fn warnings_scenario_needs_review() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "warnings").go();
        assert_eq!(run.status, Some(3), "{topology:?}: {}", run.stderr);
        assert_eq!(run.report["verdict"], "review");
        assert!(!run.report["messages"].as_array().unwrap().is_empty());
        assert_no_password_leak(&run);
    }
}

#[test]
fn fatal_and_crash_fail_and_delete_nothing() {
    for topology in TOPOLOGIES {
        for scenario in ["fatal", "crash"] {
            let run = procedure(topology, scenario).go();
            assert_eq!(
                run.status,
                Some(1),
                "{topology:?} {scenario}: {}",
                run.stderr
            );
            assert_eq!(run.report["verdict"], "failed", "{scenario}");
            assert_eq!(run.step("expdp")["status"], "failed", "{scenario}");
            assert!(
                run.report
                    .get("archive")
                    .is_some_and(serde_json::Value::is_null),
                "{scenario}: no archive of a failed export"
            );
            assert_eq!(run.report["exported"], false);
            assert_eq!(run.report["verified"], false);
            if scenario == "crash" {
                // A client killed by a signal is a failure that names the signal and its
                // usual sender.
                let summary = run.step("expdp")["summary"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                assert!(summary.contains("SIGKILL"), "{summary}");
                assert!(summary.contains("out-of-memory"), "{summary}");
                // The run's failure (and so its final line) is the first one, naming the signal.
                assert_eq!(run.report["failure"]["step"], "expdp");
                assert!(
                    run.stderr.contains(
                        "failed at step expdp: the export failed: the client was killed by SIGKILL"
                    ),
                    "{}",
                    run.stderr
                );
            }
            assert_no_password_leak(&run);
        }
    }
}

#[test]
fn charset_mismatch_and_bad_home_stop_before_expdp() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "charset_mismatch").go();
        assert_eq!(run.status, Some(1), "{}", run.stderr);
        assert_eq!(run.report["failure"]["step"], "nls_charset");
        assert!(!run.ran_job("expdp"), "expdp must not run");
        assert!(run.stderr.contains("WE8MSWIN1252"), "{}", run.stderr);

        let run = procedure(topology, "bad_home").go();
        assert_eq!(run.status, Some(1), "{}", run.stderr);
        assert_eq!(run.report["failure"]["step"], "check_env");
        assert!(!run.ran_job("expdp"), "expdp must not run");
        assert_no_password_leak(&run);
    }
}

#[test]
fn a_client_newer_than_the_database_stops_at_step_1() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "client_too_new").go();
        assert_eq!(run.status, Some(1), "{topology:?}: {}", run.stderr);
        assert_eq!(run.report["failure"]["step"], "check_env");
        assert_eq!(run.report["steps"].as_array().unwrap().len(), 1);
        assert!(!run.ran_job("expdp"), "expdp must not run");
        let reason = run.report["failure"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(reason.contains("21.3.0.0.0"), "{reason}");
        assert!(reason.contains("database 19.0.0.0.0"), "{reason}");
        assert!(reason.contains("UDE-00018"), "{reason}");
        assert!(
            reason.contains("Bizagi's prerequisite: the versions of the export and import clients must match the database's"),
            "{reason}"
        );
        assert!(run
            .stderr
            .contains("point ORACLE_HOME at an Oracle 19c client"));
    }
}

#[test]
fn missing_directory_says_to_pass_a_path() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "no_directory").go();
        assert_eq!(run.status, Some(1), "{}", run.stderr);
        assert_eq!(run.report["failure"]["step"], "ensure_directory");
        assert!(run.stderr.contains("--set path="), "{}", run.stderr);
        // With a path (the server's own name for its folder), the directory is created and the
        // export goes through.
        let server = tempfile::tempdir().unwrap();
        let path = match topology {
            Topology::Local => format!("path={}", server.path().display()),
            Topology::Remote => "path=/oracle-server/BizAgiBackupPath".to_string(),
        };
        let run = procedure(topology, "no_directory").set(path).go();
        assert_eq!(run.status, Some(0), "{topology:?}: {}", run.stderr);
        assert_eq!(run.report["verified"], true);
    }
}

#[test]
fn disk_full_fails() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "disk_full").go();
        assert_eq!(run.status, Some(1), "{}", run.stderr);
        assert_eq!(run.report["verdict"], "failed");
        assert_eq!(run.report["exported"], false);
        assert_eq!(run.report["verified"], false);
        assert!(run
            .report
            .get("archive")
            .is_some_and(serde_json::Value::is_null));
        assert_no_password_leak(&run);
    }
}

#[test]
fn dry_run_exports_nothing() {
    for topology in TOPOLOGIES {
        let mut ask = procedure(topology, "ok").set("parallel=2");
        ask.dry_run = true;
        let run = ask.go();
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        assert!(
            run.stderr.contains("dry run: nothing was changed"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("userid=BizAgiAdmon/\"***\""),
            "the parfile is shown masked: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(PASSWORD));
        assert!(!run.ran_job("expdp"), "expdp ran under --dry-run");
        assert!(
            files_under(&run.state_runs()).is_empty(),
            "nothing written under --dry-run"
        );
    }
}

#[test]
fn compress_false_is_said_plainly_and_never_called_verified() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "ok").set("compress=false").go();
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("bizagi_export BIZAGI: ok: exported; not archived (compress=false)"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("verified"), "{}", run.stderr);
        assert_eq!(run.report["archived"], false);
        assert_eq!(run.report["verified"], false);
        assert_eq!(run.report["not_archived"], "not archived (compress=false)");
    }
}

#[test]
fn bad_parameters_exit_2_before_anything_runs() {
    for topology in TOPOLOGIES {
        for set in [
            "parallel=two",
            "parallel=0",
            "parallel=-1",
            "parallel=65",
            "compress=0",
            "keep=abc",
            "keep=0",
            "connect=//db:1521/SVC,content=metadata_only",
            "connect=//db:1521/SVC,full=y",
            "connect=//db:1521/SVC#comment",
            "connect=//db:1521/SVC attach=X",
            "dumpfile=a,b.dmp",
            "directory=X'; DROP",
            "shema=BIZAGI",
            "local_path=.",
            "archive_dir=relative/folder",
            "parallel=2|dumpfile=fixed.dmp",
            "compress=false|remove_dump=true",
            "compress=false|keep=3",
        ] {
            // no_directory with a path: a DIRECTORY would be created if any step ran.
            let mut ask =
                procedure(topology, "no_directory").set("path=/oracle-server/BizAgiBackupPath");
            for one in set.split('|') {
                ask = ask.set(one);
            }
            if set.starts_with("local_path=") {
                ask.local_path = false;
            }
            let run = ask.go();
            assert_eq!(run.status, Some(2), "{topology:?} {set}: {}", run.stderr);
            assert!(
                run.audit().is_empty(),
                "{set}: a tool ran: {:?}",
                run.audit()
            );
            let key = set.rsplit('|').next().unwrap().split('=').next().unwrap();
            assert!(
                run.stderr.contains(&format!("--set {key}")),
                "{set}: {}",
                run.stderr
            );
            assert!(run.stderr.contains("BZ-PARAMETER"), "{set}: {}", run.stderr);
        }
    }
}

#[test]
fn unknown_parameter_is_refused_with_the_nearest_name() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "ok").set("shema=X").go();
        assert_eq!(run.status, Some(2));
        assert!(
            run.stderr.contains("unknown parameter --set shema"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("did you mean `schema`"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn no_password_prompt_under_simulate_on_a_terminal() {
    use expectrl::{Eof, Expect};
    for topology in TOPOLOGIES {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bizscript"));
        command
            .args(["run", "bizagi_export.rhai", "--simulate"])
            .current_dir(dir.path())
            .env("BIZSCRIPT_SIM_HOME", &home)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color")
            .env_remove("BIZSCRIPT_PASSWORD")
            .env_remove("ORACLE_SIM_REMOTE")
            .env_remove("RUST_LOG");
        if topology == Topology::Remote {
            command.env("ORACLE_SIM_REMOTE", "1").arg(format!(
                "--set=local_path={}",
                home.join("server/BizAgiBackupPath").display()
            ));
        }
        let mut session = expectrl::Session::spawn(command).unwrap();
        session.set_expect_timeout(Some(std::time::Duration::from_secs(120)));
        let found = session.expect(Eof).unwrap();
        let text: String = std::iter::once(found.before())
            .chain(found.matches())
            .map(String::from_utf8_lossy)
            .collect();
        assert!(!text.contains("Password for"), "{text}");
        assert_eq!(
            text.matches("using the simulator's placeholder password")
                .count(),
            1,
            "{text:?}"
        );
        assert!(
            text.contains("ok: exported, archived and verified: "),
            "{topology:?}: {text}"
        );
    }
}

#[test]
fn doc_bizagi_export_lists_every_parameter() {
    let output = bizscript().args(["doc", "bizagi_export"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for p in bizscript::primitives::procedure_params::BIZAGI_EXPORT {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", p.name)))
            .unwrap_or_else(|| panic!("{} is not listed:\n{text}", p.name));
        assert!(line.contains(p.kind.name()), "{line}");
        assert!(line.contains("default: "), "{line}");
        assert!(text.contains(p.meaning), "the meaning of {}", p.name);
    }
}

/// Lose nothing: when the copy to the share fails after the export, the run fails and keeps the
/// dump, the archive and the manifest (the example holds its removals until the share has a copy).
#[test]
fn a_failed_share_copy_keeps_the_dump_and_the_archive() {
    let root = crate::support::repo_root();
    let script = root
        .join("examples/archive_to_share.rhai")
        .display()
        .to_string();
    for topology in TOPOLOGIES {
        let work = tempfile::tempdir().unwrap();
        // A file where the share's folder should be: every copy into it fails.
        std::fs::write(work.path().join("share"), "not a folder").unwrap();
        let mut run = Run::new(topology, &script, "ok").set("remove_dump=true");
        run.cwd = Some(work.path());
        let run = run.go();
        assert_eq!(run.status, Some(1), "{topology:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("cannot create a file in share"),
            "{}",
            run.stderr
        );
        let server = run.dir.path().join("home/server/BizAgiBackupPath");
        let kept: Vec<String> = std::fs::read_dir(&server)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        for ending in [".dmp", ".zip", ".manifest.json"] {
            assert!(
                kept.iter().any(|n| n.ends_with(ending)),
                "{topology:?}: no {ending} kept in {kept:?}"
            );
        }
    }
}

#[test]
fn examples_run_under_simulation() {
    let root = crate::support::repo_root();
    for topology in TOPOLOGIES {
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir(work.path().join("share")).unwrap();
        let example = |name: &str| root.join("examples").join(name).display().to_string();

        let nightly_script = example("nightly_export.rhai");
        let mut nightly = Run::new(topology, &nightly_script, "ok").set("keep=2");
        nightly.cwd = Some(work.path());
        if topology == Topology::Remote {
            nightly = nightly.set("path=/oracle-server/BizAgiBackupPath");
        }
        let nightly = nightly.go();
        assert_eq!(nightly.status, Some(0), "{topology:?}: {}", nightly.stderr);
        assert!(nightly.stdout.contains("nightly BIZAGI: ok"));

        let several_script = example("several_schemas.rhai");
        let mut several = Run::new(topology, &several_script, "ok");
        several.cwd = Some(work.path());
        let several = several.go();
        assert_eq!(several.status, Some(0), "{}", several.stderr);
        assert_eq!(several.report["schemas"].as_array().unwrap().len(), 2);

        let share_script = example("archive_to_share.rhai");
        let mut share = Run::new(topology, &share_script, "ok");
        share.cwd = Some(work.path());
        let share = share.go();
        assert_eq!(share.status, Some(0), "{}", share.stderr);
        assert!(
            std::fs::read_dir(work.path().join("share"))
                .unwrap()
                .count()
                >= 2
        );

        // A site parameter is checked like the procedure's: a typo exits 2 before anything runs.
        let mut typo = Run::new(topology, &share_script, "ok").set("shaer=/mnt/x");
        typo.cwd = Some(work.path());
        let typo = typo.go();
        assert_eq!(typo.status, Some(2), "{}", typo.stderr);
        assert!(
            typo.stderr.contains("did you mean `share`"),
            "{}",
            typo.stderr
        );
        assert!(typo.audit().is_empty());

        let mut failing = Run::new(topology, &share_script, "fatal");
        failing.cwd = Some(work.path());
        let failing = failing.go();
        assert_eq!(failing.status, Some(1));
        let monitoring = std::fs::read_to_string(work.path().join("monitoring.log")).unwrap();
        assert!(monitoring.contains("BIZAGI failed"), "{monitoring}");
        // Nothing but what the scripts write on purpose lands in their working folder.
        let mut left: Vec<String> = std::fs::read_dir(work.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["monitoring.log", "share"], "{topology:?}");
    }
}

#[test]
fn basename_knows_windows_server_paths() {
    let dir = crate::support::ScriptDir::new();
    let script = dir.write(
        "b.rhai",
        r#"import "bizagi" as b;
print(b::basename("D:\\backup\\BIZAGI_1.DMP"));
print(b::basename("/oracle-server/BizAgiBackupPath/BIZAGI_2.dmp"));
print(b::basename("plain.dmp"));
"#,
    );
    let output = bizscript().arg("run").arg(&script).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "BIZAGI_1.DMP\nBIZAGI_2.dmp\nplain.dmp\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A Windows database server's paths are taken apart by Windows rules from this (Linux or
/// macOS) client, and joined to a local folder by that folder's rules.
#[test]
fn server_paths_keep_their_own_rules() {
    let dir = crate::support::ScriptDir::new();
    let script = dir.write(
        "p.rhai",
        r#"print(path_parent("D:\\backup\\BIZAGI_1.DMP"));
print(file_name("D:\\backup\\BIZAGI_1.DMP"));
print(path_join("D:\\backup", "BIZAGI.zip"));
print(path_join("/mnt/dbserver", file_name("D:\\backup\\BIZAGI_1.DMP")));
print(path_parent("/u01/backup/BIZAGI_2.dmp"));
path_join("/u01/backup", "../../etc/passwd");
"#,
    );
    let output = bizscript().arg("run").arg(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "D:\\backup\nBIZAGI_1.DMP\nD:\\backup\\BIZAGI.zip\n/mnt/dbserver/BIZAGI_1.DMP\n/u01/backup\n",
        "{stderr}"
    );
    // The join that would leave its folder stops the script.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("BZ-USAGE") && stderr.contains("cannot join"),
        "{stderr}"
    );
}

#[test]
fn a_parallel_export_archives_every_dump_file() {
    for topology in TOPOLOGIES {
        let run = procedure(topology, "ok").set("parallel=3").go();
        assert_eq!(run.status, Some(0), "{topology:?}: {}", run.stderr);
        let dumps = run.report["dump_files"].as_array().unwrap().len();
        assert_eq!(dumps, 3, "{}", run.report["dump_files"]);
        let archive = PathBuf::from(run.report["archive"]["archive"].as_str().unwrap());
        let names = assert_sound_zip(&archive);
        assert_eq!(
            names.iter().filter(|n| n.ends_with(".dmp")).count(),
            3,
            "{names:?}"
        );
    }
}

#[test]
fn without_a_usable_state_folder_the_client_log_goes_to_a_private_temporary_folder() {
    // A state "folder" that is a file: it cannot be created (as a read-only home cannot).
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let mut ask = procedure(Topology::Remote, "ok");
    ask.local_path = false;
    ask.state_home = Some(blocker.path().join("state"));
    let run = ask.go();
    assert_eq!(run.status, Some(3), "{}", run.stderr);
    let log = PathBuf::from(run.report["client_log"].as_str().unwrap_or_default());
    assert!(log.is_file(), "{}: {}", log.display(), run.stderr);
    let folder = log.parent().unwrap().to_path_buf();
    assert!(
        folder.starts_with(std::env::temp_dir()),
        "{}",
        folder.display()
    );
    assert!(folder
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("bizscript-run-"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&folder).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn an_unknown_scenario_is_a_usage_error_with_the_nearest_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = bizscript()
        .env("BIZSCRIPT_SIM_HOME", dir.path().join("home"))
        .current_dir(dir.path())
        .args(["run", "bizagi_export.rhai", "--simulate=remot"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    // clap's own suggestion, from the one scenario list (src/host/simulate.rs).
    assert!(
        stderr.contains("a similar value exists: 'remote'"),
        "{stderr}"
    );
    assert!(!dir.path().join("home/audit.jsonl").exists());
}
