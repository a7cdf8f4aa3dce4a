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
    #[error("connect string `{connect}` is not an Easy Connect string or a TNS alias: {why}")]
    BadConnect { connect: String, why: String },
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

/// A connect string as it may be shown in a message, a log or a report: the password of a
/// `user/password@db` typed into it masked (`scott/***@//db/SVC`). Such a value is refused, but
/// the refusal must not print the password it was given.
pub fn shown_connect(text: &str) -> String {
    if let Some(at) = text.rfind('@') {
        if let Some(slash) = text[..at].find('/') {
            return format!("{}/***{}", &text[..slash], &text[at..]);
        }
    }
    text.to_string()
}

fn check_connect(connect: Option<&str>) -> Result<Option<String>, ConnectionError> {
    match connect {
        None => Ok(None),
        Some(c) if c.trim().is_empty() => Ok(None),
        Some(c) => {
            check_connect_identifier(c)
                .map(Some)
                .map_err(|why| ConnectionError::BadConnect {
                    connect: shown_connect(c).escape_debug().to_string(),
                    why,
                })
        }
    }
}

/// Checks a connect identifier against the two forms bizscript writes into a parameter file
/// and a sqlplus CONNECT line: an Easy Connect string
/// `[//]host[:port][/service_name[:server][/instance_name]]` (docs/oracle.md §1.2; `server` is
/// `dedicated`, `shared` or `pooled`; an IPv6 host goes in brackets) or a TNS alias (a net
/// service name: letters, digits, `_`, `-`, `.`). Everything else is refused with the reason,
/// because both parsers give other characters a meaning: a comma or a newline separates
/// parameters in a parfile (`connect=//db/SVC,content=metadata_only` would smuggle a
/// parameter in), `#` starts a comment, `=` and quotes change how the value is read, blanks end
/// it, `@` and a lone `/` change who connects. A full `(DESCRIPTION=...)` descriptor and the
/// Easy Connect Plus extensions (`tcps://`, `?key=value`, several hosts) contain such
/// characters: put them in tnsnames.ora and give the alias.
pub fn check_connect_identifier(text: &str) -> Result<String, String> {
    if text != text.trim() {
        return Err("it starts or ends with blanks".to_string());
    }
    if let Some(bad) = text.chars().find(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                ',' | '#' | '"' | '\'' | '=' | '@' | '(' | ')' | '\\' | '?' | '&' | ';'
            )
    }) {
        let what = match bad {
            ',' => "a comma (it separates parameters in a parameter file)".to_string(),
            '#' => "`#` (it starts a comment in a parameter file)".to_string(),
            '=' => "`=` (a parameter file would read it as a new parameter)".to_string(),
            '"' | '\'' => "a quote".to_string(),
            '@' => "`@` (it separates the user from the connect string)".to_string(),
            '(' | ')' => {
                "parentheses (a full connect descriptor: put it in tnsnames.ora and give its alias)"
                    .to_string()
            }
            c if c.is_whitespace() || c.is_control() => {
                "a blank or a control character (a line break would start a new parameter)"
                    .to_string()
            }
            c => format!("`{c}`"),
        };
        return Err(format!("it contains {what}"));
    }
    let body = text.strip_prefix("//").unwrap_or(text);
    if body.is_empty() {
        return Err("it names no host".to_string());
    }
    if text.starts_with('/') && !text.starts_with("//") {
        return Err("a single leading `/` is not a connect string (`/@alias` is a wallet: use oracle(#{ wallet }))".to_string());
    }
    // host: [ipv6] or a name / IPv4 address.
    let (host, rest) = if let Some(inner) = body.strip_prefix('[') {
        let end = inner
            .find(']')
            .ok_or_else(|| "an IPv6 address opened with `[` is not closed with `]`".to_string())?;
        let address = &inner[..end];
        if address.is_empty()
            || !address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'))
        {
            return Err(format!("`[{address}]` is not an IPv6 address"));
        }
        (&body[..end + 2], &inner[end + 1..])
    } else {
        let end = body.find([':', '/']).unwrap_or(body.len());
        (&body[..end], &body[end..])
    };
    let name_chars = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
    };
    if !host.starts_with('[') && !name_chars(host) {
        return Err(format!(
            "`{host}` is not a host name, an IP address or a TNS alias"
        ));
    }
    let mut rest = rest;
    if let Some(after) = rest.strip_prefix(':') {
        let end = after.find('/').unwrap_or(after.len());
        let port = &after[..end];
        match port.parse::<u32>() {
            Ok(p) if (1..=65535).contains(&p) && port.chars().all(|c| c.is_ascii_digit()) => {}
            _ => return Err(format!("`{port}` is not a port number (1 to 65535)")),
        }
        rest = &after[end..];
    }
    if let Some(after) = rest.strip_prefix('/') {
        let mut parts = after.splitn(2, '/');
        let service = parts.next().unwrap_or_default();
        let instance = parts.next();
        let (service, server) = match service.split_once(':') {
            Some((s, server)) => (s, Some(server)),
            None => (service, None),
        };
        if !name_chars(service) {
            return Err(format!("`{service}` is not a service name"));
        }
        if let Some(server) = server {
            if !["dedicated", "shared", "pooled"].contains(&server.to_ascii_lowercase().as_str()) {
                return Err(format!(
                    "`{server}` is not a server type (dedicated, shared or pooled)"
                ));
            }
        }
        if let Some(instance) = instance {
            if !name_chars(instance) {
                return Err(format!("`{instance}` is not an instance name"));
            }
        }
    } else if !rest.is_empty() {
        return Err(format!("`{rest}` cannot follow the host"));
    }
    Ok(text.to_string())
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
    fn easy_connect_strings_and_tns_aliases_are_accepted() {
        for good in [
            "//db:1521/ORCL",
            "db:1521/ORCL",
            "//db.example.com/orclpdb1.example.com",
            "//db/SVC:dedicated/ORCL1",
            "//10.0.0.5:1521/SVC",
            "//[::1]:1521/SVC",
            "PRODDB",
            "PROD.WORLD",
            "prod-db_2",
            "//localhost:1521/BIZAGIPDB",
        ] {
            assert_eq!(
                check_connect_identifier(good).as_deref(),
                Ok(good),
                "{good}"
            );
        }
    }

    #[test]
    fn what_a_parfile_or_connect_line_would_misread_is_refused_with_the_reason() {
        for (bad, why) in [
            ("//db:1521/SVC,content=metadata_only", "a comma"),
            ("//db:1521/SVC#x", "`#`"),
            ("//db:1521/SVC\nfull=y", "control"),
            ("//db/SVC full=y", "blank"),
            ("db=1", "`=`"),
            ("\"db\"", "quote"),
            ("(DESCRIPTION=(ADDRESS=(HOST=db)))", "tnsnames.ora"),
            ("//db:99999/SVC", "port"),
            ("//db:/SVC", "port"),
            ("//db/SVC:fast", "server type"),
            ("//", "no host"),
            ("/db", "single leading"),
            ("//db/", "service"),
            ("x@y", "`@`"),
            (" db", "blanks"),
            ("//[zz]/S", "IPv6"),
        ] {
            let err = check_connect_identifier(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn refuses_what_would_break_the_connect_line() {
        assert!(Connection::with_password("a b", pw(), None).is_err());
        assert!(Connection::with_password("x", pw(), Some("db 1")).is_err());
        assert!(Connection::with_password("x", Secret::new("a\"b", "t"), None).is_err());
        assert!(Connection::with_password("", pw(), None).is_err());
    }
}
