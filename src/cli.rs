//! The command line.
use std::process::ExitCode;

/// Parses the command line, runs the command, returns the exit code.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
