//! Run a tool to completion and capture what it said.
//!
//! For short conversations with Oracle's tools (`sqlplus` running a few statements, `expdp -help`):
//!
//! * the program path is resolved by the caller (see [`resolve_tool`]); argv never holds a secret;
//! * the child's environment is the parent's plus plain-data overrides (the host's `OracleEnv`
//!   flattened), so this layer knows nothing of the host, minus every secret-source variable
//!   ([`crate::secret::scrub_env`]);
//! * stdin text is written then closed: that is where a password travels;
//! * stdout and stderr are captured whole and handed back raw, for the parsers; [`Captured::shown`]
//!   is the same text with the password masked where it stands as one, for whatever is shown or
//!   stored (errors, logs, reports). A password equal to a word of the output (`BIZAGI`, `Job`,
//!   `1`) must not change what is parsed;
//! * a timeout and the run's [`Cancel`] flag kill the child (and its process group on Unix).

use crate::cancel::Cancel;
use crate::secret::{mask_all, Mask};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// How often the waiting loop checks the timeout and the cancel flag.
const POLL: Duration = Duration::from_millis(10);

/// What to run.
#[derive(Clone)]
pub struct Invocation {
    /// The program, by absolute path.
    pub program: PathBuf,
    /// Its arguments: never a secret.
    pub args: Vec<String>,
    /// Environment changes: `Some(value)` sets, `None` removes.
    pub env: Vec<(String, Option<String>)>,
    /// Text written to stdin, then stdin is closed. `None`: stdin is empty. It may hold a
    /// password, so it is wiped from memory when dropped and never shown by `Debug`.
    pub stdin: Option<Zeroizing<String>>,
    /// The longest the child may run.
    pub timeout: Duration,
    /// Passwords (with their users) to mask in what is shown of the output.
    pub masks: Vec<Mask>,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("env", &self.env)
            .field(
                "stdin",
                &self.stdin.as_ref().map(|s| format!("<{} bytes>", s.len())),
            )
            .field("timeout", &self.timeout)
            .field("masks", &self.masks)
            .finish()
    }
}

impl Invocation {
    /// A program with arguments, no stdin, a 60-second timeout.
    pub fn new(program: impl Into<PathBuf>, args: &[&str]) -> Self {
        Self {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
            stdin: None,
            timeout: Duration::from_secs(60),
            masks: Vec::new(),
        }
    }
}

/// What the child did.
#[derive(Debug, Clone)]
pub struct Captured {
    /// The exit code; `None` when a signal ended the child.
    pub exit_code: Option<i32>,
    /// Its standard output, raw (for parsers; see [`Captured::shown`]).
    pub stdout: String,
    /// Its standard error, raw.
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
    /// What [`Captured::shown`] masks.
    pub masks: Vec<Mask>,
}

impl Captured {
    /// `text` (from this capture, or derived from it) with the password masked: for display.
    pub fn shown(&self, text: &str) -> String {
        mask_all(&self.masks, text)
    }
}

/// Why a child did not run to completion.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("{program} did not finish within {seconds} s and was stopped")]
    Timeout {
        program: String,
        seconds: u64,
        /// What it printed before it was stopped (raw: mask with [`Captured::shown`]).
        partial: Box<Captured>,
    },
    #[error("{program} was stopped because the run was interrupted")]
    Cancelled { program: String },
    #[error("lost contact with {program}: {source}")]
    Io {
        program: String,
        source: std::io::Error,
    },
}

/// Finds `tool` the way bizscript runs Oracle's tools: `ORACLE_HOME/bin/tool` (a full home),
/// `ORACLE_HOME/tool` (an Instant Client folder), else the first `tool` on `path_var`.
pub fn resolve_tool(
    tool: &str,
    oracle_home: Option<&Path>,
    path_var: Option<&str>,
) -> Option<PathBuf> {
    let name = format!("{tool}{}", std::env::consts::EXE_SUFFIX);
    if let Some(home) = oracle_home {
        for candidate in [home.join("bin").join(&name), home.join(&name)] {
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    crate::fsutil::executables_on_path(tool, path_var?)
        .into_iter()
        .next()
}

/// Runs the invocation to completion. `cancel` stops it early.
pub fn capture(invocation: &Invocation, cancel: &Cancel) -> Result<Captured, CaptureError> {
    let program = invocation.program.display().to_string();
    let started = Instant::now();
    // Its own process group: a timeout can kill the child's own children too.
    let mut command = super::tool_command(&invocation.program, &invocation.args, &invocation.env);
    let mut child = command.spawn().map_err(|source| CaptureError::Spawn {
        program: program.clone(),
        source,
    })?;

    let group = child.id();
    crate::cancel::last_resort::child_started(group);
    let stdin_text = invocation.stdin.clone().unwrap_or_default();
    let stdin = child.stdin.take();
    // Written from a thread so that a child that prints a lot before reading cannot deadlock us.
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        if let Some(mut stdin) = stdin {
            stdin.write_all(stdin_text.as_bytes())?;
            // Dropping `stdin` closes the pipe: the child sees end of input.
        }
        Ok(())
    });
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());

    let outcome = wait(&mut child, invocation.timeout, cancel);
    crate::cancel::last_resort::client_ended(group);
    let stdout = collect(stdout);
    let stderr = collect(stderr);
    // A child that exits without reading its stdin breaks the pipe; that is its business, not
    // an error of ours.
    let _ = writer.join();

    let captured = Captured {
        exit_code: None,
        stdout,
        stderr,
        elapsed: started.elapsed(),
        masks: invocation.masks.clone(),
    };
    match outcome {
        Waited::Exited(code) => Ok(Captured {
            exit_code: code,
            ..captured
        }),
        Waited::TimedOut => Err(CaptureError::Timeout {
            program,
            seconds: invocation.timeout.as_secs(),
            partial: Box::new(captured),
        }),
        Waited::Cancelled => Err(CaptureError::Cancelled { program }),
        Waited::Failed(source) => Err(CaptureError::Io { program, source }),
    }
}

enum Waited {
    Exited(Option<i32>),
    TimedOut,
    Cancelled,
    Failed(std::io::Error),
}

fn wait(child: &mut Child, timeout: Duration, cancel: &Cancel) -> Waited {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Waited::Exited(status.code()),
            Ok(None) => {}
            Err(e) => {
                kill(child);
                return Waited::Failed(e);
            }
        }
        if cancel.is_cancelled() {
            kill(child);
            return Waited::Cancelled;
        }
        if Instant::now() >= deadline {
            kill(child);
            return Waited::TimedOut;
        }
        std::thread::sleep(POLL);
    }
}

/// Kills the child's process group (Unix) or the child, then reaps it.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn reader<R: Read + Send + 'static>(pipe: Option<R>) -> Option<JoinHandle<Vec<u8>>> {
    pipe.map(|mut pipe| {
        std::thread::spawn(move || {
            let mut buffer = Vec::new();
            let _ = pipe.read_to_end(&mut buffer);
            buffer
        })
    })
}

fn collect(handle: Option<JoinHandle<Vec<u8>>>) -> String {
    handle
        .and_then(|h| h.join().ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn sh(script: &str) -> Invocation {
        Invocation::new("/bin/sh", &["-c", script])
    }

    #[test]
    fn captures_stdout_stderr_and_the_exit_code() {
        let got = capture(&sh("echo out; echo err >&2; exit 3"), &Cancel::new()).unwrap();
        assert_eq!(got.stdout, "out\n");
        assert_eq!(got.stderr, "err\n");
        assert_eq!(got.exit_code, Some(3));
    }

    #[test]
    fn stdin_is_written_then_closed_and_secrets_are_redacted() {
        let mut run = sh("cat; echo done");
        run.stdin = Some(Zeroizing::new("CONNECT u/\"hunter2\"@db\nhunter2\n".into()));
        run.masks = vec![Mask::new(Secret::new("hunter2", "test"), Some("U".into()))];
        assert!(!format!("{run:?}").contains("hunter2"));
        let got = capture(&run, &Cancel::new()).unwrap();
        // Raw for the parsers; masked where it stands as the password for display.
        assert_eq!(got.stdout, "CONNECT u/\"hunter2\"@db\nhunter2\ndone\n");
        assert_eq!(
            got.shown(&got.stdout),
            "CONNECT u/\"***\"@db\nhunter2\ndone\n"
        );
    }

    #[test]
    fn environment_overrides_apply() {
        let mut run = sh("echo \"$BZ_SET|${BZ_GONE-unset}\"");
        run.env = vec![
            ("BZ_SET".into(), Some("yes".into())),
            ("BZ_GONE".into(), None),
        ];
        assert_eq!(capture(&run, &Cancel::new()).unwrap().stdout, "yes|unset\n");
    }

    #[test]
    fn a_timeout_kills_the_child() {
        let mut run = sh("echo started; sleep 30");
        run.timeout = Duration::from_millis(300);
        let started = Instant::now();
        match capture(&run, &Cancel::new()) {
            Err(CaptureError::Timeout { partial, .. }) => assert_eq!(partial.stdout, "started\n"),
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn cancel_kills_the_child() {
        let cancel = Cancel::new();
        let trigger = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            trigger.interrupt();
        });
        let started = Instant::now();
        let result = capture(&sh("sleep 30"), &cancel);
        assert!(matches!(result, Err(CaptureError::Cancelled { .. })));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let run = Invocation::new("/nonexistent/sqlplus", &[]);
        assert!(matches!(
            capture(&run, &Cancel::new()),
            Err(CaptureError::Spawn { .. })
        ));
    }

    #[test]
    fn resolves_tools_from_the_home_then_path() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(home.join("bin")).unwrap();
        std::fs::write(home.join("bin/sqlplus"), "").unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("expdp"), "").unwrap();
        let path = elsewhere.display().to_string();
        assert_eq!(
            resolve_tool("sqlplus", Some(&home), Some(&path)),
            Some(home.join("bin/sqlplus"))
        );
        assert_eq!(
            resolve_tool("expdp", Some(&home), Some(&path)),
            Some(elsewhere.join("expdp"))
        );
        assert_eq!(resolve_tool("impdp", Some(&home), Some(&path)), None);
    }
}
