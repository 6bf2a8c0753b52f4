//! `GET /results`: day-centric results, valued at the close.

use serde::{Deserialize, Serialize};

use crate::cost::CostTotal;

use super::{ConversationMessage, Timestamp, TokenUsage};
use crate::Date;
use crate::ledger::{CarriedPrice, Side};
use crate::metrics::{DailyValue, PeriodMetrics};

/// How much reasoning a single-date result carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasoningLevel {
    /// None (default).
    #[default]
    None,
    /// The session summary.
    Summary,
    /// The whole conversation.
    Full,
}

/// Query of `GET /results`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResultsQuery {
    /// Only this job.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Only this model.
    #[serde(default)]
    pub model: Option<String>,
    /// Only this run; every run when absent.
    #[serde(default)]
    pub run: Option<String>,
    /// Range start (strict `YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub start_date: Option<String>,
    /// Range end.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub end_date: Option<String>,
    /// Removed: its presence is answered with 422 (and the API document does not offer it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(skip))]
    pub date: Option<String>,
    /// `none`, `summary` or `full`.
    #[serde(default)]
    pub reasoning: ReasoningLevel,
    /// `csv` for a CSV file of the days (also `Accept: text/csv`): one row per model-day.
    #[serde(default)]
    pub format: Option<String>,
}

/// A symbol and its shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Holding {
    /// The symbol.
    pub symbol: String,
    /// Whole shares.
    pub quantity: u64,
}

/// Holdings, cash and value at one end of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PositionSnapshot {
    /// Holdings ordered by symbol.
    pub holdings: Vec<Holding>,
    /// Cash.
    pub cash: f64,
    /// Portfolio value.
    pub portfolio_value: f64,
}

/// A day's P&L.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DailyMetrics {
    /// Ending value − previous ending value.
    pub profit: f64,
    /// Profit in percent of the previous ending value.
    pub return_pct: f64,
    /// Calendar days since the model's previous trading day (0 on its first).
    pub days_since_last_trading: u32,
}

/// An executed trade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TradeRecord {
    /// `buy` or `sell`.
    pub action_type: Side,
    /// The symbol.
    pub symbol: String,
    /// Whole shares.
    pub quantity: u64,
    /// The fill price (the day's open).
    pub price: f64,
    /// When it was executed.
    pub created_at: Timestamp,
}

impl TradeRecord {
    /// Shares × price.
    pub fn notional(&self) -> f64 {
        crate::ledger::notional(self.quantity, self.price)
    }
}

/// One trade with the model-day it belongs to (`GET /results/trades`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TradeRow {
    /// The model.
    pub model: String,
    /// The run.
    pub run: String,
    /// The job that ran the day.
    pub job_id: String,
    /// The trading day.
    pub date: Date,
    /// Its place in the day's trades, from 1.
    pub seq: u32,
    /// `buy` or `sell`.
    pub action_type: Side,
    /// The symbol.
    pub symbol: String,
    /// Whole shares.
    pub quantity: u64,
    /// The fill price (the day's open).
    pub price: f64,
    /// Commission paid.
    pub fee: f64,
    /// Cash after the trade.
    pub cash_after: f64,
    /// When it was executed.
    pub created_at: Timestamp,
}

/// The answer of `GET /results/trades`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TradesResponse {
    /// Trades by model, run, date, then order in the day.
    pub trades: Vec<TradeRow>,
    /// How many.
    pub count: u32,
}

/// Bookkeeping of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DayMetadata {
    /// Trades executed.
    pub total_actions: u32,
    /// Wall time of the session.
    pub session_duration_seconds: Option<f64>,
    /// When the day was committed.
    pub completed_at: Option<Timestamp>,
    /// Held symbols valued at an earlier close because they had none that day.
    pub carried_prices: Vec<CarriedPrice>,
    /// LLM tokens used.
    pub token_usage: TokenUsage,
    /// What its tokens cost at the prices in force when it ran, USD; `null`: unknown (a
    /// model without prices).
    #[serde(default)]
    pub cost_usd: Option<f64>,
}

/// The `reasoning` of a single-date result: `null`, the summary, or the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Reasoning {
    /// `reasoning=summary`.
    Summary(String),
    /// `reasoning=full`.
    Full(Vec<ConversationMessage>),
}

/// One model-day in a single-date query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DayResult {
    /// The date.
    pub date: Date,
    /// The model.
    pub model: String,
    /// The run (omitted when `main`).
    #[serde(
        default = "crate::run::main_run",
        skip_serializing_if = "crate::run::omit"
    )]
    pub run: String,
    /// The job that ran it.
    pub job_id: String,
    /// The previous day's ending position (all cash on a first day).
    pub starting_position: PositionSnapshot,
    /// P&L.
    pub daily_metrics: DailyMetrics,
    /// Trades in execution order.
    pub trades: Vec<TradeRecord>,
    /// The ending position, valued at the close.
    pub final_position: PositionSnapshot,
    /// Bookkeeping.
    pub metadata: DayMetadata,
    /// As asked for by `reasoning`.
    pub reasoning: Option<Reasoning>,
}

/// The buy-and-hold comparison of a range query: one for all models (see
/// [`crate::metrics::buy_and_hold`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct BaselineResult {
    /// The symbol held (QQQ by default).
    pub symbol: String,
    /// Its value on every day any model has in the range, from the configured initial cash.
    pub daily_portfolio_values: Vec<DailyValue>,
    /// How it is computed, in a sentence.
    pub convention: String,
    /// Its metrics.
    pub period_metrics: PeriodMetrics,
}

impl BaselineResult {
    /// Its return over its days, in percent and unrounded (what runs are compared against).
    pub fn return_pct(&self) -> Option<f64> {
        let last = self.daily_portfolio_values.last()?;
        Some(crate::metrics::total_return_pct(
            self.period_metrics.starting_portfolio_value,
            last.portfolio_value,
        ))
    }
}

/// One model over a date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelRangeResult {
    /// The model.
    pub model: String,
    /// The run (omitted when `main`).
    #[serde(
        default = "crate::run::main_run",
        skip_serializing_if = "crate::run::omit"
    )]
    pub run: String,
    /// Its first day in the range.
    pub start_date: Date,
    /// Its last day in the range.
    pub end_date: Date,
    /// Ending value per day.
    pub daily_portfolio_values: Vec<DailyValue>,
    /// Metrics over the range.
    pub period_metrics: PeriodMetrics,
    /// What its days in the range cost.
    #[serde(default)]
    pub cost: CostTotal,
}

/// A result item: a day (single-date query) or a model's range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ResultItem {
    /// Single-date query.
    Day(Box<DayResult>),
    /// Range query.
    Range(Box<ModelRangeResult>),
}

/// The answer of `GET /results`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ResultsResponse {
    /// Items returned.
    pub count: u32,
    /// Day or range items.
    pub results: Vec<ResultItem>,
    /// For a range: buy-and-hold of the benchmark over the range, one for every model
    /// (absent for a single day, and without benchmark prices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineResult>,
}
