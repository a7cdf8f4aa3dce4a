//! `compress(paths, opts)`: step 6 of the procedure, the dump set into one verified ZIP.
//!
//! Thin glue: options from the script's map are checked and turned into
//! [`crate::archive::Options`], the run's cancel flag and display are handed down, and the
//! [`crate::archive::ArchiveReport`] comes back as a map. All the safety lives in `archive`.

use super::errors::{misuse, script_error};
use super::options::check_keys;
use super::{registration, PrimitiveDoc};
use crate::archive::{self, ArchiveError, ArchiveReport, Method, Options, Phase, Plan, Progress};
use crate::host::context::HostCtx;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const COMPRESS: PrimitiveDoc = PrimitiveDoc {
    name: "compress",
    signature: "compress(paths: Array|string, opts: Map) -> Map",
    summary: "Archives the dump files in `paths` into one ZIP at `opts.archive` (ZIP64 when an entry or the archive passes 4 GiB), using every core, and returns `#{ archive, entries, bytes_in, bytes_out, sha256, verified, duration, removed, mode, stale_removed }`; each entry has `name, source, bytes_in, bytes_out, crc32, sha256, method, file_id, modified_ns` (the input's `dev:inode` and modification time, which it kept from planning to the end). Options: `archive` (required path), `level` 1-9 (default 6), `method` \"deflate\" (default, every unzip reads it) or \"zstd\" (faster, needs a recent reader), `include` (extra files such as the log, archived but never removed), `remove_source` (default false: delete the dump files once the archive is verified), `overwrite` (default false: refuse an existing archive), `clean_partials` (a name prefix such as \"BIZAGI_\": first remove `PREFIX<run tag>.zip.partial` files in the archive's folder that an interrupted run left, i.e. this user's, not locked by a writer and untouched for 10 minutes). Each input's size, modification time and file identity are recorded before anything is written; if any changes before the archive is renamed, or the bytes read differ from the planned size (a dump truncated or still growing), it fails with BZ-COMPRESS-INPUT-CHANGED: no archive, inputs untouched. The archive is created no more permissive than the most private input (`mode`). The archive is written to ARCHIVE.partial, read back (every entry's CRC-32 and size) and only then renamed; SHA-256 of every input is computed while reading. A missing input fails before anything is written; a full disk, a read error or Ctrl-C removes the partial file and leaves the inputs untouched. Under --dry-run it writes nothing and returns the plan with `free_space`, `worst_case` and `fits`.",
    example: r#"// Step 6: ship the dump set and its log as one verified archive.
let zip = compress(["BIZAGI_01.dmp", "BIZAGI_02.dmp"], #{
    archive: "BIZAGI_20261124.zip",
    include: ["BIZAGI_export.log"],
    level: 6,
});
if !zip.verified { throw "archive not verified"; }
print(`${zip.archive}: ${zip.bytes_out} bytes, sha256 ${zip.sha256}`);"#,
};

/// The option keys `compress` accepts.
const KEYS: &[&str] = &[
    "archive",
    "level",
    "method",
    "include",
    "remove_source",
    "overwrite",
    "clean_partials",
];

/// How long a partial archive must be untouched before `clean_partials` may remove it, on top
/// of nobody holding its lock: a second guard where locks do not reach (a share mounted on two
/// hosts). A killed run's partial is removed by the next nightly run.
const STALE_PARTIAL_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// Registers `compress` for an array of paths and for a single path.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let run = Arc::clone(ctx);
    registration(&COMPRESS, &["paths: Array", "opts: Map", "Map"]).register_into_engine(
        engine,
        move |paths: Array, opts: Map| {
            run.record(
                "compress",
                paths_of(paths).and_then(|p| compress(&run, p, opts)),
            )
        },
    );
    let run = Arc::clone(ctx);
    registration(&COMPRESS, &["path: &str", "opts: Map", "Map"]).register_into_engine(
        engine,
        move |path: &str, opts: Map| {
            run.record("compress", compress(&run, vec![PathBuf::from(path)], opts))
        },
    );
}

fn compress(ctx: &HostCtx, paths: Vec<PathBuf>, opts: Map) -> Result<Map, Box<EvalAltResult>> {
    let options = options_of(&opts)?;
    let clean_prefix = match opts.get("clean_partials") {
        None => None,
        Some(v) => Some(
            v.clone()
                .into_string()
                .ok()
                .filter(|p| !p.is_empty() && !p.contains(['/', '\\']))
                .ok_or_else(|| {
                    usage_error(
                        "`clean_partials` must be a non-empty file name prefix such as \"BIZAGI_\"",
                    )
                })?,
        ),
    };
    let stale_removed = match &clean_prefix {
        Some(prefix) if !ctx.dry_run() => clean_partials(&options.archive, prefix),
        _ => Vec::new(),
    };
    if ctx.dry_run() {
        let plan = archive::plan(&paths, &options).map_err(to_script_error)?;
        say_plan(&plan);
        return to_map(&DryRun::from(&plan));
    }
    let mut display = Display::new(ctx.interactive);
    let result = archive::compress(&paths, &options, &ctx.cancel, &mut |p| display.update(p));
    display.finish();
    let report = result.map_err(to_script_error)?;
    say_report(&report);
    let mut outcome = Outcome::from(&report);
    outcome.stale_removed = stale_removed;
    to_map(&outcome)
}

/// Removes the stale partial archives of `prefix` beside `archive` and says so; a folder that
/// cannot be listed is compress's own error to report, a moment later.
fn clean_partials(archive: &std::path::Path, prefix: &str) -> Vec<String> {
    let folder = match archive.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match archive::remove_stale_partials(&folder, prefix, STALE_PARTIAL_AGE) {
        Ok(removed) => removed
            .iter()
            .map(|p| {
                eprintln!(
                    "compress: removed {}, a partial archive an interrupted run left (no run holds it, untouched for over {} minutes)",
                    p.display(),
                    STALE_PARTIAL_AGE.as_secs() / 60
                );
                p.display().to_string()
            })
            .collect(),
        Err(e) => {
            tracing::warn!(folder = %folder.display(), error = %e, "cannot look for stale partial archives");
            Vec::new()
        }
    }
}

fn usage_error(message: impl Into<String>) -> Box<EvalAltResult> {
    misuse("compress", message, COMPRESS.signature)
}

fn paths_of(values: Array) -> Result<Vec<PathBuf>, Box<EvalAltResult>> {
    values
        .into_iter()
        .map(|v| {
            v.into_string()
                .map(PathBuf::from)
                .map_err(|t| usage_error(format!("paths must be strings, found {t}")))
        })
        .collect()
}

fn options_of(opts: &Map) -> Result<Options, Box<EvalAltResult>> {
    check_keys("compress", opts, KEYS)?;
    let archive = match opts.get("archive") {
        Some(v) => v
            .clone()
            .into_string()
            .map_err(|t| usage_error(format!("`archive` must be a string path, found {t}")))?,
        None => {
            return Err(script_error(
                "BZ-COMPRESS-OPTION",
                "compress: `archive` is required",
                "name the archive, e.g. #{ archive: \"BIZAGI_20261124.zip\" }",
            ))
        }
    };
    let mut options = Options::new(archive);
    if let Some(v) = opts.get("level") {
        let level = v
            .as_int()
            .map_err(|t| usage_error(format!("`level` must be an integer 1-9, found {t}")))?;
        options.level = u32::try_from(level)
            .ok()
            .filter(|l| (1..=9).contains(l))
            .ok_or_else(|| {
                script_error(
                    "BZ-COMPRESS-OPTION",
                    format!("compress: level {level} is not valid"),
                    "use 1 (fastest) to 9 (smallest); 6 is the default",
                )
            })?;
    }
    if let Some(v) = opts.get("method") {
        let method = v
            .clone()
            .into_string()
            .map_err(|t| usage_error(format!("`method` must be a string, found {t}")))?;
        options.method = match method.as_str() {
            "deflate" => Method::Deflate,
            "zstd" => Method::Zstd,
            other => {
                return Err(script_error(
                    "BZ-COMPRESS-OPTION",
                    format!("compress: unknown method `{other}`"),
                    "use \"deflate\" (every unzip reads it) or \"zstd\" (faster, needs a recent reader)",
                ))
            }
        };
    }
    if let Some(v) = opts.get("include") {
        options.include = if v.is_string() {
            vec![PathBuf::from(v.clone().into_string().unwrap_or_default())]
        } else {
            let list = v.clone().into_typed_array::<Dynamic>().map_err(|t| {
                usage_error(format!(
                    "`include` must be a path or an array of paths, found {t}"
                ))
            })?;
            paths_of(list)?
        };
    }
    options.remove_source = flag(opts, "remove_source")?;
    options.overwrite = flag(opts, "overwrite")?;
    Ok(options)
}

fn flag(opts: &Map, key: &str) -> Result<bool, Box<EvalAltResult>> {
    match opts.get(key) {
        None => Ok(false),
        Some(v) => v
            .as_bool()
            .map_err(|t| usage_error(format!("`{key}` must be true or false, found {t}"))),
    }
}

fn to_script_error(e: ArchiveError) -> Box<EvalAltResult> {
    tracing::error!(code = e.code(), "{e}");
    script_error(e.code(), format!("compress: {e}"), e.advice())
}

fn to_map<T: Serialize>(value: &T) -> Result<Map, Box<EvalAltResult>> {
    let dynamic = rhai::serde::to_dynamic(value)?;
    dynamic
        .try_cast::<Map>()
        .ok_or_else(|| script_error("BZ-INTERNAL", "compress: result is not a map", ""))
}

/// Rhai integers are i64; no file is 8 EiB.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[derive(Serialize)]
struct EntryOutcome {
    name: String,
    source: String,
    bytes_in: i64,
    bytes_out: i64,
    crc32: String,
    sha256: String,
    method: &'static str,
    /// `dev:inode` of the input, unchanged from planning to the end.
    file_id: String,
    /// The input's modification time in nanoseconds since the epoch.
    modified_ns: Option<i64>,
}

/// The map a real run returns.
#[derive(Serialize)]
struct Outcome {
    archive: String,
    entries: Vec<EntryOutcome>,
    bytes_in: i64,
    bytes_out: i64,
    sha256: String,
    verified: bool,
    duration: f64,
    removed: Vec<String>,
    /// The archive's permission bits, e.g. `0600` (`()` where the platform has none).
    mode: Option<String>,
    /// Stale partial archives removed first (`clean_partials`).
    stale_removed: Vec<String>,
}

impl From<&ArchiveReport> for Outcome {
    fn from(r: &ArchiveReport) -> Self {
        Self {
            archive: r.archive.display().to_string(),
            entries: r
                .entries
                .iter()
                .map(|e| EntryOutcome {
                    name: e.name.clone(),
                    source: e.source.display().to_string(),
                    bytes_in: int(e.bytes_in),
                    bytes_out: int(e.bytes_out),
                    crc32: format!("{:08x}", e.crc32),
                    sha256: e.sha256.clone(),
                    method: e.method.name(),
                    file_id: e.planned.file_id(),
                    modified_ns: e.planned.modified_ns().and_then(|n| i64::try_from(n).ok()),
                })
                .collect(),
            bytes_in: int(r.bytes_in),
            bytes_out: int(r.bytes_out),
            sha256: r.sha256.clone(),
            verified: r.verified,
            duration: r.duration.as_secs_f64(),
            removed: r.removed.iter().map(|p| p.display().to_string()).collect(),
            mode: r.mode.map(|m| format!("{m:04o}")),
            stale_removed: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct PlannedEntry {
    name: String,
    source: String,
    bytes_in: i64,
}

/// The map a dry run returns: same keys as a real run, plus the space check.
#[derive(Serialize)]
struct DryRun {
    dry_run: bool,
    archive: String,
    entries: Vec<PlannedEntry>,
    bytes_in: i64,
    bytes_out: i64,
    sha256: String,
    verified: bool,
    duration: f64,
    removed: Vec<String>,
    worst_case: i64,
    free_space: Option<i64>,
    fits: Option<bool>,
}

impl From<&Plan> for DryRun {
    fn from(p: &Plan) -> Self {
        Self {
            dry_run: true,
            archive: p.archive.display().to_string(),
            entries: p
                .entries
                .iter()
                .map(|e| PlannedEntry {
                    name: e.name.clone(),
                    source: e.source.display().to_string(),
                    bytes_in: int(e.size),
                })
                .collect(),
            bytes_in: int(p.bytes_in),
            bytes_out: 0,
            sha256: String::new(),
            verified: false,
            duration: 0.0,
            removed: Vec::new(),
            worst_case: int(p.worst_case),
            free_space: p.free_space.map(int),
            fits: p.fits_worst_case(),
        }
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn say_plan(plan: &Plan) {
    eprintln!(
        "compress (dry run): would write {} ({} entries, {} in), via {}",
        plan.archive.display(),
        plan.entries.len(),
        mib(plan.bytes_in),
        plan.partial.display()
    );
    let free = plan.free_space.map_or_else(|| "unknown".to_string(), mib);
    eprintln!(
        "compress (dry run): needs at most {} (incompressible input); free there: {free}",
        mib(plan.worst_case)
    );
    if plan.fits_worst_case() == Some(false) {
        eprintln!("compress (dry run): warning: the archive fits only if the dump compresses");
    }
    tracing::info!(archive = %plan.archive.display(), bytes_in = plan.bytes_in, worst_case = plan.worst_case, free = plan.free_space, "compress dry run");
}

fn say_report(r: &ArchiveReport) {
    let ratio = if r.bytes_in == 0 {
        0.0
    } else {
        100.0 * r.bytes_out as f64 / r.bytes_in as f64
    };
    crate::primitives::console::detail(&format!(
        "compress: {} verified: {} entries, {} -> {} ({ratio:.1}%) in {:.1} s",
        r.archive.display(),
        r.entries.len(),
        mib(r.bytes_in),
        mib(r.bytes_out),
        r.duration.as_secs_f64()
    ));
    tracing::info!(archive = %r.archive.display(), bytes_in = r.bytes_in, bytes_out = r.bytes_out, sha256 = %r.sha256, "compress done");
}

/// Whether a plain progress line for `tenth` is shown: a new tenth, after [`QUIET_START`] of
/// work, and not under `-q`; with `-v` (`console` > 0) every tenth from the start, since the DBA
/// asked for the detail. `console` is verbosity minus quietness.
fn shows_tenth(tenth: u64, last_tenth: u64, elapsed: Duration, console: i8) -> bool {
    let long = elapsed >= QUIET_START || console > 0;
    tenth > last_tenth && long && console >= 0
}

/// Progress off a terminal waits this long: work that ends sooner says nothing until its result.
const QUIET_START: Duration = Duration::from_secs(3);

/// Progress on stderr: a bar on a terminal; otherwise a plain line at most every 10%, and only
/// once the work has run for [`QUIET_START`] (a small dump printed ten lines for half a second),
/// or from the start with `-v`.
struct Display {
    bar: Option<ProgressBar>,
    phase: Option<Phase>,
    last_tenth: u64,
    started: Instant,
}

impl Display {
    fn new(interactive: bool) -> Self {
        // The bar replaces the live line of the step the script announced.
        let _ = crate::primitives::console::take_announcement();
        let bar = interactive.then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{msg:>9} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Self {
            bar,
            phase: None,
            last_tenth: 0,
            started: Instant::now(),
        }
    }

    fn update(&mut self, p: &Progress) {
        let name = match p.phase {
            Phase::Compress => "compress",
            Phase::Verify => "verify",
        };
        if self.phase != Some(p.phase) {
            self.phase = Some(p.phase);
            self.last_tenth = 0;
            if let Some(bar) = &self.bar {
                bar.reset();
                bar.set_length(p.total);
                bar.set_message(name);
            }
        }
        match &self.bar {
            Some(bar) => bar.set_position(p.done),
            None => {
                let tenth = (p.done * 10).checked_div(p.total).unwrap_or(10);
                let console = crate::primitives::console::verbose() as i8
                    - crate::primitives::console::quiet() as i8;
                if shows_tenth(tenth, self.last_tenth, self.started.elapsed(), console) {
                    self.last_tenth = tenth;
                    eprintln!(
                        "{name}: {}% ({} of {}) {}",
                        tenth * 10,
                        mib(p.done),
                        mib(p.total),
                        p.entry
                    );
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn progress_lines_wait_for_long_work_and_each_tenth_is_shown_once() {
        use std::time::Duration;
        let short = Duration::from_millis(500);
        let long = Duration::from_secs(4);
        assert!(
            !super::shows_tenth(1, 0, short, 0),
            "half a second of work says nothing"
        );
        assert!(super::shows_tenth(1, 0, long, 0));
        assert!(!super::shows_tenth(1, 1, long, 0), "a tenth once");
        assert!(super::shows_tenth(1, 0, short, 1), "-v shows every tenth");
        assert!(!super::shows_tenth(5, 0, long, -1), "-q shows none");
    }

    use super::*;
    use crate::cancel::Cancel;
    use crate::host::context::OracleEnv;
    use crate::primitives::errors::parts;
    use std::fs;
    use tempfile::TempDir;

    fn engine(ctx: &Arc<HostCtx>) -> Engine {
        let mut engine = Engine::new();
        register(&mut engine, ctx);
        engine
    }

    fn dump_set(dir: &std::path::Path) {
        let row = b"<ROW><CASEID>42</CASEID><STATE>OPEN</STATE></ROW>";
        fs::write(dir.join("BIZAGI_01.dmp"), row.repeat(20_000)).unwrap();
        fs::write(dir.join("BIZAGI_02.dmp"), row.repeat(5_000)).unwrap();
        fs::write(dir.join("BIZAGI.log"), b"successfully completed\n").unwrap();
    }

    fn error_of(result: Result<Map, Box<EvalAltResult>>) -> (String, String, Option<String>) {
        match *result.unwrap_err() {
            EvalAltResult::ErrorRuntime(payload, _) => parts(&payload).unwrap(),
            other => panic!("not a script error: {other}"),
        }
    }

    #[test]
    fn compresses_a_dump_set_and_returns_the_report() {
        let tmp = TempDir::new().unwrap();
        dump_set(tmp.path());
        let d = tmp.path().display();
        let script = format!(
            r#"compress(["{d}/BIZAGI_01.dmp", "{d}/BIZAGI_02.dmp"],
                #{{ archive: "{d}/BIZAGI.zip", include: "{d}/BIZAGI.log", level: 1, remove_source: true }})"#
        );
        let map = engine(&HostCtx::for_tests()).eval::<Map>(&script).unwrap();
        assert!(map["verified"].as_bool().unwrap());
        assert_eq!(
            map["archive"].clone().into_string().unwrap(),
            format!("{d}/BIZAGI.zip")
        );
        let entries = map["entries"].clone().into_array().unwrap();
        assert_eq!(entries.len(), 3);
        let first = entries[0].clone().cast::<Map>();
        assert_eq!(
            first["name"].clone().into_string().unwrap(),
            "BIZAGI_01.dmp"
        );
        assert_eq!(first["crc32"].clone().into_string().unwrap().len(), 8);
        assert_eq!(map["bytes_in"].as_int().unwrap(), 25_000 * 49 + 23);
        assert!(map["bytes_out"].as_int().unwrap() < map["bytes_in"].as_int().unwrap());
        assert_eq!(map["sha256"].clone().into_string().unwrap().len(), 64);
        assert_eq!(map["removed"].clone().into_array().unwrap().len(), 2);
        assert!(!tmp.path().join("BIZAGI_01.dmp").exists());
        assert!(tmp.path().join("BIZAGI.log").exists());
    }

    #[test]
    fn a_single_path_is_accepted() {
        let tmp = TempDir::new().unwrap();
        dump_set(tmp.path());
        let d = tmp.path().display();
        let script = format!(
            r#"compress("{d}/BIZAGI_01.dmp", #{{ archive: "{d}/one.zip", method: "zstd" }})"#
        );
        let map = engine(&HostCtx::for_tests()).eval::<Map>(&script).unwrap();
        let entries = map["entries"].clone().into_array().unwrap();
        let first = entries[0].clone().cast::<Map>();
        assert_eq!(first["method"].clone().into_string().unwrap(), "zstd");
    }

    #[test]
    fn unknown_options_are_refused_with_a_suggestion() {
        let result = engine(&HostCtx::for_tests())
            .eval::<Map>(r#"compress(["x.dmp"], #{ archive: "x.zip", remove_sources: true })"#);
        let (code, message, hint) = error_of(result);
        assert_eq!(code, "BZ-OPTION");
        assert!(message.contains("remove_sources"));
        assert_eq!(hint.unwrap(), "did you mean `remove_source`?");
    }

    #[test]
    fn bad_values_are_refused() {
        let e = engine(&HostCtx::for_tests());
        let (code, _, _) = error_of(e.eval::<Map>(r#"compress(["x.dmp"], #{})"#));
        assert_eq!(code, "BZ-COMPRESS-OPTION");
        let (code, message, _) =
            error_of(e.eval::<Map>(r#"compress(["x.dmp"], #{ archive: "x.zip", level: 0 })"#));
        assert_eq!(code, "BZ-COMPRESS-OPTION");
        assert!(message.contains("level 0"));
        let (code, _, hint) =
            error_of(e.eval::<Map>(r#"compress(["x.dmp"], #{ archive: "x.zip", method: "xz" })"#));
        assert_eq!(code, "BZ-COMPRESS-OPTION");
        assert!(hint.unwrap().contains("zstd"));
        let (code, _, _) = error_of(e.eval::<Map>(r#"compress([42], #{ archive: "x.zip" })"#));
        assert_eq!(code, "BZ-USAGE");
    }

    #[test]
    fn a_missing_dump_is_a_clear_error() {
        let tmp = TempDir::new().unwrap();
        let d = tmp.path().display();
        let script = format!(r#"compress(["{d}/BIZAGI_01.dmp"], #{{ archive: "{d}/B.zip" }})"#);
        let (code, message, hint) = error_of(engine(&HostCtx::for_tests()).eval::<Map>(&script));
        assert_eq!(code, "BZ-COMPRESS-MISSING");
        assert!(message.contains("BIZAGI_01.dmp"));
        assert!(hint.unwrap().contains("DIRECTORY"));
        assert!(!tmp.path().join("B.zip").exists());
    }

    #[test]
    fn dry_run_writes_nothing_and_reports_the_space() {
        let tmp = TempDir::new().unwrap();
        dump_set(tmp.path());
        let ctx = Arc::new(HostCtx::new(
            true,
            false,
            Cancel::new(),
            OracleEnv::inherit(),
        ));
        let d = tmp.path().display();
        let script = format!(
            r#"compress(["{d}/BIZAGI_01.dmp"], #{{ archive: "{d}/B.zip", remove_source: true }})"#
        );
        let map = engine(&ctx).eval::<Map>(&script).unwrap();
        assert!(map["dry_run"].as_bool().unwrap());
        assert!(!map["verified"].as_bool().unwrap());
        assert!(map["worst_case"].as_int().unwrap() > 20_000 * 49);
        assert!(map["fits"].as_bool().unwrap());
        assert!(!tmp.path().join("B.zip").exists());
        assert!(!tmp.path().join("B.zip.partial").exists());
        assert!(tmp.path().join("BIZAGI_01.dmp").exists());
    }

    #[test]
    fn the_doc_example_refuses_missing_dump_files_and_writes_nothing() {
        // The integration test `doc_examples` runs the example beside a dump set; here, in a
        // folder without one, it must fail before writing anything.
        let err = engine(&HostCtx::for_tests())
            .run(COMPRESS.example)
            .unwrap_err();
        assert!(err.to_string().contains("BZ-COMPRESS-MISSING"), "{err}");
        assert!(!std::path::Path::new("BIZAGI_20261124.zip").exists());
        assert!(!std::path::Path::new("BIZAGI_20261124.zip.partial").exists());
    }
}
