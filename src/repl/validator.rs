//! Multi-line input: is what the DBA typed a whole Rhai input yet?
//!
//! Rhai's own parser decides, so the REPL never disagrees with the engine about where an input
//! ends. Rhai does not report "unexpected end of input" for unfinished text; it reports the token
//! it was still waiting for (`MissingToken("}")` for `if x {`, `MissingToken(";")` inside an
//! unfinished function body) at the end of the buffer, or `UnterminatedString` for an open
//! string (docs/host.md, REPL input). So: an error positioned after the last thing
//! typed means "keep reading"; an error anywhere else is a real mistake, which the evaluation
//! reports with a caret under the line.

use rhai::{Engine, LexError, ParseErrorType, Position, Scope};

/// Whether a buffer is ready to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Evaluate it (it compiles, or it holds a mistake the evaluation will show).
    Complete,
    /// An unfinished function, block, map, call or string: read another line.
    Incomplete,
}

/// Decides whether `text` is complete. `scope` names the session's variables, so strict
/// variables do not mistake a known name for an error.
pub fn completeness(engine: &Engine, scope: &Scope, text: &str) -> Completeness {
    let trimmed = text.trim_start();
    if trimmed.is_empty() || trimmed.starts_with(':') {
        // Blank lines and REPL commands are always one line.
        return Completeness::Complete;
    }
    let Err(err) = engine.compile_with_scope(scope, text) else {
        return Completeness::Complete;
    };
    let unterminated = matches!(
        err.err_type(),
        ParseErrorType::BadInput(LexError::UnterminatedString)
    );
    if unterminated {
        return if string_continues(err.position(), text) {
            Completeness::Incomplete
        } else {
            Completeness::Complete
        };
    }
    if is_past_end(err.position(), text) {
        Completeness::Incomplete
    } else {
        Completeness::Complete
    }
}

/// Whether an unterminated string (Rhai reports it at its opening quote) may go on over the next
/// line: a `` `...` `` string may hold newlines, a `"..."` string only after a `\` at the end of
/// the line. A `"` string broken by Enter can never be finished, so waiting for more would trap
/// the DBA; the evaluation shows the error instead.
fn string_continues(position: Position, text: &str) -> bool {
    let opening = position
        .line()
        .zip(position.position())
        .and_then(|(line, column)| {
            let line = text.lines().nth(line.checked_sub(1)?)?;
            line.chars().nth(column.checked_sub(1)?)
        });
    match opening {
        Some('`') => true,
        Some('"') => text.ends_with('\\'),
        _ => false,
    }
}

/// True when `position` lies after the last non-blank character of `text`: the parser ran out of
/// input while still expecting something.
fn is_past_end(position: Position, text: &str) -> bool {
    let (Some(line), Some(column)) = (position.line(), position.position()) else {
        return false;
    };
    let Some((last_line, last_column)) = last_significant(text) else {
        return true;
    };
    line > last_line || (line == last_line && column > last_column)
}

/// The 1-based line and character column of the last non-blank character.
fn last_significant(text: &str) -> Option<(usize, usize)> {
    let mut last = None;
    for (index, line) in text.lines().enumerate() {
        if let Some(column) = line
            .chars()
            .enumerate()
            .filter(|(_, c)| !c.is_whitespace())
            .map(|(i, _)| i + 1)
            .last()
        {
            last = Some((index + 1, column));
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::context::HostCtx;
    use crate::host::engine::{EngineBuilder, PrintTarget};
    use crate::host::sources::SourceMap;

    fn check(text: &str) -> Completeness {
        let engine = EngineBuilder::new(HostCtx::for_tests(), SourceMap::new())
            .print(PrintTarget::Discard)
            .build();
        let mut scope = Scope::new();
        scope.push("known", 1_i64);
        completeness(&engine, &scope, text)
    }

    #[test]
    fn unfinished_constructs_continue() {
        for text in [
            "if known > 0 {",
            "let a = [1,",
            "fn f(x) {\n  x + 1",
            "let s = `first line",
            "let s = `first\nsecond",
            "let s = \"first \\",
            "print(1",
            "let m = #{ a: 1,",
            "let x = 1 +",
            "fn f(x) {\n",
        ] {
            assert_eq!(check(text), Completeness::Incomplete, "{text:?}");
        }
    }

    #[test]
    fn whole_inputs_are_complete() {
        for text in [
            "1 + 2",
            "let a = [1, 2];",
            "fn f(x) {\n  x + 1\n}",
            "known * 2",
            "",
            ":help secret_env",
        ] {
            assert_eq!(check(text), Completeness::Complete, "{text:?}");
        }
    }

    #[test]
    fn mistakes_inside_the_text_are_complete_so_the_caret_shows_them() {
        // The evaluation reports these; waiting for more input would hide them.
        for text in [
            "let x = ;",
            "unknown_variable + 1",
            "1 +* 2",
            "let = 5;",
            // A "..." string cannot hold a newline, so it can never be finished.
            "let s = \"abc\ndef\";",
            "let s = \"abc",
        ] {
            assert_eq!(check(text), Completeness::Complete, "{text:?}");
        }
    }
}
