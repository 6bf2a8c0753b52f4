//! Jobs: creation from a plan, reads with progress, status changes (checked by the core state
//! machine against the row's actual status), cancellation and restart recovery.

use std::collections::BTreeMap;

use super::details::{self, Move, Scope, move_details};
use super::{Conn, Row, StoreError, args, date, json, to_json};
use crate::store::{CancelOutcome, JobRecord, NewJob, PlanningState};
use ai_trader_core::api::TokenUsage;
use ai_trader_core::forecast::{Budget, DaySample, Forecast, UsageStats};
use ai_trader_core::job::final_status;
use ai_trader_core::planner::{ActiveJob, ModelHistory};
use ai_trader_core::{Date, DetailStatus, JobStatus, Plan, SkipReason};

fn job_status(text: &str) -> Result<JobStatus, StoreError> {
    JobStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("job status {text}")))
}

/// The statuses that hold a job's models, as an SQL list of their wire names.
fn active_statuses() -> String {
    JobStatus::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The active jobs with the models and runs they hold, oldest first.
fn active_jobs(c: &mut dyn Conn) -> Result<Vec<ActiveJob>, StoreError> {
    let sql = format!(
        "SELECT job_id, status, models, runs FROM jobs WHERE status IN ({}) ORDER BY created_at",
        active_statuses()
    );
    c.query(&sql, &[])?
        .iter()
        .map(|r| {
            Ok(ActiveJob {
                job_id: r.get(0)?,
                status: job_status(&r.get::<String>(1)?)?,
                models: json("jobs.models", &r.get::<String>(2)?)?,
                runs: json("jobs.runs", &r.get::<String>(3)?)?,
            })
        })
        .collect()
}

/// Ids of the active jobs, oldest first.
pub(super) fn active_ids(c: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT job_id FROM jobs WHERE status IN ({}) ORDER BY created_at",
        active_statuses()
    );
    c.query(&sql, &[])?.iter().map(|r| r.get(0)).collect()
}

/// Serialises job creation over every process on the database, so that the planner's check
/// (a model in at most one active job) and the insert act as one: two triggers can never
/// both take the same model.
pub(super) fn guard_creation(c: &mut dyn Conn) -> Result<(), StoreError> {
    // SQLite's write transaction already excludes every other writer.
    if c.dialect() == super::Dialect::Postgres {
        c.query("SELECT pg_advisory_xact_lock(7100100)", &[])?;
    }
    Ok(())
}

pub(super) fn planning_state(c: &mut dyn Conn) -> Result<PlanningState, StoreError> {
    let mut history: BTreeMap<String, ModelHistory> = BTreeMap::new();
    let mut samples: BTreeMap<String, Vec<DaySample>> = BTreeMap::new();
    let rows = c.query(
        "SELECT model, run, date, prompt_tokens, completion_tokens, session_duration_seconds
         FROM trading_days WHERE superseded_by IS NULL ORDER BY model, run, date",
        &[],
    )?;
    for row in rows {
        let (model, run, day): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        history
            .entry(model.clone())
            .or_default()
            .push(&run, date(&day)?);
        samples.entry(model).or_default().push(DaySample {
            prompt_tokens: row.get::<i64>(3)?.max(0) as u64,
            completion_tokens: row.get::<i64>(4)?.max(0) as u64,
            duration_seconds: row.get(5)?,
        });
    }
    for (model, days) in samples {
        history.entry(model).or_default().usage = UsageStats::of(days);
    }
    Ok(PlanningState {
        history,
        active_jobs: active_jobs(c)?,
    })
}

/// What a job row holds besides its id and request.
pub(super) struct JobRow<'a> {
    pub dates: Vec<Date>,
    pub models: &'a [String],
    pub runs: &'a [String],
    pub note: Option<&'a str>,
    pub replace_existing: bool,
    pub warnings: &'a [String],
    pub download_dates: &'a [Date],
    /// The plan's forecast (none for imported history).
    pub forecast: Option<&'a Forecast>,
}

/// Inserts a job row in `pending`, and registers each (model, run) it holds (a note given
/// replaces the run's note).
pub(super) fn insert_row(
    c: &mut dyn Conn,
    job: &NewJob,
    row: &JobRow<'_>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO jobs (job_id, status, date_range, models, request, replace_existing, created_at,
             updated_at, warnings, download_dates, runs, note, forecast, budget)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        args![
            &job.job_id,
            JobStatus::Pending.as_str(),
            to_json(&row.dates),
            to_json(row.models),
            &job.request_json,
            row.replace_existing,
            &job.created_at,
            to_json(row.warnings),
            to_json(row.download_dates),
            to_json(row.runs),
            row.note,
            row.forecast.map(to_json),
            row.forecast.and_then(Budget::of).map(|b| to_json(&b)),
        ],
    )?;
    for model in row.models {
        for run in row.runs {
            super::runs::register(c, model, run, row.note, &job.created_at)?;
        }
    }
    Ok(())
}

/// Stores a plan as a job: its row, and a detail per model-day (pending, or skipped with the
/// plan's reason).
pub(super) fn insert_job(c: &mut dyn Conn, job: &NewJob, plan: &Plan) -> Result<(), StoreError> {
    let row = JobRow {
        dates: plan.dates.iter().map(|d| d.date).collect(),
        models: &plan.models,
        runs: &plan.runs,
        note: plan.note.as_deref(),
        replace_existing: plan.replace_existing,
        warnings: &plan.warnings,
        download_dates: &plan.download_dates,
        forecast: Some(&plan.forecast),
    };
    insert_row(c, job, &row)?;
    let rows = plan.model_days().map(|day| {
        let status = if day.runs() {
            DetailStatus::Pending
        } else {
            DetailStatus::Skipped
        };
        let message = day.message.map(String::from);
        (
            day.date,
            (day.model.to_owned(), day.run.to_owned()),
            status,
            day.skip_reason,
            message,
        )
    });
    details::insert(c, &job.job_id, rows, None)
}

fn token_usage(c: &mut dyn Conn, job_id: &str) -> Result<TokenUsage, StoreError> {
    let row = c.query_one(
        "SELECT CAST(COALESCE(SUM(prompt_tokens), 0) AS BIGINT),
             CAST(COALESCE(SUM(completion_tokens), 0) AS BIGINT),
             CAST(COALESCE(MAX(tokens_estimated), 0) AS BIGINT)
         FROM trading_days WHERE job_id = ?1",
        args![job_id],
    )?;
    let (prompt, completion): (u64, u64) = (row.get(0)?, row.get(1)?);
    Ok(TokenUsage {
        estimated: row.get::<i64>(2)? != 0,
        ..TokenUsage::of(prompt, completion)
    })
}

const JOB_COLUMNS: &str =
    "job_id, status, date_range, models, replace_existing, created_at, started_at, completed_at,
     total_duration_seconds, error, warnings, cancel_requested, download_dates, runs, note,
     forecast";

fn job_from_row(c: &mut dyn Conn, r: &Row) -> Result<JobRecord, StoreError> {
    let job_id: String = r.get(0)?;
    let warnings: Option<String> = r.get(10)?;
    Ok(JobRecord {
        status: job_status(&r.get::<String>(1)?)?,
        date_range: json("jobs.date_range", &r.get::<String>(2)?)?,
        models: json("jobs.models", &r.get::<String>(3)?)?,
        replace_existing: r.get(4)?,
        created_at: r.get(5)?,
        started_at: r.get(6)?,
        completed_at: r.get(7)?,
        total_duration_seconds: r.get(8)?,
        error: r.get(9)?,
        warnings: warnings
            .map(|w| json("jobs.warnings", &w))
            .transpose()?
            .unwrap_or_default(),
        cancel_requested: r.get(11)?,
        download_dates: json("jobs.download_dates", &r.get::<String>(12)?)?,
        runs: json("jobs.runs", &r.get::<String>(13)?)?,
        note: r.get(14)?,
        forecast: r
            .get::<Option<String>>(15)?
            .map(|f| json("jobs.forecast", &f))
            .transpose()?,
        progress: details::progress(c, &job_id)?,
        token_usage: token_usage(c, &job_id)?,
        job_id,
    })
}

pub(super) fn job(c: &mut dyn Conn, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE job_id = ?1");
    match c.query_opt(&sql, args![job_id])? {
        Some(row) => Ok(Some(job_from_row(c, &row)?)),
        None => Ok(None),
    }
}

pub(super) fn list(
    c: &mut dyn Conn,
    status: Option<JobStatus>,
    limit: u32,
    offset: u32,
) -> Result<(Vec<JobRecord>, u32), StoreError> {
    let filter = status.map(JobStatus::as_str);
    let total: u32 = c
        .query_one(
            "SELECT COUNT(*) FROM jobs WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1",
            args![filter],
        )?
        .get(0)?;
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1
         ORDER BY created_at DESC, {} DESC LIMIT ?2 OFFSET ?3",
        c.dialect().insertion_order()
    );
    let rows = c.query(&sql, args![filter, limit, offset])?;
    let mut jobs = Vec::with_capacity(rows.len());
    for row in &rows {
        jobs.push(job_from_row(c, row)?);
    }
    Ok((jobs, total))
}

/// A job's status, its row locked for the rest of the transaction where the database locks
/// rows: every change of a job's status is decided on the status it really has.
fn current_status(c: &mut dyn Conn, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
    let sql = format!(
        "SELECT status FROM jobs WHERE job_id = ?1{}",
        c.dialect().for_update()
    );
    let row = c.query_opt(&sql, args![job_id])?;
    row.map(|r| job_status(&r.get::<String>(0)?)).transpose()
}

/// Locks a job's row for the rest of the transaction (where rows are locked) and returns its
/// status. Every transaction that locks rows takes the job's first, then its details', so two
/// never wait for each other.
pub(super) fn lock(c: &mut dyn Conn, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
    current_status(c, job_id)
}

fn existing_status(c: &mut dyn Conn, job_id: &str) -> Result<JobStatus, StoreError> {
    current_status(c, job_id)?.ok_or_else(|| StoreError::Missing(format!("job {job_id}")))
}

/// Moves a job from its actual status to `to` through the state machine, with its timestamps:
/// leaving `pending` starts the clock, a terminal status stops it.
pub(super) fn set_status(
    c: &mut dyn Conn,
    job_id: &str,
    to: JobStatus,
    error: Option<&str>,
    now: &str,
) -> Result<JobStatus, StoreError> {
    let status = existing_status(c, job_id)?.transition(to)?;
    if status.is_terminal() {
        let duration = c.dialect().seconds_between("started_at", "?3");
        c.execute(
            &format!(
                "UPDATE jobs SET status = ?2, completed_at = ?3, updated_at = ?3,
                     total_duration_seconds = {duration},
                     error = COALESCE(?4, error)
                 WHERE job_id = ?1"
            ),
            args![job_id, status.as_str(), now, error],
        )?;
    } else {
        c.execute(
            "UPDATE jobs SET status = ?2, updated_at = ?3,
                 started_at = CASE WHEN ?5 = 1 THEN started_at ELSE COALESCE(started_at, ?3) END,
                 error = ?4
             WHERE job_id = ?1",
            args![
                job_id,
                status.as_str(),
                now,
                error,
                status == JobStatus::Pending
            ],
        )?;
    }
    Ok(status)
}

pub(super) fn finish_if_done(
    c: &mut dyn Conn,
    job_id: &str,
    now: &str,
) -> Result<Option<JobStatus>, StoreError> {
    let current = existing_status(c, job_id)?;
    if current.is_terminal() {
        return Ok(Some(current));
    }
    let cancel_requested: bool = c
        .query_one(
            "SELECT cancel_requested FROM jobs WHERE job_id = ?1",
            args![job_id],
        )?
        .get(0)?;
    let Some(status) = final_status(&details::progress(c, job_id)?, cancel_requested) else {
        return Ok(None);
    };
    set_status(c, job_id, status, None, now).map(Some)
}

pub(super) fn cancel(
    c: &mut dyn Conn,
    job_id: &str,
    now: &str,
) -> Result<Option<CancelOutcome>, StoreError> {
    let Some(status) = current_status(c, job_id)? else {
        return Ok(None);
    };
    if status.is_terminal() {
        return Ok(Some(CancelOutcome {
            status,
            cancelled_model_days: 0,
            running: 0,
            already_terminal: true,
        }));
    }
    c.execute(
        "UPDATE jobs SET cancel_requested = 1 WHERE job_id = ?1",
        args![job_id],
    )?;
    let skip = Move::skip(SkipReason::Cancelled, SkipReason::Cancelled.message());
    let cancelled = move_details(c, job_id, Scope::Job, &[DetailStatus::Pending], skip, now)?;
    let running = details::progress(c, job_id)?.running;
    let status = finish_if_done(c, job_id, now)?.unwrap_or(status);
    Ok(Some(CancelOutcome {
        status,
        cancelled_model_days: cancelled,
        running,
        already_terminal: false,
    }))
}

/// The reference's end of a job a restart interrupted.
const RESTARTED: &str = "Container restarted before completion";

pub(super) fn recover(
    c: &mut dyn Conn,
    resume: bool,
    now: &str,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = active_ids(c)?;
    for job_id in &ids {
        let old = existing_status(c, job_id)?;
        if resume {
            // Interrupted model-days never committed (commits are atomic): they are given
            // back, to be claimed and run again at once.
            super::claims::release_stopped(c, job_id, now)?;
            if old != JobStatus::Pending {
                set_status(c, job_id, JobStatus::Pending, None, now)?;
            }
            continue;
        }
        let p = details::progress(c, job_id)?;
        let (to, message) = if p.completed > 0 {
            (
                JobStatus::Partial,
                format!(
                    "Job interrupted by container restart (was {old}, {}/{} model-days completed)",
                    p.completed, p.total_model_days
                ),
            )
        } else {
            (
                JobStatus::Failed,
                format!("Job interrupted by container restart (was {old}, no progress made)"),
            )
        };
        let unfinished = [DetailStatus::Pending, DetailStatus::Running];
        move_details(
            c,
            job_id,
            Scope::Job,
            &unfinished,
            Move::fail(RESTARTED),
            now,
        )?;
        set_status(c, job_id, to, Some(&message), now)?;
    }
    Ok(if resume { ids } else { Vec::new() })
}

pub(super) fn append_warnings(
    c: &mut dyn Conn,
    job_id: &str,
    warnings: &[String],
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT warnings FROM jobs WHERE job_id = ?1{}",
        c.dialect().for_update()
    );
    let stored: Option<String> = c.query_one(&sql, args![job_id])?.get(0)?;
    let mut all: Vec<String> = stored
        .map(|w| json("jobs.warnings", &w))
        .transpose()?
        .unwrap_or_default();
    all.extend(warnings.iter().cloned());
    c.execute(
        "UPDATE jobs SET warnings = ?2 WHERE job_id = ?1",
        args![job_id, to_json(&all)],
    )?;
    Ok(())
}

pub(super) fn skip_pending_on(
    c: &mut dyn Conn,
    job_id: &str,
    day: Date,
    message: &str,
    now: &str,
) -> Result<u32, StoreError> {
    let skip = Move::skip(SkipReason::IncompletePriceData, message);
    move_details(
        c,
        job_id,
        Scope::Date(day),
        &[DetailStatus::Pending],
        skip,
        now,
    )
}
