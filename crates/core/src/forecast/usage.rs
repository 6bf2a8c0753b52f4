//! A model's usage per model-day as its history shows it: how many days, the mean and 90th
//! percentile of its prompt and completion tokens, and its mean duration. The server builds it
//! from its committed days; the planner forecasts from it.

use serde::{Deserialize, Serialize};

use crate::stats;

/// The quantile a forecast's high figure uses.
pub const HIGH_QUANTILE: f64 = 0.9;

/// One committed model-day's usage.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DaySample {
    /// Prompt (input) tokens.
    pub prompt_tokens: u64,
    /// Completion (output) tokens.
    pub completion_tokens: u64,
    /// Its session's duration; `None` when not recorded.
    pub duration_seconds: Option<f64>,
}

impl DaySample {
    /// The day ran an agent session here: it has tokens or a duration. An imported day (a
    /// reference trade log) has neither, and says nothing about what a day costs.
    pub fn is_session(&self) -> bool {
        self.prompt_tokens + self.completion_tokens > 0
            || self.duration_seconds.is_some_and(|d| d > 0.0)
    }
}

/// The mean and high (90th percentile) of a per-day figure.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MeanAndHigh {
    /// The mean.
    pub mean: f64,
    /// The 90th percentile.
    pub p90: f64,
}

impl MeanAndHigh {
    fn of(xs: &[f64]) -> Option<Self> {
        Some(Self {
            mean: stats::mean(xs)?,
            p90: stats::quantile(xs, HIGH_QUANTILE)?,
        })
    }

    /// Both figures times `n`.
    pub fn times(self, n: f64) -> Self {
        Self {
            mean: self.mean * n,
            p90: self.p90 * n,
        }
    }

    /// The sum of two.
    pub fn plus(self, other: Self) -> Self {
        Self {
            mean: self.mean + other.mean,
            p90: self.p90 + other.p90,
        }
    }
}

/// A model's usage per model-day, over its history.
///
/// JSON shape: `{"days": 12, "prompt_tokens": {"mean": 41000.5, "p90": 52000},
/// "completion_tokens": {"mean": 1800, "p90": 2400}, "duration_seconds": 63.2}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UsageStats {
    /// Model-days seen (those that ran an agent session).
    pub days: u32,
    /// Prompt tokens per model-day.
    pub prompt_tokens: MeanAndHigh,
    /// Completion tokens per model-day.
    pub completion_tokens: MeanAndHigh,
    /// Mean duration of a model-day, seconds; `null` when none was recorded.
    pub duration_seconds: Option<f64>,
}

impl UsageStats {
    /// The statistics of a model's days; `None` when none ran a session here.
    pub fn of(samples: impl IntoIterator<Item = DaySample>) -> Option<Self> {
        let sessions: Vec<DaySample> = samples.into_iter().filter(DaySample::is_session).collect();
        let figure = |f: fn(&DaySample) -> u64| -> Vec<f64> {
            sessions.iter().map(|s| f(s) as f64).collect()
        };
        let durations: Vec<f64> = sessions.iter().filter_map(|s| s.duration_seconds).collect();
        Some(Self {
            days: sessions.len() as u32,
            prompt_tokens: MeanAndHigh::of(&figure(|s| s.prompt_tokens))?,
            completion_tokens: MeanAndHigh::of(&figure(|s| s.completion_tokens))?,
            duration_seconds: stats::mean(&durations),
        })
    }
}

/// The configured guess of a model's tokens per model-day (`expected_tokens_per_day`), used
/// until it has history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenPrior {
    /// Prompt tokens per model-day.
    pub prompt_tokens: u64,
    /// Completion tokens per model-day.
    pub completion_tokens: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(prompt: u64, completion: u64, seconds: f64) -> DaySample {
        DaySample {
            prompt_tokens: prompt,
            completion_tokens: completion,
            duration_seconds: Some(seconds),
        }
    }

    #[test]
    fn statistics_of_a_models_days() {
        let stats = UsageStats::of([
            day(1000, 100, 10.0),
            day(2000, 200, 20.0),
            day(3000, 300, 30.0),
            // An imported day: no session, not counted.
            day(0, 0, 0.0),
        ])
        .unwrap();
        assert_eq!(stats.days, 3);
        assert_eq!(stats.prompt_tokens.mean, 2000.0);
        assert!((stats.prompt_tokens.p90 - 2800.0).abs() < 1e-9);
        assert!((stats.completion_tokens.p90 - 280.0).abs() < 1e-9);
        assert_eq!(stats.duration_seconds, Some(20.0));
        assert_eq!(UsageStats::of([day(0, 0, 0.0)]), None);
    }
}
