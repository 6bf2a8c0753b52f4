//! Exports of stored results: the days of `GET /results` as CSV, and every trade of the
//! filtered days (`GET /results/trades`) as JSON or CSV.

use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::api::{ResultsQuery, TradeRow, TradesResponse};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::csv;
use super::results::resolve_dates;
use super::{AppError, AppQuery, run_filter};
use crate::app::AppState;
use crate::store::{DayFilter, DayRow};
use ai_trader_core::csv::Csv;

/// The filter of a results query and its resolved dates: current days, unless a job's own.
pub(super) fn day_filter(
    state: &AppState,
    query: &ResultsQuery,
) -> Result<(DayFilter, (Date, Date)), AppError> {
    let (start, end) = resolve_dates(
        (query.start_date.as_deref(), query.end_date.as_deref()),
        state.settings.results_lookback_days,
        state.clock.today(),
    )?;
    let filter = DayFilter {
        job_id: query.job_id.clone().filter(|j| !j.is_empty()),
        model: query.model.clone().filter(|m| !m.is_empty()),
        run: run_filter(query.run.clone())?,
        start: Some(start),
        end: Some(end),
        // A job's own days are shown even when a later run superseded them.
        current_only: query.job_id.as_deref().is_none_or(str::is_empty),
    };
    Ok((filter, (start, end)))
}

/// One row per model-day: its values, trades and tokens.
pub(super) fn days_csv(rows: &[DayRow]) -> Csv {
    let mut csv = Csv::new(&[
        "model",
        "run",
        "date",
        "job_id",
        "starting_cash",
        "starting_portfolio_value",
        "ending_cash",
        "ending_portfolio_value",
        "daily_profit",
        "daily_return_pct",
        "total_actions",
        "prompt_tokens",
        "completion_tokens",
    ]);
    for r in rows {
        let date = r.date.to_string();
        let v = &r.values;
        csv.row([
            r.model.as_str().into(),
            r.run.as_str().into(),
            date.as_str().into(),
            r.job_id.as_str().into(),
            v.starting_cash.into(),
            v.starting_portfolio_value.into(),
            v.ending_cash.into(),
            v.ending_portfolio_value.into(),
            v.daily_profit.into(),
            v.daily_return_pct.into(),
            r.total_actions.into(),
            r.usage.prompt_tokens.into(),
            r.usage.completion_tokens.into(),
        ]);
    }
    csv
}

pub(super) async fn trades(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<ResultsQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let as_csv = csv::wanted(query.format.as_deref(), &headers)?;
    let (filter, _) = day_filter(&state, &query)?;
    let trades = state
        .db
        .call(move |store| {
            let rows = store.trading_days(&filter)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let mut actions = store.days_actions(&ids)?;
            let mut trades = Vec::new();
            for row in rows {
                for (i, action) in actions
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                {
                    trades.push(TradeRow {
                        model: row.model.clone(),
                        run: row.run.clone(),
                        job_id: row.job_id.clone(),
                        date: row.date,
                        seq: i as u32 + 1,
                        action_type: action.fill.side,
                        symbol: action.fill.symbol,
                        quantity: action.fill.quantity,
                        price: action.fill.price,
                        fee: action.fill.fee,
                        cash_after: action.fill.cash_after,
                        created_at: action.created_at,
                    });
                }
            }
            Ok(trades)
        })
        .await?;
    if as_csv {
        return Ok(csv::respond(trades_csv(&trades), "trades.csv"));
    }
    Ok(Json(TradesResponse {
        count: trades.len() as u32,
        trades,
    })
    .into_response())
}

fn trades_csv(trades: &[TradeRow]) -> Csv {
    let mut csv = Csv::new(&[
        "model",
        "run",
        "date",
        "job_id",
        "seq",
        "action_type",
        "symbol",
        "quantity",
        "price",
        "fee",
        "cash_after",
        "created_at",
    ]);
    for t in trades {
        let date = t.date.to_string();
        csv.row([
            t.model.as_str().into(),
            t.run.as_str().into(),
            date.as_str().into(),
            t.job_id.as_str().into(),
            t.seq.into(),
            t.action_type.as_str().into(),
            t.symbol.as_str().into(),
            t.quantity.into(),
            t.price.into(),
            t.fee.into(),
            t.cash_after.into(),
            t.created_at.as_str().into(),
        ]);
    }
    csv
}
