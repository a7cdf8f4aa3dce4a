//! The Oracle knowledge bizscript rests on, as pure functions over text and data: no processes,
//! no Rhai. Sources: `docs/oracle.md`.

pub mod charset;
pub mod client_banner;
pub mod client_charset;
pub mod client_health;
pub mod connect_identity;
pub mod connection;
pub mod database_identity;
pub mod datapump;
pub mod datapump_values;
pub mod directory;
pub mod exit_code;
pub mod identifier;
pub mod job_name;
pub mod jobs;
pub mod log;
pub mod message_language;
pub mod nls_lang;
pub mod oracle_homes;
pub mod restore_checks;
pub mod source_facts;
pub mod sqlplus_output;
pub mod sqlplus_script;
