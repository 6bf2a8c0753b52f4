//! Volatility, Sharpe and Sortino ratios of daily returns.
//! See <https://www.investopedia.com/terms/s/sharperatio.asp> and
//! <https://www.investopedia.com/terms/s/sortinoratio.asp>.

use super::{TRADING_DAYS_PER_YEAR, finite};
use crate::stats::sample_std_dev;

fn mean(xs: &[f64]) -> f64 {
    crate::stats::mean(xs).unwrap_or(0.0)
}

/// Sample standard deviation (n − 1) of daily returns; `None` for fewer than two days.
pub fn daily_volatility(returns: &[f64]) -> Option<f64> {
    sample_std_dev(returns)
}

/// The daily rate that compounds to `annual` over 252 trading days.
fn daily_risk_free(annual: f64) -> f64 {
    finite((1.0 + annual).powf(1.0 / TRADING_DAYS_PER_YEAR) - 1.0).unwrap_or(0.0)
}

/// Mean excess daily return over its standard deviation, × √252; `None` without variance.
pub fn sharpe_ratio(returns: &[f64], risk_free_annual: f64) -> Option<f64> {
    let sd = daily_volatility(returns)?;
    if sd == 0.0 {
        return None;
    }
    let excess = mean(returns) - daily_risk_free(risk_free_annual);
    finite(excess / sd * TRADING_DAYS_PER_YEAR.sqrt())
}

/// Mean excess daily return over the downside deviation (root mean square of the shortfalls
/// below the risk-free rate, over all days), × √252; `None` without a losing day.
pub fn sortino_ratio(returns: &[f64], risk_free_annual: f64) -> Option<f64> {
    if returns.len() < 2 {
        return None;
    }
    let rf = daily_risk_free(risk_free_annual);
    let downside = (returns
        .iter()
        .map(|r| (r - rf).min(0.0).powi(2))
        .sum::<f64>()
        / returns.len() as f64)
        .sqrt();
    if downside == 0.0 {
        return None;
    }
    finite((mean(returns) - rf) / downside * TRADING_DAYS_PER_YEAR.sqrt())
}
