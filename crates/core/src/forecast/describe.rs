//! A forecast for a person: tokens, durations and costs in words, the same in the browser and
//! on the command line.

use super::{ForecastBasis, MeanAndHigh, ModelForecast};
use crate::cost::{describe_usd, fixed};

/// `850`, `41.2k`, `1.35M` tokens.
pub fn describe_tokens(tokens: f64) -> String {
    if tokens < 1_000.0 {
        fixed(tokens, 0)
    } else if tokens < 1_000_000.0 {
        format!("{}k", fixed(tokens / 1e3, 1))
    } else {
        format!("{}M", fixed(tokens / 1e6, 2))
    }
}

/// `under a second`, `45 s`, `12 min`, `3.5 h`, or `unknown`.
pub fn describe_duration(seconds: Option<f64>) -> String {
    match seconds {
        None => "unknown".to_owned(),
        Some(s) if s < 1.0 => "under a second".to_owned(),
        Some(s) if s < 90.0 => format!("{} s", fixed(s, 0)),
        Some(s) if s < 90.0 * 60.0 => format!("{} min", fixed(s / 60.0, 0)),
        Some(s) => format!("{} h", fixed(s / 3600.0, 1)),
    }
}

/// `$1.46 (p90 $1.62)`, `free`, or `unknown`.
pub fn describe_cost(cost: Option<MeanAndHigh>) -> String {
    match cost {
        None => describe_usd(None),
        Some(c) if c.p90 <= c.mean => describe_usd(Some(c.mean)),
        Some(c) => format!(
            "{} (p90 {})",
            describe_usd(Some(c.mean)),
            describe_usd(Some(c.p90))
        ),
    }
}

/// `41.2k in, 1.8k out`, or `unknown`.
pub fn describe_token_counts(
    prompt: Option<MeanAndHigh>,
    completion: Option<MeanAndHigh>,
) -> String {
    match (prompt, completion) {
        (Some(p), Some(c)) => format!(
            "{} in, {} out",
            describe_tokens(p.mean),
            describe_tokens(c.mean)
        ),
        _ => "unknown".to_owned(),
    }
}

/// Where a model's figures come from: `from its last 12 model-days`, `from its expected tokens
/// per day`, or why they are unknown.
pub fn describe_basis(m: &ModelForecast) -> String {
    let basis = match m.basis {
        ForecastBasis::History if m.history_days == 1 => "from its one model-day so far".to_owned(),
        ForecastBasis::History => format!("from its {} model-days so far", m.history_days),
        ForecastBasis::Prior => "from its configured expected tokens per day".to_owned(),
        ForecastBasis::Unknown if m.day_cost_usd.is_some() => {
            "free; tokens and time unknown until it has history".to_owned()
        }
        ForecastBasis::Unknown => {
            "unknown: no history yet and no expected tokens per day configured".to_owned()
        }
    };
    if m.basis != ForecastBasis::Unknown && m.day_cost_usd.is_none() {
        format!("{basis}; cost unknown: no pricing configured")
    } else {
        basis
    }
}

/// The model's budget and what it lets run: `budget $5.00: 3 of 7 model-days fit`,
/// `budget $5.00: all 7 fit`; `None` without a budget.
pub fn describe_budget(m: &ModelForecast) -> Option<String> {
    let budget = describe_usd(Some(m.budget_usd?));
    Some(match m.affordable_days {
        None => format!("budget {budget}: cannot be checked, the cost is unknown"),
        Some(n) if n >= m.model_days => format!("budget {budget}: all {} fit", m.model_days),
        Some(n) => format!(
            "budget {budget}: {n} of {} model-days fit, the rest would be skipped",
            m.model_days
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_in_words() {
        assert_eq!(describe_tokens(850.0), "850");
        assert_eq!(describe_tokens(41_234.0), "41.2k");
        assert_eq!(describe_tokens(1_350_000.0), "1.35M");
        assert_eq!(describe_duration(Some(0.2)), "under a second");
        assert_eq!(describe_duration(Some(45.0)), "45 s");
        assert_eq!(describe_duration(Some(720.0)), "12 min");
        assert_eq!(describe_duration(Some(12_600.0)), "3.5 h");
        assert_eq!(describe_duration(None), "unknown");
        let c = MeanAndHigh {
            mean: 1.456,
            p90: 1.62,
        };
        assert_eq!(describe_cost(Some(c)), "$1.46 (p90 $1.62)");
        assert_eq!(describe_cost(None), "unknown");
        let free = MeanAndHigh {
            mean: 0.0,
            p90: 0.0,
        };
        assert_eq!(describe_cost(Some(free)), "free");
    }
}
