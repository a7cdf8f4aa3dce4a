//! The run's JSON report: what the script returned or set with `set_report`, plus how the run
//! ended. Written to a temporary name and renamed, so a reader never sees half a report.

use crate::secret::{Secret, MASK};
use rhai::Dynamic;
use serde_json::{Map as JsonMap, Number, Value};
use std::path::Path;

/// Converts a script value to JSON; Secrets become `***`, other host types their display text.
pub fn to_json(value: &Dynamic) -> Value {
    if value.is_unit() {
        return Value::Null;
    }
    if let Ok(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Ok(i) = value.as_int() {
        return Value::Number(i.into());
    }
    if let Ok(f) = value.as_float() {
        return Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null);
    }
    if value.is_string() {
        return Value::String(value.clone().into_string().unwrap_or_default());
    }
    if value.is_char() {
        return Value::String(value.to_string());
    }
    if value.is::<Secret>() {
        return Value::String(MASK.to_string());
    }
    if value.is_array() {
        if let Some(array) = value.read_lock::<rhai::Array>() {
            return Value::Array(array.iter().map(to_json).collect());
        }
    }
    if value.is_map() {
        if let Some(map) = value.read_lock::<rhai::Map>() {
            let mut out = JsonMap::new();
            for (k, v) in map.iter() {
                out.insert(k.to_string(), to_json(v));
            }
            return Value::Object(out);
        }
    }
    if value.is_blob() {
        if let Some(blob) = value.read_lock::<rhai::Blob>() {
            return Value::String(format!("<{} bytes>", blob.len()));
        }
    }
    Value::String(value.to_string())
}

/// Writes `report` as pretty JSON to `path` atomically (a temporary name beside it, then
/// rename; see [`crate::fsutil::write_json_atomically`]).
pub fn write_report(path: &Path, report: &Value) -> std::io::Result<()> {
    crate::fsutil::write_json_atomically(path, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_the_report() {
        let mut map = rhai::Map::new();
        map.insert("password".into(), Dynamic::from(Secret::new("tiger", "t")));
        map.insert("n".into(), Dynamic::from(5_i64));
        let json = to_json(&Dynamic::from_map(map));
        let text = json.to_string();
        assert!(!text.contains("tiger"));
        assert_eq!(json["password"], "***");
        assert_eq!(json["n"], 5);
    }
}
