//! The Oracle knowledge bizscript rests on, as pure functions over text and data: no processes,
//! no Rhai. Sources: `../shared/reference/oracle-facts.md`.

pub mod connection;
pub mod log;
