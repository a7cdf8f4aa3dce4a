//! The anonymous PL/SQL blocks a restore runs: `BEGIN DBMS_UTILITY.COMPILE_SCHEMA(...); END;`
//! and `BEGIN UTL_RECOMP.RECOMP_SERIAL(...); END;` (`NULL;` statements are allowed). Any other
//! block is refused with the error Oracle gives for an undeclared identifier, never accepted
//! silently.

use crate::scenario::Scenario;
use crate::state::Database;

/// One call the block makes: recompile the invalid objects of `schema`.
#[derive(Debug, PartialEq)]
pub struct Recompile {
    pub schema: String,
}

fn pls_undeclared(name: &str) -> String {
    format!(
        "ORA-06550: line 1, column 7:\nPLS-00201: identifier '{name}' must be declared\nORA-06550: line 1, column 7:\nPL/SQL: Statement ignored"
    )
}

/// The schema argument of a call: `schema => 'X'` or the first positional argument; quoted
/// names are taken as written, others upper-cased (as the packages do with their argument).
fn schema_arg(args: &str) -> Option<String> {
    for (i, arg) in args.split(',').enumerate() {
        let arg = arg.trim();
        let value = match arg.split_once("=>") {
            Some((name, v)) if name.trim().eq_ignore_ascii_case("schema") => v.trim(),
            Some(_) => continue,
            None if i == 0 => arg,
            None => continue,
        };
        let v = value.trim_matches('\'');
        return Some(if v.starts_with('"') {
            v.trim_matches('"').to_string()
        } else {
            v.to_ascii_uppercase()
        });
    }
    None
}

/// Parses a block into the recompilations it asks for.
pub fn parse(text: &str) -> Result<Vec<Recompile>, String> {
    let body = text.trim().trim_end_matches('/').trim();
    let upper = body.to_ascii_uppercase();
    let Some(inner) = upper
        .strip_prefix("BEGIN")
        .map(|_| &body[5..])
        .and_then(|rest| {
            let r = rest.trim_end();
            let r = r.strip_suffix(';').unwrap_or(r).trim_end();
            (r.len() >= 3 && r[r.len() - 3..].eq_ignore_ascii_case("END"))
                .then(|| &r[..r.len() - 3])
        })
    else {
        return Err(
            "ORA-06550: line 1, column 1:\nPLS-00103: Encountered the symbol \"end-of-file\""
                .to_string(),
        );
    };
    let mut calls = Vec::new();
    for stmt in inner.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        if stmt.eq_ignore_ascii_case("NULL") {
            continue;
        }
        let (name, args) = match stmt.split_once('(') {
            Some((n, a)) => (n.trim(), a.trim_end().trim_end_matches(')')),
            None => (stmt, ""),
        };
        let known = ["DBMS_UTILITY.COMPILE_SCHEMA", "UTL_RECOMP.RECOMP_SERIAL"];
        let upper_name = name.to_ascii_uppercase();
        if !known.contains(&upper_name.as_str()) {
            return Err(pls_undeclared(&upper_name));
        }
        let Some(schema) = schema_arg(args) else {
            return Err(format!(
                "ORA-06550: line 1, column 7:\nPLS-00306: wrong number or types of arguments in call to '{}'",
                upper_name.rsplit('.').next().unwrap_or(&upper_name)
            ));
        };
        calls.push(Recompile { schema });
    }
    Ok(calls)
}

/// Recompiles the invalid objects of a schema. Every one becomes VALID, except in scenario
/// `warnings`, whose SP_PURGE_LOGS was imported with compilation errors (ORA-39082) and stays
/// INVALID.
pub fn recompile(db: &mut Database, schema: &str) -> Result<(), String> {
    if db.user(schema).is_none() {
        return Err("ORA-01435: user does not exist\nORA-06512: at \"SYS.DBMS_UTILITY\", line 1254\nORA-06512: at line 1".to_string());
    }
    let warnings = db.scenario == Scenario::Warnings;
    for o in db.objects.iter_mut().filter(|o| o.owner == schema) {
        if !(warnings && o.name == "SP_PURGE_LOGS") {
            o.status = "VALID".to_string();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        assert_eq!(
            parse("BEGIN\n  DBMS_UTILITY.COMPILE_SCHEMA(schema => 'BZV_1', compile_all => FALSE);\nEND;\n"),
            Ok(vec![Recompile { schema: "BZV_1".into() }])
        );
        assert_eq!(
            parse("begin utl_recomp.recomp_serial('bizagi'); end;"),
            Ok(vec![Recompile {
                schema: "BIZAGI".into()
            }])
        );
        assert!(parse("BEGIN DBMS_STATS.GATHER_SCHEMA_STATS('X'); END;")
            .unwrap_err()
            .contains("PLS-00201"));
    }
}
