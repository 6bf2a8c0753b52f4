//! The job worker: dates in order; within a date, models in parallel (bounded); each model-day
//! commits in one transaction; at most `MAX_CONCURRENT_JOBS` jobs run at once (others wait,
//! `pending`). Status changes go through the store, which checks them with the core state
//! machine.

mod download;
mod model_day;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use ai_trader_core::{Date, DetailStatus, JobStatus};
use tokio::sync::Semaphore;

use crate::agent::{Agents, NewsSearch};
use crate::config::AgentConfig;
use crate::market::MarketData;
use crate::store::{Store, StoreError};

pub use download::{DownloadReport, Downloader};
pub use model_day::run_model_day;

/// The market snapshot shared by the API and the worker; replaced after an import.
pub type SharedMarket = Arc<RwLock<Arc<MarketData>>>;

/// Runs jobs in the background.
#[derive(Clone)]
pub struct Worker {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    market: SharedMarket,
    agents: Agents,
    agent_config: AgentConfig,
    basemodels: BTreeMap<String, String>,
    search: Option<Arc<NewsSearch>>,
    downloader: Option<Arc<Downloader>>,
    job_slots: Arc<Semaphore>,
    max_parallel_models: usize,
    /// Jobs being run by this process: a job is never run twice at once.
    running: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// Removes a job from the running set when its run ends, however it ends.
struct RunGuard<'a>(&'a Inner, String);

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.0.running.lock() {
            running.remove(&self.1);
        }
    }
}

/// What a worker is built from.
pub struct WorkerParts {
    /// The database.
    pub store: Arc<dyn Store>,
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
    /// `MAX_CONCURRENT_JOBS`.
    pub max_concurrent_jobs: usize,
    /// `MAX_PARALLEL_MODELS`.
    pub max_parallel_models: usize,
}

/// Runs a blocking store call off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(StoreError::Corrupt(format!("store task failed: {e}"))))
}

impl Worker {
    /// A worker over the store, market and agents.
    pub fn new(parts: WorkerParts) -> Self {
        Self {
            inner: Arc::new(Inner {
                store: parts.store,
                market: parts.market,
                agents: parts.agents,
                agent_config: parts.agent_config,
                basemodels: parts.basemodels,
                search: parts.search,
                downloader: parts.downloader,
                job_slots: Arc::new(Semaphore::new(parts.max_concurrent_jobs.max(1))),
                max_parallel_models: parts.max_parallel_models.max(1),
                running: std::sync::Mutex::new(std::collections::HashSet::new()),
            }),
        }
    }

    /// Starts running a job in the background.
    pub fn spawn(&self, job_id: String) -> tokio::task::JoinHandle<()> {
        let worker = self.clone();
        tokio::spawn(async move {
            if let Err(e) = worker.run(&job_id).await {
                tracing::error!(job_id, error = %e, "job failed");
                let store = worker.inner.store.clone();
                let message = format!("Job execution failed: {e}");
                let id = job_id.clone();
                let _ =
                    blocking(move || store.set_job_status(&id, JobStatus::Failed, Some(&message)))
                        .await;
            }
        })
    }

    /// Runs a job to its end (the caller decides whether to await it). If this process is
    /// already running the job, waits for that run to end instead.
    pub async fn run(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let inner = &self.inner;
        let claimed = inner
            .running
            .lock()
            .map(|mut r| r.insert(job_id.to_owned()))
            .unwrap_or(false);
        if !claimed {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                let busy = inner
                    .running
                    .lock()
                    .map(|r| r.contains(job_id))
                    .unwrap_or(false);
                if !busy {
                    let store = inner.store.clone();
                    let id = job_id.to_owned();
                    return Ok(blocking(move || store.job(&id)).await?.map(|j| j.status));
                }
            }
        }
        let _guard = RunGuard(inner, job_id.to_owned());
        let _slot = inner
            .job_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let store = inner.store.clone();
        let id = job_id.to_owned();
        let Some(job) = blocking(move || store.job(&id)).await? else {
            return Ok(None);
        };
        if job.status.is_terminal() {
            return Ok(Some(job.status));
        }
        if job.status == JobStatus::Pending {
            self.download_missing(job_id, &job.date_range).await?;
            let store = inner.store.clone();
            let id = job_id.to_owned();
            blocking(move || store.set_job_status(&id, JobStatus::Running, None)).await?;
        }
        tracing::info!(job_id, models = ?job.models, "job running");
        for date in job.date_range.iter().copied() {
            self.run_date(job_id, date).await?;
        }
        let store = inner.store.clone();
        let id = job_id.to_owned();
        let status = blocking(move || store.finish_job_if_done(&id)).await?;
        tracing::info!(job_id, status = ?status, "job finished");
        Ok(status)
    }

    /// With a downloader: fetches the prices the job's trading days lack (`downloading_data`),
    /// records the download's warnings, and skips the days still incomplete afterwards.
    async fn download_missing(&self, job_id: &str, dates: &[Date]) -> Result<(), StoreError> {
        let inner = &self.inner;
        let Some(downloader) = inner.downloader.clone() else {
            return Ok(());
        };
        let market = inner.market.read().map(|m| m.clone()).unwrap_or_default();
        let needed: Vec<Date> = dates
            .iter()
            .copied()
            .filter(|d| ai_trader_core::calendar::is_trading_day(*d))
            .filter(|d| market.availability().day(*d) != ai_trader_core::market::DayData::Complete)
            .collect();
        if needed.is_empty() {
            return Ok(());
        }
        let (store, id) = (inner.store.clone(), job_id.to_owned());
        blocking(move || store.set_job_status(&id, JobStatus::DownloadingData, None)).await?;
        tracing::info!(job_id, dates = needed.len(), "downloading missing prices");
        let report = downloader
            .fill(inner.store.clone(), &market, &needed, None, &|_, _| {})
            .await?;
        let store = inner.store.clone();
        let fresh = Arc::new(blocking(move || store.load_market()).await?);
        if let Ok(mut shared) = inner.market.write() {
            *shared = fresh.clone();
        }
        let warnings = report.warnings();
        if !warnings.is_empty() {
            let (store, id) = (inner.store.clone(), job_id.to_owned());
            blocking(move || store.append_warnings(&id, &warnings)).await?;
        }
        for date in needed {
            let data = fresh.availability().day(date);
            if let Some(message) = data.message() {
                let (store, id) = (inner.store.clone(), job_id.to_owned());
                blocking(move || store.skip_pending_on(&id, date, &message)).await?;
            }
        }
        Ok(())
    }

    /// Runs the pending model-days of one date, models in parallel.
    async fn run_date(&self, job_id: &str, date: Date) -> Result<(), StoreError> {
        let inner = &self.inner;
        let store = inner.store.clone();
        let id = job_id.to_owned();
        let pending: Vec<String> = blocking(move || store.details(&id))
            .await?
            .into_iter()
            .filter(|d| d.date == date && d.status == DetailStatus::Pending)
            .map(|d| d.model)
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        let limit = Arc::new(Semaphore::new(inner.max_parallel_models));
        let mut tasks = Vec::with_capacity(pending.len());
        for model in pending {
            let worker = self.clone();
            let limit = limit.clone();
            let job_id = job_id.to_owned();
            tasks.push(tokio::spawn(async move {
                let _permit = limit.acquire_owned().await.ok();
                worker.model_day(&job_id, date, &model).await
            }));
        }
        for task in tasks {
            task.await
                .map_err(|e| StoreError::Corrupt(format!("model-day task failed: {e}")))??;
        }
        Ok(())
    }

    async fn model_day(&self, job_id: &str, date: Date, model: &str) -> Result<(), StoreError> {
        let inner = &self.inner;
        let store = inner.store.clone();
        let (id, m) = (job_id.to_owned(), model.to_owned());
        if !blocking(move || store.start_detail(&id, date, &m)).await? {
            return Ok(()); // cancelled meanwhile
        }
        let market = inner.market.read().map(|m| m.clone()).unwrap_or_default();
        let result = match inner.agents.get(model) {
            None => Err(format!("Model {model} not found in config")),
            Some(agent) => {
                let basemodel = inner.basemodels.get(model).cloned().unwrap_or_default();
                run_model_day(
                    inner.store.clone(),
                    market,
                    agent.as_ref(),
                    &inner.agent_config,
                    job_id,
                    model,
                    &basemodel,
                    date,
                    inner.search.clone(),
                )
                .await
            }
        };
        let store = inner.store.clone();
        let (id, m) = (job_id.to_owned(), model.to_owned());
        match result {
            Ok(day) => {
                let committed = {
                    let store = store.clone();
                    blocking(move || store.commit_day(&day)).await
                };
                if let Err(e) = committed {
                    tracing::error!(job_id, model, %date, error = %e, "commit failed");
                    let message = format!("Execution failed: could not save the day: {e}");
                    blocking(move || store.fail_detail(&id, date, &m, &message)).await?;
                }
            }
            Err(message) => {
                tracing::warn!(job_id, model, %date, error = %message, "model-day failed");
                let message = format!("Execution failed: {message}");
                blocking(move || store.fail_detail(&id, date, &m, &message)).await?;
            }
        }
        Ok(())
    }
}
