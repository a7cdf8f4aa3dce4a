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

    /// Replaces every occurrence of the secret in `text` with `***` (a last line of defence for
    /// text that came back from a child process).
    pub fn redact(&self, text: &str) -> String {
        let value = self.expose();
        if value.is_empty() {
            text.to_string()
        } else {
            text.replace(value, MASK)
        }
    }
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
        assert_eq!(s.redact("scott/tiger@db"), "scott/***@db");
    }
}
