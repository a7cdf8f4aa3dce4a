//! "Did you mean": the candidate nearest to a mistyped word. A leaf module (it imports nothing
//! of the crate), so every layer may use it, the Oracle knowledge included.

/// How alike two words must be (Jaro-Winkler) to be offered as a correction.
const THRESHOLD: f64 = 0.8;

/// The candidate nearest to `word`, when it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    best(word, candidates.iter().map(|c| (c.to_string(), *c)))
}

/// As [`nearest`], comparing `word` with each candidate lower-cased (for upper-case Oracle
/// names against what a script typed).
pub fn nearest_lowercase<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    best(word, candidates.map(|c| (c.to_ascii_lowercase(), c)))
}

fn best<'a>(word: &str, candidates: impl Iterator<Item = (String, &'a str)>) -> Option<&'a str> {
    candidates
        .map(|(compared, c)| (strsim::jaro_winkler(word, &compared), c))
        .filter(|(score, _)| *score > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_gets_the_nearest_and_nonsense_gets_none() {
        assert_eq!(
            nearest("shemas", &["schemas", "directory"]),
            Some("schemas")
        );
        assert_eq!(nearest("zzz", &["schemas", "directory"]), None);
        assert_eq!(
            nearest_lowercase("shemas", ["SCHEMAS", "DIRECTORY"].into_iter()),
            Some("SCHEMAS")
        );
    }
}
