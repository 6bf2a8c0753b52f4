//! The config file: models and agent settings in the reference's JSON shape, validated.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ai_trader_core::api::{DeploymentMode, Provider};
use ai_trader_core::cost::Pricing;
use ai_trader_core::forecast::TokenPrior;
use ai_trader_core::ledger::{DEFAULT_INITIAL_CASH, Fees};
use ai_trader_core::universe::BENCHMARK;
use serde::{Deserialize, Serialize};

use super::Secret;

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
    /// Sampling temperature sent to an OpenAI-compatible provider (0 to 2); the provider's
    /// default when absent. Repeated runs of a model vary with it.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// USD per million tokens; without it an LLM model's cost is unknown (never 0).
    #[serde(default)]
    pub pricing: Option<Pricing>,
    /// Tokens per model-day to forecast with until the model has history.
    #[serde(default)]
    pub expected_tokens_per_day: Option<TokenPrior>,
    /// The most one job may spend on this model, USD: its remaining days are skipped
    /// (`budget_exhausted`) before a day would pass it.
    #[serde(default)]
    pub budget_usd: Option<f64>,
}

impl ModelConfig {
    /// The configured provider (`openai` when unset, as in the reference).
    pub fn provider(&self) -> Provider {
        self.provider.unwrap_or(Provider::Openai)
    }

    /// The prices of its model-days in `mode`: free where no LLM is called (the mock, the
    /// baselines, and LLM models in DEV, which run on the mock), else the configured ones
    /// (`None`: unknown).
    pub fn effective_pricing(&self, mode: DeploymentMode) -> Option<Pricing> {
        match self.provider().effective(mode) {
            Provider::Openai => self.pricing,
            _ => Some(Pricing::FREE),
        }
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
            temperature: None,
            pricing: None,
            expected_tokens_per_day: None,
            budget_usd: None,
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
            if let Some(t) = model.temperature
                && !(t.is_finite() && (0.0..=2.0).contains(&t))
            {
                return Err((
                    at("temperature"),
                    format!("must be between 0 and 2, got {t}"),
                ));
            }
            if let Some(Err(e)) = model.pricing.map(|p| p.check()) {
                let message = format!("must be a finite number of USD >= 0, got {}", e.value);
                return Err((at(&format!("pricing.{}", e.field)), message));
            }
            if let Some(b) = model.budget_usd.filter(|b| !(b.is_finite() && *b >= 0.0)) {
                return Err((
                    at("budget_usd"),
                    format!("must be a finite number of USD >= 0, got {b}"),
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
