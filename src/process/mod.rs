//! Running Oracle's tools safely: secrets kept off argv, stdin a pipe bizscript owns, the child in
//! its own process group, output streamed, cancellation honoured.

pub mod capture;
pub mod datapump_client;
pub mod private_parfile;
#[cfg(windows)]
pub mod windows_acl;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// The command for one of Oracle's tools, the one place a child is set up: `args`, every stdio
/// stream a pipe bizscript owns, the run's environment `overrides` applied (`None` removes a
/// variable), every password variable scrubbed whatever the overrides say, and (on Unix) a
/// process group of its own, so the terminal's Ctrl-C reaches bizscript only (bizscript
/// decides what to stop) and a kill reaches the child's own children too.
pub fn tool_command<A: AsRef<OsStr>>(
    program: &Path,
    args: impl IntoIterator<Item = A>,
    overrides: &[(String, Option<String>)],
) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in overrides {
        match value {
            Some(v) => command.env(name, v),
            None => command.env_remove(name),
        };
    }
    // No password in the child's environment (`/proc/<pid>/environ`), whatever the overrides.
    crate::secret::scrub_env(&mut command);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command
}
