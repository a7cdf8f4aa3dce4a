// What the tests need from outside the crate, and what a missing piece means.
//
// Shared by the unit tests (`crate::fixtures`) and the integration tests, which `include!` this
// file from `tests/integration/support.rs`: so it uses nothing but `std` (and has no inner doc
// comment, which `include!` refuses).
//
// - The simulator (`oracle-sim`) is part of the workspace: a test that needs it builds it when it
//   is missing and fails when it cannot; it never skips.
// - `../shared` (real logs, sample dumps, generators) is not part of a public clone, and a
//   developer may lack `unzip` or `7z`: there a test skips, printing what is missing. CI sets
//   `BIZSCRIPT_REQUIRE_FIXTURES=1`, under which a missing corpus or tool fails the test instead,
//   naming what is missing, so a CI run cannot pass by checking nothing.

use std::path::{Path, PathBuf};

/// Set (to anything but `0` or empty) by `.ci/run`: a missing corpus or tool fails the test.
pub const REQUIRE_FIXTURES: &str = "BIZSCRIPT_REQUIRE_FIXTURES";

/// Where the shared corpus is, when not `../shared` beside the checkout.
pub const SHARED_DIR: &str = "BIZSCRIPT_SHARED_DIR";

/// `text` (a path, typically) as a Rhai string literal, quotes included: a Windows temp folder
/// (`C:\users\...`) pasted raw into a script reads `\u` as an escape and fails to parse.
#[allow(dead_code)] // not every includer of this file writes scripts
pub fn rhai_str(text: impl std::fmt::Display) -> String {
    let mut out = String::from("\"");
    for c in text.to_string().chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a missing fixture is a failure (`BIZSCRIPT_REQUIRE_FIXTURES`).
pub fn fixtures_required() -> bool {
    std::env::var_os(REQUIRE_FIXTURES).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The shared corpus folder: `$BIZSCRIPT_SHARED_DIR`, else `../shared` beside the checkout.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_DIR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// Reports a missing fixture: fails the test under `BIZSCRIPT_REQUIRE_FIXTURES`, else prints why
/// the test checks nothing (the caller then returns).
pub fn missing_fixture(what: &str) {
    if fixtures_required() {
        panic!("{what}, and {REQUIRE_FIXTURES} is set: this test must not be skipped");
    }
    eprintln!("skipped: {what} (set {REQUIRE_FIXTURES}=1 to make this a failure)");
}

/// `RELATIVE` inside the shared corpus, when it exists; else [`missing_fixture`] and `None`.
pub fn shared_fixture(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    missing_fixture(&format!(
        "the shared fixture {} is absent (the corpus is `../shared` beside the checkout, or ${SHARED_DIR})",
        path.display()
    ));
    None
}

/// Whether `program` is on PATH; else [`missing_fixture`] (naming the Debian `package` that
/// provides it) and `false`.
pub fn tool_installed(program: &str, package: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
    if !found {
        missing_fixture(&format!(
            "`{program}` is not installed (Debian package {package}: apt-get install {package})"
        ));
    }
    found
}

/// The folder cargo puts this profile's binaries in (`target/debug`, `target/release`, ...):
/// the running test's folder, or its parent for test executables in `deps/`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    }
}

/// Makes sure `oracle-sim` is built for the profile of the running tests (so the product's own
/// lookup, which looks beside the executable first, finds this profile's simulator), building it
/// with cargo once per test process when it is missing. Panics, saying why, when it cannot.
/// Nothing is built when `$BIZSCRIPT_ORACLE_SIM` names the simulator to use.
pub fn ensure_oracle_sim_built() {
    static BUILT: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    if let Err(why) = BUILT.get_or_init(build_oracle_sim_if_missing) {
        panic!("{why}");
    }
}

fn build_oracle_sim_if_missing() -> Result<(), String> {
    if std::env::var_os("BIZSCRIPT_ORACLE_SIM").is_some() {
        return Ok(());
    }
    let profile_dir = profile_dir();
    let sim = profile_dir.join(format!("oracle-sim{}", std::env::consts::EXE_SUFFIX));
    if sim.is_file() {
        return Ok(());
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let target_dir = profile_dir.parent().unwrap_or(&profile_dir);
    let profile = profile_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Cargo tells the tests it runs where it is; run by hand, a test uses the one on PATH.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(&cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .args(["-p", "oracle-sim"])
        .stdin(std::process::Stdio::null());
    match profile.as_str() {
        "debug" => {}
        "release" => {
            command.arg("--release");
        }
        other => {
            command.args(["--profile", other]);
        }
    }
    let shown = format!(
        "cargo build -p oracle-sim (profile folder {})",
        profile_dir.display()
    );
    eprintln!("{} is missing: running {shown}", sim.display());
    let output = command.output().map_err(|e| {
        format!(
            "{} is missing and `{shown}` could not start ({}: {e}); the simulator is part of the workspace: build it, tests never skip for lack of it",
            sim.display(),
            Path::new(&cargo).display()
        )
    })?;
    if !output.status.success() {
        return Err(format!(
            "{} is missing and `{shown}` failed ({}):\n{}",
            sim.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if !sim.is_file() {
        return Err(format!(
            "`{shown}` succeeded but {} is still missing",
            sim.display()
        ));
    }
    Ok(())
}
