//! The run's JSON report: what the script returned or set with `set_report`, plus how the run
//! ended. Written to a temporary name and renamed, so a reader never sees half a report.
//!
//! Every path (success, a failed step, an error thrown by a primitive, a refused parameter, a
//! script that does not compile, an interrupted run) ends in [`finalize`], so the report has the
//! same top-level keys on every path; their shape is `report-schema.json`, shipped in the binary
//! (`bizscript doc report-schema`).

use serde_json::{Map as JsonMap, Value};
use std::path::Path;

/// The report's format (`format_version`); raised when a key changes meaning or goes away.
pub const FORMAT_VERSION: i64 = 1;

/// The JSON Schema of the report (`bizscript doc report-schema`).
pub const REPORT_SCHEMA: &str = include_str!("report-schema.json");

/// What the host knows of a run whatever the script did: the report's fallbacks.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    /// The procedure: the script's name without `.rhai` (`bizagi_export`).
    pub procedure: String,
    /// `--set connect=` as given, when given.
    pub database: Option<String>,
    /// `--set schema=` as given, when given.
    pub schema: Option<String>,
    /// When the run started (UTC, RFC 3339).
    pub started: String,
}

/// A failure the host met (the script threw, did not compile, was interrupted).
#[derive(Debug, Clone)]
pub struct HostFailure {
    /// The step (or primitive) that was running, when the host knows it.
    pub step: Option<String>,
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

/// The time now, as the report writes it.
pub fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn plain(value: Option<&Value>) -> Value {
    match value {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(other) => Value::String(flatten(other)),
    }
}

/// A value as a plain sentence: strings as they are, a list joined with `; `, a map by its
/// `message`, `text` or `reason` (never a map's debug text).
pub fn flatten(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(flatten)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(map) => ["message", "text", "reason", "summary", "code"]
            .iter()
            .find_map(|k| map.get(*k).filter(|v| !v.is_null()))
            .map(flatten)
            .unwrap_or_else(|| value.to_string()),
        other => other.to_string(),
    }
}

/// Gives `report` the shape of format [`FORMAT_VERSION`]: every top-level key the schema
/// requires, with `facts` where the script set none, `exit_code` the run's, `failure` null or
/// `{step, code, message, hint}` as plain strings (from `host_failure` when the host met it).
/// The script's other keys are kept.
pub fn finalize(
    report: Value,
    facts: &RunFacts,
    exit_code: u8,
    host_failure: Option<&HostFailure>,
) -> Value {
    let mut map = match report {
        Value::Object(map) => map,
        Value::Null => JsonMap::new(),
        other => {
            let mut map = JsonMap::new();
            map.insert("value".into(), other);
            map
        }
    };
    map.insert("format_version".into(), Value::from(FORMAT_VERSION));
    let text_or = |map: &mut JsonMap<String, Value>, key: &str, fallback: Option<String>| {
        let keep = matches!(map.get(key), Some(Value::String(_)));
        if !keep {
            if let Some(previous) = map.remove(key).filter(|v| !v.is_null()) {
                map.insert(format!("script_{key}"), previous);
            }
            map.insert(
                key.into(),
                fallback.map(Value::String).unwrap_or(Value::Null),
            );
        }
    };
    text_or(&mut map, "procedure", Some(facts.procedure.clone()));
    text_or(&mut map, "database", facts.database.clone());
    text_or(&mut map, "schema", facts.schema.clone());
    text_or(&mut map, "started", Some(facts.started.clone()));
    text_or(&mut map, "finished", Some(now_utc()));
    let by_code = match exit_code {
        0 => "ok",
        3 => "review",
        _ => "failed",
    };
    // The verdict is the exit code's (0 ok, 3 review, anything else failed): the exit status
    // already weighs the script's verdict and what its primitives reported.
    let verdict = by_code.to_string();
    if let Some(previous) = map.insert("verdict".into(), Value::String(verdict.clone())) {
        if previous.as_str() != Some(verdict.as_str()) && !map.contains_key("script_verdict") {
            map.insert("script_verdict".into(), previous);
        }
    }
    map.insert("exit_code".into(), Value::from(exit_code));
    // The schema's step shape, every item: a script's own list of another shape is kept aside.
    let step_shaped = |step: &Value| {
        step.get("name").is_some_and(Value::is_string)
            && step.get("summary").is_some_and(Value::is_string)
            && step
                .get("status")
                .and_then(Value::as_str)
                .is_some_and(|s| matches!(s, "ok" | "review" | "failed" | "skipped"))
            && step.get("seconds").is_none_or(Value::is_number)
    };
    if !matches!(map.get("steps"), Some(Value::Array(steps)) if steps.iter().all(step_shaped)) {
        if let Some(previous) = map.remove("steps").filter(|v| !v.is_null()) {
            map.insert("script_steps".into(), previous);
        }
        map.insert("steps".into(), Value::Array(Vec::new()));
    }
    let previous = map.remove("failure").unwrap_or(Value::Null);
    let failure = match (host_failure, &previous) {
        (Some(f), _) => serde_json::json!({
            "step": match &f.step {
                Some(step) => Value::String(step.clone()),
                None => plain(previous.get("step")),
            },
            "code": f.code,
            "message": f.message,
            "hint": f.hint,
        }),
        (None, Value::Object(old)) => {
            let message = plain(old.get("message").or(old.get("reason")));
            serde_json::json!({
                "step": plain(old.get("step")),
                "code": plain(old.get("code")).as_str().map(str::to_string).unwrap_or_else(|| "BZ-FAILED".into()),
                "message": message.as_str().map(str::to_string).unwrap_or_else(|| "the run failed".into()),
                "hint": plain(old.get("hint").or(old.get("fix"))),
            })
        }
        (None, Value::Null) if verdict == "failed" => serde_json::json!({
            "step": Value::Null,
            "code": "BZ-FAILED",
            "message": format!("the script's verdict is failed (exit code {exit_code})"),
            "hint": Value::Null,
        }),
        (None, Value::Null) => Value::Null,
        (None, other) => serde_json::json!({
            "step": Value::Null,
            "code": "BZ-FAILED",
            "message": flatten(other),
            "hint": Value::Null,
        }),
    };
    map.insert("failure".into(), failure);
    Value::Object(map)
}

/// Writes `report` as pretty JSON to `path` atomically (a temporary name beside it, then
/// rename; see [`crate::fsutil::write_json_atomically`]).
pub fn write_report(path: &Path, report: &Value) -> std::io::Result<()> {
    crate::fsutil::write_json_atomically(path, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::json::to_json;
    use crate::secret::Secret;
    use rhai::Dynamic;

    fn facts() -> RunFacts {
        RunFacts {
            procedure: "site".into(),
            database: Some("//db/PROD".into()),
            schema: Some("BIZAGI".into()),
            started: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn every_path_gets_the_same_top_level_keys() {
        let schema: Value = serde_json::from_str(REPORT_SCHEMA).unwrap();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let failure = HostFailure {
            step: None,
            code: "BZ-X".into(),
            message: "m".into(),
            hint: Some("h".into()),
        };
        for (report, code, host) in [
            (Value::Null, 0, None),
            (
                serde_json::json!({ "verdict": "ok", "steps": "odd" }),
                1,
                Some(&failure),
            ),
            (
                serde_json::json!({ "failure": { "step": "s", "reason": ["a", { "text": "b" }], "fix": "f" } }),
                1,
                None,
            ),
            (serde_json::json!([1, 2]), 3, None),
        ] {
            let out = finalize(report, &facts(), code, host);
            for key in &required {
                assert!(out.get(*key).is_some(), "{key} missing in {out}");
            }
            assert_eq!(out["format_version"], FORMAT_VERSION);
            assert_eq!(out["exit_code"], code);
            assert!(out["steps"].is_array());
            assert!(!out.to_string().contains("#{"));
        }
    }

    #[test]
    fn failures_become_plain_sentences() {
        let out = finalize(
            serde_json::json!({ "verdict": "failed", "failure": { "step": "s", "reason": ["a", { "text": "b" }], "fix": "f" } }),
            &facts(),
            1,
            None,
        );
        assert_eq!(out["failure"]["message"], "a; b");
        assert_eq!(out["failure"]["hint"], "f");
        assert_eq!(out["failure"]["code"], "BZ-FAILED");
        assert_eq!(out["verdict"], "failed");
        // The verdict is the exit code's; the script's own is kept.
        let out = finalize(serde_json::json!({ "verdict": "ok" }), &facts(), 1, None);
        assert_eq!(out["verdict"], "failed");
        assert_eq!(out["script_verdict"], "ok");
        assert_eq!(out["failure"]["code"], "BZ-FAILED");
        let out = finalize(serde_json::json!({ "verdict": "ok" }), &facts(), 0, None);
        assert!(out["failure"].is_null());
        assert_eq!(out["procedure"], "site");
        assert_eq!(out["database"], "//db/PROD");
    }

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
