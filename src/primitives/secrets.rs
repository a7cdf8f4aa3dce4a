//! `secret_env`, `secret_file`, `secret_prompt`: where a password comes from.
//!
//! They return a `Secret`, which prints, debugs, serializes and interpolates as `***`; only the
//! primitives that hand it to Oracle (through a 0600 parameter file or a child's stdin) read it.

use super::errors::{misuse, script_error};
use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use crate::secret::Secret;
use rhai::{Engine, EvalAltResult};
use std::io::IsTerminal;
use std::sync::Arc;

pub const SECRET_ENV: PrimitiveDoc = PrimitiveDoc {
    name: "secret_env",
    signature: "secret_env(name: string) -> Secret",
    summary: "Reads a password from the environment variable `name`. Fails when the variable is unset or empty, naming the variable. The value never appears in output: it prints as `***`. From then on no child process bizscript starts (expdp, sqlplus...) inherits the variable (`BIZSCRIPT_PASSWORD` never reaches one).",
    example: r#"let pw = secret_env("BIZSCRIPT_PASSWORD");
print(pw);                     // prints ***"#,
};

pub const SECRET_FILE: PrimitiveDoc = PrimitiveDoc {
    name: "secret_file",
    signature: "secret_file(path: string) -> Secret",
    summary: "Reads a password from the first line of the file at `path` (trailing newline removed). On Unix the file must not be readable by group or others (chmod 600), as ssh requires of keys; otherwise the call fails and says how to fix it.",
    example: r#"// printf 'tiger\n' > pw.txt && chmod 600 pw.txt
let pw = secret_file("pw.txt");
print(pw);                     // prints ***"#,
};

pub const SECRET_PROMPT: PrimitiveDoc = PrimitiveDoc {
    name: "secret_prompt",
    signature: "secret_prompt(label: string) -> Secret",
    summary: "Asks for a password on the terminal without echo, showing `label`. Fails (instead of hanging) when there is no terminal, and says to use `secret_env` or `secret_file` in unattended runs.",
    example: r#"// On a terminal this asks; in an unattended run it fails, so fall back to the environment.
let pw = ();
try { pw = secret_prompt("Password for BIZAGIADMON"); } catch (e) { pw = secret_env("BIZSCRIPT_PASSWORD"); }"#,
};

pub const SECRET_FOR_SIMULATION: PrimitiveDoc = PrimitiveDoc {
    name: "secret_for_simulation",
    signature: "secret_for_simulation() -> Secret",
    summary: "A placeholder password that only exists under `--simulate` (the simulated database accepts any password for its known users), so a demonstration run needs no input. Outside a simulation it fails: real passwords come from secret_env, secret_file or secret_prompt.",
    example: r#"let pw = if run_info().simulate { secret_for_simulation() } else { secret_env("BIZSCRIPT_PASSWORD") };"#,
};

pub const SECRET_ORIGIN: PrimitiveDoc = PrimitiveDoc {
    name: "origin",
    signature: "origin(secret: Secret) -> string",
    summary: "Where a Secret came from, safe to show: `env:NAME`, `file:PATH`, `prompt` or `simulation`; never the value. A Secret also prints as `***` and has `is_empty()`.",
    example: r#"let pw = secret_for_simulation();
print(pw.origin());"#,
};

/// Registers the Secret type and the three secret sources.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    engine
        .register_type_with_name::<Secret>("Secret")
        .register_fn("to_string", |s: &mut Secret| s.to_string())
        .register_fn("to_debug", |s: &mut Secret| format!("{s:?}"))
        .register_fn("is_empty", |s: &mut Secret| s.is_empty());
    registration(&SECRET_ORIGIN)
        .register_into_engine(engine, |s: &mut Secret| s.origin().to_string());

    registration(&SECRET_ENV).register_into_engine(engine, |name: &str| secret_env(name));
    registration(&SECRET_FILE).register_into_engine(engine, |path: &str| secret_file(path));
    registration(&SECRET_PROMPT).register_into_engine(engine, |label: &str| secret_prompt(label));
    let simulated = ctx.simulation.is_some();
    registration(&SECRET_FOR_SIMULATION).register_into_engine(engine, move || {
        if simulated {
            Ok(Secret::new("simulated-password", "simulation"))
        } else {
            Err(script_error(
                "BZ-NOT-SIMULATED",
                "secret_for_simulation() only works under --simulate",
                "use secret_env(\"BIZSCRIPT_PASSWORD\"), secret_file(path) or secret_prompt(label)",
            ))
        }
    });
}

fn secret_env(name: &str) -> Result<Secret, Box<EvalAltResult>> {
    if name.is_empty() {
        return Err(misuse(
            "secret_env",
            "the variable name is empty",
            SECRET_ENV.signature,
        ));
    }
    // Whatever the outcome, no child process will inherit this variable.
    crate::secret::note_source_variable(name);
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(Secret::new(value, format!("env:{name}"))),
        Ok(_) => Err(script_error(
            "BZ-SECRET-EMPTY",
            format!("environment variable {name} is empty"),
            format!("export {name}=... before the run, or use secret_prompt() on a terminal"),
        )),
        Err(_) => Err(script_error(
            "BZ-SECRET-UNSET",
            format!("environment variable {name} is not set"),
            format!("export {name}=... before the run, or use secret_prompt() on a terminal"),
        )),
    }
}

fn secret_file(path: &str) -> Result<Secret, Box<EvalAltResult>> {
    let metadata = std::fs::metadata(path).map_err(|e| {
        script_error(
            "BZ-SECRET-FILE",
            format!("cannot read password file {path}: {e}"),
            "check the path; the file holds the password on its first line",
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(script_error(
                "BZ-SECRET-PERMISSIONS",
                format!(
                    "password file {path} is readable by other users (mode {:o})",
                    mode & 0o777
                ),
                format!("chmod 600 {path}"),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let text = std::fs::read_to_string(path).map_err(|e| {
        script_error(
            "BZ-SECRET-FILE",
            format!("cannot read password file {path}: {e}"),
            "the file must be readable text holding the password on its first line",
        )
    })?;
    let value = text.lines().next().unwrap_or_default().to_string();
    if value.is_empty() {
        return Err(script_error(
            "BZ-SECRET-EMPTY",
            format!("password file {path} is empty"),
            "put the password on the file's first line",
        ));
    }
    Ok(Secret::new(value, format!("file:{path}")))
}

fn secret_prompt(label: &str) -> Result<Secret, Box<EvalAltResult>> {
    if !std::io::stdin().is_terminal() {
        return Err(script_error(
            "BZ-SECRET-NO-TERMINAL",
            format!("cannot prompt for {label}: standard input is not a terminal"),
            "in unattended runs use secret_env(\"BIZSCRIPT_PASSWORD\") or secret_file(path)",
        ));
    }
    let value = rpassword::prompt_password(format!("{label}: ")).map_err(|e| {
        script_error(
            "BZ-SECRET-PROMPT",
            format!("cannot read {label} from the terminal: {e}"),
            "use secret_env or secret_file instead",
        )
    })?;
    if value.is_empty() {
        return Err(script_error(
            "BZ-SECRET-EMPTY",
            format!("no {label} given"),
            "type the password at the prompt",
        ));
    }
    Ok(Secret::new(value, "prompt"))
}
