//! The run tag, `YYYYMMDD_HHMMSS_XXXX` (`X` in `A-Z0-9`): the second a run started plus a random
//! suffix, so two runs in the same second never share a job, dump, log or archive name. The
//! `run_tag()` primitive makes it; the archive's stale-partial sweep and the export job name
//! recognise it here, in one place (a leaf module, so `archive` and `oracle` may both use it).

/// True when `tag` has the run tag's shape.
pub fn is_run_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() == 20
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'_'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'_'
        && b[16..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::is_run_tag;

    #[test]
    fn knows_the_shape() {
        assert!(is_run_tag("20261124_010203_K7Q2"));
        assert!(!is_run_tag("20261124_010203"));
        assert!(!is_run_tag("20261124_010203_k7q2"));
        assert!(!is_run_tag("PROD_010203_K7Q2XXXX"));
    }
}
