//! Performance metrics over a model's daily portfolio values.
//!
//! One metric per file. Every figure is finite: degenerate inputs (no days, one day, zero
//! variance, non-positive values) give 0 or `None`, never NaN or infinity, so nothing
//! unrepresentable reaches JSON.

mod baseline;
mod drawdown;
mod returns;
mod risk;
mod rounding;
mod trading;

use serde::{Deserialize, Serialize};

pub use baseline::{BUY_AND_HOLD_CONVENTION, buy_and_hold};
pub use drawdown::{Drawdown, max_drawdown};
pub use returns::{annualized_return_pct, daily_returns, period_return_pct, total_return_pct};
pub use risk::{daily_volatility, sharpe_ratio, sortino_ratio};
pub use rounding::round2;
pub use trading::{turnover, win_rate};

use crate::Date;

/// Trading days per year, for annualising daily figures.
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;

/// A day's ending portfolio value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DailyValue {
    /// The trading day.
    pub date: Date,
    /// Its ending portfolio value (at the close).
    pub portfolio_value: f64,
}

/// What the metrics are computed from (the argument of the wasm `computeMetrics`).
///
/// JSON: `{"starting_value": 10000, "daily_values": [{"date": "2025-10-01", "portfolio_value":
/// 10100}], "number_of_trades": 3, "traded_value": 2500, "risk_free_rate": 0.0}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MetricsInput {
    /// The value before the first day: the first day's starting value.
    pub starting_value: f64,
    /// Ending values, one per trading day, ascending by date.
    pub daily_values: Vec<DailyValue>,
    /// Trades executed over the period.
    #[serde(default)]
    pub number_of_trades: u32,
    /// Σ |shares × price| over the period's trades.
    #[serde(default)]
    pub traded_value: f64,
    /// Annual risk-free rate as a fraction (0.04 = 4 %); 0 unless configured.
    #[serde(default)]
    pub risk_free_rate: f64,
}

/// Metrics of one model over a period. The first six fields are the reference's
/// Below this many trading days an annualised return is noise (five days at +3 % make
/// +300 % a year): people are not shown one.
pub const MIN_TRADING_DAYS_TO_ANNUALISE: u32 = 20;

impl PeriodMetrics {
    /// The annualised return when the period is long enough to mean something.
    pub fn meaningful_annualized_return_pct(&self) -> Option<f64> {
        if self.trading_days >= MIN_TRADING_DAYS_TO_ANNUALISE {
            self.annualized_return_pct
        } else {
            None
        }
    }
}

/// `period_metrics`, with its formulas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PeriodMetrics {
    /// The first day's starting value.
    pub starting_portfolio_value: f64,
    /// The last day's ending value.
    pub ending_portfolio_value: f64,
    /// Total return in percent, rounded to 2 decimals.
    pub period_return_pct: f64,
    /// Compounded to 365 days, in percent, rounded to 2 decimals; `null` if it overflows.
    pub annualized_return_pct: Option<f64>,
    /// Days from the first to the last day, both included.
    pub calendar_days: u32,
    /// Days with a value.
    pub trading_days: u32,
    /// Sample standard deviation of daily returns, in percent.
    pub daily_volatility_pct: Option<f64>,
    /// Sharpe ratio of daily returns, annualised by √252.
    pub sharpe_ratio: Option<f64>,
    /// Sortino ratio of daily returns, annualised by √252.
    pub sortino_ratio: Option<f64>,
    /// The largest peak-to-trough fall, in percent (positive; 0 when values never fell).
    pub max_drawdown_pct: f64,
    /// The date of the peak before the largest fall (the first day when the peak is the start).
    pub max_drawdown_peak_date: Option<Date>,
    /// The date of the trough of the largest fall.
    pub max_drawdown_trough_date: Option<Date>,
    /// Share of days with a gain, in percent.
    pub win_rate_pct: Option<f64>,
    /// Days with a gain.
    pub winning_days: u32,
    /// Days with a loss.
    pub losing_days: u32,
    /// Trades executed.
    pub number_of_trades: u32,
    /// Traded value over the average portfolio value.
    pub turnover: Option<f64>,
}

/// Computes every metric of `input`.
pub fn compute(input: &MetricsInput) -> PeriodMetrics {
    let values = &input.daily_values;
    let start = finite_or_zero(input.starting_value);
    let end = values
        .last()
        .map_or(start, |v| finite_or_zero(v.portfolio_value));
    let calendar_days = match (values.first(), values.last()) {
        (Some(first), Some(last)) => {
            u32::try_from(last.date.days_since(first.date) + 1).unwrap_or(0)
        }
        _ => 0,
    };
    let returns = daily_returns(start, values);
    let drawdown = max_drawdown(start, values);
    let win = win_rate(&returns);
    PeriodMetrics {
        starting_portfolio_value: start,
        ending_portfolio_value: end,
        period_return_pct: period_return_pct(start, end),
        annualized_return_pct: annualized_return_pct(start, end, calendar_days),
        calendar_days,
        trading_days: u32::try_from(values.len()).unwrap_or(u32::MAX),
        daily_volatility_pct: daily_volatility(&returns).map(|v| v * 100.0),
        sharpe_ratio: sharpe_ratio(&returns, input.risk_free_rate),
        sortino_ratio: sortino_ratio(&returns, input.risk_free_rate),
        max_drawdown_pct: drawdown.pct,
        max_drawdown_peak_date: drawdown.peak_date,
        max_drawdown_trough_date: drawdown.trough_date,
        win_rate_pct: win.pct,
        winning_days: win.winning,
        losing_days: win.losing,
        number_of_trades: input.number_of_trades,
        turnover: turnover(input.traded_value, start, values),
    }
}

/// `Some(x)` when `x` is finite.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn finite_or_zero(x: f64) -> f64 {
    finite(x).unwrap_or(0.0)
}

#[cfg(test)]
mod tests;
