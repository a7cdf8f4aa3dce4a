//! SQL tokens with Oracle's rules: unquoted identifiers are upper-cased, `"quoted"` ones keep
//! their case, string literals double their quotes (`'it''s'`), `q'[...]'` alternative quoting.

/// A token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Unquoted identifier or keyword, upper-cased.
    Ident(String),
    /// `"Quoted"` identifier, case kept.
    Quoted(String),
    Str(String),
    Num(String),
    Sym(&'static str),
}

/// A lexing error is an ORA- error text.
pub fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if (c == 'q' || c == 'Q') && chars.get(i + 1) == Some(&'\'') && i + 2 < chars.len() {
            let open = chars[i + 2];
            let close = match open {
                '[' => ']',
                '{' => '}',
                '<' => '>',
                '(' => ')',
                o => o,
            };
            let mut j = i + 3;
            let mut s = String::new();
            loop {
                if j + 1 >= chars.len() {
                    return Err("ORA-01756: quoted string not properly terminated".to_string());
                }
                if chars[j] == close && chars[j + 1] == '\'' {
                    break;
                }
                s.push(chars[j]);
                j += 1;
            }
            out.push(Tok::Str(s));
            i = j + 2;
            continue;
        }
        if c.is_alphabetic() {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || "_$#".contains(chars[i])) {
                s.extend(chars[i].to_uppercase());
                i += 1;
            }
            out.push(Tok::Ident(s));
            continue;
        }
        if c.is_ascii_digit() {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                s.push(chars[i]);
                i += 1;
            }
            out.push(Tok::Num(s));
            continue;
        }
        match c {
            '\'' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(
                                "ORA-01756: quoted string not properly terminated".to_string()
                            )
                        }
                        Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                            s.push('\'');
                            j += 2;
                        }
                        Some('\'') => break,
                        Some(&ch) => {
                            s.push(ch);
                            j += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
                i = j + 1;
            }
            '"' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err("ORA-01740: missing double quote in identifier".to_string())
                        }
                        Some('"') => break,
                        Some(&ch) => {
                            s.push(ch);
                            j += 1;
                        }
                    }
                }
                if s.is_empty() {
                    return Err("ORA-01741: illegal zero-length identifier".to_string());
                }
                out.push(Tok::Quoted(s));
                i = j + 1;
            }
            _ => {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let sym = match two.as_str() {
                    "||" => Some("||"),
                    "<>" => Some("<>"),
                    "!=" => Some("<>"),
                    "<=" => Some("<="),
                    ">=" => Some(">="),
                    _ => None,
                };
                if let Some(s) = sym {
                    out.push(Tok::Sym(s));
                    i += 2;
                    continue;
                }
                let one = match c {
                    '=' => "=",
                    '<' => "<",
                    '>' => ">",
                    '(' => "(",
                    ')' => ")",
                    ',' => ",",
                    '.' => ".",
                    '*' => "*",
                    ';' => ";",
                    '+' => "+",
                    '-' => "-",
                    '/' => "/",
                    _ => return Err("ORA-00911: invalid character".to_string()),
                };
                out.push(Tok::Sym(one));
                i += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_quoting_rules() {
        let t = lex("select 'it''s', \"Mixed\", v$version from dual").unwrap();
        assert_eq!(t[1], Tok::Str("it's".into()));
        assert_eq!(t[3], Tok::Quoted("Mixed".into()));
        assert_eq!(t[5], Tok::Ident("V$VERSION".into()));
        assert_eq!(lex("q'[a'b]'").unwrap(), vec![Tok::Str("a'b".into())]);
        assert!(lex("select 'open").unwrap_err().starts_with("ORA-01756"));
    }
}
