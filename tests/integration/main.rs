//! One integration-test binary that runs the real `bizscript` (and, where Oracle is needed, the
//! simulator), as a user would.

mod cli;
mod console;
mod console_errors;
mod console_report;
mod doc_examples;
mod fidelity;
mod files;
mod impdp;
// Signals, process groups and POSIX modes throughout: Unix only.
#[cfg(unix)]
mod kills;
mod ledger;
mod log;
mod procedure;
mod repl;
mod restore;
mod restore_procedure;
mod retention;
mod review;
mod support;
mod verify;
