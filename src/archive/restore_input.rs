//! The first step of a restore: the archive is the one its manifest describes, and its dump
//! files come out of it byte for byte.
//!
//! 1. The archive is a regular file of the manifest's size whose full SHA-256 is the manifest's.
//! 2. Its ZIP central directory lists exactly the manifest's entries (plain names, no folders,
//!    no `..`), and every entry decompresses to the manifest's size and SHA-256.
//! 3. Unpacking (when asked) first checks the destination's free space against the entries'
//!    total, writes each entry to `NAME.partial` (never over an existing file), checks it, and
//!    renames it only when every entry has passed; any failure or Ctrl-C removes what it wrote.
//!    So a flipped byte stops the restore here, with nothing unpacked and nothing imported.

use super::checksum::Sha256Sum;
use crate::cancel::Cancel;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Why the archive cannot be restored from.
#[derive(Debug, thiserror::Error)]
pub enum RestoreInputError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("the manifest is incomplete: {0}")]
    Manifest(String),
    #[error("{path} is not the archive its manifest describes: {detail}")]
    Mismatch { path: PathBuf, detail: String },
    #[error("{path} is not a sound ZIP archive: {detail}")]
    Zip { path: PathBuf, detail: String },
    #[error("{dest} has {free} bytes free and the dump needs {needed}")]
    NoSpace {
        dest: PathBuf,
        free: u64,
        needed: u64,
    },
    #[error("{0} exists already: nothing is unpacked over a file")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("interrupted (Ctrl-C): what was unpacked is removed")]
    Cancelled,
}

/// One entry the manifest lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expected {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What the check (and unpacking) found.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub archive: PathBuf,
    pub sha256: String,
    pub bytes: u64,
    pub entries: Vec<Expected>,
    /// Where each entry was unpacked, when it was.
    pub unpacked: Vec<PathBuf>,
}

/// The archive's expected size, SHA-256 and entries, from a manifest's JSON.
pub fn expected(
    manifest: &serde_json::Value,
) -> Result<(u64, String, Vec<Expected>), RestoreInputError> {
    let missing = |what: &str| RestoreInputError::Manifest(format!("no {what}"));
    let archive = &manifest["archive"];
    let bytes = archive["bytes"]
        .as_u64()
        .ok_or_else(|| missing("archive.bytes"))?;
    let sha = archive["sha256"]
        .as_str()
        .ok_or_else(|| missing("archive.sha256"))?;
    if archive["verified"].as_bool() != Some(true) {
        return Err(RestoreInputError::Manifest(
            "the archive was never verified when it was written (archive.verified is not true)"
                .into(),
        ));
    }
    let files = manifest["files"]
        .as_array()
        .ok_or_else(|| missing("files"))?;
    let entries = files
        .iter()
        .map(|f| {
            Ok(Expected {
                name: f["name"]
                    .as_str()
                    .ok_or_else(|| missing("files[].name"))?
                    .to_string(),
                bytes: f["bytes_in"]
                    .as_u64()
                    .ok_or_else(|| missing("files[].bytes_in"))?,
                sha256: f["sha256"]
                    .as_str()
                    .ok_or_else(|| missing("files[].sha256"))?
                    .to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if entries.is_empty() {
        return Err(missing("entry in files"));
    }
    Ok((bytes, sha.to_ascii_lowercase(), entries))
}

/// A name that unpacks into the destination folder itself.
fn plain(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', ':', '\0'])
}

const CHUNK: usize = 1 << 20;

/// The free space of the folder a restore unpacks into.
pub fn dest_free_space(dir: &Path) -> io::Result<u64> {
    super::space::free_space(dir)
}

fn hash_file(path: &Path, cancel: &Cancel) -> Result<(u64, String), RestoreInputError> {
    let read = |source| RestoreInputError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read)?;
    let mut sum = Sha256Sum::new();
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(RestoreInputError::Cancelled);
        }
        let n = file.read(&mut buf).map_err(read)?;
        if n == 0 {
            return Ok((total, sum.finish_hex()));
        }
        sum.update(&buf[..n]);
        total += n as u64;
    }
}

/// Checks `archive` against `manifest`; with `dest`, unpacks its entries there.
/// `free_space` says how many bytes `dest` can take (injected for tests).
pub fn check_and_unpack(
    archive: &Path,
    manifest: &serde_json::Value,
    dest: Option<&Path>,
    free_space: &dyn Fn(&Path) -> io::Result<u64>,
    cancel: &Cancel,
) -> Result<Checked, RestoreInputError> {
    let (bytes, sha256, entries) = expected(manifest)?;
    let mismatch = |detail: String| RestoreInputError::Mismatch {
        path: archive.to_path_buf(),
        detail,
    };
    let meta = std::fs::symlink_metadata(archive).map_err(|source| RestoreInputError::Read {
        path: archive.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(mismatch("not a regular file".into()));
    }
    if meta.len() != bytes {
        return Err(mismatch(format!(
            "{} bytes, the manifest says {bytes}",
            meta.len()
        )));
    }
    let (_, actual) = hash_file(archive, cancel)?;
    if actual != sha256 {
        return Err(mismatch(format!(
            "SHA-256 {actual}, the manifest says {sha256}"
        )));
    }
    for e in &entries {
        if !plain(&e.name) {
            return Err(RestoreInputError::Manifest(format!(
                "entry name {:?} is not a plain file name",
                e.name
            )));
        }
    }

    let zip_fail = |detail: String| RestoreInputError::Zip {
        path: archive.to_path_buf(),
        detail,
    };
    let file = File::open(archive).map_err(|source| RestoreInputError::Read {
        path: archive.to_path_buf(),
        source,
    })?;
    let mut zip =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_fail(e.to_string()))?;
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.to_string()))
        .collect::<Result<_, _>>()
        .map_err(|e| zip_fail(e.to_string()))?;
    names.sort();
    let mut wanted: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    wanted.sort();
    if names != wanted {
        return Err(zip_fail(format!(
            "it holds {names:?}, the manifest lists {wanted:?}"
        )));
    }

    if let Some(dest) = dest {
        let needed: u64 = entries.iter().map(|e| e.bytes).sum();
        let free = free_space(dest).map_err(|source| RestoreInputError::Read {
            path: dest.to_path_buf(),
            source,
        })?;
        if free < needed {
            return Err(RestoreInputError::NoSpace {
                dest: dest.to_path_buf(),
                free,
                needed,
            });
        }
        for e in &entries {
            let target = dest.join(&e.name);
            if std::fs::symlink_metadata(&target).is_ok() {
                return Err(RestoreInputError::Exists(target));
            }
        }
    }

    let mut partials: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut renamed: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for e in &entries {
            let mut entry = zip
                .by_name(&e.name)
                .map_err(|err| zip_fail(format!("{}: {err}", e.name)))?;
            let mut out = match dest {
                Some(dest) => {
                    let target = dest.join(&e.name);
                    let partial = dest.join(format!("{}.partial", e.name));
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&partial)
                        .map_err(|source| RestoreInputError::Write {
                            path: partial.clone(),
                            source,
                        })?;
                    partials.push((partial, target));
                    Some(file)
                }
                None => None,
            };
            let mut sum = Sha256Sum::new();
            let mut buf = vec![0u8; CHUNK];
            let mut total = 0u64;
            loop {
                if cancel.is_cancelled() {
                    return Err(RestoreInputError::Cancelled);
                }
                let n = entry
                    .read(&mut buf)
                    .map_err(|err| zip_fail(format!("{}: {err}", e.name)))?;
                if n == 0 {
                    break;
                }
                sum.update(&buf[..n]);
                total += n as u64;
                if let (Some(file), Some((partial, _))) = (out.as_mut(), partials.last()) {
                    file.write_all(&buf[..n])
                        .map_err(|source| RestoreInputError::Write {
                            path: partial.clone(),
                            source,
                        })?;
                }
            }
            if let (Some(file), Some((partial, _))) = (out.as_mut(), partials.last()) {
                file.sync_all().map_err(|source| RestoreInputError::Write {
                    path: partial.clone(),
                    source,
                })?;
            }
            let got = sum.finish_hex();
            if total != e.bytes || got != e.sha256.to_ascii_lowercase() {
                return Err(zip_fail(format!(
                    "{} unpacks to {total} bytes with SHA-256 {got}; the manifest says {} bytes, {}",
                    e.name, e.bytes, e.sha256
                )));
            }
        }
        for (partial, target) in &partials {
            if std::fs::symlink_metadata(target).is_ok() {
                return Err(RestoreInputError::Exists(target.clone()));
            }
            std::fs::rename(partial, target).map_err(|source| RestoreInputError::Write {
                path: target.clone(),
                source,
            })?;
            renamed.push(target.clone());
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(Checked {
            archive: archive.to_path_buf(),
            sha256,
            bytes,
            entries,
            unpacked: renamed,
        }),
        Err(e) => {
            // Leave nothing: the partial files, and what this run already renamed.
            for (partial, _) in &partials {
                let _ = std::fs::remove_file(partial);
            }
            for target in &renamed {
                let _ = std::fs::remove_file(target);
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(bytes: &[u8]) -> String {
        let mut s = Sha256Sum::new();
        s.update(bytes);
        s.finish_hex()
    }

    /// A ZIP with `entries` and the manifest that describes it.
    fn archive(dir: &Path, entries: &[(&str, &[u8])]) -> (PathBuf, serde_json::Value) {
        let path = dir.join("BIZAGI_20250101_010000_ABCD.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, data) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let files: Vec<_> = entries
            .iter()
            .map(|(n, d)| serde_json::json!({ "name": n, "bytes_in": d.len(), "sha256": sha(d) }))
            .collect();
        let manifest = serde_json::json!({
            "archive": { "bytes": bytes.len(), "sha256": sha(&bytes), "verified": true },
            "files": files,
        });
        (path, manifest)
    }

    fn plenty(_: &Path) -> io::Result<u64> {
        Ok(u64::MAX)
    }

    #[test]
    fn a_sound_archive_unpacks_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let dump = vec![7u8; 300_000];
        let (path, m) = archive(dir.path(), &[("BIZAGI.dmp", &dump), ("BIZAGI.log", b"log")]);
        let dest = tempfile::tempdir().unwrap();
        let c = check_and_unpack(&path, &m, Some(dest.path()), &plenty, &Cancel::new()).unwrap();
        assert_eq!(c.unpacked.len(), 2);
        assert_eq!(std::fs::read(dest.path().join("BIZAGI.dmp")).unwrap(), dump);
        let left: Vec<_> = std::fs::read_dir(dest.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "no partial files left: {left:?}");
    }

    #[test]
    fn a_flipped_byte_fails_before_anything_is_unpacked() {
        let dir = tempfile::tempdir().unwrap();
        let (path, m) = archive(dir.path(), &[("BIZAGI.dmp", &[1u8; 5000])]);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() / 3;
        bytes[at] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        let dest = tempfile::tempdir().unwrap();
        let e =
            check_and_unpack(&path, &m, Some(dest.path()), &plenty, &Cancel::new()).unwrap_err();
        assert!(e.to_string().contains("SHA-256"), "{e}");
        assert_eq!(
            std::fs::read_dir(dest.path()).unwrap().count(),
            0,
            "nothing unpacked"
        );
    }

    #[test]
    fn an_entry_that_differs_from_the_manifest_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut m) = archive(dir.path(), &[("A.dmp", b"aaaa"), ("B.dmp", b"bbbb")]);
        m["files"][1]["sha256"] = serde_json::json!(sha(b"other"));
        let dest = tempfile::tempdir().unwrap();
        let e =
            check_and_unpack(&path, &m, Some(dest.path()), &plenty, &Cancel::new()).unwrap_err();
        assert!(e.to_string().contains("B.dmp"), "{e}");
        assert_eq!(
            std::fs::read_dir(dest.path()).unwrap().count(),
            0,
            "nothing left"
        );
    }

    #[test]
    fn no_space_an_existing_file_an_unverified_or_odd_manifest_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (path, m) = archive(dir.path(), &[("A.dmp", b"aaaa")]);
        let dest = tempfile::tempdir().unwrap();
        let tiny = |_: &Path| -> io::Result<u64> { Ok(2) };
        let e = check_and_unpack(&path, &m, Some(dest.path()), &tiny, &Cancel::new()).unwrap_err();
        assert!(
            matches!(e, RestoreInputError::NoSpace { needed: 4, .. }),
            "{e}"
        );
        std::fs::write(dest.path().join("A.dmp"), b"mine").unwrap();
        let e =
            check_and_unpack(&path, &m, Some(dest.path()), &plenty, &Cancel::new()).unwrap_err();
        assert!(matches!(e, RestoreInputError::Exists(_)), "{e}");
        assert_eq!(std::fs::read(dest.path().join("A.dmp")).unwrap(), b"mine");
        let mut unverified = m.clone();
        unverified["archive"]["verified"] = serde_json::json!(false);
        assert!(check_and_unpack(&path, &unverified, None, &plenty, &Cancel::new()).is_err());
        let mut odd = m.clone();
        odd["files"][0]["name"] = serde_json::json!("../A.dmp");
        assert!(check_and_unpack(&path, &odd, None, &plenty, &Cancel::new()).is_err());
        let mut extra = m;
        extra["files"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "name": "B.dmp", "bytes_in": 1, "sha256": sha(b"b") }));
        let e = check_and_unpack(&path, &extra, None, &plenty, &Cancel::new()).unwrap_err();
        assert!(e.to_string().contains("the manifest lists"), "{e}");
    }
}

/// What became of one file `remove_unpacked` was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    pub path: PathBuf,
    pub removed: bool,
    /// Why it was kept, when it was.
    pub reason: Option<String>,
}

/// Removes files a restore unpacked (for a SQLFILE preview, or after a test restore), each only
/// when it is still a regular file of the entry's size and SHA-256: a file someone replaced or
/// changed since is somebody's data, and stays.
pub fn remove_unpacked(files: &[(PathBuf, Expected)]) -> Vec<Removal> {
    files
        .iter()
        .map(|(path, entry)| {
            let kept = |reason: String| Removal {
                path: path.clone(),
                removed: false,
                reason: Some(reason),
            };
            match std::fs::symlink_metadata(path) {
                Err(e) => return kept(format!("cannot read it: {e}")),
                Ok(m) if !m.file_type().is_file() => return kept("not a regular file".into()),
                Ok(_) => {}
            }
            match crate::fsutil::sha256_file(path) {
                Err(e) => kept(format!("cannot read it: {e}")),
                Ok((bytes, sha)) if bytes != entry.bytes || sha != entry.sha256 => kept(format!(
                    "it is no longer the unpacked {} ({bytes} bytes, SHA-256 {sha})",
                    entry.name
                )),
                Ok(_) => match std::fs::remove_file(path) {
                    Ok(()) => Removal {
                        path: path.clone(),
                        removed: true,
                        reason: None,
                    },
                    Err(e) => kept(format!("cannot remove it: {e}")),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod remove_unpacked_tests {
    use super::*;

    fn entry(name: &str, data: &[u8]) -> Expected {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        let (bytes, sha256) = crate::fsutil::sha256_file(&p).unwrap();
        Expected {
            name: name.into(),
            bytes,
            sha256,
        }
    }

    #[test]
    fn only_an_unchanged_unpacked_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let same = dir.path().join("A.dmp");
        let changed = dir.path().join("B.dmp");
        std::fs::write(&same, b"dump a").unwrap();
        std::fs::write(&changed, b"dump b, changed").unwrap();
        let gone = dir.path().join("C.dmp");
        let out = remove_unpacked(&[
            (same.clone(), entry("A.dmp", b"dump a")),
            (changed.clone(), entry("B.dmp", b"dump b")),
            (gone, entry("C.dmp", b"c")),
        ]);
        assert!(out[0].removed && !same.exists());
        assert!(!out[1].removed && changed.exists());
        assert!(out[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("no longer the unpacked B.dmp"));
        assert!(!out[2].removed);
    }
}
