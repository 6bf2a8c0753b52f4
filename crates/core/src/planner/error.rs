//! Why a request cannot become a job.

use super::PlanTotals;
use crate::date::DateParseError;
use crate::run::RunNameProblem;

/// A rejected request. Every variant maps to HTTP 400 with `{"detail": "<message>"}`; messages
/// keep the reference's wording where clients match on it (`Invalid date format`, `already
/// running`, `must be <=`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// `end_date` is empty.
    #[error("end_date is required and cannot be null or empty")]
    EndDateRequired,
    /// A date is not strict `YYYY-MM-DD`.
    // The parse failure is part of the message, not a separate cause: a chain of causes would
    // repeat it.
    #[error("{error} (field {field})")]
    InvalidDate {
        /// `start_date` or `end_date`.
        field: &'static str,
        /// The parse failure, naming the input.
        error: DateParseError,
    },
    /// No models requested and none enabled.
    #[error(
        "No enabled models found in config. Either enable models in config or specify them in request."
    )]
    NoEnabledModels,
    /// A model is named twice in the request.
    #[error("Model listed more than once in models: {0}")]
    DuplicateModel(String),
    /// Requested models that are not configured.
    #[error("Unknown model(s): {}. Configured models: {}", .unknown.join(", "), configured_list(.configured))]
    UnknownModels {
        /// The unknown signatures, in request order.
        unknown: Vec<String>,
        /// Every configured signature.
        configured: Vec<String>,
    },
    /// `run` is not a valid run name.
    #[error("Invalid run name '{run}' (field run): {problem}")]
    InvalidRun {
        /// The name given.
        run: String,
        /// What is wrong with it.
        problem: RunNameProblem,
    },
    /// `repeats` is outside 1..=MAX_REPEATS.
    #[error("repeats must be between 1 and {max}, got {repeats}")]
    InvalidRepeats {
        /// The number given.
        repeats: u32,
        /// [`crate::run::MAX_REPEATS`].
        max: u32,
    },
    /// `note` is longer than allowed.
    #[error("note is too long: {chars} characters (max: {max})")]
    NoteTooLong {
        /// Its length in characters.
        chars: usize,
        /// The most allowed.
        max: usize,
    },
    /// `max_cost_usd` is not an amount of USD.
    #[error("max_cost_usd must be a finite number of USD >= 0, got {value}")]
    InvalidBudget {
        /// The value given.
        value: String,
    },
    /// `start_date` after `end_date` (also what resume mode yields when every model is up to date).
    #[error("start_date ({start}) must be <= end_date ({end})")]
    StartAfterEnd {
        /// The start.
        start: String,
        /// The end.
        end: String,
        /// The start is the earliest model's resume start, not a date the user gave.
        resume_mode: bool,
    },
    /// More calendar days than allowed.
    #[error(
        "Date range too large: {days} days (max: {max}). Reduce range or increase MAX_SIMULATION_DAYS."
    )]
    RangeTooLarge {
        /// Calendar days requested.
        days: i64,
        /// `MAX_SIMULATION_DAYS`.
        max: u32,
    },
    /// `end_date` after today.
    #[error("end_date ({end}) cannot be in the future (today is {today})")]
    EndInFuture {
        /// The end.
        end: String,
        /// The planner's today.
        today: String,
    },
    /// Requested models that an active job holds.
    #[error("{}", busy_message(.busy))]
    ModelsBusy {
        /// (model, job id) for each busy model, in request order; a run other than `main` is
        /// named with the model ([`crate::run::chain_label`]).
        busy: Vec<(String, String)>,
    },
    /// Every requested model-day would be skipped. The message is the reference's (clients
    /// know it); [`PlanError::explanation`] says it in a sentence.
    #[error("{reference}")]
    NothingToRun {
        /// The reference's message.
        reference: String,
        /// What the model-days would have been.
        totals: PlanTotals,
    },
}

impl PlanError {
    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        400
    }

    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EndDateRequired => "end_date_required",
            Self::InvalidDate { .. } => "invalid_date",
            Self::NoEnabledModels => "no_enabled_models",
            Self::DuplicateModel(_) => "duplicate_model",
            Self::UnknownModels { .. } => "unknown_models",
            Self::InvalidRun { .. } => "invalid_run",
            Self::InvalidRepeats { .. } => "invalid_repeats",
            Self::NoteTooLong { .. } => "note_too_long",
            Self::InvalidBudget { .. } => "invalid_budget",
            Self::StartAfterEnd { .. } => "start_after_end",
            Self::RangeTooLarge { .. } => "range_too_large",
            Self::EndInFuture { .. } => "end_in_future",
            Self::ModelsBusy { .. } => "models_busy",
            Self::NothingToRun { .. } => "nothing_to_run",
        }
    }

    /// The error for a person: a sentence in plain words, without field names or raw lists
    /// (the API keeps its reference text).
    pub fn explanation(&self) -> String {
        match self {
            Self::EndDateRequired => "Choose an end date.".to_owned(),
            Self::InvalidDate { field, error } => {
                format!(
                    "The {} ({}) is not a date of the form YYYY-MM-DD.",
                    human_field(field),
                    error.input
                )
            }
            Self::NoEnabledModels => {
                "No model is chosen, and none is enabled in the server's configuration.".to_owned()
            }
            Self::DuplicateModel(model) => format!("{model} is chosen twice."),
            Self::UnknownModels {
                unknown,
                configured,
            } => format!(
                "The server has no model named {}. It has: {}.",
                unknown.join(", "),
                configured_list(configured)
            ),
            Self::InvalidRun { run, problem } => {
                format!("The run name \"{run}\" cannot be used: {problem}.")
            }
            Self::InvalidRepeats { repeats, max } => {
                format!("Repeats must be a number from 1 to {max}; {repeats} is not.")
            }
            Self::NoteTooLong { chars, max } => {
                format!("The note has {chars} characters; at most {max} are kept.")
            }
            Self::InvalidBudget { value } => {
                format!("The budget must be an amount of dollars, 0 or more; {value} is not.")
            }
            Self::StartAfterEnd {
                end,
                resume_mode: true,
                ..
            } => format!(
                "Every chosen model has already run up to {end}: there is nothing to resume."
            ),
            Self::StartAfterEnd { start, end, .. } => {
                format!("The start date ({start}) is after the end date ({end}).")
            }
            Self::RangeTooLarge { days, max } => format!(
                "The range spans {days} days; the server allows at most {max} (its MAX_SIMULATION_DAYS)."
            ),
            Self::EndInFuture { end, today } => {
                format!("The end date ({end}) is after today ({today}): there are no prices yet.")
            }
            Self::ModelsBusy { busy } => {
                let parts: Vec<String> = busy
                    .iter()
                    .map(|(model, job)| format!("{model} is running in job {}", short_id(job)))
                    .collect();
                format!(
                    "{}. Wait for it to finish or cancel it.",
                    capitalised(&parts.join("; "))
                )
            }
            Self::NothingToRun { totals, .. } => nothing_to_run_sentence(totals),
        }
    }
}

/// "All 12 model-days are already completed." or "All 3 model-days would be skipped: 1 is
/// already completed, 2 fall on a weekend."
fn nothing_to_run_sentence(totals: &PlanTotals) -> String {
    let total = totals.total_model_days;
    let all = match total {
        0 => return "There are no model-days in this range.".to_owned(),
        1 => "The one model-day".to_owned(),
        n => format!("All {n} model-days"),
    };
    if totals.already_completed == total {
        let verb = if total == 1 { "is" } else { "are" };
        return format!("{all} {verb} already completed.");
    }
    let parts: Vec<String> = [
        (totals.already_completed, "already completed"),
        (totals.before_history, "before the model's history"),
        (totals.weekend, "on a weekend"),
        (totals.market_holiday, "on a market holiday"),
        (totals.incomplete_price_data, "without complete prices"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("{all} would be skipped: {}.", parts.join(", "))
}

fn human_field(field: &str) -> &str {
    match field {
        "start_date" => "start date",
        "end_date" => "end date",
        other => other,
    }
}

fn short_id(job: &str) -> &str {
    job.get(..8).unwrap_or(job)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn configured_list(configured: &[String]) -> String {
    if configured.is_empty() {
        "(none)".to_owned()
    } else {
        configured.join(", ")
    }
}

fn busy_message(busy: &[(String, String)]) -> String {
    let parts: Vec<String> = busy
        .iter()
        .map(|(model, job)| format!("{model} is already running in job {job}"))
        .collect();
    format!(
        "Model {}. Wait for it to complete or cancel it.",
        parts.join("; model ")
    )
}
