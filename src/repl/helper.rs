//! The line editor's helper: completion, signature hints, colours and multi-line validation, all
//! read from the session's [`Vocabulary`] snapshot.

use super::completion::{self, Candidate, Completion};
use super::validator::{completeness, Completeness};
use super::vocabulary::Vocabulary;
use rhai::{Engine, Scope};
use rustyline::completion::{Completer, FilenameCompleter};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::sync::{Arc, RwLock};

/// The helper given to rustyline.
#[derive(Helper)]
pub struct ReplHelper {
    engine: Arc<RwLock<Engine>>,
    vocabulary: Arc<RwLock<Vocabulary>>,
    files: FilenameCompleter,
    colour: bool,
}

impl ReplHelper {
    /// A helper reading names from `vocabulary` and parsing with `engine`.
    pub fn new(
        engine: Arc<RwLock<Engine>>,
        vocabulary: Arc<RwLock<Vocabulary>>,
        colour: bool,
    ) -> Self {
        Self {
            engine,
            vocabulary,
            files: FilenameCompleter::new(),
            colour,
        }
    }

    fn with_vocabulary<T>(&self, read: impl FnOnce(&Vocabulary) -> T) -> Option<T> {
        self.vocabulary.read().ok().map(|v| read(&v))
    }
}

impl Completer for ReplHelper {
    type Candidate = Candidate;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Candidate>)> {
        let completion = self
            .with_vocabulary(|v| completion::complete(v, line, pos))
            .unwrap_or(Completion::Words {
                start: pos,
                candidates: Vec::new(),
            });
        match completion {
            Completion::Words { start, candidates } => Ok((start, candidates)),
            Completion::FileName => {
                let (start, pairs) = self.files.complete(line, pos, ctx)?;
                Ok((
                    start,
                    pairs
                        .into_iter()
                        .map(|p| Candidate {
                            display: p.display,
                            replacement: p.replacement,
                        })
                        .collect(),
                ))
            }
        }
    }
}

/// A signature shown after the cursor; never inserted (right-arrow does not accept it).
pub struct SignatureHint(String);

impl Hint for SignatureHint {
    fn display(&self) -> &str {
        &self.0
    }
    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Hinter for ReplHelper {
    type Hint = SignatureHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<SignatureHint> {
        // Only at the end of the line: a hint in the middle would hide what follows.
        if pos < line.len() || line.trim_start().starts_with(':') {
            return None;
        }
        let signature = self
            .with_vocabulary(|v| completion::signature_hint(v, line))
            .flatten()?;
        Some(SignatureHint(format!("   {signature}")))
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            let dim = anstyle::Style::new().dimmed();
            Cow::Owned(format!("{dim}{hint}{dim:#}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if !self.colour {
            return Cow::Borrowed(prompt);
        }
        // Dry-run prompts in yellow, so nobody mistakes a rehearsal for the real thing.
        let colour = if prompt.contains("dry-run") {
            anstyle::AnsiColor::Yellow
        } else {
            anstyle::AnsiColor::Green
        };
        let style = colour.on_default().bold();
        Cow::Owned(format!("{style}{prompt}{style:#}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let mut scope = Scope::new();
        if let Some(names) = self.with_vocabulary(|v| v.variables.clone()) {
            for name in names {
                scope.push_dynamic(name, rhai::Dynamic::UNIT);
            }
        }
        let engine = self
            .engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(match completeness(&engine, &scope, ctx.input()) {
            Completeness::Complete => ValidationResult::Valid(None),
            Completeness::Incomplete => ValidationResult::Incomplete,
        })
    }
}
