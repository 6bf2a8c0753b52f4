//! Claims on model-days. A worker claims the ready days of a job in one transaction (the job's
//! row locked, so claims in one job are made one at a time and a worker that finds another
//! claiming moves on), holds each by a lease it renews while the day runs, and ends the day
//! with a write fenced by the lease: a worker whose lease expired can never commit. Lease
//! times are the database's clock, so workers on several machines agree on them.

use std::time::Duration;

use ai_trader_core::job::{as_claimable, ready};
use ai_trader_core::{Date, DetailStatus, JobStatus};

use super::budget::BudgetGuard;
use super::details::{Move, Scope, detail_status, move_details};
use super::{Conn, Row, StoreError, Value, args, date};
use crate::store::{ClaimRequest, Claims, Lease};

/// Why a running day's lease ended without its worker ending the day.
pub(super) const PROCESS_STOPPED: &str = "the process running this model-day stopped";

/// A detail as a claim sees it.
struct Day {
    date: Date,
    model: String,
    run: String,
    status: DetailStatus,
    attempts: u32,
    lease_expired: bool,
    last_error: Option<String>,
}

impl Day {
    fn from_row(r: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            date: date(&r.get::<String>(0)?)?,
            model: r.get(1)?,
            run: r.get(6)?,
            status: detail_status(&r.get::<String>(2)?)?,
            attempts: r.get(3)?,
            lease_expired: r.get(4)?,
            last_error: r.get(5)?,
        })
    }

    fn chain(&self) -> (&str, &str) {
        (&self.model, &self.run)
    }

    fn claimable_status(&self) -> DetailStatus {
        as_claimable(self.status, self.lease_expired)
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

pub(super) fn claim_ready(
    c: &mut dyn Conn,
    job_id: &str,
    request: &ClaimRequest,
    now: &str,
) -> Result<Claims, StoreError> {
    let dialect = c.dialect();
    let lock = format!(
        "SELECT status, budget FROM jobs WHERE job_id = ?1{}",
        dialect.for_update_skip_locked()
    );
    let Some(job) = c.query_opt(&lock, args![job_id])? else {
        let exists = c
            .query_opt("SELECT 1 FROM jobs WHERE job_id = ?1", args![job_id])?
            .is_some();
        return Ok(Claims {
            busy: exists,
            ..Claims::default()
        });
    };
    let running_job = job.get::<String>(0)? == JobStatus::Running.as_str();
    let mut budget = match running_job {
        true => BudgetGuard::load(c, job_id, job.get::<Option<String>>(1)?.as_deref())?,
        false => None,
    };
    let mut claimed = Vec::new();
    // Days ended by this claim (abandoned, or skipped by a budget).
    let mut ended = 0;
    loop {
        let (days, unfinished) = days_of(c, job_id)?;
        if !running_job {
            return Ok(Claims {
                claimed,
                unfinished,
                busy: false,
            });
        }
        let held = days
            .iter()
            .filter(|d| d.claimable_status() == DetailStatus::Running)
            .count() as u32;
        let room = (request.limit as usize)
            .saturating_sub(claimed.len())
            .min(request.max_parallel.saturating_sub(held) as usize);
        let mut candidates = ready(
            days.iter()
                .map(|d| (d.chain(), d.date, d.claimable_status())),
        );
        candidates.sort_by_key(|(chain, date)| (*date, *chain));
        let mut abandoned = 0;
        for (chain, day) in candidates.into_iter().take(room) {
            let Some(found) = days.iter().find(|d| d.date == day && d.chain() == chain) else {
                continue;
            };
            if found.attempts >= request.max_attempts {
                abandon(c, job_id, found, now)?;
                abandoned += 1;
                continue;
            }
            // A day taken over from an expired lease started already: it always finishes.
            if let (Some(guard), DetailStatus::Pending) = (budget.as_mut(), found.status)
                && let Err(skipped) = guard.admit(c, job_id, &found.model, now)?
            {
                ended += skipped;
                continue;
            }
            claimed.push(claim(c, job_id, found, request, now)?);
        }
        ended += abandoned;
        // An abandoned day ended: the chain's next day may be ready now.
        if abandoned == 0 || claimed.len() >= request.limit as usize {
            return Ok(Claims {
                claimed,
                // Claimed days are still unfinished; abandoned and skipped ones ended.
                unfinished: unfinished.saturating_sub(ended),
                busy: false,
            });
        }
    }
}

/// Each chain's (model and run's) earliest day not ended yet, and how many days of the job are
/// not ended. The core's readiness rule looks at nothing else (ended days never block, and a
/// chain's later days wait for its earliest), so a claim reads one row per chain however long
/// the job.
fn days_of(c: &mut dyn Conn, job_id: &str) -> Result<(Vec<Day>, u32), StoreError> {
    let sql = format!(
        "SELECT date, model, status, attempts, expired, last_error, run, unfinished FROM (
             SELECT date, model, run, status, attempts, last_error,
                 CASE WHEN lease_until IS NULL OR lease_until < {} THEN 1 ELSE 0 END AS expired,
                 ROW_NUMBER() OVER (PARTITION BY model, run ORDER BY date) AS nth,
                 COUNT(*) OVER () AS unfinished
             FROM job_details WHERE job_id = ?1 AND status IN (?2, ?3)
         ) AS earliest WHERE nth = 1 ORDER BY date, model, run",
        c.dialect().now_ms()
    );
    let unfinished = [DetailStatus::Pending, DetailStatus::Running];
    debug_assert!(
        DetailStatus::ALL
            .iter()
            .all(|s| s.is_terminal() != unfinished.contains(s))
    );
    let rows = c.query(
        &sql,
        args![job_id, unfinished[0].as_str(), unfinished[1].as_str()],
    )?;
    let count = rows.first().map_or(Ok(0), |r| r.get::<u32>(7))?;
    let days = rows.iter().map(Day::from_row).collect::<Result<_, _>>()?;
    Ok((days, count))
}

/// After `done` committed: claims the chain's next day for the same worker when it is ready
/// (the core's rule on the chain's earliest day not ended, which this one is now). The job is
/// running and locked by the caller; the job's count of running days does not grow, as this
/// day takes the slot of the one that ended. A day claimed `max_attempts` times already is
/// left to [`claim_ready`], which fails it.
pub(super) fn claim_next(
    c: &mut dyn Conn,
    done: &Lease,
    request: &ClaimRequest,
    now: &str,
) -> Result<Option<Lease>, StoreError> {
    let sql = format!(
        "SELECT date, model, status, attempts,
             CASE WHEN lease_until IS NULL OR lease_until < {} THEN 1 ELSE 0 END, last_error, run
         FROM job_details WHERE job_id = ?1 AND model = ?2 AND run = ?5 AND status IN (?3, ?4)
         ORDER BY date LIMIT 1",
        c.dialect().now_ms()
    );
    let row = c.query_opt(
        &sql,
        args![
            &done.job_id,
            &done.model,
            DetailStatus::Pending.as_str(),
            DetailStatus::Running.as_str(),
            &done.run,
        ],
    )?;
    let Some(day) = row.as_ref().map(Day::from_row).transpose()? else {
        return Ok(None);
    };
    let is_ready = !ready([(day.chain(), day.date, day.claimable_status())]).is_empty();
    if !is_ready || day.attempts >= request.max_attempts {
        return Ok(None);
    }
    if day.status == DetailStatus::Pending {
        let stored = c.query_one(
            "SELECT budget FROM jobs WHERE job_id = ?1",
            args![&done.job_id],
        )?;
        let budget = stored.get::<Option<String>>(0)?;
        if let Some(mut guard) = BudgetGuard::load(c, &done.job_id, budget.as_deref())?
            && guard.admit(c, &done.job_id, &day.model, now)?.is_err()
        {
            return Ok(None);
        }
    }
    claim(c, &done.job_id, &day, request, now).map(Some)
}

/// Fails a day its workers never finished `max_attempts` times.
fn abandon(c: &mut dyn Conn, job_id: &str, day: &Day, now: &str) -> Result<(), StoreError> {
    let why = match day.last_error.as_deref() {
        None | Some(PROCESS_STOPPED) => format!("{PROCESS_STOPPED} each time"),
        Some(other) => format!("the last one: {other}"),
    };
    let error = format!("Abandoned after {} attempts: {why}", day.attempts);
    let scope = Scope::Detail(day.date, &day.model, &day.run);
    move_details(c, job_id, scope, &[day.status], Move::fail(&error), now)?;
    Ok(())
}

/// Takes a ready day for the worker: running, held until the lease ends, its attempt counted.
fn claim(
    c: &mut dyn Conn,
    job_id: &str,
    day: &Day,
    request: &ClaimRequest,
    now: &str,
) -> Result<Lease, StoreError> {
    let scope = Scope::Detail(day.date, &day.model, &day.run);
    if day.status == DetailStatus::Pending {
        move_details(
            c,
            job_id,
            scope,
            &[DetailStatus::Pending],
            Move::to(DetailStatus::Running),
            now,
        )?;
    }
    // A day taken over from an expired lease keeps `running`; it starts again now.
    let taken_over = day.status == DetailStatus::Running;
    let sql = format!(
        "UPDATE job_details SET claimed_by = ?1, lease_until = {} + ?2, attempts = attempts + 1,
             started_at = CASE WHEN ?3 = 1 THEN ?4 ELSE started_at END,
             last_error = CASE WHEN ?3 = 1 THEN ?5 ELSE last_error END
         WHERE job_id = ?6 AND date = ?7 AND model = ?8 AND run = ?9",
        c.dialect().now_ms()
    );
    c.execute(
        &sql,
        args![
            &request.worker_id,
            millis(request.lease),
            taken_over,
            now,
            PROCESS_STOPPED,
            job_id,
            day.date.to_string(),
            &day.model,
            &day.run,
        ],
    )?;
    Ok(Lease {
        job_id: job_id.to_owned(),
        date: day.date,
        model: day.model.clone(),
        run: day.run.clone(),
        worker_id: request.worker_id.clone(),
        attempt: day.attempts + 1,
    })
}

/// The condition that `lease` still holds: parameters ?1 to ?7, [`held_args`].
fn held(c: &dyn Conn) -> String {
    format!(
        "job_id = ?1 AND date = ?2 AND model = ?3 AND status = ?4 AND claimed_by = ?5
         AND attempts = ?6 AND run = ?7 AND lease_until >= {}",
        c.dialect().now_ms()
    )
}

/// The parameters of [`held`], followed by `more`.
fn held_args(lease: &Lease, more: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut values: Vec<Value> = args![
        &lease.job_id,
        lease.date.to_string(),
        &lease.model,
        DetailStatus::Running.as_str(),
        &lease.worker_id,
        lease.attempt,
        &lease.run,
    ]
    .to_vec();
    values.extend(more);
    values
}

pub(super) fn renew(
    c: &mut dyn Conn,
    lease: &Lease,
    duration: Duration,
) -> Result<bool, StoreError> {
    let sql = format!(
        "UPDATE job_details SET lease_until = {} + ?8 WHERE {}",
        c.dialect().now_ms(),
        held(&*c)
    );
    let renewed = c.execute(&sql, &held_args(lease, [millis(duration).into()]))?;
    Ok(renewed == 1)
}

/// Checks, and locks until the transaction ends, that `lease` still holds:
/// [`StoreError::LeaseLost`] otherwise, so nothing of the transaction is written.
pub(super) fn fence(c: &mut dyn Conn, lease: &Lease) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT 1 FROM job_details WHERE {}{}",
        held(&*c),
        c.dialect().for_update()
    );
    match c.query_opt(&sql, &held_args(lease, []))? {
        Some(_) => Ok(()),
        None => Err(StoreError::LeaseLost(lease.to_string())),
    }
}

/// Gives a job's running days back (their process stopped, their work never committed): they
/// are pending again, claimed again at once, their attempts still counted.
pub(super) fn release_stopped(c: &mut dyn Conn, job_id: &str, now: &str) -> Result<(), StoreError> {
    c.execute(
        "UPDATE job_details SET last_error = ?2 WHERE job_id = ?1 AND status = ?3",
        args![job_id, PROCESS_STOPPED, DetailStatus::Running.as_str()],
    )?;
    let back = Move::to(DetailStatus::Pending);
    move_details(c, job_id, Scope::Job, &[DetailStatus::Running], back, now)?;
    Ok(())
}
