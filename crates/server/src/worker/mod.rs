//! The job worker: each model of a job moves through its own dates as fast as it can (a
//! model-day starts when the core's readiness rule says so: the model's previous day ended),
//! never waiting for another model; at most `MAX_PARALLEL_MODELS` model-days of a job and
//! `WORKER_CONCURRENCY` over all jobs run at once; each model-day commits in one transaction; at
//! most `MAX_CONCURRENT_JOBS` jobs run at once (others wait, `pending`). Status changes go
//! through the store, which checks them with the core state machine.

mod model_day;
mod service;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ai_trader_core::market::DayData;
use ai_trader_core::{Date, DetailStatus, JobStatus};
use tokio::sync::{Semaphore, watch};

use crate::agent::{Agents, NewsSearch};
use crate::clock::Clock;
use crate::config::{AgentConfig, Redactor};
use crate::market::{Downloader, SharedMarket};
use crate::store::{Db, JobRecord, StoreError};

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
}

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
            }),
        }
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
    /// apart) and reported by [`Worker::write_problem`] meanwhile, so nothing this worker has
    /// started is ever left without someone working on it, and it heals without a restart.
    /// `None` when shutdown came first (restart recovery takes over).
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
        if job.status == JobStatus::Pending {
            self.download_missing(&job).await?;
            inner
                .db
                .set_job_status(job_id, JobStatus::Running, None)
                .await?;
        }
        tracing::info!(job_id, models = ?job.models, "job running");
        if !self.run_ready(job_id).await? {
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
        inner
            .db
            .set_job_status(job_id, JobStatus::DownloadingData, None)
            .await?;
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

    /// Runs a job's model-days as each becomes ready: each model through its own dates, the
    /// earliest waiting dates first when the job's limit is reached. `false` when shutdown
    /// stopped it (running model-days finish; the rest stay pending for recovery).
    async fn run_ready(&self, job_id: &str) -> Result<bool, StoreError> {
        let mut days: BTreeMap<String, Vec<(Date, DetailStatus)>> = BTreeMap::new();
        for d in self.inner.db.details(job_id).await? {
            days.entry(d.model).or_default().push((d.date, d.status));
        }
        // Ready and not started yet, by date then model.
        let mut waiting: BTreeSet<(Date, String)> = BTreeSet::new();
        for (model, model_days) in &days {
            waiting.extend(ready_of(model, model_days));
        }
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < self.inner.max_parallel_models && !self.stopping() {
                let Some((date, model)) = waiting.pop_first() else {
                    break;
                };
                set_status(&mut days, &model, date, DetailStatus::Running);
                let (worker, job_id) = (self.clone(), job_id.to_owned());
                running.spawn(async move {
                    let slots = worker.inner.model_day_slots.clone();
                    let _slot = slots.acquire_owned().await;
                    let ended = worker
                        .until_written("a model-day", || worker.model_day(&job_id, date, &model))
                        .await
                        .unwrap_or(DetailStatus::Pending);
                    (model, date, ended)
                });
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            let (model, date, ended) = joined?;
            set_status(&mut days, &model, date, ended);
            if let Some(model_days) = days.get(&model) {
                waiting.extend(ready_of(&model, model_days));
            }
        }
        Ok(!self.stopping())
    }

    /// Starts, runs and ends one model-day: committed when it succeeds, failed with its reason
    /// (and nothing else written) when it does not. Returns the status it ended in (`skipped`
    /// when a cancel took it before it started).
    async fn model_day(
        &self,
        job_id: &str,
        date: Date,
        model: &str,
    ) -> Result<DetailStatus, StoreError> {
        let db = &self.inner.db;
        if self.stopping() {
            return Ok(DetailStatus::Pending);
        }
        // Pending, or still running after a write of this day failed: (re)run it.
        if !db
            .start_detail(job_id, date, model, self.inner.max_attempts)
            .await?
        {
            // Ended meanwhile: cancelled, or failed after too many attempts.
            return Ok(DetailStatus::Skipped);
        }
        let failure = match self.inner.trade_day(job_id, model, date).await {
            Ok(day) => match db.commit_day(day).await {
                Ok(()) => return Ok(DetailStatus::Completed),
                Err(e) => {
                    tracing::error!(job_id, model, %date, error = %e, "commit failed");
                    format!("Execution failed: could not save the day: {e}")
                }
            },
            Err(e) => {
                tracing::warn!(job_id, model, %date, error = %e, "model-day failed");
                format!("Execution failed: {e}")
            }
        };
        let failure = self.inner.redactor.redact(&failure);
        db.fail_detail(job_id, date, model, failure).await?;
        Ok(DetailStatus::Failed)
    }
}

/// The model's next model-day to start, if it is ready (the core's rule).
fn ready_of(model: &str, model_days: &[(Date, DetailStatus)]) -> Vec<(Date, String)> {
    ai_trader_core::job::ready(
        model_days
            .iter()
            .map(|(date, status)| (model, *date, *status)),
    )
    .into_iter()
    .map(|(_, date)| (date, model.to_owned()))
    .collect()
}

fn set_status(
    days: &mut BTreeMap<String, Vec<(Date, DetailStatus)>>,
    model: &str,
    date: Date,
    status: DetailStatus,
) {
    if let Some(day) = days
        .get_mut(model)
        .and_then(|d| d.iter_mut().find(|(d, _)| *d == date))
    {
        day.1 = status;
    }
}

/// The guarded value, even if a panicking holder poisoned the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
