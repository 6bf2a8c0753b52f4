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
}

impl TokenUsage {
    /// Adds another usage to this one.
    pub fn add(&mut self, other: Self) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.total_tokens += other.total_tokens;
    }
}
