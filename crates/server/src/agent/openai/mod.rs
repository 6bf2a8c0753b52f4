//! LLM agents behind any OpenAI-compatible chat-completions endpoint (OpenAI, OpenRouter,
//! DeepSeek, vLLM, Ollama, …), trading through the in-process tools.

mod client;
mod summary;
mod tokens;
mod wire;

use ai_trader_core::api::TokenUsage;
use serde_json::json;

pub use client::{ChatClient, ClientConfig, ProviderError};

use super::prompt::{system_prompt, user_prompt};
use super::{
    Agent, AgentError, AgentFuture, AgentOutcome, FINISH_SIGNAL, Session, tool_definitions,
};
use wire::tools_json;

/// The user message after a step that neither called a tool nor finished.
const NUDGE: &str =
    "Continue your analysis with the tools. When you are done for today, output <FINISH_SIGNAL>.";

/// An LLM that trades.
pub struct OpenAiAgent {
    client: ChatClient,
    basemodel: String,
    temperature: Option<f64>,
}

impl OpenAiAgent {
    /// An agent for `basemodel` behind `client`, sampling at `temperature` when given.
    pub fn new(client: ChatClient, basemodel: String, temperature: Option<f64>) -> Self {
        Self {
            client,
            basemodel,
            temperature,
        }
    }

    /// One small request that tells whether the endpoint, key and tool calling work.
    pub async fn check(&self) -> Result<String, ProviderError> {
        let body = json!({
            "model": self.basemodel,
            "messages": [{"role": "user", "content": "Call the get_position tool once, then say OK."}],
            "tools": tools_json(&tool_definitions(false)),
            "tool_choice": "auto",
        });
        let mut n = 0;
        let reply = self
            .client
            .complete(&body, &mut || {
                n += 1;
                format!("check_{n}")
            })
            .await?;
        if reply.tool_calls.is_empty() {
            return Err(ProviderError::Failed(format!(
                "model {} answered but called no tool: it may not support tool calling (reply: {:?})",
                self.client.signature(),
                wire::excerpt(&reply.content)
            )));
        }
        Ok(format!(
            "model {} works: it called {} ({} prompt + {} completion tokens)",
            self.client.signature(),
            reply.tool_calls[0].name,
            reply.usage.prompt_tokens,
            reply.usage.completion_tokens
        ))
    }

    async fn run(&self, session: &mut Session) -> Result<AgentOutcome, AgentError> {
        let date = session.context.date;
        let start = session.tools.book().start().clone();
        let system = system_prompt(date, &start, session.tools.market());
        let user = user_prompt(date);
        session.conversation.system(system);
        session.conversation.user(user);
        let tools = tools_json(&session.tools.definitions());
        let mut usage = TokenUsage::default();
        let mut generated = 0u32;
        for _ in 0..session.context.max_steps {
            let messages = wire::chat_messages(session.conversation.messages());
            let mut body = json!({"model": self.basemodel, "messages": messages, "tools": tools, "tool_choice": "auto"});
            if let Some(temperature) = self.temperature {
                body["temperature"] = json!(temperature);
            }
            let reply = self
                .client
                .complete(&body, &mut || {
                    generated += 1;
                    format!("gen_call_{generated}")
                })
                .await?;
            usage.add(reply.usage);
            session
                .conversation
                .assistant(reply.content.clone(), reply.tool_calls.clone());
            // Tool results are taken before the finish check: a model may trade and finish in
            // the same reply (reference bug #43).
            session.run_calls(&reply.tool_calls).await;
            if reply.content.contains(FINISH_SIGNAL) {
                break;
            }
            if reply.tool_calls.is_empty() {
                session.conversation.user(NUDGE);
            }
        }
        // Reaching max_steps without the signal is not an error: the day ends as it stands.
        let summary = summary::summarise(&self.client, &self.basemodel, session, &mut usage).await;
        Ok(AgentOutcome { summary, usage })
    }
}

impl Agent for OpenAiAgent {
    fn run_day<'a>(&'a self, session: &'a mut Session) -> AgentFuture<'a> {
        Box::pin(self.run(session))
    }
}
