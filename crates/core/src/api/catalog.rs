//! `GET /models`, `GET /market/coverage`, `GET /health`.

use serde::{Deserialize, Serialize};

use super::{DeploymentInfo, Provider, Timestamp};
use crate::Date;
use crate::market::IncompleteDay;

/// A configured model, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelSummary {
    /// Display name.
    pub name: String,
    /// The provider's model id, e.g. `openai/gpt-5`.
    pub basemodel: String,
    /// The unique signature.
    pub signature: String,
    /// Runs when a request names no models.
    pub enabled: bool,
    /// The provider that runs the model in this deployment (in DEV, LLM models run on the mock).
    pub provider: Provider,
    /// The endpoint (no key), for OpenAI-compatible models.
    pub openai_base_url: Option<String>,
    /// Whether a key is configured (the key itself is never shown).
    pub has_api_key: bool,
}

/// The answer of `GET /models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelsResponse {
    /// Configured models.
    pub models: Vec<ModelSummary>,
    /// Deployment fields.
    #[serde(flatten)]
    pub deployment: DeploymentInfo,
}

/// One symbol's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SymbolCoverage {
    /// The symbol.
    pub symbol: String,
    /// First date with a price.
    pub first_date: Date,
    /// Last date with a price.
    pub last_date: Date,
    /// Days with a price.
    pub days: u32,
    /// `imported`, `downloaded` or `synthetic`.
    pub source: String,
}

/// The answer of `GET /market/coverage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CoverageResponse {
    /// Per-symbol coverage, by symbol.
    pub symbols: Vec<SymbolCoverage>,
    /// First date with any price.
    pub first_date: Option<Date>,
    /// Last date with any price.
    pub last_date: Option<Date>,
    /// Trading days with complete data.
    pub tradable_dates: Vec<Date>,
    /// Trading days with missing symbols.
    pub incomplete: Vec<IncompleteDay>,
    /// The prices are generated, not real.
    pub synthetic: bool,
}

/// A worker process that runs jobs on this database, as it last announced itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WorkerInfo {
    /// Unique per process start.
    pub worker_id: String,
    /// The machine it runs on.
    pub host: String,
    /// Its process id there.
    pub pid: u32,
    /// When it started.
    pub started_at: Timestamp,
    /// Its last heartbeat.
    pub heartbeat_at: Timestamp,
}

/// The answer of `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct HealthResponse {
    /// `healthy`, `degraded` (serving, but writes fail and are being retried) or `unhealthy`.
    pub status: String,
    /// With `degraded`: what fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The worker processes whose heartbeat is recent (none: jobs wait until one starts).
    #[serde(default)]
    pub workers: Vec<WorkerInfo>,
    /// `connected` or `disconnected`.
    pub database: String,
    /// The server's time.
    pub timestamp: Timestamp,
    /// The server's version.
    pub version: String,
    /// The market data is synthetic demo data.
    pub synthetic_market_data: bool,
    /// Deployment fields.
    #[serde(flatten)]
    pub deployment: DeploymentInfo,
}
