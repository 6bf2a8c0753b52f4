//! The async face of the store: handlers and the worker call these methods directly; each runs
//! its blocking call on the blocking pool.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use ai_trader_core::api::{JobDetail, WorkerInfo};
use ai_trader_core::{Date, JobStatus, Plan, PlanError};

use super::{
    CancelOutcome, ClaimRequest, Claims, CompletedDay, DayFilter, DayRow, JobRecord, Lease, NewJob,
    PlanningState, PreviousDay, RunRecord, Store, StoreError,
};
use crate::market::{Bar, MarketData, PriceSink};

/// Blocking calls in flight at once. Each holds a thread and a database connection with its
/// page cache: beyond this, callers wait their turn instead of growing the process (a load
/// of 100 concurrent reads once took it from 34 MB to 370 MB, and glibc kept it).
const CONCURRENT_CALLS: usize = 8;

/// A shared store, called from async code.
#[derive(Clone)]
pub struct Db {
    store: Arc<dyn Store>,
    calls: Arc<Semaphore>,
}

impl Db {
    /// Shares `store`.
    pub fn new(store: impl Store) -> Self {
        Self {
            store: Arc::new(store),
            calls: Arc::new(Semaphore::new(CONCURRENT_CALLS)),
        }
    }

    /// The store itself, for code that may block (the command line, tests).
    pub fn blocking(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Runs `f` with the store on the blocking pool: several reads that belong together, or a
    /// call without its own method here.
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let _turn = self
            .calls
            .acquire()
            .await
            .expect("the call semaphore is never closed");
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref())).await?
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.call(|s| Ok(s.ping())).await.unwrap_or(false)
    }

    /// See [`super::JobStore::planning_state`].
    pub async fn planning_state(&self) -> Result<PlanningState, StoreError> {
        self.call(|s| s.planning_state()).await
    }

    /// See [`super::JobStore::create_job`].
    pub async fn create_job(
        &self,
        job: NewJob,
        mut plan: impl FnMut(&PlanningState) -> Result<Plan, PlanError> + Send + 'static,
    ) -> Result<Result<Plan, PlanError>, StoreError> {
        self.call(move |s| s.create_job(&job, &mut plan)).await
    }

    /// See [`super::JobStore::job`].
    pub async fn job(&self, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.job(&id)).await
    }

    /// See [`super::JobStore::details`].
    pub async fn details(&self, job_id: &str) -> Result<Vec<JobDetail>, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.details(&id)).await
    }

    /// See [`super::JobStore::details_page`].
    pub async fn details_page(
        &self,
        job_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<JobDetail>, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.details_page(&id, offset, limit)).await
    }

    /// See [`super::JobStore::list_jobs`].
    pub async fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<JobRecord>, u32), StoreError> {
        self.call(move |s| s.list_jobs(status, limit, offset)).await
    }

    /// See [`super::JobStore::set_job_status`].
    pub async fn set_job_status(
        &self,
        job_id: &str,
        to: JobStatus,
        error: Option<String>,
    ) -> Result<JobStatus, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.set_job_status(&id, to, error.as_deref()))
            .await
    }

    /// See [`super::JobStore::claim_ready`].
    pub async fn claim_ready(
        &self,
        job_id: &str,
        request: ClaimRequest,
    ) -> Result<Claims, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.claim_ready(&id, &request)).await
    }

    /// See [`super::JobStore::renew_lease`].
    pub async fn renew_lease(&self, lease: Lease, duration: Duration) -> Result<bool, StoreError> {
        self.call(move |s| s.renew_lease(&lease, duration)).await
    }

    /// See [`super::JobStore::fail_detail`].
    pub async fn fail_detail(&self, lease: Lease, error: String) -> Result<(), StoreError> {
        self.call(move |s| s.fail_detail(&lease, &error)).await
    }

    /// See [`super::JobStore::finish_job_if_done`].
    pub async fn finish_job_if_done(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.finish_job_if_done(&id)).await
    }

    /// See [`super::JobStore::cancel_job`].
    pub async fn cancel_job(&self, job_id: &str) -> Result<Option<CancelOutcome>, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.cancel_job(&id)).await
    }

    /// See [`super::JobStore::active_job_ids`].
    pub async fn active_job_ids(&self) -> Result<Vec<String>, StoreError> {
        self.call(|s| s.active_job_ids()).await
    }

    /// See [`super::JobStore::heartbeat`].
    pub async fn heartbeat(&self, worker: WorkerInfo) -> Result<(), StoreError> {
        self.call(move |s| s.heartbeat(&worker)).await
    }

    /// See [`super::JobStore::remove_worker`].
    pub async fn remove_worker(&self, worker_id: &str) -> Result<(), StoreError> {
        let id = worker_id.to_owned();
        self.call(move |s| s.remove_worker(&id)).await
    }

    /// See [`super::JobStore::live_workers`].
    pub async fn live_workers(&self, since: String) -> Result<Vec<WorkerInfo>, StoreError> {
        self.call(move |s| s.live_workers(&since)).await
    }

    /// See [`super::JobStore::recover_interrupted`].
    pub async fn recover_interrupted(&self, resume: bool) -> Result<Vec<String>, StoreError> {
        self.call(move |s| s.recover_interrupted(resume)).await
    }

    /// See [`super::JobStore::append_warnings`].
    pub async fn append_warnings(
        &self,
        job_id: &str,
        warnings: Vec<String>,
    ) -> Result<(), StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.append_warnings(&id, &warnings)).await
    }

    /// See [`super::JobStore::skip_pending_on`].
    pub async fn skip_pending_on(
        &self,
        job_id: &str,
        date: Date,
        message: String,
    ) -> Result<u32, StoreError> {
        let id = job_id.to_owned();
        self.call(move |s| s.skip_pending_on(&id, date, &message))
            .await
    }

    /// See [`super::DayStore::commit_day`].
    pub async fn commit_day(
        &self,
        day: CompletedDay,
        lease: Lease,
        next: Option<ClaimRequest>,
    ) -> Result<Option<Lease>, StoreError> {
        self.call(move |s| s.commit_day(&day, &lease, next.as_ref()))
            .await
    }

    /// See [`super::DayStore::previous_day`].
    pub async fn previous_day(
        &self,
        (model, run): (&str, &str),
        date: Date,
    ) -> Result<Option<PreviousDay>, StoreError> {
        let (model, run) = (model.to_owned(), run.to_owned());
        self.call(move |s| s.previous_day(&model, &run, date)).await
    }

    /// See [`super::DayStore::runs`].
    pub async fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.call(|s| s.runs()).await
    }

    /// See [`super::DayStore::trading_days`].
    pub async fn trading_days(&self, filter: DayFilter) -> Result<Vec<DayRow>, StoreError> {
        self.call(move |s| s.trading_days(&filter)).await
    }

    /// See [`super::PriceStore::load_market`].
    pub async fn load_market(&self) -> Result<MarketData, StoreError> {
        self.call(|s| s.load_market()).await
    }

    /// See [`super::PriceStore::prices_version`].
    pub async fn prices_version(&self) -> Result<i64, StoreError> {
        self.call(|s| s.prices_version()).await
    }
}

impl PriceSink for Db {
    type Error = StoreError;

    async fn covered(&self) -> Result<Vec<(String, Date, Date)>, StoreError> {
        self.call(|s| s.coverage_ranges()).await
    }

    async fn save(
        &self,
        symbol: String,
        bars: Vec<Bar>,
        start: Date,
        end: Date,
    ) -> Result<(), StoreError> {
        self.call(move |s| s.store_download(&symbol, &bars, start, end))
            .await
    }
}
