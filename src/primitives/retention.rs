//! `prune_archives`: retention that can only ever remove old, proven backups of *this* database.
//!
//! The decisions are [`crate::archive::retention`]'s (which archives are this database's, which
//! are the newest, what must be proven before removing one); this file checks the options, asks
//! for confirmation when the caller has not got the DBA's consent already, removes what was
//! proven, and says exactly what it removed and what it left alone, and why. A script calls it
//! only after a verified success (Ola Hallengren's rule: clean up old backups only once the new
//! one is good).

use super::errors::script_error;
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::archive::retention::{self, Candidate, LeftAlone, Rules};
use crate::primitives::runtime::{Answer, HostCtx};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const PRUNE_ARCHIVES: PrimitiveDoc = PrimitiveDoc {
    name: "prune_archives",
    signature: "prune_archives(folder: string, opts: Map) -> Map",
    summary: "Keeps the newest `keep` verified archives of one database and schema in `folder` and removes older ones with their manifests. `opts`: `#{ schema, keep, database, procedure, protect, confirmed }`: `database` is the identity key the manifests must carry (`database_identity(db).key`), `procedure` defaults to `bizagi_export`, `protect` (a path or an array) names archives never to remove (the ones this run made: they count as the newest whatever any clock says), `confirmed: true` says the caller already has the DBA's consent (the standard procedure's `--set keep=N`), `run_started` (a `now_utc()` time) keeps every archive dated later (another run's, made meanwhile, or one dated in the future, listed as a problem). Only format-2 manifests bizscript wrote for that database, schema and procedure, with a verified `ok` backup, are candidates; they are ordered by the later of the time in their file name and in their manifest. Before removing one it checks that the archive beside the manifest is the file the manifest names, a regular file with the recorded size and SHA-256 (full re-hash). Without `confirmed` it asks on a terminal and needs `--yes` otherwise; under `--dry-run` it only lists. Returns `#{ kept, removed, left_alone, problems }`: `left_alone` lists `#{ archive, manifest, reason, problem, this_database }`; `problems` counts the entries a person should look at (an archive of this database that failed its proof or could not be removed).",
    example: r#"let db = oracle(#{ user: "BIZAGIADMON", password: secret_env("BIZSCRIPT_PASSWORD"), connect: "//localhost:1521/ORCLPDB1" });
let r = prune_archives("backups", #{ schema: "BIZAGI", keep: 7, database: database_identity(db).key });
print(`removed ${r.removed.len()} old archive(s), ${r.problems} problem(s)`);"#,
};

const OPTIONS: &[&str] = &[
    "schema",
    "keep",
    "procedure",
    "database",
    "protect",
    "confirmed",
    "run_started",
];

/// Registers `prune_archives`.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = ctx.clone();
    registration(&PRUNE_ARCHIVES).register_into_engine(engine, move |folder: &str, opts: Map| {
        c.record("prune_archives", prune(&c, folder, &opts))
    });
}

fn string_opt(opts: &Map, key: &str) -> Option<String> {
    opts.get(key).and_then(|v| v.clone().into_string().ok())
}

fn usage(message: &str) -> Box<EvalAltResult> {
    script_error(
        "BZ-USAGE",
        format!("prune_archives: {message}"),
        PRUNE_ARCHIVES.signature,
    )
}

fn rules_of(opts: &Map) -> Result<(Rules, bool), Box<EvalAltResult>> {
    check_keys("prune_archives", opts, OPTIONS)?;
    let schema =
        string_opt(opts, "schema").ok_or_else(|| usage("`schema` (a string) is required"))?;
    let keep = opts
        .get("keep")
        .and_then(|v| v.as_int().ok())
        .ok_or_else(|| usage("`keep` (an integer) is required"))?;
    if keep < 1 {
        return Err(usage(
            "`keep` must be at least 1: retention never removes the newest archive",
        ));
    }
    let database = match opts.get("database") {
        Some(v) if v.is_string() => v.clone().into_string().unwrap_or_default(),
        Some(v) if v.is_unit() => {
            return Err(script_error(
                "BZ-RETENTION-IDENTITY",
                "prune_archives: the database identity is unknown (no DBID was readable), so retention cannot tell this database's archives from another's; nothing was removed",
                "grant SELECT_CATALOG_ROLE to the export user, or remove old archives by hand",
            ))
        }
        _ => {
            return Err(usage(
                "`database` (the identity key, database_identity(db).key) is required: retention must know whose archives it may remove",
            ))
        }
    };
    if database.trim().is_empty() {
        return Err(usage("`database` must not be empty"));
    }
    let protect = match opts.get("protect") {
        None => Vec::new(),
        Some(v) if v.is_unit() => Vec::new(),
        Some(v) if v.is_string() => {
            vec![PathBuf::from(v.clone().into_string().unwrap_or_default())]
        }
        Some(v) => v
            .clone()
            .into_typed_array::<Dynamic>()
            .map_err(|_| usage("`protect` must be a path or an array of paths"))?
            .into_iter()
            .map(|p| {
                p.into_string()
                    .map(PathBuf::from)
                    .map_err(|_| usage("`protect` must hold paths (strings)"))
            })
            .collect::<Result<_, _>>()?,
    };
    let confirmed = match opts.get("confirmed") {
        None => false,
        Some(v) => v
            .as_bool()
            .map_err(|_| usage("`confirmed` must be true or false"))?,
    };
    let started = match opts.get("run_started") {
        None => None,
        Some(v) if v.is_unit() => None,
        Some(v) => {
            let text = v
                .clone()
                .into_string()
                .map_err(|_| usage("`run_started` must be an RFC 3339 time (now_utc())"))?;
            Some(
                chrono::DateTime::parse_from_rfc3339(&text)
                    .map_err(|_| usage("`run_started` must be an RFC 3339 time (now_utc())"))?
                    .with_timezone(&chrono::Utc),
            )
        }
    };
    Ok((
        Rules {
            started,
            schema,
            procedure: string_opt(opts, "procedure").unwrap_or_else(|| "bizagi_export".into()),
            database,
            keep: usize::try_from(keep).unwrap_or(usize::MAX),
            protect,
        },
        confirmed,
    ))
}

fn shown(path: &Path) -> Dynamic {
    Dynamic::from(path.display().to_string())
}

fn left_alone_map(l: &LeftAlone) -> Dynamic {
    let mut m = Map::new();
    m.insert("archive".into(), shown(&l.archive));
    m.insert("manifest".into(), shown(&l.manifest));
    m.insert("reason".into(), Dynamic::from(l.reason.clone()));
    m.insert("problem".into(), Dynamic::from(l.problem));
    m.insert("this_database".into(), Dynamic::from(l.this_database));
    Dynamic::from_map(m)
}

fn prune(ctx: &HostCtx, folder: &str, opts: &Map) -> Result<Map, Box<EvalAltResult>> {
    let (rules, confirmed) = rules_of(opts)?;
    let listed = retention::list(Path::new(folder)).map_err(|e| {
        script_error(
            "BZ-FILE",
            format!("prune_archives: cannot list {folder}: {e}; nothing was removed"),
            "check the folder",
        )
    })?;
    let decision = retention::decide(listed, &rules);
    let mut left_alone = decision.left_alone;

    // Rule 4 first, for every candidate (also under --dry-run: reading proves nothing wrong).
    let mut proven: Vec<Candidate> = Vec::new();
    for c in decision.remove {
        match retention::prove(&c) {
            Ok(()) => proven.push(c),
            Err(reason) => left_alone.push(LeftAlone {
                archive: c.archive,
                manifest: c.manifest,
                reason: format!("would have been removed, but {reason}"),
                problem: true,
                this_database: true,
            }),
        }
    }

    let mut removed = Array::new();
    if !proven.is_empty() {
        if ctx.dry_run() {
            for c in &proven {
                eprintln!(
                    "retention: would remove {} (and its manifest)",
                    c.archive.display()
                );
                removed.push(shown(&c.archive));
            }
        } else {
            if !confirmed {
                for c in &proven {
                    eprintln!(
                        "retention: to remove {} (and its manifest)",
                        c.archive.display()
                    );
                }
                confirm(ctx, proven.len())?;
            }
            for c in &proven {
                match retention::remove(c) {
                    Ok(()) => {
                        eprintln!(
                            "retention: removed {} (and its manifest)",
                            c.archive.display()
                        );
                        removed.push(shown(&c.archive));
                    }
                    Err(reason) => {
                        // The archive may be gone and only its manifest left: say exactly that.
                        let archive_gone = !c.archive.exists();
                        if archive_gone {
                            eprintln!("retention: removed {}", c.archive.display());
                            removed.push(shown(&c.archive));
                        }
                        left_alone.push(LeftAlone {
                            archive: if archive_gone {
                                c.manifest.clone()
                            } else {
                                c.archive.clone()
                            },
                            manifest: c.manifest.clone(),
                            reason,
                            problem: true,
                            this_database: true,
                        });
                    }
                }
            }
        }
    }
    for l in &left_alone {
        if l.problem || l.this_database {
            eprintln!(
                "retention: left alone {}: {}",
                l.archive.display(),
                l.reason
            );
        } else {
            tracing::info!(archive = %l.archive.display(), reason = %l.reason, "retention: not a candidate");
        }
    }
    let others = left_alone
        .iter()
        .filter(|l| !l.problem && !l.this_database)
        .count();
    if others > 0 {
        eprintln!(
            "retention: {others} other file(s) left alone: other databases, schemas or procedures, manifests without a database identity, or not made by bizscript"
        );
    }
    let problems = left_alone.iter().filter(|l| l.problem).count();
    let mut map = Map::new();
    map.insert(
        "kept".into(),
        Dynamic::from_array(decision.keep.iter().map(|c| shown(&c.archive)).collect()),
    );
    map.insert("removed".into(), Dynamic::from_array(removed));
    map.insert(
        "left_alone".into(),
        Dynamic::from_array(left_alone.iter().map(left_alone_map).collect()),
    );
    map.insert("problems".into(), Dynamic::from(problems as i64));
    Ok(map)
}

fn confirm(ctx: &HostCtx, count: usize) -> Result<(), Box<EvalAltResult>> {
    match ctx.confirm(&format!("Remove {count} old archive(s)")) {
        Ok(Answer::Yes) => Ok(()),
        Ok(Answer::No) | Err(_) => Err(script_error(
            "BZ-DECLINED",
            "retention declined: nothing removed",
            "",
        )),
        Ok(Answer::NoTerminal) => Err(script_error(
            "BZ-CONFIRM",
            format!(
                "retention would remove {count} archive(s) and needs confirmation; nothing was removed"
            ),
            "run with --yes in unattended runs (after checking the list with --dry-run)",
        )),
    }
}
