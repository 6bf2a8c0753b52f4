//! The store traits over any backend: each method is one read or one write transaction of the
//! shared SQL.

use std::collections::BTreeMap;
use std::time::Duration;

use ai_trader_core::api::{ConversationMessage, JobDetail, WorkerInfo};
use ai_trader_core::{Date, JobStatus, Plan, PlanError};

use super::{Conn, claims, days, details, jobs, prices, runs, workers};
use crate::clock::Clock;
use crate::market::{Bar, MarketData, PriceSource};
use crate::store::{
    ActionRow, CancelOutcome, ClaimRequest, Claims, CompletedDay, DayFilter, DayRow, DayStore,
    ImportRefused, JobRecord, JobStore, Lease, NewJob, PlanFn, PlanningState, PreviousDay,
    PriceStore, RunCost, RunRecord, Store, StoreError, ValueRow, Wake,
};

/// A database the shared SQL runs on.
pub trait Backend: Send + Sync + 'static {
    /// Runs `f` on a connection, outside a write transaction.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;

    /// Runs `f` in a write transaction, committed when `f` succeeds and rolled back otherwise.
    fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;

    /// Whether the database answers.
    fn ping(&self) -> bool;

    /// See [`Store::shared`].
    fn shared(&self) -> bool;

    /// See [`Store::listen`].
    fn listen(&self, wake: Wake) {
        let _ = wake;
    }
}

/// The store on a backend; `clock` stamps what it writes.
pub struct SqlStore<B> {
    pub(crate) backend: B,
    pub(crate) clock: Clock,
}

impl<B: Backend> Store for SqlStore<B> {
    fn ping(&self) -> bool {
        self.backend.ping()
    }

    fn shared(&self) -> bool {
        self.backend.shared()
    }

    fn listen(&self, wake: Wake) {
        self.backend.listen(wake);
    }
}

impl<B: Backend> JobStore for SqlStore<B> {
    fn planning_state(&self) -> Result<PlanningState, StoreError> {
        self.backend.read(jobs::planning_state)
    }

    fn create_job(
        &self,
        job: &NewJob,
        plan: &mut PlanFn<'_>,
    ) -> Result<Result<Plan, PlanError>, StoreError> {
        self.backend.write(|c| {
            jobs::guard_creation(c)?;
            let state = jobs::planning_state(c)?;
            match plan(&state) {
                Err(e) => Ok(Err(e)),
                Ok(plan) => {
                    jobs::insert_job(c, job, &plan)?;
                    c.notify()?;
                    Ok(Ok(plan))
                }
            }
        })
    }

    fn job(&self, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.backend.read(|c| jobs::job(c, job_id))
    }

    fn details(&self, job_id: &str) -> Result<Vec<JobDetail>, StoreError> {
        self.backend.read(|c| details::read(c, job_id, 0, u32::MAX))
    }

    fn details_page(
        &self,
        job_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<JobDetail>, StoreError> {
        self.backend
            .read(|c| details::read(c, job_id, offset, limit))
    }

    fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<JobRecord>, u32), StoreError> {
        self.backend.read(|c| jobs::list(c, status, limit, offset))
    }

    fn set_job_status(
        &self,
        job_id: &str,
        to: JobStatus,
        error: Option<&str>,
    ) -> Result<JobStatus, StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| jobs::set_status(c, job_id, to, error, &now))
    }

    fn claim_ready(&self, job_id: &str, request: &ClaimRequest) -> Result<Claims, StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| claims::claim_ready(c, job_id, request, &now))
    }

    fn renew_lease(&self, lease: &Lease, duration: Duration) -> Result<bool, StoreError> {
        self.backend.write(|c| claims::renew(c, lease, duration))
    }

    fn fail_detail(&self, lease: &Lease, error: &str) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        self.backend.write(|c| {
            jobs::lock(c, &lease.job_id)?;
            claims::fence(c, lease)?;
            let failed = details::Move::fail(error);
            let chain = (lease.model.as_str(), lease.run.as_str());
            details::end(c, &lease.job_id, lease.date, chain, failed, &now)?;
            c.notify()
        })
    }

    fn finish_job_if_done(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| jobs::finish_if_done(c, job_id, &now))
    }

    fn cancel_job(&self, job_id: &str) -> Result<Option<CancelOutcome>, StoreError> {
        let now = self.clock.timestamp();
        self.backend.write(|c| {
            let outcome = jobs::cancel(c, job_id, &now)?;
            c.notify()?;
            Ok(outcome)
        })
    }

    fn recover_interrupted(&self, resume: bool) -> Result<Vec<String>, StoreError> {
        let now = self.clock.timestamp();
        self.backend.write(|c| jobs::recover(c, resume, &now))
    }

    fn active_job_ids(&self) -> Result<Vec<String>, StoreError> {
        self.backend.read(jobs::active_ids)
    }

    fn heartbeat(&self, worker: &WorkerInfo) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        self.backend.write(|c| workers::heartbeat(c, worker, &now))
    }

    fn remove_worker(&self, worker_id: &str) -> Result<(), StoreError> {
        self.backend.write(|c| workers::remove(c, worker_id))
    }

    fn live_workers(&self, since: &str) -> Result<Vec<WorkerInfo>, StoreError> {
        self.backend.read(|c| workers::live(c, since))
    }

    fn append_warnings(&self, job_id: &str, warnings: &[String]) -> Result<(), StoreError> {
        self.backend
            .write(|c| jobs::append_warnings(c, job_id, warnings))
    }

    fn skip_pending_on(&self, job_id: &str, date: Date, message: &str) -> Result<u32, StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| jobs::skip_pending_on(c, job_id, date, message, &now))
    }
}

impl<B: Backend> DayStore for SqlStore<B> {
    fn commit_day(
        &self,
        day: &CompletedDay,
        lease: &Lease,
        next: Option<&ClaimRequest>,
    ) -> Result<Option<Lease>, StoreError> {
        let now = self.clock.timestamp();
        self.backend.write(|c| {
            let running = jobs::lock(c, &lease.job_id)? == Some(JobStatus::Running);
            claims::fence(c, lease)?;
            days::commit(c, day, &now)?;
            let next = match next {
                Some(request) if running => claims::claim_next(c, lease, request, &now)?,
                _ => None,
            };
            c.notify()?;
            Ok(next)
        })
    }

    fn days_version(&self) -> Result<i64, StoreError> {
        self.backend.read(|c| {
            c.query_one("SELECT COALESCE(MAX(id), 0) FROM trading_days", &[])?
                .get(0)
        })
    }

    fn previous_day(
        &self,
        model: &str,
        run: &str,
        date: Date,
    ) -> Result<Option<PreviousDay>, StoreError> {
        self.backend.read(|c| days::previous(c, (model, run), date))
    }

    fn current_costs(&self) -> Result<Vec<RunCost>, StoreError> {
        self.backend.read(days::current_costs)
    }

    fn day_costs(&self, job_id: &str) -> Result<Vec<(String, Option<f64>)>, StoreError> {
        self.backend.read(|c| days::costs(c, job_id))
    }

    fn day_values(&self, filter: &DayFilter) -> Result<Vec<ValueRow>, StoreError> {
        self.backend.read(|c| days::values(c, filter))
    }

    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.backend.read(runs::list)
    }

    fn trading_days(&self, filter: &DayFilter) -> Result<Vec<DayRow>, StoreError> {
        self.backend.read(|c| days::select(c, filter))
    }

    fn day_holdings(&self, day_id: i64) -> Result<BTreeMap<String, u64>, StoreError> {
        self.backend.read(|c| days::holdings(c, day_id))
    }

    fn day_actions(&self, day_id: i64) -> Result<Vec<ActionRow>, StoreError> {
        self.backend.read(|c| {
            Ok(days::actions_of(c, &[day_id])?
                .remove(&day_id)
                .unwrap_or_default())
        })
    }

    fn days_actions(&self, day_ids: &[i64]) -> Result<BTreeMap<i64, Vec<ActionRow>>, StoreError> {
        self.backend.read(|c| days::actions_of(c, day_ids))
    }

    fn day_messages(&self, day_id: i64) -> Result<Vec<ConversationMessage>, StoreError> {
        self.backend.read(|c| days::messages(c, day_id))
    }

    fn import_run(
        &self,
        job: &NewJob,
        model: &str,
        days: &[CompletedDay],
    ) -> Result<Result<(), ImportRefused>, StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| days::import_run(c, job, model, days, &now))
    }
}

impl<B: Backend> PriceStore for SqlStore<B> {
    fn insert_prices(
        &self,
        rows: &[(String, Bar)],
        source: PriceSource,
    ) -> Result<usize, StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| prices::insert(c, rows, source, &now))
    }

    fn load_market(&self) -> Result<MarketData, StoreError> {
        self.backend.read(prices::load)
    }

    fn prices_version(&self) -> Result<i64, StoreError> {
        self.backend.read(prices::version)
    }

    fn coverage_ranges(&self) -> Result<Vec<(String, Date, Date)>, StoreError> {
        self.backend.read(prices::coverage)
    }

    fn store_download(
        &self,
        symbol: &str,
        bars: &[Bar],
        start: Date,
        end: Date,
    ) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        self.backend
            .write(|c| prices::store_download(c, symbol, bars, start, end, &now))
    }
}
