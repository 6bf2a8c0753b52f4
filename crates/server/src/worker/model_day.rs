//! One model on one date: start from the model's previous current day (any job), let the agent
//! trade through the tools, value the result at the close.

use std::sync::Arc;
use std::time::Instant;

use ai_trader_core::Date;
use ai_trader_core::ledger::{DayBook, Position, daily_change, value_at_close};

use super::blocking;
use crate::agent::{Agent, NewsSearch, Session, TradingContext};
use crate::clock;
use crate::config::AgentConfig;
use crate::market::MarketData;
use crate::store::{CompletedDay, Store};

/// Runs a model-day; `Err` carries the failure text (nothing is written for a failed day).
#[allow(clippy::too_many_arguments)]
pub async fn run_model_day(
    store: Arc<dyn Store>,
    market: Arc<MarketData>,
    agent: &dyn Agent,
    config: &AgentConfig,
    job_id: &str,
    model: &str,
    basemodel: &str,
    date: Date,
    search: Option<Arc<NewsSearch>>,
) -> Result<CompletedDay, String> {
    let started_at = clock::timestamp();
    let clock_start = Instant::now();
    let m = model.to_owned();
    let previous = blocking(move || store.previous_day(&m, date))
        .await
        .map_err(|e| e.to_string())?;
    let (start, previous_value, days_since) = match &previous {
        Some(p) => (
            Position {
                cash: p.ending_cash,
                holdings: p.holdings.clone(),
            },
            p.ending_portfolio_value,
            u32::try_from(date.days_since(p.date)).unwrap_or(0),
        ),
        None => (
            Position::all_cash(config.initial_cash),
            config.initial_cash,
            0,
        ),
    };
    let context = TradingContext {
        job_id: job_id.to_owned(),
        model: model.to_owned(),
        basemodel: basemodel.to_owned(),
        date,
        max_steps: config.max_steps,
    };
    let book = DayBook::new(date, start.clone(), config.fees());
    let mut session = Session::new(context, market.clone(), book, search);
    let outcome = agent
        .run_day(&mut session)
        .await
        .map_err(|e| e.to_string())?;

    let fills = session.fills_with_times();
    let position = session.tools.book().position().clone();
    let valuation = value_at_close(&position, date, |s| market.latest_close(s, date))
        .map_err(|e| e.to_string())?;
    let change = daily_change(previous_value, valuation.portfolio_value);
    Ok(CompletedDay {
        job_id: job_id.to_owned(),
        model: model.to_owned(),
        date,
        starting_cash: start.cash,
        starting_portfolio_value: previous_value,
        daily_profit: change.daily_profit,
        daily_return_pct: change.daily_return_pct,
        ending_cash: position.cash,
        ending_portfolio_value: valuation.portfolio_value,
        holdings: position.holdings,
        fills,
        messages: session.conversation.into_messages(),
        summary: outcome.summary,
        usage: outcome.usage,
        days_since_last_trading: days_since,
        carried_prices: valuation.carried,
        started_at,
        completed_at: clock::timestamp(),
        duration_seconds: clock_start.elapsed().as_secs_f64(),
    })
}
