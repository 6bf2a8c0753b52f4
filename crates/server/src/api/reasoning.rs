//! `GET /reasoning`: trading sessions with summaries, trades and (on request) the conversation.

use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::api::{ReasoningPosition, ReasoningResponse, ReasoningSession};
use ai_trader_core::ledger::Side;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{AppError, AppQuery};
use crate::app::AppState;
use crate::store::DayFilter;
use crate::worker::blocking;

#[derive(Deserialize)]
pub(super) struct Query {
    job_id: Option<String>,
    date: Option<String>,
    model: Option<String>,
    include_full_conversation: Option<String>,
}

/// The reference's lenient booleans.
fn flag(value: Option<&str>) -> Result<bool, AppError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(AppError::Rejected(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("include_full_conversation must be true or false (got {other:?})"),
        )),
    }
}

pub(super) async fn reasoning(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<Query>,
) -> Result<Json<ReasoningResponse>, AppError> {
    let full = flag(query.include_full_conversation.as_deref())?;
    let date = match query.date.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => Some(Date::parse(text).map_err(|e| AppError::BadRequest(e.to_string()))?),
    };
    let filter = DayFilter {
        job_id: query.job_id.filter(|j| !j.is_empty()),
        model: query.model.filter(|m| !m.is_empty()),
        start: date,
        end: date,
        current_only: false,
    };
    let store = state.store.clone();
    let market = state.market();
    let sessions = blocking(move || {
        let mut rows = store.trading_days(&filter)?;
        rows.sort_by(|a, b| (a.date, &a.model, a.id).cmp(&(b.date, &b.model, b.id)));
        rows.into_iter()
            .map(|row| {
                let actions = store.day_actions(row.id)?;
                // Walk the day forward from its starting holdings to value the book after each trade.
                let mut holdings = store.day_holdings(row.id)?;
                for a in actions.iter().rev() {
                    let held = holdings.entry(a.symbol.clone()).or_default();
                    *held = match a.side {
                        Side::Buy => held.saturating_sub(a.quantity),
                        Side::Sell => *held + a.quantity,
                    };
                }
                let positions = actions
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let held = holdings.entry(a.symbol.clone()).or_default();
                        *held = match a.side {
                            Side::Buy => *held + a.quantity,
                            Side::Sell => held.saturating_sub(a.quantity),
                        };
                        let value: f64 = holdings
                            .iter()
                            .map(|(s, q)| {
                                *q as f64 * market.bar(s, row.date).map_or(0.0, |b| b.open)
                            })
                            .sum();
                        ReasoningPosition {
                            action_id: i as u32 + 1,
                            action_type: Some(a.side.as_str().to_owned()),
                            symbol: Some(a.symbol.clone()),
                            amount: Some(a.quantity),
                            price: Some(a.price),
                            cash_after: a.cash_after,
                            portfolio_value: a.cash_after + value,
                        }
                    })
                    .collect();
                let conversation = if full {
                    Some(store.day_messages(row.id)?)
                } else {
                    None
                };
                Ok(ReasoningSession {
                    session_id: row.id,
                    job_id: row.job_id,
                    date: row.date,
                    model: row.model,
                    session_summary: row.reasoning_summary,
                    started_at: row.started_at,
                    completed_at: row.completed_at,
                    total_messages: Some(row.total_messages),
                    positions,
                    conversation,
                    token_usage: row.usage,
                })
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    if sessions.is_empty() {
        return Err(AppError::NotFound(
            "No trading sessions found matching the provided filters".into(),
        ));
    }
    Ok(Json(ReasoningResponse {
        count: sessions.len() as u32,
        sessions,
        deployment: state.deployment(),
    }))
}
