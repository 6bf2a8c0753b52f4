//! The application state shared by the handlers, and how it is built from settings.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use ai_trader_core::api::{DeploymentInfo, DeploymentMode};
use ai_trader_core::planner::ModelInfo;
use ai_trader_core::{Date, PlanContext, calendar};
use anyhow::Context as _;

use crate::agent::build_agents;
use crate::clock;
use crate::config::{FileConfig, Settings};
use crate::market::{MarketData, PriceSource, SYNTHETIC_SEED, synthetic_bars};
use crate::store::sqlite::SqliteStore;
use crate::store::{PlanningState, Store, StoreError};
use crate::worker::{SharedMarket, Worker, WorkerParts, blocking};

/// Everything a handler needs.
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// Prices in memory.
    pub market: SharedMarket,
    /// Runs jobs.
    pub worker: Worker,
    /// Runtime settings.
    pub settings: Settings,
    /// Models and agent settings.
    pub config: FileConfig,
    /// Downloads missing prices (with an Alpha Vantage key).
    pub downloader: Option<Arc<crate::worker::Downloader>>,
}

impl AppState {
    /// Opens the database (resetting it in DEV unless preserved), seeds the demo market when
    /// asked and the table is empty, loads prices, builds the agents and the worker.
    pub fn open(settings: Settings, config: FileConfig) -> anyhow::Result<Arc<Self>> {
        let dev = settings.mode == DeploymentMode::Dev;
        if dev && !settings.preserve_dev_data {
            SqliteStore::delete_files(&settings.database).with_context(|| {
                format!(
                    "cannot reset the DEV database {}",
                    settings.database.display()
                )
            })?;
        }
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&settings.database).with_context(|| {
                format!("cannot open the database {}", settings.database.display())
            })?);
        let mut market = store.load_market()?;
        if market.is_empty() && settings.demo_market {
            seed_demo_market(store.as_ref())?;
            market = store.load_market()?;
        }
        let agents = build_agents(&config, &settings).map_err(anyhow::Error::msg)?;
        let basemodels: BTreeMap<String, String> = config
            .models
            .iter()
            .map(|m| (m.signature.clone(), m.basemodel.clone()))
            .collect();
        let market: SharedMarket = Arc::new(RwLock::new(Arc::new(market)));
        let downloader = settings.downloader();
        let worker = Worker::new(WorkerParts {
            store: store.clone(),
            market: market.clone(),
            agents,
            agent_config: config.agent_config.clone(),
            basemodels,
            search: settings.news_search(),
            downloader: downloader.clone(),
            max_concurrent_jobs: settings.max_concurrent_jobs,
            max_parallel_models: settings.max_parallel_models,
        });
        Ok(Arc::new(Self {
            store,
            market,
            worker,
            settings,
            config,
            downloader,
        }))
    }

    /// The deployment fields of responses.
    pub fn deployment(&self) -> DeploymentInfo {
        DeploymentInfo::new(self.settings.mode, self.settings.preserve_dev_data)
    }

    /// The current price snapshot.
    pub fn market(&self) -> Arc<MarketData> {
        self.market.read().map(|m| m.clone()).unwrap_or_default()
    }

    /// Reloads prices after an import.
    pub fn reload_market(&self) -> Result<(), StoreError> {
        let market = Arc::new(self.store.load_market()?);
        if let Ok(mut shared) = self.market.write() {
            *shared = market;
        }
        Ok(())
    }

    /// The planning context for `today`, from a store snapshot, with market data limited to
    /// `window` when given.
    pub fn plan_context(&self, state: PlanningState, window: Option<(Date, Date)>) -> PlanContext {
        let market = self.market();
        let availability = market.availability();
        PlanContext {
            today: clock::today(),
            max_simulation_days: self.settings.max_simulation_days,
            models: self
                .config
                .models
                .iter()
                .map(|m| ModelInfo {
                    signature: m.signature.clone(),
                    enabled: m.enabled,
                })
                .collect(),
            market: Some(match window {
                Some((start, end)) => availability.window(start, end),
                None => availability.clone(),
            }),
            history: state.history,
            active_jobs: state.active_jobs,
            download_missing: self.downloader.is_some(),
        }
    }

    /// Resumes (or closes, per `RESUME_INTERRUPTED_JOBS`) jobs a crash left active.
    pub async fn recover(&self) -> Result<usize, StoreError> {
        let store = self.store.clone();
        let resume = self.settings.resume_interrupted_jobs;
        let ids = blocking(move || store.recover_interrupted(resume)).await?;
        for id in &ids {
            tracing::info!(job_id = %id, "resuming interrupted job");
            self.worker.spawn(id.clone());
        }
        Ok(ids.len())
    }
}

/// The first day of the demo market: fixed, so that examples with dates keep working.
const DEMO_START: (i32, u32, u32) = (2024, 1, 2);

/// Writes the synthetic demo market: every trading day from 2024-01-02 to yesterday.
fn seed_demo_market(store: &dyn Store) -> Result<(), StoreError> {
    let end = calendar::previous_trading_day(clock::today());
    let (y, m, d) = DEMO_START;
    let start = Date::from_ymd(y, m, d).unwrap_or(end).min(end);
    let bars = synthetic_bars(SYNTHETIC_SEED, start, end);
    tracing::info!(bars = bars.len(), %start, %end, "seeding the synthetic demo market");
    store.insert_prices(&bars, PriceSource::Synthetic)?;
    Ok(())
}
