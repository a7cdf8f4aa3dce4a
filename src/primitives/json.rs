//! Script values as JSON (the run report, `write_json`, the REPL's printing): Secrets become
//! `***`, other host types their display text.

use crate::secret::{Secret, MASK};
use rhai::Dynamic;
use serde_json::{Map as JsonMap, Number, Value};

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
