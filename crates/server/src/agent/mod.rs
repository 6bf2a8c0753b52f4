//! Agents trade one model-day through the in-process tools of a [`Session`]. The worker does not
//! know which kind it runs: the mock, the baselines and (later) LLM providers implement the
//! same [`Agent`] trait, and every one leaves its conversation, summary and token usage in the
//! session.

mod baseline;
mod conversation;
mod mock;
pub mod openai;
pub mod prompt;
mod scripted;
pub mod search;
mod session;
mod tools;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ai_trader_core::api::TokenUsage;

pub use baseline::{BuyAndHold, EqualWeight};
pub use conversation::Conversation;
pub use mock::{MockAgent, rotation_symbol};
pub use scripted::describe_fills;
pub use search::NewsSearch;
pub use session::{Session, TradingContext};
pub use tools::{ToolBox, ToolDefinition, ToolError, tool_definitions};

use crate::config::{AgentConfig, FileConfig, ModelConfig, Provider, Redactor, Settings};

pub use ai_trader_core::api::FINISH_SIGNAL;

/// What an agent returns besides what it did through the session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentOutcome {
    /// A 2–3 sentence summary of the day that names the trades.
    pub summary: String,
    /// Tokens used.
    pub usage: TokenUsage,
}

/// A model-day that could not be run to the end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    /// The model's provider failed for good (after its retries).
    #[error(transparent)]
    Provider(#[from] openai::ProviderError),
}

/// A boxed future, so agents are object-safe.
pub type AgentFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AgentOutcome, AgentError>> + Send + 'a>>;

/// Something that trades a model-day.
pub trait Agent: Send + Sync {
    /// Runs the day: reads prices, trades and explains itself through `session`.
    fn run_day<'a>(&'a self, session: &'a mut Session) -> AgentFuture<'a>;
}

/// The agent of every configured model, by signature.
pub type Agents = HashMap<String, Arc<dyn Agent>>;

/// The endpoint of OpenAI-compatible models that configure none.
pub const DEFAULT_OPENAI_BASE: &str = "https://api.openai.com/v1";

/// The OpenAI agent of one configured model: its endpoint and key from the model entry, else
/// from `OPENAI_API_BASE` / `OPENAI_API_KEY`.
pub fn openai_agent(
    model: &ModelConfig,
    agent: &AgentConfig,
    settings: &Settings,
    redactor: &Redactor,
) -> openai::OpenAiAgent {
    let client = openai::ChatClient::new(openai::ClientConfig {
        signature: model.signature.clone(),
        base_url: model
            .openai_base_url
            .clone()
            .or_else(|| settings.openai_api_base.clone())
            .unwrap_or_else(|| DEFAULT_OPENAI_BASE.to_owned()),
        api_key: model
            .openai_api_key
            .clone()
            .or_else(|| settings.openai_api_key.clone()),
        timeout: std::time::Duration::from_secs_f64(agent.request_timeout),
        max_retries: agent.max_retries,
        base_delay: std::time::Duration::from_secs_f64(agent.base_delay),
        requests_per_minute: model.requests_per_minute.unwrap_or(0),
        redactor: redactor.clone(),
    });
    openai::OpenAiAgent::new(client, model.basemodel.clone(), model.temperature)
}

/// Builds the agent of every configured model, each on the provider that runs it in this
/// deployment (in DEV, LLM models run on the mock).
pub fn build_agents(config: &FileConfig, settings: &Settings, redactor: &Redactor) -> Agents {
    let mut agents: Agents = HashMap::new();
    for model in &config.models {
        let agent: Arc<dyn Agent> = match model.provider().effective(settings.mode) {
            Provider::BuyAndHold => {
                Arc::new(BuyAndHold::new(model.symbol.clone().unwrap_or_else(|| {
                    ai_trader_core::universe::BENCHMARK.to_owned()
                })))
            }
            Provider::EqualWeight => Arc::new(EqualWeight),
            Provider::Mock => Arc::new(MockAgent::new(std::time::Duration::from_millis(
                model.latency_ms.unwrap_or(0),
            ))),
            Provider::Openai => Arc::new(openai_agent(
                model,
                &config.agent_config,
                settings,
                redactor,
            )),
        };
        agents.insert(model.signature.clone(), agent);
    }
    agents
}
