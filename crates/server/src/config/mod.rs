//! Configuration: the reference's JSON config file (models and agent settings), the built-in
//! default, and the environment variables that override them.
//!
//! A bad file is a [`ConfigError`] that names the file and the field.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ai_trader_core::api::DeploymentMode;
use ai_trader_core::ledger::{DEFAULT_INITIAL_CASH, Fees};
use ai_trader_core::universe::BENCHMARK;
use serde::{Deserialize, Serialize};

/// How a model trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// An OpenAI-compatible chat-completions endpoint.
    Openai,
    /// The deterministic offline mock.
    Mock,
    /// Buys the benchmark (or `symbol`) on its first day and holds it.
    BuyAndHold,
    /// Spreads its cash equally over the universe on its first day and holds.
    EqualWeight,
}

impl Provider {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Openai => "openai",
            Self::Mock => "mock",
            Self::BuyAndHold => "buy_and_hold",
            Self::EqualWeight => "equal_weight",
        }
    }

    /// A rule-based baseline rather than an agent.
    pub fn is_baseline(self) -> bool {
        matches!(self, Self::BuyAndHold | Self::EqualWeight)
    }
}

/// One entry of `models[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Display name.
    pub name: String,
    /// The provider's model id.
    pub basemodel: String,
    /// The unique signature jobs use.
    pub signature: String,
    /// Runs when a request names no models.
    pub enabled: bool,
    /// `openai` (default), `mock`, `buy_and_hold` or `equal_weight`.
    #[serde(default)]
    pub provider: Option<Provider>,
    /// Endpoint of an OpenAI-compatible provider.
    #[serde(default)]
    pub openai_base_url: Option<String>,
    /// Its key (never shown or logged).
    #[serde(default)]
    pub openai_api_key: Option<Secret>,
    /// The symbol a `buy_and_hold` baseline holds (default QQQ).
    #[serde(default)]
    pub symbol: Option<String>,
    /// At most this many provider requests per minute for this model (0 or absent: no limit).
    #[serde(default)]
    pub requests_per_minute: Option<u32>,
    /// Simulated response time of the `mock` provider per model-day, in milliseconds (demos
    /// and tests of long-running jobs).
    #[serde(default)]
    pub latency_ms: Option<u64>,
}

impl ModelConfig {
    /// The configured provider (`openai` when unset, as in the reference).
    pub fn provider(&self) -> Provider {
        self.provider.unwrap_or(Provider::Openai)
    }
}

/// A secret string: `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// A secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it (an `Authorization` header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `agent_config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Steps per model-day.
    #[serde(default = "default_max_steps")]
    pub max_steps: u32,
    /// Retries of a failed provider call.
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// Base delay of the retry backoff, seconds.
    #[serde(default = "default_base_delay")]
    pub base_delay: f64,
    /// Starting cash of every model.
    #[serde(default = "default_initial_cash")]
    pub initial_cash: f64,
    /// Timeout of one provider request, seconds.
    #[serde(default = "default_request_timeout")]
    pub request_timeout: f64,
    /// Flat commission per trade.
    #[serde(default)]
    pub commission_per_trade: f64,
    /// Commission in basis points of the traded value.
    #[serde(default)]
    pub commission_bps: f64,
    /// Accepted for compatibility with the reference; the universe is NASDAQ-100.
    #[serde(default)]
    pub stock_symbols: Option<Vec<String>>,
    /// Accepted for compatibility with the reference (tools run in process).
    #[serde(default)]
    pub mcp_config: Option<serde_json::Value>,
}

fn default_max_steps() -> u32 {
    30
}
fn default_max_retries() -> u32 {
    3
}
fn default_base_delay() -> f64 {
    1.0
}
fn default_request_timeout() -> f64 {
    60.0
}
fn default_initial_cash() -> f64 {
    DEFAULT_INITIAL_CASH
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            max_steps: default_max_steps(),
            max_retries: default_max_retries(),
            base_delay: default_base_delay(),
            initial_cash: default_initial_cash(),
            request_timeout: default_request_timeout(),
            commission_per_trade: 0.0,
            commission_bps: 0.0,
            stock_symbols: None,
            mcp_config: None,
        }
    }
}

impl AgentConfig {
    /// The trading costs.
    pub fn fees(&self) -> Fees {
        Fees {
            per_trade: self.commission_per_trade,
            bps: self.commission_bps,
        }
    }
}

/// The config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileConfig {
    /// Always `BaseAgent` in the reference; accepted and ignored.
    #[serde(default)]
    pub agent_type: Option<String>,
    /// Accepted and ignored (the reference used it for its CLI only).
    #[serde(default)]
    pub date_range: Option<serde_json::Value>,
    /// The models.
    pub models: Vec<ModelConfig>,
    /// Agent settings.
    #[serde(default)]
    pub agent_config: AgentConfig,
    /// Accepted and ignored.
    #[serde(default)]
    pub log_config: Option<serde_json::Value>,
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("config file {path}: cannot be read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A field is missing, mistyped or invalid.
    #[error("config file {path}: {field}: {message}")]
    Field {
        /// The file.
        path: PathBuf,
        /// The field, e.g. `models[1].signature`.
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl FileConfig {
    /// The built-in configuration: the mock and two baselines, no key needed.
    pub fn builtin() -> Self {
        let model = |name: &str, signature: &str, provider, symbol: Option<&str>| ModelConfig {
            name: name.to_owned(),
            basemodel: format!("builtin/{signature}"),
            signature: signature.to_owned(),
            enabled: true,
            provider: Some(provider),
            openai_base_url: None,
            openai_api_key: None,
            symbol: symbol.map(str::to_owned),
            latency_ms: None,
            requests_per_minute: None,
        };
        Self {
            agent_type: None,
            date_range: None,
            models: vec![
                model("Mock trader", "mock-trader", Provider::Mock, None),
                model(
                    "Buy and hold QQQ",
                    "buy-and-hold-qqq",
                    Provider::BuyAndHold,
                    Some(BENCHMARK),
                ),
                model("Equal weight", "equal-weight", Provider::EqualWeight, None),
            ],
            agent_config: AgentConfig {
                max_steps: 10,
                ..AgentConfig::default()
            },
            log_config: None,
        }
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses and validates config text (`path` names it in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let field = |field: String, message: String| ConfigError::Field {
            path: path.to_owned(),
            field,
            message,
        };
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let config: Self = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let location = e.path().to_string();
            let location = if location == "." || location == "?" {
                "(root)".to_owned()
            } else {
                location
            };
            field(location, e.into_inner().to_string())
        })?;
        config.validate().map_err(|(f, m)| field(f, m))?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), (String, String)> {
        if self.models.is_empty() {
            return Err(("models".into(), "must be a non-empty array".into()));
        }
        let mut seen = HashSet::new();
        for (i, model) in self.models.iter().enumerate() {
            let at = |f: &str| format!("models[{i}].{f}");
            if model.signature.trim().is_empty() {
                return Err((at("signature"), "must not be empty".into()));
            }
            if model.signature.contains(',') || model.signature.contains('/') {
                return Err((at("signature"), "must not contain ',' or '/'".into()));
            }
            if !seen.insert(model.signature.as_str()) {
                return Err((
                    at("signature"),
                    format!("duplicate model signature: {}", model.signature),
                ));
            }
            if let Some(url) = &model.openai_base_url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                return Err((
                    at("openai_base_url"),
                    "must start with http:// or https://".into(),
                ));
            }
        }
        if !self.models.iter().any(|m| m.enabled) {
            return Err(("models".into(), "at least one model must be enabled".into()));
        }
        let agent = &self.agent_config;
        if agent.max_steps == 0 {
            return Err(("agent_config.max_steps".into(), "must be > 0".into()));
        }
        if !(agent.initial_cash.is_finite() && agent.initial_cash > 0.0) {
            return Err(("agent_config.initial_cash".into(), "must be > 0".into()));
        }
        if !(agent.request_timeout.is_finite() && agent.request_timeout > 0.0) {
            return Err((
                "agent_config.request_timeout".into(),
                "must be > 0 seconds".into(),
            ));
        }
        if !(agent.base_delay.is_finite() && agent.base_delay >= 0.0) {
            return Err(("agent_config.base_delay".into(), "must be >= 0".into()));
        }
        for (name, value) in [
            ("commission_per_trade", agent.commission_per_trade),
            ("commission_bps", agent.commission_bps),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err((format!("agent_config.{name}"), "must be >= 0".into()));
            }
        }
        Ok(())
    }
}

/// Runtime settings from the environment (and CLI flags).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `PROD` or `DEV` (`DEPLOYMENT_MODE`).
    pub mode: DeploymentMode,
    /// DEV keeps its database across restarts (`PRESERVE_DEV_DATA`).
    pub preserve_dev_data: bool,
    /// The database file, already adjusted for DEV.
    pub database: PathBuf,
    /// `MAX_SIMULATION_DAYS`.
    pub max_simulation_days: u32,
    /// `DEFAULT_RESULTS_LOOKBACK_DAYS`.
    pub results_lookback_days: u32,
    /// `MAX_CONCURRENT_JOBS`.
    pub max_concurrent_jobs: usize,
    /// `MAX_PARALLEL_MODELS`: models run at once within a date.
    pub max_parallel_models: usize,
    /// `RESUME_INTERRUPTED_JOBS`.
    pub resume_interrupted_jobs: bool,
    /// `ALLOWED_ORIGINS`: CORS origins (`*` for any).
    pub allowed_origins: Vec<String>,
    /// `AI_TRADER_API_TOKEN`: bearer token for mutating endpoints.
    pub api_token: Option<String>,
    /// Seed a synthetic demo market when the price table is empty.
    pub demo_market: bool,
    /// `OPENAI_API_BASE`: the endpoint of models that name none.
    pub openai_api_base: Option<String>,
    /// `OPENAI_API_KEY`: the key of models that give none.
    pub openai_api_key: Option<Secret>,
    /// `JINA_API_KEY`: enables the `search` tool.
    pub jina_api_key: Option<Secret>,
    /// `JINA_BASE_URL`: the search endpoint (default Jina's).
    pub jina_base_url: Option<String>,
    /// `SEARCH_KEEP_UNDATED`: keep search results without a publication date.
    pub search_keep_undated: bool,
    /// `ALPHAADVANTAGE_API_KEY` (the reference's spelling; `ALPHAVANTAGE_API_KEY` also works):
    /// enables price downloads.
    pub alphavantage_api_key: Option<Secret>,
    /// `ALPHAVANTAGE_BASE_URL`.
    pub alphavantage_base_url: Option<String>,
    /// `ALPHAVANTAGE_RETRY_BASE_MS`: first retry delay of a download (default 1000).
    pub alphavantage_retry_base_ms: u64,
    /// `ALPHAVANTAGE_TIMEOUT_SECONDS`: per request (default 30).
    pub alphavantage_timeout_seconds: u64,
    /// `AI_TRADER_UI_DIR`: the built web UI to serve at `/` (Trunk's `dist/`).
    pub ui_dir: Option<PathBuf>,
}

impl Settings {
    /// The news search, when a Jina key is configured.
    pub fn news_search(&self) -> Option<std::sync::Arc<crate::agent::NewsSearch>> {
        let key = self.jina_api_key.clone()?;
        let base = self
            .jina_base_url
            .clone()
            .unwrap_or_else(|| crate::agent::search::DEFAULT_JINA_BASE.to_owned());
        Some(std::sync::Arc::new(crate::agent::NewsSearch::new(
            base,
            key,
            self.search_keep_undated,
        )))
    }

    /// The price downloader, when an Alpha Vantage key is configured.
    pub fn downloader(&self) -> Option<std::sync::Arc<crate::worker::Downloader>> {
        let key = self.alphavantage_api_key.clone()?;
        let base = self
            .alphavantage_base_url
            .clone()
            .unwrap_or_else(|| crate::market::DEFAULT_ALPHAVANTAGE_BASE.to_owned());
        let client = crate::market::AlphaVantage::new(
            base,
            key,
            std::time::Duration::from_secs(self.alphavantage_timeout_seconds.max(1)),
            std::time::Duration::from_millis(self.alphavantage_retry_base_ms),
        );
        Some(std::sync::Arc::new(crate::worker::Downloader::new(client)))
    }

    /// `PROD` or `DEV`.
    pub fn mode_name(&self) -> &'static str {
        match self.mode {
            DeploymentMode::Prod => "PROD",
            DeploymentMode::Dev => "DEV",
        }
    }
}

/// An environment variable with a bad value.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}={value:?}: {message}")]
pub struct EnvError {
    /// The variable.
    pub name: String,
    /// Its value.
    pub value: String,
    /// What is allowed.
    pub message: String,
}

/// Reads environment variables through a lookup function (tests pass a map).
pub struct Env<'a>(pub &'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    fn parse<T: std::str::FromStr>(
        &self,
        name: &str,
        default: T,
        allowed: &str,
    ) -> Result<T, EnvError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => value.trim().parse().map_err(|_| EnvError {
                name: name.to_owned(),
                value,
                message: format!("expected {allowed}"),
            }),
        }
    }

    fn flag(&self, name: &str, default: bool) -> Result<bool, EnvError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(EnvError {
                    name: name.to_owned(),
                    value,
                    message: "expected true or false".into(),
                }),
            },
        }
    }

    /// Settings from the environment; `database` is the base path before the DEV adjustment.
    pub fn settings(&self, database: Option<PathBuf>) -> Result<Settings, EnvError> {
        let mode = match self
            .get("DEPLOYMENT_MODE")
            .map(|m| m.trim().to_ascii_uppercase())
        {
            Some(m) if m == "DEV" => DeploymentMode::Dev,
            _ => DeploymentMode::Prod,
        };
        let base = database
            .or_else(|| self.get("AI_TRADER_DATABASE").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("data/jobs.db"));
        let positive = |name: &str, default: u32| -> Result<u32, EnvError> {
            let value = self.parse(name, default, "a whole number > 0")?;
            if value == 0 {
                return Err(EnvError {
                    name: name.into(),
                    value: "0".into(),
                    message: "expected a whole number > 0".into(),
                });
            }
            Ok(value)
        };
        Ok(Settings {
            mode,
            preserve_dev_data: self.flag("PRESERVE_DEV_DATA", false)?,
            database: if mode == DeploymentMode::Dev {
                dev_path(&base)
            } else {
                base
            },
            max_simulation_days: positive("MAX_SIMULATION_DAYS", 30)?,
            results_lookback_days: self.parse(
                "DEFAULT_RESULTS_LOOKBACK_DAYS",
                30,
                "a whole number",
            )?,
            max_concurrent_jobs: positive("MAX_CONCURRENT_JOBS", 4)? as usize,
            max_parallel_models: positive("MAX_PARALLEL_MODELS", 4)? as usize,
            resume_interrupted_jobs: self.flag("RESUME_INTERRUPTED_JOBS", true)?,
            allowed_origins: self
                .get("ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            api_token: self.get("AI_TRADER_API_TOKEN"),
            demo_market: self.flag("AI_TRADER_DEMO_MARKET", mode == DeploymentMode::Dev)?,
            openai_api_base: self.get("OPENAI_API_BASE"),
            openai_api_key: self.get("OPENAI_API_KEY").map(Secret::new),
            jina_api_key: self.get("JINA_API_KEY").map(Secret::new),
            jina_base_url: self.get("JINA_BASE_URL"),
            search_keep_undated: self.flag("SEARCH_KEEP_UNDATED", false)?,
            alphavantage_api_key: self
                .get("ALPHAADVANTAGE_API_KEY")
                .or_else(|| self.get("ALPHAVANTAGE_API_KEY"))
                .map(Secret::new),
            alphavantage_base_url: self.get("ALPHAVANTAGE_BASE_URL"),
            alphavantage_retry_base_ms: self.parse(
                "ALPHAVANTAGE_RETRY_BASE_MS",
                1000,
                "milliseconds",
            )?,
            alphavantage_timeout_seconds: self.parse(
                "ALPHAVANTAGE_TIMEOUT_SECONDS",
                30,
                "seconds",
            )?,
            ui_dir: self.get("AI_TRADER_UI_DIR").map(PathBuf::from),
        })
    }
}

/// The DEV database beside the PROD one: `data/jobs.db` → `data/jobs_dev.db`; idempotent.
pub fn dev_path(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    if text.ends_with("_dev.db") {
        return path.to_owned();
    }
    match text.strip_suffix(".db") {
        Some(stem) => PathBuf::from(format!("{stem}_dev.db")),
        None => PathBuf::from(format!("{text}_dev")),
    }
}

#[cfg(test)]
mod tests;
