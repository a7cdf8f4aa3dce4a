//! Nothing is ever lost (issue 13), through the real binary against simulated databases set up
//! as a DBA would: `oracle-sim init` homes (each its own database), the standard procedure run
//! with ORACLE_HOME pointing at one, no `--yes` and no terminal, as cron runs it.

use crate::support::bizscript;
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PASSWORD: &str = "Pw-retention-4417";

fn oracle_sim() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_bizscript")).with_file_name("oracle-sim")
}

/// `oracle-sim init DIR/NAME`: a database called NAME (upper case).
fn init(dir: &Path, name: &str) -> PathBuf {
    let home = dir.join(name);
    let out = Command::new(oracle_sim())
        .arg("init")
        .arg(&home)
        .output()
        .expect("oracle-sim must be built: cargo build -p oracle-sim");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    home
}

struct Run {
    status: Option<i32>,
    stderr: String,
    report: Value,
}

/// The environment a DBA's shell has after `oracle-sim init` (ORACLE_HOME, PATH, NLS_LANG).
fn oracle_env(cmd: &mut assert_cmd::Command, home: &Path) {
    let path = format!(
        "{}:{}",
        home.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("ORACLE_HOME", home)
        .env("PATH", path)
        .env("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8")
        .env("BIZSCRIPT_PASSWORD", PASSWORD);
}

/// `bizscript run SCRIPT --set schema=BIZAGI --set connect=... --set archive_dir=... [sets]`.
fn export_with(script: &str, home: &Path, connect: &str, archive: &Path, sets: &[&str]) -> Run {
    let work = home.parent().unwrap();
    let report = work.join(format!("report-{}.json", rand_suffix()));
    let mut cmd = bizscript();
    oracle_env(&mut cmd, home);
    cmd.current_dir(work)
        .arg("run")
        .arg(script)
        .args(["--set", "schema=BIZAGI"])
        .args(["--set", &format!("connect={connect}")])
        .args(["--set", &format!("archive_dir={}", archive.display())])
        .arg("--report")
        .arg(&report);
    for set in sets {
        cmd.args(["--set", set]);
    }
    let out = cmd.output().unwrap();
    let run = Run {
        status: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: std::fs::read_to_string(&report)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null),
    };
    assert!(!run.stderr.contains(PASSWORD), "the password leaked");
    run
}

/// Each test reaches its databases through connect strings of its own: the procedure's lock is
/// per connect string, and the tests run in parallel.
fn export(home: &Path, connect: &str, archive: &Path, sets: &[&str]) -> Run {
    export_with("bizagi_export.rhai", home, connect, archive, sets)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// The `*.zip` (or other `ext`) names in `dir`, sorted.
fn names(dir: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(ext))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn manifest_of(run: &Run) -> (PathBuf, Value) {
    let path = PathBuf::from(run.report["manifest"].as_str().expect("a manifest path"));
    let json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, json)
}

fn archive_of(run: &Run) -> PathBuf {
    PathBuf::from(
        run.report["archive"]["archive"]
            .as_str()
            .expect("an archive"),
    )
}

#[test]
fn prod_archives_survive_tests_retention_and_prods_own_keep_applies_to_prod_only() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let test = init(t.path(), "test");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();

    let mut prod_archives = Vec::new();
    for _ in 0..2 {
        let run = export(&prod, "//prod-a:1521/PROD", &arch, &["keep=5"]);
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        let (_, manifest) = manifest_of(&run);
        assert_eq!(manifest["format_version"], 2);
        assert_eq!(manifest["database"]["db_name"], "PROD");
        assert!(manifest["database"]["dbid"].is_u64(), "{manifest}");
        assert_eq!(manifest["database"]["service_name"], "PROD");
        assert_eq!(manifest["database"]["connect"], "//prod-a:1521/PROD");
        assert_eq!(manifest["database"]["connect_host"], "prod-a");
        assert_eq!(manifest["database"]["connect_port"], 1521);
        assert_eq!(manifest["connect"], "//prod-a:1521/PROD");
        assert_eq!(manifest["archive"]["verified"], true);
        prod_archives.push(archive_of(&run));
    }
    // TEST's nightly keep=1, same schema, same folder.
    let run = export(&test, "//test-db:1521/TEST", &arch, &["keep=1"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "ok");
    let (_, test_manifest) = manifest_of(&run);
    assert_eq!(test_manifest["database"]["db_name"], "TEST");
    assert_ne!(
        test_manifest["database"]["key"],
        manifest_of_path(&prod_archives[0])["database"]["key"]
    );
    for a in &prod_archives {
        assert!(
            a.exists(),
            "TEST's retention removed PROD's {}",
            a.display()
        );
    }
    assert!(!run.stderr.contains("retention: removed"), "{}", run.stderr);
    assert_eq!(names(&arch, ".zip").len(), 3);

    // PROD's keep=1 removes PROD's older archives, and only those, without --yes or a terminal.
    let run = export(&prod, "//prod-a:1521/PROD", &arch, &["keep=1"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    for a in &prod_archives {
        assert!(!a.exists(), "{} should be gone", a.display());
        assert!(run
            .stderr
            .contains(&format!("retention: removed {}", a.display())));
    }
    assert!(archive_of(&run).exists());
    assert!(archive_of(&manifest_run_path(&test_manifest)).exists());
    assert_eq!(names(&arch, ".zip").len(), 2);
    assert_eq!(names(&arch, ".manifest.json").len(), 2);
}

/// The manifest beside an archive.
fn manifest_of_path(archive: &Path) -> Value {
    let m = archive.with_extension("manifest.json");
    serde_json::from_str(&std::fs::read_to_string(m).unwrap()).unwrap()
}

/// A stand-in run for a manifest, so `archive_of` can read its archive path.
fn manifest_run_path(manifest: &Value) -> Run {
    Run {
        status: None,
        stderr: String::new(),
        report: serde_json::json!({ "archive": { "archive": manifest["archive"]["path"] } }),
    }
}

#[test]
fn keep_2_without_yes_and_without_a_terminal_removes_the_old_archives_and_exits_0() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let mut made = Vec::new();
    for _ in 0..3 {
        let run = export(&prod, "//prod-b:1521/PROD", &arch, &["keep=2"]);
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        assert_eq!(run.report["verdict"], "ok", "{}", run.stderr);
        assert!(!run.stderr.contains("BZ-CONFIRM"), "{}", run.stderr);
        made.push(archive_of(&run));
    }
    assert!(!made[0].exists(), "the oldest archive stays beyond keep=2");
    assert!(made[1].exists() && made[2].exists());
    assert_eq!(names(&arch, ".zip").len(), 2);
    assert_eq!(names(&arch, ".manifest.json").len(), 2);
}

#[test]
fn the_new_archive_survives_a_manifest_from_the_future() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let first = export(&prod, "//prod-c:1521/PROD", &arch, &["keep=5"]);
    assert_eq!(first.status, Some(0), "{}", first.stderr);
    // Written on a host whose clock is years ahead (or a folder copied from one).
    let (path, mut manifest) = manifest_of(&first);
    manifest["created"] = Value::from("2099-01-01T00:00:00Z");
    std::fs::write(&path, manifest.to_string()).unwrap();

    let second = export(&prod, "//prod-c:1521/PROD", &arch, &["keep=1"]);
    let new = archive_of(&second);
    assert!(new.exists(), "the archive this run made was removed");
    assert!(PathBuf::from(second.report["manifest"].as_str().unwrap()).exists());
    // The archive dated in the future cannot be ordered against the new one: it is kept, and a
    // person is told (review, exit 3), never a failure.
    assert!(archive_of(&first).exists());
    assert_eq!(second.status, Some(3), "{}", second.stderr);
    assert_eq!(second.report["verdict"], "review");
    assert!(second.stderr.contains("in the future"), "{}", second.stderr);
    assert!(
        !second.stderr.contains("retention: removed"),
        "{}",
        second.stderr
    );
    assert_eq!(names(&arch, ".zip").len(), 2);
}

#[test]
fn a_foreign_zip_beside_a_copied_manifest_survives_and_the_run_says_why() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let first = export(&prod, "//prod-d:1521/PROD", &arch, &["keep=5"]);
    assert_eq!(first.status, Some(0), "{}", first.stderr);
    let (manifest_path, manifest) = manifest_of(&first);
    let real = archive_of(&first);
    let size = std::fs::metadata(&real).unwrap().len() as usize;

    // A manifest copied as is beside someone else's zip.
    std::fs::copy(
        &manifest_path,
        arch.join("BIZAGI_20200101_000000_COPY.manifest.json"),
    )
    .unwrap();
    let foreign = arch.join("BIZAGI_20200101_000000_COPY.zip");
    std::fs::write(&foreign, b"someone else's archive").unwrap();
    // A copied manifest edited to name the zip beside it, and a zip of the very same size.
    let mut edited = manifest.clone();
    edited["archive"]["path"] = Value::from(
        arch.join("BIZAGI_20200102_000000_SAME.zip")
            .display()
            .to_string(),
    );
    std::fs::write(
        arch.join("BIZAGI_20200102_000000_SAME.manifest.json"),
        edited.to_string(),
    )
    .unwrap();
    let same_size = arch.join("BIZAGI_20200102_000000_SAME.zip");
    std::fs::write(&same_size, vec![b'Z'; size]).unwrap();

    let run = export(&prod, "//prod-d:1521/PROD", &arch, &["keep=1"]);
    // The backup is good; what retention could not prove needs a person: review, exit 3.
    assert_eq!(run.status, Some(3), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "review");
    assert_eq!(std::fs::read(&foreign).unwrap(), b"someone else's archive");
    assert_eq!(std::fs::read(&same_size).unwrap(), vec![b'Z'; size]);
    assert!(
        run.stderr
            .contains(&format!("retention left {} alone", foreign.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("describes another file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("SHA-256"), "{}", run.stderr);
    assert!(!run
        .stderr
        .contains(&format!("removed {}", foreign.display())));
    assert!(!run
        .stderr
        .contains(&format!("removed {}", same_size.display())));
    // The genuine older archive was proven and removed; the new one stays.
    assert!(!real.exists());
    assert!(archive_of(&run).exists());
    let messages = run.report["messages"].to_string();
    assert!(messages.contains("BZ-RETENTION"), "{messages}");
}

#[test]
fn a_manifest_that_cannot_be_written_leaves_the_dump_in_place_and_says_where_everything_is() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    // A site script that reuses the procedure with a known tag, so the test can plant a folder
    // where the manifest goes (a disk full after the zip fails the same step).
    let tag = "20261124_010203_PLNT";
    std::fs::create_dir(arch.join(format!("BIZAGI_{tag}.manifest.json"))).unwrap();
    let script = t.path().join("site.rhai");
    std::fs::write(
        &script,
        format!(
            "import \"bizagi\" as bizagi;\n\
             let run = bizagi::start(params);\n\
             run.tag = \"{tag}\";\n\
             run = bizagi::check_client(run);\n\
             run = bizagi::check_charsets(run);\n\
             run = bizagi::prepare_directory(run);\n\
             run = bizagi::export_schema(run);\n\
             run = bizagi::read_log(run);\n\
             run = bizagi::archive(run);\n\
             bizagi::finish(run)\n"
        ),
    )
    .unwrap();
    let run = export_with(
        script.to_str().unwrap(),
        &prod,
        "//prod-e:1521/PROD",
        &arch,
        &["remove_dump=true", "keep=1"],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.report["verdict"], "failed");
    assert_eq!(run.report["failure"]["step"], "manifest");
    let dumps: Vec<PathBuf> = run.report["dump_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| PathBuf::from(d.as_str().unwrap()))
        .collect();
    assert!(!dumps.is_empty());
    for d in &dumps {
        assert!(
            d.exists(),
            "the dump {} was removed without a manifest",
            d.display()
        );
    }
    let archive = arch.join(format!("BIZAGI_{tag}.zip"));
    assert!(archive.exists(), "the verified archive stays");
    let reason = run.report["failure"]["message"].as_str().unwrap();
    assert!(reason.contains(&archive.display().to_string()), "{reason}");
    assert!(reason.contains(&dumps[0].display().to_string()), "{reason}");
    assert!(reason.contains("nothing was removed"), "{reason}");
    assert!(!run.stderr.contains("the dump files were removed"));
    assert!(
        !run.stderr.contains("retention:"),
        "no retention after a failed run"
    );
}

#[test]
fn three_runs_in_one_second_leave_three_intact_logs() {
    let t = tempfile::tempdir().unwrap();
    // Three databases on one server writing into one Data Pump folder (three DIRECTORY objects
    // on the same path), their nightly jobs started in the same second, keep=1 each, one
    // archive folder: with names made per second the later jobs would fail on the first one's
    // dump file (ORA-39001/ORA-31641) and overwrite its log.
    let dpump = t.path().join("dpump");
    std::fs::create_dir(&dpump).unwrap();
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let homes: Vec<PathBuf> = ["crm", "hr", "erp"]
        .iter()
        .map(|n| init(t.path(), n))
        .collect();
    let children: Vec<_> = homes
        .iter()
        .enumerate()
        .map(|(n, home)| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_bizscript"));
            let path = format!(
                "{}:{}",
                home.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            );
            cmd.env("ORACLE_HOME", home)
                .env("PATH", path)
                .env("NLS_LANG", "AMERICAN_AMERICA.AL32UTF8")
                .env("BIZSCRIPT_PASSWORD", PASSWORD)
                .env_remove("BIZSCRIPT_SIM_HOME")
                .current_dir(t.path())
                .args(["run", "bizagi_export.rhai", "--set", "schema=BIZAGI"])
                .args(["--set", &format!("connect=//db-{n}-three:1521/SVC{n}")])
                .args(["--set", "directory=SHARED_DPUMP"])
                .args(["--set", &format!("path={}", dpump.display())])
                .args(["--set", &format!("archive_dir={}", arch.display())])
                .args(["--set", "keep=1", "--report"])
                .arg(t.path().join(format!("report-{n}.json")))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let logs: Vec<String> = names(&dpump, ".log")
        .into_iter()
        .filter(|n| !n.ends_with(".client.log"))
        .collect();
    assert_eq!(logs.len(), 3, "{logs:?}");
    let mut jobs = std::collections::BTreeSet::new();
    for log in &logs {
        let text = std::fs::read_to_string(dpump.join(log)).unwrap();
        assert!(text.contains("successfully completed"), "{log}: {text}");
        assert!(
            !text.contains("ORA-31641") && !text.contains("ORA-39001"),
            "{log}"
        );
        let job = text
            .lines()
            .find_map(|l| l.split("Starting \"BIZAGIADMON\".\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_string();
        assert!(job.len() <= 30, "{job} is longer than 30 bytes");
        jobs.insert(job);
    }
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    assert_eq!(names(&dpump, ".dmp").len(), 3);
    assert_eq!(names(&dpump, ".client.log").len(), 3);
    // One archive folder, three databases, keep=1 each: every database keeps its own.
    assert_eq!(names(&arch, ".zip").len(), 3);
    assert_eq!(names(&arch, ".manifest.json").len(), 3);
    for n in 0..3 {
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(t.path().join(format!("report-{n}.json"))).unwrap(),
        )
        .unwrap();
        let archive = PathBuf::from(report["archive"]["archive"].as_str().unwrap());
        assert!(archive.exists(), "run {n}'s report names a removed archive");
    }
}

#[cfg(unix)]
#[test]
fn a_0600_dump_gives_a_0600_archive_and_manifest() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    // The database server writes its files 0600 (its OS user's umask 077): a wrapper in the
    // home's bin runs the simulator's expdp under that umask; bizscript's own umask stays.
    let private = prod.join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::rename(prod.join("bin/expdp"), private.join("expdp")).unwrap();
    std::fs::write(
        prod.join("bin/expdp"),
        format!(
            "#!/bin/sh\numask 077\nexec \"{}\" \"$@\"\n",
            private.join("expdp").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        prod.join("bin/expdp"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let run = export(&prod, "//prod-g:1521/PROD", &arch, &[]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dump = PathBuf::from(run.report["dump_files"][0].as_str().unwrap());
    assert_eq!(
        mode(&dump),
        0o600,
        "the wrapper did not make a private dump"
    );
    // bizscript inherits this process's umask, which is not 077: the archive's mode is not an
    // accident of the umask.
    let probe = t.path().join("umask-probe");
    std::fs::write(&probe, b"").unwrap();
    assert_ne!(
        mode(&probe),
        0o600,
        "run this test under a umask other than 077"
    );
    assert_eq!(mode(&archive_of(&run)), 0o600);
    let (manifest, json) = manifest_of(&run);
    assert_eq!(mode(&manifest), 0o600);
    assert_eq!(json["archive"]["mode"], "0600");
}

#[test]
fn a_stale_partial_of_this_procedure_is_removed_by_the_next_run_and_it_says_so() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let stale = arch.join("BIZAGI_20261124_010203_DEAD.zip.partial");
    let other = arch.join("OTHER_20261124_010203_DEAD.zip.partial");
    for p in [&stale, &other] {
        std::fs::write(p, b"half an archive of a killed run").unwrap();
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .unwrap();
    }
    let run = export(&prod, "//prod-h:1521/PROD", &arch, &[]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert!(!stale.exists());
    assert!(
        other.exists(),
        "another schema's partial is not this procedure's"
    );
    assert!(
        run.stderr.contains(&format!(
            "removed {}: a partial archive an interrupted run left",
            stale.display()
        )),
        "{}",
        run.stderr
    );
}

/// `bizscript run c.rhai` compressing `dump`; `meddle` runs once compress reports 10%.
fn compress_while(dump: &Path, meddle: impl FnOnce()) -> (Option<i32>, String) {
    let dir = dump.parent().unwrap();
    let script = dir.join("c.rhai");
    std::fs::write(
        &script,
        format!(
            "let r = compress([\"{}\"], #{{ archive: \"{}\", remove_source: true }});\nprint(`verified=${{r.verified}} bytes_in=${{r.bytes_in}}`);\n",
            dump.display(),
            dir.join("out.zip").display()
        ),
    )
    .unwrap();
    // -v: progress from the first tenth, the moment this test meddles at.
    let mut child = Command::new(env!("CARGO_BIN_EXE_bizscript"))
        .arg("-v")
        .arg("run")
        .arg(&script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut meddle = Some(meddle);
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap_or(0) > 0 {
        if line.starts_with("compress: 10%") {
            if let Some(f) = meddle.take() {
                f();
            }
        }
        seen.push_str(&line);
        line.clear();
    }
    let out = child.wait_with_output().unwrap();
    seen.push_str(&String::from_utf8_lossy(&out.stdout));
    assert!(meddle.is_none(), "compress never reported 10%: {seen}");
    (out.status.code(), seen)
}

fn random_file(path: &Path, len: usize) {
    // Incompressible, like an encrypted or compressed dump: the slowest case to archive.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = Vec::with_capacity(len);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_dump_truncated_during_compress_gives_no_archive_exit_1_and_stays() {
    let t = tempfile::tempdir().unwrap();
    let dump = t.path().join("big.dmp");
    let len = 40 << 20;
    random_file(&dump, len);
    let (status, output) = compress_while(&dump, || {
        std::fs::File::options()
            .write(true)
            .open(&dump)
            .unwrap()
            .set_len((len / 3) as u64)
            .unwrap();
    });
    assert_eq!(status, Some(1), "{output}");
    assert!(output.contains("BZ-COMPRESS-INPUT-CHANGED"), "{output}");
    assert!(!output.contains("verified=true"), "{output}");
    assert!(!t.path().join("out.zip").exists());
    assert!(!t.path().join("out.zip.partial").exists());
    assert_eq!(
        std::fs::metadata(&dump).unwrap().len(),
        (len / 3) as u64,
        "remove_source must not touch it"
    );
}

#[test]
fn a_dump_that_grows_during_compress_gives_no_archive_exit_1_and_stays() {
    use std::io::Write;
    let t = tempfile::tempdir().unwrap();
    let dump = t.path().join("big.dmp");
    let len = 24 << 20;
    random_file(&dump, len);
    let (status, output) = compress_while(&dump, || {
        let mut f = std::fs::File::options().append(true).open(&dump).unwrap();
        f.write_all(&vec![7u8; 1 << 20]).unwrap();
    });
    assert_eq!(status, Some(1), "{output}");
    assert!(output.contains("BZ-COMPRESS-INPUT-CHANGED"), "{output}");
    assert!(!t.path().join("out.zip").exists());
    assert!(!t.path().join("out.zip.partial").exists());
    assert!(dump.exists());
}

#[test]
fn a_dump_file_the_export_log_lists_but_that_is_not_here_stops_before_any_archive() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    // As if the log listed a second file of the set (a parallel export) that is not reachable.
    let script = t.path().join("site.rhai");
    std::fs::write(
        &script,
        "import \"bizagi\" as bizagi;\n\
         let run = bizagi::start(params);\n\
         run = bizagi::check_client(run);\n\
         run = bizagi::check_charsets(run);\n\
         run = bizagi::prepare_directory(run);\n\
         run = bizagi::export_schema(run);\n\
         run = bizagi::read_log(run);\n\
         run.log_report.dump_files.push(\"/u01/elsewhere/BIZAGI_02.dmp\");\n\
         run = bizagi::archive(run);\n\
         bizagi::finish(run)\n",
    )
    .unwrap();
    let run = export_with(
        script.to_str().unwrap(),
        &prod,
        "//prod-i:1521/PROD",
        &arch,
        &["remove_dump=true"],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(run.report["failure"]["step"], "compress");
    let reason = run.report["failure"]["message"].as_str().unwrap();
    assert!(reason.contains("BIZAGI_02.dmp"), "{reason}");
    assert!(names(&arch, ".zip").is_empty() && names(&arch, ".partial").is_empty());
    let dump = PathBuf::from(run.report["dump_files"][0].as_str().unwrap());
    assert!(dump.exists());
}

#[test]
fn with_a_share_the_dump_goes_only_after_the_share_holds_a_verified_copy() {
    let t = tempfile::tempdir().unwrap();
    let prod = init(t.path(), "prod");
    let arch = t.path().join("arch");
    std::fs::create_dir(&arch).unwrap();
    let example = crate::support::repo_root().join("examples/archive_to_share.rhai");
    let example = example.to_str().unwrap();

    // The share is not mounted: the declared site parameter is refused before anything runs
    // (exit 2), so no export is made and nothing can be removed.
    let missing = t.path().join("not-mounted");
    let share = format!("share={}", missing.display());
    let run = export_with(
        example,
        &prod,
        "//prod-j:1521/PROD",
        &arch,
        &["remove_dump=true", &share],
    );
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("no such folder"), "{}", run.stderr);
    let server = prod.join("server/BizAgiBackupPath");
    assert!(names(&server, ".dmp").is_empty(), "{}", run.stderr);

    // Mounted: copied and verified first, then the dump is removed.
    let mounted = t.path().join("share");
    std::fs::create_dir(&mounted).unwrap();
    let share = format!("share={}", mounted.display());
    let run = export_with(
        example,
        &prod,
        "//prod-j:1521/PROD",
        &arch,
        &["remove_dump=true", &share],
    );
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let copied = run.stderr.find("copied to the share").expect("a copy");
    let removed = run
        .stderr
        .find("the dump files were removed")
        .expect("a removal");
    assert!(copied < removed, "{}", run.stderr);
    assert_eq!(names(&mounted, ".zip").len(), 1);
    assert!(
        names(&server, ".dmp").is_empty(),
        "the dump is removed once the share holds its verified copy"
    );
}
