//! The serde types of the HTTP API: request bodies, query strings and responses of every
//! endpoint, with the reference's field names. Shared by the server, the UI and JS users.
//!
//! Conventions: optional fields serialise as `null` (never omitted), dates as `YYYY-MM-DD`,
//! timestamps as ISO-8601 UTC strings with a `Z`.

mod catalog;
mod common;
mod jobs;
mod reasoning;
mod results;
mod runs;

pub use catalog::{
    CoverageResponse, HealthResponse, ModelSummary, ModelsResponse, SymbolCoverage, WorkerInfo,
};
pub use common::{DeploymentInfo, DeploymentMode, ErrorResponse, Provider, Timestamp, TokenUsage};
pub use jobs::{
    CancelResponse, JobDetail, JobStatusResponse, JobSummary, JobsQuery, JobsResponse, Page,
    PlanContextQuery, StatusQuery, TriggerRequest, TriggerResponse, trigger_message,
};
pub use reasoning::{
    ConversationMessage, DEFAULT_REASONING_PAGE, FINISH_SIGNAL, MAX_REASONING_PAGE,
    ReasoningPosition, ReasoningQuery, ReasoningResponse, ReasoningSession, Role, ToolCallRecord,
};
pub use results::{
    BaselineResult, DailyMetrics, DayMetadata, DayResult, Holding, ModelRangeResult,
    PositionSnapshot, Reasoning, ReasoningLevel, ResultItem, ResultsQuery, ResultsResponse,
    TradeRecord, TradeRow, TradesResponse,
};
pub use runs::{CompareQuery, CompareResponse, RunInfo, RunsQuery, RunsResponse};

#[cfg(test)]
mod tests;
