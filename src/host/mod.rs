//! The host: everything between the command line and the primitives.
//!
//! [`engine::EngineBuilder`] builds the one hardened engine used by `run`, `check`, `repl` and the
//! tests; [`context::HostCtx`] carries what the primitives share during a run (dry-run mode, the
//! cancel flag, the environment the Oracle tools see).

pub mod check;
pub mod context;
pub mod diagnostics;
pub mod docs;
pub mod engine;
pub mod error;
pub mod logging;
pub mod outcome;
pub mod params;
pub mod report;
pub mod resolver;
pub mod script;
pub mod signals;
pub mod simulate;
pub mod sources;
