//! The rows the store reads and writes.

use std::collections::BTreeMap;

use ai_trader_core::api::{ConversationMessage, TokenUsage};
use ai_trader_core::ledger::{CarriedPrice, Fill};
use ai_trader_core::{Date, DetailStatus, JobStatus, Progress, SkipReason};

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
    /// A user asked to cancel it.
    pub cancel_requested: bool,
    /// Counts per detail status.
    pub progress: Progress,
    /// LLM tokens of its model-days.
    pub token_usage: TokenUsage,
}

/// A stored model-day of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailRecord {
    /// The date.
    pub date: Date,
    /// The model.
    pub model: String,
    /// Its status.
    pub status: DetailStatus,
    /// Why skipped.
    pub skip_reason: Option<SkipReason>,
    /// Failure or skip text.
    pub error: Option<String>,
    /// Start.
    pub started_at: Option<String>,
    /// End.
    pub completed_at: Option<String>,
    /// Run time.
    pub duration_seconds: Option<f64>,
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

/// A finished model-day, ready to commit.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletedDay {
    /// The job.
    pub job_id: String,
    /// The model.
    pub model: String,
    /// The date.
    pub date: Date,
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
    /// Holdings at the end.
    pub holdings: BTreeMap<String, u64>,
    /// Trades with their times.
    pub fills: Vec<(Fill, String)>,
    /// The conversation.
    pub messages: Vec<ConversationMessage>,
    /// The session summary.
    pub summary: String,
    /// Tokens used.
    pub usage: TokenUsage,
    /// Calendar days since the previous trading day (0 on the first).
    pub days_since_last_trading: u32,
    /// Symbols valued at an earlier close.
    pub carried_prices: Vec<CarriedPrice>,
    /// Session start.
    pub started_at: String,
    /// Session end.
    pub completed_at: String,
    /// Wall time.
    pub duration_seconds: f64,
}

/// Which trading days to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayFilter {
    /// Only this job.
    pub job_id: Option<String>,
    /// Only this model.
    pub model: Option<String>,
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
    /// The date.
    pub date: Date,
    /// Cash at the start.
    pub starting_cash: f64,
    /// Value at the start.
    pub starting_portfolio_value: f64,
    /// Profit.
    pub daily_profit: f64,
    /// Return.
    pub daily_return_pct: f64,
    /// Cash at the end.
    pub ending_cash: f64,
    /// Value at the close.
    pub ending_portfolio_value: f64,
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
}

/// A stored trade.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    /// `buy` or `sell`.
    pub side: ai_trader_core::ledger::Side,
    /// Symbol.
    pub symbol: String,
    /// Shares.
    pub quantity: u64,
    /// Fill price.
    pub price: f64,
    /// Commission.
    pub fee: f64,
    /// Cash after.
    pub cash_after: f64,
    /// Time.
    pub created_at: String,
}
