//! The host: everything between the command line and the primitives.
//!
//! [`engine::EngineBuilder`] builds the one hardened engine used by `run`, `check`, `repl` and the
//! tests. What the primitives share during a run ([`crate::primitives::runtime::HostCtx`]), the
//! ledger of their outcomes and the JSON of values live beside the primitives, so the
//! primitives never import the host (a test in `primitives` checks it).

pub mod check;
pub mod dba_terms;
pub mod diagnostics;
pub mod docs;
pub mod engine;
pub mod error;
pub mod logging;
pub mod params;
pub mod report;
pub mod resolver;
pub mod script;
pub mod signals;
pub mod simulate;
pub mod sources;
