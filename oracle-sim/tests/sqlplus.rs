//! sqlplus: the SQL contract bizscript relies on, errors and exit codes.

mod common;

use common::{stdout, Sim};

#[test]
fn contract_queries_return_one_clean_column_per_row() {
    let sim = Sim::new("ok");
    let (out, code) = sim.sql(
        "bizagiadmon/\"Pa$$w0rd\"@//db:1521/ORCL",
        "WHENEVER SQLERROR EXIT 3\n\
         SELECT directory_name || '|' || directory_path FROM dba_directories WHERE directory_name = 'BIZAGIBACKUPPATH';\n\
         SELECT parameter || '|' || value FROM nls_database_parameters WHERE parameter IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET') ORDER BY parameter;\n\
         SELECT banner FROM v$version;\n\
         SELECT version || '|' || version_full FROM product_component_version;\n\
         SELECT TO_CHAR(COUNT(*)) FROM dba_datapump_jobs;\n\
         SELECT UPPER('done') FROM dual;",
    );
    assert_eq!(code, 0, "{out}");
    let expected = format!(
        "BIZAGIBACKUPPATH|{}\nNLS_CHARACTERSET|AL32UTF8\nNLS_NCHAR_CHARACTERSET|AL16UTF16\n\
         Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production\n19.0.0.0.0|19.27.0.0.0\n0\nDONE\n",
        sim.backup_dir().display()
    );
    assert_eq!(out, expected);
    // The audit has the statements, the CONNECT password masked.
    let audit = sim.audit();
    let statements = audit[0]["statements"].as_array().unwrap();
    assert_eq!(statements[0], "CONNECT bizagiadmon/***@//db:1521/ORCL");
    assert!(!std::fs::read_to_string(sim.home.join("audit.jsonl"))
        .unwrap()
        .contains("Pa$$w0rd"));
    assert_eq!(audit[0]["argv"], serde_json::json!(["-S", "-L", "/nolog"]));
}

#[test]
fn create_directory_and_grant_then_expdp_uses_it() {
    let sim = Sim::new("no_directory");
    let (out, _) = sim.sql(
        "bizagiadmon/pw",
        "SELECT TO_CHAR(COUNT(*)) FROM dba_directories WHERE directory_name = 'BIZAGIBACKUPPATH';",
    );
    assert_eq!(out.trim(), "0");
    let path = sim.backup_dir();
    let (out, code) = sim.sql(
        "bizagiadmon/pw",
        &format!("WHENEVER SQLERROR EXIT 4\nCREATE OR REPLACE DIRECTORY BizAgiBackupPath AS '{}';\nGRANT READ, WRITE ON DIRECTORY BizAgiBackupPath TO bizagiadmon;\nSELECT directory_path FROM all_directories WHERE directory_name = 'BIZAGIBACKUPPATH';", path.display()),
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.trim(), path.display().to_string());
    assert_eq!(sim.expdp(common::EXPORT).status.code(), Some(0));
}

#[test]
fn no_privilege_gets_ora_01031_and_ora_00942_and_falls_back_to_all_directories() {
    let sim = Sim::new("no_privilege");
    let (out, code) = sim.sql("bizagiadmon/pw", "CREATE DIRECTORY x AS '/tmp/x';\nSELECT directory_name FROM dba_directories;\nSELECT directory_name FROM all_directories;");
    assert_eq!(
        code, 0,
        "WHENEVER SQLERROR not set: errors do not stop the script"
    );
    assert!(out.contains("ORA-01031: insufficient privileges"));
    assert!(out.contains("ORA-00942: table or view does not exist"));
    assert!(out.trim_end().ends_with("BIZAGIBACKUPPATH"), "{out}");
    let (_, code) = sim.sql("bizagiadmon/pw", "WHENEVER SQLERROR EXIT 7\nCREATE DIRECTORY x AS '/tmp/x';\nSELECT 'not reached' FROM dual;");
    assert_eq!(code, 7);
}

#[test]
fn bad_password_is_ora_01017_and_then_not_connected() {
    let sim = Sim::new("bad_password");
    let (out, code) = sim.sql(
        "bizagiadmon/wrong",
        "WHENEVER SQLERROR EXIT 9\nSELECT 'x' FROM dual;",
    );
    assert!(out.contains("ERROR:\nORA-01017: invalid username/password; logon denied"));
    assert!(out.contains("SP2-0640: Not connected"));
    // SP2 errors do not fire WHENEVER SQLERROR.
    assert_eq!(code, 0);
    // -L with a logon on the command line: one try, then exit 1.
    let out = sim.run("sqlplus", &["-S", "-L", "bizagiadmon/wrong"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("SP2-0751: Unable to connect to Oracle."));
}

#[test]
fn unknown_commands_and_bad_sql() {
    let sim = Sim::new("ok");
    let (out, code) = sim.sql("system/pw", "FOO BAR;\nSET FROBNICATE ON\nSELECT x FROM dual;\nSELECT 'a' dual;\nINSERT INTO t VALUES (1);\nSELECT 'unterminated FROM dual;");
    assert_eq!(code, 0);
    assert!(
        out.contains("SP2-0734: unknown command beginning \"FOO BAR;...\" - rest of line ignored.")
    );
    assert!(out.contains("SP2-0158: unknown SET option beginning \"FROBNICATE\""));
    assert!(out.contains("ORA-00904: \"X\": invalid identifier"));
    assert!(out.contains("ORA-00923: FROM keyword not found where expected"));
    assert!(out.contains("ORA-00900: invalid SQL statement"));
    assert!(out.contains("ORA-01756: quoted string not properly terminated"));
}

#[test]
fn exit_codes() {
    let sim = Sim::new("ok");
    for (exit, code) in [
        ("EXIT", 0),
        ("EXIT 3", 3),
        ("EXIT FAILURE", 1),
        ("EXIT WARNING", 2),
        ("EXIT 257", 1),
    ] {
        let out = sim.run("sqlplus", &["-S", "/nolog"], &format!("{exit}\n"));
        assert_eq!(out.status.code(), Some(code), "{exit}");
    }
    // SQL.SQLCODE wraps modulo 256: ORA-00942 → 942 % 256 = 174.
    let (_, code) = sim.sql(
        "system/pw",
        "WHENEVER SQLERROR EXIT SQL.SQLCODE\nSELECT 'x' FROM missing_view;",
    );
    assert_eq!(code, 942 % 256);
    // End of input without EXIT: 0.
    let out = sim.run("sqlplus", &["-S", "/nolog"], "CONNECT system/pw\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn literal_and_identifier_rules() {
    let sim = Sim::new("ok");
    let (out, _) = sim.sql("system/pw", "SELECT 'it''s' || q'[ a 'q' ]' FROM dual;\nSELECT username FROM dba_users WHERE username LIKE 'BIZ%' ORDER BY username DESC;");
    assert_eq!(
        out,
        "it's a 'q' \nBIZAGIADMON\nBIZAGI\n".replace("a 'q' \n", "a 'q'\n")
    );
}

#[test]
fn bad_home_is_sp2_0667() {
    let sim = Sim::new("bad_home");
    let out = sim.run("sqlplus", &["-S", "-L", "/nolog"], "EXIT\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("SP2-0667: Message file sp1<lang>.msb not found"));
}

#[test]
fn version_flag() {
    let sim = Sim::new("ok");
    let out = sim.run("sqlplus", &["-V"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("SQL*Plus: Release 19.0.0.0.0 - Production\nVersion 19.27.0.0.0"));
}
