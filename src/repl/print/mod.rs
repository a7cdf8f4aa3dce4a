//! How the REPL shows a result.
//!
//! * a map of plain values: an aligned `key  value` table;
//! * an array of such maps (dump files, directories, jobs): a table with a header row;
//! * a Data Pump log report: its summary (see [`log_report`]);
//! * anything deeper: indented JSON, or, when that would run past a screen, a table whose nested
//!   values show as `[N items]` / `#{N keys}` (the DBA drills down with `x.key`);
//! * a Secret: `***` and where it came from, never its value.
//!
//! Values go through [`crate::host::report::to_json`] first, the same conversion the run report
//! uses, so a Secret nested anywhere is already `***` before any text is built.

pub mod log_report;

use crate::host::report::to_json;
use crate::secret::{Secret, MASK};
use anstyle::{AnsiColor, Style};
use rhai::Dynamic;
use serde_json::Value;

/// The widest a nested value may be to stay inside a table cell (as compact JSON).
const CELL_WIDTH: usize = 60;

/// The longest indented JSON shown whole; beyond it a map shows as a table of summaries.
const JSON_LINES: usize = 40;

/// The widest list of scalars shown on one line.
const LIST_WIDTH: usize = 100;

/// ANSI styles, or none when the output is not a terminal (or NO_COLOR is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    colour: bool,
}

impl Palette {
    /// Colours on.
    pub const COLOUR: Palette = Palette { colour: true };
    /// Plain text.
    pub const PLAIN: Palette = Palette { colour: false };

    /// Colours as decided once for the process (`--color`, NO_COLOR, CLICOLOR_FORCE), for
    /// standard output.
    pub fn for_stdout() -> Self {
        Palette {
            colour: crate::primitives::console::color_for_stdout(),
        }
    }

    /// True when colours are on.
    pub fn colour(self) -> bool {
        self.colour
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.colour {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// A map key or column name.
    fn key(self, text: &str) -> String {
        self.paint(AnsiColor::Cyan.on_default(), text)
    }

    /// A table header.
    fn header(self, text: &str) -> String {
        self.paint(Style::new().bold().underline(), text)
    }

    /// `()` and other quiet values.
    fn quiet(self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }

    /// `text` in the colour of `verdict` (`ok` green, `review` yellow, `failed` red).
    fn verdict(self, verdict: &str, text: &str) -> String {
        let colour = match verdict {
            "ok" => AnsiColor::Green,
            "review" => AnsiColor::Yellow,
            "failed" => AnsiColor::Red,
            _ => return text.to_string(),
        };
        self.paint(colour.on_default().bold(), text)
    }
}

/// The text for a result, or `None` for `()` (statements, `print`, function definitions).
pub fn render(value: &Dynamic, palette: Palette) -> Option<String> {
    if value.is_unit() {
        return None;
    }
    if let Some(secret) = value.read_lock::<Secret>() {
        return Some(format!(
            "{MASK} {}",
            palette.quiet(&format!("(Secret from {})", secret.origin()))
        ));
    }
    let json = to_json(value);
    Some(render_json(&json, palette))
}

/// Renders a converted value.
pub fn render_json(json: &Value, palette: Palette) -> String {
    match json {
        Value::Object(map) if log_report::is_log_report(map) => log_report::summary(map, palette),
        Value::Object(map) if map.is_empty() => "#{}".to_string(),
        Value::Object(map) if map.values().all(fits_in_cell) => key_value_table(map, palette),
        Value::Array(rows) if is_record_list(rows) => record_table(rows, palette),
        Value::Array(items)
            if items.iter().all(is_scalar) && width(&compact(json)) <= LIST_WIDTH =>
        {
            compact(json)
        }
        other => {
            let pretty = serde_json::to_string_pretty(other).unwrap_or_else(|_| compact(other));
            match other {
                Value::Object(map) if pretty.lines().count() > JSON_LINES => {
                    key_value_table(map, palette)
                }
                _ => pretty,
            }
        }
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn fits_in_cell(value: &Value) -> bool {
    match value {
        // A log report has its own one-line form.
        Value::Object(map) if log_report::is_log_report(map) => true,
        other => is_scalar(other) || width(&compact(other)) <= CELL_WIDTH,
    }
}

/// An array of maps whose values all fit in cells.
fn is_record_list(rows: &[Value]) -> bool {
    !rows.is_empty()
        && rows.iter().all(|row| match row {
            Value::Object(map) => !map.is_empty() && map.values().all(fits_in_cell),
            _ => false,
        })
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A cell's text: strings without quotes, `()` for null, compact JSON for small nested values,
/// and a summary for large ones.
fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "()".to_string(),
        Value::Object(map) if log_report::is_log_report(map) => log_report::one_line(map),
        Value::Object(map) if width(&compact(value)) > CELL_WIDTH => {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(4).collect();
            let more = if map.len() > keys.len() { ", ..." } else { "" };
            format!("#{{{} keys: {}{more}}}", map.len(), keys.join(", "))
        }
        Value::Array(items) if width(&compact(value)) > CELL_WIDTH => {
            format!(
                "[{} {}]",
                items.len(),
                if items.len() == 1 { "item" } else { "items" }
            )
        }
        other => compact(other),
    }
}

/// Columns on a terminal: a Chinese or Japanese character takes two, a combining mark none.
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

fn key_value_table(map: &serde_json::Map<String, Value>, palette: Palette) -> String {
    let key_width = map.keys().map(|k| width(k)).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in map {
        let padding = " ".repeat(key_width - width(key));
        let text = cell(value);
        let text = if value.is_null() {
            palette.quiet(&text)
        } else {
            text
        };
        out.push_str(&format!("{}{padding}  {text}\n", palette.key(key)));
    }
    out.truncate(out.trim_end().len());
    out
}

fn record_table(rows: &[Value], palette: Palette) -> String {
    // Columns in the order they first appear.
    let mut columns: Vec<&str> = Vec::new();
    for row in rows {
        if let Value::Object(map) = row {
            for key in map.keys() {
                if !columns.contains(&key.as_str()) {
                    columns.push(key);
                }
            }
        }
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| row.get(*c).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| width(&r[i]))
                .chain(std::iter::once(width(c)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |texts: Vec<String>, raw: &[String]| -> String {
        let mut out = String::new();
        for (i, (text, raw)) in texts.iter().zip(raw).enumerate() {
            out.push_str(text);
            if i + 1 < texts.len() {
                out.push_str(&" ".repeat(widths[i] - width(raw) + 2));
            }
        }
        out.trim_end().to_string()
    };
    let names: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let mut out = vec![line(
        names.iter().map(|c| palette.header(c)).collect(),
        &names,
    )];
    for row in &cells {
        out.push(line(row.clone(), row));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::Map;

    fn map(pairs: &[(&str, Dynamic)]) -> Dynamic {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert((*k).into(), v.clone());
        }
        Dynamic::from_map(m)
    }

    #[test]
    fn a_flat_map_is_an_aligned_table() {
        let value = map(&[
            ("verdict", Dynamic::from("ok")),
            ("exit_code", Dynamic::from(0_i64)),
            ("job", Dynamic::UNIT),
        ]);
        assert_eq!(
            render(&value, Palette::PLAIN).unwrap(),
            "exit_code  0\njob        ()\nverdict    ok"
        );
    }

    #[test]
    fn a_list_of_maps_is_a_table_with_a_header() {
        let rows = Dynamic::from_array(vec![
            map(&[
                ("name", Dynamic::from("exp_01.dmp")),
                ("bytes", Dynamic::from(1024_i64)),
            ]),
            map(&[
                ("name", Dynamic::from("exp_02.dmp")),
                ("bytes", Dynamic::from(5_i64)),
            ]),
        ]);
        assert_eq!(
            render(&rows, Palette::PLAIN).unwrap(),
            "bytes  name\n1024   exp_01.dmp\n5      exp_02.dmp"
        );
    }

    #[test]
    fn colour_does_not_break_alignment() {
        let value = map(&[
            ("a", Dynamic::from(1_i64)),
            ("long_key", Dynamic::from(2_i64)),
        ]);
        let text = render(&value, Palette::COLOUR).unwrap();
        assert!(text.contains("\x1b[36ma\x1b[0m         1"), "{text:?}");
    }

    #[test]
    fn chinese_cells_are_padded_by_display_width() {
        let rows = Dynamic::from_array(vec![
            map(&[
                ("name", Dynamic::from("表空间")),
                ("z", Dynamic::from(1_i64)),
            ]),
            map(&[
                ("name", Dynamic::from("USERS")),
                ("z", Dynamic::from(2_i64)),
            ]),
        ]);
        let text = render(&rows, Palette::PLAIN).unwrap();
        // 表空间 takes six columns: the second column starts at the same column on every line.
        assert_eq!(text, "name    z\n表空间  1\nUSERS   2", "{text}");
    }

    #[test]
    fn deep_values_are_indented_json() {
        let numbers: Vec<Dynamic> = (0..30).map(|i| Dynamic::from(i as i64)).collect();
        let value = map(&[("numbers", Dynamic::from_array(numbers))]);
        let text = render(&value, Palette::PLAIN).unwrap();
        assert!(text.starts_with("{\n  \"numbers\": [\n    0,"), "{text}");
    }

    #[test]
    fn a_map_too_long_for_a_screen_summarizes_its_nested_values() {
        let tables: Vec<Dynamic> = (0..500)
            .map(|i| map(&[("name", Dynamic::from(format!("BIZAGI.T{i}")))]))
            .collect();
        let value = map(&[
            ("exit_code", Dynamic::from(0_i64)),
            ("tables", Dynamic::from_array(tables)),
        ]);
        let text = render(&value, Palette::PLAIN).unwrap();
        assert_eq!(text, "exit_code  0\ntables     [500 items]");
    }

    #[test]
    fn a_log_report_prints_as_its_summary() {
        let report = crate::oracle::log::parse_bytes(
            b"Job \"SYSTEM\".\"SYS_EXPORT_SCHEMA_01\" successfully completed at Tue Nov 24 01:03:04 2026 elapsed 0 00:01:01\n",
            &crate::oracle::log::Policy::default(),
        );
        let value = rhai::serde::to_dynamic(&report).unwrap();
        let text = render(&value, Palette::PLAIN).unwrap();
        let verdict = report.verdict.as_str().to_uppercase();
        assert!(text.starts_with(&verdict), "{text}");
        assert!(text.contains("success"), "{text}");
        // Nested in an expdp result, it is one line of the table.
        let result = map(&[("exit_code", Dynamic::from(0_i64)), ("report", value)]);
        let text = render(&result, Palette::PLAIN).unwrap();
        assert!(
            text.contains(&format!("report     {}: success", report.verdict.as_str())),
            "{text}"
        );
    }

    #[test]
    fn secrets_show_as_a_mask_with_their_origin() {
        let secret = Dynamic::from(Secret::new("Tiger#42", "env:BIZSCRIPT_PASSWORD"));
        let text = render(&secret, Palette::PLAIN).unwrap();
        assert_eq!(text, "*** (Secret from env:BIZSCRIPT_PASSWORD)");
        let nested = map(&[("password", secret)]);
        let text = render(&nested, Palette::PLAIN).unwrap();
        assert_eq!(text, "password  ***");
        assert!(!text.contains("Tiger"));
    }

    #[test]
    fn scalars_and_unit() {
        assert_eq!(render(&Dynamic::UNIT, Palette::PLAIN), None);
        assert_eq!(
            render(&Dynamic::from(42_i64), Palette::PLAIN).unwrap(),
            "42"
        );
        assert_eq!(
            render(&Dynamic::from("BIZAGI"), Palette::PLAIN).unwrap(),
            "\"BIZAGI\""
        );
        let list = Dynamic::from_array(vec![Dynamic::from(1_i64), Dynamic::from("a")]);
        assert_eq!(render(&list, Palette::PLAIN).unwrap(), "[1,\"a\"]");
    }
}
