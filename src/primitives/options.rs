//! Option maps: refuse unknown keys with a "did you mean" before anything runs.

use super::errors::script_error;
use rhai::{EvalAltResult, Map};

pub use crate::suggest::nearest;

/// Fails when `options` holds a key not in `allowed`, naming the nearest valid key.
pub fn check_keys(
    function: &str,
    options: &Map,
    allowed: &[&str],
) -> Result<(), Box<EvalAltResult>> {
    for key in options.keys() {
        if !allowed.contains(&key.as_str()) {
            let hint = match nearest(key, allowed) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("valid options: {}", allowed.join(", ")),
            };
            return Err(script_error(
                "BZ-OPTION",
                format!("{function}: unknown option `{key}`"),
                hint,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(
            nearest("shemas", &["schemas", "directory"]),
            Some("schemas")
        );
        assert_eq!(nearest("zzz", &["schemas", "directory"]), None);
    }
}
