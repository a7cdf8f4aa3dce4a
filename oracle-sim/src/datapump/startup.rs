//! Job start-up: where the files go (directory objects, `%U`), the checks Oracle makes before
//! a job exists (ORA-39002/39070/39087, ORA-39088, ORA-31641, ORA-31640), the job's name and
//! mode, and the resolved [`JobSpec`] of an export.

use super::job::{self, ClientEnd, JobSpec};
use super::output::{self, JobOutput};
use super::params::{self, Params};
use super::userid::Credentials;
use super::{dumpfile, import, Tool};
use crate::audit::Invocation;
use crate::clock;
use crate::home::{server_file, Home};
use crate::state::{Database, User};
use std::path::Path;

/// Splits `[dir:]file` into its directory object (if given) and file name.
pub(crate) fn split_dir(spec: &str) -> (Option<String>, String) {
    let raw = params::unquote(spec);
    match raw.split_once(':') {
        Some((d, f))
            if !d.is_empty()
                && d.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '#' || c == '"'
                }) =>
        {
            (Some(params::fold_name(d)), f.to_string())
        }
        _ => (None, raw),
    }
}

/// Validates the job's files and directory, registers the job and runs it.
#[allow(clippy::too_many_arguments)]
pub fn start(
    tool: Tool,
    home: &Home,
    db: &Database,
    user: &User,
    creds: &Credentials,
    params: &Params,
    out: &mut JobOutput,
    inv: &mut Invocation,
) -> Result<ClientEnd, Vec<String>> {
    let default_dir = params
        .value("DIRECTORY")
        .map(str::to_string)
        .unwrap_or_else(|| "DATA_PUMP_DIR".to_string());
    let invalid_dir = |name: &str| {
        vec![
            "ORA-39002: invalid operation".to_string(),
            "ORA-39070: Unable to open the log file.".to_string(),
            format!("ORA-39087: directory name {name} is invalid"),
        ]
    };
    // Resolve a [dir:]file to a server path, checking the directory object and its folder.
    let resolve = |spec: &str, what: &str| -> Result<String, Vec<String>> {
        let (dir, file) = split_dir(spec);
        if file.contains('/') || file.contains('\\') {
            return Err(vec![
                "ORA-39001: invalid argument value".to_string(),
                "ORA-39000: bad dump file specification".to_string(),
                "ORA-39088: file name cannot contain a path specification".to_string(),
            ]);
        }
        let dir_name = dir.unwrap_or_else(|| default_dir.clone());
        let Some(d) = db
            .directory(&dir_name)
            .filter(|d| db.can_use_directory(user, d))
        else {
            return Err(invalid_dir(&dir_name));
        };
        if !server_file(&d.path).is_dir() {
            return Err(vec![
                "ORA-39002: invalid operation".to_string(),
                if what == "log" {
                    "ORA-39070: Unable to open the log file.".to_string()
                } else {
                    "ORA-39000: bad dump file specification".to_string()
                },
                "ORA-29283: invalid file operation".to_string(),
                "ORA-06512: at \"SYS.UTL_FILE\", line 536".to_string(),
                "ORA-29283: invalid file operation".to_string(),
            ]);
        }
        Ok(format!("{}/{}", d.path.trim_end_matches('/'), file))
    };

    // The log file is opened first: a bad directory shows up as "Unable to open the log file".
    let log_path = if params.yes("NOLOGFILE") {
        None
    } else {
        let name = params
            .value("LOGFILE")
            .map(str::to_string)
            .unwrap_or_else(|| {
                match tool {
                    Tool::Expdp => "export.log",
                    Tool::Impdp => "import.log",
                }
                .to_string()
            });
        let name = if Path::new(&params::unquote(&name)).extension().is_none() {
            format!("{}.log", params::unquote(&name))
        } else {
            name
        };
        Some(resolve(&name, "log")?)
    };
    if log_path.is_none() {
        // Even without a log file the directory must be valid.
        if db
            .directory(&default_dir)
            .filter(|d| db.can_use_directory(user, d))
            .is_none()
        {
            return Err(invalid_dir(&default_dir));
        }
    }
    let mut dump_specs = params.values("DUMPFILE");
    if dump_specs.is_empty() {
        dump_specs.push("expdat.dmp".to_string());
    }
    let parallel = params
        .value("PARALLEL")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, 99);
    let filesize = params
        .value("FILESIZE")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|n| *n > 0);

    // Job name and mode.
    // Import of a whole dump set (no SCHEMAS / TABLES) is a FULL job, as in real logs.
    let mode = if params.yes("FULL") {
        "FULL"
    } else if params.has("TABLES") {
        "TABLE"
    } else if tool == Tool::Impdp && !params.has("SCHEMAS") {
        "FULL"
    } else {
        "SCHEMA"
    };
    let job_name = match params.value("JOB_NAME") {
        Some(n) => n.to_string(),
        None => job::default_job_name(db, &user.name, tool, mode).ok_or_else(|| {
            vec![
                "ORA-31634: job already exists".to_string(),
                "ORA-31664: unable to construct unique job name when defaulted".to_string(),
            ]
        })?,
    };

    // Open the log (its header carries the banner, Connected and the parfile values).
    let mut log_opened = false;
    if let Some(path) = &log_path {
        let parfile_lines: Vec<String> = params
            .list
            .iter()
            .filter(|p| p.from_parfile)
            .map(|p| {
                let value = if p.name == "USERID" {
                    Credentials::parse(&p.raw.join(",")).masked()
                } else {
                    p.raw.join(",")
                };
                format!("{}={value}", p.typed.to_ascii_lowercase())
            })
            .collect();
        if out.open_log(&server_file(path), &parfile_lines).is_ok() {
            log_opened = true;
        }
    }
    let _ = log_opened;
    out.logtime = output::LogTime::parse(params.value("LOGTIME"));
    out.metrics = params.yes("METRICS");

    let common = Common {
        tool,
        user,
        creds,
        params,
        job_name: job_name.clone(),
        mode: mode.to_string(),
        log_path: log_path.clone(),
        parallel,
        filesize,
    };
    let spec = match tool {
        Tool::Expdp => {
            let check_new = |dumps: &[String]| -> Result<(), Vec<String>> {
                if params.yes("REUSE_DUMPFILES") || params.yes("ESTIMATE_ONLY") {
                    return Ok(());
                }
                match dumps.iter().find(|p| server_file(p).exists()) {
                    Some(existing) => Err(vec![
                        "ORA-39001: invalid argument value".to_string(),
                        "ORA-39000: bad dump file specification".to_string(),
                        format!("ORA-31641: unable to create dump file \"{existing}\""),
                        "ORA-27038: created file already exists".to_string(),
                        "Additional information: 1".to_string(),
                    ]),
                    None => Ok(()),
                }
            };
            let dumps = expand_dump_files(&dump_specs, parallel, &resolve)?;
            check_new(&dumps)?;
            let mut spec = export_spec(db, &common, dumps)?;
            // FILESIZE: with %U the set grows by as many files as the data needs; without it
            // the job runs out of space.
            if let (Some(size), false) = (filesize, spec.estimate_only) {
                let total = dumpfile::content(&job::manifest(&spec)).len() as u64;
                let needed = total.div_ceil(size).clamp(1, 99) as u32;
                let templated = dump_specs.iter().any(|s| has_substitution(s));
                if templated && needed > parallel {
                    spec.dump_paths = expand_dump_files(&dump_specs, needed, &resolve)?;
                    check_new(&spec.dump_paths)?;
                } else if !templated && total > size * spec.dump_paths.len() as u64 {
                    spec.dump_exhausted = true;
                }
            }
            spec
        }
        Tool::Impdp => {
            let mut dumps = Vec::new();
            for spec in &dump_specs {
                let path = resolve(spec, "dump")?;
                if spec.contains("%U") || spec.contains("%u") {
                    let mut n = 1;
                    loop {
                        let p = path
                            .replace("%U", &format!("{n:02}"))
                            .replace("%u", &format!("{n:02}"));
                        if !server_file(&p).exists() {
                            break;
                        }
                        dumps.push(p);
                        n += 1;
                    }
                    if n == 1 {
                        return Err(missing_dump(&path.replace("%U", "01").replace("%u", "01")));
                    }
                } else {
                    if !server_file(&path).exists() {
                        return Err(missing_dump(&path));
                    }
                    dumps.push(path);
                }
            }
            import::spec(db, &common, dumps)?
        }
    };
    inv.job_name = Some(spec.job_name.clone());
    job::register(home, &spec).map_err(|e| vec![e])?;
    Ok(job::execute(home, &spec, out, 0, inv))
}

fn missing_dump(path: &str) -> Vec<String> {
    vec![
        "ORA-39001: invalid argument value".to_string(),
        "ORA-39000: bad dump file specification".to_string(),
        format!("ORA-31640: unable to open dump file \"{path}\" for read"),
        "ORA-27037: unable to obtain file status".to_string(),
        "Linux-x86_64 Error: 2: No such file or directory".to_string(),
        "Additional information: 7".to_string(),
    ]
}

/// What both job kinds share.
pub struct Common<'a> {
    pub tool: Tool,
    pub user: &'a User,
    pub creds: &'a Credentials,
    pub params: &'a Params,
    pub job_name: String,
    pub mode: String,
    pub log_path: Option<String>,
    pub parallel: u32,
    pub filesize: Option<u64>,
}

impl Common<'_> {
    /// The text after `Starting "O"."J":  `: the masked userid and the command line.
    pub fn starting(&self) -> String {
        let echo = self.params.echo.trim();
        if echo.is_empty() {
            self.creds.masked()
        } else {
            format!("{} {echo}", self.creds.masked())
        }
    }

    pub fn base_spec(&self, db: &Database) -> JobSpec {
        JobSpec {
            tool: self.tool,
            owner: self.user.name.clone(),
            job_name: self.job_name.clone(),
            mode: self.mode.clone(),
            scenario: db.scenario,
            schemas: vec![],
            tables: vec![],
            missing: vec![],
            log_path: self.log_path.clone(),
            dump_paths: vec![],
            filesize: self.filesize,
            parallel: self.parallel,
            metrics: self.params.yes("METRICS"),
            logtime: self.params.value("LOGTIME").unwrap_or("NONE").to_string(),
            keep_master: self.params.yes("KEEP_MASTER"),
            content: self.params.value("CONTENT").unwrap_or("ALL").to_string(),
            estimate_only: self.params.yes("ESTIMATE_ONLY"),
            starting: self.starting(),
            charset: db.charset.clone(),
            ncharset: db.ncharset.clone(),
            version: db.version.clone(),
            source: None,
            remap_schema: vec![],
            remap_tablespace: vec![],
            dump_exhausted: false,
            table_exists_action: String::new(),
            existing: Default::default(),
            sqlfile: None,
            // CHECKSUM defaults to NO, and to YES when CHECKSUM_ALGORITHM is given; it needs
            // COMPATIBLE >= 20 (the parameters exist only on 21c clients).
            checksum: (self.params.yes("CHECKSUM")
                || (self.params.has("CHECKSUM_ALGORITHM") && !self.params.has("CHECKSUM")))
                && Database::major(&db.compatible()) >= 20,
            verify_only: self.params.yes("VERIFY_ONLY"),
            started: clock::iso(chrono::Local::now()),
        }
    }
}

/// Resolves `[dir:]file` to a server path, or the error lines.
type Resolver<'a> = dyn Fn(&str, &str) -> Result<String, Vec<String>> + 'a;

/// Whether a dump file name has a substitution variable (`%U`, `%L`).
fn has_substitution(name: &str) -> bool {
    ["%U", "%u", "%L", "%l"].iter().any(|v| name.contains(v))
}

/// Expands `%U` (01, 02...) in the dump file names: one file per worker with PARALLEL, and more
/// when FILESIZE splits the set.
fn expand_dump_files(
    specs: &[String],
    count: u32,
    resolve: &Resolver,
) -> Result<Vec<String>, Vec<String>> {
    let mut out = Vec::new();
    for spec in specs {
        let path = resolve(spec, "dump")?;
        let path = if Path::new(&path).extension().is_none() {
            format!("{path}.dmp")
        } else {
            path
        };
        if has_substitution(&path) {
            for n in 1..=count {
                let num = format!("{n:02}");
                out.push(
                    path.replace("%U", &num)
                        .replace("%u", &num)
                        .replace("%L", &num)
                        .replace("%l", &num),
                );
            }
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// Resolves the export's schemas and tables.
fn export_spec(db: &Database, c: &Common, dumps: Vec<String>) -> Result<JobSpec, Vec<String>> {
    let mut spec = c.base_spec(db);
    spec.dump_paths = if spec.estimate_only { vec![] } else { dumps };
    let table_of = |t: &crate::state::Table| (t.owner.clone(), t.name.clone(), t.rows, t.bytes);
    let is_master = |t: &crate::state::Table| {
        db.jobs
            .iter()
            .any(|j| j.owner == t.owner && j.job_name == t.name)
    };
    match c.mode.as_str() {
        "FULL" => {
            if !c.user.is_datapump_exp_full() {
                return Err(vec!["ORA-31631: privileges are required".to_string()]);
            }
            spec.schemas = db.users.iter().map(|u| u.name.clone()).collect();
            spec.tables = db
                .tables
                .iter()
                .filter(|t| t.owner == "BIZAGI")
                .map(table_of)
                .collect();
        }
        "TABLE" => {
            for t in c.params.values("TABLES") {
                let (owner, name) = match t.split_once('.') {
                    Some((o, n)) => (o.to_string(), n.to_string()),
                    None => (c.user.name.clone(), t.clone()),
                };
                if owner != c.user.name && !c.user.is_datapump_exp_full() {
                    return Err(vec!["ORA-31631: privileges are required".to_string()]);
                }
                match db
                    .tables
                    .iter()
                    .find(|x| x.owner == owner && x.name == name && !is_master(x))
                {
                    Some(x) => spec.tables.push(table_of(x)),
                    None => spec.missing.push(format!("{owner}.{name}")),
                }
                if !spec.schemas.contains(&owner) {
                    spec.schemas.push(owner);
                }
            }
        }
        _ => {
            let mut schemas = c.params.values("SCHEMAS");
            if schemas.is_empty() {
                schemas.push(c.user.name.clone());
            }
            for s in schemas {
                if s != c.user.name && !c.user.is_datapump_exp_full() {
                    return Err(vec!["ORA-31631: privileges are required".to_string()]);
                }
                if db.user(&s).is_none() {
                    spec.missing.push(s);
                    continue;
                }
                spec.tables.extend(
                    db.tables
                        .iter()
                        .filter(|t| t.owner == s && !is_master(t))
                        .map(table_of),
                );
                spec.schemas.push(s);
            }
        }
    }
    Ok(spec)
}
