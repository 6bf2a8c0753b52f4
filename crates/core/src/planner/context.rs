//! Everything the planner knows besides the request. The server builds it from its store and
//! serves it at `GET /simulate/plan-context`; the browser plans with the same value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cost::Pricing;
use crate::forecast::{TokenPrior, UsageStats};
use crate::{Date, JobStatus, MarketAvailability, run};

/// The default of `MAX_SIMULATION_DAYS`.
pub const DEFAULT_MAX_SIMULATION_DAYS: u32 = 30;

/// The planning context.
///
/// JSON shape:
/// ```json
/// {
///   "today": "2025-10-31",
///   "max_simulation_days": 30,
///   "models": [{"signature": "gpt-5", "enabled": true}],
///   "market": {"symbols": 101, "first_date": "2025-06-10", "last_date": "2025-10-30", "incomplete": []},
///   "history": {"gpt-5": {"completed": ["2025-10-01"], "runs": {"exp-1": ["2025-10-01"]},
///                          "usage": {"days": 2, "prompt_tokens": {"mean": 41000, "p90": 52000}, …}}},
///   "active_jobs": [{"job_id": "…", "status": "running", "models": ["claude"], "runs": ["main"]}],
///   "download_missing": false,
///   "max_parallel_models": 4
/// }
/// ```
/// `market: null` plans from the calendar alone (every exchange trading day counts as tradable),
/// which is what the browser does when no server is reachable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlanContext {
    /// The server's today: no job may end after it.
    pub today: Date,
    /// The longest allowed range in calendar days.
    #[serde(default = "default_max_days")]
    pub max_simulation_days: u32,
    /// The configured models.
    #[serde(default)]
    pub models: Vec<ModelInfo>,
    /// Price coverage of the universe; `null` when unknown.
    #[serde(default)]
    pub market: Option<MarketAvailability>,
    /// Each model's current completed days (across jobs), per run.
    #[serde(default)]
    pub history: BTreeMap<String, ModelHistory>,
    /// Jobs that hold their models: `pending`, `downloading_data` or `running`.
    #[serde(default)]
    pub active_jobs: Vec<ActiveJob>,
    /// The server downloads missing prices before a job runs: trading days with incomplete data
    /// are planned to run, and listed in `Plan::download_dates`.
    #[serde(default)]
    pub download_missing: bool,
    /// How many model-days of a job run at once (`MAX_PARALLEL_MODELS`); `null`: as many as
    /// it has (model, run) chains.
    #[serde(default)]
    pub max_parallel_models: Option<u32>,
}

fn default_max_days() -> u32 {
    DEFAULT_MAX_SIMULATION_DAYS
}

/// A configured model as the planner sees it. Other fields of the server's model list are ignored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelInfo {
    /// The unique signature jobs name the model by.
    pub signature: String,
    /// Used when a request names no models.
    #[serde(default)]
    pub enabled: bool,
    /// Its prices in force; `null`: unknown (its cost is unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<Pricing>,
    /// Its configured tokens per model-day, used until it has history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_tokens_per_day: Option<TokenPrior>,
    /// Its budget per job, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_usd: Option<f64>,
}

/// A model's completed trading history: its main run's and its other runs', and what its days
/// used.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelHistory {
    /// The dates of the main run's current completed days, ascending.
    #[serde(default)]
    pub completed: Vec<Date>,
    /// The other runs' current completed days, ascending, by run name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub runs: BTreeMap<String, Vec<Date>>,
    /// Its usage per model-day over its current days (all its runs), for the forecast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<UsageStats>,
}

impl ModelHistory {
    /// The completed days of one run (none for a run that has not traded).
    pub fn of_run(&self, run: &str) -> &[Date] {
        if run::is_main(run) {
            &self.completed
        } else {
            self.runs.get(run).map_or(&[], Vec::as_slice)
        }
    }

    /// Records a completed day of a run (kept in the order given).
    pub fn push(&mut self, run: &str, date: Date) {
        if run::is_main(run) {
            self.completed.push(date);
        } else {
            self.runs.entry(run.to_owned()).or_default().push(date);
        }
    }
}

/// A job that is still active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ActiveJob {
    /// Its id.
    pub job_id: String,
    /// Its status (`pending`, `downloading_data` or `running`).
    pub status: JobStatus,
    /// The models it holds.
    pub models: Vec<String>,
    /// The runs of those models it holds.
    #[serde(default = "run::main_only", skip_serializing_if = "run::is_main_only")]
    pub runs: Vec<String>,
}
