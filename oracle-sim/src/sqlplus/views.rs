//! The dictionary views the simulator answers, built from the database state, and the
//! evaluation of a SELECT over them.

use super::identity::{sys_context, SessionInfo};
use super::parser::{Cond, Expr, Select};
use crate::state::{Database, User};

/// What a query sees besides the database: the client's NLS_LANG and the session itself.
pub struct Env<'a> {
    pub client_nls: Option<&'a str>,
    pub session: &'a SessionInfo,
}

/// A value: Oracle's NULL, text or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Str(String),
    Num(f64),
}

impl Val {
    pub fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Str(s) => s.clone(),
            Val::Num(n) => fmt_num(*n),
        }
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A row: its columns in the view's order (so `SELECT *` lists them as Oracle does).
#[derive(Debug, Clone, Default)]
pub struct Row(Vec<(String, Val)>);

impl Row {
    fn get(&self, column: &str) -> Option<&Val> {
        self.0.iter().find(|(c, _)| c == column).map(|(_, v)| v)
    }
    fn columns(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(c, _)| c)
    }
}

fn s(v: impl Into<String>) -> Val {
    Val::Str(v.into())
}
fn n(v: u64) -> Val {
    Val::Num(v as f64)
}

/// Rows of a view as `user` sees it; ORA-00942 when it does not exist or the user may not see
/// it (the dba_* views need the DBA role or SELECT_CATALOG_ROLE).
pub fn rows(db: &Database, user: &User, view: &str, env: &Env) -> Result<Vec<Row>, String> {
    let missing = || "ORA-00942: table or view does not exist".to_string();
    // v$database and v$instance are not granted to PUBLIC: like the dba_* views they need
    // SELECT_CATALOG_ROLE (or DBA, SELECT ANY DICTIONARY).
    let dictionary_only =
        view.starts_with("DBA_") || matches!(view, "V$DATABASE" | "V$INSTANCE" | "V$PARAMETER");
    if dictionary_only && !user.can_see_dictionary() {
        return Err(missing());
    }
    let id = &env.session.identity;
    let row = |pairs: Vec<(&str, Val)>| -> Row {
        Row(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    };
    let banner = format!(
        "Oracle Database {}c Enterprise Edition Release {} - Production",
        Database::major(&db.version),
        db.version
    );
    let dir_row = |d: &crate::state::Directory| {
        row(vec![
            ("OWNER", s("SYS")),
            ("DIRECTORY_NAME", s(&d.name)),
            ("DIRECTORY_PATH", s(&d.path)),
            ("ORIGIN_CON_ID", n(0)),
        ])
    };
    let job_row = |j: &crate::state::Job| {
        let (state, attached) = j.effective_state();
        row(vec![
            ("OWNER_NAME", s(&j.owner)),
            ("JOB_NAME", s(&j.job_name)),
            ("OPERATION", s(&j.operation)),
            ("JOB_MODE", s(&j.job_mode)),
            ("STATE", s(state)),
            ("DEGREE", n(u64::from(j.degree))),
            ("ATTACHED_SESSIONS", n(u64::from(attached))),
            (
                "DATAPUMP_SESSIONS",
                n(if state == "EXECUTING" {
                    2 + u64::from(attached)
                } else {
                    0
                }),
            ),
        ])
    };
    let table_row = |t: &crate::state::Table| {
        row(vec![
            ("OWNER", s(&t.owner)),
            ("TABLE_NAME", s(&t.name)),
            ("TABLESPACE_NAME", s(&t.tablespace)),
            ("NUM_ROWS", n(t.rows)),
        ])
    };
    let user_row = |(i, u): (usize, &User)| {
        row(vec![
            ("USERNAME", s(&u.name)),
            ("USER_ID", n(i as u64)),
            ("ACCOUNT_STATUS", s(&u.account_status)),
            ("DEFAULT_TABLESPACE", s(&u.default_tablespace)),
            ("TEMPORARY_TABLESPACE", s("TEMP")),
            ("CREATED", s(&u.created)),
        ])
    };
    let (lang, territory) = nls_parts(env.client_nls);
    let out = match view {
        "DUAL" => vec![row(vec![("DUMMY", s("X"))])],
        "DBA_DIRECTORIES" => db.directories.iter().map(dir_row).collect(),
        "ALL_DIRECTORIES" => db
            .directories
            .iter()
            .filter(|d| db.can_use_directory(user, d))
            .map(dir_row)
            .collect(),
        "NLS_DATABASE_PARAMETERS" => [
            ("NLS_LANGUAGE", "AMERICAN".to_string()),
            ("NLS_TERRITORY", "AMERICA".to_string()),
            ("NLS_CHARACTERSET", db.charset.clone()),
            ("NLS_NCHAR_CHARACTERSET", db.ncharset.clone()),
            ("NLS_DATE_FORMAT", "DD-MON-RR".to_string()),
            ("NLS_LENGTH_SEMANTICS", "BYTE".to_string()),
            ("NLS_RDBMS_VERSION", db.version.clone()),
        ]
        .into_iter()
        .map(|(k, v)| row(vec![("PARAMETER", s(k)), ("VALUE", s(v))]))
        .collect(),
        "NLS_SESSION_PARAMETERS" => [
            ("NLS_LANGUAGE", lang),
            ("NLS_TERRITORY", territory),
            ("NLS_DATE_FORMAT", "DD-MON-RR".to_string()),
            ("NLS_LENGTH_SEMANTICS", "BYTE".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| row(vec![("PARAMETER", s(k)), ("VALUE", s(v))]))
        .collect(),
        "V$VERSION" => vec![row(vec![
            ("BANNER", s(&banner)),
            (
                "BANNER_FULL",
                s(format!("{banner}\nVersion {}", db.version_full)),
            ),
            ("BANNER_LEGACY", s(&banner)),
            ("CON_ID", n(0)),
        ])],
        "PRODUCT_COMPONENT_VERSION" => vec![row(vec![
            (
                "PRODUCT",
                s(format!(
                    "Oracle Database {}c Enterprise Edition ",
                    Database::major(&db.version)
                )),
            ),
            ("VERSION", s(&db.version)),
            ("VERSION_FULL", s(&db.version_full)),
            ("STATUS", s("Production")),
        ])],
        "V$DATABASE" => vec![row(vec![
            ("DBID", n(u64::from(id.dbid))),
            ("NAME", s(&id.db_name)),
            ("DB_UNIQUE_NAME", s(&id.db_unique_name)),
            ("DATABASE_ROLE", s("PRIMARY")),
            ("CDB", s("NO")),
            ("CON_ID", n(0)),
            ("OPEN_MODE", s("READ WRITE")),
            ("LOG_MODE", s("ARCHIVELOG")),
            ("PLATFORM_NAME", s("Linux x86 64-bit")),
            ("PLATFORM_ID", n(13)),
            (
                "CREATED",
                s(if db.created.is_empty() {
                    "01-JAN-24"
                } else {
                    &db.created
                }),
            ),
        ])],
        "V$PARAMETER" => vec![
            ("compatible", db.compatible()),
            ("db_name", id.db_name.clone()),
            ("db_block_size", "8192".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| row(vec![("NAME", s(k)), ("VALUE", s(v))]))
        .collect(),
        "DATABASE_PROPERTIES" => [
            ("NLS_CHARACTERSET", db.charset.clone()),
            ("NLS_NCHAR_CHARACTERSET", db.ncharset.clone()),
            ("NLS_RDBMS_VERSION", db.version.clone()),
            ("COMPATIBLE", db.compatible()),
            ("DEFAULT_PERMANENT_TABLESPACE", "USERS".to_string()),
            ("DEFAULT_TEMP_TABLESPACE", "TEMP".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| row(vec![("PROPERTY_NAME", s(k)), ("PROPERTY_VALUE", s(v))]))
        .collect(),
        "DBA_OBJECTS" | "ALL_OBJECTS" | "USER_OBJECTS" => db
            .tables
            .iter()
            .map(|t| (t.owner.as_str(), t.name.as_str(), "TABLE", "VALID"))
            .chain(db.objects.iter().map(|o| {
                (
                    o.owner.as_str(),
                    o.name.as_str(),
                    o.object_type.as_str(),
                    o.status.as_str(),
                )
            }))
            .filter(|(owner, _, _, _)| match view {
                "USER_OBJECTS" => *owner == user.name,
                "ALL_OBJECTS" => *owner == user.name || user.can_see_dictionary(),
                _ => true,
            })
            .map(|(owner, name, kind, status)| {
                row(vec![
                    ("OWNER", s(owner)),
                    ("OBJECT_NAME", s(name)),
                    ("OBJECT_TYPE", s(kind)),
                    ("STATUS", s(status)),
                ])
            })
            .collect(),
        "DBA_RESUMABLE" | "USER_RESUMABLE" => db
            .jobs
            .iter()
            .filter(|j| view == "DBA_RESUMABLE" || j.owner == user.name)
            .filter(|j| j.effective_state().0 == "EXECUTING")
            .filter_map(|j| j.resumable.as_ref().map(|r| (j, r)))
            .map(|(j, r)| {
                row(vec![
                    ("USER_ID", n(0)),
                    ("SESSION_ID", n(u64::from(j.client_pid.unwrap_or(0)))),
                    ("NAME", s(format!("{}.{}", j.owner, j.job_name))),
                    ("STATUS", s("SUSPENDED")),
                    ("TIMEOUT", n(7200)),
                    ("ERROR_NUMBER", n(1653)),
                    ("ERROR_MSG", s(r)),
                ])
            })
            .collect(),
        "V$INSTANCE" => vec![row(vec![
            ("INSTANCE_NUMBER", n(1)),
            ("INSTANCE_NAME", s(&id.instance_name)),
            ("HOST_NAME", s(&id.host_name)),
            ("VERSION", s(&db.version)),
            ("VERSION_FULL", s(&db.version_full)),
            ("STATUS", s("OPEN")),
        ])],
        "DBA_DATAPUMP_JOBS" => db.jobs.iter().map(job_row).collect(),
        "USER_DATAPUMP_JOBS" => db
            .jobs
            .iter()
            .filter(|j| j.owner == user.name)
            .map(job_row)
            .collect(),
        "DBA_USERS" | "ALL_USERS" => db.users.iter().enumerate().map(user_row).collect(),
        "DBA_TABLESPACES" | "USER_TABLESPACES" => db
            .tablespaces
            .iter()
            .map(|t| {
                row(vec![
                    ("TABLESPACE_NAME", s(&t.name)),
                    ("STATUS", s("ONLINE")),
                    ("CONTENTS", s(&t.contents)),
                    ("BLOCK_SIZE", n(8192)),
                ])
            })
            .collect(),
        "DBA_DATA_FILES" => db
            .tablespaces
            .iter()
            .filter(|t| t.contents != "TEMPORARY")
            .enumerate()
            .map(|(i, t)| {
                row(vec![
                    (
                        "FILE_NAME",
                        s(format!(
                            "/u01/app/oracle/oradata/ORCL/{}{:02}.dbf",
                            t.name.to_lowercase(),
                            i + 1
                        )),
                    ),
                    ("FILE_ID", n(i as u64 + 1)),
                    ("TABLESPACE_NAME", s(&t.name)),
                    ("BYTES", n(t.total_bytes)),
                    (
                        "AUTOEXTENSIBLE",
                        s(if t.autoextensible { "YES" } else { "NO" }),
                    ),
                    (
                        "MAXBYTES",
                        n(if t.autoextensible { 34_359_721_984 } else { 0 }),
                    ),
                ])
            })
            .collect(),
        "DBA_FREE_SPACE" => db
            .tablespaces
            .iter()
            .filter(|t| t.contents != "TEMPORARY")
            .map(|t| {
                row(vec![
                    ("TABLESPACE_NAME", s(&t.name)),
                    ("BYTES", n(t.free_bytes)),
                    ("BLOCKS", n(t.free_bytes / 8192)),
                ])
            })
            .collect(),
        "DBA_TABLES" => db.tables.iter().map(table_row).collect(),
        "ALL_TABLES" => db
            .tables
            .iter()
            .filter(|t| t.owner == user.name || user.can_see_dictionary())
            .map(table_row)
            .collect(),
        "USER_TABLES" => db
            .tables
            .iter()
            .filter(|t| t.owner == user.name)
            .map(table_row)
            .collect(),
        "DBA_SEGMENTS" => db
            .tables
            .iter()
            .map(|t| {
                row(vec![
                    ("OWNER", s(&t.owner)),
                    ("SEGMENT_NAME", s(&t.name)),
                    ("SEGMENT_TYPE", s("TABLE")),
                    ("TABLESPACE_NAME", s(&t.tablespace)),
                    ("BYTES", n(t.bytes.max(65536))),
                ])
            })
            .collect(),
        "DBA_TAB_PRIVS" | "USER_TAB_PRIVS" | "ALL_TAB_PRIVS" => db
            .directories
            .iter()
            .flat_map(|d| d.grants.iter().map(move |g| (d, g)))
            .filter(|(_, g)| view == "DBA_TAB_PRIVS" || g.grantee == user.name)
            .map(|(d, g)| {
                row(vec![
                    ("GRANTEE", s(&g.grantee)),
                    ("OWNER", s("SYS")),
                    ("TABLE_NAME", s(&d.name)),
                    ("GRANTOR", s("SYS")),
                    ("PRIVILEGE", s(&g.privilege)),
                    ("TYPE", s("DIRECTORY")),
                ])
            })
            .collect(),
        "SESSION_ROLES" => user
            .roles
            .iter()
            .map(|r| row(vec![("ROLE", s(r))]))
            .collect(),
        "SESSION_PRIVS" => user
            .privileges
            .iter()
            .map(|p| row(vec![("PRIVILEGE", s(p))]))
            .collect(),
        "DBA_ROLE_PRIVS" | "USER_ROLE_PRIVS" => db
            .users
            .iter()
            .filter(|u| view == "DBA_ROLE_PRIVS" || u.name == user.name)
            .flat_map(|u| {
                u.roles.iter().map(move |r| {
                    row(vec![
                        ("GRANTEE", s(&u.name)),
                        ("USERNAME", s(&u.name)),
                        ("GRANTED_ROLE", s(r)),
                    ])
                })
            })
            .collect(),
        "DBA_SYS_PRIVS" | "USER_SYS_PRIVS" => db
            .users
            .iter()
            .filter(|u| view == "DBA_SYS_PRIVS" || u.name == user.name)
            .flat_map(|u| {
                u.privileges.iter().map(move |p| {
                    row(vec![
                        ("GRANTEE", s(&u.name)),
                        ("USERNAME", s(&u.name)),
                        ("PRIVILEGE", s(p)),
                    ])
                })
            })
            .collect(),
        _ => return Err(missing()),
    };
    Ok(out)
}

/// The rows of an application table (`"OWNER"."TABLE"`, or a table of the user's own schema):
/// the simulator keeps counts, not data, so a table yields as many rows as it holds, without
/// columns: COUNT(*) (also inside TO_CHAR, NVL...) is right, and any column is ORA-00904.
/// `None` when `q` does not name an application table.
fn table_rows(db: &Database, user: &User, q: &Select) -> Option<Result<Vec<Row>, String>> {
    let owner = q.from_owner.clone().unwrap_or_else(|| user.name.clone());
    let table = db
        .tables
        .iter()
        .find(|t| t.owner == owner && t.name == q.from)?;
    if owner != user.name && !user.can_see_dictionary() {
        return Some(Err("ORA-00942: table or view does not exist".to_string()));
    }
    Some(Ok((0..table.rows).map(|_| Row::default()).collect()))
}

fn nls_parts(nls: Option<&str>) -> (String, String) {
    let v = nls.unwrap_or("AMERICAN_AMERICA.US7ASCII");
    let before_dot = v.rsplit_once('.').map(|(a, _)| a).unwrap_or(v);
    let (lang, terr) = before_dot
        .split_once('_')
        .unwrap_or((before_dot, "AMERICA"));
    let lang = if lang.is_empty() { "AMERICAN" } else { lang };
    (lang.to_uppercase(), terr.to_uppercase())
}

fn is_aggregate(e: &Expr) -> bool {
    match e {
        Expr::CountStar => true,
        Expr::Func(f, args) => {
            matches!(f.as_str(), "SUM" | "COUNT" | "MAX" | "MIN") || args.iter().any(is_aggregate)
        }
        Expr::Concat(a, b) => is_aggregate(a) || is_aggregate(b),
        _ => false,
    }
}

/// Evaluates `e` for one row; `group` holds the rows of the current group for aggregates.
fn eval(e: &Expr, row: &Row, group: &[Row]) -> Result<Val, String> {
    Ok(match e {
        Expr::Col(c) => row
            .get(c)
            .cloned()
            .ok_or_else(|| format!("ORA-00904: \"{c}\": invalid identifier"))?,
        Expr::Str(v) => {
            if v.is_empty() {
                Val::Null // Oracle: the empty string is NULL.
            } else {
                Val::Str(v.clone())
            }
        }
        Expr::Num(v) => Val::Num(*v),
        Expr::Null => Val::Null,
        Expr::Concat(a, b) => {
            let t = eval(a, row, group)?.text() + &eval(b, row, group)?.text();
            if t.is_empty() {
                Val::Null
            } else {
                Val::Str(t)
            }
        }
        Expr::CountStar => Val::Num(group.len() as f64),
        Expr::Func(f, args) => {
            let arg = |i: usize| -> Result<Val, String> {
                args.get(i)
                    .ok_or_else(|| "ORA-00909: invalid number of arguments".to_string())
                    .and_then(|a| eval(a, row, group))
            };
            match f.as_str() {
                "TO_CHAR" => match arg(0)? {
                    Val::Null => Val::Null,
                    v => Val::Str(v.text()),
                },
                "UPPER" => map_str(arg(0)?, |s| s.to_uppercase()),
                "LOWER" => map_str(arg(0)?, |s| s.to_lowercase()),
                "TRIM" => map_str(arg(0)?, |s| s.trim().to_string()),
                "LENGTH" => match arg(0)? {
                    Val::Null => Val::Null,
                    v => Val::Num(v.text().chars().count() as f64),
                },
                "NVL" => match arg(0)? {
                    Val::Null => arg(1)?,
                    v => v,
                },
                "ROUND" | "TRUNC" => {
                    let v = num(&arg(0)?)?;
                    let places = if args.len() > 1 {
                        num(&arg(1)?)?
                    } else {
                        Some(0.0)
                    };
                    match (v, places) {
                        (Some(v), Some(p)) => {
                            let m = 10f64.powi(p as i32);
                            Val::Num(if f == "ROUND" {
                                (v * m).round() / m
                            } else {
                                (v * m).trunc() / m
                            })
                        }
                        _ => Val::Null,
                    }
                }
                "SUM" | "MAX" | "MIN" | "COUNT" => {
                    let a = args
                        .first()
                        .ok_or_else(|| "ORA-00909: invalid number of arguments".to_string())?;
                    let mut vals = Vec::new();
                    for r in group {
                        let v = eval(a, r, group)?;
                        if v != Val::Null {
                            vals.push(v);
                        }
                    }
                    match f.as_str() {
                        "COUNT" => Val::Num(vals.len() as f64),
                        "SUM" => {
                            if vals.is_empty() {
                                Val::Null
                            } else {
                                let mut t = 0.0;
                                for v in &vals {
                                    t += num(v)?.unwrap_or(0.0);
                                }
                                Val::Num(t)
                            }
                        }
                        _ => {
                            let mut best: Option<Val> = None;
                            for v in vals {
                                best = match best {
                                    None => Some(v),
                                    Some(b) => {
                                        let ord = compare(&v, &b);
                                        if (f == "MAX" && ord == std::cmp::Ordering::Greater)
                                            || (f == "MIN" && ord == std::cmp::Ordering::Less)
                                        {
                                            Some(v)
                                        } else {
                                            Some(b)
                                        }
                                    }
                                };
                            }
                            best.unwrap_or(Val::Null)
                        }
                    }
                }
                other => return Err(format!("ORA-00904: \"{other}\": invalid identifier")),
            }
        }
    })
}

fn map_str(v: Val, f: impl Fn(&str) -> String) -> Val {
    match v {
        Val::Null => Val::Null,
        v => Val::Str(f(&v.text())),
    }
}

fn num(v: &Val) -> Result<Option<f64>, String> {
    match v {
        Val::Null => Ok(None),
        Val::Num(n) => Ok(Some(*n)),
        Val::Str(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| "ORA-01722: invalid number".to_string()),
    }
}

fn compare(a: &Val, b: &Val) -> std::cmp::Ordering {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
        (Val::Num(x), Val::Str(y)) | (Val::Str(y), Val::Num(x))
            if y.trim().parse::<f64>().is_ok() =>
        {
            let yv: f64 = y.trim().parse().unwrap_or(0.0);
            let o = x.partial_cmp(&yv).unwrap_or(std::cmp::Ordering::Equal);
            if matches!(a, Val::Num(_)) {
                o
            } else {
                o.reverse()
            }
        }
        _ => a.text().cmp(&b.text()),
    }
}

/// SQL LIKE with `%` and `_`.
fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    fn m(t: &[char], p: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('%') => (0..=t.len()).any(|i| m(&t[i..], &p[1..])),
            Some('_') => !t.is_empty() && m(&t[1..], &p[1..]),
            Some(c) => t.first() == Some(c) && m(&t[1..], &p[1..]),
        }
    }
    m(&t, &p)
}

/// Three-valued logic collapsed: a comparison with NULL is not true.
fn test(c: &Cond, row: &Row) -> Result<bool, String> {
    Ok(match c {
        Cond::Cmp(a, op, b) => {
            let (x, y) = (eval(a, row, &[])?, eval(b, row, &[])?);
            if x == Val::Null || y == Val::Null {
                return Ok(false);
            }
            if matches!(
                (&x, &y),
                (Val::Num(_), Val::Str(_)) | (Val::Str(_), Val::Num(_))
            ) {
                num(&x)?;
                num(&y)?;
            }
            let o = compare(&x, &y);
            use std::cmp::Ordering::*;
            match *op {
                "=" => o == Equal,
                "<>" => o != Equal,
                "<" => o == Less,
                ">" => o == Greater,
                "<=" => o != Greater,
                _ => o != Less,
            }
        }
        Cond::Like(a, b, neg) => {
            let (x, y) = (eval(a, row, &[])?, eval(b, row, &[])?);
            if x == Val::Null || y == Val::Null {
                return Ok(false);
            }
            like(&x.text(), &y.text()) != *neg
        }
        Cond::In(a, list, neg) => {
            let x = eval(a, row, &[])?;
            if x == Val::Null {
                return Ok(false);
            }
            let mut found = false;
            for e in list {
                if compare(&x, &eval(e, row, &[])?) == std::cmp::Ordering::Equal {
                    found = true;
                }
            }
            found != *neg
        }
        Cond::IsNull(a, neg) => (eval(a, row, &[])? == Val::Null) != *neg,
        Cond::And(a, b) => test(a, row)? && test(b, row)?,
        Cond::Or(a, b) => test(a, row)? || test(b, row)?,
        Cond::Not(a) => !test(a, row)?,
    })
}

/// Replaces every `SYS_CONTEXT('ns', 'param')` by its value before the rows are read: Oracle
/// evaluates a SYS_CONTEXT with literal arguments once per statement, not per row. The simulator
/// accepts only literal arguments.
fn fold_sys_context(q: &Select, db: &Database, env: &Env) -> Result<Select, String> {
    fn fold(e: &Expr, db: &Database, env: &Env) -> Result<Expr, String> {
        Ok(match e {
            Expr::Func(f, args) if f == "SYS_CONTEXT" => {
                let literal = |i: usize| match args.get(i) {
                    Some(Expr::Str(v)) => Ok(v.clone()),
                    Some(_) => Err("ORA-02003: invalid USERENV parameter".to_string()),
                    None => Err("ORA-00909: invalid number of arguments".to_string()),
                };
                if args.len() > 3 {
                    return Err("ORA-00909: invalid number of arguments".to_string());
                }
                match sys_context(db, env.session, &literal(0)?, &literal(1)?)? {
                    Some(v) if !v.is_empty() => Expr::Str(v),
                    _ => Expr::Null,
                }
            }
            Expr::Func(f, args) => Expr::Func(
                f.clone(),
                args.iter()
                    .map(|a| fold(a, db, env))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Concat(a, b) => {
                Expr::Concat(Box::new(fold(a, db, env)?), Box::new(fold(b, db, env)?))
            }
            other => other.clone(),
        })
    }
    fn fold_cond(c: &Cond, db: &Database, env: &Env) -> Result<Cond, String> {
        Ok(match c {
            Cond::Cmp(a, op, b) => Cond::Cmp(fold(a, db, env)?, op, fold(b, db, env)?),
            Cond::Like(a, b, neg) => Cond::Like(fold(a, db, env)?, fold(b, db, env)?, *neg),
            Cond::In(a, list, neg) => Cond::In(
                fold(a, db, env)?,
                list.iter()
                    .map(|e| fold(e, db, env))
                    .collect::<Result<_, _>>()?,
                *neg,
            ),
            Cond::IsNull(a, neg) => Cond::IsNull(fold(a, db, env)?, *neg),
            Cond::And(a, b) => Cond::And(
                Box::new(fold_cond(a, db, env)?),
                Box::new(fold_cond(b, db, env)?),
            ),
            Cond::Or(a, b) => Cond::Or(
                Box::new(fold_cond(a, db, env)?),
                Box::new(fold_cond(b, db, env)?),
            ),
            Cond::Not(a) => Cond::Not(Box::new(fold_cond(a, db, env)?)),
        })
    }
    let mut q = q.clone();
    for item in &mut q.items {
        if let Some(e) = &item.expr {
            item.expr = Some(fold(e, db, env)?);
        }
    }
    if let Some(c) = &q.filter {
        q.filter = Some(fold_cond(c, db, env)?);
    }
    Ok(q)
}

/// Runs a SELECT: headings and rows of text values.
pub fn select(
    db: &Database,
    user: &User,
    q: &Select,
    env: &Env,
) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let q = &fold_sys_context(q, db, env)?;
    let all = match table_rows(db, user, q) {
        Some(rows) => rows?,
        None => rows(db, user, &q.from, env)?,
    };
    let mut kept = Vec::new();
    for r in all.iter() {
        if let Some(c) = &q.filter {
            if !test(c, r)? {
                continue;
            }
        }
        kept.push(r.clone());
    }
    // Expand * into the view's columns (in a stable order).
    let mut headings = Vec::new();
    let mut exprs = Vec::new();
    for item in &q.items {
        match &item.expr {
            Some(e) => {
                headings.push(item.heading.clone());
                exprs.push(e.clone());
            }
            None => {
                let cols: Vec<String> = all
                    .first()
                    .map(|r| r.columns().cloned().collect())
                    .unwrap_or_default();
                for c in cols {
                    headings.push(c.clone());
                    exprs.push(Expr::Col(c));
                }
            }
        }
    }
    let aggregate = !q.group_by.is_empty() || exprs.iter().any(is_aggregate);
    // Each output row keeps its source row (or group) for ORDER BY.
    let mut out: Vec<(Vec<Val>, Row, Vec<Row>)> = Vec::new();
    if aggregate {
        let mut groups: Vec<(Vec<String>, Vec<Row>)> = Vec::new();
        for r in &kept {
            let mut key = Vec::new();
            for g in &q.group_by {
                key.push(eval(g, r, &[])?.text());
            }
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, rows)) => rows.push(r.clone()),
                None => groups.push((key, vec![r.clone()])),
            }
        }
        if groups.is_empty() && q.group_by.is_empty() {
            groups.push((vec![], vec![]));
        }
        for (_, rows) in groups {
            let first = rows.first().cloned().unwrap_or_default();
            let mut vals = Vec::new();
            for e in &exprs {
                if !is_aggregate(e) && rows.is_empty() {
                    vals.push(Val::Null);
                } else {
                    vals.push(eval(e, &first, &rows)?);
                }
            }
            out.push((vals, first, rows));
        }
    } else {
        for r in kept {
            let mut vals = Vec::new();
            for e in &exprs {
                vals.push(eval(e, &r, &[])?);
            }
            out.push((vals, r, vec![]));
        }
    }
    if !q.order_by.is_empty() {
        let mut keyed = Vec::new();
        for (vals, r, g) in out {
            let mut key = Vec::new();
            for (e, _) in &q.order_by {
                // ORDER BY 1 means the first select item.
                let v = match e {
                    Expr::Num(i) if *i >= 1.0 && (*i as usize) <= vals.len() => {
                        vals[*i as usize - 1].clone()
                    }
                    _ => eval(e, &r, &g)?,
                };
                key.push(v);
            }
            keyed.push((key, vals, r, g));
        }
        keyed.sort_by(|a, b| {
            for (i, (_, desc)) in q.order_by.iter().enumerate() {
                let o = compare(&a.0[i], &b.0[i]);
                let o = if *desc { o.reverse() } else { o };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        out = keyed.into_iter().map(|(_, v, r, g)| (v, r, g)).collect();
    }
    Ok((
        headings,
        out.into_iter()
            .map(|(v, _, _)| v.iter().map(Val::text).collect())
            .collect(),
    ))
}
