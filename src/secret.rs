//! A password that cannot leak by accident.
//!
//! [`Secret`] prints, debugs and serializes as `***`. The only way to read it is
//! [`Secret::expose`], which is `pub(crate)`-style by convention: call it only where the value is
//! written to a 0600 parameter file or to a child's stdin, never into argv, a log or an error.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;

/// The mask shown wherever a secret would otherwise appear.
pub const MASK: &str = "***";

/// A secret value (a database password), cheap to clone, never displayed.
#[derive(Clone)]
pub struct Secret {
    value: Arc<SecretString>,
    /// Where the secret came from (`env:BIZSCRIPT_PASSWORD`, `prompt`, `file:/path`), safe to show.
    origin: Arc<str>,
}

impl Secret {
    /// Wraps a value; `origin` says where it came from and is safe to display.
    pub fn new(value: impl Into<String>, origin: impl Into<String>) -> Self {
        let value: String = value.into();
        Self {
            value: Arc::new(SecretString::from(value)),
            origin: Arc::from(origin.into()),
        }
    }

    /// The secret's value. Only for parameter files and child stdin: never argv, logs or errors.
    pub fn expose(&self) -> &str {
        self.value.expose_secret()
    }

    /// Where the secret came from, safe to display.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// True when the value is empty.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Masks the secret in `text` where it stands as a password, and only there: right after
    /// `user/` (optionally in double quotes, as in a connect string echo `user/"pw"@db`) or after
    /// `IDENTIFIED BY`, and followed by the end of the token (`@`, `"`, whitespace, end of text).
    ///
    /// Anything else is left exactly as it was: a password that happens to be `BIZAGI`, `oracle`,
    /// `Job` or `1` must not turn a dump path or a job's final line into something else. This is
    /// for what is shown or stored (console, traces, logs, reports, error texts); parsers and
    /// decisions read the raw text.
    pub fn mask_in(&self, text: &str, user: Option<&str>) -> String {
        mask_password(text, self.expose(), user)
    }

    /// True when `text` holds the secret anywhere (a leak check, never a parser).
    pub fn appears_in(&self, text: &str) -> bool {
        let value = self.expose();
        !value.is_empty() && text.contains(value)
    }
}

/// The variable the standard procedure reads the password from.
pub const PASSWORD_VARIABLE: &str = "BIZSCRIPT_PASSWORD";

static SOURCE_VARIABLES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Records that a secret was read from the environment variable `name` (`secret_env`): no child
/// process bizscript starts will see it.
pub fn note_source_variable(name: &str) {
    let mut names = SOURCE_VARIABLES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
    }
}

/// The variables no child may inherit: `BIZSCRIPT_PASSWORD` always, and every variable a secret
/// was read from.
pub fn source_variables() -> Vec<String> {
    let mut names = vec![PASSWORD_VARIABLE.to_string()];
    let noted = SOURCE_VARIABLES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    names.extend(noted.iter().filter(|n| *n != PASSWORD_VARIABLE).cloned());
    names
}

/// Removes every secret-source variable from a child's environment. Every child bizscript
/// starts goes through this (the Oracle clients, sqlplus, the simulator's set-up): a password in
/// the environment is readable in `/proc/<pid>/environ` by the same account, and is passed on
/// to whatever the child starts in turn.
pub fn scrub_env(command: &mut std::process::Command) {
    for name in source_variables() {
        command.env_remove(name);
    }
}

/// A secret with the user it belongs to: what the output of that user's session is masked with.
#[derive(Clone, Debug)]
pub struct Mask {
    pub secret: Secret,
    pub user: Option<String>,
}

impl Mask {
    pub fn new(secret: Secret, user: Option<String>) -> Self {
        Self { secret, user }
    }

    /// See [`Secret::mask_in`].
    pub fn apply(&self, text: &str) -> String {
        self.secret.mask_in(text, self.user.as_deref())
    }
}

/// Applies every mask in turn (display only).
pub fn mask_all(masks: &[Mask], text: &str) -> String {
    masks
        .iter()
        .fold(text.to_string(), |text, mask| mask.apply(&text))
}

fn mask_password(text: &str, password: &str, user: Option<&str>) -> String {
    if password.is_empty() || !text.contains(password) {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = text[from..].find(password) {
        let start = from + found;
        let end = start + password.len();
        let ends_token = match bytes.get(end) {
            None => true,
            Some(b) => {
                matches!(b, b'@' | b'"' | b'\'' | b',' | b';' | b')') || b.is_ascii_whitespace()
            }
        };
        if ends_token && stands_as_password(&lower, start, user) {
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = end;
            from = end;
        } else {
            // Overlapping occurrences (`aa` in `aaa`) are tried from the next character.
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
        if from >= text.len() {
            break;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether what precedes `start` in `lower` (the text, ASCII-lower-cased) is `user/`, `user/"`,
/// `identified by ` or `identified by "`.
fn stands_as_password(lower: &str, start: usize, user: Option<&str>) -> bool {
    let before = &lower[..start];
    let before = before.strip_suffix('"').unwrap_or(before);
    if let Some(user) = user.filter(|u| !u.is_empty()) {
        let user = user.trim_matches('"').to_ascii_lowercase();
        if let Some(rest) = before.strip_suffix('/') {
            let rest = rest.strip_suffix('"').unwrap_or(rest);
            if let Some(head) = rest.strip_suffix(user.as_str()) {
                // The user name is a whole token, not the tail of a longer word or path.
                let boundary = head.chars().next_back().is_none_or(|c| {
                    !(c.is_alphanumeric() || matches!(c, '_' | '$' | '#' | '/' | '.'))
                });
                if boundary {
                    return true;
                }
            }
        }
    }
    let trimmed = before.trim_end();
    trimmed.len() < before.len() && trimmed.ends_with("identified by")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_its_value() {
        let s = Secret::new("tiger", "test");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        assert_eq!(s.expose(), "tiger");
        assert_eq!(s.mask_in("scott/tiger@db", Some("SCOTT")), "scott/***@db");
    }

    #[test]
    fn masks_the_password_only_where_it_stands_as_the_password() {
        let user = Some("BizAgiAdmon");
        let mask = |pw: &str, text: &str| Secret::new(pw, "t").mask_in(text, user);
        assert_eq!(
            mask("BIZAGI", "/u01/dp/BIZAGI_20261124.dmp BIZAGI \"BIZAGI\""),
            "/u01/dp/BIZAGI_20261124.dmp BIZAGI \"BIZAGI\""
        );
        assert_eq!(
            mask("oracle", "/u01/app/oracle/admin/x/dpdump/oracle"),
            "/u01/app/oracle/admin/x/dpdump/oracle"
        );
        assert_eq!(
            mask("Job", "Job \"BIZAGIADMON\".\"J\" successfully completed"),
            "Job \"BIZAGIADMON\".\"J\" successfully completed"
        );
        assert_eq!(
            mask("1", "exported 1 rows, 11 KB"),
            "exported 1 rows, 11 KB"
        );
        assert_eq!(
            mask("x", "CONNECT BizAgiAdmon/\"x\"@//db/svc"),
            "CONNECT BizAgiAdmon/\"***\"@//db/svc"
        );
        assert_eq!(mask("x", "bizagiadmon/x@db x/x"), "bizagiadmon/***@db x/x");
        assert_eq!(mask("x", "bizagiadmon/x"), "bizagiadmon/***");
        assert_eq!(
            mask("pw1", "ALTER USER u IDENTIFIED BY pw1;"),
            "ALTER USER u IDENTIFIED BY ***;"
        );
        assert_eq!(mask("pw1", "a/bizagiadmon/pw1"), "a/bizagiadmon/pw1");
        let path = "/tmp/x/server/BizAgiBackupPath/BIZAGI_1.dmp";
        let long = format!("{path}!");
        assert_eq!(mask(&long, path), path);
        assert_eq!(
            mask(&long, &format!("BizAgiAdmon/{long} {path}")),
            format!("BizAgiAdmon/*** {path}")
        );
    }
}
