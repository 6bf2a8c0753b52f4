//! The application: its state shared by the handlers, and the wiring of services from plain
//! settings and config (the store, prices, agents, news search, downloader, worker).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ai_trader_core::api::{DeploymentInfo, DeploymentMode};
use ai_trader_core::planner::ModelInfo;
use ai_trader_core::{Date, Plan, PlanContext, PlanError, PlanRequest, calendar, plan};
use anyhow::Context as _;

use crate::agent::search::DEFAULT_JINA_BASE;
use crate::agent::{NewsSearch, build_agents};
use crate::cache::{FinishedJobs, ResultsCache};
use crate::clock::Clock;
use crate::config::{FileConfig, Redactor, Settings, allowed_hosts, parse_origin, query_values};
use crate::market::{
    AlphaVantage, DEFAULT_ALPHAVANTAGE_BASE, Downloader, MarketData, PriceSource, SYNTHETIC_SEED,
    SharedMarket, synthetic_bars,
};
use crate::store::postgres::{PostgresStore, is_postgres_url};
use crate::store::sqlite::SqliteStore;
use crate::store::{Db, NewJob, PlanningState, Store, StoreError};
use crate::worker::{Worker, WorkerParts};

/// Everything a handler needs.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Prices in memory.
    pub market: SharedMarket,
    /// Runs jobs.
    pub worker: Worker,
    /// Runtime settings.
    pub settings: Settings,
    /// Models and agent settings.
    pub config: FileConfig,
    /// Downloads missing prices (with an Alpha Vantage key).
    pub downloader: Option<Arc<Downloader>>,
    /// The time.
    pub clock: Clock,
    /// Status answers of finished jobs.
    pub finished_jobs: FinishedJobs,
    /// `/results` answers, while their data is unchanged.
    pub results: ResultsCache,
    /// The `Host` names the API answers for (`None`: any).
    pub allowed_hosts: Option<Vec<String>>,
    /// CORS origins, as browsers send them.
    pub allowed_origins: Vec<String>,
    /// This process runs jobs (`serve`, `worker`, `run`); an API-only one (`serve
    /// --no-worker`) leaves them to worker processes.
    pub runs_jobs: bool,
    /// Held while this process runs jobs on the database: a second one refuses to start.
    _lock: Option<std::fs::File>,
}

/// Takes the lock of the database at `path` (a `<path>.lock` file beside it), or says which
/// process holds it. A second server or `run` on the same file would reset it under the first
/// (DEV) or resume its jobs twice.
fn lock_database(path: &std::path::Path) -> anyhow::Result<std::fs::File> {
    use std::io::{Read, Seek, Write};
    let lock_path = std::path::PathBuf::from(format!("{}.lock", path.display()));
    if let Some(parent) = lock_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    if file.try_lock().is_err() {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        anyhow::bail!(
            "the database {} is in use by another ai-trader process (pid {}): stop it first, or give this one another AI_TRADER_DATABASE",
            path.display(),
            holder.trim()
        );
    }
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    Ok(file)
}

/// The CORS origins of `ALLOWED_ORIGINS`: each entry as a browser sends it, with a warning for
/// an entry that had to be corrected (`http://host:8000/` → `http://host:8000`) or that can
/// never match (dropped).
fn allowed_origins(entries: &[String]) -> Vec<String> {
    let mut origins = Vec::new();
    for entry in entries {
        match parse_origin(entry) {
            Ok(origin) => {
                if origin != *entry {
                    tracing::warn!(entry, origin, "ALLOWED_ORIGINS entry read as its origin");
                }
                origins.push(origin);
            }
            Err(why) => tracing::warn!("ALLOWED_ORIGINS entry ignored: {why}"),
        }
    }
    origins
}

/// Every secret of the settings and config (keys, the API token, query values of endpoints):
/// none may appear in what the server stores, logs or answers.
pub fn redactor(settings: &Settings, config: &FileConfig) -> Redactor {
    let keys = config
        .models
        .iter()
        .filter_map(|m| m.openai_api_key.clone())
        .chain(settings.openai_api_key.clone())
        .chain(settings.jina_api_key.clone())
        .chain(settings.alphavantage_api_key.clone())
        .map(|k| k.expose().to_owned());
    let endpoints = config
        .models
        .iter()
        .filter_map(|m| m.openai_base_url.as_deref())
        .chain(settings.openai_api_base.as_deref())
        .chain(settings.jina_base_url.as_deref())
        .chain(settings.alphavantage_base_url.as_deref())
        .flat_map(query_values);
    Redactor::new(keys.chain(settings.api_token.clone()).chain(endpoints))
}

/// The news search, when a Jina key is configured.
pub fn news_search(settings: &Settings, redactor: &Redactor) -> Option<Arc<NewsSearch>> {
    let key = settings.jina_api_key.clone()?;
    let base = settings
        .jina_base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_JINA_BASE.to_owned());
    Some(Arc::new(NewsSearch::new(
        base,
        key,
        settings.search_keep_undated,
        redactor.clone(),
    )))
}

/// The price downloader, when an Alpha Vantage key is configured.
pub fn downloader(settings: &Settings, redactor: &Redactor) -> Option<Arc<Downloader>> {
    let key = settings.alphavantage_api_key.clone()?;
    let base = settings
        .alphavantage_base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_ALPHAVANTAGE_BASE.to_owned());
    let client = AlphaVantage::new(
        base,
        key,
        Duration::from_secs(settings.alphavantage_timeout_seconds.max(1)),
        Duration::from_millis(settings.alphavantage_retry_base_ms),
        redactor.clone(),
    );
    Some(Arc::new(Downloader::new(client)))
}

/// Whether the settings name a PostgreSQL database (else a SQLite file).
pub fn uses_postgres(settings: &Settings) -> bool {
    is_postgres_url(&settings.database.to_string_lossy())
}

/// Opens the database of `settings`: a PostgreSQL URL, or a SQLite file (created with its
/// folder).
pub fn open_store(settings: &Settings) -> anyhow::Result<Db> {
    if uses_postgres(settings) {
        let store = PostgresStore::connect(&settings.database.to_string_lossy(), settings.clock())
            .context("cannot open the PostgreSQL database of AI_TRADER_DATABASE")?;
        return Ok(Db::new(store));
    }
    let store = SqliteStore::open(&settings.database, settings.clock())
        .with_context(|| format!("cannot open the database {}", settings.database.display()))?;
    Ok(Db::new(store))
}

impl AppState {
    /// Opens the database (resetting it in DEV unless preserved), seeds the demo market when
    /// asked and the table is empty, loads prices, builds the agents and the worker.
    ///
    /// Only a process that runs jobs takes the database's lock and resets a DEV database: an
    /// API-only process (`runs_jobs` false) shares the database with the worker that holds it.
    pub fn open(
        settings: Settings,
        config: FileConfig,
        runs_jobs: bool,
    ) -> anyhow::Result<Arc<Self>> {
        let clock = settings.clock();
        // Processes share a PostgreSQL database by their leases; a SQLite file has one.
        let postgres = uses_postgres(&settings);
        let lock = (runs_jobs && !postgres)
            .then(|| lock_database(&settings.database))
            .transpose()?;
        if postgres && settings.mode == DeploymentMode::Dev && !settings.preserve_dev_data {
            tracing::warn!(
                "DEV mode does not reset a PostgreSQL database: other processes share it"
            );
        }
        if runs_jobs
            && !postgres
            && settings.mode == DeploymentMode::Dev
            && !settings.preserve_dev_data
        {
            SqliteStore::delete_files(&settings.database).with_context(|| {
                format!(
                    "cannot reset the DEV database {}",
                    settings.database.display()
                )
            })?;
            tracing::warn!(
                database = %settings.database.display(),
                "DEV mode: database reset; set PRESERVE_DEV_DATA=true to keep it"
            );
        }
        let db = open_store(&settings)?;
        let mut market = db.blocking().load_market()?;
        if market.is_empty() && settings.demo_market {
            seed_demo_market(db.blocking(), clock.today())?;
            market = db.blocking().load_market()?;
        }
        let market = SharedMarket::new(market);
        let redactor = redactor(&settings, &config);
        let agents = build_agents(&config, &settings, &redactor);
        let basemodels: BTreeMap<String, String> = config
            .models
            .iter()
            .map(|m| (m.signature.clone(), m.basemodel.clone()))
            .collect();
        let prices = config
            .models
            .iter()
            .map(|m| (m.signature.clone(), m.effective_pricing(settings.mode)))
            .collect();
        let downloader = downloader(&settings, &redactor);
        let worker = Worker::new(WorkerParts {
            db: db.clone(),
            market: market.clone(),
            agents,
            agent_config: config.agent_config.clone(),
            basemodels,
            prices,
            search: news_search(&settings, &redactor),
            downloader: downloader.clone(),
            clock,
            redactor,
            max_concurrent_jobs: settings.max_concurrent_jobs,
            max_parallel_models: settings.max_parallel_models,
            worker_concurrency: settings.worker_concurrency,
            max_attempts: settings.max_attempts,
            heartbeat: Duration::from_secs(settings.worker_heartbeat_seconds),
            lease: Duration::from_secs(settings.lease_seconds),
        });
        if runs_jobs {
            let waker = worker.clone();
            db.blocking().listen(Arc::new(move || waker.wake()));
        }
        let hosts = allowed_hosts(&settings.allowed_hosts, settings.bind_host.as_deref());
        let origins = allowed_origins(&settings.allowed_origins);
        Ok(Arc::new(Self {
            db,
            market,
            worker,
            settings,
            config,
            downloader,
            clock,
            finished_jobs: FinishedJobs::default(),
            results: ResultsCache::default(),
            allowed_hosts: hosts,
            allowed_origins: origins,
            runs_jobs,
            _lock: lock,
        }))
    }

    /// The deployment fields of responses.
    pub fn deployment(&self) -> DeploymentInfo {
        DeploymentInfo::new(self.settings.mode, self.settings.preserve_dev_data)
    }

    /// The current price snapshot.
    pub fn market(&self) -> Arc<MarketData> {
        self.market.snapshot()
    }

    /// The planning context for today, from a store snapshot, with market data limited to
    /// `window` when given.
    pub fn plan_context(&self, state: PlanningState, window: Option<(Date, Date)>) -> PlanContext {
        let market = self.market();
        let availability = market.availability();
        PlanContext {
            today: self.clock.today(),
            max_simulation_days: self.settings.max_simulation_days,
            models: self
                .config
                .models
                .iter()
                .map(|m| ModelInfo {
                    signature: m.signature.clone(),
                    enabled: m.enabled,
                    pricing: m.effective_pricing(self.settings.mode),
                    expected_tokens_per_day: m.expected_tokens_per_day,
                    budget_usd: m.budget_usd,
                })
                .collect(),
            market: Some(match window {
                Some((start, end)) => availability.window(start, end),
                None => availability.clone(),
            }),
            history: state.history,
            active_jobs: state.active_jobs,
            download_missing: self.downloader.is_some(),
            max_parallel_models: u32::try_from(self.settings.max_parallel_models).ok(),
        }
    }

    /// Plans `request` and stores the plan as a new job, atomically (the trigger and the
    /// command line both create jobs here). The caller starts it.
    pub async fn create_job(
        self: &Arc<Self>,
        request: PlanRequest,
    ) -> Result<Result<(String, Plan), PlanError>, StoreError> {
        let job = NewJob {
            job_id: uuid::Uuid::new_v4().to_string(),
            created_at: self.clock.timestamp(),
            request_json: serde_json::to_string(&request).unwrap_or_default(),
        };
        let job_id = job.job_id.clone();
        let state = self.clone();
        let planned = self
            .db
            .create_job(job, move |snapshot| {
                plan(&request, &state.plan_context(snapshot.clone(), None))
            })
            .await?;
        Ok(planned.map(|plan| {
            tracing::info!(
                job_id,
                run = plan.totals.run,
                skipped = plan.totals.skipped,
                "job created"
            );
            (job_id, plan)
        }))
    }

    /// Keeps this process's prices in step with the database: another process (an import, a
    /// worker's download) may write prices; they are reloaded within `every` of it.
    pub fn keep_market_fresh(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let (db, market) = (self.db.clone(), self.market.clone());
        tokio::spawn(async move {
            let mut seen = db.prices_version().await.ok();
            loop {
                tokio::time::sleep(every).await;
                let Ok(version) = db.prices_version().await else {
                    continue;
                };
                if seen == Some(version) {
                    continue;
                }
                match db.load_market().await {
                    Ok(fresh) => {
                        market.replace(fresh);
                        seen = Some(version);
                        tracing::info!(version, "prices reloaded: another process wrote some");
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot reload the prices"),
                }
            }
        })
    }

    /// Resumes (or closes, per `RESUME_INTERRUPTED_JOBS`) jobs a crash left active. On a
    /// database that several processes share, their leases recover each other's work instead:
    /// this only picks up the active jobs.
    pub async fn recover(&self) -> Result<usize, StoreError> {
        let ids = if self.db.blocking().shared() {
            if !self.settings.resume_interrupted_jobs {
                tracing::warn!(
                    "RESUME_INTERRUPTED_JOBS=false is ignored on PostgreSQL: a job there may be another worker's"
                );
            }
            self.db.active_job_ids().await?
        } else {
            let resume = self.settings.resume_interrupted_jobs;
            self.db.recover_interrupted(resume).await?
        };
        for id in &ids {
            tracing::info!(job_id = %id, "resuming interrupted job");
            self.worker.spawn(id.clone());
        }
        Ok(ids.len())
    }
}

/// The first day of the demo market: fixed, so that examples with dates keep working.
const DEMO_START: (i32, u32, u32) = (2024, 1, 2);

/// Writes the synthetic demo market: every trading day from 2024-01-02 to the day before
/// `today`.
fn seed_demo_market(store: &dyn Store, today: Date) -> Result<(), StoreError> {
    let end = calendar::previous_trading_day(today);
    let (y, m, d) = DEMO_START;
    let start = Date::from_ymd(y, m, d).unwrap_or(end).min(end);
    let bars = synthetic_bars(SYNTHETIC_SEED, start, end);
    tracing::info!(bars = bars.len(), %start, %end, "seeding the synthetic demo market");
    store.insert_prices(&bars, PriceSource::Synthetic)?;
    Ok(())
}
