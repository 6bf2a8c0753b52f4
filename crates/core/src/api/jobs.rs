//! `/simulate/*`: trigger, status, list, cancel, plan context.

use serde::{Deserialize, Serialize};

use crate::cost::CostTotal;

use super::{DeploymentInfo, Timestamp, TokenUsage};
use crate::{Date, DetailStatus, JobStatus, Plan, PlanRequest, Progress, SkipReason};

/// The body of `POST /simulate/trigger` (and `POST /simulate/preview`).
pub type TriggerRequest = PlanRequest;

/// The answer of `POST /simulate/trigger`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TriggerResponse {
    /// The new job's UUID.
    pub job_id: String,
    /// Always `pending`.
    pub status: JobStatus,
    /// Dates × models: the number of details the job has.
    pub total_model_days: u32,
    /// e.g. `Simulation job created for 5 dates, 1 models`.
    pub message: String,
    /// The plan's warnings, as stored on the job.
    pub warnings: Vec<String>,
    /// Deployment fields.
    #[serde(flatten)]
    pub deployment: DeploymentInfo,
}

/// The trigger message of the reference: `Simulation job created for {n} dates, {m} models`, plus
/// ` (resume mode)`.
pub fn trigger_message(plan: &Plan) -> String {
    let mut message = format!(
        "Simulation job created for {} dates, {} models",
        plan.dates.len(),
        plan.models.len()
    );
    if plan.resume_mode {
        message.push_str(" (resume mode)");
    }
    message
}

/// One model-day of a job, as `GET /simulate/status/{job_id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct JobDetail {
    /// The trading date.
    pub date: Date,
    /// The model's signature.
    pub model: String,
    /// The run (omitted when `main`).
    #[serde(
        default = "crate::run::main_run",
        skip_serializing_if = "crate::run::omit"
    )]
    pub run: String,
    /// Its status.
    pub status: DetailStatus,
    /// Failure text, or the skip message.
    pub error: Option<String>,
    /// The skip's machine code; `null` unless skipped.
    pub skip_reason: Option<SkipReason>,
    /// When it started running.
    pub started_at: Option<Timestamp>,
    /// When it ended.
    pub completed_at: Option<Timestamp>,
    /// Its run time.
    pub duration_seconds: Option<f64>,
    /// The tokens of its committed day (omitted until committed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_usage: Option<TokenUsage>,
    /// The cost of its committed day, USD (omitted until committed, and when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
}

/// The answer of `GET /simulate/status/{job_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct JobStatusResponse {
    /// The job's id.
    pub job_id: String,
    /// Its status.
    pub status: JobStatus,
    /// Counts per detail status.
    pub progress: Progress,
    /// Every calendar date of the job.
    pub date_range: Vec<Date>,
    /// Its models.
    pub models: Vec<String>,
    /// The runs of its models (omitted when only `main`).
    #[serde(
        default = "crate::run::main_only",
        skip_serializing_if = "crate::run::is_main_only"
    )]
    pub runs: Vec<String>,
    /// The note the job gave its runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// When it started running.
    pub started_at: Option<Timestamp>,
    /// When it ended.
    pub completed_at: Option<Timestamp>,
    /// Its run time.
    pub total_duration_seconds: Option<f64>,
    /// Why the job failed, if it did.
    pub error: Option<String>,
    /// Every model-day, ordered by date then model (one page of them with `details_limit`).
    pub details: Vec<JobDetail>,
    /// Warnings stored at creation.
    pub warnings: Option<Vec<String>>,
    /// LLM tokens used by the job's model-days so far.
    pub token_usage: TokenUsage,
    /// What its committed model-days cost so far.
    #[serde(default)]
    pub cost: CostTotal,
    /// The same per model.
    #[serde(default)]
    pub cost_by_model: std::collections::BTreeMap<String, CostTotal>,
    /// What its plan forecast, with its budgets: spent against forecast while it runs
    /// (omitted for jobs older than forecasts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<crate::forecast::Forecast>,
    /// With `details_limit`: where this page of details sits. Absent otherwise, so the default
    /// answer stays the reference's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details_page: Option<Page>,
    /// Deployment fields.
    #[serde(flatten)]
    pub deployment: DeploymentInfo,
}

/// Query of `GET /simulate/status/{job_id}`: details are paginated only when asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StatusQuery {
    /// At most this many details (1 to 1000); all of them when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(range(min = 1, max = 1000)))]
    pub details_limit: Option<u32>,
    /// Details to skip (with `details_limit`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(range(max = 4_294_967_295u32)))]
    pub details_offset: Option<u32>,
}

/// A page of a longer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Page {
    /// Items in the whole list.
    pub total: u32,
    /// Items skipped before this page.
    pub offset: u32,
    /// The page size asked for.
    pub limit: u32,
    /// The `offset` of the next page; `null` on the last.
    pub next_offset: Option<u32>,
}

impl Page {
    /// The page of `total` items starting at `offset` with at most `limit` items.
    pub fn new(total: u32, offset: u32, limit: u32) -> Self {
        let end = offset.saturating_add(limit);
        Self {
            total,
            offset,
            limit,
            next_offset: (end < total).then_some(end),
        }
    }
}

/// Query of `GET /simulate/jobs`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct JobsQuery {
    /// Page size (default 20, at most 200).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(range(min = 1, max = 200)))]
    pub limit: Option<u32>,
    /// Jobs to skip.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(range(max = 4_294_967_295u32)))]
    pub offset: Option<u32>,
    /// Only jobs in this status.
    #[serde(default)]
    pub status: Option<JobStatus>,
}

/// A job in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct JobSummary {
    /// Its id.
    pub job_id: String,
    /// Its status.
    pub status: JobStatus,
    /// Its models.
    pub models: Vec<String>,
    /// The runs of its models (omitted when only `main`).
    #[serde(
        default = "crate::run::main_only",
        skip_serializing_if = "crate::run::is_main_only"
    )]
    pub runs: Vec<String>,
    /// First date.
    pub start_date: Date,
    /// Last date.
    pub end_date: Date,
    /// Counts per detail status.
    pub progress: Progress,
    /// Creation time.
    pub created_at: Timestamp,
    /// When it started running.
    pub started_at: Option<Timestamp>,
    /// When it ended.
    pub completed_at: Option<Timestamp>,
    /// Its run time.
    pub total_duration_seconds: Option<f64>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The answer of `GET /simulate/jobs`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct JobsResponse {
    /// This page.
    pub jobs: Vec<JobSummary>,
    /// Jobs matching the filter, over all pages.
    pub total: u32,
    /// The page size used.
    pub limit: u32,
    /// The offset used.
    pub offset: u32,
}

/// The answer of `POST /simulate/cancel/{job_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CancelResponse {
    /// The job's id.
    pub job_id: String,
    /// Its status after the request (`cancelled` once running model-days finish).
    pub status: JobStatus,
    /// Pending model-days marked skipped `cancelled`.
    pub cancelled_model_days: u32,
    /// What happened.
    pub message: String,
}

/// Query of `GET /simulate/plan-context`: the window and models a UI is planning.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlanContextQuery {
    /// Window start (default: `end_date` − `MAX_SIMULATION_DAYS`).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schemars(regex(pattern = r"^(\d{4}-\d{2}-\d{2})?$"))
    )]
    pub start_date: Option<String>,
    /// Window end (default: today).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schemars(regex(pattern = r"^(\d{4}-\d{2}-\d{2})?$"))
    )]
    pub end_date: Option<String>,
    /// Comma-separated signatures (default: every configured model).
    #[serde(default)]
    pub models: Option<String>,
}
