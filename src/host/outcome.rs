//! Exit codes: the same everywhere, documented in `--help`.

/// How a command ended, as the shell sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything succeeded and nothing needs a person.
    Success,
    /// 1: the work failed (the script threw, the export failed, the verdict is `failed`).
    Failure,
    /// 2: bizscript was used wrongly (bad arguments, a script that does not compile).
    Usage,
    /// 3: the work completed but a person must review something (verdict `review`).
    Review,
    /// 130: interrupted by Ctrl-C or SIGTERM.
    Interrupted,
    /// Any other code a script chose with `exit(n)`.
    Other(u8),
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Review => 3,
            ExitStatus::Interrupted => 130,
            ExitStatus::Other(code) => code,
        }
    }

    /// The status for `exit(n)`: codes outside 0..=255 become 1 (failure), since the shell
    /// would otherwise see them truncated.
    pub fn from_script_code(code: i64) -> Self {
        match code {
            0 => ExitStatus::Success,
            1 => ExitStatus::Failure,
            2 => ExitStatus::Usage,
            3 => ExitStatus::Review,
            130 => ExitStatus::Interrupted,
            c @ 4..=255 => ExitStatus::Other(c as u8),
            _ => ExitStatus::Failure,
        }
    }

    /// The status for a report's verdict.
    pub fn from_verdict(verdict: &str) -> Option<Self> {
        match verdict {
            "ok" => Some(ExitStatus::Success),
            "review" => Some(ExitStatus::Review),
            "failed" => Some(ExitStatus::Failure),
            _ => None,
        }
    }
}

/// The exit codes as shown at the end of `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    failure (the script failed, or the verdict is `failed`)
  2    usage error (bad arguments, a script that does not compile)
  3    completed, but a person must review something (verdict `review`)
  130  interrupted (Ctrl-C or SIGTERM)";
