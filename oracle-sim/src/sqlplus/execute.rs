//! Running a parsed statement against the simulated database and printing its result as
//! SQL*Plus does under the session's SET options.

use super::identity::{service_of, Identity, SessionInfo};
use super::parser::Statement;
use super::{say, views, Session};
use crate::state::{Database, DirectoryGrant};

/// Predefined roles a user name may not take.
const ROLES: &[&str] = &[
    "DBA",
    "CONNECT",
    "RESOURCE",
    "SELECT_CATALOG_ROLE",
    "DATAPUMP_EXP_FULL_DATABASE",
    "DATAPUMP_IMP_FULL_DATABASE",
    "PUBLIC",
];

impl Session<'_> {
    pub(super) fn feedback(&self, text: &str) {
        if self.settings.feedback > 0 {
            say("");
            say(text);
            say("");
        }
    }

    pub(super) fn execute(&mut self, user_name: &str, stmt: Statement) -> Result<(), String> {
        match stmt {
            Statement::Select(q) => {
                let db = Database::load(self.home).map_err(|e| format!("oracle-sim: {e}"))?;
                let user = db
                    .user(user_name)
                    .cloned()
                    .ok_or("ORA-01012: not logged on")?;
                let session = SessionInfo {
                    identity: Identity::of_home(self.home),
                    service: service_of(self.connect.as_deref()),
                    user: user.name.clone(),
                    is_dba: user.name == "SYS" || user.has_role("DBA"),
                };
                let env = views::Env {
                    client_nls: self.nls_lang.as_deref(),
                    session: &session,
                };
                let (headings, rows) = views::select(&db, &user, &q, &env)?;
                self.print_rows(&headings, &rows);
                Ok(())
            }
            Statement::CreateDirectory {
                replace,
                name,
                path,
            } => {
                self.update(|db| {
                    let user = db
                        .user(user_name)
                        .cloned()
                        .ok_or("ORA-01012: not logged on")?;
                    if !user.has_privilege("CREATE ANY DIRECTORY") {
                        return Err("ORA-01031: insufficient privileges".to_string());
                    }
                    if path.split('/').any(|seg| seg == "..") {
                        return Err("ORA-22929: invalid or missing directory name".to_string());
                    }
                    match db.directories.iter_mut().find(|d| d.name == name) {
                        Some(_) if !replace => {
                            Err("ORA-00955: name is already used by an existing object".to_string())
                        }
                        // OR REPLACE changes the path and keeps the grants.
                        Some(d) => {
                            d.path = path.clone();
                            Ok(())
                        }
                        None => {
                            db.directories.push(crate::state::Directory {
                                name: name.clone(),
                                path: path.clone(),
                                grants: ["READ", "WRITE", "EXECUTE"]
                                    .iter()
                                    .map(|p| DirectoryGrant {
                                        grantee: user.name.clone(),
                                        privilege: p.to_string(),
                                    })
                                    .collect(),
                            });
                            Ok(())
                        }
                    }
                })?;
                self.feedback("Directory created.");
                Ok(())
            }
            Statement::DropDirectory { name } => {
                self.update(|db| {
                    let user = db
                        .user(user_name)
                        .cloned()
                        .ok_or("ORA-01012: not logged on")?;
                    if !user.has_privilege("DROP ANY DIRECTORY") {
                        return Err("ORA-01031: insufficient privileges".to_string());
                    }
                    let before = db.directories.len();
                    db.directories.retain(|d| d.name != name);
                    if before == db.directories.len() {
                        return Err("ORA-04043: object ".to_string() + &name + " does not exist");
                    }
                    Ok(())
                })?;
                self.feedback("Directory dropped.");
                Ok(())
            }
            Statement::GrantDirectory {
                privileges,
                directory,
                grantees,
            } => {
                self.update(|db| {
                    let user = db
                        .user(user_name)
                        .cloned()
                        .ok_or("ORA-01012: not logged on")?;
                    for p in &privileges {
                        if !matches!(p.as_str(), "READ" | "WRITE" | "EXECUTE") {
                            return Err("ORA-22928: invalid privilege on directories".to_string());
                        }
                    }
                    let Some(dir) = db.directories.iter().position(|d| d.name == directory) else {
                        return Err("ORA-00942: table or view does not exist".to_string());
                    };
                    let holds = db.directories[dir]
                        .grants
                        .iter()
                        .any(|g| g.grantee == user.name);
                    if !user.has_role("DBA") && !holds {
                        return Err("ORA-01031: insufficient privileges".to_string());
                    }
                    for g in &grantees {
                        if db.user(g).is_none()
                            && !matches!(
                                g.as_str(),
                                "PUBLIC"
                                    | "DBA"
                                    | "DATAPUMP_EXP_FULL_DATABASE"
                                    | "DATAPUMP_IMP_FULL_DATABASE"
                            )
                        {
                            return Err(format!("ORA-01917: user or role '{g}' does not exist"));
                        }
                    }
                    for g in &grantees {
                        for p in &privileges {
                            let grant = DirectoryGrant {
                                grantee: g.clone(),
                                privilege: p.clone(),
                            };
                            if !db.directories[dir].grants.contains(&grant) {
                                db.directories[dir].grants.push(grant);
                            }
                        }
                    }
                    Ok(())
                })?;
                self.feedback("Grant succeeded.");
                Ok(())
            }
            Statement::DropTable { owner, table } => {
                let owner = owner.unwrap_or_else(|| user_name.to_string());
                self.update(|db| {
                    let user = db.user(user_name).cloned().ok_or("ORA-01012: not logged on")?;
                    if !db.table_exists(&owner, &table) {
                        return Err("ORA-00942: table or view does not exist".to_string());
                    }
                    if owner != user.name && !user.has_role("DBA") {
                        return Err("ORA-01031: insufficient privileges".to_string());
                    }
                    if let Some(job) = db.job(&owner, &table) {
                        // The master table of a job that still has a live client is in use.
                        if job.effective_state().1 > 0 {
                            return Err("ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired".to_string());
                        }
                    }
                    // Dropping a master table removes its job from dba_datapump_jobs.
                    crate::datapump::job::remove_job(db, &owner, &table);
                    db.tables.retain(|t| !(t.owner == owner && t.name == table));
                    Ok(())
                })?;
                self.feedback("Table dropped.");
                Ok(())
            }
            Statement::CreateUser {
                name,
                default_tablespace,
            } => {
                self.update(|db| {
                    let user = db
                        .user(user_name)
                        .cloned()
                        .ok_or("ORA-01012: not logged on")?;
                    if !user.has_privilege("CREATE USER") {
                        return Err("ORA-01031: insufficient privileges".to_string());
                    }
                    if db.user(&name).is_some() || ROLES.contains(&name.as_str()) {
                        return Err(format!(
                            "ORA-01920: user name '{name}' conflicts with another user or role name"
                        ));
                    }
                    let ts = default_tablespace.unwrap_or_else(|| "USERS".to_string());
                    if !db.tablespaces.iter().any(|t| t.name == ts) {
                        return Err(format!("ORA-00959: tablespace '{ts}' does not exist"));
                    }
                    db.users.push(crate::state::User {
                        name,
                        roles: vec![],
                        privileges: vec![],
                        default_tablespace: ts,
                        account_status: "OPEN".to_string(),
                        created: chrono::Local::now()
                            .format("%d-%b-%y")
                            .to_string()
                            .to_uppercase(),
                    });
                    Ok(())
                })?;
                self.feedback("User created.");
                Ok(())
            }
            Statement::DropUser { name, cascade } => {
                self.update(|db| {
                    let user = db
                        .user(user_name)
                        .cloned()
                        .ok_or("ORA-01012: not logged on")?;
                    if !user.has_privilege("DROP USER") {
                        return Err("ORA-01031: insufficient privileges".to_string());
                    }
                    if db.user(&name).is_none() {
                        return Err(format!("ORA-01918: user '{name}' does not exist"));
                    }
                    // Connected: this session, or a Data Pump job of the user whose client is
                    // alive (its sessions are logged on as the user).
                    let connected = name == user_name
                        || db
                            .jobs
                            .iter()
                            .any(|j| j.owner == name && j.effective_state().1 > 0);
                    if connected {
                        return Err(
                            "ORA-01940: cannot drop a user that is currently connected".to_string()
                        );
                    }
                    let owns = db.tables.iter().any(|t| t.owner == name)
                        || db.objects.iter().any(|o| o.owner == name);
                    if owns && !cascade {
                        return Err(format!(
                            "ORA-01922: CASCADE must be specified to drop '{name}'"
                        ));
                    }
                    db.tables.retain(|t| t.owner != name);
                    db.objects.retain(|o| o.owner != name);
                    db.jobs.retain(|j| j.owner != name);
                    for d in &mut db.directories {
                        d.grants.retain(|g| g.grantee != name);
                    }
                    db.users.retain(|u| u.name != name);
                    Ok(())
                })?;
                self.feedback("User dropped.");
                Ok(())
            }
        }
    }

    fn update(
        &self,
        change: impl FnOnce(&mut Database) -> Result<(), String>,
    ) -> Result<(), String> {
        Database::update(self.home, change).map_err(|e| format!("oracle-sim: {e}"))?
    }

    fn print_rows(&self, headings: &[String], rows: &[Vec<String>]) {
        if rows.is_empty() {
            if self.settings.feedback > 0 {
                say("");
                say("no rows selected");
                say("");
            }
            return;
        }
        let show_heading = self.settings.heading && self.settings.pagesize > 0;
        let widths: Vec<usize> = (0..headings.len())
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain(std::iter::once(headings[i].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        if show_heading {
            say("");
            let h: Vec<String> = headings
                .iter()
                .zip(&widths)
                .map(|(h, w)| format!("{h:<w$}"))
                .collect();
            say(h.join(&self.settings.colsep).trim_end());
            let d: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            say(&d.join(&self.settings.colsep));
        }
        for r in rows {
            let line = if r.len() == 1 {
                r[0].clone()
            } else {
                r.iter()
                    .zip(&widths)
                    .map(|(v, w)| format!("{v:<w$}"))
                    .collect::<Vec<_>>()
                    .join(&self.settings.colsep)
            };
            // TRIMOUT ON (the default) drops trailing blanks.
            say(line.trim_end());
        }
        if self.settings.feedback > 0 && rows.len() as u32 >= self.settings.feedback {
            say("");
            say(&format!(
                "{} row{} selected.",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            ));
            say("");
        }
    }
}
