//! `--set KEY=VALUE`: script parameters, typed the way a person means them.

use rhai::{Dynamic, Map};

/// Why a `--set` argument was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParamError {
    #[error("--set {0}: expected KEY=VALUE")]
    MissingEquals(String),
    #[error(
        "--set {0}: the key must be a name (letters, digits and _, not starting with a digit)"
    )]
    BadKey(String),
    #[error("--set {0} given twice")]
    Duplicate(String),
}

/// The value a `--set` string stands for: integers, floats and booleans arrive typed, the rest
/// as strings (quote nothing: `--set schema=BIZAGI`).
pub fn typed_value(text: &str) -> Dynamic {
    if let Ok(i) = text.parse::<i64>() {
        return Dynamic::from(i);
    }
    // Only plain decimal notation: Rust would also accept "inf" and "NaN".
    let numeric = text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if numeric {
        if let Ok(f) = text.parse::<f64>() {
            return Dynamic::from(f);
        }
    }
    match text {
        "true" => Dynamic::from(true),
        "false" => Dynamic::from(false),
        _ => Dynamic::from(text.to_string()),
    }
}

/// Builds the `params` map from `--set` arguments.
pub fn parse_params(sets: &[String]) -> Result<Map, ParamError> {
    let mut params = Map::new();
    for set in sets {
        let (key, value) = set
            .split_once('=')
            .ok_or_else(|| ParamError::MissingEquals(set.clone()))?;
        let key = key.trim();
        let valid = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(ParamError::BadKey(set.clone()));
        }
        if params.insert(key.into(), typed_value(value)).is_some() {
            return Err(ParamError::Duplicate(key.to_string()));
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_arrive_typed() {
        assert_eq!(typed_value("21").as_int().unwrap(), 21);
        assert_eq!(typed_value("-3").as_int().unwrap(), -3);
        assert!((typed_value("2.5").as_float().unwrap() - 2.5).abs() < 1e-12);
        assert!(typed_value("true").as_bool().unwrap());
        assert_eq!(typed_value("BIZAGI").into_string().unwrap(), "BIZAGI");
        assert_eq!(
            typed_value("//db:1521/ORCL").into_string().unwrap(),
            "//db:1521/ORCL"
        );
        assert_eq!(typed_value("1e5x").into_string().unwrap(), "1e5x");
        assert_eq!(typed_value("").into_string().unwrap(), "");
    }

    #[test]
    fn refuses_malformed_sets() {
        assert!(matches!(
            parse_params(&["x".into()]),
            Err(ParamError::MissingEquals(_))
        ));
        assert!(matches!(
            parse_params(&["1x=2".into()]),
            Err(ParamError::BadKey(_))
        ));
        assert!(matches!(
            parse_params(&["a=1".into(), "a=2".into()]),
            Err(ParamError::Duplicate(_))
        ));
        let p = parse_params(&["path=/u01/a=b".into()]).unwrap();
        assert_eq!(p["path"].clone().into_string().unwrap(), "/u01/a=b");
    }
}
