//! The full-day NYSE holidays of a year.

use std::fmt;

use chrono::Weekday;

use super::easter::easter_sunday;
use crate::Date;

/// A day the exchange is closed for a holiday or a special event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MarketHoliday {
    /// The holiday's name, e.g. `Thanksgiving Day`.
    pub name: &'static str,
    /// Observed on another day than its own date (Saturday → Friday, Sunday → Monday).
    pub observed: bool,
}

impl fmt::Display for MarketHoliday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        if self.observed {
            f.write_str(" (observed)")?;
        }
        Ok(())
    }
}

/// Closures outside the holiday rules since 2000.
#[rustfmt::skip]
const SPECIAL_CLOSURES: [(i32, u32, u32, &str); 10] = [
    (2001, 9, 11, "September 11 attacks"),
    (2001, 9, 12, "September 11 attacks"),
    (2001, 9, 13, "September 11 attacks"),
    (2001, 9, 14, "September 11 attacks"),
    (2004, 6, 11, "National Day of Mourning for President Ronald Reagan"),
    (2007, 1, 2, "National Day of Mourning for President Gerald Ford"),
    (2012, 10, 29, "Hurricane Sandy"),
    (2012, 10, 30, "Hurricane Sandy"),
    (2018, 12, 5, "National Day of Mourning for President George H. W. Bush"),
    (2025, 1, 9, "National Day of Mourning for President Jimmy Carter"),
];

fn date(year: i32, month: u32, day: u32) -> Date {
    Date::from_ymd(year, month, day).expect("holiday rules name real dates")
}

/// The `n`-th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Date {
    let first = date(year, month, 1);
    let offset = (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first.add_days(i64::from(offset + 7 * (n - 1)))
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Date {
    let next_month = if month == 12 {
        date(year + 1, 1, 1)
    } else {
        date(year, month + 1, 1)
    };
    let last = next_month.pred();
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.add_days(-i64::from(back))
}

/// A fixed-date holiday moved off the weekend: Saturday → Friday, Sunday → Monday.
fn observed(day: Date, name: &'static str) -> (Date, MarketHoliday) {
    let shift = match day.weekday() {
        Weekday::Sat => -1,
        Weekday::Sun => 1,
        _ => 0,
    };
    holiday(day.add_days(shift), name, shift != 0)
}

fn on(day: Date, name: &'static str) -> (Date, MarketHoliday) {
    holiday(day, name, false)
}

fn holiday(day: Date, name: &'static str, observed: bool) -> (Date, MarketHoliday) {
    (day, MarketHoliday { name, observed })
}

/// Every full-day market holiday of `year`, in date order.
pub fn holidays_of_year(year: i32) -> Vec<(Date, MarketHoliday)> {
    let mut days = Vec::with_capacity(12);
    // New Year's Day on a Saturday is not observed on the Friday before (NYSE rule 7.2): that
    // Friday is the last trading day of the previous year.
    let new_year = date(year, 1, 1);
    match new_year.weekday() {
        Weekday::Sat => {}
        _ => days.push(observed(new_year, "New Year's Day")),
    }
    days.push(on(
        nth_weekday(year, 1, Weekday::Mon, 3),
        "Martin Luther King Jr. Day",
    ));
    days.push(on(
        nth_weekday(year, 2, Weekday::Mon, 3),
        "Washington's Birthday",
    ));
    days.push(on(easter_sunday(year).add_days(-2), "Good Friday"));
    days.push(on(last_weekday(year, 5, Weekday::Mon), "Memorial Day"));
    if year >= 2022 {
        days.push(observed(
            date(year, 6, 19),
            "Juneteenth National Independence Day",
        ));
    }
    days.push(observed(date(year, 7, 4), "Independence Day"));
    days.push(on(nth_weekday(year, 9, Weekday::Mon, 1), "Labor Day"));
    days.push(on(
        nth_weekday(year, 11, Weekday::Thu, 4),
        "Thanksgiving Day",
    ));
    days.push(observed(date(year, 12, 25), "Christmas Day"));
    for (y, m, d, name) in SPECIAL_CLOSURES {
        if y == year {
            days.push(on(date(y, m, d), name));
        }
    }
    days.sort_by_key(|(day, _)| *day);
    days
}
