//! Agents trade one model-day through the in-process tools of a [`Session`]. The worker does not
//! know which kind it runs: the mock, the baselines and (later) LLM providers implement the
//! same [`Agent`] trait, and every one leaves its conversation, summary and token usage in the
//! session.

mod baseline;
mod conversation;
mod mock;
pub mod prompt;
mod scripted;
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
pub use session::{Session, TradingContext};
pub use tools::{ToolBox, ToolDefinition, ToolError, tool_definitions};

use crate::config::{FileConfig, Provider};

/// The stop token a model ends its day with.
pub const FINISH_SIGNAL: &str = "<FINISH_SIGNAL>";

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
#[error("{0}")]
pub struct AgentError(pub String);

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

/// Builds the agents of a configuration. In DEV mode every model uses the mock.
pub fn build_agents(config: &FileConfig, dev_mode: bool) -> Result<Agents, String> {
    let mut agents: Agents = HashMap::new();
    for model in &config.models {
        let agent: Arc<dyn Agent> = match (dev_mode, model.provider()) {
            (_, Provider::BuyAndHold) => {
                Arc::new(BuyAndHold::new(model.symbol.clone().unwrap_or_else(|| {
                    ai_trader_core::universe::BENCHMARK.to_owned()
                })))
            }
            (_, Provider::EqualWeight) => Arc::new(EqualWeight),
            (true, _) | (_, Provider::Mock) => Arc::new(MockAgent::new(
                std::time::Duration::from_millis(model.latency_ms.unwrap_or(0)),
            )),
            (false, Provider::Openai) => {
                return Err(format!(
                    "model {}: the openai provider is not available in this build yet; use DEPLOYMENT_MODE=DEV or provider mock",
                    model.signature
                ));
            }
        };
        agents.insert(model.signature.clone(), agent);
    }
    Ok(agents)
}
