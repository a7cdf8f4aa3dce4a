//! The SQL this simulator understands: SELECT (columns, literals, `||`, a few functions,
//! aggregates, WHERE, GROUP BY, ORDER BY) and the DDL a backup needs. Anything else is an
//! error, never silently accepted.

use super::lexer::Tok;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Col(String),
    Str(String),
    Num(f64),
    Null,
    Concat(Box<Expr>, Box<Expr>),
    Func(String, Vec<Expr>),
    /// COUNT(*)
    CountStar,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Cmp(Expr, &'static str, Expr),
    Like(Expr, Expr, bool),
    In(Expr, Vec<Expr>, bool),
    IsNull(Expr, bool),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone)]
pub struct SelectItem {
    pub expr: Option<Expr>, // None = *
    pub heading: String,
}

#[derive(Debug, Clone)]
pub struct Select {
    pub items: Vec<SelectItem>,
    pub from: String,
    /// The schema named before the view or table (`SYS.DBA_USERS`, `"BIZAGI"."WFCASE"`).
    pub from_owner: Option<String>,
    pub filter: Option<Cond>,
    pub group_by: Vec<Expr>,
    pub order_by: Vec<(Expr, bool)>,
}

#[derive(Debug, Clone)]
pub enum Statement {
    Select(Select),
    CreateDirectory {
        replace: bool,
        name: String,
        path: String,
    },
    DropDirectory {
        name: String,
    },
    GrantDirectory {
        privileges: Vec<String>,
        directory: String,
        grantees: Vec<String>,
    },
    DropTable {
        owner: Option<String>,
        table: String,
    },
    /// `CREATE USER name IDENTIFIED BY pw [DEFAULT TABLESPACE ts] [...]`.
    CreateUser {
        name: String,
        default_tablespace: Option<String>,
    },
    /// `DROP USER name [CASCADE]`.
    DropUser {
        name: String,
        cascade: bool,
    },
}

struct P {
    toks: Vec<Tok>,
    pos: usize,
}

const RESERVED: &[&str] = &[
    "FROM", "WHERE", "ORDER", "GROUP", "AND", "OR", "NOT", "IN", "LIKE", "IS", "AS", "BY",
    "SELECT", "ON", "TO",
];

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn kw(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == word)
    }
    fn eat_kw(&mut self, word: &str) -> bool {
        if self.kw(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        if self.sym(s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), String> {
        if self.eat_sym(s) {
            Ok(())
        } else if self.peek().is_none() {
            Err("ORA-00921: unexpected end of SQL command".to_string())
        } else if s == ")" {
            Err("ORA-00907: missing right parenthesis".to_string())
        } else {
            Err("ORA-00936: missing expression".to_string())
        }
    }
    /// An identifier (unquoted upper-cased, quoted as is).
    fn name(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Ident(w)) => Ok(w),
            Some(Tok::Quoted(w)) => Ok(w),
            None => Err("ORA-00921: unexpected end of SQL command".to_string()),
            _ => Err("ORA-00903: invalid table name".to_string()),
        }
    }
    fn at_end(&self) -> bool {
        self.peek().is_none()
    }
}

/// Parses one statement (without its terminating `;`).
pub fn parse(toks: Vec<Tok>) -> Result<Statement, String> {
    let mut p = P { toks, pos: 0 };
    let stmt = match p.peek() {
        Some(Tok::Ident(w)) if w == "SELECT" => Statement::Select(select(&mut p)?),
        Some(Tok::Ident(w)) if w == "CREATE" => create(&mut p)?,
        Some(Tok::Ident(w)) if w == "GRANT" => grant(&mut p)?,
        Some(Tok::Ident(w)) if w == "DROP" => drop(&mut p)?,
        _ => return Err("ORA-00900: invalid SQL statement".to_string()),
    };
    if !p.at_end() {
        return Err("ORA-00933: SQL command not properly ended".to_string());
    }
    Ok(stmt)
}

fn select(p: &mut P) -> Result<Select, String> {
    p.eat_kw("SELECT");
    let mut items = Vec::new();
    loop {
        if p.eat_sym("*") {
            items.push(SelectItem {
                expr: None,
                heading: "*".to_string(),
            });
        } else {
            let start = p.pos;
            let e = expr(p)?;
            let heading = if p.eat_kw("AS") {
                p.name()?
            } else if let Some(Tok::Ident(w)) = p.peek() {
                if RESERVED.contains(&w.as_str()) {
                    heading_of(&p.toks[start..p.pos])
                } else {
                    p.name()?
                }
            } else if let Some(Tok::Quoted(_)) = p.peek() {
                p.name()?
            } else {
                heading_of(&p.toks[start..p.pos])
            };
            items.push(SelectItem {
                expr: Some(e),
                heading,
            });
        }
        if !p.eat_sym(",") {
            break;
        }
    }
    if !p.eat_kw("FROM") {
        return Err("ORA-00923: FROM keyword not found where expected".to_string());
    }
    let mut from = p.name()?;
    let mut from_owner = None;
    if p.eat_sym(".") {
        // SYS.DBA_DIRECTORIES, "BIZAGI"."WFCASE" and the like.
        from_owner = Some(std::mem::replace(&mut from, p.name()?));
    }
    // An optional table alias.
    if let Some(Tok::Ident(w)) = p.peek() {
        if !RESERVED.contains(&w.as_str()) {
            p.pos += 1;
        }
    }
    let filter = if p.eat_kw("WHERE") {
        Some(cond(p)?)
    } else {
        None
    };
    let mut group_by = Vec::new();
    if p.eat_kw("GROUP") {
        if !p.eat_kw("BY") {
            return Err("ORA-00924: missing BY keyword".to_string());
        }
        loop {
            group_by.push(expr(p)?);
            if !p.eat_sym(",") {
                break;
            }
        }
    }
    let mut order_by = Vec::new();
    if p.eat_kw("ORDER") {
        if !p.eat_kw("BY") {
            return Err("ORA-00924: missing BY keyword".to_string());
        }
        loop {
            let e = expr(p)?;
            let desc = if p.eat_kw("DESC") {
                true
            } else {
                p.eat_kw("ASC");
                false
            };
            order_by.push((e, desc));
            if !p.eat_sym(",") {
                break;
            }
        }
    }
    Ok(Select {
        items,
        from,
        from_owner,
        filter,
        group_by,
        order_by,
    })
}

/// The heading SQL*Plus shows for an unaliased expression: its text, upper-cased.
fn heading_of(toks: &[Tok]) -> String {
    let mut s = String::new();
    for t in toks {
        match t {
            Tok::Ident(w) => s.push_str(w),
            Tok::Quoted(w) => s.push_str(&w.to_uppercase()),
            Tok::Str(v) => {
                s.push('\'');
                s.push_str(&v.to_uppercase());
                s.push('\'');
            }
            Tok::Num(n) => s.push_str(n),
            Tok::Sym(x) => s.push_str(x),
        }
    }
    s
}

fn expr(p: &mut P) -> Result<Expr, String> {
    let mut left = primary(p)?;
    while p.eat_sym("||") {
        let right = primary(p)?;
        left = Expr::Concat(Box::new(left), Box::new(right));
    }
    Ok(left)
}

const FUNCS: &[&str] = &[
    "TO_CHAR",
    "UPPER",
    "LOWER",
    "NVL",
    "TRIM",
    "LENGTH",
    "ROUND",
    "SUM",
    "COUNT",
    "MAX",
    "MIN",
    "TRUNC",
    "SYS_CONTEXT",
];

fn primary(p: &mut P) -> Result<Expr, String> {
    match p.next() {
        Some(Tok::Str(s)) => Ok(Expr::Str(s)),
        Some(Tok::Num(n)) => n
            .parse()
            .map(Expr::Num)
            .map_err(|_| "ORA-01722: invalid number".to_string()),
        Some(Tok::Sym("(")) => {
            let e = expr(p)?;
            p.expect_sym(")")?;
            Ok(e)
        }
        Some(Tok::Ident(w)) if w == "NULL" => Ok(Expr::Null),
        Some(Tok::Ident(w)) if p.sym("(") => {
            if !FUNCS.contains(&w.as_str()) {
                return Err(format!("ORA-00904: \"{w}\": invalid identifier"));
            }
            p.pos += 1;
            if w == "COUNT" && p.eat_sym("*") {
                p.expect_sym(")")?;
                return Ok(Expr::CountStar);
            }
            let mut args = Vec::new();
            if !p.sym(")") {
                loop {
                    args.push(expr(p)?);
                    if !p.eat_sym(",") {
                        break;
                    }
                }
            }
            p.expect_sym(")")?;
            Ok(Expr::Func(w, args))
        }
        Some(Tok::Ident(w)) | Some(Tok::Quoted(w)) => {
            if RESERVED.contains(&w.as_str()) {
                return Err("ORA-00936: missing expression".to_string());
            }
            // alias.column: the alias is ignored (one table per query).
            if p.eat_sym(".") {
                return Ok(Expr::Col(p.name()?));
            }
            Ok(Expr::Col(w))
        }
        None => Err("ORA-00936: missing expression".to_string()),
        Some(_) => Err("ORA-00936: missing expression".to_string()),
    }
}

fn cond(p: &mut P) -> Result<Cond, String> {
    let mut left = and_cond(p)?;
    while p.eat_kw("OR") {
        let right = and_cond(p)?;
        left = Cond::Or(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn and_cond(p: &mut P) -> Result<Cond, String> {
    let mut left = not_cond(p)?;
    while p.eat_kw("AND") {
        let right = not_cond(p)?;
        left = Cond::And(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn not_cond(p: &mut P) -> Result<Cond, String> {
    if p.eat_kw("NOT") {
        return Ok(Cond::Not(Box::new(not_cond(p)?)));
    }
    // A parenthesised condition, or an expression in parentheses.
    if p.sym("(") {
        let save = p.pos;
        p.pos += 1;
        if let Ok(c) = cond(p) {
            if p.eat_sym(")") {
                return Ok(c);
            }
        }
        p.pos = save;
    }
    predicate(p)
}

fn predicate(p: &mut P) -> Result<Cond, String> {
    let left = expr(p)?;
    if p.eat_kw("IS") {
        let negated = p.eat_kw("NOT");
        if !p.eat_kw("NULL") {
            return Err("ORA-00908: missing NULL keyword".to_string());
        }
        return Ok(Cond::IsNull(left, negated));
    }
    let negated = p.eat_kw("NOT");
    if p.eat_kw("LIKE") {
        return Ok(Cond::Like(left, expr(p)?, negated));
    }
    if p.eat_kw("IN") {
        if !p.eat_sym("(") {
            return Err("ORA-00936: missing expression".to_string());
        }
        let mut list = Vec::new();
        loop {
            list.push(expr(p)?);
            if !p.eat_sym(",") {
                break;
            }
        }
        p.expect_sym(")")?;
        return Ok(Cond::In(left, list, negated));
    }
    if negated {
        return Err("ORA-00920: invalid relational operator".to_string());
    }
    for op in ["=", "<>", "<=", ">=", "<", ">"] {
        if p.eat_sym(op) {
            let right = expr(p)?;
            return Ok(Cond::Cmp(left, op, right));
        }
    }
    Err("ORA-00920: invalid relational operator".to_string())
}

fn create(p: &mut P) -> Result<Statement, String> {
    p.eat_kw("CREATE");
    let replace = if p.eat_kw("OR") {
        if !p.eat_kw("REPLACE") {
            return Err("ORA-00922: missing or invalid option".to_string());
        }
        true
    } else {
        false
    };
    if !replace && p.eat_kw("USER") {
        return create_user(p);
    }
    if !p.eat_kw("DIRECTORY") {
        return Err("ORA-00900: invalid SQL statement".to_string());
    }
    let name = p.name()?;
    if !p.eat_kw("AS") {
        return Err("ORA-00905: missing keyword".to_string());
    }
    let path = match p.next() {
        Some(Tok::Str(s)) => s,
        _ => return Err("ORA-22929: invalid or missing directory name".to_string()),
    };
    Ok(Statement::CreateDirectory {
        replace,
        name,
        path,
    })
}

fn create_user(p: &mut P) -> Result<Statement, String> {
    let name = p.name()?;
    if !p.eat_kw("IDENTIFIED") {
        return Err("ORA-00924: missing BY keyword".to_string());
    }
    if !p.eat_kw("BY") {
        return Err("ORA-00924: missing BY keyword".to_string());
    }
    if p.next().is_none() {
        return Err("ORA-00988: missing or invalid password(s)".to_string());
    }
    let mut default_tablespace = None;
    // DEFAULT TABLESPACE ts, TEMPORARY TABLESPACE ts, QUOTA ... ON ts, ACCOUNT ...: only the
    // default tablespace is kept.
    while !p.at_end() {
        if p.eat_kw("DEFAULT") {
            if !p.eat_kw("TABLESPACE") {
                return Err("ORA-00922: missing or invalid option".to_string());
            }
            default_tablespace = Some(p.name()?);
        } else {
            p.next();
        }
    }
    Ok(Statement::CreateUser {
        name,
        default_tablespace,
    })
}

fn grant(p: &mut P) -> Result<Statement, String> {
    p.eat_kw("GRANT");
    let mut privileges = Vec::new();
    loop {
        match p.next() {
            Some(Tok::Ident(w)) => privileges.push(w),
            _ => return Err("ORA-00990: missing or invalid privilege".to_string()),
        }
        if !p.eat_sym(",") {
            break;
        }
    }
    if !p.eat_kw("ON") {
        return Err("ORA-00900: invalid SQL statement".to_string());
    }
    if !p.eat_kw("DIRECTORY") {
        return Err("ORA-00900: invalid SQL statement".to_string());
    }
    let directory = p.name()?;
    if !p.eat_kw("TO") {
        return Err("ORA-00905: missing keyword".to_string());
    }
    let mut grantees = Vec::new();
    loop {
        grantees.push(p.name()?);
        if !p.eat_sym(",") {
            break;
        }
    }
    Ok(Statement::GrantDirectory {
        privileges,
        directory,
        grantees,
    })
}

fn drop(p: &mut P) -> Result<Statement, String> {
    p.eat_kw("DROP");
    if p.eat_kw("DIRECTORY") {
        return Ok(Statement::DropDirectory { name: p.name()? });
    }
    if p.eat_kw("USER") {
        let name = p.name()?;
        let cascade = p.eat_kw("CASCADE");
        if !p.at_end() {
            return Err("ORA-00933: SQL command not properly ended".to_string());
        }
        return Ok(Statement::DropUser { name, cascade });
    }
    if !p.eat_kw("TABLE") {
        return Err("ORA-00900: invalid SQL statement".to_string());
    }
    let first = p.name()?;
    let (owner, table) = if p.eat_sym(".") {
        (Some(first), p.name()?)
    } else {
        (None, first)
    };
    p.eat_kw("PURGE");
    Ok(Statement::DropTable { owner, table })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlplus::lexer::lex;

    fn parse_str(s: &str) -> Result<Statement, String> {
        parse(lex(s)?)
    }

    #[test]
    fn select_shapes() {
        let s = parse_str("SELECT directory_name || '|' || directory_path FROM dba_directories WHERE directory_name = 'BIZAGIBACKUPPATH'").unwrap();
        let Statement::Select(s) = s else { panic!() };
        assert_eq!(s.from, "DBA_DIRECTORIES");
        assert!(s.filter.is_some());
        assert!(parse_str("SELECT x dba_directories")
            .unwrap_err()
            .starts_with("ORA-00923"));
        assert!(parse_str("SELECT x FROM t WHERE a = 1 garbage more")
            .unwrap_err()
            .starts_with("ORA-00933"));
        assert!(parse_str("INSERT INTO t VALUES (1)")
            .unwrap_err()
            .starts_with("ORA-00900"));
    }

    #[test]
    fn ddl() {
        assert!(
            matches!(parse_str("CREATE OR REPLACE DIRECTORY BizAgiBackupPath AS '/u01/it''s'").unwrap(),
            Statement::CreateDirectory { replace: true, ref name, ref path } if name == "BIZAGIBACKUPPATH" && path == "/u01/it's")
        );
        assert!(
            matches!(parse_str("GRANT READ, WRITE ON DIRECTORY x TO bizagiadmon").unwrap(),
            Statement::GrantDirectory { ref privileges, .. } if privileges == &["READ", "WRITE"])
        );
        assert!(
            matches!(parse_str("DROP TABLE bizagiadmon.\"SYS_EXPORT_SCHEMA_01\" PURGE").unwrap(),
            Statement::DropTable { owner: Some(ref o), ref table } if o == "BIZAGIADMON" && table == "SYS_EXPORT_SCHEMA_01")
        );
    }
}
