//! `impdp` against the Oracle client simulator: a dump set the simulated expdp wrote, imported
//! into a new schema; a full tablespace (ORA-31693) failing the verdict; misuse refused before
//! the client runs; the password in the parameter file only, which is gone afterwards.

use super::*;
use crate::primitives::testing::{self, assert_not_in_tree, PASSWORD};
use crate::secret::Secret;

struct Sim {
    sim: testing::Sim,
    work: tempfile::TempDir,
}

fn sim(scenario: &str) -> Option<Sim> {
    Some(Sim {
        sim: testing::Sim::with(scenario, false, false)?,
        work: tempfile::tempdir().unwrap(),
    })
}

fn connection() -> Connection {
    Connection::with_password("BIZAGIADMON", Secret::new(PASSWORD, "test"), None).unwrap()
}

fn s(text: &str) -> Dynamic {
    Dynamic::from(text.to_string())
}

impl Sim {
    /// Exports BIZAGI as the dump set `bizagi_%U.dmp`, as the export step does.
    fn export(&self) {
        let mut opts = Map::new();
        opts.insert("schemas".into(), Dynamic::from(vec![s("BIZAGI")]));
        opts.insert("directory".into(), s("BIZAGIBACKUPPATH"));
        opts.insert("dumpfile".into(), s("bizagi_%U.dmp"));
        opts.insert(
            "client_log".into(),
            s(&self
                .work
                .path()
                .join("export.client.log")
                .display()
                .to_string()),
        );
        let r = crate::primitives::expdp::expdp(&self.sim.ctx, &connection(), &opts).unwrap();
        assert_eq!(r.get("exit_code").unwrap().as_int().unwrap(), 0, "{r:?}");
    }

    fn import_opts(&self) -> Map {
        let mut opts = Map::new();
        opts.insert("directory".into(), s("BIZAGIBACKUPPATH"));
        opts.insert("dumpfile".into(), s("bizagi_%U.dmp"));
        opts.insert("remap_schema".into(), s("BIZAGI:BIZAGI_COPY"));
        opts.insert(
            "client_log".into(),
            s(&self
                .work
                .path()
                .join("import.client.log")
                .display()
                .to_string()),
        );
        opts
    }

    fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.sim.home.audit_path())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn impdp_runs(&self) -> Vec<serde_json::Value> {
        self.audit()
            .into_iter()
            .filter(|e| e["tool"] == "impdp")
            .collect()
    }

    /// No password in impdp's argv, its parameter file gone, the password nowhere on disk.
    fn assert_clean(&self) {
        let runs = self.impdp_runs();
        assert!(!runs.is_empty(), "impdp never ran");
        for run in runs {
            let argv: Vec<String> = run["argv"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            assert_eq!(argv.len(), 1, "more than parfile= in argv: {argv:?}");
            assert!(argv[0].starts_with("parfile="), "{argv:?}");
            assert!(!argv.iter().any(|a| a.contains(PASSWORD)), "{argv:?}");
            let parfile = argv[0].trim_start_matches("parfile=");
            assert!(parfile.ends_with("impdp.par"), "{parfile}");
            assert!(
                !Path::new(parfile).exists(),
                "parameter file {parfile} survived"
            );
            // The credentials reached the client through the parameter file only.
            assert_eq!(run["stdin_password_prompted"], false, "{run}");
        }
        assert_not_in_tree(&self.sim.home.home, PASSWORD);
        assert_not_in_tree(self.work.path(), PASSWORD);
    }
}

fn text(map: &Map, key: &str) -> String {
    map.get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {map:?}"))
        .to_string()
}

fn int(map: &Map, key: &str) -> i64 {
    map.get(key).unwrap().as_int().unwrap()
}

fn verdict(map: &Map) -> String {
    let report = map
        .get("report")
        .and_then(|r| r.clone().try_cast::<Map>())
        .unwrap_or_else(|| panic!("no report in {map:?}"));
    text(&report, "verdict")
}

#[test]
fn an_export_imports_into_a_new_schema() {
    let Some(s) = sim("ok") else { return };
    s.export();
    let r = impdp(&s.sim.ctx, &connection(), &s.import_opts()).unwrap();
    assert_eq!(int(&r, "exit_code"), 0, "{r:?}");
    assert_eq!(text(&r, "outcome"), "succeeded");
    assert_eq!(verdict(&r), "ok", "{r:?}");
    assert!(
        text(&r, "job").starts_with("BIZAGIADMON.BIZSCRIPT_IMP_"),
        "{r:?}"
    );
    assert!(int(&r, "tables") > 0 && int(&r, "rows") > 0, "{r:?}");
    assert_eq!(text(&r, "cleanup"), "not_needed");
    for key in [
        "log_file",
        "client_log",
        "errors",
        "report_source",
        "duration",
    ] {
        assert!(r.contains_key(key), "no `{key}` in {r:?}");
    }
    assert!(Path::new(&text(&r, "client_log")).is_file());
    let runs = s.impdp_runs();
    assert_eq!(runs[0]["nls_lang"], "AMERICAN_AMERICA.AL32UTF8");
    s.assert_clean();
}

#[test]
fn skipped_table_data_fails_the_verdict() {
    let Some(s) = sim("tablespace_full") else {
        return;
    };
    s.export();
    let r = impdp(&s.sim.ctx, &connection(), &s.import_opts()).unwrap();
    assert_ne!(int(&r, "exit_code"), 0, "{r:?}");
    assert_eq!(verdict(&r), "failed", "{r:?}");
    let errors = text(&r, "errors");
    assert!(errors.contains("ORA-31693"), "{errors}");
    let skipped = r
        .get("skipped_tables")
        .unwrap()
        .clone()
        .into_array()
        .unwrap();
    assert!(!skipped.is_empty(), "{r:?}");
    let waits = r.get("space_waits").unwrap().clone().into_array().unwrap();
    let wait = waits[0].clone().try_cast::<Map>().unwrap();
    assert_eq!(text(&wait, "tablespace"), "USERS", "{r:?}");
    s.assert_clean();
}

#[test]
fn misuse_is_refused_with_the_nearest_name_before_the_client_runs() {
    let Some(s) = sim("ok") else { return };
    let mut opts = s.import_opts();
    opts.insert("remap_shema".into(), s_text("BIZAGI:X"));
    let err = impdp(&s.sim.ctx, &connection(), &opts).unwrap_err();
    assert_eq!(testing::code(&err), "BZ-OPTION", "{err}");
    assert!(testing::text(&err).contains("remap_schema"), "{err}");
    let mut opts = s.import_opts();
    opts.insert("userid".into(), s_text("system/x"));
    let err = impdp(&s.sim.ctx, &connection(), &opts).unwrap_err();
    assert_eq!(testing::code(&err), "BZ-IMPDP-OPTION", "{err}");
    let mut opts = s.import_opts();
    opts.remove("dumpfile");
    let err = impdp(&s.sim.ctx, &connection(), &opts).unwrap_err();
    assert!(err.to_string().contains("dumpfile"), "{err}");
    assert!(s.impdp_runs().is_empty(), "the client ran");
}

#[test]
fn dry_run_prints_and_runs_nothing() {
    let Some(sim) = testing::Sim::with("ok", true, false) else {
        return;
    };
    let s = Sim {
        sim,
        work: tempfile::tempdir().unwrap(),
    };
    let r = impdp(&s.sim.ctx, &connection(), &s.import_opts()).unwrap();
    assert_eq!(text(&r, "outcome"), "dry_run");
    let parfile = text(&r, "parfile");
    assert!(parfile.contains("***"), "{parfile}");
    assert!(!parfile.contains(PASSWORD), "{parfile}");
    assert!(
        parfile.to_ascii_lowercase().contains("remap_schema"),
        "{parfile}"
    );
    assert!(s.impdp_runs().is_empty(), "the client ran");
}

#[test]
fn scripts_call_it_with_an_oracle_value() {
    let Some(s) = sim("ok") else { return };
    s.export();
    let log = s.work.path().join("i.log").display().to_string();
    let r = s
        .sim
        .run(&format!(
            r#"impdp(db, #{{ directory: "BIZAGIBACKUPPATH", dumpfile: "bizagi_%U.dmp", remap_schema: "BIZAGI:BIZAGI_B", client_log: "{log}" }})"#
        ))
        .unwrap()
        .try_cast::<Map>()
        .unwrap();
    assert_eq!(int(&r, "exit_code"), 0, "{r:?}");
    s.assert_clean();
}

fn s_text(text: &str) -> Dynamic {
    s(text)
}
