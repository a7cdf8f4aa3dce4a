//! The date and time formats the Oracle tools print.

use chrono::{DateTime, Local};

/// Banner and final-line form: `Tue Nov 24 01:02:03 2026` (day of month not padded).
pub fn long(t: DateTime<Local>) -> String {
    t.format("%a %b %-d %H:%M:%S %Y").to_string()
}

/// LOGTIME prefix form: `24-NOV-26 01:02:03.123`.
pub fn logtime(t: DateTime<Local>) -> String {
    t.format("%d-%b-%y %H:%M:%S%.3f").to_string().to_uppercase()
}

/// Elapsed form of the final line: `0 00:00:07` (days, then HH:MM:SS).
pub fn elapsed(seconds: i64) -> String {
    let s = seconds.max(0);
    format!(
        "{} {:02}:{:02}:{:02}",
        s / 86_400,
        (s % 86_400) / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// ISO-8601 for the audit trail and the state file.
pub fn iso(t: DateTime<Local>) -> String {
    t.to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_match_the_logs() {
        let t = Local.with_ymd_and_hms(2026, 11, 4, 1, 2, 3).unwrap();
        assert_eq!(long(t), "Wed Nov 4 01:02:03 2026");
        assert!(logtime(t).starts_with("04-NOV-26 01:02:03."));
        assert_eq!(elapsed(7), "0 00:00:07");
        assert_eq!(elapsed(90_061), "1 01:01:01");
    }
}
