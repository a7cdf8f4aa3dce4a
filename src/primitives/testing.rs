//! Test helpers: a Rhai engine with every primitive registered, pointed at a simulated Oracle
//! home (`oracle-sim`), and the checks that a password never leaks.
//!
//! Tests that need the simulator call [`Sim::start`]. The simulator is part of the workspace:
//! when it is not built for the running profile it is built (once per test process), and a test
//! that cannot have it fails; it never skips (see `crate::fixtures`). `Sim::start` keeps
//! returning an `Option` for its callers' sake, but it is always `Some`.

use crate::cancel::Cancel;
use crate::host::simulate::{find_oracle_sim, SimHome};
use crate::primitives::runtime::{HostCtx, OracleEnv};
use crate::secret::Secret;
use rhai::{Dynamic, Engine, EvalAltResult, Scope};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The password every simulated test uses: distinctive, so a grep for it cannot match by chance.
pub const PASSWORD: &str = "Zq7-leak-canary-91X";

/// The script line that makes `db` (the scope holds `pw`, the [`PASSWORD`] as a Secret).
pub const DB: &str = r#"let db = oracle(#{ user: "BIZAGIADMON", password: pw, connect: "//localhost:1521/ORCLPDB1" });"#;

/// The simulator the product itself would run ([`find_oracle_sim`]) for the profile of the
/// running tests, built first when missing. Panics, saying why, when there is none: a test that
/// needs the simulator fails without it.
pub fn oracle_sim_binary() -> PathBuf {
    crate::fixtures::ensure_oracle_sim_built();
    match find_oracle_sim() {
        Ok(sim) => sim,
        Err(e) => panic!("{e}"),
    }
}

/// An engine with the primitives registered, for `ctx`.
pub fn engine(ctx: &Arc<HostCtx>) -> Engine {
    let mut engine = Engine::new();
    crate::primitives::register_all(&mut engine, ctx);
    engine
}

/// A context for tests: no terminal, the given dry-run and --yes, and `env`.
pub fn context(env: OracleEnv, dry_run: bool, assume_yes: bool) -> Arc<HostCtx> {
    let mut ctx = HostCtx::new(dry_run, assume_yes, Cancel::new(), env);
    ctx.interactive = false;
    Arc::new(ctx)
}

/// Runs `script` with `pw` (the test password as a Secret) in scope.
pub fn eval(engine: &Engine, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let mut scope = Scope::new();
    scope.push("pw", Secret::new(PASSWORD, "test"));
    engine.eval_with_scope::<Dynamic>(&mut scope, script)
}

/// The `code` of a primitive's error (see `errors::script_error`), or the error's text.
pub fn code(error: &EvalAltResult) -> String {
    match error {
        EvalAltResult::ErrorRuntime(payload, _) => super::errors::parts(payload)
            .map(|(code, _, _)| code)
            .unwrap_or_else(|| payload.to_string()),
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => code(inner),
        other => other.to_string(),
    }
}

/// The full text of an error (code, message, hint), for asserting what a user would read.
pub fn text(error: &EvalAltResult) -> String {
    match error {
        EvalAltResult::ErrorRuntime(payload, _) => match super::errors::parts(payload) {
            Some((code, message, hint)) => {
                format!("{code}: {message} (hint: {})", hint.unwrap_or_default())
            }
            None => payload.to_string(),
        },
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => text(inner),
        other => other.to_string(),
    }
}

/// A simulated home, a context pointed at it, and an engine.
pub struct Sim {
    pub home: SimHome,
    pub ctx: Arc<HostCtx>,
    pub engine: Engine,
}

impl Sim {
    /// A fresh simulated home for `scenario` (always `Some`: see the module's comment).
    pub fn start(scenario: &str) -> Option<Self> {
        Self::with(scenario, false, false)
    }

    /// Like [`Sim::start`], with --dry-run and --yes as given.
    pub fn with(scenario: &str, dry_run: bool, assume_yes: bool) -> Option<Self> {
        Self::build(None, scenario, dry_run, assume_yes)
    }

    /// Like [`Sim::start`], with the home kept in `dir`.
    pub fn at(dir: &Path, scenario: &str) -> Option<Self> {
        Self::build(Some(dir), scenario, false, false)
    }

    fn build(dir: Option<&Path>, scenario: &str, dry_run: bool, assume_yes: bool) -> Option<Self> {
        // Built when missing, for this profile; `SimHome` then finds it the product's way.
        oracle_sim_binary();
        let created = match dir {
            Some(dir) => SimHome::create_at(dir, scenario),
            None => SimHome::create(scenario),
        };
        let home = match created {
            Ok(home) => home,
            Err(e) => panic!("oracle-sim init --scenario {scenario} failed: {e}"),
        };
        let mut env = OracleEnv::inherit();
        // Start from a clean Oracle environment: the developer's own settings must not leak in.
        for name in ["NLS_LANG", "TWO_TASK", "LD_LIBRARY_PATH", "TNS_ADMIN"] {
            env.unset(name);
        }
        home.apply(&mut env);
        let ctx = context(env, dry_run, assume_yes);
        let engine = engine(&ctx);
        Some(Self { home, ctx, engine })
    }

    /// Runs `script` after [`DB`].
    pub fn run(&self, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        eval(&self.engine, &format!("{DB}\n{script}"))
    }

    /// Fails the test when the password appears in any file of the simulated home (the audit
    /// trail, logs, parameter files, the database state, anything left behind).
    pub fn assert_password_nowhere(&self) {
        assert_not_in_tree(&self.home.home, PASSWORD);
    }
}

/// Fails when `needle` occurs in any file under `dir`.
pub fn assert_not_in_tree(dir: &Path, needle: &str) {
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files += 1;
                let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
                assert!(!found, "the password appears in {}", path.display());
            }
        }
    }
    assert!(
        files > 0,
        "no files under {}: nothing was checked",
        dir.display()
    );
}

/// Runs the simulated `expdp` of `sim` for schema BIZAGI with `job_name`, the password in a 0600
/// parameter file (removed afterwards). Returns the child, started (`wait: false`) or finished.
pub fn start_expdp(sim: &Sim, job_name: &str) -> (std::process::Child, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let parfile = dir.path().join("export.par");
    let text = format!(
        "userid=BIZAGIADMON/\"{PASSWORD}\"@//localhost:1521/ORCLPDB1\nschemas=BIZAGI\ndirectory=BIZAGIBACKUPPATH\ndumpfile={job_name}.dmp\nlogfile={job_name}.log\njob_name={job_name}\n"
    );
    std::fs::write(&parfile, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&parfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut command = std::process::Command::new(sim.home.home.join("bin").join("expdp"));
    command
        .arg(format!("parfile={}", parfile.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    sim.ctx.env.apply(&mut command);
    (command.spawn().unwrap(), dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set in the child process the leak test starts.
    const PROBE: &str = "BIZSCRIPT_LEAK_PROBE_DIR";

    /// Not a test of its own: the body of [`the_password_never_leaks`], run in a child process
    /// so that its stdout and stderr can be read whole.
    #[test]
    #[ignore = "run by the_password_never_leaks in a child process"]
    fn leak_probe() {
        let dir = PathBuf::from(
            std::env::var_os(PROBE).expect("leak_probe runs under the_password_never_leaks"),
        );
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(std::io::stderr)
            .try_init();
        let script = r#"
            for step in ["check_env", "nls_charset", "dir", "dir_create", "jobs", "cleanup"] {
                try {
                    let r = switch step {
                        "check_env" => check_env(),
                        "nls_charset" => nls_charset(db),
                        "dir" => ensure_directory(db, "BizAgiBackupPath"),
                        "dir_create" => ensure_directory(db, "LEAKDIR", "/u01/leak", #{ grant_to: "BIZAGI" }),
                        "jobs" => datapump_jobs(db),
                        "cleanup" => cleanup_job(db, "BIZAGIADMON", "NO_SUCH_JOB"),
                    };
                    print(`${step}: ${r}`);
                    debug(r);
                } catch (e) {
                    print(`${step} failed: ${e}`);
                    debug(e);
                }
            }
            print(db);
            debug(db);
            debug(pw);
        "#;
        for scenario in [
            "ok",
            "charset_mismatch",
            "bad_home",
            "no_directory",
            "bad_password",
            "no_privilege",
        ] {
            let Some(sim) = Sim::at(&dir.join(scenario), scenario) else {
                return;
            };
            let _ = sim.run(script).unwrap();
            sim.ctx.set_dry_run(true);
            let _ = sim.run(script).unwrap();
        }
        println!("leak probe done");
    }

    /// The examples of this branch's primitives run against the default simulated database.
    /// `secret_env("BIZSCRIPT_PASSWORD")` becomes the scope's `pw`: setting a process variable
    /// from a multi-threaded test harness would race with the other tests reading theirs.
    #[test]
    fn the_doc_examples_run() {
        let Some(sim) = Sim::start("ok") else { return };
        let docs = [
            &crate::primitives::connection::ORACLE,
            &crate::primitives::check_env::CHECK_ENV,
            &crate::primitives::nls_charset::NLS_CHARSET,
            &crate::primitives::ensure_directory::ENSURE_DIRECTORY,
            &crate::primitives::datapump_jobs::DATAPUMP_JOBS,
            &crate::primitives::datapump_jobs::CLEANUP_JOB,
        ];
        for doc in docs {
            let example = doc
                .example
                .replace("secret_env(\"BIZSCRIPT_PASSWORD\")", "pw");
            if let Err(e) = eval(&sim.engine, &example) {
                panic!("the example of {} fails: {}", doc.name, text(&e));
            }
        }
    }

    /// Runs one test of this binary, `exe`, in a child process; returns its status and output.
    fn run_one_test(
        exe: &Path,
        test: &str,
        adjust: impl FnOnce(&mut std::process::Command),
    ) -> (bool, String) {
        let mut command = std::process::Command::new(exe);
        command
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env_remove("BIZSCRIPT_ORACLE_SIM")
            .stdin(std::process::Stdio::null());
        adjust(&mut command);
        let output = command.output().unwrap();
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }

    const A_SIMULATOR_TEST: &str = "primitives::testing::tests::the_doc_examples_run";

    /// A simulator-backed test run where no simulator is built and cargo cannot build one fails,
    /// saying so; it does not pass by skipping. (A copy of this test binary in a profile folder
    /// of its own, with no cargo on PATH, so the real simulator stays in place for the others.)
    #[test]
    fn without_a_simulator_a_simulator_test_fails_rather_than_skips() {
        let target = crate::fixtures::profile_dir().parent().unwrap().join("tmp");
        std::fs::create_dir_all(&target).unwrap();
        let scratch = tempfile::Builder::new()
            .prefix("bizscript-no-sim-")
            .tempdir_in(&target)
            .unwrap();
        let deps = scratch.path().join("debug").join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        let exe = std::env::current_exe().unwrap();
        let copy = deps.join(exe.file_name().unwrap());
        if std::fs::hard_link(&exe, &copy).is_err() {
            std::fs::copy(&exe, &copy).unwrap();
        }
        let empty_path = scratch.path().join("empty-path");
        std::fs::create_dir_all(&empty_path).unwrap();
        let (passed, output) = run_one_test(&copy, A_SIMULATOR_TEST, |c| {
            c.env_remove("CARGO").env("PATH", &empty_path);
        });
        assert!(!passed, "passed without a simulator:\n{output}");
        assert!(output.contains("1 failed"), "{output}");
        assert!(
            output.contains("oracle-sim is missing")
                && output.contains("cargo build -p oracle-sim")
                && output.contains("could not start"),
            "the failure does not say the simulator is missing:\n{output}"
        );
        assert!(!output.contains("skipped"), "{output}");
    }

    /// Puts the simulator back if the test left it hidden.
    struct Hidden {
        sim: PathBuf,
        aside: PathBuf,
    }

    impl Drop for Hidden {
        fn drop(&mut self) {
            if self.sim.is_file() {
                let _ = std::fs::remove_file(&self.aside);
            } else {
                let _ = std::fs::rename(&self.aside, &self.sim);
            }
        }
    }

    /// With this profile's simulator hidden, a simulator-backed test builds it and runs against
    /// it. Ignored because it hides the binary every other simulator test uses: `.ci/run` runs it
    /// alone (`cargo test -p bizscript --lib a_hidden_simulator -- --ignored --exact ...`).
    #[test]
    #[ignore = "hides target/<profile>/oracle-sim: run alone, as .ci/run does"]
    fn a_hidden_simulator_is_rebuilt_not_skipped() {
        let sim = crate::fixtures::profile_dir()
            .join(format!("oracle-sim{}", std::env::consts::EXE_SUFFIX));
        let aside = sim.with_extension("hidden-by-test");
        if sim.is_file() {
            std::fs::rename(&sim, &aside).unwrap();
        }
        let hidden = Hidden { sim, aside };
        let exe = std::env::current_exe().unwrap();
        let (passed, output) = run_one_test(&exe, A_SIMULATOR_TEST, |_| {});
        assert!(passed, "{output}");
        assert!(output.contains("1 passed"), "{output}");
        assert!(
            output.contains("oracle-sim is missing: running cargo build -p oracle-sim"),
            "the simulator was not rebuilt:\n{output}"
        );
        assert!(!output.contains("skipped"), "{output}");
        assert!(
            hidden.sim.is_file(),
            "{} was not rebuilt",
            hidden.sim.display()
        );
    }

    #[test]
    fn the_password_never_leaks() {
        // The child finds (and would build) the simulator itself; building it here first keeps
        // a build failure this test's, with cargo's message, rather than the probe's.
        oracle_sim_binary();
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "primitives::testing::tests::leak_probe",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(PROBE, dir.path())
            // Temporary files of the child (parameter files, simulated homes) land here too.
            .env("TMPDIR", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "probe failed:\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("leak probe done"),
            "probe did not run:\n{stdout}\n{stderr}"
        );
        // The probe really exercised the database paths (a failed CONNECT, a created directory).
        assert!(stdout.contains("ORA-01017"), "{stdout}");
        assert!(stdout.contains("LEAKDIR"), "{stdout}");
        assert!(!stdout.contains(PASSWORD), "the password reached stdout");
        assert!(!stderr.contains(PASSWORD), "the password reached stderr");
        assert_not_in_tree(dir.path(), PASSWORD);
    }
}
