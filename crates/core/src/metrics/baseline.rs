//! The buy-and-hold baseline models are compared with (QQQ when the data has it): one per
//! result range, the same for every model.

use super::DailyValue;
use crate::Date;

/// The benchmark held through a range, as a model's returns are measured: from the value at
/// the close before the range's first day (`previous_close`) to each day's close. Without a
/// previous close (the range starts with the data) it is bought at the first day's open.
/// Holdings are fractional and free of fees, so the baseline's return is the benchmark's own,
/// whatever `starting_value`. `days` are `(date, open, close)`, ascending.
pub fn buy_and_hold(
    starting_value: f64,
    previous_close: Option<f64>,
    days: &[(Date, f64, f64)],
) -> Vec<DailyValue> {
    let entry = previous_close
        .filter(|p| *p > 0.0)
        .or_else(|| days.first().map(|(_, open, _)| *open).filter(|p| *p > 0.0));
    let Some(entry) = entry else {
        return Vec::new();
    };
    let units = starting_value / entry;
    days.iter()
        .map(|(date, _, close)| DailyValue {
            date: *date,
            portfolio_value: units * close,
        })
        .collect()
}

/// Why the baseline looks as it does, for a tooltip.
pub const BUY_AND_HOLD_CONVENTION: &str = "Held from the close before the range's first day (bought at its open when the data starts there) to each day's close, fractional shares, no fees: the models' returns are measured the same way, from their value at the previous close.";
