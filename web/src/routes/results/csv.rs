//! The leaderboard and the daily values as CSV files to download.

use ai_trader_core::api::{BaselineResult, ModelRangeResult};
use ai_trader_core::ledger::daily_change;

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

/// One row per model, and the baseline's last.
pub fn leaderboard(ranges: &[ModelRangeResult], baseline: Option<&BaselineResult>) -> String {
    let mut out = String::from(
        "model,first_date,last_date,starting_value,ending_value,return_pct,annualized_return_pct,sharpe_ratio,max_drawdown_pct,win_rate_pct,trades\n",
    );
    for r in ranges {
        let m = &r.period_metrics;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            field(&r.model),
            r.start_date,
            r.end_date,
            m.starting_portfolio_value,
            m.ending_portfolio_value,
            m.period_return_pct,
            number(m.meaningful_annualized_return_pct()),
            number(m.sharpe_ratio),
            m.max_drawdown_pct,
            number(m.win_rate_pct),
            m.number_of_trades
        ));
    }
    if let Some(b) = baseline {
        let m = &b.period_metrics;
        let (first, last) = (
            b.daily_portfolio_values.first().map(|v| v.date.to_string()),
            b.daily_portfolio_values.last().map(|v| v.date.to_string()),
        );
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},,\n",
            field(&format!("{} buy & hold", b.symbol)),
            first.unwrap_or_default(),
            last.unwrap_or_default(),
            m.starting_portfolio_value,
            m.ending_portfolio_value,
            m.period_return_pct,
            number(m.meaningful_annualized_return_pct()),
            number(m.sharpe_ratio),
            m.max_drawdown_pct,
        ));
    }
    out
}

/// One row per model-day: its value at the close and its profit for the day.
pub fn daily(ranges: &[ModelRangeResult]) -> String {
    let mut out = String::from("date,model,portfolio_value,daily_profit\n");
    for r in ranges {
        let mut previous = r.period_metrics.starting_portfolio_value;
        for v in &r.daily_portfolio_values {
            let profit = daily_change(previous, v.portfolio_value).daily_profit;
            previous = v.portfolio_value;
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
