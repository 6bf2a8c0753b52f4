//! `GET /reasoning`: trading sessions with summaries, trades and (on request) the conversation.

use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::api::{
    DEFAULT_REASONING_PAGE, MAX_REASONING_PAGE, Page, ReasoningPosition, ReasoningQuery,
    ReasoningResponse, ReasoningSession,
};
use ai_trader_core::ledger::{Position, positions_after_fills, value_at_open};
use axum::Json;
use axum::extract::State;

use super::{AppError, AppQuery};
use crate::app::AppState;
use crate::market::MarketData;
use crate::store::{DayFilter, DayRow, Store, StoreError};

pub(super) async fn reasoning(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<ReasoningQuery>,
) -> Result<Json<ReasoningResponse>, AppError> {
    let full = query.include_full_conversation;
    let date = match query.date.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => Some(Date::parse(text).map_err(|e| AppError::BadRequest(e.to_string()))?),
    };
    let filter = DayFilter {
        job_id: query.job_id.filter(|j| !j.is_empty()),
        model: query.model.filter(|m| !m.is_empty()),
        run: super::run_filter(query.run)?,
        start: date,
        end: date,
        current_only: false,
    };
    let limit = query.limit.unwrap_or(DEFAULT_REASONING_PAGE);
    if limit == 0 || limit > MAX_REASONING_PAGE {
        return Err(AppError::BadRequest(format!(
            "limit must be between 1 and {MAX_REASONING_PAGE} (got {limit})"
        )));
    }
    let offset = query.offset.unwrap_or(0);
    let market = state.market();
    let (sessions, total) = state
        .db
        .call(move |store| {
            // Rows are light; trades and conversations are read for this page only.
            let mut rows = store.trading_days(&filter)?;
            let total = rows.len() as u32;
            rows.sort_by(|a, b| {
                (a.date, &a.model, &a.run, a.id).cmp(&(b.date, &b.model, &b.run, b.id))
            });
            let sessions = rows
                .into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(|row| session(store, &market, row, full))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((sessions, total))
        })
        .await?;
    if total == 0 {
        return Err(AppError::NotFound(
            "No trading sessions found matching the provided filters".into(),
        ));
    }
    Ok(Json(ReasoningResponse {
        count: sessions.len() as u32,
        sessions,
        page: Page::new(total, offset, limit),
        deployment: state.deployment(),
    }))
}

/// One trading session: the position after each trade (replayed by the core ledger from the
/// day's starting position, valued at the day's open), and the conversation when asked.
fn session(
    store: &dyn Store,
    market: &MarketData,
    row: DayRow,
    full: bool,
) -> Result<ReasoningSession, StoreError> {
    let actions = store.day_actions(row.id)?;
    let start = Position {
        cash: row.values.starting_cash,
        holdings: store
            .previous_day(&row.model, &row.run, row.date)?
            .map(|p| p.holdings)
            .unwrap_or_default(),
    };
    let fills: Vec<_> = actions.into_iter().map(|a| a.fill).collect();
    let after = positions_after_fills(&start, &fills);
    let positions = fills
        .iter()
        .zip(&after)
        .enumerate()
        .map(|(i, (fill, position))| {
            let portfolio_value = value_at_open(
                position,
                row.date,
                |s| market.bar(s, row.date).map(|b| b.open),
                |s| market.latest_close(s, row.date),
            )
            .map_err(|e| StoreError::Corrupt(format!("session {}: {e}", row.id)))?;
            Ok(ReasoningPosition {
                action_id: i as u32 + 1,
                action_type: Some(fill.side.as_str().to_owned()),
                symbol: Some(fill.symbol.clone()),
                amount: Some(fill.quantity),
                price: Some(fill.price),
                cash_after: fill.cash_after,
                portfolio_value,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
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
        run: row.run,
        session_summary: row.reasoning_summary,
        started_at: row.started_at,
        completed_at: row.completed_at,
        total_messages: Some(row.total_messages),
        positions,
        conversation,
        token_usage: row.usage,
        cost_usd: row.cost_usd,
    })
}
