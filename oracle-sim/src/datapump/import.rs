//! The import job: reads the dump set's manifest, applies REMAP_SCHEMA and TABLE_EXISTS_ACTION
//! against the simulated database, and prints the import messages of each scenario.

use super::dumpfile;
use super::job::JobSpec;
use super::output::row_line;
use super::plan::{Outcome, Plan, Step};
use super::startup::Common;
use crate::scenario::Scenario;
use crate::state::Database;

/// Resolves an import job against the dump set and the database.
pub fn spec(db: &Database, c: &Common, dumps: Vec<String>) -> Result<JobSpec, Vec<String>> {
    let Some(manifest) = dumps
        .first()
        .and_then(|d| dumpfile::read_manifest(&crate::home::server_file(d)))
    else {
        return Err(vec![
            "ORA-39001: invalid argument value".to_string(),
            "ORA-39000: bad dump file specification".to_string(),
            format!(
                "ORA-39143: dump file \"{}\" may be an original export dump file",
                dumps.first().cloned().unwrap_or_default()
            ),
        ]);
    };
    if Database::major(&manifest.version) > Database::major(&db.version) {
        return Err(vec![
            "ORA-39001: invalid argument value".to_string(),
            "ORA-39000: bad dump file specification".to_string(),
            format!(
                "ORA-39142: incompatible version number 5.1 in dump file \"{}\"",
                dumps[0]
            ),
        ]);
    }
    if c.params.yes("VERIFY_ONLY") || c.params.yes("VERIFY_CHECKSUM") {
        let paths: Vec<std::path::PathBuf> =
            dumps.iter().map(|d| crate::home::server_file(d)).collect();
        match dumpfile::verify(&manifest, &paths, &dumps) {
            Ok(true) => {}
            Ok(false) => {
                return Err(vec![
                    "ORA-39002: invalid operation".to_string(),
                    format!(
                        "ORA-39411: dump file \"{}\" does not contain a checksum",
                        dumps[0]
                    ),
                ])
            }
            Err(file) => {
                return Err(vec![
                    "ORA-39002: invalid operation".to_string(),
                    format!("ORA-39412: checksum error in dump file \"{file}\""),
                ])
            }
        }
    }
    let remaps: Vec<(String, String)> = c
        .params
        .values("REMAP_SCHEMA")
        .iter()
        .filter_map(|r| {
            r.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .collect();
    if !remaps.is_empty() && !c.user.is_datapump_imp_full() {
        return Err(vec![format!(
            "ORA-39122: Unprivileged users may not perform REMAP_SCHEMA remappings."
        )]);
    }
    let mut spec = c.base_spec(db);
    let wanted: Vec<String> = c.params.values("SCHEMAS");
    spec.schemas = manifest
        .schemas
        .iter()
        .filter(|s| wanted.is_empty() || wanted.contains(s))
        .cloned()
        .collect();
    spec.missing = wanted
        .iter()
        .filter(|s| !manifest.schemas.contains(s))
        .cloned()
        .collect();
    let wanted_tables: Vec<(String, String)> = c
        .params
        .values("TABLES")
        .iter()
        .map(|t| match t.split_once('.') {
            Some((o, n)) => (o.to_string(), n.to_string()),
            None => (c.user.name.clone(), t.clone()),
        })
        .collect();
    spec.tables = manifest
        .tables
        .iter()
        .filter(|(o, t, _, _)| {
            if wanted_tables.is_empty() {
                spec.schemas.contains(o)
            } else {
                wanted_tables.iter().any(|(wo, wt)| wo == o && wt == t)
            }
        })
        .cloned()
        .collect();
    for (o, t) in &wanted_tables {
        if !manifest
            .tables
            .iter()
            .any(|(mo, mt, _, _)| mo == o && mt == t)
        {
            spec.missing.push(format!("{o}.{t}"));
        }
    }
    if !wanted_tables.is_empty() {
        spec.schemas = wanted_tables.iter().map(|(o, _)| o.clone()).collect();
        spec.schemas.dedup();
    }
    spec.sqlfile = match c.params.value("SQLFILE") {
        Some(f) => {
            let (dir, file) = super::startup::split_dir(f);
            let dir = dir.unwrap_or_else(|| {
                c.params
                    .value("DIRECTORY")
                    .unwrap_or("DATA_PUMP_DIR")
                    .to_string()
            });
            match db
                .directory(&dir)
                .filter(|d| db.can_use_directory(c.user, d))
            {
                Some(d) => Some(format!("{}/{}", d.path.trim_end_matches('/'), file)),
                None => {
                    return Err(vec![
                        "ORA-39002: invalid operation".to_string(),
                        format!("ORA-39087: directory name {dir} is invalid"),
                    ])
                }
            }
        }
        None => None,
    };
    spec.remap_schema = remaps;
    spec.remap_tablespace = c
        .params
        .values("REMAP_TABLESPACE")
        .iter()
        .filter_map(|r| {
            r.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .collect();
    for (_, to) in &spec.remap_tablespace {
        if !db.tablespaces.iter().any(|t| &t.name == to) {
            return Err(vec![
                "ORA-39001: invalid argument value".to_string(),
                format!("ORA-00959: tablespace '{to}' does not exist"),
            ]);
        }
    }
    spec.table_exists_action = c
        .params
        .value("TABLE_EXISTS_ACTION")
        .map(str::to_string)
        .unwrap_or_else(|| {
            if spec.content == "DATA_ONLY" {
                "APPEND"
            } else {
                "SKIP"
            }
            .to_string()
        });
    spec.dump_paths = dumps;
    spec.existing = Existing {
        users: db.users.iter().map(|u| u.name.clone()).collect(),
        tables: db
            .tables
            .iter()
            .map(|t| (t.owner.clone(), t.name.clone()))
            .collect(),
    };
    spec.source = Some(manifest);
    Ok(spec)
}

impl JobSpec {
    /// The tablespace the project's tables (in USERS) land in after REMAP_TABLESPACE.
    pub fn target_tablespace(&self) -> String {
        self.remap_tablespace
            .iter()
            .find(|(from, _)| from == "USERS")
            .map(|(_, to)| to.clone())
            .unwrap_or_else(|| "USERS".to_string())
    }

    /// The schema an object of `schema` lands in after REMAP_SCHEMA.
    pub fn target_schema(&self, schema: &str) -> String {
        self.remap_schema
            .iter()
            .find(|(from, _)| from == schema)
            .map(|(_, to)| to.clone())
            .unwrap_or_else(|| schema.to_string())
    }
}

/// What the import finds in the database when it starts (decided at plan time from the
/// database as it was when the job was registered, so a resumed job replays the same plan).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Existing {
    pub users: Vec<String>,
    pub tables: Vec<(String, String)>,
}

/// The DDL a SQLFILE job writes.
pub fn sql_file_text(spec: &JobSpec) -> String {
    let mut text = String::from("-- CONNECT ")
        + &spec.owner
        + "\nALTER SESSION SET EVENTS '10150 TRACE NAME CONTEXT FOREVER, LEVEL 1';\n";
    for s in &spec.schemas {
        let target = spec.target_schema(s);
        text.push_str(&format!("-- new object type path: SCHEMA_EXPORT/USER\n CREATE USER \"{target}\" IDENTIFIED BY VALUES 'S:0000000000000000000000000000000000000000000000000000000000000000'\n      DEFAULT TABLESPACE \"USERS\"\n      TEMPORARY TABLESPACE \"TEMP\";\n"));
    }
    text.push_str("-- new object type path: SCHEMA_EXPORT/TABLE/TABLE\n");
    for (o, t, _, _) in &spec.tables {
        let target = spec.target_schema(o);
        text.push_str(&format!("CREATE TABLE \"{target}\".\"{t}\" \n   (\t\"ID{t}\" NUMBER(10,0) NOT NULL ENABLE, \n\t\"DESCRIPTION\" VARCHAR2(400 BYTE)\n   ) SEGMENT CREATION IMMEDIATE \n  TABLESPACE \"USERS\" ;\n"));
    }
    text
}

/// Why the data of table number `i` of the job fails to load, if it does: the full USERS
/// tablespace of `tablespace_full` (second table), or the damaged dump of `corrupt_dump` (third
/// table, or the only one).
fn load_failure(spec: &JobSpec, i: usize) -> Option<Failure> {
    if spec.scenario == Scenario::TablespaceFull && i == 1 && spec.target_tablespace() == "USERS" {
        Some(Failure::TablespaceFull)
    } else if spec.scenario == Scenario::CorruptDump
        && i == 2.min(spec.tables.len().saturating_sub(1))
    {
        Some(Failure::Corrupt)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Failure {
    TablespaceFull,
    Corrupt,
}

/// What an import killed mid-job (KILL_JOB) leaves: the target users it created first (the
/// USER objects come before any table data, and a killed job does not roll back what it
/// created), without tables or rows.
pub fn apply_killed(db: &mut Database, spec: &JobSpec) {
    if spec.verify_only || spec.sqlfile.is_some() || spec.content == "DATA_ONLY" {
        return;
    }
    for s in &spec.schemas {
        let target = spec.target_schema(s);
        if db.user(&target).is_none() {
            if let Some(template) = db.user("BIZAGI").cloned() {
                db.users.push(crate::state::User {
                    name: target.clone(),
                    ..template
                });
            }
        }
    }
}

/// Records in the database what a finished import created: missing users (with the source's
/// roles, as the import's USER and ROLE_GRANT objects do), the schema's procedures and views,
/// and the tables with the rows it loaded. SKIP leaves an existing table alone, APPEND adds the
/// rows, TRUNCATE and REPLACE replace them; a table whose data failed (ORA-31693) is created
/// empty; METADATA_ONLY creates empty tables, DATA_ONLY creates nothing but rows.
pub fn apply(db: &mut Database, spec: &JobSpec) {
    if spec.verify_only {
        return;
    }
    let metadata = spec.content != "DATA_ONLY";
    let data = spec.content != "METADATA_ONLY";
    for s in &spec.schemas {
        let target = spec.target_schema(s);
        if metadata && db.user(&target).is_none() {
            if let Some(template) = db.user("BIZAGI").cloned() {
                db.users.push(crate::state::User {
                    name: target.clone(),
                    created: chrono::Local::now()
                        .format("%d-%b-%y")
                        .to_string()
                        .to_uppercase(),
                    ..template
                });
            }
        }
        if metadata && db.user(&target).is_some() {
            // Created in dependency order, one view still finds its base table missing and is
            // left INVALID until the schema is recompiled; under `warnings` the procedure of
            // ORA-39082 is INVALID too (and stays so: it has compilation errors).
            for mut o in crate::seed::schema_objects(&target, "VALID") {
                if db
                    .objects
                    .iter()
                    .any(|x| x.owner == o.owner && x.name == o.name)
                {
                    continue;
                }
                if o.name == "VW_OPEN_CASES"
                    || (spec.scenario == Scenario::Warnings && o.name == "SP_PURGE_LOGS")
                {
                    o.status = "INVALID".to_string();
                }
                db.objects.push(o);
            }
        }
    }
    for (i, (o, t, rows, bytes)) in spec.tables.iter().enumerate() {
        let target = spec.target_schema(o);
        let existed = spec.existing.tables.contains(&(target.clone(), t.clone()));
        let loaded = if data && load_failure(spec, i).is_none() {
            *rows
        } else {
            0
        };
        let loaded_bytes = if loaded > 0 { *bytes } else { 0 };
        if let Some(existing) = db
            .tables
            .iter_mut()
            .find(|x| x.owner == target && &x.name == t)
        {
            if !existed {
                continue;
            }
            match spec.table_exists_action.as_str() {
                "APPEND" if data => {
                    existing.rows += loaded;
                    existing.bytes += loaded_bytes;
                }
                "TRUNCATE" | "REPLACE" => {
                    existing.rows = loaded;
                    existing.bytes = loaded_bytes;
                }
                _ => {}
            }
        } else if metadata && db.user(&target).is_some() {
            db.tables.push(crate::state::Table {
                owner: target,
                name: t.clone(),
                rows: loaded,
                bytes: loaded_bytes,
                tablespace: spec.target_tablespace(),
            });
        }
    }
}

/// How long the `tablespace_full` job stays suspended in its resumable wait (a real one waits
/// up to RESUMABLE_TIMEOUT, 2 hours by default, then fails the table). Long enough for a
/// watcher polling `dba_resumable` every half second to see it; `ORACLE_SIM_RESUMABLE_MS`
/// changes it (a simulator-only knob).
fn resumable_wait_ms() -> u64 {
    std::env::var("ORACLE_SIM_RESUMABLE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Builds the import plan.
pub fn plan(spec: &JobSpec) -> Plan {
    let mut p = Plan::default();
    let slow = spec.scenario == Scenario::Slow;
    let existing = &spec.existing;
    let source = spec.source.clone();
    let mut errors = 0u32;
    p.metric("Startup took 0 seconds".to_string());
    p.worker(format!(
        "Master table {} successfully loaded/unloaded",
        spec.qualified()
    ));
    if let Some(src) = &source {
        if src.charset != spec.charset {
            p.line(format!(
                "import done in {} character set and {} NCHAR character set",
                spec.charset, spec.ncharset
            ));
            p.line(format!(
                "export done in {} character set and {} NCHAR character set",
                src.charset, src.ncharset
            ));
            p.line("Warning: possible data loss in character set conversions");
        }
    }
    if spec.verify_only {
        // Checked at start-up (a mismatch is ORA-39412 before the job starts).
        p.line("Verifying dump file checksums");
        p.line("dump file set is complete");
        for f in &spec.dump_paths {
            p.line(format!("verified checksum for dump file \"{f}\""));
        }
        p.line("dump file set is consistent");
        p.outcome = Some(Outcome::Success);
        return p;
    }
    p.line(format!("Starting {}:  {}", spec.qualified(), spec.starting));
    let pause = 60_000 / (spec.tables.len() as u64 + 12).max(1);
    let path = |p: &mut Plan, rel: &str, count: u32| {
        if slow {
            p.steps.push(Step::Pause(pause));
        }
        p.object_path(&format!("SCHEMA_EXPORT/{rel}"), count);
    };
    if spec.sqlfile.is_some() {
        // SQLFILE: the DDL is written to a file (see WriteSqlFile), nothing is imported.
        p.steps.push(Step::WriteSqlFile);
        for (rel, count) in [
            ("USER", 1),
            ("TABLE/TABLE", spec.tables.len() as u32),
            ("TABLE/INDEX/INDEX", 52),
            ("TABLE/CONSTRAINT/CONSTRAINT", 41),
        ] {
            path(&mut p, rel, count);
        }
        p.outcome = Some(Outcome::Success);
        return p;
    }
    let metadata = spec.content != "DATA_ONLY";
    let data = spec.content != "METADATA_ONLY";
    if metadata {
        path(&mut p, "USER", spec.schemas.len() as u32);
        for s in &spec.schemas {
            let target = spec.target_schema(s);
            if existing.users.contains(&target) {
                p.line(format!(
                    "ORA-31684: Object type USER:\"{target}\" already exists"
                ));
                p.line("");
                errors += 1;
            }
        }
        path(&mut p, "SYSTEM_GRANT", 6);
        path(&mut p, "ROLE_GRANT", 2);
        path(&mut p, "DEFAULT_ROLE", 1);
        path(&mut p, "TABLESPACE_QUOTA", 1);
        path(&mut p, "PRE_SCHEMA/PROCACT_SCHEMA", 1);
        path(&mut p, "SEQUENCE/SEQUENCE", 9);
        if spec.scenario == Scenario::Warnings {
            let target = spec
                .schemas
                .first()
                .map(|s| spec.target_schema(s))
                .unwrap_or_default();
            p.line(format!(
                "ORA-31684: Object type SEQUENCE:\"{target}\".\"SEQ_WFCASE\" already exists"
            ));
            p.line("");
            errors += 1;
        }
        path(&mut p, "TABLE/TABLE", spec.tables.len() as u32);
        if spec.scenario == Scenario::Fatal {
            let (o, t) = spec
                .tables
                .first()
                .map(|(o, t, _, _)| (spec.target_schema(o), t.clone()))
                .unwrap_or_default();
            p.line(format!("ORA-39126: Worker unexpected fatal error in KUPW$WORKER.LOAD_METADATA [TABLE:\"{o}\".\"{t}\"]"));
            p.line("ORA-06502: PL/SQL: numeric or value error");
            p.line("ORA-06512: at \"SYS.DBMS_SYS_ERROR\", line 105");
            p.line("ORA-06512: at \"SYS.KUPW$WORKER\", line 12630");
            p.line("");
            p.outcome = Some(Outcome::Fatal);
            return p;
        }
    }
    let mut skipped = Vec::new();
    for (o, t, _, _) in &spec.tables {
        let target = spec.target_schema(o);
        if existing.tables.contains(&(target.clone(), t.clone())) {
            match spec.table_exists_action.as_str() {
                "SKIP" => {
                    p.line(format!("ORA-39151: Table \"{target}\".\"{t}\" exists. All dependent metadata and data will be skipped due to table_exists_action of skip"));
                    skipped.push(t.clone());
                    errors += 1;
                }
                "APPEND" => {
                    p.line(format!("ORA-39152: Table \"{target}\".\"{t}\" exists. Data will be appended to existing table but all dependent metadata will be skipped due to table_exists_action of append"));
                    errors += 1;
                }
                "TRUNCATE" => {
                    p.line(format!("ORA-39153: Table \"{target}\".\"{t}\" exists and has been truncated. Data will be loaded but all dependent metadata will be skipped due to table_exists_action of truncate"));
                    errors += 1;
                }
                _ => {}
            }
        }
    }
    if data {
        path(&mut p, "TABLE/TABLE_DATA", 0);
        let crash_at = spec.tables.len() / 2;
        for (i, (o, t, rows, bytes)) in spec.tables.iter().enumerate() {
            if skipped.contains(t) {
                continue;
            }
            if spec.scenario == Scenario::Crash && i == crash_at {
                p.steps.push(Step::Crash);
            }
            if slow {
                p.steps.push(Step::Pause(pause));
            }
            let target = spec.target_schema(o);
            if load_failure(spec, i) == Some(Failure::Corrupt) {
                p.line(format!("ORA-31693: Table data object \"{target}\".\"{t}\" failed to load/unload and is being skipped due to error:"));
                p.line("ORA-02354: error in exporting/importing data");
                p.line(format!(
                    "ORA-39776: fatal Direct Path API error loading table \"{target}\".\"{t}\""
                ));
                p.line(
                    "ORA-39840: A data load operation has detected data stream format error 3000.",
                );
                errors += 1;
                continue;
            }
            // Only USERS is full: REMAP_TABLESPACE to another tablespace avoids the wait.
            if load_failure(spec, i) == Some(Failure::TablespaceFull) {
                let error = format!(
                    "ORA-01653: unable to extend table {target}.{t} by 128 in tablespace USERS"
                );
                p.line("ORA-39171: Job is experiencing a resumable wait.");
                p.line(error.clone());
                p.steps.push(Step::Resumable(Some(error.clone())));
                p.steps.push(Step::Pause(resumable_wait_ms()));
                p.line("ORA-39171: Job is experiencing a resumable wait.");
                p.line(error.clone());
                p.steps.push(Step::Resumable(None));
                p.line(format!("ORA-31693: Table data object \"{target}\".\"{t}\" failed to load/unload and is being skipped due to error:"));
                p.line("ORA-02354: error in exporting/importing data");
                p.line(format!(
                    "ORA-01653: unable to extend table {target}.{t} by 128 in tablespace USERS"
                ));
                errors += 1;
                continue;
            }
            p.worker(row_line(
                "imported",
                &target,
                t,
                *bytes,
                *rows,
                spec.metrics,
            ));
        }
        if !spec.tables.is_empty() {
            p.metric(format!(
                "     Completed {} SCHEMA_EXPORT/TABLE/TABLE_DATA objects in 0 seconds",
                spec.tables.len()
            ));
        }
    }
    if metadata {
        path(&mut p, "TABLE/COMMENT", 12);
        path(&mut p, "PROCEDURE/PROCEDURE", 3);
        path(&mut p, "PROCEDURE/ALTER_PROCEDURE", 3);
        if spec.scenario == Scenario::Warnings {
            let target = spec
                .schemas
                .first()
                .map(|s| spec.target_schema(s))
                .unwrap_or_default();
            p.line(format!("ORA-39082: Object type ALTER_PROCEDURE:\"{target}\".\"SP_PURGE_LOGS\" created with compilation warnings"));
            p.line("");
            errors += 1;
        }
        path(&mut p, "VIEW/VIEW", 4);
        path(&mut p, "TABLE/INDEX/INDEX", 52);
        path(&mut p, "TABLE/CONSTRAINT/CONSTRAINT", 41);
        path(&mut p, "TABLE/INDEX/STATISTICS/INDEX_STATISTICS", 52);
        path(&mut p, "TABLE/CONSTRAINT/REF_CONSTRAINT", 28);
        path(&mut p, "TABLE/STATISTICS/TABLE_STATISTICS", 37);
        path(&mut p, "STATISTICS/MARKER", 1);
    }
    for m in &spec.missing {
        if spec.mode == "TABLE" {
            p.line(format!(
                "ORA-39166: Object {m} was not found or could not be exported or imported."
            ));
        } else {
            p.line(format!("ORA-39165: Schema {m} was not found."));
        }
        errors += 1;
    }
    p.outcome = Some(if errors > 0 {
        Outcome::Errors(errors)
    } else {
        Outcome::Success
    });
    p
}
