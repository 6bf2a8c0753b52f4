//! `GET /runs` and `GET /results/compare`: a model's independent runs, and models compared over
//! their runs with confidence intervals.

use serde::{Deserialize, Serialize};

use super::common::Timestamp;
use super::results::BaselineResult;
use crate::Date;
use crate::comparison::{ModelComparison, RunSeries};
use crate::cost::CostTotal;
use crate::metrics::total_return_pct;

/// One run of a model, as `GET /runs` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RunInfo {
    /// The model.
    pub model: String,
    /// The run's name.
    pub run: String,
    /// Its note.
    pub note: Option<String>,
    /// When a job first held it.
    pub created_at: Timestamp,
    /// Its first current day; `null` before any.
    pub first_date: Option<Date>,
    /// Its last current day.
    pub last_date: Option<Date>,
    /// Its current days.
    pub days: u32,
    /// Its value at the last of them.
    pub final_value: Option<f64>,
    /// Return from its first day's starting value to the final value, percent.
    pub return_pct: Option<f64>,
    /// The jobs that hold it, oldest first.
    pub job_ids: Vec<String>,
    /// What its current days cost.
    pub cost: CostTotal,
}

impl RunInfo {
    /// A run's figures from its current days (`series.daily_values`, ascending) and their
    /// `cost`.
    pub fn new(
        series: &RunSeries,
        (note, created_at): (Option<String>, Timestamp),
        job_ids: Vec<String>,
        cost: CostTotal,
    ) -> Self {
        let last = series.daily_values.last();
        Self {
            model: series.model.clone(),
            run: series.run.clone(),
            note,
            created_at,
            first_date: series.daily_values.first().map(|d| d.date),
            last_date: last.map(|d| d.date),
            days: series.daily_values.len() as u32,
            final_value: last.map(|d| d.portfolio_value),
            return_pct: last.map(|d| total_return_pct(series.starting_value, d.portfolio_value)),
            job_ids,
            cost,
        }
    }
}

/// The answer of `GET /runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RunsResponse {
    /// Every run, by model then creation.
    pub runs: Vec<RunInfo>,
    /// How many.
    pub count: u32,
}

/// Query of `GET /runs`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RunsQuery {
    /// Only this model's runs.
    #[serde(default)]
    pub model: Option<String>,
    /// `csv` for a CSV file (also `Accept: text/csv`).
    #[serde(default)]
    pub format: Option<String>,
}

/// Query of `GET /results/compare`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CompareQuery {
    /// First date (strict `YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub start_date: Option<String>,
    /// Last date.
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub end_date: Option<String>,
    /// Comma-separated models; every model with days in the range when absent.
    #[serde(default)]
    pub models: Option<String>,
    /// Only this run and its repeats (`exp` takes `exp`, `exp-1`, `exp-2`…); every run when
    /// absent.
    #[serde(default)]
    pub run: Option<String>,
    /// `csv` for a CSV file (also `Accept: text/csv`).
    #[serde(default)]
    pub format: Option<String>,
}

/// The answer of `GET /results/compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CompareResponse {
    /// First date compared.
    pub start_date: Date,
    /// Last date compared.
    pub end_date: Date,
    /// The confidence of every interval (0.95).
    pub confidence: f64,
    /// How the intervals are computed.
    pub method: String,
    /// Each model over its runs.
    pub models: Vec<ModelComparison>,
    /// Buy-and-hold of the benchmark over the same dates; `null` without its prices.
    pub baseline: Option<BaselineResult>,
}
