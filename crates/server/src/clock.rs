//! Wall-clock time, the only place the server reads it. Timestamps are ISO-8601 UTC with
//! microseconds and a `Z`, as the reference wrote them (`2025-11-02T14:05:45.592208Z`).

use std::time::{SystemTime, UNIX_EPOCH};

use ai_trader_core::Date;
use chrono::{DateTime, Utc};

fn now() -> DateTime<Utc> {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    DateTime::from_timestamp(since.as_secs() as i64, since.subsec_nanos()).unwrap_or_default()
}

/// The current time as an API timestamp.
pub fn timestamp() -> String {
    now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Today's date in UTC: no job may end after it.
pub fn today() -> Date {
    Date::from(now().date_naive())
}

/// Seconds between two API timestamps, if both parse.
pub fn seconds_between(start: &str, end: &str) -> Option<f64> {
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).ok();
    let (a, b) = (parse(start)?, parse(end)?);
    Some((b - a).num_microseconds()? as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_microseconds_and_z() {
        let ts = timestamp();
        assert_eq!(ts.len(), 27, "{ts}");
        assert!(ts.ends_with('Z'));
        assert_eq!(
            seconds_between("2025-11-02T14:05:45.592208Z", "2025-11-02T14:05:46.092208Z"),
            Some(0.5)
        );
        assert_eq!(seconds_between("x", "2025-11-02T14:05:46Z"), None);
    }
}
