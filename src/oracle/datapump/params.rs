//! The table-driven parameter machinery Data Pump export and import share (docs/oracle.md §1.3-1.6).
//!
//! A [`Table`] lists the parameters one client accepts, each with the [`Kind`] of value it
//! takes, and the parameters Oracle knows but a script may not set. [`ParameterSet::parse`]
//! turns a script's map into validated [`Value`]s in the table's order, so that a typo or an
//! ill-typed value is refused *before* a parameter file is written or a job started. Every
//! parameter keeps its Oracle name (lower case, as scripts write map keys).
//!
//! Values are checked for what would break the parameter file (newlines, a `#` outside quotes
//! that would start a comment, unbalanced quotes, a trailing `\` that would continue the line),
//! so [`crate::oracle::datapump::parfile`] can render them without second-guessing. The
//! consistency rules between parameters are each client's own ([`super::export`]).

use crate::oracle::datapump_values::{clause, file_name, object_name, parse_size, table_name};
use crate::suggest::nearest_lowercase as nearest;
use std::collections::BTreeMap;
use std::fmt;

/// A value as a script gave it, before validation (the primitive converts Rhai values to this).
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A string.
    Text(String),
    /// An integer.
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
    /// An array.
    List(Vec<OptionValue>),
    /// `()`: "do not set this parameter" (switches a bizscript default off).
    Unset,
    /// Anything else (a float, a map...), named for the error message.
    Other(&'static str),
}

impl OptionValue {
    fn type_name(&self) -> &'static str {
        match self {
            Self::Text(_) => "a string",
            Self::Int(_) => "an integer",
            Self::Bool(_) => "a boolean",
            Self::List(_) => "an array",
            Self::Unset => "()",
            Self::Other(name) => name,
        }
    }
}

/// What kind of value a parameter takes.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `YES` / `NO`; scripts may write `true` / `false`.
    YesNo,
    /// One keyword out of a fixed list.
    Choice(&'static [&'static str]),
    /// An integer not below `min`.
    Integer { min: i64 },
    /// `integer[B|KB|MB|GB|TB]`, or an integer number of bytes.
    Size,
    /// One object name (directory object, job, database link): upper-cased unless quoted.
    Name,
    /// A list of object names (schemas, tablespaces), written comma-separated on one line.
    Names,
    /// A list of `[schema.]table[:partition]` names, `%` wildcards allowed.
    Tables,
    /// `[directory:]file_name`, one or several; no path (the server decides where files go).
    Files,
    /// `[directory:]file_name`, exactly one.
    File,
    /// `COMPATIBLE`, `LATEST` or a release number such as `12.2`.
    Version,
    /// Free text with Oracle's own quoting (a flashback expression, a filter), one value.
    Clause,
    /// Free text, repeatable: each value on its own line (`include`, `exclude`, `query`...).
    Clauses,
    /// `source:target` pairs of object names (REMAP_SCHEMA, REMAP_TABLESPACE), each on its own
    /// line.
    Remaps,
}

impl Kind {
    pub fn expected(self) -> &'static str {
        match self {
            Kind::YesNo => "true/false or \"yes\"/\"no\"",
            Kind::Choice(_) => "one of the listed keywords (a string)",
            Kind::Integer { .. } => "an integer",
            Kind::Size => "a size such as \"2GB\" or a number of bytes",
            Kind::Name | Kind::Version | Kind::Clause | Kind::File => "a string",
            Kind::Names | Kind::Tables | Kind::Files | Kind::Clauses | Kind::Remaps => {
                "a string or an array of strings"
            }
        }
    }
}

/// One parameter: its name and the kind of value it takes.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub kind: Kind,
}

/// A parameter of kind `kind` named `name`, for the tables.
pub const fn spec(name: &'static str, kind: Kind) -> Spec {
    Spec { name, kind }
}

/// The parameters one Data Pump client accepts from a script.
pub struct Table {
    /// What the client does, for messages and the parameter file's header ("export").
    pub operation: &'static str,
    /// The primitive whose documentation describes the parameters ("expdp").
    pub primitive: &'static str,
    /// Every parameter a script may set, in the order a parameter file lists them.
    pub specs: &'static [Spec],
    /// Parameters Oracle knows but a script may not set, and why.
    pub refused: &'static [(&'static str, &'static str)],
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.operation == other.operation
    }
}

impl Eq for Table {}

impl Table {
    /// The valid parameter names, for did-you-mean and help texts.
    pub fn parameter_names(&self) -> Vec<&'static str> {
        self.specs.iter().map(|s| s.name).collect()
    }

    /// Why a parameter Oracle knows may not be set by a script, if it is one of those.
    pub fn refusal(&self, name: &str) -> Option<&'static str> {
        let lower = name.to_ascii_lowercase();
        self.refused
            .iter()
            .find(|(refused, _)| *refused == lower)
            .map(|(_, reason)| *reason)
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.specs.iter().position(|s| s.name == name)
    }

    fn lookup(&'static self, key: &str) -> Result<(usize, &'static Spec), ParameterError> {
        if let Some(found) = self.specs.iter().enumerate().find(|(_, s)| s.name == key) {
            return Ok(found);
        }
        let lower = key.to_ascii_lowercase();
        if let Some(reason) = self.refusal(key) {
            return Err(ParameterError::Refused {
                name: key.to_string(),
                reason,
            });
        }
        let suggestion = if self.specs.iter().any(|s| s.name == lower) {
            // `SCHEMAS`: the right name in the wrong case; map keys are lower case.
            self.specs.iter().map(|s| s.name).find(|n| *n == lower)
        } else {
            nearest(&lower, self.specs.iter().map(|s| s.name))
        };
        Err(ParameterError::Unknown {
            table: self,
            name: key.to_string(),
            suggestion,
        })
    }
}

/// Oracle's limit on one parameter's value list (UDE-00019 beyond it).
const MAX_LIST_CHARS: usize = 4000;

/// A validated parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// One value, written `name=value`.
    One(String),
    /// Several values of one parameter, written comma-separated on one line.
    List(Vec<String>),
    /// Several occurrences of the parameter, each on its own line (`exclude=...` twice).
    EachOnItsOwnLine(Vec<String>),
}

/// Why a script's parameters were refused. Each error names the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParameterError {
    #[error("unknown {} parameter `{name}`", .table.operation)]
    Unknown {
        table: &'static Table,
        name: String,
        suggestion: Option<&'static str>,
    },
    #[error("`{name}` cannot be set in the options: {reason}")]
    Refused { name: String, reason: &'static str },
    #[error("`{name}` expects {expected}, got {got}")]
    WrongType {
        name: &'static str,
        expected: &'static str,
        got: &'static str,
        primitive: &'static str,
    },
    #[error("`{name}`: {problem}")]
    BadValue {
        name: &'static str,
        problem: String,
        suggestion: Option<String>,
    },
    #[error("`{first}` and `{second}` cannot be used together: {why}")]
    Conflict {
        first: &'static str,
        second: &'static str,
        why: &'static str,
    },
    #[error("`{name}` is required: {why}")]
    Missing {
        name: &'static str,
        why: &'static str,
    },
}

impl ParameterError {
    /// What to do about it: the nearest valid name or value, or the rule to follow.
    pub fn hint(&self) -> String {
        match self {
            Self::Unknown {
                suggestion: Some(near),
                ..
            } => format!("did you mean `{near}`?"),
            Self::Unknown { table, .. } => {
                format!("valid parameters: {}", table.parameter_names().join(", "))
            }
            Self::Refused { .. } => String::new(),
            Self::WrongType {
                name, primitive, ..
            } => format!("see `bizscript doc {primitive}` for `{name}`"),
            Self::BadValue {
                suggestion: Some(s),
                ..
            } => s.clone(),
            Self::BadValue { .. } => String::new(),
            Self::Conflict { .. } => "remove one of them".to_string(),
            Self::Missing { name, .. } => format!("add `{name}` to the options"),
        }
    }
}

/// A validated set of parameters of one table, in the table's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterSet {
    table: &'static Table,
    /// Keyed by position in the table, so the parameter file has a stable, readable order.
    values: BTreeMap<usize, Value>,
}

impl ParameterSet {
    /// Validates a script's parameters against `table`. Returns the set and the names whose
    /// value was `()` ("do not set this parameter"), for the caller's defaults.
    pub fn parse<I, K>(
        table: &'static Table,
        options: I,
    ) -> Result<(Self, Vec<&'static str>), ParameterError>
    where
        I: IntoIterator<Item = (K, OptionValue)>,
        K: AsRef<str>,
    {
        let mut values = BTreeMap::new();
        let mut unset = Vec::new();
        for (key, value) in options {
            let key = key.as_ref();
            let (index, spec) = table.lookup(key)?;
            if value == OptionValue::Unset {
                unset.push(spec.name);
                continue;
            }
            values.insert(index, convert(table, spec, value)?);
        }
        Ok((Self { table, values }, unset))
    }

    /// The table the set was validated against.
    pub fn table(&self) -> &'static Table {
        self.table
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(&self.table.position(name)?)
    }

    /// Sets `name` (a parameter of the table; any other name is ignored) to an already valid value.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Some(index) = self.table.position(name) {
            self.values.insert(index, value);
        }
    }

    /// True when `name` holds the single value `expected`.
    pub fn value_is(&self, name: &str, expected: &str) -> bool {
        matches!(self.get(name), Some(Value::One(v)) if v == expected)
    }

    /// True when `name` is a yes/no parameter set to yes.
    pub fn is_yes(&self, name: &str) -> bool {
        self.value_is(name, "YES")
    }

    /// The single value of `name`, if it holds one.
    pub fn one(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::One(value)) => Some(value),
            _ => None,
        }
    }

    /// The list value of `name` (empty when unset).
    pub fn list(&self, name: &str) -> &[String] {
        match self.get(name) {
            Some(Value::List(items)) => items,
            _ => &[],
        }
    }

    /// Every parameter set, in parameter-file order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.values
            .iter()
            .filter_map(|(index, value)| self.table.specs.get(*index).map(|s| (s.name, value)))
    }
}

fn convert(table: &Table, spec: &Spec, value: OptionValue) -> Result<Value, ParameterError> {
    let name = spec.name;
    let wrong = |value: &OptionValue| ParameterError::WrongType {
        name,
        expected: spec.kind.expected(),
        got: value.type_name(),
        primitive: table.primitive,
    };
    let bad = |problem: String| ParameterError::BadValue {
        name,
        problem,
        suggestion: None,
    };
    match spec.kind {
        Kind::YesNo => match &value {
            OptionValue::Bool(b) => Ok(Value::One(if *b { "YES" } else { "NO" }.to_string())),
            OptionValue::Text(t) => match t.trim().to_ascii_uppercase().as_str() {
                "YES" | "Y" => Ok(Value::One("YES".to_string())),
                "NO" | "N" => Ok(Value::One("NO".to_string())),
                _ => Err(bad(format!("`{t}` is not yes or no"))),
            },
            other => Err(wrong(other)),
        },
        Kind::Choice(choices) => match &value {
            OptionValue::Text(t) => {
                let upper = t.trim().to_ascii_uppercase();
                if choices.contains(&upper.as_str()) {
                    Ok(Value::One(upper))
                } else {
                    let near = nearest(&upper.to_ascii_lowercase(), choices.iter().copied());
                    Err(ParameterError::BadValue {
                        name,
                        problem: format!("`{t}` is not one of {}", choices.join(", ")),
                        suggestion: near.map(|n| format!("did you mean \"{}\"?", n.to_lowercase())),
                    })
                }
            }
            other => Err(wrong(other)),
        },
        Kind::Integer { min } => match &value {
            OptionValue::Int(i) if *i >= min => Ok(Value::One(i.to_string())),
            OptionValue::Int(i) => Err(bad(format!("{i} is below the minimum {min}"))),
            other => Err(wrong(other)),
        },
        Kind::Size => match &value {
            OptionValue::Int(i) if *i >= 0 => Ok(Value::One(i.to_string())),
            OptionValue::Int(i) => Err(bad(format!("{i} is negative"))),
            OptionValue::Text(t) => {
                parse_size(t)
                    .map(Value::One)
                    .ok_or_else(|| ParameterError::BadValue {
                        name,
                        problem: format!("`{t}` is not a size"),
                        suggestion: Some(
                            "write an integer with B, KB, MB, GB or TB, e.g. \"2GB\"".to_string(),
                        ),
                    })
            }
            other => Err(wrong(other)),
        },
        Kind::Name => match &value {
            OptionValue::Text(t) => object_name(t, false).map(Value::One).map_err(bad),
            other => Err(wrong(other)),
        },
        Kind::Names | Kind::Tables => {
            let tables = matches!(spec.kind, Kind::Tables);
            let items = texts(value, &wrong)?;
            let names = items
                .iter()
                .map(|t| {
                    if tables {
                        table_name(t)
                    } else {
                        object_name(t, false)
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            check_list(table, name, &names)?;
            Ok(Value::List(names))
        }
        Kind::Files => {
            let items = texts(value, &wrong)?;
            let files = items
                .iter()
                .map(|t| file_name(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            check_list(table, name, &files)?;
            Ok(Value::List(files))
        }
        Kind::File => match &value {
            OptionValue::Text(t) => file_name(t).map(Value::One).map_err(bad),
            other => Err(wrong(other)),
        },
        Kind::Version => match &value {
            OptionValue::Text(t) => {
                let upper = t.trim().to_ascii_uppercase();
                let release = !upper.is_empty()
                    && upper.split('.').count() <= 5
                    && upper
                        .split('.')
                        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
                if upper == "COMPATIBLE" || upper == "LATEST" || release {
                    Ok(Value::One(upper))
                } else {
                    Err(bad(format!(
                        "`{t}` is not COMPATIBLE, LATEST or a release such as 12.2"
                    )))
                }
            }
            other => Err(wrong(other)),
        },
        Kind::Clause => match &value {
            OptionValue::Text(t) => clause(t).map(Value::One).map_err(bad),
            other => Err(wrong(other)),
        },
        Kind::Remaps => {
            let items = texts(value, &wrong)?;
            let pairs = items
                .iter()
                .map(|t| remap(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            Ok(Value::EachOnItsOwnLine(pairs))
        }
        Kind::Clauses => {
            let items = texts(value, &wrong)?;
            let clauses = items
                .iter()
                .map(|t| clause(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            Ok(Value::EachOnItsOwnLine(clauses))
        }
    }
}

/// `source:target`, both object names (upper-cased unless quoted); the colon that separates
/// them is the first one outside double quotes.
fn remap(text: &str) -> Result<String, String> {
    let mut quoted = false;
    let colon = text.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        ':' if !quoted => Some(i),
        _ => None,
    });
    let Some(colon) = colon else {
        return Err(format!("`{text}` is not source:target"));
    };
    let source = object_name(&text[..colon], false)?;
    let target = object_name(&text[colon + 1..], false)?;
    Ok(format!("{source}:{target}"))
}

/// A string, or an array of strings (never empty).
fn texts(
    value: OptionValue,
    wrong: &dyn Fn(&OptionValue) -> ParameterError,
) -> Result<Vec<String>, ParameterError> {
    match value {
        OptionValue::Text(t) => Ok(vec![t]),
        OptionValue::List(items) if !items.is_empty() => items
            .into_iter()
            .map(|item| match item {
                OptionValue::Text(t) => Ok(t),
                other => Err(wrong(&other)),
            })
            .collect(),
        other => Err(wrong(&other)),
    }
}

fn check_list(table: &Table, name: &'static str, items: &[String]) -> Result<(), ParameterError> {
    let length = items.iter().map(|i| i.len() + 1).sum::<usize>();
    if length > MAX_LIST_CHARS {
        return Err(ParameterError::BadValue {
            name,
            problem: format!(
                "the list is {length} characters long; Oracle refuses more than {MAX_LIST_CHARS} (UDE-00019)"
            ),
            suggestion: Some(format!(
                "split the {}, or use include/exclude filters",
                table.operation
            )),
        });
    }
    Ok(())
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::One(v) => f.write_str(v),
            Value::List(items) | Value::EachOnItsOwnLine(items) => f.write_str(&items.join(",")),
        }
    }
}
