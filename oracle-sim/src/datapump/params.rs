//! Data Pump parameters as the clients parse them.
//!
//! The command line (after the shell) is joined with spaces and lexed again, which is why quotes
//! on a command line need shell escaping; a parameter file is lexed the same way except that a
//! newline separates entries, `#` starts a comment outside quotes and a trailing `\` continues a
//! line. Every parameter is `NAME=value[,value...]`; a bare word after a list parameter is one
//! more value of it; names are case-insensitive.

use super::Tool;

/// A parameter error, printed as the client prints it.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamError {
    /// `LRM-...` errors come from the parameter manager, before the banner.
    Lrm(String),
    /// `UDE-...` / `UDI-...` errors come from the client, after the banner.
    Client(String),
}

/// How a parameter's values are read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    YesNo,
    Int,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// An Oracle name: upper-cased unless quoted.
    Name,
    /// A list of Oracle names.
    Names,
    /// A file name (case kept).
    File,
    /// A list of file names.
    Files,
    /// Free text (clauses, conditions): kept as written.
    Text,
    /// A list of free-text values.
    Texts,
    /// A size such as `100M`.
    Size,
}

const YES_NO: Kind = Kind::YesNo;

/// The 19c export parameters.
const EXPORT: &[(&str, Kind)] = &[
    ("ABORT_STEP", Kind::Int),
    (
        "ACCESS_METHOD",
        Kind::Enum(&[
            "AUTOMATIC",
            "DIRECT_PATH",
            "EXTERNAL_TABLE",
            "INSERT_AS_SELECT",
        ]),
    ),
    ("ATTACH", Kind::Name),
    ("CHECKSUM", YES_NO),
    (
        "CHECKSUM_ALGORITHM",
        Kind::Enum(&["CRC32", "SHA256", "SHA384", "SHA512"]),
    ),
    ("CLUSTER", YES_NO),
    (
        "COMPRESSION",
        Kind::Enum(&["ALL", "DATA_ONLY", "METADATA_ONLY", "NONE"]),
    ),
    (
        "COMPRESSION_ALGORITHM",
        Kind::Enum(&["BASIC", "LOW", "MEDIUM", "HIGH"]),
    ),
    (
        "CONTENT",
        Kind::Enum(&["ALL", "DATA_ONLY", "METADATA_ONLY"]),
    ),
    ("DATA_OPTIONS", Kind::Texts),
    ("DIRECTORY", Kind::Name),
    ("DUMPFILE", Kind::Files),
    ("ENABLE_SECURE_ROLES", YES_NO),
    (
        "ENCRYPTION",
        Kind::Enum(&[
            "ALL",
            "DATA_ONLY",
            "ENCRYPTED_COLUMNS_ONLY",
            "METADATA_ONLY",
            "NONE",
        ]),
    ),
    (
        "ENCRYPTION_ALGORITHM",
        Kind::Enum(&["AES128", "AES192", "AES256"]),
    ),
    (
        "ENCRYPTION_MODE",
        Kind::Enum(&["DUAL", "PASSWORD", "TRANSPARENT"]),
    ),
    ("ENCRYPTION_PASSWORD", Kind::Text),
    ("ENCRYPTION_PWD_PROMPT", YES_NO),
    ("ESTIMATE", Kind::Enum(&["BLOCKS", "STATISTICS"])),
    ("ESTIMATE_ONLY", YES_NO),
    ("EXCLUDE", Kind::Texts),
    ("FILESIZE", Kind::Size),
    ("FLASHBACK_SCN", Kind::Int),
    ("FLASHBACK_TIME", Kind::Text),
    ("FULL", YES_NO),
    ("HELP", YES_NO),
    ("INCLUDE", Kind::Texts),
    ("JOB_NAME", Kind::Name),
    ("KEEP_MASTER", YES_NO),
    ("LOGFILE", Kind::File),
    ("LOGTIME", Kind::Enum(&["NONE", "STATUS", "LOGFILE", "ALL"])),
    ("METRICS", YES_NO),
    ("NETWORK_LINK", Kind::Name),
    ("NOLOGFILE", YES_NO),
    ("PARALLEL", Kind::Int),
    ("PARFILE", Kind::File),
    ("QUERY", Kind::Texts),
    ("REMAP_DATA", Kind::Texts),
    ("REUSE_DUMPFILES", YES_NO),
    ("SAMPLE", Kind::Texts),
    ("SCHEMAS", Kind::Names),
    ("SERVICE_NAME", Kind::Name),
    ("SOURCE_EDITION", Kind::Name),
    ("STATUS", Kind::Int),
    ("TABLES", Kind::Names),
    ("TABLESPACES", Kind::Names),
    ("TRANSPORTABLE", Kind::Enum(&["ALWAYS", "NEVER"])),
    ("TRANSPORT_FULL_CHECK", YES_NO),
    ("TRANSPORT_TABLESPACES", Kind::Names),
    (
        "TTS_CLOSURE_CHECK",
        Kind::Enum(&["ON", "OFF", "FULL", "TEST_MODE"]),
    ),
    ("USERID", Kind::Text),
    ("VERSION", Kind::Text),
    ("VIEWS_AS_TABLES", Kind::Names),
];

/// The 19c import parameters.
const IMPORT: &[(&str, Kind)] = &[
    ("ABORT_STEP", Kind::Int),
    (
        "ACCESS_METHOD",
        Kind::Enum(&[
            "AUTOMATIC",
            "DIRECT_PATH",
            "EXTERNAL_TABLE",
            "CONVENTIONAL",
            "INSERT_AS_SELECT",
        ]),
    ),
    ("ATTACH", Kind::Name),
    ("VERIFY_CHECKSUM", YES_NO),
    ("VERIFY_ONLY", YES_NO),
    ("CLUSTER", YES_NO),
    (
        "CONTENT",
        Kind::Enum(&["ALL", "DATA_ONLY", "METADATA_ONLY"]),
    ),
    ("CREDENTIAL", Kind::Name),
    ("DATA_OPTIONS", Kind::Texts),
    ("DIRECTORY", Kind::Name),
    ("DUMPFILE", Kind::Files),
    ("ENABLE_SECURE_ROLES", YES_NO),
    ("ENCRYPTION_PASSWORD", Kind::Text),
    ("ENCRYPTION_PWD_PROMPT", YES_NO),
    ("ESTIMATE", Kind::Enum(&["BLOCKS", "STATISTICS"])),
    ("EXCLUDE", Kind::Texts),
    ("FLASHBACK_SCN", Kind::Int),
    ("FLASHBACK_TIME", Kind::Text),
    ("FULL", YES_NO),
    ("HELP", YES_NO),
    ("INCLUDE", Kind::Texts),
    ("JOB_NAME", Kind::Name),
    ("KEEP_MASTER", YES_NO),
    ("LOGFILE", Kind::File),
    ("LOGTIME", Kind::Enum(&["NONE", "STATUS", "LOGFILE", "ALL"])),
    ("MASTER_ONLY", YES_NO),
    ("METRICS", YES_NO),
    ("NETWORK_LINK", Kind::Name),
    ("NOLOGFILE", YES_NO),
    ("PARALLEL", Kind::Int),
    ("PARFILE", Kind::File),
    (
        "PARTITION_OPTIONS",
        Kind::Enum(&["NONE", "DEPARTITION", "MERGE"]),
    ),
    ("QUERY", Kind::Texts),
    ("REMAP_DATA", Kind::Texts),
    ("REMAP_DATAFILE", Kind::Texts),
    ("REMAP_DIRECTORY", Kind::Texts),
    ("REMAP_SCHEMA", Kind::Names),
    ("REMAP_TABLE", Kind::Names),
    ("REMAP_TABLESPACE", Kind::Names),
    ("REUSE_DATAFILES", YES_NO),
    ("SCHEMAS", Kind::Names),
    ("SERVICE_NAME", Kind::Name),
    ("SKIP_UNUSABLE_INDEXES", YES_NO),
    ("SOURCE_EDITION", Kind::Name),
    ("SQLFILE", Kind::File),
    ("STATUS", Kind::Int),
    ("STREAMS_CONFIGURATION", YES_NO),
    (
        "TABLE_EXISTS_ACTION",
        Kind::Enum(&["SKIP", "APPEND", "TRUNCATE", "REPLACE"]),
    ),
    ("TABLES", Kind::Names),
    ("TABLESPACES", Kind::Names),
    ("TARGET_EDITION", Kind::Name),
    ("TRANSFORM", Kind::Texts),
    (
        "TRANSPORTABLE",
        Kind::Enum(&["ALWAYS", "NEVER", "KEEP_READ_ONLY", "NO_BITMAP_REBUILD"]),
    ),
    ("TRANSPORT_DATAFILES", Kind::Files),
    ("TRANSPORT_FULL_CHECK", YES_NO),
    ("TRANSPORT_TABLESPACES", Kind::Names),
    ("USERID", Kind::Text),
    ("VERSION", Kind::Text),
    ("VIEWS_AS_TABLES", Kind::Names),
];

/// Original exp/imp parameter names that the real 11.2+ clients accept in "legacy mode". The
/// simulator does not implement legacy mode and says so instead of guessing.
const LEGACY: &[&str] = &[
    "BUFFER",
    "COMMIT",
    "COMPILE",
    "COMPRESS",
    "CONSISTENT",
    "CONSTRAINTS",
    "DATAFILES",
    "DESTROY",
    "DIRECT",
    "FEEDBACK",
    "FILE",
    "FROMUSER",
    "GRANTS",
    "IGNORE",
    "INDEXES",
    "INDEXFILE",
    "LOG",
    "OBJECT_CONSISTENT",
    "OWNER",
    "RECORDLENGTH",
    "RESUMABLE",
    "RESUMABLE_NAME",
    "RESUMABLE_TIMEOUT",
    "ROWS",
    "SHOW",
    "STATISTICS",
    "TOID_NOVALIDATE",
    "TOUSER",
    "TRIGGERS",
    "TTS_OWNERS",
    "TTS_FULL_CHECK",
    "VOLSIZE",
];

/// One parameter as given.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Upper-case name.
    pub name: String,
    /// The name as typed (error messages quote it so).
    pub typed: String,
    /// Values after the client's case rules.
    pub values: Vec<String>,
    /// Values exactly as written (for the `;;; parfile:` echo).
    pub raw: Vec<String>,
    /// Whether it came from a parameter file.
    pub from_parfile: bool,
}

/// Everything given on the command line and in the parameter file.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub list: Vec<Param>,
    /// The positional connect string (first word, when it is not `NAME=value`).
    pub positional_userid: Option<String>,
    /// The parameters as echoed in the `Starting` line: the command line minus the userid.
    pub echo: String,
    /// The parameter file's name, when one was used.
    pub parfile: Option<String>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.list.iter().rev().find(|p| p.name == name)
    }
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name)
            .and_then(|p| p.values.first())
            .map(String::as_str)
    }
    pub fn values(&self, name: &str) -> Vec<String> {
        self.list
            .iter()
            .filter(|p| p.name == name)
            .flat_map(|p| p.values.iter().cloned())
            .collect()
    }
    pub fn yes(&self, name: &str) -> bool {
        matches!(self.value(name), Some(v) if v.eq_ignore_ascii_case("YES") || v.eq_ignore_ascii_case("Y"))
    }
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    /// The USERID: positional, or the USERID parameter.
    pub fn userid(&self) -> Option<String> {
        self.positional_userid
            .clone()
            .or_else(|| self.get("USERID").map(|p| p.raw.join(",")))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Eq,
    Comma,
}

/// Splits text into words, `=` and `,`. In a parameter file a newline is a comma, `#` outside
/// quotes starts a comment, and a trailing backslash joins the next line.
fn lex(text: &str, parfile: bool) -> Result<Vec<Token>, ParamError> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            word.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                word.push(c);
            }
            '#' if parfile => {
                // A comment runs to the end of the line.
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                flush(&mut word, &mut tokens);
                tokens.push(Token::Comma);
            }
            '\\' if parfile && matches!(chars.peek(), Some('\n') | Some('\r')) => {
                while matches!(chars.peek(), Some('\n') | Some('\r')) {
                    chars.next();
                }
            }
            '\n' if parfile => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Comma);
            }
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            '=' => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Eq);
            }
            ',' => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Comma);
            }
            c => word.push(c),
        }
    }
    if quote.is_some() {
        return Err(ParamError::Lrm(format!(
            "LRM-00113: error when processing {} '{}'\nLRM-00111: no closing quote for value '{}'",
            if parfile { "file" } else { "parameter" },
            word,
            word
        )));
    }
    flush(&mut word, &mut tokens);
    Ok(tokens)
}

/// The parameters that appeared with the 21c clients: a 19c client does not know them.
pub const SINCE_21C: &[&str] = &[
    "CHECKSUM",
    "CHECKSUM_ALGORITHM",
    "VERIFY_CHECKSUM",
    "VERIFY_ONLY",
];

fn kind_of(tool: Tool, name: &str) -> Option<Kind> {
    let table = match tool {
        Tool::Expdp => EXPORT,
        Tool::Impdp => IMPORT,
    };
    table.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// Upper-cases the unquoted parts of an Oracle name and drops the double quotes, keeping the
/// quoted parts' case: `hr."Emp"` → `HR.Emp`.
pub fn fold_name(raw: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in raw.chars() {
        match c {
            '"' => quoted = !quoted,
            c if quoted => out.push(c),
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

/// Removes one pair of surrounding quotes (file names, free text).
pub fn unquote(raw: &str) -> String {
    let t = raw.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

/// Parses a size such as `100M`, `2GB`, `4096`.
pub fn parse_size(raw: &str) -> Option<u64> {
    let v = raw.trim().to_ascii_uppercase();
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = v[digits.len()..].trim_end_matches('B');
    let n: u64 = digits.parse().ok()?;
    let mult = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn check_value(kind: Kind, typed: &str, value: &str) -> Result<String, ParamError> {
    let bad = || {
        ParamError::Lrm(format!(
            "LRM-00121: '{value}' is not an allowable value for '{}'",
            typed.to_ascii_lowercase()
        ))
    };
    let upper = value.to_ascii_uppercase();
    match kind {
        Kind::YesNo => match upper.as_str() {
            "Y" | "YES" => Ok("YES".to_string()),
            "N" | "NO" => Ok("NO".to_string()),
            _ => Err(bad()),
        },
        Kind::Int => value
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| bad()),
        Kind::Enum(words) => words
            .iter()
            .find(|w| **w == upper)
            .map(|w| w.to_string())
            .ok_or_else(bad),
        Kind::Name | Kind::Names => Ok(fold_name(value)),
        Kind::File | Kind::Files | Kind::Text | Kind::Texts => Ok(value.to_string()),
        Kind::Size => parse_size(value).map(|n| n.to_string()).ok_or_else(bad),
    }
}

fn is_list(kind: Kind) -> bool {
    matches!(kind, Kind::Names | Kind::Files | Kind::Texts)
}

/// Adds the entries of one token stream to `params`.
fn parse_tokens(
    tool: Tool,
    tokens: &[Token],
    from_parfile: bool,
    allow_positional: bool,
    params: &mut Params,
) -> Result<(), ParamError> {
    let mut i = 0;
    let mut current: Option<usize> = None;
    let mut first = true;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Comma => {
                i += 1;
            }
            Token::Eq => {
                return Err(ParamError::Lrm(
                    "LRM-00116: syntax error at '=' following ''".to_string(),
                ))
            }
            Token::Word(word) => {
                let named = matches!(tokens.get(i + 1), Some(Token::Eq));
                if named {
                    let name = word.to_ascii_uppercase();
                    let Some(kind) = kind_of(tool, &name) else {
                        if LEGACY.contains(&name.as_str()) {
                            return Err(ParamError::Lrm(format!(
                                "oracle-sim: '{word}' is an original exp/imp parameter; legacy mode is not simulated (see FIDELITY.md)"
                            )));
                        }
                        return Err(ParamError::Lrm(format!(
                            "LRM-00101: unknown parameter name '{word}'"
                        )));
                    };
                    if name == "PARFILE" && from_parfile {
                        return Err(ParamError::Lrm(
                            "LRM-00118: syntax error at 'parfile' at the end of input: nested parameter files are not allowed".to_string(),
                        ));
                    }
                    i += 2;
                    let mut raw = Vec::new();
                    let mut values = Vec::new();
                    loop {
                        match tokens.get(i) {
                            Some(Token::Word(v))
                                if !matches!(tokens.get(i + 1), Some(Token::Eq)) =>
                            {
                                values.push(check_value(kind, word, v)?);
                                raw.push(v.clone());
                                i += 1;
                                // Another value only after a comma (or, for lists, a blank).
                                match tokens.get(i) {
                                    Some(Token::Comma)
                                        if matches!(tokens.get(i + 1), Some(Token::Word(_)))
                                            && !matches!(tokens.get(i + 2), Some(Token::Eq))
                                            && is_list(kind) =>
                                    {
                                        i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            _ => break,
                        }
                    }
                    if values.is_empty() {
                        let prefix = match tool {
                            Tool::Expdp => "UDE",
                            Tool::Impdp => "UDI",
                        };
                        return Err(ParamError::Client(format!(
                            "{prefix}-00016: '{}' parameter requires a value.",
                            word.to_ascii_lowercase()
                        )));
                    }
                    params.list.push(Param {
                        name,
                        typed: word.clone(),
                        values,
                        raw,
                        from_parfile,
                    });
                    current = Some(params.list.len() - 1);
                    first = false;
                } else if first && allow_positional && params.positional_userid.is_none() {
                    params.positional_userid = Some(word.clone());
                    first = false;
                    i += 1;
                } else {
                    // A bare word: one more value of the previous list parameter.
                    let Some(idx) = current else {
                        return Err(ParamError::Lrm(format!(
                            "LRM-00108: invalid positional parameter value '{word}'"
                        )));
                    };
                    let kind = kind_of(tool, &params.list[idx].name).unwrap_or(Kind::Text);
                    if !is_list(kind) {
                        return Err(ParamError::Lrm(format!(
                            "LRM-00112: multiple values not allowed for parameter '{}'",
                            params.list[idx].typed.to_ascii_lowercase()
                        )));
                    }
                    let typed = params.list[idx].typed.clone();
                    let v = check_value(kind, &typed, word)?;
                    params.list[idx].values.push(v);
                    params.list[idx].raw.push(word.clone());
                    i += 1;
                }
            }
        }
    }
    Ok(())
}

/// Parses a client's arguments (argv[1..]); reads the parameter file relative to the current
/// directory, as the real client does.
pub fn parse(tool: Tool, args: &[String]) -> Result<Params, ParamError> {
    let mut params = Params::default();
    let line = args.join(" ");
    let tokens = lex(&line, false)?;
    parse_tokens(tool, &tokens, false, true, &mut params)?;
    params.echo = match &params.positional_userid {
        Some(_) => args.iter().skip(1).cloned().collect::<Vec<_>>().join(" "),
        None => line.clone(),
    };
    if let Some(parfile) = params.get("PARFILE").map(|p| unquote(&p.raw[0])) {
        let text = std::fs::read_to_string(&parfile).map_err(|_| {
            ParamError::Lrm(format!(
                "LRM-00109: could not open parameter file '{parfile}'"
            ))
        })?;
        let tokens = lex(&text, true)?;
        let mut from_file = Params::default();
        parse_tokens(tool, &tokens, true, false, &mut from_file)?;
        // Command-line values given after PARFILE override the file's; the simple rule used
        // here: the file's entries come first, the command line's last (later ones win).
        let mut merged = from_file.list;
        merged.append(&mut params.list);
        params.list = merged;
        params.parfile = Some(parfile);
    }
    check_modes(tool, &params)?;
    Ok(params)
}

/// Only one of FULL, SCHEMAS, TABLES, TABLESPACES, TRANSPORT_TABLESPACES.
fn check_modes(tool: Tool, params: &Params) -> Result<(), ParamError> {
    let modes: Vec<&str> = [
        ("FULL", "full"),
        ("SCHEMAS", "schema"),
        ("TABLES", "table"),
        ("TABLESPACES", "tablespace"),
        ("TRANSPORT_TABLESPACES", "transportable"),
    ]
    .iter()
    .filter(|(name, _)| {
        if *name == "FULL" {
            params.yes("FULL")
        } else {
            params.has(name)
        }
    })
    .map(|(_, mode)| *mode)
    .collect();
    if modes.len() > 1 {
        let prefix = match tool {
            Tool::Expdp => "UDE",
            Tool::Impdp => "UDI",
        };
        return Err(ParamError::Client(format!(
            "{prefix}-00010: multiple job modes requested, {} and {}.",
            modes[0], modes[1]
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn names_are_upper_cased_unless_quoted() {
        let p = parse(
            Tool::Expdp,
            &args("system/x schemas=bizagi,\"Mixed\" directory=BizAgiBackupPath dumpfile=a.dmp"),
        )
        .unwrap();
        assert_eq!(p.values("SCHEMAS"), vec!["BIZAGI", "Mixed"]);
        assert_eq!(p.value("DIRECTORY"), Some("BIZAGIBACKUPPATH"));
        assert_eq!(p.value("DUMPFILE"), Some("a.dmp"));
        assert_eq!(p.positional_userid.as_deref(), Some("system/x"));
        assert_eq!(
            p.echo,
            "schemas=bizagi,\"Mixed\" directory=BizAgiBackupPath dumpfile=a.dmp"
        );
    }

    #[test]
    fn bare_word_extends_the_previous_list() {
        let p = parse(Tool::Expdp, &args("u/p dumpfile=test.dmp nologfile")).unwrap();
        assert_eq!(p.values("DUMPFILE"), vec!["test.dmp", "nologfile"]);
    }

    #[test]
    fn unknown_parameter_is_lrm_00101() {
        let e = parse(Tool::Expdp, &args("u/p schema=hr")).unwrap_err();
        assert_eq!(
            e,
            ParamError::Lrm("LRM-00101: unknown parameter name 'schema'".into())
        );
        // Import-only parameters are unknown to expdp.
        assert!(parse(Tool::Expdp, &args("u/p remap_schema=a:b")).is_err());
        assert!(parse(Tool::Impdp, &args("u/p remap_schema=a:b")).is_ok());
    }

    #[test]
    fn bad_values_and_modes() {
        assert!(
            matches!(parse(Tool::Expdp, &args("u/p reuse_dumpfiles=maybe")), Err(ParamError::Lrm(m)) if m.starts_with("LRM-00121"))
        );
        assert!(
            matches!(parse(Tool::Expdp, &args("u/p directory=a,b")), Err(ParamError::Lrm(m)) if m.starts_with("LRM-00112") || m.starts_with("LRM-00116"))
        );
        assert!(
            matches!(parse(Tool::Expdp, &args("u/p full=y schemas=a")), Err(ParamError::Client(m)) if m.starts_with("UDE-00010"))
        );
    }

    #[test]
    fn parfile_lines_comments_and_quotes() {
        let dir = std::env::temp_dir().join(format!("osim-par-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let par = dir.join("x.par");
        std::fs::write(&par, "userid=bizagiadmon/\"p@ss#1\"\nschemas=bizagi # the project\ninclude=TABLE:\"IN ('A', 'B')\"\ndirectory=\\\nBizAgiBackupPath\n").unwrap();
        let p = parse(Tool::Expdp, &[format!("parfile={}", par.display())]).unwrap();
        assert_eq!(p.userid().as_deref(), Some("bizagiadmon/\"p@ss#1\""));
        assert_eq!(p.values("SCHEMAS"), vec!["BIZAGI"]);
        assert_eq!(p.values("INCLUDE"), vec!["TABLE:\"IN ('A', 'B')\""]);
        assert_eq!(p.value("DIRECTORY"), Some("BIZAGIBACKUPPATH"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
