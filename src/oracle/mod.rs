//! The Oracle knowledge bizscript rests on, as pure functions over text and data: no processes,
//! no Rhai. Sources: `../shared/reference/oracle-facts.md`.

pub mod connection;
pub mod exit_code;
pub mod export_options;
pub mod export_progress;
pub mod message_language;
pub mod parfile;
