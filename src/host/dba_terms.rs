//! An Oracle error that escaped a script, said in the terms of the DBA who runs it: what the
//! database refused and what to change, not which script function to call differently.
//!
//! The shipped procedure says these itself (stdlib `bizagi::dba_error`, which knows the user and
//! the `--set` names); a site script that lets a primitive's error escape gets the same kind of
//! message from the host, which knows only the database and the user given with `--set` (when
//! given). Codes not listed keep the primitive's own message and hint.

use crate::host::report::{HostFailure, RunFacts};

/// Rewrites `failure` when its code is an expected Oracle condition; keeps the original message
/// (it holds the database's own text) after the DBA's sentence.
pub fn translate(failure: &mut HostFailure, facts: &RunFacts) {
    let db = facts
        .database
        .as_deref()
        .map_or("the database".to_string(), |d| format!("the database {d}"));
    let (what, hint) = match failure.code.as_str() {
        "ORA-01017" => (
            format!("{db} refused the logon: wrong user name or password"),
            "check the user the script logs on as and the password it reads (BIZSCRIPT_PASSWORD for the shipped procedure's way of passing it)",
        ),
        "ORA-28000" => (
            format!("the account is locked on {db}"),
            "ask a DBA to run ALTER USER ... ACCOUNT UNLOCK for the account, and check its password",
        ),
        "ORA-12154" | "ORA-12514" | "ORA-12541" => (
            format!("cannot reach {db}"),
            "check the connect string (//host:port/service, as in tnsnames.ora): the listener must run on that host and port and know that service",
        ),
        "ORA-01031" => (
            format!("the user lacks a privilege the job needs on {db}"),
            "grant the user DATAPUMP_EXP_FULL_DATABASE (and CREATE ANY DIRECTORY to prepare the directory), or log on as a DBA account",
        ),
        _ => return,
    };
    failure.message = format!("{what} ({})", failure.message);
    failure.hint = Some(hint.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_logon_is_said_with_the_database_and_without_script_advice() {
        let mut failure = HostFailure {
            step: None,
            code: "ORA-01017".into(),
            message: "database_identity: ORA-01017: invalid username/password; logon denied".into(),
            hint: Some("check the secret you pass (secret_env) and oracle(#{ user })".into()),
        };
        let facts = RunFacts {
            database: Some("//db/PROD".into()),
            ..RunFacts::default()
        };
        translate(&mut failure, &facts);
        assert!(failure.message.starts_with("the database //db/PROD refused the logon: wrong user name or password (database_identity: ORA-01017: "));
        assert!(!failure.hint.as_deref().unwrap_or("").contains("#{"));
        let mut other = HostFailure {
            step: None,
            code: "BZ-X".into(),
            message: "m".into(),
            hint: None,
        };
        translate(&mut other, &facts);
        assert_eq!(other.message, "m");
    }
}
