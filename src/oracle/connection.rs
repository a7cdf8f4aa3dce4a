//! A connection descriptor: who connects, with what, to where. Nothing connects until a primitive
//! needs it; the password is a [`Secret`] and only leaves through [`Connection::userid`] (for a
//! 0600 parameter file) or [`Connection::connect_statement`] (for sqlplus's stdin).

use crate::secret::{Secret, MASK};
use std::fmt;

/// Why a connection descriptor was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnectionError {
    #[error("user name is empty")]
    EmptyUser,
    #[error("user name `{0}` contains characters Oracle does not allow in an unquoted name")]
    BadUser(String),
    #[error("connect string `{0}` contains whitespace, quotes or `/`-`@` characters that would break the CONNECT line")]
    BadConnect(String),
    #[error("a password is required for user {0} (only a wallet connection `/@alias` needs none)")]
    MissingPassword(String),
    #[error("the password contains a double quote or a newline, which sqlplus and expdp cannot pass safely")]
    BadPassword,
}

/// How to reach the database: `user/password@connect`, or a wallet (`/@alias`).
#[derive(Clone)]
pub struct Connection {
    user: Option<String>,
    password: Option<Secret>,
    connect: Option<String>,
}

impl Connection {
    /// A user/password connection; `connect` is an Easy Connect string (`//host:port/service`)
    /// or a TNS alias, or `None` for the local default (ORACLE_SID / TWO_TASK).
    pub fn with_password(
        user: &str,
        password: Secret,
        connect: Option<&str>,
    ) -> Result<Self, ConnectionError> {
        let user = user.trim();
        if user.is_empty() {
            return Err(ConnectionError::EmptyUser);
        }
        if !user
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '#'))
        {
            return Err(ConnectionError::BadUser(user.to_string()));
        }
        if password.expose().contains(['"', '\n', '\r']) {
            return Err(ConnectionError::BadPassword);
        }
        Ok(Self {
            user: Some(user.to_string()),
            password: Some(password),
            connect: check_connect(connect)?,
        })
    }

    /// A wallet connection (`/@alias`): no user name or password in anything bizscript writes.
    pub fn wallet(alias: &str) -> Result<Self, ConnectionError> {
        Ok(Self {
            user: None,
            password: None,
            connect: check_connect(Some(alias))?,
        })
    }

    /// The user name (upper-cased as Oracle does), or `None` for a wallet.
    pub fn user(&self) -> Option<String> {
        self.user.as_ref().map(|u| u.to_uppercase())
    }

    /// The connect string, if any.
    pub fn connect(&self) -> Option<&str> {
        self.connect.as_deref()
    }

    /// True for a wallet connection.
    pub fn is_wallet(&self) -> bool {
        self.user.is_none()
    }

    /// The password, for callers that must redact child output.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// The `userid` value for a parameter file: `user/"password"@connect` or `/@alias`.
    /// Contains the password: write it only to a 0600 file.
    pub fn userid(&self) -> String {
        self.render(false)
    }

    /// The same, with the password masked: for dry-run output, logs and errors.
    pub fn userid_masked(&self) -> String {
        self.render(true)
    }

    /// The sqlplus `CONNECT` line (for stdin, never argv). Contains the password.
    pub fn connect_statement(&self) -> String {
        format!("CONNECT {}", self.render(false))
    }

    /// The `CONNECT` line with the password masked.
    pub fn connect_statement_masked(&self) -> String {
        format!("CONNECT {}", self.render(true))
    }

    fn render(&self, masked: bool) -> String {
        let at = match &self.connect {
            Some(c) => format!("@{c}"),
            None => String::new(),
        };
        match (&self.user, &self.password) {
            (Some(user), Some(password)) => {
                let pw = if masked { MASK } else { password.expose() };
                // Quoted so that special characters in the password survive both parsers.
                format!("{user}/\"{pw}\"{at}")
            }
            (Some(user), None) => format!("{user}{at}"),
            (None, _) => format!("/{at}"),
        }
    }
}

fn check_connect(connect: Option<&str>) -> Result<Option<String>, ConnectionError> {
    match connect.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => {
            if c.chars()
                .any(|ch| ch.is_whitespace() || matches!(ch, '"' | '\'' | '@'))
                || c.starts_with('/') && !c.starts_with("//")
            {
                Err(ConnectionError::BadConnect(c.to_string()))
            } else {
                Ok(Some(c.to_string()))
            }
        }
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Connection({})", self.userid_masked())
    }
}

impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.userid_masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw() -> Secret {
        Secret::new("s3cr#t", "test")
    }

    #[test]
    fn renders_userid_and_masks_it() {
        let c = Connection::with_password("BizAgiAdmon", pw(), Some("//db:1521/ORCL")).unwrap();
        assert_eq!(c.userid(), "BizAgiAdmon/\"s3cr#t\"@//db:1521/ORCL");
        assert_eq!(c.userid_masked(), "BizAgiAdmon/\"***\"@//db:1521/ORCL");
        assert_eq!(
            format!("{c:?}"),
            "Connection(BizAgiAdmon/\"***\"@//db:1521/ORCL)"
        );
        assert_eq!(c.user().as_deref(), Some("BIZAGIADMON"));
    }

    #[test]
    fn wallet_has_no_password() {
        let c = Connection::wallet("PRODDB").unwrap();
        assert_eq!(c.userid(), "/@PRODDB");
        assert!(c.is_wallet());
    }

    #[test]
    fn refuses_what_would_break_the_connect_line() {
        assert!(Connection::with_password("a b", pw(), None).is_err());
        assert!(Connection::with_password("x", pw(), Some("db 1")).is_err());
        assert!(Connection::with_password("x", Secret::new("a\"b", "t"), None).is_err());
        assert!(Connection::with_password("", pw(), None).is_err());
    }
}
