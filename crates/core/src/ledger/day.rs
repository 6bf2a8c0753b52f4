//! A model's day from its opening to its close: where it starts (the previous day's end across
//! jobs, or all cash on its first day), and its close (valued at the close, with the change
//! against the opening value). The worker's model-days and imported trade logs both close
//! their days here.

use super::value_at_close;
use super::{DailyChange, Fill, Position, Quote, Side, Valuation, ValuationError, daily_change};
use crate::Date;

/// Where a model's day starts.
#[derive(Debug, Clone, PartialEq)]
pub struct DayOpening {
    /// Cash and holdings at the start.
    pub position: Position,
    /// The value the day's change is measured against: the previous ending value, or the
    /// initial cash.
    pub value: f64,
    /// The model's previous trading day, if any.
    pub previous_date: Option<Date>,
}

impl DayOpening {
    /// A model's first day: all cash.
    pub fn first(initial_cash: f64) -> Self {
        Self {
            position: Position::all_cash(initial_cash),
            value: initial_cash,
            previous_date: None,
        }
    }

    /// The day after `previous_date`, which ended with `position` worth `value`.
    pub fn after(previous_date: Date, position: Position, value: f64) -> Self {
        Self {
            position,
            value,
            previous_date: Some(previous_date),
        }
    }

    /// Calendar days from the previous trading day to `date` (0 on a model's first day).
    pub fn days_since_last_trading(&self, date: Date) -> u32 {
        self.previous_date
            .map_or(0, |p| u32::try_from(date.days_since(p)).unwrap_or(0))
    }
}

/// A day valued at its close.
#[derive(Debug, Clone, PartialEq)]
pub struct DayClose {
    /// The ending position's value at the close.
    pub valuation: Valuation,
    /// The change against the opening value.
    pub change: DailyChange,
}

/// Closes a day: values `position` at the close of `date` (carrying the latest earlier close
/// of a symbol without one) and measures the change from `opening`.
pub fn close_day(
    opening: &DayOpening,
    position: &Position,
    date: Date,
    latest_close: impl Fn(&str) -> Option<Quote>,
) -> Result<DayClose, ValuationError> {
    let valuation = value_at_close(position, date, latest_close)?;
    let change = daily_change(opening.value, valuation.portfolio_value);
    Ok(DayClose { valuation, change })
}

/// The positions after each recorded fill of a day, replayed forward from `start`: shares
/// move by the fill, cash becomes the fill's `cash_after`.
pub fn positions_after_fills(start: &Position, fills: &[Fill]) -> Vec<Position> {
    let mut position = start.clone();
    fills
        .iter()
        .map(|fill| {
            match fill.side {
                Side::Buy => position.add_shares(&fill.symbol, fill.quantity),
                Side::Sell => position.remove_shares(&fill.symbol, fill.quantity),
            }
            position.cash = fill.cash_after;
            position.clone()
        })
        .collect()
}

/// Values `position` during `date`, when trades fill at the open: each holding at its open on
/// `date`, else at its latest earlier close.
pub fn value_at_open(
    position: &Position,
    date: Date,
    open: impl Fn(&str) -> Option<f64>,
    latest_close: impl Fn(&str) -> Option<Quote>,
) -> Result<f64, ValuationError> {
    let mut value = position.cash;
    for (symbol, shares) in &position.holdings {
        let price = open(symbol)
            .filter(|p| p.is_finite() && *p > 0.0)
            .or_else(|| {
                latest_close(symbol)
                    .filter(|q| q.date <= date && q.close.is_finite())
                    .map(|q| q.close)
            })
            .ok_or_else(|| ValuationError::NoClose {
                symbol: symbol.clone(),
                date: date.to_string(),
            })?;
        value += *shares as f64 * price;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{DayBook, Fees};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn opening_counts_calendar_days_since_the_previous_day() {
        assert_eq!(
            DayOpening::first(10_000.0).days_since_last_trading(d("2025-10-06")),
            0
        );
        let after = DayOpening::after(d("2025-10-03"), Position::all_cash(1.0), 1.0);
        assert_eq!(after.days_since_last_trading(d("2025-10-06")), 3);
    }

    #[test]
    fn close_measures_against_the_opening_value() {
        let opening = DayOpening::after(d("2025-10-03"), Position::all_cash(100.0), 100.0);
        let mut book = DayBook::new(d("2025-10-06"), opening.position.clone(), Fees::default());
        book.buy("AAPL", 2, Some(10.0)).unwrap();
        let quote = |_: &str| {
            Some(Quote {
                close: 12.0,
                date: d("2025-10-06"),
            })
        };
        let close = close_day(&opening, book.position(), d("2025-10-06"), quote).unwrap();
        assert_eq!(close.valuation.portfolio_value, 104.0);
        assert_eq!(close.change.daily_profit, 4.0);
        assert_eq!(close.change.daily_return_pct, 4.0);
    }

    #[test]
    fn replayed_fills_reproduce_the_book() {
        let start = Position::all_cash(1_000.0);
        let mut book = DayBook::new(d("2025-10-06"), start.clone(), Fees::default());
        book.buy("AAPL", 3, Some(100.0)).unwrap();
        book.buy("MSFT", 1, Some(200.0)).unwrap();
        book.sell("AAPL", 1, Some(100.0)).unwrap();
        let replayed = positions_after_fills(&start, book.fills());
        assert_eq!(replayed.len(), 3);
        assert_eq!(replayed.last(), Some(book.position()));
    }

    #[test]
    fn a_symbol_without_an_open_is_valued_at_its_last_close() {
        let mut position = Position::all_cash(10.0);
        position.holdings.insert("AAPL".into(), 2);
        position.holdings.insert("HALT".into(), 1);
        let open = |s: &str| (s == "AAPL").then_some(5.0);
        let close = |_: &str| {
            Some(Quote {
                close: 7.0,
                date: d("2025-10-03"),
            })
        };
        assert_eq!(
            value_at_open(&position, d("2025-10-06"), open, close),
            Ok(27.0)
        );
    }
}
