//! `impdp` through the real binary against the simulator: a misspelt option stops the run
//! (exit 2, the nearest valid name) before any client runs; Ctrl-C during a `slow` import kills
//! the job through the client's `Import>` prompt and leaves no job, client or password behind.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Impdp-test-pw-7719";

const EXPORT: &str = r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
let e = expdp(db, #{ schemas: ["BIZAGI"], directory: "BIZAGIBACKUPPATH", dumpfile: "bizagi_%U.dmp" });
if e.exit_code != 0 { throw `export failed: ${e.errors}`; }
"#;

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Self {
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
        Self { dir }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    fn command(&self, script: &str, scenario: &str, slow_seconds: u32) -> Command {
        let file = self.path("work/import.rhai");
        std::fs::write(&file, script).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bizscript"));
        cmd.arg("-v")
            .env_remove("RUST_LOG")
            .env_remove("ORACLE_HOME")
            .env_remove("NLS_LANG")
            .env("NO_COLOR", "1")
            .env("TMPDIR", self.path("tmp"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("BIZSCRIPT_PASSWORD", PASSWORD)
            .env("BIZSCRIPT_SIM_HOME", self.path("home"))
            .env("ORACLE_SIM_SLOW_SECONDS", slow_seconds.to_string())
            .current_dir(self.path("work"))
            .stdin(Stdio::null())
            .arg("run")
            .arg(&file)
            .arg(format!("--simulate={scenario}"))
            .arg("--yes");
        cmd
    }

    fn audit(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        for name in ["home/audit.jsonl"] {
            if let Ok(text) = std::fs::read_to_string(self.path(name)) {
                out.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok()));
            }
        }
        out
    }

    fn jobs(&self) -> Vec<serde_json::Value> {
        let state = std::fs::read_to_string(self.path("home/sim/state.json")).unwrap();
        let state: serde_json::Value = serde_json::from_str(&state).unwrap();
        state["jobs"].as_array().cloned().unwrap_or_default()
    }

    fn impdp_clients(&self) -> Vec<i32> {
        let program = self.path("home/bin/impdp").display().to_string();
        let mut pids = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                continue;
            };
            let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
                continue;
            };
            if status
                .lines()
                .any(|l| l.starts_with("State:") && l.contains('Z'))
            {
                continue;
            }
            if String::from_utf8_lossy(&cmdline).starts_with(&program) {
                pids.push(pid);
            }
        }
        pids
    }
}

fn holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => out.extend(holding(&path, needle)),
                Ok(m)
                    if m.is_file()
                        && std::fs::read(&path)
                            .map(|b| String::from_utf8_lossy(&b).contains(needle))
                            .unwrap_or(false) =>
                {
                    out.push(path)
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn a_misspelt_import_option_exits_2_with_the_nearest_name_before_impdp_runs() {
    let site = Site::new();
    let script = format!(
        "{EXPORT}impdp(db, #{{ directory: \"BIZAGIBACKUPPATH\", dumpfile: \"bizagi_%U.dmp\", remap_shema: \"BIZAGI:BIZAGI_COPY\" }});\n"
    );
    let out = site.command(&script, "ok", 2).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("remap_shema"), "{stderr}");
    assert!(stderr.contains("did you mean `remap_schema`?"), "{stderr}");
    assert!(
        !site.audit().iter().any(|e| e["tool"] == "impdp"),
        "impdp ran: {stderr}"
    );
}

#[test]
fn an_interrupted_slow_import_is_killed_through_the_import_prompt() {
    let site = Site::new();
    let script = format!(
        "{EXPORT}let i = impdp(db, #{{ directory: \"BIZAGIBACKUPPATH\", dumpfile: \"bizagi_%U.dmp\", remap_schema: \"BIZAGI:BIZAGI_COPY\" }});\nprint(`imported: ${{i.outcome}}`);\n"
    );
    let mut child = site
        .command(&script, "slow", 6)
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
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        assert!(
            Instant::now() < deadline,
            "the import never started:\n{}",
            seen.join("\n")
        );
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            let hit = line.contains("BIZSCRIPT_IMP_") && line.contains("Starting");
            seen.push(line);
            if hit {
                break;
            }
        }
    }
    // While the import runs: its client holds no password in argv or environment.
    let clients = site.impdp_clients();
    assert_eq!(clients.len(), 1, "{clients:?}");
    let environ = std::fs::read(format!("/proc/{}/environ", clients[0])).unwrap();
    assert!(!String::from_utf8_lossy(&environ).contains(PASSWORD));
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", clients[0])).unwrap();
    assert!(!String::from_utf8_lossy(&cmdline).contains(PASSWORD));

    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "bizscript did not end");
        std::thread::sleep(Duration::from_millis(50));
    };
    let drain = Instant::now() + Duration::from_secs(2);
    while Instant::now() < drain {
        match lines.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => seen.push(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    let output = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{output}");
    assert!(
        !output.contains("imported: "),
        "the script went on: {output}"
    );
    assert!(output.contains("Import>"), "no Import> prompt: {output}");
    assert!(output.to_ascii_uppercase().contains("KILL_JOB"), "{output}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(site.impdp_clients(), Vec::<i32>::new(), "{output}");
    assert_eq!(
        site.jobs(),
        Vec::<serde_json::Value>::new(),
        "a job is left: {output}"
    );
    assert_eq!(holding(&site.path("tmp"), PASSWORD), Vec::<PathBuf>::new());
    assert_eq!(holding(&site.path("home"), PASSWORD), Vec::<PathBuf>::new());
    assert!(!output.contains(PASSWORD));
}
