//! `/simulate/*`: jobs are the plan. Trigger and preview call the same core planner with the same
//! context; trigger does it inside the store's write transaction and stores the plan as the job.

use std::sync::Arc;

use ai_trader_core::cost::CostTotal;

use ai_trader_core::api::{
    CancelResponse, JobStatusResponse, JobsQuery, JobsResponse, Page, PlanContextQuery,
    StatusQuery, TriggerRequest, TriggerResponse, trigger_message,
};
use ai_trader_core::{Date, JobStatus, Plan, PlanContext, plan};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::cache::respond;
use super::{AppError, AppJson, AppQuery};
use crate::app::AppState;
use crate::cache::Tagged;
use crate::store::JobRecord;

pub(super) async fn trigger(
    State(state): State<Arc<AppState>>,
    AppJson(request): AppJson<TriggerRequest>,
) -> Result<Json<TriggerResponse>, AppError> {
    let (job_id, planned) = state.create_job(request).await??;
    // Without a worker here, a worker process picks the job up from the database.
    if state.runs_jobs {
        state.worker.spawn(job_id.clone());
    }
    Ok(Json(TriggerResponse {
        job_id,
        status: JobStatus::Pending,
        total_model_days: planned.totals.total_model_days,
        message: trigger_message(&planned),
        warnings: planned.warnings,
        deployment: state.deployment(),
    }))
}

pub(super) async fn preview(
    State(state): State<Arc<AppState>>,
    AppJson(request): AppJson<TriggerRequest>,
) -> Result<Json<Plan>, AppError> {
    let snapshot = state.db.planning_state().await?;
    Ok(Json(plan(&request, &state.plan_context(snapshot, None))?))
}

fn query_date(field: &str, value: Option<&str>) -> Result<Option<Date>, AppError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => Date::parse(text)
            .map(Some)
            .map_err(|e| AppError::BadRequest(format!("{e} (field {field})"))),
    }
}

pub(super) async fn plan_context(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<PlanContextQuery>,
) -> Result<Json<PlanContext>, AppError> {
    let end =
        query_date("end_date", query.end_date.as_deref())?.unwrap_or_else(|| state.clock.today());
    let start = query_date("start_date", query.start_date.as_deref())?
        .unwrap_or_else(|| end.add_days(-i64::from(state.settings.max_simulation_days)));
    if start > end {
        return Err(AppError::BadRequest(format!(
            "start_date ({start}) must be <= end_date ({end})"
        )));
    }
    let mut snapshot = state.db.planning_state().await?;
    if let Some(models) = query.models.as_deref().filter(|m| !m.trim().is_empty()) {
        let wanted: Vec<&str> = models.split(',').map(str::trim).collect();
        snapshot
            .history
            .retain(|model, _| wanted.contains(&model.as_str()));
    }
    Ok(Json(state.plan_context(snapshot, Some((start, end)))))
}

fn not_found(job_id: &str) -> AppError {
    AppError::NotFound(format!("Job {job_id} not found"))
}

async fn load_job(state: &AppState, job_id: &str) -> Result<JobRecord, AppError> {
    state.db.job(job_id).await?.ok_or_else(|| not_found(job_id))
}

/// The largest page of details a status answer gives.
const MAX_DETAILS_PAGE: u32 = 1000;

pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    Path(job_id): Path<String>,
    AppQuery(query): AppQuery<StatusQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let page = match (query.details_limit, query.details_offset) {
        (None, None) => None,
        (limit, offset) => {
            let limit = limit.unwrap_or(MAX_DETAILS_PAGE);
            if limit == 0 || limit > MAX_DETAILS_PAGE {
                return Err(AppError::BadRequest(format!(
                    "details_limit must be between 1 and {MAX_DETAILS_PAGE} (got {limit})"
                )));
            }
            Some((offset.unwrap_or(0), limit))
        }
    };
    if page.is_none()
        && let Some(cached) = state.finished_jobs.get(&job_id, ())
    {
        return Ok(respond(&cached, &headers));
    }
    let job = load_job(&state, &job_id).await?;
    let details = match page {
        None => state.db.details(&job_id).await?,
        Some((offset, limit)) => state.db.details_page(&job_id, offset, limit).await?,
    };
    let finished = job.status.is_terminal();
    let costs = {
        let job_id = job_id.clone();
        state.db.call(move |s| s.day_costs(&job_id)).await?
    };
    let (cost_by_model, cost) = CostTotal::by_key(costs);
    let response = JobStatusResponse {
        details_page: page
            .map(|(offset, limit)| Page::new(job.progress.total_model_days, offset, limit)),
        job_id: job.job_id,
        status: job.status,
        progress: job.progress,
        date_range: job.date_range,
        models: job.models,
        runs: job.runs,
        note: job.note,
        created_at: job.created_at,
        started_at: job.started_at,
        completed_at: job.completed_at,
        total_duration_seconds: job.total_duration_seconds,
        error: job.error,
        details,
        warnings: Some(job.warnings),
        token_usage: job.token_usage,
        cost,
        cost_by_model,
        forecast: job.forecast,
        deployment: state.deployment(),
    };
    if !finished || page.is_some() {
        return Ok(Json(response).into_response());
    }
    // A finished job never changes: tag it, keep it, and let clients revalidate for free.
    let body = serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.to_string()))?;
    let tagged = Arc::new(Tagged::new(body));
    state.finished_jobs.put(job_id, (), tagged.clone());
    Ok(respond(&tagged, &headers))
}

/// Default and maximum page sizes of the job list.
const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 200;

pub(super) async fn jobs(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<JobsQuery>,
) -> Result<Json<JobsResponse>, AppError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "limit must be between 1 and {MAX_PAGE} (got {limit})"
        )));
    }
    let offset = query.offset.unwrap_or(0);
    let (jobs, total) = state.db.list_jobs(query.status, limit, offset).await?;
    Ok(Json(JobsResponse {
        jobs: jobs.into_iter().map(JobRecord::summary).collect(),
        total,
        limit,
        offset,
    }))
}

pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(job_id): Path<String>,
) -> Result<Json<CancelResponse>, AppError> {
    let outcome = state
        .db
        .cancel_job(&job_id)
        .await?
        .ok_or_else(|| not_found(&job_id))?;
    if outcome.already_terminal {
        return Err(AppError::BadRequest(format!(
            "Job {job_id} has already finished with status {}: nothing to cancel",
            outcome.status
        )));
    }
    let message = if outcome.running > 0 {
        format!(
            "Cancelling: {} pending model-days skipped; {} running model-days will finish first",
            outcome.cancelled_model_days, outcome.running
        )
    } else {
        format!(
            "Cancelled: {} pending model-days skipped",
            outcome.cancelled_model_days
        )
    };
    Ok(Json(CancelResponse {
        job_id,
        status: outcome.status,
        cancelled_model_days: outcome.cancelled_model_days,
        message,
    }))
}
