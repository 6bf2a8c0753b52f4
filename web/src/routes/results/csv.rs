//! The leaderboard and the daily values as CSV files to download (the core's CSV writer).

use ai_trader_core::api::{BaselineResult, ModelRangeResult};
use ai_trader_core::csv::{Csv, Field};
use ai_trader_core::ledger::daily_changes;
use ai_trader_core::metrics::{DailyValue, PeriodMetrics};

/// One leaderboard row: who, their first and last day, their metrics, their trades (none for
/// the baseline).
fn leaderboard_row(
    csv: &mut Csv,
    (name, run): (&str, &str),
    (first, last): (String, String),
    m: &PeriodMetrics,
    trades: Option<u32>,
) {
    csv.row([
        name.into(),
        run.into(),
        first.as_str().into(),
        last.as_str().into(),
        m.starting_portfolio_value.into(),
        m.ending_portfolio_value.into(),
        m.period_return_pct.into(),
        m.meaningful_annualized_return_pct().into(),
        m.sharpe_ratio.into(),
        m.max_drawdown_pct.into(),
        trades.and(m.win_rate_pct).into(),
        trades.into(),
    ]);
}

/// One row per model and run, and the baseline's last.
pub fn leaderboard(ranges: &[ModelRangeResult], baseline: Option<&BaselineResult>) -> String {
    let mut csv = Csv::new(&[
        "model",
        "run",
        "first_date",
        "last_date",
        "starting_value",
        "ending_value",
        "return_pct",
        "annualized_return_pct",
        "sharpe_ratio",
        "max_drawdown_pct",
        "win_rate_pct",
        "trades",
    ]);
    for r in ranges {
        let m = &r.period_metrics;
        let days = (r.start_date.to_string(), r.end_date.to_string());
        let who = (r.model.as_str(), r.run.as_str());
        leaderboard_row(&mut csv, who, days, m, Some(m.number_of_trades));
    }
    if let Some(b) = baseline {
        let date = |v: Option<&DailyValue>| v.map(|v| v.date.to_string()).unwrap_or_default();
        let values = &b.daily_portfolio_values;
        let days = (date(values.first()), date(values.last()));
        let name = format!("{} buy & hold", b.symbol);
        leaderboard_row(&mut csv, (&name, ""), days, &b.period_metrics, None);
    }
    csv.finish()
}

/// One row per model-day: its value at the close and its profit for the day.
pub fn daily(ranges: &[ModelRangeResult]) -> String {
    let mut csv = Csv::new(&["date", "model", "run", "portfolio_value", "daily_profit"]);
    for r in ranges {
        let values = r.daily_portfolio_values.iter().map(|v| v.portfolio_value);
        let changes = daily_changes(r.period_metrics.starting_portfolio_value, values);
        for (v, change) in r.daily_portfolio_values.iter().zip(changes) {
            let date = v.date.to_string();
            csv.row([
                date.as_str().into(),
                r.model.as_str().into(),
                r.run.as_str().into(),
                v.portfolio_value.into(),
                Field::Number(change.daily_profit),
            ]);
        }
    }
    csv.finish()
}

/// A `data:` URL holding `csv`, for a download link.
pub fn data_url(csv: &str) -> String {
    format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(csv))
    )
}
