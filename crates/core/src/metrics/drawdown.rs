//! Maximum drawdown. See <https://www.investopedia.com/terms/m/maximum-drawdown-mdd.asp>.

use super::{DailyValue, finite};
use crate::Date;

/// The largest peak-to-trough fall.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drawdown {
    /// The fall in percent of the peak, ≥ 0.
    pub pct: f64,
    /// The peak's date (the first day when the peak is the starting value).
    pub peak_date: Option<Date>,
    /// The trough's date.
    pub trough_date: Option<Date>,
}

/// The largest fall from a running peak, the starting value counting as the first peak.
pub fn max_drawdown(start: f64, values: &[DailyValue]) -> Drawdown {
    let mut best = Drawdown {
        pct: 0.0,
        peak_date: None,
        trough_date: None,
    };
    let Some(first) = values.first() else {
        return best;
    };
    let (mut peak, mut peak_date) = (start, first.date);
    for v in values {
        if v.portfolio_value > peak {
            peak = v.portfolio_value;
            peak_date = v.date;
        } else if peak > 0.0 {
            let fall = finite((peak - v.portfolio_value) / peak * 100.0).unwrap_or(0.0);
            if fall > best.pct {
                best = Drawdown {
                    pct: fall,
                    peak_date: Some(peak_date),
                    trough_date: Some(v.date),
                };
            }
        }
    }
    best
}
