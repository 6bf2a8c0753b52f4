//! Jobs: creation from a plan, reads with progress, status changes (checked by the core state
//! machine against the row's actual status), cancellation and restart recovery.

use std::collections::BTreeMap;

use ai_trader_core::api::TokenUsage;
use ai_trader_core::job::final_status;
use ai_trader_core::planner::{ActiveJob, ModelHistory};
use ai_trader_core::{Date, DetailStatus, JobStatus, Plan, SkipReason};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::details::{self, Move, Scope, move_details};
use super::{StoreError, date, json, to_json};
use crate::store::{CancelOutcome, JobRecord, NewJob, PlanningState};

fn job_status(text: &str) -> Result<JobStatus, StoreError> {
    JobStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("job status {text}")))
}

/// The wire names of the statuses that hold a job's models.
fn active_statuses() -> Vec<&'static str> {
    JobStatus::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(JobStatus::as_str)
        .collect()
}

/// Ids and models of the active jobs, oldest first.
fn active_jobs(conn: &Connection) -> Result<Vec<(String, JobStatus, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT job_id, status, models FROM jobs WHERE status IN (SELECT value FROM json_each(?1))
         ORDER BY created_at",
    )?;
    let rows = stmt.query_map([to_json(&active_statuses())], |r| {
        Ok((r.get(0)?, r.get::<_, String>(1)?, r.get(2)?))
    })?;
    rows.map(|row| {
        let (id, status, models) = row?;
        Ok((id, job_status(&status)?, models))
    })
    .collect()
}

/// Ids of the active jobs, oldest first.
pub(super) fn active_ids(conn: &Connection) -> Result<Vec<String>, StoreError> {
    Ok(active_jobs(conn)?.into_iter().map(|(id, ..)| id).collect())
}

pub(super) fn planning_state(conn: &Connection) -> Result<PlanningState, StoreError> {
    let mut history: BTreeMap<String, ModelHistory> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT model, date FROM trading_days WHERE superseded_by IS NULL ORDER BY model, date",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (model, day) = row?;
        history
            .entry(model)
            .or_default()
            .completed
            .push(date(&day)?);
    }
    let active_jobs = active_jobs(conn)?
        .into_iter()
        .map(|(job_id, status, models)| {
            Ok(ActiveJob {
                job_id,
                status,
                models: json("jobs.models", &models)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(PlanningState {
        history,
        active_jobs,
    })
}

/// Inserts a job row in `pending`.
pub(super) fn insert_row(
    tx: &Transaction<'_>,
    job: &NewJob,
    dates: &[Date],
    models: &[String],
    replace_existing: bool,
    warnings: &[String],
    download_dates: &[Date],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO jobs (job_id, status, date_range, models, request, replace_existing, created_at,
             updated_at, warnings, download_dates)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)",
        params![
            job.job_id,
            JobStatus::Pending.as_str(),
            to_json(dates),
            to_json(models),
            job.request_json,
            replace_existing,
            job.created_at,
            to_json(warnings),
            to_json(download_dates),
        ],
    )?;
    Ok(())
}

/// Stores a plan as a job: its row, and a detail per model-day (pending, or skipped with the
/// plan's reason).
pub(super) fn insert_job(
    tx: &Transaction<'_>,
    job: &NewJob,
    plan: &Plan,
) -> Result<(), StoreError> {
    let dates: Vec<Date> = plan.dates.iter().map(|d| d.date).collect();
    insert_row(
        tx,
        job,
        &dates,
        &plan.models,
        plan.replace_existing,
        &plan.warnings,
        &plan.download_dates,
    )?;
    let rows = plan.model_days().map(|day| {
        let status = if day.runs() {
            DetailStatus::Pending
        } else {
            DetailStatus::Skipped
        };
        let message = day.message.map(String::from);
        (
            day.date,
            day.model.to_owned(),
            status,
            day.skip_reason,
            message,
        )
    });
    details::insert(tx, &job.job_id, rows, None)
}

fn token_usage(conn: &Connection, job_id: &str) -> Result<TokenUsage, StoreError> {
    let (prompt, completion): (i64, i64) = conn.query_row(
        "SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0) FROM trading_days WHERE job_id = ?1",
        [job_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (prompt, completion) = (prompt.max(0) as u64, completion.max(0) as u64);
    Ok(TokenUsage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
    })
}

const JOB_COLUMNS: &str =
    "job_id, status, date_range, models, replace_existing, created_at, started_at, completed_at,
     total_duration_seconds, error, warnings, cancel_requested, download_dates";

fn job_from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> Result<JobRecord, StoreError> {
    let job_id: String = r.get(0)?;
    let warnings: Option<String> = r.get(10)?;
    Ok(JobRecord {
        status: job_status(&r.get::<_, String>(1)?)?,
        date_range: json("jobs.date_range", &r.get::<_, String>(2)?)?,
        models: json("jobs.models", &r.get::<_, String>(3)?)?,
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
        download_dates: json("jobs.download_dates", &r.get::<_, String>(12)?)?,
        progress: details::progress(conn, &job_id)?,
        token_usage: token_usage(conn, &job_id)?,
        job_id,
    })
}

pub(super) fn job(conn: &Connection, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE job_id = ?1"))?;
    let mut rows = stmt.query([job_id])?;
    match rows.next()? {
        Some(row) => Ok(Some(job_from_row(conn, row)?)),
        None => Ok(None),
    }
}

pub(super) fn list(
    conn: &Connection,
    status: Option<JobStatus>,
    limit: u32,
    offset: u32,
) -> Result<(Vec<JobRecord>, u32), StoreError> {
    let filter = status.map(JobStatus::as_str);
    let total: u32 = conn.query_row(
        "SELECT COUNT(*) FROM jobs WHERE ?1 IS NULL OR status = ?1",
        [filter],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE ?1 IS NULL OR status = ?1
         ORDER BY created_at DESC, rowid DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let mut rows = stmt.query(params![filter, limit, offset])?;
    let mut jobs = Vec::new();
    while let Some(row) = rows.next()? {
        jobs.push(job_from_row(conn, row)?);
    }
    Ok((jobs, total))
}

fn current_status(tx: &Transaction<'_>, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM jobs WHERE job_id = ?1", [job_id], |r| {
            r.get(0)
        })
        .optional()?;
    status.map(|s| job_status(&s)).transpose()
}

fn existing_status(tx: &Transaction<'_>, job_id: &str) -> Result<JobStatus, StoreError> {
    current_status(tx, job_id)?.ok_or_else(|| StoreError::Missing(format!("job {job_id}")))
}

/// Moves a job from its actual status to `to` through the state machine, with its timestamps:
/// leaving `pending` starts the clock, a terminal status stops it.
pub(super) fn set_status(
    tx: &Transaction<'_>,
    job_id: &str,
    to: JobStatus,
    error: Option<&str>,
    now: &str,
) -> Result<JobStatus, StoreError> {
    let status = existing_status(tx, job_id)?.transition(to)?;
    if status.is_terminal() {
        tx.execute(
            "UPDATE jobs SET status = ?2, completed_at = ?3, updated_at = ?3,
                 total_duration_seconds = (julianday(?3) - julianday(started_at)) * 86400.0,
                 error = COALESCE(?4, error)
             WHERE job_id = ?1",
            params![job_id, status.as_str(), now, error],
        )?;
    } else {
        tx.execute(
            "UPDATE jobs SET status = ?2, updated_at = ?3,
                 started_at = CASE WHEN ?5 THEN started_at ELSE COALESCE(started_at, ?3) END,
                 error = ?4
             WHERE job_id = ?1",
            params![
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
    tx: &Transaction<'_>,
    job_id: &str,
    now: &str,
) -> Result<Option<JobStatus>, StoreError> {
    let current = existing_status(tx, job_id)?;
    if current.is_terminal() {
        return Ok(Some(current));
    }
    let cancel_requested: bool = tx.query_row(
        "SELECT cancel_requested FROM jobs WHERE job_id = ?1",
        [job_id],
        |r| r.get(0),
    )?;
    let Some(status) = final_status(&details::progress(tx, job_id)?, cancel_requested) else {
        return Ok(None);
    };
    set_status(tx, job_id, status, None, now).map(Some)
}

pub(super) fn cancel(
    tx: &Transaction<'_>,
    job_id: &str,
    now: &str,
) -> Result<Option<CancelOutcome>, StoreError> {
    let Some(status) = current_status(tx, job_id)? else {
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
    tx.execute(
        "UPDATE jobs SET cancel_requested = 1 WHERE job_id = ?1",
        [job_id],
    )?;
    let skip = Move::skip(SkipReason::Cancelled, SkipReason::Cancelled.message());
    let cancelled = move_details(tx, job_id, Scope::Job, &[DetailStatus::Pending], skip, now)?;
    let running = details::progress(tx, job_id)?.running;
    let status = finish_if_done(tx, job_id, now)?.unwrap_or(status);
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
    tx: &Transaction<'_>,
    resume: bool,
    now: &str,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = active_jobs(tx)?.into_iter().map(|(id, ..)| id).collect();
    for job_id in &ids {
        let old = existing_status(tx, job_id)?;
        if resume {
            // Interrupted model-days never committed (commits are atomic): run them again.
            let back = Move::to(DetailStatus::Pending);
            move_details(tx, job_id, Scope::Job, &[DetailStatus::Running], back, now)?;
            if old != JobStatus::Pending {
                set_status(tx, job_id, JobStatus::Pending, None, now)?;
            }
            continue;
        }
        let p = details::progress(tx, job_id)?;
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
            tx,
            job_id,
            Scope::Job,
            &unfinished,
            Move::fail(RESTARTED),
            now,
        )?;
        set_status(tx, job_id, to, Some(&message), now)?;
    }
    Ok(if resume { ids } else { Vec::new() })
}

pub(super) fn append_warnings(
    tx: &Transaction<'_>,
    job_id: &str,
    warnings: &[String],
) -> Result<(), StoreError> {
    let stored: Option<String> = tx.query_row(
        "SELECT warnings FROM jobs WHERE job_id = ?1",
        [job_id],
        |r| r.get(0),
    )?;
    let mut all: Vec<String> = stored
        .map(|w| json("jobs.warnings", &w))
        .transpose()?
        .unwrap_or_default();
    all.extend(warnings.iter().cloned());
    tx.execute(
        "UPDATE jobs SET warnings = ?2 WHERE job_id = ?1",
        params![job_id, to_json(&all)],
    )?;
    Ok(())
}

pub(super) fn skip_pending_on(
    tx: &Transaction<'_>,
    job_id: &str,
    day: Date,
    message: &str,
    now: &str,
) -> Result<u32, StoreError> {
    let skip = Move::skip(SkipReason::IncompletePriceData, message);
    move_details(
        tx,
        job_id,
        Scope::Date(day),
        &[DetailStatus::Pending],
        skip,
        now,
    )
}
