//! Win rate and turnover.
//! See <https://www.investopedia.com/terms/w/win-loss-ratio.asp> and
//! <https://www.investopedia.com/terms/t/turnover.asp>.

use super::{DailyValue, finite};

/// Winning and losing days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WinRate {
    /// Days with a positive return.
    pub winning: u32,
    /// Days with a negative return.
    pub losing: u32,
    /// Winning days over all days, in percent; `None` without days.
    pub pct: Option<f64>,
}

/// Counts winning and losing days of the daily returns.
pub fn win_rate(returns: &[f64]) -> WinRate {
    let winning = returns.iter().filter(|r| **r > 0.0).count() as u32;
    let losing = returns.iter().filter(|r| **r < 0.0).count() as u32;
    let pct = (!returns.is_empty()).then(|| f64::from(winning) / returns.len() as f64 * 100.0);
    WinRate {
        winning,
        losing,
        pct,
    }
}

/// Traded value over the average portfolio value (start and every day's end); `None` when that
/// average is not positive.
pub fn turnover(traded_value: f64, start: f64, values: &[DailyValue]) -> Option<f64> {
    let sum: f64 = start + values.iter().map(|v| v.portfolio_value).sum::<f64>();
    let average = sum / (values.len() + 1) as f64;
    if average.is_nan() || average <= 0.0 || !traded_value.is_finite() {
        return None;
    }
    finite(traded_value.abs() / average)
}
