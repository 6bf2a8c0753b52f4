//! The job worker: each model of a job moves through its own dates as fast as it can (a
//! model-day is ready when the core's readiness rule says so: the model's previous day ended),
//! never waiting for another model. Model-days are claimed, not assigned: a worker claims the
//! ready ones from the database, holds each by a lease it renews while the day runs, and
//! commits the day in one transaction fenced by that lease; a day whose worker died is claimed
//! again when its lease expires. So any number of workers (processes) share the jobs of one
//! database. At most `MAX_PARALLEL_MODELS` model-days of a job (over all workers) and
//! `WORKER_CONCURRENCY` in this process run at once; at most `MAX_CONCURRENT_JOBS` jobs are run
//! by this process at once. Status changes go through the store, which checks them with the
//! core state machine.

mod model_day;
mod service;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ai_trader_core::cost::Pricing;
use ai_trader_core::market::DayData;
use ai_trader_core::{Date, JobStatus};
use tokio::sync::{Notify, Semaphore, watch};

use crate::agent::{Agents, NewsSearch};
use crate::clock::Clock;
use crate::config::{AgentConfig, Redactor};
use crate::market::{Downloader, SharedMarket};
use crate::store::{ClaimRequest, Db, JobRecord, Lease, StoreError};

pub use model_day::ModelDayError;

/// Runs jobs in the background.
#[derive(Clone)]
pub struct Worker {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    market: SharedMarket,
    agents: Agents,
    agent_config: AgentConfig,
    basemodels: BTreeMap<String, String>,
    prices: BTreeMap<String, Option<Pricing>>,
    search: Option<Arc<NewsSearch>>,
    downloader: Option<Arc<Downloader>>,
    clock: Clock,
    redactor: Redactor,
    job_slots: Arc<Semaphore>,
    /// `WORKER_CONCURRENCY`: model-days running at once in this process.
    model_day_slots: Arc<Semaphore>,
    max_parallel_models: usize,
    /// `MAX_ATTEMPTS`: starts of a model-day before it is failed.
    max_attempts: u32,
    /// Jobs being run by this process (a job is never run twice at once), each with a receiver
    /// that closes when its run ends.
    running: Mutex<HashMap<String, watch::Receiver<()>>>,
    /// Set at shutdown: no model-day starts any more.
    stopping: AtomicBool,
    /// The last write that failed, while writes fail (cleared by the next one that succeeds).
    write_problem: Mutex<Option<String>>,
    /// How this worker announces itself.
    identity: ai_trader_core::api::WorkerInfo,
    /// How often it beats.
    heartbeat: Duration,
    /// `LEASE_SECONDS`: how long a claim holds unless renewed.
    lease: Duration,
    /// Woken when jobs may have changed: a model-day of this process ended, or another
    /// process announced a change.
    wake: Arc<Notify>,
}

/// How long a job run waits for a change before it looks at the database again.
const POLL: Duration = Duration::from_secs(1);

/// How long to wait when another worker was claiming in the same job.
const BUSY_RETRY: Duration = Duration::from_millis(20);

/// What a worker is built from.
pub struct WorkerParts {
    /// The database.
    pub db: Db,
    /// Prices.
    pub market: SharedMarket,
    /// The agent of every model.
    pub agents: Agents,
    /// Agent settings.
    pub agent_config: AgentConfig,
    /// Each model's basemodel.
    pub basemodels: BTreeMap<String, String>,
    /// Each model's prices in this deployment (`None`: unknown).
    pub prices: BTreeMap<String, Option<Pricing>>,
    /// The news search, if configured.
    pub search: Option<Arc<NewsSearch>>,
    /// The price downloader, if configured.
    pub downloader: Option<Arc<Downloader>>,
    /// The time.
    pub clock: Clock,
    /// Keeps secrets out of failure messages.
    pub redactor: Redactor,
    /// `MAX_CONCURRENT_JOBS`.
    pub max_concurrent_jobs: usize,
    /// `MAX_PARALLEL_MODELS`.
    pub max_parallel_models: usize,
    /// `WORKER_CONCURRENCY`.
    pub worker_concurrency: usize,
    /// `MAX_ATTEMPTS`.
    pub max_attempts: u32,
    /// `WORKER_HEARTBEAT_SECONDS`.
    pub heartbeat: Duration,
    /// `LEASE_SECONDS`.
    pub lease: Duration,
}

/// Removes a job from the running set when its run ends, however it ends; dropping the sender
/// wakes whoever waits for that run.
struct RunGuard<'a> {
    inner: &'a Inner,
    job_id: String,
    _done: watch::Sender<()>,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.inner.running.lock() {
            running.remove(&self.job_id);
        }
    }
}

/// Whether this call runs the job, or another run of it is under way.
enum Claim<'a> {
    Run(RunGuard<'a>),
    Wait(watch::Receiver<()>),
}

impl Worker {
    /// A worker over the store, market and agents.
    pub fn new(parts: WorkerParts) -> Self {
        Self {
            inner: Arc::new(Inner {
                db: parts.db,
                market: parts.market,
                agents: parts.agents,
                agent_config: parts.agent_config,
                basemodels: parts.basemodels,
                prices: parts.prices,
                search: parts.search,
                downloader: parts.downloader,
                clock: parts.clock,
                redactor: parts.redactor,
                job_slots: Arc::new(Semaphore::new(parts.max_concurrent_jobs.max(1))),
                model_day_slots: Arc::new(Semaphore::new(parts.worker_concurrency.max(1))),
                max_parallel_models: parts.max_parallel_models.max(1),
                max_attempts: parts.max_attempts.max(1),
                running: Mutex::new(HashMap::new()),
                stopping: AtomicBool::new(false),
                write_problem: Mutex::new(None),
                identity: service::identity(parts.clock.timestamp()),
                heartbeat: parts.heartbeat.max(Duration::from_millis(100)),
                lease: parts.lease.max(Duration::from_millis(300)),
                wake: Arc::new(Notify::new()),
            }),
        }
    }

    /// Wakes every job run waiting for a change (another process changed jobs).
    pub fn wake(&self) {
        self.inner.wake.notify_waiters();
    }

    /// Starts running a job in the background.
    pub fn spawn(&self, job_id: String) -> tokio::task::JoinHandle<()> {
        let worker = self.clone();
        tokio::spawn(async move {
            if let Err(e) = worker.run(&job_id).await {
                tracing::error!(job_id, error = %e, "job failed");
                let message = format!("Job execution failed: {e}");
                let db = &worker.inner.db;
                let _ = db
                    .set_job_status(&job_id, JobStatus::Failed, Some(message))
                    .await;
            }
        })
    }

    /// Whether this process is running the job now.
    fn is_running(&self, job_id: &str) -> bool {
        lock(&self.inner.running).contains_key(job_id)
    }

    fn claim(&self, job_id: &str) -> Claim<'_> {
        let mut running = match self.inner.running.lock() {
            Ok(running) => running,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(done) = running.get(job_id) {
            return Claim::Wait(done.clone());
        }
        let (sender, receiver) = watch::channel(());
        running.insert(job_id.to_owned(), receiver);
        Claim::Run(RunGuard {
            inner: &self.inner,
            job_id: job_id.to_owned(),
            _done: sender,
        })
    }

    /// Stops claiming work: no model-day starts from now on, the running ones may finish.
    /// Waits up to `grace` for every job run to end; `false` when some were still running (their
    /// model-days never commit half-way; restart recovery runs them again).
    pub async fn shutdown(&self, grace: Duration) -> bool {
        self.inner.stopping.store(true, Ordering::SeqCst);
        let runs: Vec<watch::Receiver<()>> = match self.inner.running.lock() {
            Ok(running) => running.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        };
        let all_ended = async {
            for mut done in runs {
                while done.changed().await.is_ok() {}
            }
        };
        tokio::time::timeout(grace, all_ended).await.is_ok()
    }

    fn stopping(&self) -> bool {
        self.inner.stopping.load(Ordering::SeqCst)
    }

    /// While the worker's writes fail (a full disk, an I/O error): what failed last.
    pub fn write_problem(&self) -> Option<String> {
        lock(&self.inner.write_problem).clone()
    }

    /// Runs `write` until it succeeds: a failed write is retried with backoff (up to 5 s
    /// apart) and reported by [`Worker::write_problem`] meanwhile, so it heals without a
    /// restart. `None` when shutdown came first (the day's lease expires and it runs again), or
    /// when the lease the write is fenced by was lost (another worker runs the day).
    async fn until_written<T, F, Fut>(&self, what: &str, mut write: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let mut backoff = Duration::from_millis(200);
        loop {
            match write().await {
                Ok(value) => {
                    if lock(&self.inner.write_problem).take().is_some() {
                        tracing::info!("writes succeed again");
                    }
                    return Some(value);
                }
                Err(StoreError::LeaseLost(day)) => {
                    tracing::warn!(day, "{what}: the lease was lost; another worker runs it");
                    return None;
                }
                Err(e) => {
                    tracing::error!(error = %e, "{what} could not be written; retrying");
                    *lock(&self.inner.write_problem) = Some(format!("{what}: {e}"));
                    if self.stopping() {
                        return None;
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Runs a job to its end (the caller decides whether to await it). If this process is
    /// already running the job, waits for that run to end instead. At shutdown the run stops
    /// between model-days and leaves the job active for recovery.
    pub async fn run(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let _guard = match self.claim(job_id) {
            Claim::Run(guard) => guard,
            Claim::Wait(mut done) => {
                // The other run drops its sender when it ends.
                while done.changed().await.is_ok() {}
                return Ok(self.inner.db.job(job_id).await?.map(|j| j.status));
            }
        };
        let inner = &self.inner;
        let _slot = inner
            .job_slots
            .clone()
            .acquire_owned()
            .await
            .expect("the job semaphore is never closed");
        if self.stopping() {
            return Ok(None);
        }
        let Some(job) = inner.db.job(job_id).await? else {
            return Ok(None);
        };
        if job.status.is_terminal() {
            return Ok(Some(job.status));
        }
        if matches!(job.status, JobStatus::Pending | JobStatus::DownloadingData) {
            self.download_missing(&job).await?;
            self.move_job(job_id, JobStatus::Running).await?;
        }
        tracing::info!(job_id, models = ?job.models, "job running");
        if !self.run_claims(job_id).await? {
            tracing::info!(job_id, "shutting down: the job is left for recovery");
            return Ok(Some(job.status));
        }
        let Some(status) = self
            .until_written("the job's end", || inner.db.finish_job_if_done(job_id))
            .await
        else {
            return Ok(Some(job.status));
        };
        tracing::info!(job_id, status = ?status, "job finished");
        Ok(status)
    }

    /// With a downloader: fetches the prices the plan's download dates still lack
    /// (`downloading_data`), records the download's warnings, and skips the days still
    /// incomplete afterwards.
    async fn download_missing(&self, job: &JobRecord) -> Result<(), StoreError> {
        let inner = &self.inner;
        let Some(downloader) = inner.downloader.clone() else {
            return Ok(());
        };
        let market = inner.market.snapshot();
        // Another job may have downloaded some of them since this one was planned.
        let needed: Vec<Date> = job
            .download_dates
            .iter()
            .copied()
            .filter(|d| market.availability().day(*d) != DayData::Complete)
            .collect();
        if needed.is_empty() {
            return Ok(());
        }
        let job_id = job.job_id.as_str();
        self.move_job(job_id, JobStatus::DownloadingData).await?;
        tracing::info!(job_id, dates = needed.len(), "downloading missing prices");
        let report = downloader
            .fill(&inner.db, &market, &needed, None, &|_, _| {})
            .await?;
        let fresh = inner.market.replace(inner.db.load_market().await?);
        let warnings = report.warnings();
        if !warnings.is_empty() {
            inner.db.append_warnings(job_id, warnings).await?;
        }
        for date in needed {
            if let Some(message) = fresh.availability().day(date).message() {
                inner.db.skip_pending_on(job_id, date, message).await?;
            }
        }
        Ok(())
    }

    /// Moves a job to `to`, unless another worker moved it there (or past it) first.
    async fn move_job(&self, job_id: &str, to: JobStatus) -> Result<(), StoreError> {
        match self.inner.db.set_job_status(job_id, to, None).await {
            Ok(_) => Ok(()),
            Err(StoreError::Transition(e)) => {
                tracing::debug!(job_id, error = %e, "another worker moved the job first");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Runs a job's model-days as this worker can claim them: each model through its own
    /// dates, the earliest waiting dates first. Returns when none is left unfinished (by any
    /// worker); `false` when shutdown stopped it (running model-days finish; the rest are left
    /// to other workers or to recovery).
    async fn run_claims(&self, job_id: &str) -> Result<bool, StoreError> {
        let inner = &self.inner;
        let mut running = tokio::task::JoinSet::new();
        loop {
            if self.stopping() {
                while running.join_next().await.is_some() {}
                return Ok(false);
            }
            let mut slots = Vec::new();
            while running.len() + slots.len() < inner.max_parallel_models {
                match inner.model_day_slots.clone().try_acquire_owned() {
                    Ok(slot) => slots.push(slot),
                    Err(_) => break,
                }
            }
            let mut finished = false;
            let mut busy = false;
            if !slots.is_empty() {
                let request = self.claim_request(slots.len() as u32);
                match inner.db.claim_ready(job_id, request).await {
                    Ok(claims) => {
                        for lease in claims.claimed {
                            let (worker, slot) = (self.clone(), slots.pop());
                            running.spawn(async move {
                                let _slot = slot;
                                worker.model_chain(lease).await;
                            });
                        }
                        finished = claims.unfinished == 0;
                        busy = claims.busy;
                    }
                    Err(e) => tracing::warn!(job_id, error = %e, "cannot claim model-days"),
                }
            }
            drop(slots);
            if finished && running.is_empty() {
                return Ok(true);
            }
            let wait = if busy { BUSY_RETRY } else { POLL };
            tokio::select! {
                Some(joined) = running.join_next(), if !running.is_empty() => joined?,
                () = inner.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// What this worker claims with: at most `limit` days.
    fn claim_request(&self, limit: u32) -> ClaimRequest {
        let inner = &self.inner;
        ClaimRequest {
            worker_id: inner.identity.worker_id.clone(),
            lease: inner.lease,
            limit,
            max_parallel: inner.max_parallel_models as u32,
            max_attempts: inner.max_attempts,
        }
    }

    /// Runs a claimed model-day and, as long as each commit claims the model's next day, the
    /// days after it: a model's chain goes on in its slot without another claim round.
    async fn model_chain(&self, mut lease: Lease) {
        while let Some(next) = self.model_day(lease).await {
            lease = next;
        }
        // A slot is free and a model's next day may be ready: every job run looks again.
        self.inner.wake.notify_waiters();
    }

    /// Runs one claimed model-day, renewing its lease meanwhile: committed when it succeeds
    /// (claiming the model's next day when it is ready, unless shutting down), failed with its
    /// reason (and nothing else written) when it does not. A day whose lease was lost is left
    /// to the worker that holds it now. Returns the next day claimed.
    async fn model_day(&self, lease: Lease) -> Option<Lease> {
        let inner = &self.inner;
        let db = &inner.db;
        let mut renewal = self.keep_lease(lease.clone());
        let traded = tokio::select! {
            traded = inner.trade_day(&lease) => traded,
            _ = &mut renewal => {
                tracing::warn!(%lease, "lease lost while the day ran; its work is dropped");
                return None;
            }
        };
        let next = match traded {
            Ok(day) => self
                .until_written("a model-day", || {
                    let next = (!self.stopping()).then(|| self.claim_request(1));
                    db.commit_day(day.clone(), lease.clone(), next)
                })
                .await
                .flatten(),
            Err(e) => {
                let (job_id, model, run) = (&lease.job_id, &lease.model, &lease.run);
                tracing::warn!(job_id, model, run, date = %lease.date, error = %e, "model-day failed");
                let failure = inner.redactor.redact(&format!("Execution failed: {e}"));
                self.until_written("a model-day", || {
                    db.fail_detail(lease.clone(), failure.clone())
                })
                .await;
                None
            }
        };
        renewal.abort();
        next
    }

    /// Renews `lease` every third of its length until aborted; ends when the lease is lost.
    fn keep_lease(&self, lease: Lease) -> tokio::task::JoinHandle<()> {
        let worker = self.clone();
        tokio::spawn(async move {
            let length = worker.inner.lease;
            loop {
                tokio::time::sleep(length / 3).await;
                match worker.inner.db.renew_lease(lease.clone(), length).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    // The lease may still hold: try again on the next round.
                    Err(e) => tracing::warn!(%lease, error = %e, "lease not renewed"),
                }
            }
        })
    }
}

/// The guarded value, even if a panicking holder poisoned the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
