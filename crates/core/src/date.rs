//! A calendar date in the API's one accepted spelling, `YYYY-MM-DD`.
//!
//! Parsing is strict (zero-padded, exactly ten characters): the reference accepted `2025-1-6` on
//! some endpoints and rejected it on others; we accept only the canonical form everywhere.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day. Serialises as `"YYYY-MM-DD"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid date format: {input}. Expected YYYY-MM-DD")]
pub struct DateParseError {
    /// The rejected input, verbatim.
    pub input: String,
}

impl Date {
    /// The date for a year, month (1–12) and day, if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// Parses the strict `YYYY-MM-DD` form (years 0001–9999).
    pub fn parse(input: &str) -> Result<Self, DateParseError> {
        let error = || DateParseError {
            input: input.to_owned(),
        };
        let bytes = input.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(error());
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            bytes[range].iter().try_fold(0u32, |acc, b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10))
        else {
            return Err(error());
        };
        if year == 0 {
            return Err(error());
        }
        Self::from_ymd(year as i32, month, day).ok_or_else(error)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.0.month()
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        self.0.day()
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        self.0.weekday()
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The date `days` later (earlier when negative). Saturates at chrono's range.
    pub fn add_days(self, days: i64) -> Self {
        self.0
            .checked_add_signed(chrono::Duration::days(days))
            .map_or(self, Self)
    }

    /// The next calendar day.
    pub fn succ(self) -> Self {
        self.add_days(1)
    }

    /// The previous calendar day.
    pub fn pred(self) -> Self {
        self.add_days(-1)
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Self) -> i64 {
        (self.0 - earlier.0).num_days()
    }

    /// Every calendar day from `start` to `end`, both included; empty when `start > end`.
    pub fn range_inclusive(start: Self, end: Self) -> impl Iterator<Item = Self> {
        let count = if start > end {
            0
        } else {
            end.days_since(start) + 1
        };
        (0..count).map(move |offset| start.add_days(offset))
    }

    /// The underlying chrono date, for callers that need more calendar arithmetic.
    pub fn naive(self) -> NaiveDate {
        self.0
    }
}

impl Default for Date {
    /// 1970-01-01, so that structs holding dates can derive `Default`.
    fn default() -> Self {
        Self(NaiveDate::default())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl std::str::FromStr for Date {
    type Err = DateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Formatting by hand into a stack buffer: plans serialise many dates.
        let mut buf = [0u8; 10];
        let (y, m, d) = (self.year() as u32, self.month(), self.day());
        for (i, digit) in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10]
            .iter()
            .enumerate()
        {
            buf[i] = b'0' + *digit as u8;
        }
        buf[4] = b'-';
        buf[5] = b'0' + (m / 10) as u8;
        buf[6] = b'0' + (m % 10) as u8;
        buf[7] = b'-';
        buf[8] = b'0' + (d / 10) as u8;
        buf[9] = b'0' + (d % 10) as u8;
        serializer.serialize_str(std::str::from_utf8(&buf).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date string YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(feature = "openapi")]
impl schemars::JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "examples": ["2025-10-01"]
        })
    }
}

/// Renders strings like Python's `repr` of a list, e.g. `['2025-10-04', '2025-10-05']`.
///
/// Several warning texts of the reference embed such a list; clients parse them.
pub fn python_list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('\'');
        out.push_str(&item.to_string());
        out.push('\'');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_the_canonical_form() {
        assert_eq!(
            Date::parse("2025-01-06").unwrap(),
            Date::from_ymd(2025, 1, 6).unwrap()
        );
        for bad in [
            "2025-1-6",
            "2025-01-6",
            "25-01-06",
            "2025/01/06",
            "2025-13-01",
            "2025-02-29",
            "2025-01-06T00:00",
            " 2025-01-06",
            "",
            "0000-01-01",
            "２０２５-01-06",
            "+025-01-06",
        ] {
            let err = Date::parse(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("Invalid date format: {bad}. Expected YYYY-MM-DD")
            );
        }
        assert!(Date::parse("2024-02-29").is_ok());
    }

    #[test]
    fn display_and_serde_agree() {
        let date = Date::from_ymd(987, 3, 9).unwrap();
        assert_eq!(date.to_string(), "0987-03-09");
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"0987-03-09\"");
        let back: Date = serde_json::from_str("\"2025-10-30\"").unwrap();
        assert_eq!(back.to_string(), "2025-10-30");
        assert!(serde_json::from_str::<Date>("\"2025-10-3\"").is_err());
        assert!(serde_json::from_str::<Date>("20251030").is_err());
    }

    #[test]
    fn arithmetic_crosses_month_and_year_boundaries() {
        let d = Date::parse("2024-12-31").unwrap();
        assert_eq!(d.succ().to_string(), "2025-01-01");
        assert_eq!(
            Date::parse("2024-03-01").unwrap().pred().to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::parse("2025-01-20").unwrap().days_since(d), 20);
        let days: Vec<_> = Date::range_inclusive(d, d.add_days(2))
            .map(|d| d.to_string())
            .collect();
        assert_eq!(days, ["2024-12-31", "2025-01-01", "2025-01-02"]);
        assert_eq!(Date::range_inclusive(d.succ(), d).count(), 0);
    }

    #[test]
    fn python_list_matches_repr() {
        assert_eq!(
            python_list(["2025-10-04", "2025-10-05"]),
            "['2025-10-04', '2025-10-05']"
        );
        assert_eq!(python_list(Vec::<String>::new()), "[]");
    }
}
