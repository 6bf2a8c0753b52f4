//! Period, annualised and daily returns.
//! See <https://www.investopedia.com/terms/a/annualized-total-return.asp>.

use super::{DailyValue, finite, round2};

/// `(end − start) / start × 100`, rounded to 2 decimals; 0 when `start` is 0.
pub fn period_return_pct(start: f64, end: f64) -> f64 {
    round2(total_return_pct(start, end))
}

/// `(end − start) / start × 100`, unrounded (for statistics over runs); 0 when `start` is 0
/// or the result is not finite.
pub fn total_return_pct(start: f64, end: f64) -> f64 {
    if start == 0.0 {
        return 0.0;
    }
    finite((end - start) / start * 100.0).unwrap_or(0.0)
}

/// `((end / start)^(365 / calendar_days) − 1) × 100`, rounded to 2 decimals.
///
/// `Some(0.0)` when `calendar_days` or `start` is 0 or `end` ≤ 0 (the reference's degenerate
/// cases); `None` when the power overflows (the reference answered HTTP 500 there).
pub fn annualized_return_pct(start: f64, end: f64, calendar_days: u32) -> Option<f64> {
    if calendar_days == 0 || start == 0.0 || end <= 0.0 {
        return Some(0.0);
    }
    let growth = (end / start).powf(365.0 / f64::from(calendar_days));
    finite((growth - 1.0) * 100.0).map(round2)
}

/// Each day's return against the previous day's value (`start` before the first day), as a
/// fraction; 0 after a non-positive value.
pub fn daily_returns(start: f64, values: &[DailyValue]) -> Vec<f64> {
    let mut previous = start;
    values
        .iter()
        .map(|v| {
            let r = if previous > 0.0 {
                finite(v.portfolio_value / previous - 1.0).unwrap_or(0.0)
            } else {
                0.0
            };
            previous = v.portfolio_value;
            r
        })
        .collect()
}
