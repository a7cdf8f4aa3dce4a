//! What an `expdp` / `impdp` exit status means (oracle-facts §2, "Data Pump Exit Codes").
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
}
