//! The planner's answer: every model-day of a job, run or skipped and why, with totals, warnings
//! and the existing days the job supersedes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::SkipReason;
use crate::forecast::Forecast;
use crate::{Date, run};

/// The cell letter of a model-day that runs.
pub const RUN_LETTER: u8 = b'R';

/// A planned job.
///
/// The grid is compact on purpose (a 100-model, ten-year plan stays a few hundred KB): `dates`
/// says what each date is, and each model's `cells` has one letter per date, `R` to run or the
/// [`SkipReason::letter`] of its skip (`W` weekend, `H` market holiday, `I` incomplete price
/// data, `C` already completed, `B` before history). [`Plan::model_days`] expands it to rows.
///
/// JSON shape:
/// ```json
/// {
///   "start_date": "2025-10-01", "end_date": "2025-10-05", "resume_mode": false,
///   "replace_existing": false, "calendar_only": false,
///   "models": ["gpt-5"],
///   "dates": [{"date": "2025-10-04", "skip_reason": "weekend", "message": "Weekend"}, …],
///   "grid": [{"model": "gpt-5", "start_date": "2025-10-01", "cells": "CRRWW", "runs": 2}],
///   "totals": {"total_model_days": 5, "run": 2, "skipped": 3, "weekend": 2, …},
///   "warnings": ["Skipped 2 dates due to weekends: ['2025-10-04', '2025-10-05']", …],
///   "superseded": [{"model": "gpt-5", "date": "2025-10-06"}],
///   "download_dates": [],
///   "forecast": {"models": [{"model": "gpt-5", "model_days": 2, …}], "total": {…}}
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Plan {
    /// The job's first date (in resume mode, the earliest model start).
    pub start_date: Date,
    /// The job's last date.
    pub end_date: Date,
    /// `start_date` was null or empty.
    pub resume_mode: bool,
    /// Completed model-days are re-run.
    pub replace_existing: bool,
    /// Planned without market data: every exchange trading day counted as tradable.
    pub calendar_only: bool,
    /// The job's models, in request (or configuration) order.
    pub models: Vec<String>,
    /// The runs of each model the job creates or continues.
    #[serde(default = "run::main_only")]
    pub runs: Vec<String>,
    /// The note the request gave its runs.
    #[serde(default)]
    pub note: Option<String>,
    /// Every calendar date of the job, ascending.
    pub dates: Vec<PlannedDate>,
    /// One row per (model, run), in `models` order and then `runs` order.
    pub grid: Vec<ModelRow>,
    /// Counts per outcome.
    pub totals: PlanTotals,
    /// The warnings the job stores at creation.
    pub warnings: Vec<String>,
    /// Existing completed days that stop being current when this job runs.
    pub superseded: Vec<ModelDate>,
    /// Trading days whose missing prices the server downloads before running (only with
    /// `download_missing`).
    pub download_dates: Vec<Date>,
    /// What the model-days that run are expected to use and cost, and the budgets.
    #[serde(default)]
    pub forecast: Forecast,
}

/// One date of a plan. A date-level skip applies to every model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlannedDate {
    /// The date.
    pub date: Date,
    /// `weekend`, `market_holiday` or `incomplete_price_data`; `null` when tradable.
    pub skip_reason: Option<SkipReason>,
    /// The human reason, e.g. `Market holiday: Independence Day`; `null` when tradable.
    pub message: Option<String>,
}

/// One (model, run)'s row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelRow {
    /// The model's signature.
    pub model: String,
    /// The run.
    #[serde(default = "run::main_run")]
    pub run: String,
    /// The run's latest completed day before this job; `null` for a new run (it starts from
    /// the initial cash).
    pub last_completed: Option<Date>,
    /// Where this run starts: in resume mode the day after its latest completed day.
    pub start_date: Date,
    /// One letter per date of the plan.
    pub cells: String,
    /// How many model-days run.
    pub runs: u32,
}

/// Counts per outcome. `run + skipped == total_model_days`, and the reasons add up to `skipped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlanTotals {
    /// Dates × models.
    pub total_model_days: u32,
    /// Model-days that run.
    pub run: u32,
    /// Model-days skipped.
    pub skipped: u32,
    /// Skipped: weekend.
    pub weekend: u32,
    /// Skipped: market holiday.
    pub market_holiday: u32,
    /// Skipped: incomplete price data.
    pub incomplete_price_data: u32,
    /// Skipped: already completed.
    pub already_completed: u32,
    /// Skipped: before history.
    pub before_history: u32,
}

impl PlanTotals {
    /// The count of one reason.
    pub fn of(&self, reason: SkipReason) -> u32 {
        match reason {
            SkipReason::Weekend => self.weekend,
            SkipReason::MarketHoliday => self.market_holiday,
            SkipReason::IncompletePriceData => self.incomplete_price_data,
            SkipReason::AlreadyCompleted => self.already_completed,
            SkipReason::BeforeHistory => self.before_history,
            SkipReason::Cancelled | SkipReason::BudgetExhausted => 0,
        }
    }

    pub(super) fn count(&mut self, reason: SkipReason) {
        self.skipped += 1;
        match reason {
            SkipReason::Weekend => self.weekend += 1,
            SkipReason::MarketHoliday => self.market_holiday += 1,
            SkipReason::IncompletePriceData => self.incomplete_price_data += 1,
            SkipReason::AlreadyCompleted => self.already_completed += 1,
            SkipReason::BeforeHistory => self.before_history += 1,
            SkipReason::Cancelled | SkipReason::BudgetExhausted => {}
        }
    }
}

/// A (model, run, date) triple.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelDate {
    /// The model's signature.
    pub model: String,
    /// The run.
    #[serde(default = "run::main_run")]
    pub run: String,
    /// The date.
    pub date: Date,
}

/// One row of a job's details as the plan creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlannedModelDay<'a> {
    /// The date.
    pub date: Date,
    /// The model's signature.
    pub model: &'a str,
    /// The run.
    pub run: &'a str,
    /// `null` when the model-day runs.
    pub skip_reason: Option<SkipReason>,
    /// The text stored in `job_details.error` for a skip.
    pub message: Option<Cow<'a, str>>,
}

impl PlannedModelDay<'_> {
    /// The model-day runs.
    pub fn runs(&self) -> bool {
        self.skip_reason.is_none()
    }
}

impl Plan {
    /// Every model-day, ordered by date, then model signature, then run in plan order: the
    /// order of a job's details.
    pub fn model_days(&self) -> impl Iterator<Item = PlannedModelDay<'_>> + '_ {
        model_days(&self.dates, &self.grid)
    }

    /// The grid's rows in detail order on a date: by model signature, then run in plan order.
    pub(crate) fn detail_order(&self) -> Vec<usize> {
        detail_order(&self.grid)
    }

    /// The model-days that run, in detail order.
    pub fn runs(&self) -> impl Iterator<Item = PlannedModelDay<'_>> + '_ {
        self.model_days().filter(PlannedModelDay::runs)
    }
}

/// The model-days of a plan's `dates` and `grid` (see [`Plan::model_days`]); for a reader that
/// holds only those two (the browser's package expands a plan without decoding the rest).
pub fn model_days<'a>(
    dates: &'a [PlannedDate],
    grid: &'a [ModelRow],
) -> impl Iterator<Item = PlannedModelDay<'a>> + 'a {
    let order = detail_order(grid);
    let width = order.len();
    (0..dates.len() * width).map(move |k| {
        let (i, j) = (k / width, k % width);
        cell(&grid[order[j]], i, &dates[i])
    })
}

fn detail_order(grid: &[ModelRow]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..grid.len()).collect();
    // Stable: a model's runs keep their order (`exp-2` before `exp-10`).
    order.sort_by(|a, b| grid[*a].model.cmp(&grid[*b].model));
    order
}

/// The model-day of a grid row on date index `i`.
fn cell<'a>(row: &'a ModelRow, i: usize, planned: &'a PlannedDate) -> PlannedModelDay<'a> {
    let letter = row.cells.as_bytes().get(i).copied().unwrap_or(RUN_LETTER);
    let skip_reason = SkipReason::from_letter(letter);
    let message = skip_reason.map(|reason| match (&planned.message, reason.is_date_level()) {
        (Some(text), true) => Cow::Borrowed(text.as_str()),
        _ => Cow::Borrowed(reason.message()),
    });
    PlannedModelDay {
        date: planned.date,
        model: &row.model,
        run: &row.run,
        skip_reason,
        message,
    }
}
