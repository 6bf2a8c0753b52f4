//! What a user asks for: the body of `POST /simulate/trigger` and `POST /simulate/preview`.

use serde::{Deserialize, Serialize};

/// A job request.
///
/// JSON shape: `{"start_date": "2025-10-01" | null, "end_date": "2025-10-05",
/// "models": ["gpt-5"] | null, "replace_existing": false}`. Dates stay strings here so that the
/// planner, not the JSON decoder, reports a bad date with the API's message and status.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlanRequest {
    /// First date; `null` or `""` asks for resume mode.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Last date (required).
    pub end_date: String,
    /// Model signatures; `null` or `[]` means every enabled model.
    #[serde(default)]
    pub models: Option<Vec<String>>,
    /// Re-run model-days that are already completed.
    #[serde(default)]
    pub replace_existing: bool,
}
