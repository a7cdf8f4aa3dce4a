//! How primitives talk to the database: `sqlplus -S -L /nolog` with a [`SqlplusScript`] (and so
//! the password) on stdin only, the output parsed raw and strictly (a password equal to a word
//! of the output must not change what is read), ORA-/SP2- errors turned into script errors
//! carrying the Oracle code and advice, with the password masked in everything shown.

use super::connection::{child_env, Oracle};
use super::errors::script_error;
use crate::host::context::HostCtx;
use crate::oracle::sqlplus_output::{self, SqlplusError, SqlplusOutput};
use crate::oracle::sqlplus_script::SqlplusScript;
use crate::process::capture::{capture, resolve_tool, CaptureError, Captured, Invocation};
use crate::secret::Mask;
use rhai::EvalAltResult;
use std::time::Duration;

/// How long one sqlplus conversation may take (a connect to an unreachable host can hang).
const SQLPLUS_TIMEOUT: Duration = Duration::from_secs(120);

/// The NLS_LANG bizscript gives its own sqlplus children: English messages and UTF-8 output, so
/// that what it parses and shows does not depend on the client's setting (which `nls_charset`
/// reports separately). Sqitch does the same (docs/oracle.md §6.4).
pub const SQLPLUS_NLS_LANG: &str = "AMERICAN_AMERICA.AL32UTF8";

/// Runs `script` with sqlplus as `db`, for the primitive `function`. The password goes only to
/// sqlplus's stdin; the output is parsed raw and strictly, and masked in what is shown. Every
/// failure is a script error.
pub fn run_sql(
    ctx: &HostCtx,
    db: &Oracle,
    function: &str,
    script: &SqlplusScript,
) -> Result<SqlplusOutput, Box<EvalAltResult>> {
    try_sql(ctx, db, function, script)?.map_err(|e| sql_error(function, e))
}

/// Like [`run_sql`], but hands Oracle's own errors back typed (inner `Err`) so that a caller can
/// react to one (e.g. ORA-00942 → try another view); failures to run sqlplus are the outer `Err`.
pub fn try_sql(
    ctx: &HostCtx,
    db: &Oracle,
    function: &str,
    script: &SqlplusScript,
) -> Result<Result<SqlplusOutput, SqlplusError>, Box<EvalAltResult>> {
    let sqlplus = resolve_tool(
        "sqlplus",
        ctx.env.oracle_home().as_deref(),
        ctx.env.get("PATH").as_deref(),
    )
    .ok_or_else(|| {
        script_error(
            "BZ-SQLPLUS-MISSING",
            format!("{function}: cannot find sqlplus in ORACLE_HOME/bin or on PATH"),
            "set ORACLE_HOME to the Oracle client to use; run check_env() to see what is wrong",
        )
    })?;
    tracing::debug!(
        function,
        sqlplus = %sqlplus.display(),
        script = %script.render_masked(&db.connection),
        "running sqlplus"
    );
    let mut invocation = Invocation::new(sqlplus, &["-S", "-L", "/nolog"]);
    invocation.env = child_env(ctx);
    invocation
        .env
        .push(("NLS_LANG".into(), Some(SQLPLUS_NLS_LANG.into())));
    invocation.stdin = Some(zeroize::Zeroizing::new(script.render(&db.connection)));
    invocation.timeout = SQLPLUS_TIMEOUT;
    invocation.masks = db
        .connection
        .password()
        .cloned()
        .map(|p| Mask::new(p, db.connection.user()))
        .into_iter()
        .collect();
    let captured = capture(&invocation, &ctx.cancel).map_err(|e| capture_error(function, e))?;
    tracing::debug!(function, exit_code = ?captured.exit_code, stdout = %captured.shown(&captured.stdout), stderr = %captured.shown(&captured.stderr), "sqlplus finished");
    // Errors may come on either stream; rows only on stdout.
    if let Some(error) = sqlplus_output::first_error(&captured.stderr) {
        return Ok(Err(shown_error(error, &captured)));
    }
    Ok(
        sqlplus_output::parse(&captured.stdout, captured.exit_code, script.query_count())
            .map_err(|e| shown_error(e, &captured)),
    )
}

/// The error with the password masked in every text it quotes from the output.
fn shown_error(error: SqlplusError, captured: &Captured) -> SqlplusError {
    match error {
        SqlplusError::Oracle {
            code,
            message,
            advice,
        } => SqlplusError::Oracle {
            code,
            message: captured.shown(&message),
            advice,
        },
        SqlplusError::Unexpected { line } => SqlplusError::Unexpected {
            line: captured.shown(&line),
        },
        SqlplusError::Shape {
            row,
            found,
            expected,
        } => SqlplusError::Shape {
            row: captured.shown(&row),
            found,
            expected,
        },
        other => other,
    }
}

/// A sqlplus error as a script error: the Oracle code, the message, the advice.
pub fn sql_error(function: &str, error: SqlplusError) -> Box<EvalAltResult> {
    script_error(
        &error.code(),
        format!("{function}: {error}"),
        error.advice(),
    )
}

/// A failure to run a tool as a script error.
pub fn capture_error(function: &str, error: CaptureError) -> Box<EvalAltResult> {
    let (code, hint) = match &error {
        CaptureError::Spawn { .. } => (
            "BZ-SPAWN",
            "check ORACLE_HOME and the file's permissions; run check_env()",
        ),
        CaptureError::Timeout { .. } => (
            "BZ-TIMEOUT",
            "check that the database is reachable (listener, network)",
        ),
        CaptureError::Cancelled { .. } => ("BZ-CANCELLED", "the run was interrupted"),
        CaptureError::Io { .. } => ("BZ-SPAWN", "the child process failed unexpectedly"),
    };
    script_error(code, format!("{function}: {error}"), hint)
}
