//! Time, read in one place: a [`Clock`] held by the application state and handed to whatever
//! needs the time (store writes, the worker, agents' conversations). Timestamps are built as
//! times and written once, at the edge, as ISO-8601 UTC with microseconds and a `Z`, as the
//! reference wrote them (`2025-11-02T14:05:45.592208Z`).
//!
//! "Today" can be fixed (`AI_TRADER_TODAY`), so tests and demos run on a chosen date while
//! durations stay real.

use std::time::{SystemTime, UNIX_EPOCH};

use ai_trader_core::Date;
use chrono::{DateTime, Utc};

/// A point in time.
pub type Time = DateTime<Utc>;

/// Where the server reads the time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    today: Option<Date>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The system clock, except that today is `today`.
    pub fn with_today(today: Option<Date>) -> Self {
        Self { today }
    }

    /// Now.
    pub fn now(&self) -> Time {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        DateTime::from_timestamp(since.as_secs() as i64, since.subsec_nanos()).unwrap_or_default()
    }

    /// Now, as an API timestamp.
    pub fn timestamp(&self) -> String {
        format_timestamp(self.now())
    }

    /// Today's date (UTC, or the fixed one): no job may end after it.
    pub fn today(&self) -> Date {
        self.today
            .unwrap_or_else(|| Date::from(self.now().date_naive()))
    }
}

/// A time as an API timestamp.
pub fn format_timestamp(time: Time) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_microseconds_and_z() {
        let ts = Clock::system().timestamp();
        assert_eq!(ts.len(), 27, "{ts}");
        assert!(ts.ends_with('Z'));
        let time = DateTime::from_timestamp(1_762_092_345, 592_208_000).unwrap();
        assert_eq!(format_timestamp(time), "2025-11-02T14:05:45.592208Z");
    }

    #[test]
    fn today_can_be_fixed() {
        let day = Date::parse("2025-10-31").unwrap();
        assert_eq!(Clock::with_today(Some(day)).today(), day);
    }
}
