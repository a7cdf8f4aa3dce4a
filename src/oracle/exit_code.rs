//! What an `expdp` / `impdp` exit status means (docs/oracle.md §2, "Data Pump Exit Codes").
//!
//! Oracle documents three codes. None of them alone says whether the dump can be trusted: 5 may
//! hide skipped data and 0 may carry warnings, so the verdict always comes from the log and the
//! exit code is its cross-check.

use serde::Serialize;

/// The documented Data Pump client exit codes, plus what a wrapper can meet besides them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataPumpExit {
    /// `EX_SUCC` (0): the job completed; no errors were shown or logged.
    Succeeded,
    /// `EX_SUCC_ERR` (5): the job ran to its end, but errors were reported on the console and in
    /// the log. Not success: data may have been skipped.
    CompletedWithErrors,
    /// `EX_FAIL` (1): fatal errors (bad parameters, unrecoverable Oracle or OS errors). The fatal
    /// message is always on the console and may be missing from the log file.
    Failed,
    /// Any other code: not documented by Oracle, so treated as a failure.
    Undocumented(i32),
    /// The client was ended by a signal (no exit code at all).
    Signalled(i32),
}

impl DataPumpExit {
    /// Classifies a client's exit: `code` from `ExitStatus::code()`, `signal` from
    /// `ExitStatusExt::signal()`.
    pub fn from_status(code: Option<i32>, signal: Option<i32>) -> Self {
        match (code, signal) {
            (Some(0), _) => Self::Succeeded,
            (Some(5), _) => Self::CompletedWithErrors,
            (Some(1), _) => Self::Failed,
            (Some(other), _) => Self::Undocumented(other),
            (None, Some(sig)) => Self::Signalled(sig),
            // Neither a code nor a signal cannot happen on Unix; call it a failure, never success.
            (None, None) => Self::Undocumented(-1),
        }
    }

    /// The number a script sees as `exit_code`: the client's code, or 128 + signal as shells do.
    pub fn code(self) -> i32 {
        match self {
            Self::Succeeded => 0,
            Self::CompletedWithErrors => 5,
            Self::Failed => 1,
            Self::Undocumented(code) => code,
            Self::Signalled(sig) => 128 + sig,
        }
    }

    /// Oracle's name for the code (`EX_SUCC`...), or a description for the others.
    pub fn oracle_name(self) -> &'static str {
        match self {
            Self::Succeeded => "EX_SUCC",
            Self::CompletedWithErrors => "EX_SUCC_ERR",
            Self::Failed => "EX_FAIL",
            Self::Undocumented(_) => "undocumented exit code",
            Self::Signalled(_) => "killed by a signal",
        }
    }

    /// One sentence for a DBA.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Succeeded => "the job completed and no errors were reported",
            Self::CompletedWithErrors => {
                "the job ran to its end but reported errors: read the log before trusting the dump"
            }
            Self::Failed => "the job failed or never started (fatal error)",
            Self::Undocumented(_) => "the client ended with a code Oracle does not document",
            Self::Signalled(_) => "the client died before it could report an outcome",
        }
    }

    /// The signal that ended the client: reported as one (`Signalled`), or read from an exit
    /// code above 128, which is how a shell or wrapper script reports a child killed by one.
    pub fn signal(self) -> Option<i32> {
        match self {
            Self::Signalled(sig) => Some(sig),
            Self::Undocumented(code) if (129..=128 + 64).contains(&code) => Some(code - 128),
            _ => None,
        }
    }

    /// What a DBA needs to read: the meaning, and for a signal its name and what usually sends
    /// it.
    pub fn explain(self) -> String {
        match self.signal() {
            Some(sig) => format!(
                "the client was killed by {} (exit code {}) before it could report an outcome: {}; the job may still exist in the database",
                signal_name(sig),
                128 + sig,
                signal_cause(sig)
            ),
            None => self.meaning().to_string(),
        }
    }

    /// The short outcome word a script branches on: `succeeded`, `completed_with_errors`,
    /// `failed`.
    pub fn outcome(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::CompletedWithErrors => "completed_with_errors",
            Self::Failed | Self::Undocumented(_) | Self::Signalled(_) => "failed",
        }
    }
}

/// The name of a signal by its number (the numbers POSIX systems share, plus Linux's for the
/// resource limits).
pub fn signal_name(sig: i32) -> String {
    let name = match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        7 => "SIGBUS",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        _ => return format!("signal {sig}"),
    };
    format!("{name} (signal {sig})")
}

/// What usually sends a signal to a Data Pump client.
pub fn signal_cause(sig: i32) -> &'static str {
    match sig {
        9 => "usually the kernel's out-of-memory killer (see `dmesg` or `journalctl -k`) or an operator's `kill -9`",
        15 => "usually an operator, a service manager stopping the session, or a scheduler's time limit",
        1 => "usually the terminal or SSH session closing under the client (run it under nohup, screen or cron)",
        2 => "an interrupt (Ctrl-C) sent to the client",
        3 => "a quit (Ctrl-\\) sent to the client",
        6 | 7 | 11 => "the client crashed; its trace files under the Oracle diagnostic destination say why",
        13 => "the program reading its output went away",
        24 => "a CPU time limit (ulimit -t) ran out",
        25 => "a file size limit (ulimit -f) was reached",
        _ => "something outside bizscript ended it",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_documented_codes() {
        assert_eq!(
            DataPumpExit::from_status(Some(0), None),
            DataPumpExit::Succeeded
        );
        assert_eq!(
            DataPumpExit::from_status(Some(5), None).outcome(),
            "completed_with_errors"
        );
        assert_eq!(
            DataPumpExit::from_status(Some(1), None).oracle_name(),
            "EX_FAIL"
        );
    }

    #[test]
    fn anything_else_is_a_failure_never_success() {
        let odd = DataPumpExit::from_status(Some(2), None);
        assert_eq!(odd.outcome(), "failed");
        assert_eq!(odd.code(), 2);
        let killed = DataPumpExit::from_status(None, Some(9));
        assert_eq!(killed.outcome(), "failed");
        assert_eq!(killed.code(), 137);
    }

    #[test]
    fn a_killed_client_names_the_signal_and_its_usual_sender() {
        let killed = DataPumpExit::from_status(None, Some(9));
        let text = killed.explain();
        assert!(text.contains("SIGKILL (signal 9)"), "{text}");
        assert!(text.contains("out-of-memory"), "{text}");
        assert!(text.contains("operator"), "{text}");
        // A wrapper script reports its killed child as 128 + signal.
        let wrapped = DataPumpExit::from_status(Some(143), None);
        assert_eq!(wrapped.outcome(), "failed");
        assert!(
            wrapped.explain().contains("SIGTERM"),
            "{}",
            wrapped.explain()
        );
        assert_eq!(DataPumpExit::from_status(Some(1), None).signal(), None);
    }
}
