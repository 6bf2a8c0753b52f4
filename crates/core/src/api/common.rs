//! Fields and types several endpoints share.

use serde::{Deserialize, Serialize};

/// An ISO-8601 UTC timestamp such as `2025-11-02T14:05:45.592208Z`, produced by the server.
pub type Timestamp = String;

/// The body of every error response: `{"detail": "<message>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorResponse {
    /// What went wrong, naming the field and what is allowed.
    pub detail: String,
}

/// `PROD` or `DEV`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum DeploymentMode {
    /// Real providers, the production database.
    #[serde(rename = "PROD")]
    Prod,
    /// Mock provider for every model, a separate database.
    #[serde(rename = "DEV")]
    Dev,
}

impl DeploymentMode {
    /// The wire name, `PROD` or `DEV`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prod => "PROD",
            Self::Dev => "DEV",
        }
    }

    /// The reference's reading of `DEPLOYMENT_MODE`: `DEV` in any case is DEV, anything else
    /// (unset included) is PROD.
    pub fn from_env_value(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some(v) if v.eq_ignore_ascii_case("DEV") => Self::Dev,
            _ => Self::Prod,
        }
    }
}

impl std::fmt::Display for DeploymentMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a model trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// An OpenAI-compatible chat-completions endpoint.
    Openai,
    /// The deterministic offline mock.
    Mock,
    /// Buys the benchmark (or a configured symbol) on its first day and holds it.
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

    /// The provider that really runs in `mode`: in DEV every LLM model runs on the mock, so no
    /// key is needed and nothing is spent; baselines and the mock run as configured.
    pub fn effective(self, mode: DeploymentMode) -> Self {
        match (self, mode) {
            (Self::Openai, DeploymentMode::Dev) => Self::Mock,
            (other, _) => other,
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The deployment fields appended to several responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeploymentInfo {
    /// `PROD` or `DEV`.
    pub deployment_mode: DeploymentMode,
    /// `deployment_mode == DEV`.
    pub is_dev_mode: bool,
    /// In DEV whether the database survives restarts; `null` in PROD.
    pub preserve_dev_data: Option<bool>,
}

impl DeploymentInfo {
    /// The fields for a mode.
    pub fn new(mode: DeploymentMode, preserve_dev_data: bool) -> Self {
        Self {
            deployment_mode: mode,
            is_dev_mode: mode == DeploymentMode::Dev,
            preserve_dev_data: (mode == DeploymentMode::Dev).then_some(preserve_dev_data),
        }
    }
}

/// Tokens an LLM used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TokenUsage {
    /// Prompt (input) tokens.
    pub prompt_tokens: u64,
    /// Completion (output) tokens.
    pub completion_tokens: u64,
    /// Their sum.
    pub total_tokens: u64,
    /// Some of these were counted here with a tokenizer, because the provider reported none:
    /// an estimate (omitted when every count is the provider's).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl TokenUsage {
    /// The usage of `prompt` and `completion` tokens, as a provider reported it.
    pub fn of(prompt: u64, completion: u64) -> Self {
        Self {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
            estimated: false,
        }
    }

    /// Counts of `prompt` and `completion` tokens made here, not by the provider.
    pub fn estimated(prompt: u64, completion: u64) -> Self {
        Self {
            estimated: true,
            ..Self::of(prompt, completion)
        }
    }

    /// Adds another usage to this one (an estimate in either makes the sum one).
    pub fn add(&mut self, other: Self) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.total_tokens += other.total_tokens;
        self.estimated |= other.estimated;
    }
}

/// Deserialises the reference's lenient booleans of query strings: `true`/`false`, `1`/`0`,
/// `yes`/`no`, `on`/`off` in any case, an empty value being false.
pub(crate) fn lenient_bool<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<bool, D::Error> {
    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = bool;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true or false")
        }

        fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<bool, E> {
            match value.trim().to_ascii_lowercase().as_str() {
                "" | "false" | "0" | "no" | "off" => Ok(false),
                "true" | "1" | "yes" | "on" => Ok(true),
                _ => Err(E::custom(format!("must be true or false (got {value:?})"))),
            }
        }
    }

    deserializer.deserialize_any(Visitor)
}
