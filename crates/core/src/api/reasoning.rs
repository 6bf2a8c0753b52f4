//! `GET /reasoning`: trading sessions with summaries and conversations.

use serde::{Deserialize, Serialize};

use super::{DeploymentInfo, Timestamp, TokenUsage};
use crate::Date;

/// Query of `GET /reasoning`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReasoningQuery {
    /// Only this job.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Only this date.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub date: Option<String>,
    /// Only this model.
    #[serde(default)]
    pub model: Option<String>,
    /// Only this run; every run when absent.
    #[serde(default)]
    pub run: Option<String>,
    /// Include every message (`true`/`false`, also `1`/`0`, `yes`/`no`, `on`/`off`).
    #[serde(default, deserialize_with = "super::common::lenient_bool")]
    pub include_full_conversation: bool,
    /// Sessions per page (default 50, at most 500).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(range(min = 1, max = 500)))]
    pub limit: Option<u32>,
    /// Sessions to skip.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(range(max = 4_294_967_295u32)))]
    pub offset: Option<u32>,
}

/// The default page size of `GET /reasoning`: transcripts are large.
pub const DEFAULT_REASONING_PAGE: u32 = 50;
/// The largest page of `GET /reasoning`.
pub const MAX_REASONING_PAGE: u32 = 500;

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The system prompt.
    System,
    /// The user prompt.
    User,
    /// The model.
    Assistant,
    /// A tool result.
    Tool,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 4] = [Self::System, Self::User, Self::Assistant, Self::Tool];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::Tool => "tool",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == s)
    }
}

/// A tool call the model made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ToolCallRecord {
    /// The call id, echoed by the tool result.
    pub id: String,
    /// The tool.
    pub name: String,
    /// Its arguments as JSON text.
    pub arguments: String,
}

/// The stop token a model ends its day with (in its last assistant message).
pub const FINISH_SIGNAL: &str = "<FINISH_SIGNAL>";

/// One message of a session's conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConversationMessage {
    /// Position in the conversation, from 0.
    pub message_index: u32,
    /// Who said it.
    pub role: Role,
    /// Its text.
    pub content: String,
    /// A short summary (assistant messages).
    pub summary: Option<String>,
    /// For a tool result, the tool's name.
    pub tool_name: Option<String>,
    /// For a tool result, the call's arguments.
    pub tool_input: Option<String>,
    /// For a tool result, the id of the call it answers.
    pub tool_call_id: Option<String>,
    /// For an assistant message, the tools it called.
    pub tool_calls: Vec<ToolCallRecord>,
    /// When it was said.
    pub timestamp: Timestamp,
}

/// A trade of a session, in the seed's `positions` shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReasoningPosition {
    /// 1-based order of the trade in the day.
    pub action_id: u32,
    /// `buy` or `sell`.
    pub action_type: Option<String>,
    /// The symbol.
    pub symbol: Option<String>,
    /// Whole shares.
    pub amount: Option<u64>,
    /// The fill price.
    pub price: Option<f64>,
    /// Cash after the trade.
    pub cash_after: f64,
    /// Portfolio value after the trade, at the fill price.
    pub portfolio_value: f64,
}

/// One model-day's trading session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReasoningSession {
    /// The session's id.
    pub session_id: i64,
    /// The job.
    pub job_id: String,
    /// The date.
    pub date: Date,
    /// The model.
    pub model: String,
    /// The run (omitted when `main`).
    #[serde(
        default = "crate::run::main_run",
        skip_serializing_if = "crate::run::omit"
    )]
    pub run: String,
    /// A 2–3 sentence summary naming the trades.
    pub session_summary: Option<String>,
    /// Session start.
    pub started_at: Timestamp,
    /// Session end.
    pub completed_at: Option<Timestamp>,
    /// Messages in the conversation.
    pub total_messages: Option<u32>,
    /// The trades.
    pub positions: Vec<ReasoningPosition>,
    /// Every message, when `include_full_conversation=true`; else `null`.
    pub conversation: Option<Vec<ConversationMessage>>,
    /// LLM tokens used.
    pub token_usage: TokenUsage,
    /// What its tokens cost at the prices in force when it ran, USD; `null`: unknown (a
    /// model without prices).
    #[serde(default)]
    pub cost_usd: Option<f64>,
}

/// The answer of `GET /reasoning`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReasoningResponse {
    /// Sessions ordered by date, then model: one page of them.
    pub sessions: Vec<ReasoningSession>,
    /// How many on this page.
    pub count: u32,
    /// Where this page sits among every matching session.
    pub page: super::Page,
    /// Deployment fields.
    #[serde(flatten)]
    pub deployment: DeploymentInfo,
}
