//! A job's details (model-days): reads, and every status change through one checked helper,
//! [`move_details`]. No status is written in SQL except through the core's `as_str()`.

use ai_trader_core::api::{JobDetail, TokenUsage};
use ai_trader_core::{Date, DetailStatus, Progress, SkipReason};

use super::{Conn, StoreError, Value, args, date};

pub(super) fn detail_status(text: &str) -> Result<DetailStatus, StoreError> {
    DetailStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("detail status {text}")))
}

/// Which of a job's details a move touches.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope<'a> {
    /// Every detail of the job.
    Job,
    /// The details on one date.
    Date(Date),
    /// One model-day: date, model and run.
    Detail(Date, &'a str, &'a str),
    /// Every day of one model (all its runs).
    Model(&'a str),
}

impl Scope<'_> {
    /// The scope as SQL conditions on `job_details`, numbered from `?first`, with their
    /// values. Each is an equality, so a single model-day is found through the unique index
    /// however many days the job has.
    fn condition(self, first: usize) -> (String, Vec<Value>) {
        let (columns, values): (&[&str], Vec<Value>) = match self {
            Self::Job => (&[], Vec::new()),
            Self::Date(d) => (&["date"], args![d.to_string()].to_vec()),
            Self::Detail(d, model, run) => (
                &["date", "model", "run"],
                args![d.to_string(), model, run].to_vec(),
            ),
            Self::Model(model) => (&["model"], args![model].to_vec()),
        };
        let sql = columns
            .iter()
            .enumerate()
            .map(|(i, column)| format!(" AND {column} = ?{}", first + i))
            .collect();
        (sql, values)
    }
}

/// The new status of the moved details, and why.
#[derive(Debug, Clone, Copy)]
pub(super) struct Move<'a> {
    /// The status they move to.
    pub to: DetailStatus,
    /// With `skipped`: the reason.
    pub skip_reason: Option<SkipReason>,
    /// Failure or skip text.
    pub error: Option<&'a str>,
}

impl<'a> Move<'a> {
    /// A move to `to` without a reason or error.
    pub(super) fn to(to: DetailStatus) -> Self {
        Self {
            to,
            skip_reason: None,
            error: None,
        }
    }

    /// A skip with its reason and message.
    pub(super) fn skip(reason: SkipReason, message: &'a str) -> Self {
        Self {
            to: DetailStatus::Skipped,
            skip_reason: Some(reason),
            error: Some(message),
        }
    }

    /// A failure with its text.
    pub(super) fn fail(error: &'a str) -> Self {
        Self {
            to: DetailStatus::Failed,
            skip_reason: None,
            error: Some(error),
        }
    }
}

/// How `started_at` changes: set when a detail starts, cleared when it goes back to pending.
const KEEP_START: i64 = 0;
const SET_START: i64 = 1;
const CLEAR_START: i64 = 2;

/// Moves the details of `job_id` in `scope` whose status is one of `from` to `m.to`. Every
/// status actually found among them is checked by the core state machine first (an illegal
/// move fails and writes nothing); details in other statuses are left alone. Returns how many
/// moved. Timestamps follow the status: starting sets `started_at`, a terminal status sets
/// `completed_at` and the duration. A detail that leaves `running` gives up its lease.
pub(super) fn move_details(
    c: &mut dyn Conn,
    job_id: &str,
    scope: Scope<'_>,
    from: &[DetailStatus],
    m: Move<'_>,
    now: &str,
) -> Result<u32, StoreError> {
    let found = statuses(c, job_id, scope)?;
    let start = match m.to {
        DetailStatus::Running => SET_START,
        DetailStatus::Pending => CLEAR_START,
        _ => KEEP_START,
    };
    let duration = c.dialect().seconds_between("started_at", "?5");
    let (in_scope, scope_values) = scope.condition(9);
    let sql = format!(
        "UPDATE job_details SET status = ?1, skip_reason = ?2, error = ?3,
             started_at = CASE WHEN ?4 = 1 THEN ?5 WHEN ?4 = 2 THEN NULL ELSE started_at END,
             completed_at = CASE WHEN ?6 = 1 THEN ?5 ELSE NULL END,
             duration_seconds = CASE WHEN ?6 = 1 AND started_at IS NOT NULL AND ?4 = 0
                 THEN {duration} ELSE NULL END,
             claimed_by = CASE WHEN ?1 = 'running' THEN claimed_by ELSE NULL END,
             lease_until = CASE WHEN ?1 = 'running' THEN lease_until ELSE NULL END
         WHERE job_id = ?7 AND status = ?8{in_scope}"
    );
    let mut moved = 0;
    for status in found.into_iter().filter(|s| from.contains(s)) {
        status.transition(m.to)?;
        let mut values = args![
            m.to.as_str(),
            m.skip_reason.map(SkipReason::code),
            m.error,
            start,
            now,
            m.to.is_terminal(),
            job_id,
            status.as_str(),
        ]
        .to_vec();
        values.extend(scope_values.iter().cloned());
        moved += c.execute(&sql, &values)? as u32;
    }
    Ok(moved)
}

/// The distinct statuses of the details in scope.
fn statuses(
    c: &mut dyn Conn,
    job_id: &str,
    scope: Scope<'_>,
) -> Result<Vec<DetailStatus>, StoreError> {
    let (in_scope, scope_values) = scope.condition(2);
    let mut values = args![job_id].to_vec();
    values.extend(scope_values);
    let rows = c.query(
        &format!("SELECT DISTINCT status FROM job_details WHERE job_id = ?1{in_scope}"),
        &values,
    )?;
    rows.iter()
        .map(|r| detail_status(&r.get::<String>(0)?))
        .collect()
}

/// The status of one model-day, if it exists.
pub(super) fn status_of(
    c: &mut dyn Conn,
    job_id: &str,
    day: Date,
    (model, run): (&str, &str),
) -> Result<Option<DetailStatus>, StoreError> {
    let row = c.query_opt(
        "SELECT status FROM job_details WHERE job_id = ?1 AND date = ?2 AND model = ?3 AND run = ?4",
        args![job_id, day.to_string(), model, run],
    )?;
    row.map(|r| detail_status(&r.get::<String>(0)?)).transpose()
}

/// Ends one model-day (completed or failed) from whatever status it has: an illegal move is an
/// error.
pub(super) fn end(
    c: &mut dyn Conn,
    job_id: &str,
    day: Date,
    (model, run): (&str, &str),
    m: Move<'_>,
    now: &str,
) -> Result<(), StoreError> {
    let status = status_of(c, job_id, day, (model, run))?.ok_or_else(|| {
        StoreError::Missing(format!("model-day {job_id} {day} {model} run {run}"))
    })?;
    move_details(c, job_id, Scope::Detail(day, model, run), &[status], m, now)?;
    Ok(())
}

/// One detail to insert: its day, (model, run), status, and skip reason and message if skipped.
pub(super) type NewDetail = (
    Date,
    (String, String),
    DetailStatus,
    Option<SkipReason>,
    Option<String>,
);

/// Inserts a job's details.
pub(super) fn insert(
    c: &mut dyn Conn,
    job_id: &str,
    rows: impl IntoIterator<Item = NewDetail>,
    started_at: Option<&str>,
) -> Result<(), StoreError> {
    for (day, (model, run), status, reason, message) in rows {
        c.execute(
            "INSERT INTO job_details (job_id, date, model, run, status, skip_reason, error, started_at)
             VALUES (?1, ?2, ?3, ?8, ?4, ?5, ?6, ?7)",
            args![
                job_id,
                day.to_string(),
                model,
                status.as_str(),
                reason.map(SkipReason::code),
                message,
                started_at,
                run,
            ],
        )?;
    }
    Ok(())
}

/// Counts per detail status.
pub(super) fn progress(c: &mut dyn Conn, job_id: &str) -> Result<Progress, StoreError> {
    let rows = c.query(
        "SELECT status, COUNT(*) FROM job_details WHERE job_id = ?1 GROUP BY status",
        args![job_id],
    )?;
    let mut progress = Progress::default();
    for row in rows {
        let status = detail_status(&row.get::<String>(0)?)?;
        for _ in 0..row.get::<u32>(1)? {
            progress.add(status);
        }
    }
    Ok(progress)
}

/// At most `limit` of a job's details after `offset`, ordered by date, model, then run in the
/// plan's order (insertion order).
pub(super) fn read(
    c: &mut dyn Conn,
    job_id: &str,
    offset: u32,
    limit: u32,
) -> Result<Vec<JobDetail>, StoreError> {
    let rows = c.query(
        "SELECT d.date, d.model, d.status, d.skip_reason, d.error, d.started_at, d.completed_at,
             d.duration_seconds, d.run, t.prompt_tokens, t.completion_tokens, t.cost_usd,
             t.tokens_estimated
         FROM job_details d LEFT JOIN trading_days t ON t.job_id = d.job_id
             AND t.model = d.model AND t.run = d.run AND t.date = d.date
         WHERE d.job_id = ?1 ORDER BY d.date, d.model, d.id LIMIT ?2 OFFSET ?3",
        args![job_id, i64::from(limit), offset],
    )?;
    rows.iter()
        .map(|r| {
            let skip: Option<String> = r.get(3)?;
            let tokens: Option<(i64, i64)> = r.get::<Option<i64>>(9)?.zip(r.get(10)?);
            Ok(JobDetail {
                token_usage: tokens.map(|(prompt, completion)| TokenUsage {
                    estimated: r.get::<Option<i64>>(12).ok().flatten().unwrap_or(0) != 0,
                    ..TokenUsage::of(prompt.max(0) as u64, completion.max(0) as u64)
                }),
                cost_usd: r.get(11)?,
                date: date(&r.get::<String>(0)?)?,
                model: r.get(1)?,
                run: r.get(8)?,
                status: detail_status(&r.get::<String>(2)?)?,
                skip_reason: skip.as_deref().and_then(SkipReason::parse),
                error: r.get(4)?,
                started_at: r.get(5)?,
                completed_at: r.get(6)?,
                duration_seconds: r.get(7)?,
            })
        })
        .collect()
}
