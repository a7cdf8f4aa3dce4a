//! Script errors rendered like a compiler's: `file:line:col`, the source line, a caret under the
//! column (tab-aware), the call stack through functions and modules, and a hint where one is
//! known. Rendering is miette's; this module only turns Rhai's error chain into diagnostics.

use crate::host::sources::SourceMap;
use crate::primitives::errors;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode,
};
use rhai::{EvalAltResult, ParseError, Position};
use std::fmt;

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unicode box drawing and colours, for terminals.
    Fancy,
    /// Plain ASCII (`^` carets), for logs, pipes and tests.
    Plain,
}

impl Style {
    /// Fancy when colour is on for stderr (the one decision: `--color`, NO_COLOR,
    /// CLICOLOR_FORCE, a terminal), plain otherwise.
    pub fn for_stderr() -> Self {
        if crate::primitives::console::color() {
            Style::Fancy
        } else {
            Style::Plain
        }
    }
}

/// One diagnostic: a message with an optional snippet, code, hint and call-stack frames.
#[derive(Debug)]
pub struct ScriptDiagnostic {
    message: String,
    code: Option<String>,
    help: Option<String>,
    severity: Severity,
    source: Option<NamedSource<String>>,
    span: Option<(usize, usize)>,
    label: String,
    frames: Vec<ScriptDiagnostic>,
    /// `file:line:col` of the error, for one-line summaries.
    pub location: Option<String>,
}

impl fmt::Display for ScriptDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScriptDiagnostic {}

impl Diagnostic for ScriptDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c.clone()) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (offset, len) = self.span?;
        // An unlabelled span draws plain carets (`^^^`) under the token.
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label, offset, len,
        ))))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.frames.is_empty() {
            None
        } else {
            Some(Box::new(self.frames.iter().map(|f| f as &dyn Diagnostic)))
        }
    }
}

impl ScriptDiagnostic {
    /// Renders the diagnostic as text.
    pub fn render(&self, style: Style) -> String {
        let theme = match style {
            Style::Fancy => GraphicalTheme::unicode(),
            Style::Plain => GraphicalTheme::none(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .tab_width(4)
            .with_width(100);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = self.message.clone();
        }
        out
    }

    /// The stable error code, when the error has one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The message without snippet.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint (what to do), when the error has one.
    /// Where in a user's own script the error stands or surfaced (`file:line:col`): the error's
    /// own place, else the innermost call in a user's file; never a shipped module's (`<...>`).
    pub fn user_location(&self) -> Option<&str> {
        std::iter::once(self)
            .chain(self.frames.iter())
            .filter_map(|d| d.location.as_deref())
            .find(|l| !l.starts_with('<'))
    }

    pub fn hint(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

/// Byte offset of a Rhai position (1-based line, 1-based character column) in `text`.
fn offset_of(text: &str, position: Position) -> Option<usize> {
    let line = position.line()?;
    let column = position.position().unwrap_or(1).max(1);
    let mut offset = 0;
    for (index, line_text) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let within = line_text
                .char_indices()
                .nth(column - 1)
                .map(|(i, _)| i)
                .unwrap_or_else(|| line_text.trim_end_matches(['\n', '\r']).len());
            return Some(offset + within);
        }
        offset += line_text.len();
    }
    Some(text.len())
}

/// The length of the token at `offset` (a word, or one character), so the underline fits it.
fn token_len(text: &str, offset: usize) -> usize {
    let rest = &text[offset.min(text.len())..];
    let word = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    if word > 0 {
        word
    } else {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

/// A snippet source, the span in it, and `file:line:col`.
type Located = (
    Option<NamedSource<String>>,
    Option<(usize, usize)>,
    Option<String>,
);

fn located(sources: &SourceMap, source_id: &str, position: Position) -> Located {
    if position.is_none() {
        return (None, None, None);
    }
    let location = format!(
        "{}:{}:{}",
        display_name(source_id),
        position.line().unwrap_or(0),
        position.position().unwrap_or(0)
    );
    match sources.get(source_id) {
        Some(text) => {
            let offset = offset_of(&text, position).unwrap_or(0);
            let len = token_len(&text, offset);
            (
                Some(NamedSource::new(display_name(source_id), text.to_string())),
                Some((offset, len)),
                Some(location),
            )
        }
        None => (None, None, Some(location)),
    }
}

/// How a source id is shown: embedded modules by their module name.
fn display_name(source_id: &str) -> String {
    source_id.to_string()
}

/// A diagnostic for a syntax error.
pub fn parse_error(err: &ParseError, source_id: &str, sources: &SourceMap) -> ScriptDiagnostic {
    let (source, span, location) = located(sources, source_id, err.position());
    let message = format!("syntax error: {}", err.err_type());
    ScriptDiagnostic {
        help: parse_hint(err),
        message,
        code: Some("BZ-SYNTAX".into()),
        severity: Severity::Error,
        source,
        span,
        label: String::new(),
        frames: Vec::new(),
        location,
    }
}

fn parse_hint(err: &ParseError) -> Option<String> {
    use rhai::ParseErrorType as P;
    match err.err_type() {
        P::VariableUndefined(name) => Some(format!(
            "`{name}` is not defined: declare it with `let {name} = ...;`, or read a parameter as `params.{name}`"
        )),
        P::MissingToken(token, _) => Some(format!("add the missing `{token}`")),
        _ => None,
    }
}

/// A diagnostic for a runtime error, with the call stack as related frames.
///
/// `main_id` is the source id of the script that was run; `known_functions` feeds the
/// "did you mean" hint of an unknown function.
pub fn eval_error(
    err: &EvalAltResult,
    main_id: &str,
    sources: &SourceMap,
    known_functions: &[String],
) -> ScriptDiagnostic {
    // Walk the chain outside-in. Each wrapper's position is in the caller's source; the callee's
    // source (where the inner positions live) is named by the wrapper.
    let mut frames = Vec::new();
    let mut current = err;
    let mut source_id = main_id.to_string();
    loop {
        match current {
            EvalAltResult::ErrorInFunctionCall(name, callee_source, inner, pos) => {
                frames.push(frame(
                    format!("in call to function `{name}`"),
                    sources,
                    &source_id,
                    *pos,
                ));
                if !callee_source.is_empty() {
                    source_id = callee_source.clone();
                }
                current = inner;
            }
            EvalAltResult::ErrorInModule(module, inner, pos) => {
                frames.push(frame(
                    format!("in module `{module}`"),
                    sources,
                    &source_id,
                    *pos,
                ));
                source_id = module_source_id(module);
                current = inner;
            }
            _ => break,
        }
    }
    // The innermost error: its message without Rhai's "(line x, position y)" suffix.
    let position = current.position();
    let (code, message, help) = describe(current, known_functions);
    let (source, span, location) = located(sources, &source_id, position);
    frames.reverse();
    ScriptDiagnostic {
        message,
        code,
        help,
        severity: Severity::Error,
        source,
        span,
        label: String::new(),
        frames,
        location,
    }
}

/// One call-stack frame: where, in the caller's source, the failing call or import stands.
fn frame(message: String, sources: &SourceMap, source_id: &str, pos: Position) -> ScriptDiagnostic {
    let (source, span, location) = located(sources, source_id, pos);
    ScriptDiagnostic {
        message,
        code: None,
        help: None,
        severity: Severity::Advice,
        source,
        span,
        label: String::new(),
        frames: Vec::new(),
        location,
    }
}

/// Embedded modules are imported by name but known to the source map by their stdlib id.
fn module_source_id(module: &str) -> String {
    if crate::host::sources::stdlib_module(module).is_some() {
        crate::host::sources::stdlib_id(module)
    } else {
        module.to_string()
    }
}

fn describe(
    err: &EvalAltResult,
    known_functions: &[String],
) -> (Option<String>, String, Option<String>) {
    match err {
        EvalAltResult::ErrorRuntime(payload, _) => {
            if let Some((code, message, hint)) = errors::parts(payload) {
                return (Some(code), message, hint);
            }
            let text = if payload.is_string() {
                payload.clone().into_string().unwrap_or_default()
            } else {
                payload.to_string()
            };
            (Some("BZ-THROW".into()), text, None)
        }
        EvalAltResult::ErrorFunctionNotFound(signature, _) => {
            let name = signature.split(['(', ' ']).next().unwrap_or(signature);
            let hint = crate::primitives::options::nearest(
                name,
                &known_functions
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            )
            .map(|n| format!("did you mean `{n}`? (`bizscript doc` lists the primitives)"))
            .or_else(|| Some("`bizscript doc` lists the primitives and their signatures".into()));
            (
                Some("BZ-UNKNOWN-FUNCTION".into()),
                format!("function not found: {signature}"),
                hint,
            )
        }
        EvalAltResult::ErrorTerminated(..) => {
            (Some("BZ-INTERRUPTED".into()), "interrupted".into(), None)
        }
        other => {
            // Rhai appends " (line x, position y)"; the snippet shows where, so drop it.
            let full = other.to_string();
            let suffix = format!(" ({})", other.position());
            let text = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            (Some("BZ-SCRIPT".into()), text, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "let a = 1;\n\tlet é = x;\n";
        // Column 6 of line 2 is `é`: the tab and `let ` count one column per character.
        let off = offset_of(text, Position::new(2, 6)).unwrap();
        assert!(text[off..].starts_with("é = x"));
        let off = offset_of(text, Position::new(2, 2)).unwrap();
        assert!(text[off..].starts_with("let"));
    }
}
