//! Running a Data Pump client (`expdp` / `impdp`) so that it can neither hang nor be abandoned.
//!
//! * The child gets its own process group, so a Ctrl-C at the terminal reaches bizscript only and
//!   bizscript decides what the client is told.
//! * Its stdin is a pipe bizscript owns, never the terminal: the client can never wait on a
//!   prompt nobody sees. If it asks for a user name or password anyway, the pipe is closed and
//!   the client fails instead of hanging.
//! * Its stdout and stderr are streamed line by line to a callback and copied to a client-side
//!   log (written under an unpredictable temporary name created exclusively, never through a
//!   planted link, and renamed when the run ends). The callback gets each line twice: raw, for
//!   the parsers, and masked, for whatever is shown or stored; the log copy is masked.
//! * The private parameter file, when there is one, is removed as soon as the client has read it
//!   (its banner and the next line, or the job's `Starting` line, have appeared): the password
//!   stays on disk for a second or two, not for the hours of the export.
//! * On the first interrupt the job must not just be left running in the database (oracle-facts
//!   §3.1): the client gets SIGINT, which puts it in interactive-command mode (`Export>`), and is
//!   told `KILL_JOB` and `yes`; then bizscript waits, bounded, for it to exit. A second interrupt
//!   kills the client at once. The outcome says which of these happened.
//!
//! This layer knows nothing of Rhai or the host: it takes plain data.

use crate::cancel::{last_resort, Cancel};
use crate::process::private_parfile::PrivateParfile;
use crate::secret::Mask;
use std::ffi::OsString;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// What to run and how.
#[derive(Debug, Clone)]
pub struct ClientCommand {
    /// The client binary (`$ORACLE_HOME/bin/expdp`).
    pub program: PathBuf,
    /// Its arguments: only `parfile=...`, never a credential.
    pub args: Vec<OsString>,
    /// Environment changes for the child, applied in order (`None` removes the variable).
    pub env: Vec<(String, Option<String>)>,
    /// Where the copy of the console output goes.
    pub client_log: PathBuf,
    /// The password (and its user) to mask in the console copy and the callback's shown text.
    pub mask: Option<Mask>,
    /// How long to wait for each interactive prompt after an interrupt.
    pub prompt_wait: Duration,
    /// How long to wait for the client to exit after `KILL_JOB` was confirmed.
    pub kill_wait: Duration,
    /// An attached client (`ATTACH=`) for clean-up: answer its first `Export>` prompt with
    /// `KILL_JOB` without waiting for an interrupt.
    pub kill_at_first_prompt: bool,
}

impl ClientCommand {
    /// A command with the default waits (10 s per prompt, 60 s for the kill).
    pub fn new(program: PathBuf, args: Vec<OsString>, client_log: PathBuf) -> Self {
        Self {
            program,
            args,
            env: Vec::new(),
            client_log,
            mask: None,
            prompt_wait: Duration::from_secs(10),
            kill_wait: Duration::from_secs(60),
            kill_at_first_prompt: false,
        }
    }

    /// The command line as a user would type it (no secret is ever in it).
    pub fn display(&self) -> String {
        let mut parts = vec![self.program.display().to_string()];
        parts.extend(self.args.iter().map(|a| a.to_string_lossy().into_owned()));
        parts.join(" ")
    }
}

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What the kill protocol (interactive mode, `KILL_JOB`, `yes`) achieved, when bizscript ran it:
/// after an interrupt, or on a client attached (`ATTACH=`) to clean a job up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KillOutcome {
    /// `KILL_JOB` was sent and confirmed, and the client exited: the job is gone (its master
    /// table and dump files deleted by Data Pump; the log kept).
    Killed,
    /// The kill could not be confirmed: the job may still exist in the database.
    Unconfirmed { reason: String },
    /// A second interrupt: the client was killed without waiting; the job may still exist.
    Forced,
}

/// How a client run ended.
#[derive(Debug, Clone)]
pub struct ClientOutcome {
    /// The exit code, when the client exited normally.
    pub code: Option<i32>,
    /// The signal that ended it, otherwise.
    pub signal: Option<i32>,
    /// Set when bizscript tried to kill the job (an interrupt, or an attach for clean-up).
    pub kill: Option<KillOutcome>,
    /// True when the client asked for a user name or password and its stdin was closed.
    pub prompted_for_credentials: bool,
    /// Wall-clock time from spawn to exit.
    pub duration: Duration,
    /// The client-side log (the console copy).
    pub client_log: PathBuf,
    /// Set when the client log could not be written completely (the run itself went on).
    pub client_log_error: Option<String>,
    /// Set when the private parameter file could not be removed.
    pub parfile_error: Option<String>,
}

/// Why the client could not be run at all.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot write the client log {path}: {source}")]
    ClientLog {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("lost track of the client process: {0}")]
    Wait(#[source] io::Error),
}

enum Event {
    Line(Stream, String),
    Prompt(Stream, String),
    Closed,
}

/// Where the interrupt protocol stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Running,
    AwaitingPrompt(Instant),
    AwaitingConfirmation(Instant),
    AwaitingExit(Instant),
    Forced,
    GaveUp,
}

/// The callback for each console line: the stream, the raw text (for parsers) and the text with
/// the password masked (for display and storage).
pub type OnLine<'a> = dyn FnMut(Stream, &str, &str) + 'a;

/// Runs the client to its end, streaming each console line to `on_line`.
pub fn run(
    command: &ClientCommand,
    cancel: &Cancel,
    on_line: &mut OnLine,
) -> Result<ClientOutcome, ClientError> {
    run_with_parfile(command, None, cancel, on_line)
}

/// Like [`run`], and removes `parfile` as soon as the client has read it (and in any case when
/// the client has ended).
pub fn run_with_parfile(
    command: &ClientCommand,
    parfile: Option<PrivateParfile>,
    cancel: &Cancel,
    on_line: &mut OnLine,
) -> Result<ClientOutcome, ClientError> {
    let log_error = |source| ClientError::ClientLog {
        path: command.client_log.display().to_string(),
        source,
    };
    // An unpredictable name, created exclusively: a link planted at `<log>.part` is never
    // followed, and the final rename replaces whatever is at the log's name, never a target.
    let partial = crate::fsutil::temp_beside(&command.client_log, ".part").map_err(log_error)?;
    let (log_file, partial) = partial.into_parts();
    let partial_path = partial.to_path_buf();
    let mut log = BufWriter::new(log_file);
    let mut parfile = ParfileWatch::new(parfile);

    let started = Instant::now();
    let mut child = match spawn(command) {
        Ok(child) => child,
        Err(e) => {
            drop(log);
            drop(partial);
            return Err(e);
        }
    };
    let group = child.id();
    last_resort::client_started(group, &partial_path, &command.client_log);
    let mut stdin = child.stdin.take();
    let (tx, rx) = mpsc::channel();
    let mut open_streams = 0;
    if let Some(out) = child.stdout.take() {
        reader(out, Stream::Stdout, tx.clone());
        open_streams += 1;
    }
    if let Some(err) = child.stderr.take() {
        reader(err, Stream::Stderr, tx.clone());
        open_streams += 1;
    }
    drop(tx);

    let mut session = Session {
        // An attached client shows the job's status and then its `Export>` prompt by itself.
        phase: if command.kill_at_first_prompt {
            Phase::AwaitingPrompt(Instant::now())
        } else {
            Phase::Running
        },
        kill: None,
        prompted_for_credentials: false,
        command,
    };
    // A failing client log must not make us abandon a running job: note it, finish, report it.
    let mut log_failure: Option<io::Error> = None;
    let mut exited_at: Option<Instant> = None;
    let mut status = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Event::Line(stream, text)) => {
                parfile.saw(&text);
                let shown = mask(command, &text);
                keep(&mut log_failure, writeln!(log, "{shown}"));
                on_line(stream, &text, &shown);
            }
            Ok(Event::Prompt(stream, text)) => {
                parfile.saw(&text);
                let shown = mask(command, &text);
                keep(&mut log_failure, writeln!(log, "{shown}"));
                on_line(stream, &text, &shown);
                session.on_prompt(&text, &mut stdin);
            }
            Ok(Event::Closed) => open_streams -= 1,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => open_streams = 0,
        }
        if status.is_none() {
            session.on_tick(cancel, &mut child, &mut stdin);
            let exited = match child.try_wait() {
                Ok(exited) => exited,
                Err(e) => {
                    // Without a handle on the client nothing can be watched or killed cleanly:
                    // stop it rather than leave it running unobserved.
                    kill_group(group, true);
                    let _ = child.kill();
                    last_resort::client_ended(group);
                    // Keep what the client said so far under the log's name.
                    let _ = log.flush();
                    drop(log);
                    let _ = partial.persist(&command.client_log);
                    last_resort::client_log_done(&partial_path);
                    return Err(ClientError::Wait(e));
                }
            };
            if let Some(s) = exited {
                status = Some(s);
                exited_at = Some(Instant::now());
                session.on_exit();
                // Whatever it printed, a client that has ended needs its parameter file no more.
                parfile.remove_now();
                last_resort::client_ended(group);
            }
        }
        // After the exit, drain what the pipes still hold; a grandchild holding them open must
        // not keep us here, hence the bound.
        if let Some(at) = exited_at {
            if open_streams == 0 || at.elapsed() > Duration::from_secs(2) {
                break;
            }
        }
    }
    drop(stdin);
    keep(&mut log_failure, log.flush());
    drop(log);
    keep(
        &mut log_failure,
        partial.persist(&command.client_log).map_err(|e| e.error),
    );
    last_resort::client_log_done(&partial_path);

    let (code, signal) = match status {
        Some(s) => (s.code(), exit_signal(&s)),
        None => (None, None),
    };
    Ok(ClientOutcome {
        code,
        signal,
        kill: session.kill,
        prompted_for_credentials: session.prompted_for_credentials,
        duration: started.elapsed(),
        client_log: command.client_log.clone(),
        client_log_error: log_failure.map(|e| log_error(e).to_string()),
        parfile_error: parfile.error,
    })
}

/// Removes the parameter file once the client has read it. Oracle's clients read the command
/// line and the parameter file before printing their banner (a parameter error, `LRM-`, comes
/// before it), so the banner followed by one more line, or the job's `Starting` line, proves the
/// file was read.
struct ParfileWatch {
    parfile: Option<PrivateParfile>,
    banner_seen: bool,
    error: Option<String>,
}

impl ParfileWatch {
    fn new(parfile: Option<PrivateParfile>) -> Self {
        Self {
            parfile,
            banner_seen: false,
            error: None,
        }
    }

    fn saw(&mut self, line: &str) {
        if self.parfile.is_none() {
            return;
        }
        let text = line.trim();
        // With LOGTIME the job's lines carry a timestamp before `Starting`.
        if text.contains("Starting \"") || (self.banner_seen && !text.is_empty()) {
            self.remove_now();
        } else if text.starts_with("Export: Release") || text.starts_with("Import: Release") {
            self.banner_seen = true;
        }
    }

    fn remove_now(&mut self) {
        if let Some(parfile) = self.parfile.take() {
            let path = parfile.path().display().to_string();
            match parfile.remove() {
                Ok(()) => tracing::debug!("removed the private parameter file {path}"),
                Err(e) => {
                    self.error = Some(format!(
                        "cannot remove the private parameter file {path}: {e}"
                    ))
                }
            }
        }
    }
}

fn keep(failure: &mut Option<io::Error>, result: io::Result<()>) {
    if let Err(e) = result {
        failure.get_or_insert(e);
    }
}

struct Session<'a> {
    phase: Phase,
    kill: Option<KillOutcome>,
    prompted_for_credentials: bool,
    command: &'a ClientCommand,
}

impl Session<'_> {
    fn on_prompt(&mut self, prompt: &str, stdin: &mut Option<ChildStdin>) {
        let interactive = prompt.contains("Export>") || prompt.contains("Import>");
        let confirmation = prompt.contains("([yes]/no)");
        let credentials = prompt.contains("Password:") || prompt.contains("Username:");
        match self.phase {
            Phase::AwaitingPrompt(_) if interactive => {
                tracing::info!("client in interactive mode: sending KILL_JOB");
                send(stdin, "KILL_JOB");
                self.phase = Phase::AwaitingConfirmation(Instant::now());
            }
            Phase::AwaitingConfirmation(_) if confirmation => {
                tracing::info!("confirming KILL_JOB");
                send(stdin, "yes");
                self.phase = Phase::AwaitingExit(Instant::now());
            }
            Phase::Running if credentials => {
                // The parameter file carries the credentials; a prompt means they were refused
                // or missing. Closing stdin makes the client fail now instead of waiting forever.
                tracing::warn!("the client prompted for credentials; closing its input");
                self.prompted_for_credentials = true;
                *stdin = None;
            }
            _ => {}
        }
    }

    fn on_tick(&mut self, cancel: &Cancel, child: &mut Child, stdin: &mut Option<ChildStdin>) {
        let group = child.id();
        if cancel.is_forced() && !matches!(self.phase, Phase::Forced | Phase::GaveUp) {
            tracing::warn!("second interrupt: killing the client");
            kill_group(group, true);
            let _ = child.kill();
            self.phase = Phase::Forced;
            self.kill = Some(KillOutcome::Forced);
            return;
        }
        let wait = self.command.prompt_wait;
        match self.phase {
            Phase::Running if cancel.is_cancelled() => {
                tracing::info!("interrupt: asking the client for its interactive mode");
                kill_group(group, false);
                self.phase = Phase::AwaitingPrompt(Instant::now());
            }
            // The prompt may have been missed (no trailing blank, merged output): say it anyway.
            Phase::AwaitingPrompt(since) if since.elapsed() > wait => {
                send(stdin, "KILL_JOB");
                self.phase = Phase::AwaitingConfirmation(Instant::now());
            }
            Phase::AwaitingConfirmation(since) if since.elapsed() > wait => {
                send(stdin, "yes");
                self.phase = Phase::AwaitingExit(Instant::now());
            }
            Phase::AwaitingExit(since) if since.elapsed() > self.command.kill_wait => {
                tracing::warn!("the client did not exit after KILL_JOB; killing it");
                kill_group(group, true);
                let _ = child.kill();
                self.phase = Phase::GaveUp;
                self.kill = Some(KillOutcome::Unconfirmed {
                    reason: format!(
                        "the client did not exit within {} s of KILL_JOB",
                        self.command.kill_wait.as_secs()
                    ),
                });
            }
            _ => {}
        }
    }

    fn on_exit(&mut self) {
        self.kill = match (self.phase, self.kill.take()) {
            (_, Some(already)) => Some(already),
            (Phase::AwaitingExit(_), None) => Some(KillOutcome::Killed),
            (Phase::AwaitingPrompt(_) | Phase::AwaitingConfirmation(_), None) => {
                Some(KillOutcome::Unconfirmed {
                    reason: "the client exited before KILL_JOB was confirmed".to_string(),
                })
            }
            (_, None) => None,
        };
    }
}

fn spawn(command: &ClientCommand) -> Result<Child, ClientError> {
    let mut cmd = super::tool_command(&command.program, &command.args, &command.env);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Interrupting the job means sending the client SIGINT, so it must not inherit an
        // ignored SIGINT (a program started in the background by a non-interactive shell, by
        // nohup-like launchers or by a scheduler often has one, and an ignored signal survives
        // exec).
        // SAFETY: between fork and exec only `sigaction` runs, which is async-signal-safe; it
        // touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                use nix::sys::signal::{signal, SigHandler, Signal};
                signal(Signal::SIGINT, SigHandler::SigDfl)
                    .map(|_| ())
                    .map_err(std::io::Error::from)
            });
        }
    }
    cmd.spawn().map_err(|source| ClientError::Spawn {
        program: command.program.display().to_string(),
        source,
    })
}

/// Reads one pipe on its own thread, sending complete lines, and a trailing partial line when it
/// looks like a prompt (`Export> `, `...([yes]/no): `), which never ends with a newline.
///
/// Linear in the output whatever its shape: each byte is searched for a newline once (the scan
/// resumes where it stopped), lines are cut off the front in one pass per chunk, and the prompt
/// test looks only at the tail of what is pending. A client printing 16 MB without a newline
/// costs 16 MB of scanning, not 16 MB per chunk.
fn reader(mut pipe: impl Read + Send + 'static, stream: Stream, tx: Sender<Event>) {
    std::thread::spawn(move || {
        let mut pending: Vec<u8> = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let scanned = pending.len();
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => pending.extend_from_slice(&chunk[..n]),
            }
            let mut start = 0;
            let mut from = scanned;
            while let Some(pos) = memchr::memchr(b'\n', &pending[from..]) {
                let end = from + pos;
                let text = String::from_utf8_lossy(&pending[start..end]);
                let text = text.trim_end_matches(['\n', '\r']).to_string();
                if tx.send(Event::Line(stream, text)).is_err() {
                    return;
                }
                start = end + 1;
                from = start;
            }
            if start > 0 {
                pending.drain(..start);
            }
            if tail_looks_like_prompt(&pending) {
                let text = String::from_utf8_lossy(&pending).trim_end().to_string();
                pending.clear();
                if tx.send(Event::Prompt(stream, text)).is_err() {
                    return;
                }
            }
        }
        if !pending.is_empty() {
            let text = String::from_utf8_lossy(&pending).trim_end().to_string();
            let _ = tx.send(Event::Line(stream, text));
        }
        let _ = tx.send(Event::Closed);
    });
}

/// [`looks_like_prompt`] on the last bytes only: every prompt is short.
fn tail_looks_like_prompt(pending: &[u8]) -> bool {
    const TAIL: usize = 64;
    let tail = &pending[pending.len().saturating_sub(TAIL)..];
    looks_like_prompt(&String::from_utf8_lossy(tail))
}

/// The prompts a Data Pump client prints without a newline. Only these count: a pipe may hand
/// over any fragment of an ordinary line, and one ending in `:` must not be taken for a prompt.
fn looks_like_prompt(partial: &str) -> bool {
    let t = partial.trim_end();
    t.ends_with("Export>")
        || t.ends_with("Import>")
        || t.ends_with("([yes]/no):")
        || t.ends_with("Password:")
        || t.ends_with("Username:")
}

fn send(stdin: &mut Option<ChildStdin>, line: &str) {
    if let Some(pipe) = stdin {
        if let Err(e) = writeln!(pipe, "{line}").and_then(|_| pipe.flush()) {
            tracing::warn!("cannot write `{line}` to the client: {e}");
        }
    }
}

fn mask(command: &ClientCommand, text: &str) -> String {
    match &command.mask {
        Some(mask) => mask.apply(text),
        None => text.to_string(),
    }
}

#[cfg(unix)]
fn kill_group(group: u32, force: bool) {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    let signal = if force {
        Signal::SIGKILL
    } else {
        Signal::SIGINT
    };
    if let Ok(pid) = i32::try_from(group) {
        if let Err(e) = killpg(Pid::from_raw(pid), signal) {
            tracing::debug!("signal {signal} to process group {pid}: {e}");
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_group: u32, _force: bool) {}

#[cfg(unix)]
fn exit_signal(status: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(status)
}

#[cfg(not(unix))]
fn exit_signal(_status: &std::process::ExitStatus) -> Option<i32> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    /// A stand-in client written in sh: prints lines, and on SIGINT acts like expdp's
    /// interactive mode (prompt, KILL_JOB, confirmation).
    const FAKE_CLIENT: &str = r#"#!/bin/sh
interactive() {
  printf 'Export> '
  read cmd
  echo "command: $cmd"
  if [ "$cmd" = KILL_JOB ]; then
    printf 'Are you sure you wish to stop this job ([yes]/no): '
    read answer
    echo "answer: $answer"
    [ "$answer" = yes ] && exit 1
  fi
}
trap interactive INT
echo "Starting \"U\".\"J\":  u/******** $1"
echo "NLS_LANG=$NLS_LANG"
echo "to stderr" >&2
i=0
while [ $i -lt ${LINES_TO_PRINT:-3} ]; do
  echo "line $i connect u/tiger@db tiger"
  sleep ${PAUSE:-0}
  i=$((i+1))
done
exit ${EXIT_CODE:-0}
"#;

    fn fake(dir: &Path, script: &str) -> PathBuf {
        let path = dir.join("expdp");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn command(dir: &Path, env: &[(&str, &str)]) -> ClientCommand {
        let mut cmd = ClientCommand::new(
            fake(dir, FAKE_CLIENT),
            vec!["parfile=/x/expdp.par".into()],
            dir.join("client.log"),
        );
        cmd.env = env
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect();
        cmd.mask = Some(Mask::new(Secret::new("tiger", "test"), Some("U".into())));
        cmd.prompt_wait = Duration::from_secs(3);
        cmd.kill_wait = Duration::from_secs(5);
        cmd
    }

    #[test]
    fn streams_lines_keeps_a_redacted_copy_and_reports_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let cmd = command(
            dir.path(),
            &[
                ("EXIT_CODE", "5"),
                ("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8"),
            ],
        );
        let mut seen = Vec::new();
        let mut raw = Vec::new();
        let outcome = run(&cmd, &Cancel::new(), &mut |s, r, l| {
            raw.push(r.to_string());
            seen.push((s, l.to_string()))
        })
        .unwrap();
        assert_eq!(outcome.code, Some(5));
        assert!(outcome.kill.is_none());
        assert!(seen.contains(&(Stream::Stdout, "NLS_LANG=AMERICAN_AMERICA.AL32UTF8".into())));
        assert!(seen.contains(&(Stream::Stderr, "to stderr".into())));
        // Shown: masked where it stands as the password only; raw: untouched, for the parsers.
        assert!(seen.contains(&(Stream::Stdout, "line 2 connect u/***@db tiger".into())));
        assert!(raw.contains(&"line 2 connect u/tiger@db tiger".to_string()));
        let log = std::fs::read_to_string(dir.path().join("client.log")).unwrap();
        assert!(log.contains("Starting \"U\".\"J\":  u/******** parfile=/x/expdp.par"));
        assert!(!log.contains("u/tiger"));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn an_interrupt_kills_the_job_through_interactive_mode() {
        let dir = tempfile::tempdir().unwrap();
        let cmd = command(dir.path(), &[("LINES_TO_PRINT", "100"), ("PAUSE", "0.1")]);
        let cancel = Cancel::new();
        let trigger = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            trigger.interrupt();
        });
        let mut seen = Vec::new();
        let started = Instant::now();
        let outcome = run(&cmd, &cancel, &mut |_, _, l| seen.push(l.to_string())).unwrap();
        assert_eq!(outcome.kill, Some(KillOutcome::Killed), "{seen:?}");
        assert_eq!(outcome.code, Some(1));
        assert!(seen.contains(&"command: KILL_JOB".to_string()), "{seen:?}");
        assert!(seen.contains(&"answer: yes".to_string()), "{seen:?}");
        assert!(started.elapsed() < Duration::from_secs(8));
    }

    #[test]
    fn an_attached_client_is_told_to_kill_at_its_first_prompt() {
        let dir = tempfile::tempdir().unwrap();
        let script = "#!/bin/sh\necho 'Job: J'\necho '  State: IDLING'\nprintf 'Export> '\nread cmd\necho \"command: $cmd\"\nprintf 'Are you sure you wish to stop this job ([yes]/no): '\nread answer\necho \"answer: $answer\"\nexit 0\n";
        let mut cmd = command(dir.path(), &[]);
        cmd.program = fake(dir.path(), script);
        cmd.kill_at_first_prompt = true;
        let mut seen = Vec::new();
        let outcome = run(&cmd, &Cancel::new(), &mut |_, _, l| {
            seen.push(l.to_string())
        })
        .unwrap();
        assert_eq!(outcome.kill, Some(KillOutcome::Killed), "{seen:?}");
        assert!(seen.contains(&"command: KILL_JOB".to_string()));
        assert!(seen.contains(&"answer: yes".to_string()));
    }

    #[test]
    fn a_second_interrupt_forces() {
        let dir = tempfile::tempdir().unwrap();
        // This client ignores SIGINT entirely, as a hung one would.
        let script = FAKE_CLIENT.replace("trap interactive INT", "trap '' INT");
        let mut cmd = command(dir.path(), &[("LINES_TO_PRINT", "300"), ("PAUSE", "0.1")]);
        cmd.program = fake(dir.path(), &script);
        let cancel = Cancel::new();
        let trigger = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            trigger.interrupt();
            std::thread::sleep(Duration::from_millis(500));
            trigger.interrupt();
        });
        let started = Instant::now();
        let outcome = run(&cmd, &cancel, &mut |_, _, _| {}).unwrap();
        assert_eq!(outcome.kill, Some(KillOutcome::Forced));
        assert_eq!(outcome.signal, Some(9));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_credential_prompt_fails_instead_of_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let script = "#!/bin/sh\nprintf 'Password: '\nread pw || { echo 'UDE-00005: unexpected End-Of-File encountered while reading input'; exit 1; }\nexit 0\n";
        let mut cmd = command(dir.path(), &[]);
        cmd.program = fake(dir.path(), script);
        let mut seen = Vec::new();
        let outcome = run(&cmd, &Cancel::new(), &mut |_, _, l| {
            seen.push(l.to_string())
        })
        .unwrap();
        assert!(outcome.prompted_for_credentials);
        assert_eq!(outcome.code, Some(1));
        assert!(seen.iter().any(|l| l.starts_with("UDE-00005")), "{seen:?}");
    }

    #[test]
    fn only_known_prompts_count_as_prompts() {
        assert!(looks_like_prompt("Export> "));
        assert!(looks_like_prompt(
            "Are you sure you wish to stop this job ([yes]/no): "
        ));
        assert!(!looks_like_prompt("Dump file set for U.J is:"));
        assert!(!looks_like_prompt("24-NOV-26 01:02:03.123:"));
    }

    #[test]
    fn the_parameter_file_is_removed_once_the_client_has_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let parfile = PrivateParfile::create("expdp.par", "userid=u/\"tiger\"\n").unwrap();
        let path = parfile.path().to_path_buf();
        let script = format!(
            "#!/bin/sh\necho\necho 'Export: Release 19.0.0.0.0 - Production on x'\necho\necho 'Copyright (c) 1982, 2019'\nsleep 1\n[ -e '{}' ] && echo STILL-THERE || echo GONE\n",
            path.display()
        );
        let mut cmd = command(dir.path(), &[]);
        cmd.program = fake(dir.path(), &script);
        let mut seen = Vec::new();
        let outcome = run_with_parfile(&cmd, Some(parfile), &Cancel::new(), &mut |_, r, _| {
            seen.push(r.to_string())
        })
        .unwrap();
        assert!(outcome.parfile_error.is_none());
        assert!(seen.contains(&"GONE".to_string()), "{seen:?}");
        assert!(!path.exists());
    }

    #[test]
    fn no_secret_source_variable_reaches_the_client() {
        let dir = tempfile::tempdir().unwrap();
        crate::secret::note_source_variable("BZ_TEST_SECRET_SOURCE");
        let script = "#!/bin/sh\necho \"pw=${BIZSCRIPT_PASSWORD-unset} other=${BZ_TEST_SECRET_SOURCE-unset}\"\n";
        let mut cmd = command(
            dir.path(),
            &[
                ("BIZSCRIPT_PASSWORD", "tiger"),
                ("BZ_TEST_SECRET_SOURCE", "tiger"),
            ],
        );
        cmd.program = fake(dir.path(), script);
        let mut seen = Vec::new();
        run(&cmd, &Cancel::new(), &mut |_, r, _| {
            seen.push(r.to_string())
        })
        .unwrap();
        assert!(
            seen.contains(&"pw=unset other=unset".to_string()),
            "{seen:?}"
        );
    }

    #[test]
    fn a_long_line_without_newlines_costs_linear_time() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 16 << 20]).unwrap();
        let script = format!("#!/bin/sh\ncat '{}'\n", big.display());
        let mut cmd = command(dir.path(), &[]);
        cmd.mask = None;
        cmd.program = fake(dir.path(), &script);
        let started = Instant::now();
        let mut longest = 0;
        run(&cmd, &Cancel::new(), &mut |_, r, _| {
            longest = longest.max(r.len())
        })
        .unwrap();
        assert_eq!(longest, 16 << 20);
        // Quadratic scanning took about 22 s for this; linear is well under a second in release
        // and a few seconds in a debug build on a loaded machine.
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_link_planted_at_the_old_part_name_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("client.log.part")).unwrap();
        let cmd = command(dir.path(), &[]);
        run(&cmd, &Cancel::new(), &mut |_, _, _| {}).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert!(std::fs::read_to_string(dir.path().join("client.log"))
            .unwrap()
            .contains("Starting"));
    }

    #[test]
    fn a_missing_client_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = command(dir.path(), &[]);
        cmd.program = dir.path().join("no-such-expdp");
        let err = run(&cmd, &Cancel::new(), &mut |_, _, _| {}).unwrap_err();
        assert!(matches!(err, ClientError::Spawn { .. }));
    }
}
