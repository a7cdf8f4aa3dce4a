//! Test helpers: a fresh simulated home per test, and the real binaries run inside it.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Sim {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
}

impl Sim {
    /// `oracle-sim init` of a new home for `scenario`.
    pub fn new(scenario: &str) -> Sim {
        Sim::with_args(scenario, &[])
    }

    /// `oracle-sim init` of a new home for `scenario` with more init options
    /// (`--db-version 21`).
    pub fn with_args(scenario: &str, extra: &[&str]) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("oracle_home");
        let out = Command::new(env!("CARGO_BIN_EXE_oracle-sim"))
            .arg("init")
            .arg(&home)
            .args(["--scenario", scenario])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "init failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let home = home.canonicalize().unwrap();
        Sim { _dir: dir, home }
    }

    /// A command for one of the home's tools, with the environment `init` printed.
    pub fn cmd(&self, tool: &str) -> Command {
        let mut c = Command::new(self.home.join("bin").join(tool));
        c.env("ORACLE_HOME", &self.home)
            .env("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8")
            .current_dir(&self.home);
        c
    }

    /// Runs a tool with `args` and `stdin` (closed after writing).
    pub fn run(&self, tool: &str, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .cmd(tool)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        // The tool may exit before reading everything; a broken pipe is fine.
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        child.wait_with_output().unwrap()
    }

    pub fn expdp(&self, args: &[&str]) -> Output {
        self.run("expdp", args, "")
    }

    /// Runs a sqlplus script as SYSTEM with clean output settings; returns stdout.
    pub fn sql(&self, user: &str, statements: &str) -> (String, i32) {
        let script = format!(
            "CONNECT {user}\nSET PAGESIZE 0 FEEDBACK OFF HEADING OFF VERIFY OFF ECHO OFF TAB OFF TRIMOUT ON TRIMSPOOL ON LINESIZE 32767\n{statements}\nEXIT\n"
        );
        let out = self.run("sqlplus", &["-S", "-L", "/nolog"], &script);
        (stdout(&out), out.status.code().unwrap_or(-1))
    }

    /// Like [`Sim::sql`] but with FEEDBACK on, so that "User dropped." and the like show.
    pub fn run_sql(&self, user: &str, statements: &str) -> (String, i32) {
        let script = format!("CONNECT {user}\nSET PAGESIZE 0 HEADING OFF\n{statements}\nEXIT\n");
        let out = self.run("sqlplus", &["-S", "-L", "/nolog"], &script);
        (stdout(&out), out.status.code().unwrap_or(-1))
    }

    pub fn backup_dir(&self) -> PathBuf {
        self.home.join("server").join("BizAgiBackupPath")
    }

    /// The audit trail's records.
    pub fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.home.join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    pub fn read(&self, path: impl AsRef<Path>) -> String {
        std::fs::read_to_string(path).unwrap()
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The standard backup export of the project schema.
pub const EXPORT: &[&str] = &[
    "bizagiadmon/Secr3t_pw",
    "schemas=bizagi",
    "directory=BizAgiBackupPath",
    "dumpfile=bizagi.dmp",
    "logfile=bizagi.log",
];
