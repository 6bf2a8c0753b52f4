//! The rows the store reads and writes.

use std::collections::BTreeMap;

use ai_trader_core::api::{ConversationMessage, JobSummary, TokenUsage};
use ai_trader_core::comparison::RunSeries;
use ai_trader_core::cost::Pricing;
use ai_trader_core::forecast::Forecast;
use ai_trader_core::ledger::{
    CarriedPrice, DayOpening, Fill, Position, Quote, ValuationError, close_day,
};
use ai_trader_core::metrics::DailyValue;
use ai_trader_core::{Date, JobStatus, Progress};

/// A job about to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Its UUID.
    pub job_id: String,
    /// Creation time.
    pub created_at: String,
    /// The request as received, kept for the record.
    pub request_json: String,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Its id.
    pub job_id: String,
    /// Its status.
    pub status: JobStatus,
    /// Every calendar date.
    pub date_range: Vec<Date>,
    /// Its models.
    pub models: Vec<String>,
    /// The runs of its models.
    pub runs: Vec<String>,
    /// The note it gave its runs.
    pub note: Option<String>,
    /// Created with `replace_existing`.
    pub replace_existing: bool,
    /// Creation time.
    pub created_at: String,
    /// Start of its run.
    pub started_at: Option<String>,
    /// End of its run.
    pub completed_at: Option<String>,
    /// Run time.
    pub total_duration_seconds: Option<f64>,
    /// Why it failed.
    pub error: Option<String>,
    /// Warnings stored at creation.
    pub warnings: Vec<String>,
    /// Trading days whose missing prices are downloaded before the job runs (from its plan).
    pub download_dates: Vec<Date>,
    /// A user asked to cancel it.
    pub cancel_requested: bool,
    /// Counts per detail status.
    pub progress: Progress,
    /// LLM tokens of its model-days.
    pub token_usage: TokenUsage,
    /// Its plan's forecast (none for imported history and jobs older than forecasts).
    pub forecast: Option<Forecast>,
}

impl JobRecord {
    /// The job as `GET /simulate/jobs` lists it.
    pub fn summary(self) -> JobSummary {
        JobSummary {
            start_date: self.date_range.first().copied().unwrap_or_default(),
            end_date: self.date_range.last().copied().unwrap_or_default(),
            job_id: self.job_id,
            status: self.status,
            models: self.models,
            runs: self.runs,
            progress: self.progress,
            created_at: self.created_at,
            started_at: self.started_at,
            completed_at: self.completed_at,
            total_duration_seconds: self.total_duration_seconds,
            error: self.error,
        }
    }
}

/// What a cancel did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancelOutcome {
    /// The job's status after the request.
    pub status: JobStatus,
    /// Pending details marked skipped.
    pub cancelled_model_days: u32,
    /// Details still running (they finish first).
    pub running: u32,
    /// The job had already ended: nothing changed.
    pub already_terminal: bool,
}

/// The day a model-day starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousDay {
    /// Its date.
    pub date: Date,
    /// Ending cash.
    pub ending_cash: f64,
    /// Ending value.
    pub ending_portfolio_value: f64,
    /// Ending holdings.
    pub holdings: BTreeMap<String, u64>,
}

impl PreviousDay {
    /// The opening of a model's day after `previous` (none: its first day, all cash).
    pub fn opening(previous: Option<Self>, initial_cash: f64) -> DayOpening {
        match previous {
            Some(p) => DayOpening::after(
                p.date,
                Position {
                    cash: p.ending_cash,
                    holdings: p.holdings,
                },
                p.ending_portfolio_value,
            ),
            None => DayOpening::first(initial_cash),
        }
    }
}

/// What happened during a model-day, before it is valued.
#[derive(Debug, Clone, PartialEq)]
pub struct DayActivity {
    /// Trades with their times.
    pub fills: Vec<(Fill, String)>,
    /// The conversation.
    pub messages: Vec<ConversationMessage>,
    /// The session summary.
    pub summary: String,
    /// Tokens used.
    pub usage: TokenUsage,
    /// Session start.
    pub started_at: String,
    /// Session end.
    pub completed_at: String,
    /// Wall time.
    pub duration_seconds: f64,
}

/// A model-day's cash and value at its start and end, and the change between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayValues {
    /// Cash at the start.
    pub starting_cash: f64,
    /// Value at the start (the previous ending value, or the initial cash).
    pub starting_portfolio_value: f64,
    /// Ending − starting value.
    pub daily_profit: f64,
    /// Profit in percent of the starting value.
    pub daily_return_pct: f64,
    /// Cash at the end.
    pub ending_cash: f64,
    /// Value at the close.
    pub ending_portfolio_value: f64,
}

/// A finished model-day, ready to commit.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletedDay {
    /// The job.
    pub job_id: String,
    /// The model.
    pub model: String,
    /// The model's run.
    pub run: String,
    /// The date.
    pub date: Date,
    /// Its cash and value at the start and the end.
    pub values: DayValues,
    /// Holdings at the end.
    pub holdings: BTreeMap<String, u64>,
    /// Calendar days since the previous trading day (0 on the first).
    pub days_since_last_trading: u32,
    /// Symbols valued at an earlier close.
    pub carried_prices: Vec<CarriedPrice>,
    /// What happened during the day.
    pub activity: DayActivity,
    /// What its tokens cost at the prices in force when it ran, USD; `None`: unknown.
    pub cost_usd: Option<f64>,
}

impl CompletedDay {
    /// Closes the day of `model`'s `run` in `job_id` on `date`: values the ending `position`
    /// at the close (core ledger) against the day's `opening`, and prices its tokens at
    /// `pricing` (unknown without).
    pub fn close(
        (job_id, (model, run), date): (&str, (&str, &str), Date),
        opening: &DayOpening,
        position: Position,
        (activity, pricing): (DayActivity, Option<Pricing>),
        latest_close: impl Fn(&str) -> Option<Quote>,
    ) -> Result<Self, ValuationError> {
        let close = close_day(opening, &position, date, latest_close)?;
        let cost_usd = pricing.map(|p| p.cost_usd(&activity.usage));
        Ok(Self {
            job_id: job_id.to_owned(),
            model: model.to_owned(),
            run: run.to_owned(),
            date,
            values: DayValues {
                starting_cash: opening.position.cash,
                starting_portfolio_value: opening.value,
                daily_profit: close.change.daily_profit,
                daily_return_pct: close.change.daily_return_pct,
                ending_cash: position.cash,
                ending_portfolio_value: close.valuation.portfolio_value,
            },
            holdings: position.holdings,
            days_since_last_trading: opening.days_since_last_trading(date),
            carried_prices: close.valuation.carried,
            activity,
            cost_usd,
        })
    }
}

/// Which trading days to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayFilter {
    /// Only this job.
    pub job_id: Option<String>,
    /// Only this model.
    pub model: Option<String>,
    /// Only this run.
    pub run: Option<String>,
    /// From this date.
    pub start: Option<Date>,
    /// To this date.
    pub end: Option<Date>,
    /// Only days that are current (not superseded).
    pub current_only: bool,
}

/// A stored trading day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    /// Row id (also the reasoning session id).
    pub id: i64,
    /// The job.
    pub job_id: String,
    /// The model.
    pub model: String,
    /// The model's run.
    pub run: String,
    /// The date.
    pub date: Date,
    /// Its cash and value at the start and the end.
    pub values: DayValues,
    /// Summary.
    pub reasoning_summary: Option<String>,
    /// Trades.
    pub total_actions: u32,
    /// Wall time.
    pub session_duration_seconds: Option<f64>,
    /// Calendar days since the previous trading day.
    pub days_since_last_trading: u32,
    /// Tokens.
    pub usage: TokenUsage,
    /// Carried prices.
    pub carried_prices: Vec<CarriedPrice>,
    /// Session start.
    pub started_at: String,
    /// Commit time.
    pub completed_at: Option<String>,
    /// Number of messages.
    pub total_messages: u32,
    /// Superseded by a later run.
    pub superseded: bool,
    /// What its tokens cost, USD; `None`: unknown.
    pub cost_usd: Option<f64>,
}

/// A stored trade: the ledger's fill and when it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    /// The fill.
    pub fill: Fill,
    /// Time.
    pub created_at: String,
}

/// A registered run of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// The model.
    pub model: String,
    /// The run's name.
    pub run: String,
    /// Its note, if any.
    pub note: Option<String>,
    /// When a job first held it.
    pub created_at: String,
    /// The jobs that hold it, oldest first.
    pub job_ids: Vec<String>,
}

/// A current day's values, as series over many runs are built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    /// The model.
    pub model: String,
    /// The run.
    pub run: String,
    /// The date.
    pub date: Date,
    /// Its starting value.
    pub starting_value: f64,
    /// Its ending value.
    pub ending_value: f64,
}

impl From<&DayRow> for ValueRow {
    fn from(day: &DayRow) -> Self {
        Self {
            model: day.model.clone(),
            run: day.run.clone(),
            date: day.date,
            starting_value: day.values.starting_portfolio_value,
            ending_value: day.values.ending_portfolio_value,
        }
    }
}

/// Every (model, run) of `rows` (ordered by model, run, then date) as a series of ending
/// values from the first day's starting value.
pub fn run_series(rows: impl IntoIterator<Item = ValueRow>) -> Vec<RunSeries> {
    let mut out: Vec<RunSeries> = Vec::new();
    for row in rows {
        let value = DailyValue {
            date: row.date,
            portfolio_value: row.ending_value,
        };
        match out.last_mut() {
            Some(s) if s.model == row.model && s.run == row.run => s.daily_values.push(value),
            _ => out.push(RunSeries {
                model: row.model,
                run: row.run,
                starting_value: row.starting_value,
                daily_values: vec![value],
            }),
        }
    }
    out
}

/// A current day's (model, run) and cost (`None`: unknown).
pub type RunCost = ((String, String), Option<f64>);
