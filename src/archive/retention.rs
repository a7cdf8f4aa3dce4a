//! Retention decisions: which old archives may be removed, and the proof each must pass first.
//!
//! Plain functions over the archive folder and its manifests (no Rhai, no host); the
//! `prune_archives` primitive asks, confirms and prints. The rules, in the order they apply:
//!
//! 1. Only a manifest bizscript wrote (format 2 or later) for the same **database identity**
//!    (its `database.key`, see `crate::oracle::database_identity`), schema and procedure is a
//!    candidate. PROD's archives are never TEST's to remove, even in a shared folder with the
//!    same schema name; a format-1 manifest (no identity) is never a candidate.
//! 2. Only a **verified `ok` backup** counts: its manifest says `verdict: "ok"` and
//!    `archive.verified: true`. Anything else is left alone (and does not count toward `keep`).
//! 3. The archives this run made (`protect`) are never removed and are the newest, whatever the
//!    clocks say: a manifest from the future (a clock ahead, a folder copied from another host)
//!    cannot make the new archive look old. The others are ordered by the later of the time in
//!    their own file name and in their manifest; the newest `keep` (this run's included) stay.
//!    An archive dated after this run started (`started`, to the second) is never removed
//!    either: it was made by another run of this database while this one ran (two connect
//!    strings for one database take two procedure locks), whose report names it, or its date is
//!    in the future, which a person should look at (listed as a problem).
//! 4. Before anything is removed, [`prove`] checks that the archive beside the manifest is the
//!    one it describes: the manifest names that file, it is a regular file (not a symlink), has
//!    the recorded size and the recorded SHA-256 (a full re-hash: a cheaper proof such as size
//!    and modification time would not catch a different zip of the same size copied beside a
//!    manifest). What fails is left alone and listed as a problem.
//!
//! Everything not removed is listed with the reason, so the run can say exactly what it did not
//! do and why.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The manifest format that records the database identity.
pub const FORMAT_WITH_IDENTITY: u64 = 2;

/// What to keep and what may go.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The schema the archives are of (compared case-insensitively, as Oracle names are).
    pub schema: String,
    /// The procedure that made them (`bizagi_export`).
    pub procedure: String,
    /// The database identity key the archives must carry.
    pub database: String,
    /// How many verified archives of that database stay (at least 1).
    pub keep: usize,
    /// Archives that are never removed: the ones this run made.
    pub protect: Vec<PathBuf>,
    /// When this run started: archives dated later are never removed.
    pub started: Option<DateTime<Utc>>,
}

/// How far ahead of this machine's clock an archive's date may be before it is called "in the
/// future" (clocks of two hosts a few seconds apart are normal).
const CLOCK_SLACK: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// One manifest found in the folder, with the archive beside it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// `NAME.manifest.json`.
    pub manifest: PathBuf,
    /// `NAME.zip` in the same folder.
    pub archive: PathBuf,
    /// The parsed manifest, or why it could not be read.
    pub content: Result<Value, String>,
}

/// An archive that may be removed once proven, or one that stays because it is among the newest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub archive: PathBuf,
    pub manifest: PathBuf,
    /// The later of the time in its name and in its manifest.
    pub time: DateTime<Utc>,
    /// The size its manifest records.
    pub bytes: u64,
    /// The SHA-256 its manifest records.
    pub sha256: String,
    /// Never removed: one of the archives this run made, or one dated after this run started.
    pub protected: bool,
    /// One of the archives this run made.
    pub own: bool,
}

/// An archive retention did not remove, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftAlone {
    pub archive: PathBuf,
    pub manifest: PathBuf,
    pub reason: String,
    /// True when a person should look: an archive of this database that retention would have
    /// removed, or cannot judge. False for what is simply not this retention's business
    /// (another database, schema or procedure, a file bizscript did not make).
    pub problem: bool,
    /// An archive of this database, schema and procedure (as opposed to someone else's).
    pub this_database: bool,
}

/// What [`decide`] concluded.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// The newest `keep` verified archives of this database, this run's first.
    pub keep: Vec<Candidate>,
    /// Older verified archives of this database: to be proven, then removed.
    pub remove: Vec<Candidate>,
    pub left_alone: Vec<LeftAlone>,
}

/// Lists every `*.manifest.json` in `folder` (regular files only: a symlinked manifest is listed
/// as unreadable, never followed).
pub fn list(folder: &Path) -> io::Result<Vec<Listed>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix(".manifest.json") else {
            continue;
        };
        let manifest = entry.path();
        let content = match fs::symlink_metadata(&manifest) {
            Ok(meta) if meta.file_type().is_file() => fs::read_to_string(&manifest)
                .map_err(|e| format!("cannot read the manifest: {e}"))
                .and_then(|text| {
                    serde_json::from_str::<Value>(&text)
                        .map_err(|e| format!("the manifest is not valid JSON: {e}"))
                }),
            Ok(_) => Err("the manifest is not a regular file (a symlink?)".to_string()),
            Err(e) => Err(format!("cannot read the manifest: {e}")),
        };
        found.push(Listed {
            archive: folder.join(format!("{stem}.zip")),
            manifest,
            content,
        });
    }
    found.sort_by(|a, b| a.manifest.cmp(&b.manifest));
    Ok(found)
}

/// The `YYYYMMDD_HHMMSS` time in a file name (`BIZAGI_20261124_010203_K7Q2.zip`), as UTC.
pub fn time_in_name(name: &str) -> Option<DateTime<Utc>> {
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(14)).find_map(|i| {
        let window = bytes.get(i..i + 15)?;
        let shape = window.iter().enumerate().all(|(j, b)| {
            if j == 8 {
                *b == b'_'
            } else {
                b.is_ascii_digit()
            }
        });
        // Digits must not run on before or after (a longer number is not a timestamp).
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 15).is_none_or(|b| !b.is_ascii_digit());
        if !(shape && bounded) {
            return None;
        }
        let text = std::str::from_utf8(window).ok()?;
        NaiveDateTime::parse_from_str(text, "%Y%m%d_%H%M%S")
            .ok()
            .map(|t| t.and_utc())
    })
}

/// The manifest's `created` time (RFC 3339).
fn time_in_manifest(manifest: &Value) -> Option<DateTime<Utc>> {
    manifest["created"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn same_path(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Applies rules 1-3 (no file is read but the listing; nothing is removed).
pub fn decide(listed: Vec<Listed>, rules: &Rules) -> Decision {
    let mut decision = Decision::default();
    let mut eligible = Vec::new();
    for item in listed {
        let leave = |reason: String, problem: bool| LeftAlone {
            archive: item.archive.clone(),
            manifest: item.manifest.clone(),
            reason,
            problem,
            this_database: false,
        };
        let mine = |reason: String, problem: bool| LeftAlone {
            this_database: true,
            ..leave(reason, problem)
        };
        let m = match &item.content {
            Ok(m) => m,
            Err(e) => {
                decision.left_alone.push(leave(e.clone(), false));
                continue;
            }
        };
        let ours = m["made_by"].as_str() == Some("bizscript")
            && m["procedure"].as_str() == Some(rules.procedure.as_str())
            && m["schema"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(&rules.schema));
        if !ours {
            decision.left_alone.push(leave(
                format!(
                    "not a bizscript {} archive of schema {}",
                    rules.procedure, rules.schema
                ),
                false,
            ));
            continue;
        }
        let format = m["format_version"].as_u64().unwrap_or(1);
        let key = m["database"]["key"].as_str();
        if format < FORMAT_WITH_IDENTITY || key.is_none() {
            decision.left_alone.push(leave(
                "its manifest does not say which database it came from (format 1, or no DBID was readable): remove it by hand once you know whose it is".into(),
                false,
            ));
            continue;
        }
        if key != Some(rules.database.as_str()) {
            decision.left_alone.push(leave(
                format!(
                    "another database's backup ({}, identity {})",
                    m["database"]["db_name"].as_str().unwrap_or("?"),
                    key.unwrap_or("?")
                ),
                false,
            ));
            continue;
        }
        let own = rules.protect.iter().any(|p| same_path(p, &item.archive));
        let protected = own;
        let verified =
            m["verdict"].as_str() == Some("ok") && m["archive"]["verified"].as_bool() == Some(true);
        if !verified && !protected {
            decision.left_alone.push(mine(
                format!(
                    "not a verified ok backup (verdict {}): it does not count toward keep and is not removed",
                    m["verdict"].as_str().unwrap_or("unknown")
                ),
                false,
            ));
            continue;
        }
        let name_time = item
            .archive
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(time_in_name);
        let time = match (name_time, time_in_manifest(m)) {
            (Some(a), Some(b)) => a.max(b),
            (Some(t), None) | (None, Some(t)) => t,
            (None, None) if protected => Utc::now(),
            (None, None) => {
                decision.left_alone.push(mine(
                    "neither its name nor its manifest says when it was made".into(),
                    true,
                ));
                continue;
            }
        };
        let (Some(bytes), Some(sha256)) = (
            m["archive"]["bytes"].as_u64(),
            m["archive"]["sha256"].as_str(),
        ) else {
            decision.left_alone.push(mine(
                "its manifest records no archive size and SHA-256 to check it against".into(),
                true,
            ));
            continue;
        };
        let recorded_name = m["archive"]["path"]
            .as_str()
            .and_then(|p| Path::new(p).file_name().map(|n| n.to_owned()));
        if recorded_name.as_deref() != item.archive.file_name() {
            decision.left_alone.push(mine(
                format!(
                    "its manifest describes another file ({}), not the archive beside it",
                    m["archive"]["path"].as_str().unwrap_or("none")
                ),
                true,
            ));
            continue;
        }
        let younger = !own && rules.started.is_some_and(|started| time > started);
        let candidate = Candidate {
            archive: item.archive.clone(),
            manifest: item.manifest.clone(),
            time,
            bytes,
            sha256: sha256.to_ascii_lowercase(),
            protected: protected || younger,
            own,
        };
        if younger && time > Utc::now() + CLOCK_SLACK {
            // Kept, and not counted toward `keep`: it may well be an old archive with a wrong
            // date, and counting it could cost a genuinely recent one.
            decision.keep.push(candidate);
            decision.left_alone.push(mine(
                format!(
                    "it is dated {} (in the future: a clock ahead, or copied from another host), so it cannot be ordered against this run's archive; it is kept",
                    time.to_rfc3339()
                ),
                true,
            ));
            continue;
        }
        if younger {
            decision.left_alone.push(mine(
                "it was made while this run was running (another run of this database?): it is kept".into(),
                false,
            ));
        }
        eligible.push(candidate);
    }
    // This run's archives first, then the ones never removed, then newest first (the tag in
    // the name breaks ties).
    eligible.sort_by(|a, b| {
        b.own
            .cmp(&a.own)
            .then(b.protected.cmp(&a.protected))
            .then(b.time.cmp(&a.time))
            .then(b.archive.cmp(&a.archive))
    });
    let protect_found = eligible.iter().any(|c| c.own);
    let keep = rules
        .keep
        .max(1)
        .max(eligible.iter().filter(|c| c.protected).count());
    let mut rest = eligible.split_off(keep.min(eligible.len()));
    let future = std::mem::take(&mut decision.keep);
    decision.keep = eligible;
    decision.keep.extend(future);
    if !rules.protect.is_empty() && !protect_found {
        // The run's own archive is not where retention looks: whatever it concluded would be
        // without the newest backup in view.
        for c in rest.drain(..) {
            decision.left_alone.push(LeftAlone {
                reason: "not removed: this run's archive has no manifest in this folder, so retention stopped".into(),
                archive: c.archive,
                manifest: c.manifest,
                problem: true,
                this_database: true,
            });
        }
    }
    // A protected archive can only be in `rest` if `keep` were smaller than their count, which
    // the `max` above rules out; keep the guarantee explicit anyway.
    let (protected, removable): (Vec<_>, Vec<_>) = rest.into_iter().partition(|c| c.protected);
    decision.keep.extend(protected);
    decision.remove = removable;
    decision
}

/// Rule 4: the archive is the file its manifest describes. `Err` says why not.
pub fn prove(candidate: &Candidate) -> Result<(), String> {
    let meta = fs::symlink_metadata(&candidate.archive)
        .map_err(|e| format!("its archive cannot be found: {e}"))?;
    if !meta.file_type().is_file() {
        return Err("its archive is not a regular file (a symlink?)".into());
    }
    if meta.len() != candidate.bytes {
        return Err(format!(
            "its archive is {} bytes, the manifest records {}: not the archive it describes",
            meta.len(),
            candidate.bytes
        ));
    }
    let (_, actual) = crate::fsutil::sha256_file(&candidate.archive)
        .map_err(|e| format!("cannot read its archive: {e}"))?;
    if actual != candidate.sha256 {
        return Err(format!(
            "its archive's SHA-256 is {actual}, the manifest records {}: not the archive it describes",
            candidate.sha256
        ));
    }
    Ok(())
}

/// Removes a proven candidate: the archive first, then its manifest (a manifest whose archive
/// is gone is listed by later runs as such; an archive without its manifest would never be
/// looked at again), then makes the removals durable.
pub fn remove(candidate: &Candidate) -> Result<(), String> {
    fs::remove_file(&candidate.archive).map_err(|e| format!("cannot remove the archive: {e}"))?;
    let manifest = fs::remove_file(&candidate.manifest)
        .map_err(|e| format!("the archive was removed but its manifest could not be: {e}"));
    if let Some(folder) = candidate.archive.parent() {
        if let Ok(dir) = fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    manifest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sha2::{Digest, Sha256};

    const PROD: &str = "2540335789:PROD:PROD";
    const TEST: &str = "1128921340:TEST:TEST";

    fn rules(keep: usize, protect: &[&str]) -> Rules {
        Rules {
            schema: "BIZAGI".into(),
            procedure: "bizagi_export".into(),
            database: PROD.into(),
            keep,
            protect: protect
                .iter()
                .map(|p| PathBuf::from(format!("/b/{p}.zip")))
                .collect(),
            started: None,
        }
    }

    fn manifest(stem: &str, key: &str, created: &str) -> Value {
        json!({
            "format_version": 2, "made_by": "bizscript", "procedure": "bizagi_export",
            "schema": "BIZAGI", "created": created, "verdict": "ok",
            "database": { "key": key, "db_name": key.split(':').nth(1) },
            "archive": { "path": format!("/elsewhere/{stem}.zip"), "bytes": 3, "sha256": "AB", "verified": true },
        })
    }

    fn listed(stem: &str, content: Value) -> Listed {
        Listed {
            manifest: PathBuf::from(format!("/b/{stem}.manifest.json")),
            archive: PathBuf::from(format!("/b/{stem}.zip")),
            content: Ok(content),
        }
    }

    fn names(c: &[Candidate]) -> Vec<String> {
        c.iter()
            .map(|c| {
                c.archive
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn another_databases_archives_are_never_candidates() {
        let d = decide(
            vec![
                listed(
                    "BIZAGI_20261120_010000_AAAA",
                    manifest("BIZAGI_20261120_010000_AAAA", TEST, "2026-11-20T01:00:00Z"),
                ),
                listed(
                    "BIZAGI_20261121_010000_BBBB",
                    manifest("BIZAGI_20261121_010000_BBBB", TEST, "2026-11-21T01:00:00Z"),
                ),
                listed(
                    "BIZAGI_20261122_010000_CCCC",
                    manifest("BIZAGI_20261122_010000_CCCC", PROD, "2026-11-22T01:00:00Z"),
                ),
            ],
            &rules(1, &["BIZAGI_20261122_010000_CCCC"]),
        );
        assert_eq!(names(&d.keep), ["BIZAGI_20261122_010000_CCCC"]);
        assert!(d.remove.is_empty());
        assert!(d.left_alone.iter().all(|l| !l.this_database));
        assert_eq!(d.left_alone.len(), 2);
        assert!(d
            .left_alone
            .iter()
            .all(|l| !l.problem && l.reason.contains("another database")));
    }

    #[test]
    fn the_new_archive_stays_newest_whatever_an_old_manifest_claims() {
        let new = "BIZAGI_20261122_010000_CCCC";
        let d = decide(
            vec![
                // Written on a host whose clock was a year ahead.
                listed(
                    "BIZAGI_20271120_010000_FUTR",
                    manifest("BIZAGI_20271120_010000_FUTR", PROD, "2027-11-20T01:00:00Z"),
                ),
                listed(new, manifest(new, PROD, "2026-11-22T01:00:00Z")),
            ],
            &rules(1, &[new]),
        );
        assert_eq!(names(&d.keep), [new]);
        assert_eq!(names(&d.remove), ["BIZAGI_20271120_010000_FUTR"]);
    }

    fn started(at: &str) -> Option<DateTime<Utc>> {
        Some(
            DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&Utc),
        )
    }

    #[test]
    fn an_archive_dated_in_the_future_is_kept_and_named_as_a_problem() {
        let new = "BIZAGI_20261122_010000_CCCC";
        let mut r = rules(1, &[new]);
        r.started = started("2026-11-22T01:00:00Z");
        let d = decide(
            vec![
                listed(
                    "BIZAGI_20261120_010000_AAAA",
                    manifest("BIZAGI_20261120_010000_AAAA", PROD, "2026-11-20T01:00:00Z"),
                ),
                listed(
                    "BIZAGI_20261121_010000_FUTR",
                    manifest("BIZAGI_20261121_010000_FUTR", PROD, "2099-01-01T00:00:00Z"),
                ),
                listed(new, manifest(new, PROD, "2026-11-22T01:00:00Z")),
            ],
            &r,
        );
        assert_eq!(names(&d.keep), [new, "BIZAGI_20261121_010000_FUTR"]);
        assert_eq!(names(&d.remove), ["BIZAGI_20261120_010000_AAAA"]);
        // It does not count toward keep: with keep=2 the genuine older archive stays too.
        r.keep = 2;
        let d = decide(
            vec![
                listed(
                    "BIZAGI_20261120_010000_AAAA",
                    manifest("BIZAGI_20261120_010000_AAAA", PROD, "2026-11-20T01:00:00Z"),
                ),
                listed(
                    "BIZAGI_20261121_010000_FUTR",
                    manifest("BIZAGI_20261121_010000_FUTR", PROD, "2099-01-01T00:00:00Z"),
                ),
                listed(new, manifest(new, PROD, "2026-11-22T01:00:00Z")),
            ],
            &r,
        );
        assert!(d.remove.is_empty(), "{:?}", d.remove);
        assert_eq!(d.left_alone.len(), 1);
        assert!(d.left_alone[0].problem && d.left_alone[0].reason.contains("in the future"));
        assert!(d.left_alone[0].this_database);
    }

    #[test]
    fn an_archive_another_run_made_meanwhile_is_kept_quietly() {
        let new = "BIZAGI_20261122_010005_MINE";
        let mut r = rules(1, &[new]);
        r.started = started("2026-11-22T01:00:00Z");
        let d = decide(
            vec![
                listed(
                    "BIZAGI_20261122_010002_THEM",
                    manifest("BIZAGI_20261122_010002_THEM", PROD, "2026-11-22T01:00:04Z"),
                ),
                listed(
                    "BIZAGI_20261121_010000_OLD1",
                    manifest("BIZAGI_20261121_010000_OLD1", PROD, "2026-11-21T01:00:00Z"),
                ),
                listed(new, manifest(new, PROD, "2026-11-22T01:00:06Z")),
            ],
            &r,
        );
        assert_eq!(names(&d.keep), [new, "BIZAGI_20261122_010002_THEM"]);
        assert_eq!(names(&d.remove), ["BIZAGI_20261121_010000_OLD1"]);
        assert!(d.left_alone.iter().all(|l| !l.problem));
    }

    #[test]
    fn order_is_the_later_of_name_and_manifest_and_keep_counts_the_new_one() {
        let new = "BIZAGI_20261125_010000_NEW1";
        let d = decide(
            vec![
                listed(
                    "BIZAGI_20261120_010000_AAAA",
                    manifest("BIZAGI_20261120_010000_AAAA", PROD, "2026-11-20T01:00:00Z"),
                ),
                // Old name, but its manifest says it was made later (re-written): later wins.
                listed(
                    "BIZAGI_20261119_010000_BBBB",
                    manifest("BIZAGI_20261119_010000_BBBB", PROD, "2026-11-23T01:00:00Z"),
                ),
                listed(
                    "BIZAGI_20261121_010000_CCCC",
                    manifest(
                        "BIZAGI_20261121_010000_CCCC",
                        PROD,
                        "2026-11-21T01:00:00.5Z",
                    ),
                ),
                listed(new, manifest(new, PROD, "2026-11-25T01:00:00Z")),
            ],
            &rules(3, &[new]),
        );
        assert_eq!(
            names(&d.keep),
            [
                new,
                "BIZAGI_20261119_010000_BBBB",
                "BIZAGI_20261121_010000_CCCC"
            ]
        );
        assert_eq!(names(&d.remove), ["BIZAGI_20261120_010000_AAAA"]);
    }

    #[test]
    fn unverified_legacy_foreign_and_unreadable_manifests_are_left_alone() {
        let mut failed = manifest("BIZAGI_20261101_010000_FAIL", PROD, "2026-11-01T01:00:00Z");
        failed["verdict"] = json!("review");
        let mut legacy = manifest("BIZAGI_20261102_010000_OLD1", PROD, "2026-11-02T01:00:00Z");
        legacy.as_object_mut().unwrap().remove("format_version");
        legacy.as_object_mut().unwrap().remove("database");
        let mut hand = manifest("BIZAGI_20261103_010000_HAND", PROD, "2026-11-03T01:00:00Z");
        hand["made_by"] = json!("a person");
        let mut other_schema = manifest("OTHER_20261104_010000_OTHR", PROD, "2026-11-04T01:00:00Z");
        other_schema["schema"] = json!("OTHER");
        let mut moved = manifest("BIZAGI_20261105_010000_MOVD", PROD, "2026-11-05T01:00:00Z");
        moved["archive"]["path"] = json!("/b/SOMETHING_ELSE.zip");
        let d = decide(
            vec![
                listed("BIZAGI_20261101_010000_FAIL", failed),
                listed("BIZAGI_20261102_010000_OLD1", legacy),
                listed("BIZAGI_20261103_010000_HAND", hand),
                listed("OTHER_20261104_010000_OTHR", other_schema),
                listed("BIZAGI_20261105_010000_MOVD", moved),
                Listed {
                    manifest: "/b/BROKEN.manifest.json".into(),
                    archive: "/b/BROKEN.zip".into(),
                    content: Err("the manifest is not valid JSON".into()),
                },
            ],
            &rules(1, &[]),
        );
        assert!(d.remove.is_empty() && d.keep.is_empty());
        assert_eq!(d.left_alone.len(), 6);
        let problems: Vec<_> = d.left_alone.iter().filter(|l| l.problem).collect();
        assert_eq!(problems.len(), 1, "{:?}", d.left_alone);
        assert!(problems[0].reason.contains("another file"));
    }

    #[test]
    fn without_the_runs_own_manifest_in_view_nothing_is_removed() {
        let d = decide(
            vec![
                listed(
                    "BIZAGI_20261120_010000_AAAA",
                    manifest("BIZAGI_20261120_010000_AAAA", PROD, "2026-11-20T01:00:00Z"),
                ),
                listed(
                    "BIZAGI_20261121_010000_BBBB",
                    manifest("BIZAGI_20261121_010000_BBBB", PROD, "2026-11-21T01:00:00Z"),
                ),
            ],
            &rules(1, &["BIZAGI_20261122_010000_CCCC"]),
        );
        assert!(d.remove.is_empty());
        assert_eq!(d.left_alone.len(), 1);
        assert!(d.left_alone[0].problem);
    }

    #[test]
    fn times_in_names_are_found_only_where_they_are_whole() {
        let t = time_in_name("BIZAGI_20261124_010203_K7Q2.zip").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T01:02:03+00:00");
        assert!(time_in_name("BIZAGI_2026112_010203.zip").is_none());
        assert!(time_in_name("BIZAGI_120261124_010203.zip").is_none());
        assert!(
            time_in_name("BIZAGI_20261324_010203.zip").is_none(),
            "month 13"
        );
        assert!(time_in_name("BIZAGI.zip").is_none());
    }

    #[test]
    fn the_proof_rehashes_and_a_foreign_zip_of_the_same_size_fails_it() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("BIZAGI_20261120_010000_AAAA.zip");
        fs::write(&archive, b"our archive").unwrap();
        let sha = super::super::hex(&Sha256::digest(b"our archive"));
        let mut c = Candidate {
            archive: archive.clone(),
            manifest: dir.path().join("BIZAGI_20261120_010000_AAAA.manifest.json"),
            time: Utc::now(),
            bytes: 11,
            sha256: sha,
            protected: false,
            own: false,
        };
        assert_eq!(prove(&c), Ok(()));
        fs::write(&archive, b"OUR ARCHIVE").unwrap();
        assert!(prove(&c).unwrap_err().contains("SHA-256"));
        c.bytes = 12;
        assert!(prove(&c).unwrap_err().contains("11 bytes"));
        fs::remove_file(&archive).unwrap();
        assert!(prove(&c).unwrap_err().contains("cannot be found"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_manifest_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere.json");
        fs::write(
            &elsewhere,
            manifest("X", PROD, "2026-11-20T01:00:00Z").to_string(),
        )
        .unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.path().join("BIZAGI_X.manifest.json")).unwrap();
        let listed = list(dir.path()).unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].content.as_ref().unwrap_err().contains("symlink"));
        assert_eq!(listed[0].archive, dir.path().join("BIZAGI_X.zip"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_in_place_of_the_archive_fails_the_proof() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.bin");
        fs::write(&target, b"our archive").unwrap();
        let archive = dir.path().join("BIZAGI_20261120_010000_AAAA.zip");
        std::os::unix::fs::symlink(&target, &archive).unwrap();
        let c = Candidate {
            archive,
            manifest: dir.path().join("x.manifest.json"),
            time: Utc::now(),
            bytes: 11,
            sha256: super::super::hex(&Sha256::digest(b"our archive")),
            protected: false,
            own: false,
        };
        assert!(prove(&c).unwrap_err().contains("symlink"));
    }
}
