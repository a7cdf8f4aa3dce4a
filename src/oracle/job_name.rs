//! Export job names made from a run's tag, within Oracle's limits.
//!
//! JOB_NAME is also the name of the job's master table, so it is an identifier: up to 128 bytes
//! from 12.2 on, **30 bytes before** (docs/oracle.md §2, JOB_NAME; 6.6). bizscript's names stay
//! within 30 so they work on every release it supports, start with a letter, use only `A-Z`,
//! `0-9` and `_`, and begin with `BIZSCRIPT_EXP_` so a DBA recognises them in
//! `dba_datapump_jobs`. Each run gets its own (the tag is unique per run): a second job under the
//! same name fails with ORA-31634 while the first job's master table exists, and its log would
//! overwrite the first one's.

/// The longest job name every supported release accepts.
pub const MAX_PORTABLE_JOB_NAME: usize = 30;

/// The prefix of every export job bizscript names.
pub const EXPORT_JOB_PREFIX: &str = "BIZSCRIPT_EXP_";

/// The prefix of every import job bizscript names (`oracle::datapump::import::default_job_name`),
/// told apart from an export job in `dba_datapump_jobs` by its name as well as its operation.
pub const IMPORT_JOB_PREFIX: &str = "BIZSCRIPT_IMP_";

/// `BIZSCRIPT_EXP_261124010203K7Q2` for the run tag `20261124_010203_K7Q2`: the tag's time
/// without the century and its suffix, 30 bytes. `None` when `tag` is not a run tag
/// (`YYYYMMDD_HHMMSS_XXXX`, `X` in `A-Z0-9`).
pub fn export_job_name(tag: &str) -> Option<String> {
    if !crate::run_tag::is_run_tag(tag) {
        return None;
    }
    let name = format!(
        "{EXPORT_JOB_PREFIX}{}{}{}",
        &tag[2..8],
        &tag[9..15],
        &tag[16..]
    );
    (name.len() <= MAX_PORTABLE_JOB_NAME).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_tag_gives_a_30_byte_identifier() {
        let name = export_job_name("20261124_010203_K7Q2").unwrap();
        assert_eq!(name, "BIZSCRIPT_EXP_261124010203K7Q2");
        assert_eq!(name.len(), MAX_PORTABLE_JOB_NAME);
        assert!(name
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_'));
    }

    #[test]
    fn anything_else_is_refused_rather_than_truncated() {
        for bad in [
            "20261124_010203",
            "20261124_010203_k7q2",
            "20261124-010203_K7Q2",
            "20261124_010203_K7Q22",
            "x; DROP TABLE",
        ] {
            assert_eq!(export_job_name(bad), None, "{bad}");
        }
    }
}
