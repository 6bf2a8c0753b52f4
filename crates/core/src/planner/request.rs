//! What a user asks for: the body of `POST /simulate/trigger` and `POST /simulate/preview`.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// A job request.
///
/// JSON shape: `{"start_date": "2025-10-01" | null, "end_date": "2025-10-05",
/// "models": ["gpt-5"] | null, "replace_existing": false, "run": "main" | null, "repeats": 1,
/// "note": "…" | null, "max_cost_usd": 5.0 | null}`. Dates stay strings here so that the
/// planner, not the JSON decoder, reports a bad date with the API's message and status.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PlanRequest {
    /// First date; `null` or `""` asks for resume mode.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub start_date: Option<String>,
    /// Last date (required, not empty).
    #[cfg_attr(feature = "openapi", schemars(length(min = 1)))]
    #[cfg_attr(feature = "openapi", schemars(extend("format" = "date")))]
    pub end_date: String,
    /// Model signatures; `null` or `[]` means every enabled model.
    #[serde(default)]
    pub models: Option<Vec<String>>,
    /// Re-run model-days that are already completed.
    #[serde(default)]
    pub replace_existing: bool,
    /// The run to create or continue; `null` means `main`. See [`crate::run`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// How many independent runs of each model: `run-1` … `run-N` when more than 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_number"
    )]
    #[cfg_attr(feature = "openapi", schemars(range(min = 1, max = 20)))]
    pub repeats: Option<u32>,
    /// A free-text note kept with each run the job creates or continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schemars(length(max = 2000)))]
    pub note: Option<String>,
    /// The job's budget, USD: no model-day starts whose expected cost would take the job's
    /// spending past it (see [`crate::forecast::Budget`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schemars(range(min = 0.0)))]
    pub max_cost_usd: Option<f64>,
    /// Fields the request had that a plan does not use. Reference clients send extra fields,
    /// so they are accepted, but the plan warns about each (a typo would otherwise change the
    /// job silently).
    #[serde(flatten, skip_serializing)]
    #[cfg_attr(feature = "openapi", schemars(skip))]
    pub unknown_fields: BTreeMap<String, IgnoredAny>,
}

/// A whole number, also written as a float (`4.0`, which JSON Schema's `integer` allows).
fn whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u32>, D::Error> {
    let Some(x) = Option::<f64>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if x.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&x) {
        return Err(serde::de::Error::custom(format!(
            "expected a whole number from 1 to {}, got {x}",
            crate::run::MAX_REPEATS
        )));
    }
    Ok(Some(x as u32))
}

/// The fields a request is read for.
pub const REQUEST_FIELDS: [&str; 8] = [
    "start_date",
    "end_date",
    "models",
    "replace_existing",
    "run",
    "repeats",
    "note",
    "max_cost_usd",
];

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

impl PlanRequest {
    /// A warning per unknown field, naming the closest known one when there is one.
    pub fn unknown_field_warnings(&self) -> Vec<String> {
        self.unknown_fields
            .keys()
            .map(|field| match closest(field) {
                Some(known) => {
                    format!("Unknown field '{field}' was ignored; did you mean '{known}'?")
                }
                None => format!(
                    "Unknown field '{field}' was ignored (the request's fields are {})",
                    REQUEST_FIELDS.join(", ")
                ),
            })
            .collect()
    }
}

/// The known field within a few edits of `field`, if any.
fn closest(field: &str) -> Option<&'static str> {
    let field = field.to_ascii_lowercase();
    REQUEST_FIELDS
        .into_iter()
        .map(|known| (edit_distance(&field, known), known))
        .filter(|(distance, known)| *distance <= (known.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// Levenshtein distance (insertions, deletions, substitutions).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
