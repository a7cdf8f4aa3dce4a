//! The USERID of a Data Pump client: `user/password@connect`, `user@connect` (then the client
//! prompts for the password), `/@alias` (wallet) and `"/ as sysdba"`.

/// A parsed connect string. The password is kept only as long as the logon needs it and is
/// never printed: [`Credentials::masked`] is what logs and the `Starting` line show.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user as typed (logs echo it so).
    pub typed_user: String,
    /// The user name Oracle uses (upper-cased unless quoted).
    pub user: String,
    pub password: Option<String>,
    pub connect: Option<String>,
    pub sysdba: bool,
    /// `/@alias`: the credentials come from a wallet.
    pub wallet: bool,
}

impl Credentials {
    /// Parses a USERID value.
    pub fn parse(raw: &str) -> Credentials {
        let mut text = raw.trim().to_string();
        // A whole-value quote (`"/ as sysdba"`) is removed first.
        if text.len() >= 2
            && text.starts_with('"')
            && text.ends_with('"')
            && text[1..text.len() - 1]
                .to_ascii_lowercase()
                .contains(" as ")
        {
            text = text[1..text.len() - 1].to_string();
        }
        let mut sysdba = false;
        let lower = text.to_ascii_lowercase();
        if let Some(pos) = lower.find(" as sysdba") {
            sysdba = true;
            text.truncate(pos);
        }
        let text = text.trim();
        // user part: up to the first '/' or '@' outside quotes.
        let mut user = String::new();
        let mut rest = "";
        let mut in_quote = false;
        for (i, c) in text.char_indices() {
            match c {
                '"' => {
                    in_quote = !in_quote;
                    user.push(c);
                }
                '/' | '@' if !in_quote => {
                    rest = &text[i..];
                    break;
                }
                c => user.push(c),
            }
        }
        let mut password = None;
        let mut connect = None;
        if let Some(after) = rest.strip_prefix('/') {
            // password: quoted, or up to the first '@'.
            if let Some(q) = after.strip_prefix('"') {
                let end = q.find('"').unwrap_or(q.len());
                password = Some(q[..end].to_string());
                let tail = q.get(end + 1..).unwrap_or("");
                connect = tail.strip_prefix('@').map(str::to_string);
            } else {
                match after.split_once('@') {
                    Some((p, c)) => {
                        password = Some(p.to_string());
                        connect = Some(c.to_string());
                    }
                    None => password = Some(after.to_string()),
                }
            }
        } else if let Some(c) = rest.strip_prefix('@') {
            connect = Some(c.to_string());
        }
        let wallet =
            user.is_empty() && !sysdba && connect.is_some() && password.as_deref() == Some("");
        let folded = crate::datapump::params::fold_name(&user);
        let oracle_user = if sysdba && user.is_empty() {
            "SYS".to_string()
        } else if wallet {
            // The simulated wallet holds the Bizagi admin's credentials (see FIDELITY.md).
            "BIZAGIADMON".to_string()
        } else {
            folded
        };
        Credentials {
            typed_user: user,
            user: oracle_user,
            password: if wallet { None } else { password },
            connect,
            sysdba,
            wallet,
        }
    }

    /// Wallet (`/@alias`) and OS authentication (`/ as sysdba`) need no password.
    pub fn external(&self) -> bool {
        self.wallet || (self.sysdba && self.typed_user.is_empty())
    }

    /// Whether the client must prompt for the password.
    pub fn needs_password(&self) -> bool {
        self.password.is_none() && !self.external()
    }

    /// The form logs show: `bizagiadmon/********@db`, `"/******** AS SYSDBA"`.
    pub fn masked(&self) -> String {
        let connect = self
            .connect
            .as_deref()
            .map(|c| format!("@{c}"))
            .unwrap_or_default();
        let base = format!("{}/********{connect}", self.typed_user);
        if self.sysdba {
            format!("\"{base} AS SYSDBA\"")
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let c = Credentials::parse("bizagiadmon/secret@//db:1521/orcl");
        assert_eq!(c.user, "BIZAGIADMON");
        assert_eq!(c.password.as_deref(), Some("secret"));
        assert_eq!(c.connect.as_deref(), Some("//db:1521/orcl"));
        assert_eq!(c.masked(), "bizagiadmon/********@//db:1521/orcl");

        let c = Credentials::parse("system/\"p@ss/w\"@orcl");
        assert_eq!(c.password.as_deref(), Some("p@ss/w"));
        assert_eq!(c.connect.as_deref(), Some("orcl"));

        let c = Credentials::parse("bizagiadmon@orcl");
        assert!(c.needs_password());

        let c = Credentials::parse("/@backup_alias");
        assert!(c.wallet && !c.needs_password());
        assert_eq!(c.user, "BIZAGIADMON");

        let c = Credentials::parse("\"/ as sysdba\"");
        assert!(c.sysdba && !c.needs_password());
        assert_eq!(c.user, "SYS");
        assert_eq!(c.masked(), "\"/******** AS SYSDBA\"");
    }
}
