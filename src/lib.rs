//! bizscript: scripted, verifiable Oracle Data Pump backups of Bizagi projects.
//!
//! The crate is laid out the way the procedure flows (see `README.md`):
//!
//! * [`cli`] parses the command line and maps outcomes to exit codes;
//! * [`host`] builds the hardened Rhai engine, resolves modules, renders diagnostics and reports;
//! * [`primitives`] is the thin glue that exposes typed operations to scripts;
//! * [`oracle`] holds the Oracle knowledge as pure functions (parfiles, logs, NLS, SQL quoting);
//! * [`process`] runs Oracle's tools safely (secrets off argv, process groups, cancellation);
//! * [`archive`] writes and verifies ZIP archives of dump files.
//!
//! The lower layers ([`oracle`], [`process`], [`archive`], [`secret`], [`cancel`]) never use Rhai
//! or the host: they are what another front end would reuse.

#[cfg(test)]
mod architecture_tests;
pub mod archive;
pub mod cancel;
pub mod cli;
/// Test fixtures: the simulator, the shared corpus, external tools (also used by tests/).
#[cfg(test)]
mod fixtures;
pub mod fsutil;
pub mod host;
pub mod oracle;
pub mod primitives;
pub mod process;
pub mod repl;
pub mod run_tag;
pub mod secret;
pub mod suggest;
