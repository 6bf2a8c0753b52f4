//! Which trading days have complete price data for the universe.
//!
//! A symbol is *listed* from its first to its last date with data. A trading day is tradable when
//! every symbol listed on it has a price on it: a symbol that has not listed yet, or has delisted,
//! does not make a day incomplete. Outside the span of all data nothing is known, so trading days
//! there are incomplete too. Only universe symbols should be passed in: extra symbols in the price
//! table never make a day incomplete (the reference compared counts and broke on them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Date, calendar};

/// The price coverage of a universe, in the compact form the planner needs.
///
/// JSON shape:
/// `{"symbols": 101, "first_date": "2025-06-10", "last_date": "2025-10-30",
///   "incomplete": [{"date": "2025-08-04", "listed": 101, "missing": ["AAPL"]}]}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MarketAvailability {
    /// Universe symbols that have any price data.
    pub symbols: u32,
    /// The first date with any price data.
    pub first_date: Option<Date>,
    /// The last date with any price data.
    pub last_date: Option<Date>,
    /// Trading days between `first_date` and `last_date` on which a listed symbol has no price,
    /// in date order.
    #[serde(default)]
    pub incomplete: Vec<IncompleteDay>,
}

/// A trading day on which listed symbols lack prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IncompleteDay {
    /// The trading day.
    pub date: Date,
    /// How many universe symbols were listed that day.
    pub listed: u32,
    /// The listed symbols without a price that day, sorted.
    pub missing: Vec<String>,
}

/// What the data says about one trading day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayData<'a> {
    /// Every listed symbol has a price.
    Complete,
    /// Some listed symbols lack a price.
    Incomplete(&'a IncompleteDay),
    /// The day is outside the span of all price data.
    NoData,
}

impl DayData<'_> {
    /// The human explanation for a day that cannot be traded, `None` when complete.
    pub fn message(&self) -> Option<String> {
        match self {
            Self::Complete => None,
            Self::Incomplete(day) => Some(format!(
                "Incomplete price data: {} of {} symbols missing",
                day.missing.len(),
                day.listed
            )),
            Self::NoData => Some("Incomplete price data: no prices for this date".to_owned()),
        }
    }
}

impl MarketAvailability {
    /// Computes availability from each universe symbol's dates with prices. Dates that are not
    /// exchange trading days are ignored.
    pub fn from_symbol_dates<S, I>(symbols: impl IntoIterator<Item = (S, I)>) -> Self
    where
        S: Into<String>,
        I: IntoIterator<Item = Date>,
    {
        let mut series: Vec<(String, Vec<Date>)> = symbols
            .into_iter()
            .map(|(symbol, dates)| {
                let mut dates: Vec<Date> = dates.into_iter().collect();
                dates.sort_unstable();
                dates.dedup();
                (symbol.into(), dates)
            })
            .filter(|(_, dates)| !dates.is_empty())
            .collect();
        series.sort_by(|a, b| a.0.cmp(&b.0));
        let first_date = series.iter().map(|(_, d)| d[0]).min();
        let last_date = series.iter().map(|(_, d)| d[d.len() - 1]).max();

        let mut missing: BTreeMap<Date, Vec<String>> = BTreeMap::new();
        let mut listed: BTreeMap<Date, u32> = BTreeMap::new();
        for (symbol, dates) in &series {
            let (first, last) = (dates[0], dates[dates.len() - 1]);
            let mut present = dates.iter().peekable();
            for day in calendar::trading_days(first, last) {
                while present.next_if(|d| **d < day).is_some() {}
                *listed.entry(day).or_default() += 1;
                if present.peek() != Some(&&day) {
                    missing.entry(day).or_default().push(symbol.clone());
                }
            }
        }
        let incomplete = missing
            .into_iter()
            .map(|(date, missing)| IncompleteDay {
                date,
                listed: listed[&date],
                missing,
            })
            .collect();
        Self {
            symbols: u32::try_from(series.len()).unwrap_or(u32::MAX),
            first_date,
            last_date,
            incomplete,
        }
    }

    /// What the data says about `date`, assumed to be a trading day.
    pub fn day(&self, date: Date) -> DayData<'_> {
        match (self.first_date, self.last_date) {
            (Some(first), Some(last)) if first <= date && date <= last => {
                match self.incomplete.binary_search_by_key(&date, |d| d.date) {
                    Ok(i) => DayData::Incomplete(&self.incomplete[i]),
                    // Tolerate an unsorted list from a hand-written context.
                    Err(_) => self
                        .incomplete
                        .iter()
                        .find(|d| d.date == date)
                        .map_or(DayData::Complete, DayData::Incomplete),
                }
            }
            _ => DayData::NoData,
        }
    }

    /// Trading days from `start` to `end` with complete data.
    pub fn tradable_days(&self, start: Date, end: Date) -> Vec<Date> {
        calendar::trading_days(start, end)
            .filter(|d| self.day(*d) == DayData::Complete)
            .collect()
    }

    /// The same availability with `incomplete` limited to `start..=end`: what a plan of that
    /// window needs.
    pub fn window(&self, start: Date, end: Date) -> Self {
        Self {
            incomplete: self
                .incomplete
                .iter()
                .filter(|d| start <= d.date && d.date <= end)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn days(start: &str, end: &str) -> Vec<Date> {
        calendar::trading_days(d(start), d(end)).collect()
    }

    #[test]
    fn listed_symbol_rule() {
        // AAA trades throughout; BBB lists on the 9th; CCC delists after the 8th; DDD misses the 10th.
        let mut ddd = days("2025-07-07", "2025-07-11");
        ddd.retain(|x| *x != d("2025-07-10"));
        let availability = MarketAvailability::from_symbol_dates([
            ("AAA", days("2025-07-07", "2025-07-11")),
            ("BBB", days("2025-07-09", "2025-07-11")),
            ("CCC", days("2025-07-07", "2025-07-08")),
            ("DDD", ddd),
            ("EEE", vec![]),
        ]);
        assert_eq!(availability.symbols, 4);
        assert_eq!(availability.first_date, Some(d("2025-07-07")));
        assert_eq!(availability.last_date, Some(d("2025-07-11")));
        assert_eq!(
            availability.incomplete,
            vec![IncompleteDay {
                date: d("2025-07-10"),
                listed: 3,
                missing: vec!["DDD".into()]
            }]
        );
        assert_eq!(
            availability.tradable_days(d("2025-07-01"), d("2025-07-31")),
            vec![
                d("2025-07-07"),
                d("2025-07-08"),
                d("2025-07-09"),
                d("2025-07-11")
            ]
        );
        assert_eq!(
            availability.day(d("2025-07-10")).message().unwrap(),
            "Incomplete price data: 1 of 3 symbols missing"
        );
        assert_eq!(availability.day(d("2025-07-14")), DayData::NoData);
        assert_eq!(
            availability.day(d("2025-07-03")).message().unwrap(),
            "Incomplete price data: no prices for this date"
        );
    }

    #[test]
    fn weekend_and_holiday_rows_are_ignored() {
        // A stray price on a holiday and a weekend does not widen or break anything.
        let mut dates = days("2025-07-01", "2025-07-08");
        dates.push(d("2025-07-04"));
        dates.push(d("2025-07-05"));
        let availability = MarketAvailability::from_symbol_dates([("AAA", dates)]);
        assert!(availability.incomplete.is_empty());
    }

    #[test]
    fn no_data_at_all() {
        let availability = MarketAvailability::from_symbol_dates(Vec::<(String, Vec<Date>)>::new());
        assert_eq!(availability.symbols, 0);
        assert_eq!(availability.day(d("2025-07-07")), DayData::NoData);
    }

    #[test]
    fn window_keeps_only_the_gaps_inside() {
        let mut a = days("2025-07-01", "2025-07-31");
        a.retain(|x| *x != d("2025-07-10") && *x != d("2025-07-22"));
        let availability = MarketAvailability::from_symbol_dates([
            ("A", a),
            ("B", days("2025-07-01", "2025-07-31")),
        ]);
        assert_eq!(availability.incomplete.len(), 2);
        let window = availability.window(d("2025-07-15"), d("2025-07-31"));
        assert_eq!(window.incomplete.len(), 1);
        assert_eq!(
            window.day(d("2025-07-22")).message().unwrap(),
            "Incomplete price data: 1 of 2 symbols missing"
        );
        assert_eq!(window.first_date, availability.first_date);
    }

    #[test]
    fn real_data_is_complete_on_every_trading_day() {
        let dir = crate::test_data::nasdaq100_dir();
        let symbols: Vec<(String, Vec<Date>)> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name()?.to_str()?.to_owned();
                let symbol = name
                    .strip_prefix("daily_prices_")?
                    .strip_suffix(".json")?
                    .to_owned();
                let json: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let dates = json["Time Series (Daily)"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(|k| d(k))
                    .collect();
                Some((symbol, dates))
            })
            .collect();
        let availability = MarketAvailability::from_symbol_dates(symbols);
        assert_eq!(availability.symbols, 102);
        assert!(availability.incomplete.is_empty());
        assert_eq!(
            availability
                .tradable_days(d("2025-06-01"), d("2025-11-30"))
                .len(),
            100
        );
        assert_eq!(
            availability.day(d("2025-07-04")),
            DayData::Complete,
            "holidays are the calendar's call"
        );
    }
}
