//! Valuing a position at the close, and the day's profit.

use serde::{Deserialize, Serialize};

use super::{Position, ValuationError};
use crate::Date;

/// The latest close of a symbol on or before a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Quote {
    /// The close.
    pub close: f64,
    /// The date of that close.
    pub date: Date,
}

/// A held symbol valued at an earlier close because it has none on the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CarriedPrice {
    /// The symbol.
    pub symbol: String,
    /// The close used.
    pub close: f64,
    /// The date of that close.
    pub from_date: Date,
}

/// A position's value at a day's close.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Valuation {
    /// Cash.
    pub cash: f64,
    /// Σ shares × close.
    pub holdings_value: f64,
    /// `cash + holdings_value`.
    pub portfolio_value: f64,
    /// Symbols valued at an earlier close.
    pub carried: Vec<CarriedPrice>,
}

/// Values `position` at the close of `day`. `latest_close(symbol)` gives the latest close on or
/// before `day`.
pub fn value_at_close(
    position: &Position,
    day: Date,
    latest_close: impl Fn(&str) -> Option<Quote>,
) -> Result<Valuation, ValuationError> {
    let mut holdings_value = 0.0;
    let mut carried = Vec::new();
    for (symbol, shares) in &position.holdings {
        let quote = latest_close(symbol)
            .filter(|q| q.date <= day && q.close.is_finite() && q.close >= 0.0)
            .ok_or_else(|| ValuationError::NoClose {
                symbol: symbol.clone(),
                date: day.to_string(),
            })?;
        if quote.date < day {
            carried.push(CarriedPrice {
                symbol: symbol.clone(),
                close: quote.close,
                from_date: quote.date,
            });
        }
        holdings_value += *shares as f64 * quote.close;
    }
    Ok(Valuation {
        cash: position.cash,
        holdings_value,
        portfolio_value: position.cash + holdings_value,
        carried,
    })
}

/// A day's profit against the previous ending value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DailyChange {
    /// `ending − previous ending`.
    pub daily_profit: f64,
    /// Profit relative to the previous ending value, in percent; 0 when that value is not positive.
    pub daily_return_pct: f64,
}

/// The change from `previous_value` (the previous day's ending value, or the initial cash on a
/// model's first day) to `ending_value`.
pub fn daily_change(previous_value: f64, ending_value: f64) -> DailyChange {
    let daily_profit = ending_value - previous_value;
    let daily_return_pct = if previous_value > 0.0 {
        daily_profit / previous_value * 100.0
    } else {
        0.0
    };
    DailyChange {
        daily_profit: if daily_profit.is_finite() {
            daily_profit
        } else {
            0.0
        },
        daily_return_pct: if daily_return_pct.is_finite() {
            daily_return_pct
        } else {
            0.0
        },
    }
}

/// The change of each day of a series of ending values, each against the day before it (the
/// first against `starting_value`).
pub fn daily_changes(
    starting_value: f64,
    ending_values: impl IntoIterator<Item = f64>,
) -> Vec<DailyChange> {
    let mut previous = starting_value;
    ending_values
        .into_iter()
        .map(|value| {
            let change = daily_change(previous, value);
            previous = value;
            change
        })
        .collect()
}
