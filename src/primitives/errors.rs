//! Script errors raised by primitives.
//!
//! A primitive's error is a Rhai runtime error whose payload is a map
//! `#{ code, message, hint }`, so a script can `catch (e)` and branch on `e.code`, and the host's
//! renderer can print the code and the hint under the caret. Rhai fills in the call position.

use rhai::{Dynamic, EvalAltResult, Map, Position};

/// Builds the error a primitive returns: `code` is stable (`BZ-EXPDP-OPTION`, `ORA-01017`...),
/// `message` says what went wrong, `hint` what to do about it.
pub fn script_error(
    code: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Box<EvalAltResult> {
    let mut map = Map::new();
    map.insert("code".into(), Dynamic::from(code.to_string()));
    map.insert("message".into(), Dynamic::from(message.into()));
    let hint: String = hint.into();
    if !hint.is_empty() {
        map.insert("hint".into(), Dynamic::from(hint));
    }
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from_map(map),
        Position::NONE,
    ))
}

/// The error for a value of the wrong type or shape.
pub fn misuse(function: &str, message: impl Into<String>, usage: &str) -> Box<EvalAltResult> {
    script_error(
        "BZ-USAGE",
        format!("{function}: {}", message.into()),
        format!("usage: {usage} (see `bizscript doc {function}`)"),
    )
}

/// Reads `code`, `message` and `hint` back from an error raised by [`script_error`].
pub fn parts(payload: &Dynamic) -> Option<(String, String, Option<String>)> {
    let map = payload.read_lock::<Map>()?;
    let code = map.get("code")?.clone().into_string().ok()?;
    let message = map.get("message")?.clone().into_string().ok()?;
    let hint = map.get("hint").and_then(|h| h.clone().into_string().ok());
    Some((code, message, hint))
}
