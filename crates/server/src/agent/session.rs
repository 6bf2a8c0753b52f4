//! One model-day in progress: its context, tools and conversation.

use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::api::ToolCallRecord;
use ai_trader_core::ledger::{DayBook, Fill};
use serde_json::Value;

use super::{Conversation, ToolBox};
use crate::clock::Clock;
use crate::market::MarketData;

/// Who trades when, passed explicitly to every tool: nothing global, nothing the model can
/// override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradingContext {
    /// The job.
    pub job_id: String,
    /// The model's signature.
    pub model: String,
    /// The model's run (an independent portfolio chain; `main` by default).
    pub run: String,
    /// The basemodel (provider model id).
    pub basemodel: String,
    /// The simulated day.
    pub date: Date,
    /// Steps the agent may take.
    pub max_steps: u32,
    /// Stamps messages and trades.
    pub clock: Clock,
}

/// A model-day being traded.
pub struct Session {
    /// Who and when.
    pub context: TradingContext,
    /// The tools, over the day's book.
    pub tools: ToolBox,
    /// The messages so far.
    pub conversation: Conversation,
    fill_times: Vec<String>,
    next_call: u32,
}

impl Session {
    /// A session starting from `book`'s position.
    pub fn new(
        context: TradingContext,
        market: Arc<MarketData>,
        book: DayBook,
        search: Option<Arc<super::NewsSearch>>,
    ) -> Self {
        Self {
            tools: ToolBox::new(context.date, market, book).with_search(search),
            conversation: Conversation::new(context.clock),
            context,
            fill_times: Vec::new(),
            next_call: 0,
        }
    }

    /// A new tool call record with a fresh id.
    pub fn call(&mut self, name: &str, arguments: &Value) -> ToolCallRecord {
        self.next_call += 1;
        ToolCallRecord {
            id: format!("call_{}", self.next_call),
            name: name.to_owned(),
            arguments: arguments.to_string(),
        }
    }

    /// Runs the tool calls of an assistant message in order, recording each result as a tool
    /// message. Returns the results (errors are `{"error": …}` objects, never a crash).
    pub async fn run_calls(&mut self, calls: &[ToolCallRecord]) -> Vec<Value> {
        let mut results = Vec::with_capacity(calls.len());
        for call in calls {
            let fills_before = self.tools.book().fills().len();
            // An empty argument string means no arguments.
            let text = if call.arguments.trim().is_empty() {
                "{}"
            } else {
                call.arguments.as_str()
            };
            let result = match serde_json::from_str::<Value>(text) {
                Ok(arguments) => self.tools.call(&call.name, &arguments).await,
                Err(e) => Err(super::ToolError::InvalidJson(e.to_string())),
            };
            for _ in fills_before..self.tools.book().fills().len() {
                self.fill_times.push(self.context.clock.timestamp());
            }
            let value = result.unwrap_or_else(|e| e.to_json());
            self.conversation.tool(call, value.to_string());
            results.push(value);
        }
        results
    }

    /// The trades with the times they were made.
    pub fn fills_with_times(&self) -> Vec<(Fill, String)> {
        self.tools
            .book()
            .fills()
            .iter()
            .cloned()
            .zip(self.fill_times.iter().cloned())
            .collect()
    }
}
