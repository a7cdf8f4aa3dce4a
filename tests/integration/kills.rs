//! Kills, interrupts, hang-ups and hostile files, through the real binary against the
//! simulator: no password left on disk or in a child's environment, no client left running
//! after a forced exit, no second export started while the first one's job still runs, no file
//! overwritten through a planted link, no password that corrupts what is parsed.
//!
//! Every test has its own TMPDIR, XDG_RUNTIME_DIR (so its own lock folder) and simulated home.
//! The `slow` scenario is shortened with ORACLE_SIM_SLOW_SECONDS.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Kill-test-pw-5531";

/// One site: a private temporary folder, lock folder, simulated home and working folder.
struct Site {
    dir: tempfile::TempDir,
    password: String,
}

impl Site {
    fn new() -> Self {
        Self::with_password(PASSWORD)
    }

    fn with_password(password: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["tmp", "run", "work"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("run"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        Self {
            dir,
            password: password.to_string(),
        }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    fn home(&self) -> PathBuf {
        self.path("home")
    }

    fn dump_dir(&self) -> PathBuf {
        self.home().join("server/BizAgiBackupPath")
    }

    fn base(&self, slow_seconds: u32) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bizscript"));
        // -v: these tests follow the copied expdp console and the clean-up details, which a
        // quiet console keeps in the client log.
        cmd.arg("-v");
        cmd.env_remove("RUST_LOG")
            .env_remove("ORACLE_HOME")
            .env_remove("BIZSCRIPT_SIM_HOME")
            .env("NO_COLOR", "1")
            .env("TMPDIR", self.path("tmp"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .env("BIZSCRIPT_PASSWORD", &self.password)
            .env("ORACLE_SIM_SLOW_SECONDS", slow_seconds.to_string())
            .current_dir(self.path("work"))
            .stdin(Stdio::null());
        cmd
    }

    /// `bizscript run bizagi_export.rhai --simulate=SCENARIO` (which lays the home out afresh).
    fn simulated(&self, scenario: &str, report: &str, slow_seconds: u32) -> Command {
        let mut cmd = self.base(slow_seconds);
        cmd.env("BIZSCRIPT_SIM_HOME", self.home())
            .env_remove("NLS_LANG")
            .arg("run")
            .arg("bizagi_export.rhai")
            .arg(format!("--simulate={scenario}"))
            .arg("--report")
            .arg(self.path(report))
            .arg("--yes");
        cmd
    }

    /// The next night's run against the same (simulated) database: ORACLE_HOME points at the
    /// home the first run used, and nothing is laid out afresh.
    fn next_run(&self, report: &str) -> Command {
        let mut cmd = self.base(2);
        cmd.env("ORACLE_HOME", self.home())
            .env("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8")
            .args(["run", "bizagi_export.rhai", "--yes"])
            .args(["--set", "schema=BIZAGI"])
            .args(["--set", "connect=//localhost:1521/BIZAGIPDB"])
            .arg("--report")
            .arg(self.path(report));
        cmd
    }

    fn report(&self, name: &str) -> Value {
        std::fs::read_to_string(self.path(name))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null)
    }

    /// The simulated expdp clients of this site still running (children of children of the
    /// test: found by their program's path, which only this site's home has).
    fn clients(&self) -> Vec<i32> {
        let program = self.home().join("bin/expdp").display().to_string();
        let mut pids = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let first = cmdline.split(|b| *b == 0).next().unwrap_or_default();
            if first == program.as_bytes() && !is_zombie(pid) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Ends this site's clients (started by this test, through bizscript).
    fn end_clients(&self) {
        for pid in self.clients() {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }

    /// The files under `sub` holding the password.
    fn files_holding_password(&self, sub: &str) -> Vec<PathBuf> {
        files_under(&self.path(sub))
            .into_iter()
            .filter(|f| {
                let bytes = std::fs::read(f).unwrap_or_default();
                let needle = self.password.as_bytes();
                bytes.windows(needle.len()).any(|w| w == needle)
            })
            .collect()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.end_clients();
    }
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rfind(')')
                .and_then(|i| s[i + 1..].split_whitespace().next().map(str::to_string))
        })
        .is_some_and(|state| state == "Z")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => out.extend(files_under(&path)),
                Ok(m) if m.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out
}

/// A running bizscript whose stderr is read line by line.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(mut cmd: Command) -> Self {
        // (`base` passes -v: the job's `Starting ...` line these tests wait for is on stderr
        // only with -v since the console became one line per step.)
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        for pipe in [
            Box::new(child.stderr.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stdout.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits until a line holds `needle`.
    fn wait_for(&mut self, needle: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                let hit = line.contains(needle);
                self.seen.push(line);
                if hit {
                    return;
                }
            }
        }
        panic!(
            "no line with `{needle}` within {within:?}:\n{}",
            self.seen.join("\n")
        );
    }

    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).unwrap();
    }

    /// Waits for the exit (bounded) and returns its code and everything it printed.
    fn finish(mut self, within: Duration) -> (Option<i32>, String) {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "bizscript did not end within {within:?}:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        // The readers end when the pipes close (or a surviving grandchild keeps them: bounded).
        let drain = Instant::now() + Duration::from_secs(2);
        while Instant::now() < drain {
            match self.lines.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => self.seen.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
        (status.code(), self.seen.join("\n"))
    }
}

fn interrupt_times(running: &Running, times: usize) {
    for i in 0..times {
        if i > 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        running.signal(Signal::SIGINT);
    }
}

/// A process started with SIGHUP ignored, as `nohup` starts one.
fn ignoring_hangup(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only `signal` (async-signal-safe) runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::signal::signal(Signal::SIGHUP, nix::sys::signal::SigHandler::SigIgn)
                .map(|_| ())
                .map_err(std::io::Error::from)
        });
    }
}

/// The default disposition for SIGHUP in the child, whatever this test process inherited (a CI
/// job started under `nohup` passes SIGHUP ignored to every child, and bizscript rightly keeps an
/// ignored hangup ignored).
fn default_hangup(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only `signal` (async-signal-safe) runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::signal::signal(Signal::SIGHUP, nix::sys::signal::SigHandler::SigDfl)
                .map(|_| ())
                .map_err(std::io::Error::from)
        });
    }
}

#[test]
fn a_triple_interrupt_leaves_no_password_no_client_and_a_report_naming_the_job() {
    let site = Site::new();
    let mut run = Running::start(site.simulated("slow", "r.json", 30));
    run.wait_for("Starting \"BIZAGIADMON\"", Duration::from_secs(60));

    // While the export runs: the client's environment holds no password, and neither does any
    // file under TMPDIR (the parameter file went as soon as the client had read it).
    let clients = site.clients();
    assert_eq!(clients.len(), 1, "{clients:?}");
    let environ = std::fs::read(format!("/proc/{}/environ", clients[0])).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    assert!(
        !environ.contains(PASSWORD),
        "the client's environment holds the password"
    );
    assert!(!environ.contains("BIZSCRIPT_PASSWORD="), "{environ}");
    // Core dumps are off in bizscript, and so in what it starts (RLIMIT_CORE is inherited).
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", clients[0])).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap()
        .split_whitespace()
        .skip(4)
        .take(2)
        .collect::<Vec<_>>();
    assert_eq!(core, ["0", "0"], "{limits}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(site.files_holding_password("tmp"), Vec::<PathBuf>::new());

    interrupt_times(&run, 3);
    let (code, output) = run.finish(Duration::from_secs(20));
    assert_eq!(code, Some(130), "{output}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        site.clients(),
        Vec::<i32>::new(),
        "an expdp client survived:\n{output}"
    );
    assert_eq!(site.files_holding_password("."), Vec::<PathBuf>::new());
    let report = site.report("r.json");
    let job = report["job"].as_str().unwrap_or_default().to_string();
    assert!(
        job.starts_with("BIZAGIADMON.BIZSCRIPT_EXP_"),
        "the report names no job: {report}\n{output}"
    );
    assert!(output.contains(&format!("ATTACH={job}")), "{output}");
    assert!(!output.contains(PASSWORD));
    let leftovers: Vec<_> = files_under(&site.dump_dir())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_double_interrupt_names_the_job_and_the_next_run_cleans_the_orphan() {
    let site = Site::new();
    let mut run = Running::start(site.simulated("slow", "r.json", 30));
    run.wait_for("Starting \"BIZAGIADMON\"", Duration::from_secs(60));
    interrupt_times(&run, 2);
    let (code, output) = run.finish(Duration::from_secs(30));
    assert_eq!(code, Some(130), "{output}");
    let report = site.report("r.json");
    let job = report["job"].as_str().unwrap_or_default().to_string();
    assert!(job.starts_with("BIZAGIADMON.BIZSCRIPT_EXP_"), "{report}");
    // The clean-up hint is printed, not a bare "interrupted".
    assert!(output.contains("to clean up"), "{output}");
    assert!(output.contains(&format!("ATTACH={job}")), "{output}");
    assert!(report["interrupt"]["hint"].as_str().is_some(), "{report}");
    // The steps done before the interrupt are still in the report.
    let steps: Vec<&str> = report["steps"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        steps,
        ["check_env", "nls_charset", "ensure_directory"],
        "{report}"
    );

    // The next run finds the orphan, says it is its own, cleans it, and exports.
    let next = site.next_run("r2.json").output().unwrap();
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert_eq!(next.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("job {job} is NOT RUNNING")) && stderr.contains("bizscript's own"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("orphan {job}: attached and killed")),
        "{stderr}"
    );
    // The database no longer lists it (the simulator's state: no job left at all).
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(site.home().join("sim/state.json")).unwrap())
            .unwrap();
    assert_eq!(state["jobs"], serde_json::json!([]), "{}", state["jobs"]);
    assert_eq!(site.report("r2.json")["verdict"], "ok");
    assert_eq!(site.files_holding_password("."), Vec::<PathBuf>::new());
}

#[test]
fn after_a_sigkill_the_next_run_refuses_a_second_export_and_sweeps_the_parameter_folder() {
    let site = Site::new();
    let mut run = Running::start(site.simulated("slow", "r.json", 40));
    run.wait_for("Starting \"BIZAGIADMON\"", Duration::from_secs(60));
    let first_job = run
        .seen
        .iter()
        .find_map(|l| {
            l.split("Starting \"BIZAGIADMON\".\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        })
        .unwrap();
    run.signal(Signal::SIGKILL);
    let (code, _) = run.finish(Duration::from_secs(10));
    assert_eq!(code, None);
    // Even before the next run: the parameter file was removed once the client had read it.
    assert_eq!(site.files_holding_password("tmp"), Vec::<PathBuf>::new());
    assert_eq!(
        site.clients().len(),
        1,
        "the client goes on, as a real one may"
    );

    // A private parameter folder left by a bizscript that died before its client read it.
    let mut dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let stale = site
        .path("tmp")
        .join(format!("bizscript-parfile-{dead_pid}-x1y2z3"));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(
        stale.join("expdp.par"),
        format!("userid=BizAgiAdmon/\"{PASSWORD}\"@//localhost:1521/BIZAGIPDB\n"),
    )
    .unwrap();

    let next = site.next_run("r2.json").output().unwrap();
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert_eq!(next.status.code(), Some(1), "{stderr}");
    let name = format!("BIZAGIADMON.{first_job}");
    assert!(
        stderr.contains(&format!(
            "job {name} of an earlier bizscript run is still EXECUTING"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("ATTACH={name}")), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "by bizscript process {dead_pid}, which is no longer running"
        )),
        "{stderr}"
    );
    assert!(!stale.exists());
    assert_eq!(site.files_holding_password("."), Vec::<PathBuf>::new());
    // No second export was started: the one job's client is the only one.
    assert_eq!(site.clients().len(), 1);
    let audit = std::fs::read_to_string(site.home().join("audit.jsonl")).unwrap_or_default();
    let jobs = audit
        .lines()
        .filter(|l| l.contains("\"tool\":\"expdp\"") && l.contains("BIZSCRIPT_EXP_"))
        .filter(|l| !l.contains(&first_job))
        .count();
    assert_eq!(jobs, 0, "a second export ran:\n{audit}");
    site.end_clients();
}

#[test]
fn under_nohup_a_hangup_leaves_the_export_running_to_a_verified_archive() {
    let site = Site::new();
    let mut cmd = site.simulated("slow", "r.json", 4);
    ignoring_hangup(&mut cmd);
    let mut run = Running::start(cmd);
    run.wait_for("Starting \"BIZAGIADMON\"", Duration::from_secs(60));
    run.signal(Signal::SIGHUP);
    std::thread::sleep(Duration::from_millis(200));
    run.signal(Signal::SIGHUP);
    let (code, output) = run.finish(Duration::from_secs(90));
    assert_eq!(code, Some(0), "{output}");
    let report = site.report("r.json");
    assert_eq!(report["verdict"], "ok", "{report}");
    assert_eq!(report["archive"]["verified"], true, "{report}");
    assert!(
        files_under(&site.dump_dir())
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "zip")),
        "no archive"
    );
    assert!(!output.contains("interrupted"), "{output}");
}

#[test]
fn without_nohup_a_hangup_interrupts_and_kills_the_job() {
    let site = Site::new();
    let mut cmd = site.simulated("slow", "r.json", 20);
    default_hangup(&mut cmd);
    let mut run = Running::start(cmd);
    run.wait_for("Starting \"BIZAGIADMON\"", Duration::from_secs(60));
    run.signal(Signal::SIGHUP);
    let (code, output) = run.finish(Duration::from_secs(60));
    assert_eq!(code, Some(130), "{output}");
    assert!(output.contains("KILL_JOB confirmed"), "{output}");
    assert_eq!(site.clients(), Vec::<i32>::new());
}

#[test]
fn planted_links_at_the_client_log_and_the_lock_leave_their_targets_untouched() {
    let site = Site::new();
    // Lay the home out once, then run as the next night would (nothing laid out afresh).
    let init = site.simulated("ok", "r0.json", 2).output().unwrap();
    assert_eq!(init.status.code(), Some(0));
    let target = site.path("precious");
    std::fs::write(&target, "keep me").unwrap();

    // The procedure's run tag is random now, so its client-log names cannot be guessed: plant
    // the link where a site script names its client log itself (a fixed, guessable name in the
    // shared Data Pump folder), and check the link's target survives the export: the transcript
    // must replace the link (rename), never write through it. The `.part` name is random and
    // created exclusively; process::datapump_client's unit test plants a link at the old fixed
    // `.part` name.
    let planted = site.dump_dir().join("nightly.client.log");
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    let script = site.path("planted.rhai");
    std::fs::write(
        &script,
        format!(
            r#"let db = oracle(#{{ user: "BizAgiAdmon", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/BIZAGIPDB" }});
let r = expdp(db, #{{ schemas: ["BIZAGI"], directory: "BizAgiBackupPath", dumpfile: "planted.dmp", logfile: "planted.log", client_log: "{}" }});
print(`outcome=${{r.outcome}}`);
"#,
            planted.display()
        ),
    )
    .unwrap();
    let mut cmd = site.base(2);
    cmd.env("ORACLE_HOME", site.home())
        .env("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8")
        .arg("run")
        .arg(&script);
    let direct = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&direct.stdout);
    let stderr = String::from_utf8_lossy(&direct.stderr);
    // The export itself ran (the test is about where its transcript went, not about refusing).
    assert!(stdout.contains("outcome="), "{stdout}\n{stderr}");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "keep me",
        "the planted link's target was written through: {stderr}"
    );
    let next = site.next_run("r1.json").output().unwrap();
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert_eq!(next.status.code(), Some(0), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");

    // A link at the lock's path, in the private lock folder: refused, target untouched.
    let locks = site.path("run/bizscript/locks");
    assert!(
        locks.is_dir(),
        "the locks live in the private per-user folder"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(site.path("run/bizscript"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    let lock = locks.join("bizagi_export_localhost_1521_bizagipdb_bizagi_bizagibackuppath.lock");
    // A released lock leaves no file behind (they used to accumulate); the link goes where the
    // next run's lock file would be.
    assert!(
        !lock.exists(),
        "a finished run leaves its lock file: {:?}",
        std::fs::read_dir(&locks).unwrap().collect::<Vec<_>>()
    );
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let refused = site.next_run("r2.json").output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_ne!(refused.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
}

#[test]
fn weak_passwords_give_verified_archives_and_do_not_leak_as_passwords() {
    let mut sites: Vec<Site> = ["BIZAGI", "oracle", "Job", "1", "x", "path"]
        .iter()
        .map(|pw| Site::with_password(pw))
        .collect();
    // A password holding the site's own dump folder path.
    let last = sites.len() - 1;
    sites[last].password = format!("Z{}/BIZAGI_", sites[last].dump_dir().display());
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = sites
            .into_iter()
            .map(|site| {
                scope.spawn(move || {
                    let out = site.simulated("ok", "r.json", 2).output().unwrap();
                    (site.password.clone(), site, out)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (pw, site, out) in results {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "password {pw:?}:\n{stderr}");
        let report = site.report("r.json");
        assert_eq!(report["verdict"], "ok", "password {pw:?}: {report}");
        let verified = report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "compress" && s["status"] == "ok");
        assert!(verified, "password {pw:?}: no verified archive: {report}");
        // A password unlike any word of the output appears nowhere at all.
        if pw.len() > 8 {
            assert!(!stderr.contains(&pw), "the password is shown:\n{stderr}");
            assert_eq!(site.files_holding_password("."), Vec::<PathBuf>::new());
        }
        // Where a password could appear (as the password of a connect string), it does not.
        for shown in [
            format!("BizAgiAdmon/{pw}@"),
            format!("BizAgiAdmon/\"{pw}\""),
            format!("BIZAGIADMON/{pw}@"),
        ] {
            assert!(!stderr.contains(&shown), "password {pw:?} shown:\n{stderr}");
            for file in files_under(site.dir.path()) {
                let text =
                    String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
                assert!(!text.contains(&shown), "{} shows {pw:?}", file.display());
            }
        }
    }
}
