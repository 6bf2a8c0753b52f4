//! Jobs and their details. Every status change is checked by the core state machine.

use std::collections::BTreeMap;

use ai_trader_core::api::TokenUsage;
use ai_trader_core::job::final_status;
use ai_trader_core::planner::{ActiveJob, ModelHistory};
use ai_trader_core::{Date, DetailStatus, JobStatus, Plan, Progress, SkipReason};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, date, json, to_json};
use crate::clock;
use crate::store::{CancelOutcome, DetailRecord, JobRecord, NewJob, PlanningState};

const ACTIVE: &str = "('pending','downloading_data','running')";

fn job_status(text: &str) -> Result<JobStatus, StoreError> {
    JobStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("job status {text}")))
}

fn detail_status(text: &str) -> Result<DetailStatus, StoreError> {
    DetailStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("detail status {text}")))
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
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT job_id, status, models FROM jobs WHERE status IN {ACTIVE} ORDER BY created_at"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut active_jobs = Vec::new();
    for row in rows {
        let (job_id, status, models) = row?;
        active_jobs.push(ActiveJob {
            job_id,
            status: job_status(&status)?,
            models: json("jobs.models", &models)?,
        });
    }
    Ok(PlanningState {
        history,
        active_jobs,
    })
}

pub(super) fn insert_job(
    tx: &Transaction<'_>,
    job: &NewJob,
    plan: &Plan,
) -> Result<(), StoreError> {
    let dates: Vec<Date> = plan.dates.iter().map(|d| d.date).collect();
    tx.execute(
        "INSERT INTO jobs (job_id, status, date_range, models, request, replace_existing, created_at, updated_at, warnings)
         VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
        params![
            job.job_id,
            to_json(&dates),
            to_json(&plan.models),
            job.request_json,
            plan.replace_existing,
            job.created_at,
            to_json(&plan.warnings),
        ],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO job_details (job_id, date, model, status, skip_reason, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for day in plan.model_days() {
        let status = if day.runs() {
            DetailStatus::Pending
        } else {
            DetailStatus::Skipped
        };
        stmt.execute(params![
            job.job_id,
            day.date.to_string(),
            day.model,
            status.as_str(),
            day.skip_reason.map(SkipReason::code),
            day.message.as_deref(),
        ])?;
    }
    Ok(())
}

fn progress(conn: &Connection, job_id: &str) -> Result<Progress, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, COUNT(*) FROM job_details WHERE job_id = ?1 GROUP BY status",
    )?;
    let rows = stmt.query_map([job_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
    })?;
    let mut progress = Progress::default();
    for row in rows {
        let (status, count) = row?;
        for _ in 0..count {
            progress.add(detail_status(&status)?);
        }
    }
    Ok(progress)
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
     total_duration_seconds, error, warnings, cancel_requested";

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
        progress: progress(conn, &job_id)?,
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

pub(super) fn details(conn: &Connection, job_id: &str) -> Result<Vec<DetailRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT date, model, status, skip_reason, error, started_at, completed_at, duration_seconds
         FROM job_details WHERE job_id = ?1 ORDER BY date, model",
    )?;
    let mut rows = stmt.query([job_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let skip: Option<String> = r.get(3)?;
        out.push(DetailRecord {
            date: date(&r.get::<_, String>(0)?)?,
            model: r.get(1)?,
            status: detail_status(&r.get::<_, String>(2)?)?,
            skip_reason: skip.as_deref().and_then(SkipReason::parse),
            error: r.get(4)?,
            started_at: r.get(5)?,
            completed_at: r.get(6)?,
            duration_seconds: r.get(7)?,
        });
    }
    Ok(out)
}

pub(super) fn active_ids(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT job_id FROM jobs WHERE status IN {ACTIVE} ORDER BY created_at"
    ))?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

fn current_job_status(tx: &Transaction<'_>, job_id: &str) -> Result<JobStatus, StoreError> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM jobs WHERE job_id = ?1", [job_id], |r| {
            r.get(0)
        })
        .optional()?;
    job_status(&status.ok_or_else(|| StoreError::Corrupt(format!("job {job_id} does not exist")))?)
}

pub(super) fn set_status(
    tx: &Transaction<'_>,
    job_id: &str,
    to: JobStatus,
    error: Option<&str>,
) -> Result<JobStatus, StoreError> {
    let status = current_job_status(tx, job_id)?.transition(to)?;
    let now = clock::timestamp();
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
                 started_at = CASE WHEN ?2 = 'pending' THEN started_at ELSE COALESCE(started_at, ?3) END,
                 error = ?4
             WHERE job_id = ?1",
            params![job_id, status.as_str(), now, error],
        )?;
    }
    Ok(status)
}

fn current_detail_status(
    tx: &Transaction<'_>,
    job_id: &str,
    day: Date,
    model: &str,
) -> Result<Option<DetailStatus>, StoreError> {
    let status: Option<String> = tx
        .query_row(
            "SELECT status FROM job_details WHERE job_id = ?1 AND date = ?2 AND model = ?3",
            params![job_id, day.to_string(), model],
            |r| r.get(0),
        )
        .optional()?;
    status.map(|s| detail_status(&s)).transpose()
}

pub(super) fn start_detail(
    tx: &Transaction<'_>,
    job_id: &str,
    day: Date,
    model: &str,
) -> Result<bool, StoreError> {
    let Some(status) = current_detail_status(tx, job_id, day, model)? else {
        return Ok(false);
    };
    if status != DetailStatus::Pending {
        return Ok(false);
    }
    status.transition(DetailStatus::Running)?;
    tx.execute(
        "UPDATE job_details SET status = 'running', started_at = ?4, completed_at = NULL, duration_seconds = NULL, error = NULL
         WHERE job_id = ?1 AND date = ?2 AND model = ?3",
        params![job_id, day.to_string(), model, clock::timestamp()],
    )?;
    Ok(true)
}

/// Moves a detail to a terminal status with timestamps (used by fail and commit).
pub(super) fn end_detail(
    tx: &Transaction<'_>,
    job_id: &str,
    day: Date,
    model: &str,
    to: DetailStatus,
    error: Option<&str>,
) -> Result<(), StoreError> {
    let status = current_detail_status(tx, job_id, day, model)?
        .ok_or_else(|| StoreError::Corrupt(format!("no detail {job_id} {day} {model}")))?;
    status.transition(to)?;
    tx.execute(
        "UPDATE job_details SET status = ?4, completed_at = ?5, error = ?6,
             duration_seconds = CASE WHEN started_at IS NULL THEN NULL
                                     ELSE (julianday(?5) - julianday(started_at)) * 86400.0 END
         WHERE job_id = ?1 AND date = ?2 AND model = ?3",
        params![
            job_id,
            day.to_string(),
            model,
            to.as_str(),
            clock::timestamp(),
            error
        ],
    )?;
    Ok(())
}

pub(super) fn fail_detail(
    tx: &Transaction<'_>,
    job_id: &str,
    day: Date,
    model: &str,
    error: &str,
) -> Result<(), StoreError> {
    end_detail(tx, job_id, day, model, DetailStatus::Failed, Some(error))
}

pub(super) fn finish_if_done(
    tx: &Transaction<'_>,
    job_id: &str,
) -> Result<Option<JobStatus>, StoreError> {
    let current = current_job_status(tx, job_id)?;
    if current.is_terminal() {
        return Ok(Some(current));
    }
    let cancel_requested: bool = tx.query_row(
        "SELECT cancel_requested FROM jobs WHERE job_id = ?1",
        [job_id],
        |r| r.get(0),
    )?;
    let Some(status) = final_status(&progress(tx, job_id)?, cancel_requested) else {
        return Ok(None);
    };
    set_status(tx, job_id, status, None).map(Some)
}

pub(super) fn cancel(
    tx: &Transaction<'_>,
    job_id: &str,
) -> Result<Option<CancelOutcome>, StoreError> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM jobs WHERE job_id = ?1", [job_id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(status) = status.map(|s| job_status(&s)).transpose()? else {
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
    let cancelled = tx.execute(
        "UPDATE job_details SET status = 'skipped', skip_reason = ?2, error = ?3, completed_at = ?4
         WHERE job_id = ?1 AND status = 'pending'",
        params![
            job_id,
            SkipReason::Cancelled.code(),
            SkipReason::Cancelled.message(),
            clock::timestamp()
        ],
    )? as u32;
    let running = progress(tx, job_id)?.running;
    let status = finish_if_done(tx, job_id)?.unwrap_or(status);
    Ok(Some(CancelOutcome {
        status,
        cancelled_model_days: cancelled,
        running,
        already_terminal: false,
    }))
}

pub(super) fn recover(tx: &Transaction<'_>, resume: bool) -> Result<Vec<String>, StoreError> {
    let ids = active_ids(tx)?;
    for job_id in &ids {
        let old = current_job_status(tx, job_id)?;
        if resume {
            // Interrupted model-days never committed (commits are atomic): run them again.
            DetailStatus::Running.transition(DetailStatus::Pending)?;
            tx.execute(
                "UPDATE job_details SET status = 'pending', started_at = NULL WHERE job_id = ?1 AND status = 'running'",
                [job_id],
            )?;
            if old != JobStatus::Pending {
                old.transition(JobStatus::Pending)?;
                tx.execute(
                    "UPDATE jobs SET status = 'pending', updated_at = ?2 WHERE job_id = ?1",
                    params![job_id, clock::timestamp()],
                )?;
            }
            continue;
        }
        let p = progress(tx, job_id)?;
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
        DetailStatus::Pending.transition(DetailStatus::Failed)?;
        DetailStatus::Running.transition(DetailStatus::Failed)?;
        tx.execute(
            "UPDATE job_details SET status = 'failed', error = 'Container restarted before completion', completed_at = ?2
             WHERE job_id = ?1 AND status IN ('pending','running')",
            params![job_id, clock::timestamp()],
        )?;
        set_status(tx, job_id, to, Some(&message))?;
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
) -> Result<u32, StoreError> {
    DetailStatus::Pending.transition(DetailStatus::Skipped)?;
    let n = tx.execute(
        "UPDATE job_details SET status = 'skipped', skip_reason = ?3, error = ?4, completed_at = ?5
         WHERE job_id = ?1 AND date = ?2 AND status = 'pending'",
        params![
            job_id,
            day.to_string(),
            SkipReason::IncompletePriceData.code(),
            message,
            clock::timestamp()
        ],
    )?;
    Ok(n as u32)
}
