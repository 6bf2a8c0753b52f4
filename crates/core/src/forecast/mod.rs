//! What a planned job is expected to use before it runs: per model and in total, the model-days
//! to run, the tokens and cost they are expected to take (mean and 90th percentile) and how long
//! they take, with the budgets that apply and what they would leave unrun. The planner adds it to
//! every plan, so the browser shows it while the user types and the job stores the same figures.
//!
//! A model's per-day figures come from its history ([`UsageStats`]), else from its configured
//! prior ([`TokenPrior`]), else they are unknown, and shown as unknown, never as 0. The high
//! figure assumes every day as heavy as the history's 90th percentile day: a cautious bound,
//! not the 90th percentile of the sum.

mod budget;
mod describe;
mod usage;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use budget::{Budget, BudgetScope, Exhausted, ModelSpending, admits, affordable_days};
pub use describe::{
    describe_basis, describe_budget, describe_cost, describe_duration, describe_token_counts,
    describe_tokens,
};
pub use usage::{DaySample, HIGH_QUANTILE, MeanAndHigh, TokenPrior, UsageStats};

use crate::cost::{Pricing, describe_usd};
use crate::planner::{ModelInfo, Plan, PlanContext, RUN_LETTER};

/// Where a model's per-day figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ForecastBasis {
    /// Its committed model-days.
    History,
    /// The config's `expected_tokens_per_day`.
    Prior,
    /// Neither: its tokens, cost and duration are unknown.
    Unknown,
}

/// One model's forecast (its runs together).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelForecast {
    /// The model's signature.
    pub model: String,
    /// Its model-days that run.
    pub model_days: u32,
    /// Where its figures come from.
    pub basis: ForecastBasis,
    /// Its model-days of history the figures are from (0 unless `basis` is `history`).
    pub history_days: u32,
    /// Prompt tokens over its model-days; `null` when unknown.
    pub prompt_tokens: Option<MeanAndHigh>,
    /// Completion tokens over its model-days; `null` when unknown.
    pub completion_tokens: Option<MeanAndHigh>,
    /// Cost of one model-day, USD; `null` when unknown (no figures or no prices).
    pub day_cost_usd: Option<MeanAndHigh>,
    /// Cost over its model-days, USD; `null` when unknown.
    pub cost_usd: Option<MeanAndHigh>,
    /// Seconds its model-days take one after another; `null` when unknown.
    pub duration_seconds: Option<f64>,
    /// Its budget for this job (the config's `budget_usd`), USD.
    pub budget_usd: Option<f64>,
    /// With a budget and a known day cost: how many of its model-days the budget lets run at
    /// the mean day cost (the rest would be skipped, `budget_exhausted`).
    pub affordable_days: Option<u32>,
}

/// The whole job's forecast.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ForecastTotal {
    /// Model-days that run.
    pub model_days: u32,
    /// Prompt tokens of the models whose tokens are known.
    pub prompt_tokens: MeanAndHigh,
    /// Completion tokens of the models whose tokens are known.
    pub completion_tokens: MeanAndHigh,
    /// Cost of the models whose cost is known, USD: a lower bound when `unknown_models` is
    /// not empty.
    pub cost_usd: MeanAndHigh,
    /// Models with model-days to run whose cost is unknown.
    pub unknown_models: Vec<String>,
    /// Expected wall time, seconds, given how many model-days run at once; `null` when a
    /// model's duration is unknown.
    pub duration_seconds: Option<f64>,
    /// The job's budget (`max_cost_usd`), USD.
    pub max_cost_usd: Option<f64>,
    /// With a job budget: how many model-days it lets run at the mean day costs, in the order
    /// the workers take them (earliest date first).
    pub affordable_days: Option<u32>,
}

/// A plan's forecast.
///
/// JSON shape: `{"models": [{"model": "gpt-5", "model_days": 10, "basis": "history",
/// "history_days": 12, "prompt_tokens": {"mean": …, "p90": …}, …, "cost_usd": {"mean": 1.2,
/// "p90": 1.5}, "duration_seconds": 630.0, "budget_usd": 5.0, "affordable_days": 10}],
/// "total": {"model_days": 10, …, "unknown_models": [], "max_cost_usd": null, …}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Forecast {
    /// One per model of the job, in its order.
    pub models: Vec<ModelForecast>,
    /// The whole job.
    pub total: ForecastTotal,
}

/// Per-day figures of a model.
struct DayFigures {
    basis: ForecastBasis,
    history_days: u32,
    prompt: Option<MeanAndHigh>,
    completion: Option<MeanAndHigh>,
    duration: Option<f64>,
}

fn day_figures(info: Option<&ModelInfo>, usage: Option<&UsageStats>) -> DayFigures {
    if let Some(stats) = usage {
        return DayFigures {
            basis: ForecastBasis::History,
            history_days: stats.days,
            prompt: Some(stats.prompt_tokens),
            completion: Some(stats.completion_tokens),
            duration: stats.duration_seconds,
        };
    }
    let flat = |n: u64| MeanAndHigh {
        mean: n as f64,
        p90: n as f64,
    };
    match info.and_then(|m| m.expected_tokens_per_day) {
        Some(prior) => DayFigures {
            basis: ForecastBasis::Prior,
            history_days: 0,
            prompt: Some(flat(prior.prompt_tokens)),
            completion: Some(flat(prior.completion_tokens)),
            duration: None,
        },
        None => DayFigures {
            basis: ForecastBasis::Unknown,
            history_days: 0,
            prompt: None,
            completion: None,
            duration: None,
        },
    }
}

fn day_cost(pricing: Option<Pricing>, figures: &DayFigures) -> Option<MeanAndHigh> {
    let pricing = pricing?;
    if pricing.is_free() {
        // Known without any tokens: the mock and the baselines.
        return Some(MeanAndHigh::default());
    }
    let (prompt, completion) = (figures.prompt?, figures.completion?);
    Some(MeanAndHigh {
        mean: pricing.cost_of_tokens(prompt.mean, completion.mean),
        p90: pricing.cost_of_tokens(prompt.p90, completion.p90),
    })
}

/// What one model of a plan is expected to cost per day and take per day.
#[derive(Clone, Copy)]
struct PerDay {
    cost: Option<f64>,
    duration: Option<f64>,
}

/// The forecast of a plan.
pub(crate) fn forecast(plan: &Plan, context: &PlanContext, max_cost_usd: Option<f64>) -> Forecast {
    // Each model's position in the plan, its configuration, and its days to run: one pass
    // each, so a plan of many models stays linear.
    let position: HashMap<&str, usize> = plan
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut info: Vec<Option<&ModelInfo>> = vec![None; plan.models.len()];
    for m in &context.models {
        if let Some(&i) = position.get(m.signature.as_str()) {
            info[i] = Some(m);
        }
    }
    let mut model_days = vec![0u32; plan.models.len()];
    let row_model: Vec<usize> = plan
        .grid
        .iter()
        .map(|r| {
            let i = position.get(r.model.as_str()).copied().unwrap_or(0);
            model_days[i] += r.runs;
            i
        })
        .collect();
    let mut models = Vec::with_capacity(plan.models.len());
    let mut per_day = Vec::with_capacity(plan.models.len());
    for (i, model) in plan.models.iter().enumerate() {
        let (info, model_days) = (info[i], model_days[i]);
        let usage = context.history.get(model).and_then(|h| h.usage.as_ref());
        let figures = day_figures(info, usage);
        let days = f64::from(model_days);
        let day_cost_usd = day_cost(info.and_then(|m| m.pricing), &figures);
        let budget_usd = info.and_then(|m| m.budget_usd);
        models.push(ModelForecast {
            model: model.clone(),
            model_days,
            basis: figures.basis,
            history_days: figures.history_days,
            prompt_tokens: figures.prompt.map(|t| t.times(days)),
            completion_tokens: figures.completion.map(|t| t.times(days)),
            day_cost_usd,
            cost_usd: day_cost_usd.map(|c| c.times(days)),
            duration_seconds: figures.duration.map(|d| d * days),
            budget_usd,
            affordable_days: budget_usd
                .zip(day_cost_usd)
                .map(|(budget, cost)| affordable_days(budget, cost.mean, model_days)),
        });
        per_day.push(PerDay {
            cost: day_cost_usd.map(|c| c.mean),
            duration: figures.duration,
        });
    }
    let mut total = sum(&models);
    total.max_cost_usd = max_cost_usd;
    total.duration_seconds = wall_time(plan, &row_model, &per_day, context.max_parallel_models);
    total.affordable_days =
        max_cost_usd.map(|budget| affordable_in_order(plan, &row_model, &per_day, &models, budget));
    Forecast { models, total }
}

/// The models' tokens and costs added up; the models whose cost is unknown listed.
fn sum(models: &[ModelForecast]) -> ForecastTotal {
    let mut total = ForecastTotal::default();
    for m in models {
        total.model_days += m.model_days;
        if let Some(t) = m.prompt_tokens {
            total.prompt_tokens = total.prompt_tokens.plus(t);
        }
        if let Some(t) = m.completion_tokens {
            total.completion_tokens = total.completion_tokens.plus(t);
        }
        match m.cost_usd {
            Some(c) => total.cost_usd = total.cost_usd.plus(c),
            None if m.model_days > 0 => total.unknown_models.push(m.model.clone()),
            None => {}
        }
    }
    total
}

/// How many model-days a job budget lets run: spent day by day in claim order (earliest date
/// first, then model) at the mean day costs, an unknown cost spending nothing; a model whose
/// own budget ran out stops, the job's stops every model.
fn affordable_in_order(
    plan: &Plan,
    row_model: &[usize],
    per_day: &[PerDay],
    models: &[ModelForecast],
    budget: f64,
) -> u32 {
    let order = plan.detail_order();
    let mut spent_by_model = vec![0.0; models.len()];
    let (mut spent, mut days) = (0.0, 0);
    for i in 0..plan.dates.len() {
        for &row in &order {
            if plan.grid[row].cells.as_bytes().get(i) != Some(&RUN_LETTER) {
                continue;
            }
            let model = row_model[row];
            let cost = per_day[model].cost.unwrap_or(0.0);
            if models[model]
                .budget_usd
                .is_some_and(|limit| !admits(spent_by_model[model], cost, limit))
            {
                continue;
            }
            if !admits(spent, cost, budget) {
                return days;
            }
            spent_by_model[model] += cost;
            spent += cost;
            days += 1;
        }
    }
    days
}

/// The job's expected wall time: each (model, run) chain runs its days one after another, and
/// at most `max_parallel` days run at once, so it takes at least the longest chain and at least
/// the total work spread over the slots.
fn wall_time(
    plan: &Plan,
    row_model: &[usize],
    per_day: &[PerDay],
    max_parallel: Option<u32>,
) -> Option<f64> {
    let mut longest: f64 = 0.0;
    let mut work = 0.0;
    for (row, model) in plan.grid.iter().zip(row_model).filter(|(r, _)| r.runs > 0) {
        let chain = per_day[*model].duration? * f64::from(row.runs);
        longest = longest.max(chain);
        work += chain;
    }
    let slots = f64::from(max_parallel.unwrap_or(u32::MAX).max(1));
    Some(longest.max(work / slots))
}

/// How the budget warnings of a plan and of a job begin: a page that says the same from the
/// job's forecast and details in its own words leaves them out.
pub const BUDGET_WARNING_PREFIXES: [&str; 4] = [
    "Forecast cost of ",
    "The budget of ",
    "The job's budget ",
    "max_cost_usd counts only",
];

/// A warning about budgets (see [`BUDGET_WARNING_PREFIXES`]).
pub fn is_budget_warning(warning: &str) -> bool {
    BUDGET_WARNING_PREFIXES
        .iter()
        .any(|p| warning.starts_with(p))
}

/// The warnings a forecast adds to its plan: budgets the forecast exceeds, and budgets that
/// cannot be checked because a cost is unknown.
pub(crate) fn warnings(forecast: &Forecast) -> Vec<String> {
    let mut out = Vec::new();
    for m in forecast.models.iter().filter(|m| m.model_days > 0) {
        let Some(budget) = m.budget_usd else { continue };
        match (m.cost_usd, m.affordable_days) {
            (Some(cost), Some(affordable)) if affordable < m.model_days => out.push(format!(
                "Forecast cost of {} is {} ({} at p90), over its budget of {}: about {affordable} of its {} model-days fit, the rest would be skipped (budget_exhausted)",
                m.model,
                usd(cost.mean),
                usd(cost.p90),
                usd(budget),
                m.model_days
            )),
            (Some(cost), _) if cost.p90 > budget => out.push(format!(
                "Forecast cost of {} at p90 ({}) exceeds its budget of {}: its last model-days may be skipped",
                m.model,
                usd(cost.p90),
                usd(budget)
            )),
            (None, _) => out.push(format!(
                "The budget of {} cannot be checked before it runs: its cost is unknown ({})",
                m.model,
                unknown_because(m)
            )),
            _ => {}
        }
    }
    let total = &forecast.total;
    if let (Some(budget), Some(affordable)) = (total.max_cost_usd, total.affordable_days) {
        // Days the models' own budgets already leave out are not the job budget's doing.
        let within_own_budgets: u32 = forecast
            .models
            .iter()
            .map(|m| m.affordable_days.unwrap_or(m.model_days))
            .sum();
        if affordable < within_own_budgets {
            out.push(format!(
                "Forecast cost of the job ({}, {} at p90) exceeds max_cost_usd of {}: about {affordable} of its {} model-days fit, the rest would be skipped (budget_exhausted)",
                usd(total.cost_usd.mean),
                usd(total.cost_usd.p90),
                usd(budget),
                total.model_days
            ));
        } else if let Some(high) = high_within_own_budgets(forecast).filter(|h| *h > budget) {
            out.push(format!(
                "Forecast cost of the job at p90 ({}) exceeds max_cost_usd of {}: its last model-days may be skipped",
                usd(high),
                usd(budget)
            ));
        }
        if !total.unknown_models.is_empty() {
            out.push(format!(
                "max_cost_usd counts only known costs: the cost of {} is unknown",
                total.unknown_models.join(", ")
            ));
        }
    }
    out
}

/// The job's p90 cost with each model's capped at its own budget; `None` when nothing is known.
fn high_within_own_budgets(forecast: &Forecast) -> Option<f64> {
    let costs = forecast.models.iter().filter_map(|m| {
        let high = m.cost_usd?.p90;
        Some(m.budget_usd.map_or(high, |b| high.min(b)))
    });
    costs.reduce(|a, b| a + b)
}

/// Why a model's cost is unknown, in the config's terms.
pub fn unknown_because(m: &ModelForecast) -> &'static str {
    match m.basis {
        ForecastBasis::Unknown => "no history and no expected_tokens_per_day",
        _ => "no pricing",
    }
}

fn usd(amount: f64) -> String {
    describe_usd(Some(amount))
}

#[cfg(test)]
mod tests;
