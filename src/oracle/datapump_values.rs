//! The values of Data Pump parameters as a parameter file must carry them (docs/oracle.md §1.3,
//! §1.4): object names, table names, file names, free-text clauses and sizes. Each function
//! takes what a script wrote and returns the text to write, or says why it cannot be written
//! safely. Export and import share these rules.

use crate::oracle::identifier::{Identifier, NameLimit};

/// The longest table-name pattern (bytes), as the 12.2 identifier limit.
const MAX_NAME_BYTES: usize = 128;

/// An object name as Oracle's identifier rules read it ([`Identifier`]): `name` is stored
/// upper-cased, `"Quoted Name"` as written. A `#` is legal in a name but starts a comment in a
/// parameter file, so such a name is written quoted (in the upper case Oracle would have given
/// it unquoted). With `wildcard`, a table pattern such as `WF%` is accepted as Data Pump allows.
pub fn object_name(text: &str, wildcard: bool) -> Result<String, String> {
    let text = text.trim();
    if wildcard && text.contains('%') && !text.starts_with('"') {
        let valid = text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '%')
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '%'));
        return if valid && text.len() <= MAX_NAME_BYTES {
            Ok(text.to_uppercase())
        } else {
            Err(format!("`{text}` is not a valid table name pattern"))
        };
    }
    let name = Identifier::parse(text, NameLimit::From122).map_err(|e| e.to_string())?;
    if name.is_quoted() || name.as_stored().contains('#') {
        Ok(format!("\"{}\"", name.as_stored()))
    } else {
        Ok(name.as_stored().to_string())
    }
}

/// `[schema.]table[:partition]`, with `%` wildcards in the table part.
pub fn table_name(text: &str) -> Result<String, String> {
    let text = text.trim();
    let (qualified, partition) = match text.split_once(':') {
        Some((q, p)) => (q, Some(p)),
        None => (text, None),
    };
    let mut out = match qualified.split_once('.') {
        Some((schema, table)) => format!(
            "{}.{}",
            object_name(schema, false)?,
            object_name(table, true)?
        ),
        None => object_name(qualified, true)?,
    };
    if let Some(partition) = partition {
        out.push(':');
        out.push_str(&object_name(partition, false)?);
    }
    Ok(out)
}

/// `[directory:]file_name`: a plain file name (the server puts it in the directory's path;
/// Oracle refuses a path with ORA-39088), substitution variables allowed.
pub fn file_name(text: &str) -> Result<String, String> {
    let text = text.trim();
    let (directory, file) = match text.split_once(':') {
        Some((d, f)) => (Some(object_name(d, false)?), f),
        None => (None, text),
    };
    if file.is_empty() {
        return Err(format!("`{text}` has no file name"));
    }
    if file.contains(['/', '\\']) {
        return Err(format!(
            "`{text}` contains a path; the server writes into the DIRECTORY object's path, so give only the file name (ORA-39088)"
        ));
    }
    if !file
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '%' | '$'))
    {
        return Err(format!(
            "`{text}` contains characters that need quoting in a parameter file; use letters, digits, _ - . and %U"
        ));
    }
    Ok(match directory {
        Some(d) => format!("{d}:{file}"),
        None => file.to_string(),
    })
}

/// Free text with Oracle's own quoting (`TABLE:"IN ('A','B')"`, `TO_TIMESTAMP(...)`): refused
/// when it would break the parameter file.
pub fn clause(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the value is empty".to_string());
    }
    if text.contains(['\n', '\r', '\0']) {
        return Err("a value cannot span lines in a parameter file".to_string());
    }
    if text.ends_with('\\') {
        return Err("a trailing `\\` would continue the line in a parameter file".to_string());
    }
    let mut in_double = false;
    let mut in_single = false;
    for c in text.chars() {
        match c {
            '"' if !in_single => in_double = !in_double,
            '\'' if !in_double => in_single = !in_single,
            '#' if !in_double && !in_single => {
                return Err(format!(
                    "`{text}`: a `#` outside quotes starts a comment in a parameter file"
                ))
            }
            _ => {}
        }
    }
    if in_double || in_single {
        return Err(format!("`{text}` has an unbalanced quote"));
    }
    // A value that carries its own double quotes is written as is, so a blank or comma outside
    // them would split it into several values.
    if text.contains('"') {
        let mut quoted = false;
        for c in text.chars() {
            match c {
                '"' => quoted = !quoted,
                c if !quoted && (c.is_whitespace() || c == ',') => {
                    return Err(format!(
                        "`{text}`: a blank or comma outside the double quotes would split the value; put the whole expression inside them"
                    ))
                }
                _ => {}
            }
        }
    }
    Ok(text.to_string())
}

/// `integer[B|KB|MB|GB|TB]` (blanks removed, unit upper-cased), as FILESIZE takes it.
pub fn parse_size(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase().replace(' ', "");
    let digits_end = upper
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(upper.len());
    let (number, unit) = upper.split_at(digits_end);
    if number.is_empty() || !matches!(unit, "" | "B" | "KB" | "MB" | "GB" | "TB") {
        return None;
    }
    number.parse::<u64>().ok()?;
    Some(upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_oracles_identifier_rules() {
        assert_eq!(object_name("bizagi", false).unwrap(), "BIZAGI");
        assert_eq!(object_name("\"Mixed\"", false).unwrap(), "\"Mixed\"");
        assert_eq!(object_name("emp#", false).unwrap(), "\"EMP#\"");
        assert!(object_name("1abc", false).is_err());
        assert!(object_name("wf%", false).is_err());
        assert_eq!(object_name("wf%", true).unwrap(), "WF%");
    }

    #[test]
    fn tables_files_clauses_and_sizes() {
        assert_eq!(table_name("bizagi.wfcase:p1").unwrap(), "BIZAGI.WFCASE:P1");
        assert_eq!(file_name("dir:b_%U.dmp").unwrap(), "DIR:b_%U.dmp");
        assert!(file_name("../b.dmp").is_err());
        assert!(clause("a # b").is_err());
        assert_eq!(
            clause("TABLE:\"IN ('A #1')\"").unwrap(),
            "TABLE:\"IN ('A #1')\""
        );
        assert_eq!(parse_size("2 gb").as_deref(), Some("2GB"));
        assert_eq!(parse_size("12"), Some("12".to_string()));
        assert_eq!(parse_size("2 parsecs"), None);
    }
}
