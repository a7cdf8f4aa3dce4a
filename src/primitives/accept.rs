//! `accept(result, reason)`: the script's explicit word that an outcome it did not like is
//! acceptable for this run.
//!
//! Every primitive that can fail or need review records its outcome in the run's ledger
//! ([`crate::primitives::outcome::Ledger`]); the run's exit code is never better than the worst outcome
//! the script did not accept. `accept` is how a script that deliberately only reports (reads old
//! logs, tries an optional copy) says so; the reason goes into the report.

use super::errors::misuse;
use super::{registration, PrimitiveDoc};
use crate::primitives::runtime::HostCtx;
use rhai::{Dynamic, Engine, EvalAltResult};
use std::sync::Arc;

pub const ACCEPT: PrimitiveDoc = PrimitiveDoc {
    name: "accept",
    signature: "accept(result: any, reason: string) -> any",
    summary: "Accepts the outcome behind `result` (the map a primitive such as expdp, parse_log, compress, copy_file, prune_archives, check_env, nls_charset or cleanup_job returned, or the error one threw and the script caught), so it no longer counts against the run's exit code. Without it, a run whose script ignores a failed outcome exits 1, and one that ignores an outcome needing review exits 3, whatever the script returned or passed to exit(). `reason` (required, not empty) goes into the report's `accepted` list with the primitive and its verdict. Returns `result` unchanged. Fails with BZ-USAGE when `result` is not a value a primitive returned or threw (a copy rebuilt by the script, such as `r + #{}`, is not).",
    example: r#"// A report script that reads an old failed log on purpose: the failure is the news, not a
// failure of this run.
let log = `Starting "SYSTEM"."SYS_EXPORT_SCHEMA_01":  system/******** directory=DP
ORA-39165: Schema BIZAGI_OLD was not found.
Job "SYSTEM"."SYS_EXPORT_SCHEMA_01" completed with 1 error(s) at Wed Mar 12 11:12:13 2025 elapsed 0 00:00:05`;
let old = accept(parse_log_text(log), "last month's log, read for the audit report");
print(`last month: ${old.verdict}`);"#,
};

/// Registers `accept`.
pub fn register(engine: &mut Engine, ctx: &Arc<HostCtx>) {
    let c = Arc::clone(ctx);
    registration(&ACCEPT).register_into_engine(
        engine,
        move |result: Dynamic, reason: &str| -> Result<Dynamic, Box<EvalAltResult>> {
            accept(&c, result, reason)
        },
    );
}

fn accept(ctx: &HostCtx, result: Dynamic, reason: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(misuse(
            "accept",
            "the reason is empty: say why this outcome is acceptable, it goes into the report",
            ACCEPT.signature,
        ));
    }
    // Should a captured (shared) variable arrive unflattened, the tag is on the value inside.
    let tag = if result.is_shared() {
        result.flatten_clone().tag()
    } else {
        result.tag()
    };
    let Some(outcome) = ctx.ledger.accept(tag, reason) else {
        return Err(misuse(
            "accept",
            format!(
                "this {} is not a result a primitive returned or an error it threw",
                result.type_name()
            ),
            "pass the value itself, e.g. `let r = expdp(db, opts); accept(r, \"why\")`, or the error of a `catch (e)`",
        ));
    };
    eprintln!(
        "bizscript: accepted ({}) {}: {reason}",
        outcome.verdict.as_str(),
        outcome.summary
    );
    tracing::info!(
        primitive = outcome.primitive,
        verdict = outcome.verdict.as_str(),
        reason,
        "outcome accepted"
    );
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::outcome::Verdict;

    fn engine(ctx: &Arc<HostCtx>) -> Engine {
        let mut engine = Engine::new();
        register(&mut engine, ctx);
        crate::primitives::parse_log::register(&mut engine, ctx);
        engine
    }

    const FAILED_LOG: &str = r#"let log = `Starting "SYSTEM"."SYS_EXPORT_SCHEMA_01":  system/******** directory=DP
ORA-39165: Schema X was not found.
Job "SYSTEM"."SYS_EXPORT_SCHEMA_01" completed with 1 error(s) at 10:00:00`;"#;

    #[test]
    fn the_doc_example_runs_and_accepts() {
        let ctx = HostCtx::for_tests();
        engine(&ctx).run(ACCEPT.example).unwrap();
        assert_eq!(ctx.ledger.worst(), Verdict::Ok);
        let accepted = ctx.ledger.outcomes();
        assert_eq!(accepted.len(), 1);
        assert!(accepted[0].reason.as_deref().unwrap().contains("audit"));
    }

    #[test]
    fn the_outcome_follows_the_value_through_maps_functions_and_catch() {
        let ctx = HostCtx::for_tests();
        let script = format!(
            "{FAILED_LOG}\nfn later(x) {{ accept(x, \"in a function\") }}\n\
             let run = #{{ log: parse_log_text(log) }};\nrun.log.extra = 1;\nlater(run.log);\n\
             try {{ parse_log_text(\"\", #{{ allow: [\"39082\"] }}); }} catch (e) {{ accept(e, \"caught on purpose\"); }}\n\
             let captured = parse_log_text(log);\nlet later_on = || accept(captured, \"in a closure\");\nlater_on.call();"
        );
        engine(&ctx).run(&script).unwrap();
        assert_eq!(ctx.ledger.outcomes().len(), 3);
        assert_eq!(
            ctx.ledger.worst(),
            Verdict::Ok,
            "{:?}",
            ctx.ledger.outcomes()
        );
    }

    #[test]
    fn ignoring_counts_and_rebuilt_values_or_empty_reasons_are_refused() {
        let ctx = HostCtx::for_tests();
        let e = engine(&ctx);
        e.run(&format!(
            "{FAILED_LOG}\nlet r = parse_log_text(log); print(r.verdict);"
        ))
        .unwrap();
        assert_eq!(ctx.ledger.worst(), Verdict::Failed);
        for bad in [
            "accept(#{ verdict: \"failed\" }, \"forged\")",
            &format!("{FAILED_LOG}\naccept(parse_log_text(log), \"  \")"),
            &format!("{FAILED_LOG}\naccept(parse_log_text(log) + #{{}}, \"rebuilt\")"),
        ] {
            let err = e.run(bad).expect_err(bad);
            assert!(err.to_string().contains("BZ-USAGE"), "{bad}: {err}");
        }
    }
}
