//! The NYSE trading calendar, by rule: weekends, the ten full-day holidays with their
//! observance shifts, and the one-off closures since 2000.
//!
//! Rules as published by NYSE (<https://www.nyse.com/markets/hours-calendars>). Dates before
//! 2000 follow the same rules, which is accurate for the holidays but not for older one-off
//! closures.

mod easter;
mod holidays;

use std::fmt;

use serde::Serialize;

pub use holidays::{MarketHoliday, holidays_of_year};

use crate::Date;

/// Why the exchange is closed on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// Saturday or Sunday.
    Weekend,
    /// A full-day market holiday or special closure.
    Holiday(MarketHoliday),
}

impl fmt::Display for Closure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Weekend => f.write_str("Weekend"),
            Self::Holiday(holiday) => write!(f, "Market holiday: {holiday}"),
        }
    }
}

/// Why the exchange is closed on `date`, or `None` on a trading day.
pub fn closure(date: Date) -> Option<Closure> {
    if date.is_weekend() {
        return Some(Closure::Weekend);
    }
    holiday_on(date).map(Closure::Holiday)
}

/// The market holiday on `date`, if any (weekends are not holidays).
pub fn holiday_on(date: Date) -> Option<MarketHoliday> {
    holidays_of_year(date.year())
        .into_iter()
        .find_map(|(day, holiday)| (day == date).then_some(holiday))
}

/// An exchange trading day: not a weekend, not a holiday.
pub fn is_trading_day(date: Date) -> bool {
    closure(date).is_none()
}

/// The trading days from `start` to `end`, both included.
pub fn trading_days(start: Date, end: Date) -> impl Iterator<Item = Date> {
    Date::range_inclusive(start, end).filter(|d| is_trading_day(*d))
}

/// The first trading day strictly after `date`.
pub fn next_trading_day(date: Date) -> Date {
    let mut day = date.succ();
    while !is_trading_day(day) {
        day = day.succ();
    }
    day
}

/// The last trading day strictly before `date`.
pub fn previous_trading_day(date: Date) -> Date {
    let mut day = date.pred();
    while !is_trading_day(day) {
        day = day.pred();
    }
    day
}

/// One day of the calendar as shown to users (and returned by the wasm `tradingCalendar`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CalendarDay {
    /// The date.
    pub date: Date,
    /// The exchange is open.
    pub trading: bool,
    /// Saturday or Sunday.
    pub weekend: bool,
    /// The holiday's name, e.g. `Independence Day (observed)`.
    pub holiday: Option<String>,
}

impl CalendarDay {
    /// The calendar entry of `date`.
    pub fn of(date: Date) -> Self {
        let weekend = date.is_weekend();
        let holiday = if weekend { None } else { holiday_on(date) };
        Self {
            date,
            trading: !weekend && holiday.is_none(),
            weekend,
            holiday: holiday.map(|h| h.to_string()),
        }
    }
}

/// The calendar entries of every day from `start` to `end`, both included.
pub fn calendar_days(start: Date, end: Date) -> Vec<CalendarDay> {
    Date::range_inclusive(start, end)
        .map(CalendarDay::of)
        .collect()
}

#[cfg(test)]
mod tests;
