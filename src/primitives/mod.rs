//! The primitives scripts call: thin glue between Rhai values and the domain modules.
//!
//! Each primitive lives in its own file with one [`PrimitiveDoc`] (signature, doc, example: the
//! single source for `bizscript doc`, the REPL's `:help` and the `.d.rhai` definitions) and a
//! `register` function. Every primitive is registered volatile and impure (see
//! [`registration`]) so the optimizer can never run it at compile time.

use crate::host::context::HostCtx;
use rhai::{Engine, FuncRegistration};
use std::sync::Arc;

pub mod accept;
pub mod check_env;
pub mod clock;
pub mod compress;
pub mod connection;
pub mod console;
pub mod database_identity;
pub mod datapump_jobs;
pub mod ensure_directory;
pub mod errors;
pub mod expdp;
pub mod expdp_cleanup;
pub mod expdp_progress;
pub mod files;
pub mod lock;
pub mod nls_charset;
pub mod options;
pub mod parse_log;
pub mod procedure_params;
pub mod restore_archive;
pub mod restore_postchecks;
pub mod restore_prechecks;
pub mod retention;
pub mod run_info;
pub mod secrets;
pub mod source_facts;
pub mod sqlplus;
pub mod step;
#[cfg(test)]
pub mod testing;
/// The Windows registry's Oracle homes (not the table of primitives).
pub mod windows_registry;

/// The documentation of one primitive, shown by `bizscript doc NAME` and `:help NAME`.
#[derive(Debug, Clone, Copy)]
pub struct PrimitiveDoc {
    /// The function name scripts call.
    pub name: &'static str,
    /// Typed signature(s), one per line, e.g. `expdp(db: Oracle, opts: Map) -> Map`.
    pub signature: &'static str,
    /// One paragraph: what it does, what it returns, what it refuses.
    pub summary: &'static str,
    /// A Rhai example. It runs as a test (under `--simulate` where it needs Oracle), so keep it
    /// self-contained and true.
    pub example: &'static str,
}

/// Every primitive's documentation, in the order of the procedure.
pub fn all_docs() -> Vec<&'static PrimitiveDoc> {
    vec![
        &run_info::RUN_INFO,
        &run_info::SET_REPORT,
        &accept::ACCEPT,
        &procedure_params::PROCEDURE_PARAMETERS,
        &procedure_params::CHECK_PARAMETERS,
        &secrets::SECRET_ENV,
        &secrets::SECRET_FILE,
        &secrets::SECRET_PROMPT,
        &secrets::SECRET_FOR_SIMULATION,
        &console::SAY,
        &console::ANNOUNCE,
        &clock::NOW_UTC,
        &clock::TIMESTAMP_TAG,
        &clock::RUN_TAG,
        &clock::EXPORT_JOB_NAME,
        &lock::ACQUIRE_LOCK,
        &files::FILE_EXISTS,
        &files::WRITE_JSON,
        &files::APPEND_LINE,
        &files::COPY_FILE,
        &files::REMOVE_FILES,
        &retention::PRUNE_ARCHIVES,
        &connection::ORACLE,
        &check_env::CHECK_ENV,
        &nls_charset::NLS_CHARSET,
        &database_identity::DATABASE_IDENTITY,
        &source_facts::SOURCE_FACTS,
        &restore_archive::RESTORE_ARCHIVE,
        &restore_prechecks::RESTORE_PRECHECKS,
        &restore_postchecks::RESTORE_POSTCHECKS,
        &restore_postchecks::DROP_SCRATCH_SCHEMA,
        &ensure_directory::ENSURE_DIRECTORY,
        &expdp::EXPDP,
        &datapump_jobs::DATAPUMP_JOBS,
        &datapump_jobs::CLEANUP_JOB,
        &parse_log::PARSE_LOG,
        &parse_log::PARSE_LOG_TEXT,
        &compress::COMPRESS,
    ]
}

/// Looks up one primitive's documentation by name.
pub fn doc(name: &str) -> Option<&'static PrimitiveDoc> {
    all_docs().into_iter().find(|d| d.name == name)
}

/// Registers every primitive into `engine`.
pub fn register_all(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    run_info::register(engine, ctx);
    accept::register(engine, ctx);
    procedure_params::register(engine, ctx);
    secrets::register(engine, ctx);
    console::register(engine, ctx);
    clock::register(engine, ctx);
    lock::register(engine, ctx);
    files::register(engine, ctx);
    retention::register(engine, ctx);
    connection::register(engine, ctx);
    check_env::register(engine, ctx);
    nls_charset::register(engine, ctx);
    database_identity::register(engine, ctx);
    source_facts::register(engine, ctx);
    restore_archive::register(engine, ctx);
    restore_prechecks::register(engine, ctx);
    restore_postchecks::register(engine, ctx);
    ensure_directory::register(engine, ctx);
    datapump_jobs::register(engine, ctx);
    expdp::register(engine, ctx, |db: &connection::Oracle| &db.connection);
    parse_log::register(engine, ctx);
    compress::register(engine, ctx);
}

/// The registration every primitive uses: global, volatile, impure, with its doc comments and
/// typed parameter info (`["name: Type", ..., "ReturnType"]`) for signatures and `.d.rhai`.
pub fn registration(doc: &PrimitiveDoc, params_info: &[&str]) -> FuncRegistration {
    let mut comments = vec![format!("/// {}", doc.summary)];
    comments.push("///".to_string());
    comments.push("/// ```rhai".to_string());
    comments.extend(doc.example.lines().map(|l| format!("/// {l}")));
    comments.push("/// ```".to_string());
    FuncRegistration::new(doc.name)
        .in_global_namespace()
        .with_volatility(true)
        .with_purity(false)
        .with_params_info(params_info)
        .with_comments(comments)
}
