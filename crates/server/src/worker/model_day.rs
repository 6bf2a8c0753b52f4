//! One model's run on one date: start from the run's previous current day (any job), let the agent
//! trade through the tools, close the day at the close with the core ledger.

use std::time::Instant;

use ai_trader_core::ledger::{DayBook, ValuationError};

use super::Inner;
use crate::agent::{AgentError, Session, TradingContext};
use crate::store::{CompletedDay, DayActivity, Lease, PreviousDay, StoreError};

/// Why a model-day failed (nothing of it is written).
#[derive(Debug, thiserror::Error)]
pub enum ModelDayError {
    /// The job names a model the configuration no longer has.
    #[error("Model {0} not found in config")]
    UnknownModel(String),
    /// Its starting position could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The agent could not finish the day.
    #[error(transparent)]
    Agent(#[from] AgentError),
    /// The ending position has a symbol without any close.
    #[error(transparent)]
    Valuation(#[from] ValuationError),
}

impl Inner {
    /// Trades the leased model-day (a model's run on a date, for a job) and closes it, ready
    /// to commit.
    pub(super) async fn trade_day(&self, lease: &Lease) -> Result<CompletedDay, ModelDayError> {
        let (job_id, model, run, date) = (&lease.job_id, &lease.model, &lease.run, lease.date);
        let agent = self
            .agents
            .get(model)
            .ok_or_else(|| ModelDayError::UnknownModel(model.to_owned()))?;
        let started_at = self.clock.timestamp();
        let clock_start = Instant::now();
        let previous = self.db.previous_day((model, run), date).await?;
        let opening = PreviousDay::opening(previous, self.agent_config.initial_cash);
        let context = TradingContext {
            job_id: job_id.to_owned(),
            model: model.to_owned(),
            run: run.to_owned(),
            basemodel: self.basemodels.get(model).cloned().unwrap_or_default(),
            date,
            max_steps: self.agent_config.max_steps,
            clock: self.clock,
        };
        let market = self.market.snapshot();
        let book = DayBook::new(date, opening.position.clone(), self.agent_config.fees());
        let mut session = Session::new(context, market.clone(), book, self.search.clone());
        let outcome = agent.run_day(&mut session).await?;

        let fills = session.fills_with_times();
        let position = session.tools.book().position().clone();
        let activity = DayActivity {
            fills,
            messages: session.conversation.into_messages(),
            summary: outcome.summary,
            usage: outcome.usage,
            started_at,
            completed_at: self.clock.timestamp(),
            duration_seconds: clock_start.elapsed().as_secs_f64(),
        };
        Ok(CompletedDay::close(
            (job_id, (model, run), date),
            &opening,
            position,
            (activity, self.prices.get(model.as_str()).copied().flatten()),
            |s| market.latest_close(s, date),
        )?)
    }
}
