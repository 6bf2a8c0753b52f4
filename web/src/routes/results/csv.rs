//! The leaderboard and the daily values as CSV files to download.

use ai_trader_core::api::{BaselineResult, ModelRangeResult};
use ai_trader_core::ledger::daily_changes;
use ai_trader_core::metrics::{DailyValue, PeriodMetrics};

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v}")).unwrap_or_default()
}

/// One leaderboard row: who, their first and last day, their metrics, their trades (none for
/// the baseline).
fn leaderboard_row(
    out: &mut String,
    name: &str,
    (first, last): (String, String),
    m: &PeriodMetrics,
    trades: Option<u32>,
) {
    out.push_str(&format!(
        "{},{first},{last},{},{},{},{},{},{},{},{}\n",
        field(name),
        m.starting_portfolio_value,
        m.ending_portfolio_value,
        m.period_return_pct,
        number(m.meaningful_annualized_return_pct()),
        number(m.sharpe_ratio),
        m.max_drawdown_pct,
        trades.map_or_else(String::new, |_| number(m.win_rate_pct)),
        trades.map(|t| t.to_string()).unwrap_or_default(),
    ));
}

/// One row per model, and the baseline's last.
pub fn leaderboard(ranges: &[ModelRangeResult], baseline: Option<&BaselineResult>) -> String {
    let mut out = String::from(
        "model,first_date,last_date,starting_value,ending_value,return_pct,annualized_return_pct,sharpe_ratio,max_drawdown_pct,win_rate_pct,trades\n",
    );
    for r in ranges {
        let m = &r.period_metrics;
        let days = (r.start_date.to_string(), r.end_date.to_string());
        leaderboard_row(&mut out, &r.model, days, m, Some(m.number_of_trades));
    }
    if let Some(b) = baseline {
        let date = |v: Option<&DailyValue>| v.map(|v| v.date.to_string()).unwrap_or_default();
        let values = &b.daily_portfolio_values;
        let days = (date(values.first()), date(values.last()));
        let name = format!("{} buy & hold", b.symbol);
        leaderboard_row(&mut out, &name, days, &b.period_metrics, None);
    }
    out
}

/// One row per model-day: its value at the close and its profit for the day.
pub fn daily(ranges: &[ModelRangeResult]) -> String {
    let mut out = String::from("date,model,portfolio_value,daily_profit\n");
    for r in ranges {
        let values = r.daily_portfolio_values.iter().map(|v| v.portfolio_value);
        let changes = daily_changes(r.period_metrics.starting_portfolio_value, values);
        for (v, change) in r.daily_portfolio_values.iter().zip(changes) {
            let profit = change.daily_profit;
            out.push_str(&format!(
                "{},{},{},{profit}\n",
                v.date,
                field(&r.model),
                v.portfolio_value
            ));
        }
    }
    out
}

/// A `data:` URL holding `csv`, for a download link.
pub fn data_url(csv: &str) -> String {
    format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(csv))
    )
}
