use std::collections::BTreeMap;

use super::*;
use crate::planner::{ModelHistory, PlanRequest, plan};
use crate::{Date, calendar};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

const PRICING: Pricing = Pricing {
    input_per_million: 2.0,
    output_per_million: 10.0,
    cached_input_per_million: None,
};

fn model(name: &str, pricing: Option<Pricing>) -> ModelInfo {
    ModelInfo {
        signature: name.to_owned(),
        enabled: true,
        pricing,
        ..ModelInfo::default()
    }
}

/// Context on the calendar alone, `gpt` with 4 days of history.
fn context(models: Vec<ModelInfo>) -> PlanContext {
    let history = [1000u64, 2000, 3000, 4000].map(|p| DaySample {
        prompt_tokens: p,
        completion_tokens: p / 10,
        duration_seconds: Some(p as f64 / 100.0),
    });
    PlanContext {
        today: d("2025-11-01"),
        max_simulation_days: 60,
        models,
        history: BTreeMap::from([(
            "gpt".to_owned(),
            ModelHistory {
                usage: UsageStats::of(history),
                ..ModelHistory::default()
            },
        )]),
        max_parallel_models: Some(1),
        ..PlanContext::default()
    }
}

fn request(models: &[&str], max_cost_usd: Option<f64>) -> PlanRequest {
    PlanRequest {
        start_date: Some("2025-10-01".into()),
        end_date: "2025-10-14".into(),
        models: Some(models.iter().map(|m| (*m).to_owned()).collect()),
        max_cost_usd,
        ..PlanRequest::default()
    }
}

#[test]
fn expected_use_is_the_model_days_times_the_historical_figures() {
    let planned = plan(
        &request(&["gpt"], None),
        &context(vec![model("gpt", Some(PRICING))]),
    )
    .unwrap();
    let days = calendar::trading_days(d("2025-10-01"), d("2025-10-14")).count() as f64;
    let m = &planned.forecast.models[0];
    assert_eq!(
        (m.model_days as f64, m.basis, m.history_days),
        (days, ForecastBasis::History, 4)
    );
    let prompt = m.prompt_tokens.unwrap();
    assert_eq!(prompt.mean, 2500.0 * days);
    // Type-7 p90 of 1000..4000: 3700.
    assert!((prompt.p90 - 3700.0 * days).abs() < 1e-6);
    let cost = m.cost_usd.unwrap();
    assert!((cost.mean - days * (2500.0 * 2.0 + 250.0 * 10.0) / 1e6).abs() < 1e-12);
    assert_eq!(m.duration_seconds, Some(25.0 * days));
    assert_eq!(planned.forecast.total.cost_usd, cost);
    assert_eq!(planned.forecast.total.duration_seconds, Some(25.0 * days));
    assert!(planned.forecast.total.unknown_models.is_empty());
}

#[test]
fn without_history_a_prior_is_used_else_the_forecast_is_unknown() {
    let mut prior = model("new", Some(PRICING));
    prior.expected_tokens_per_day = Some(TokenPrior {
        prompt_tokens: 10_000,
        completion_tokens: 1_000,
    });
    let ctx = context(vec![
        prior,
        model("bare", Some(PRICING)),
        model("gpt", None),
    ]);
    let planned = plan(&request(&["new", "bare", "gpt"], None), &ctx).unwrap();
    let [new, bare, gpt] = &planned.forecast.models[..] else {
        panic!()
    };
    assert_eq!(new.basis, ForecastBasis::Prior);
    assert_eq!(
        new.day_cost_usd.unwrap().mean,
        (10_000.0 * 2.0 + 1_000.0 * 10.0) / 1e6
    );
    assert_eq!(new.duration_seconds, None);
    assert_eq!((bare.basis, bare.cost_usd), (ForecastBasis::Unknown, None));
    assert!(
        gpt.prompt_tokens.is_some() && gpt.cost_usd.is_none(),
        "no pricing"
    );
    let total = &planned.forecast.total;
    assert_eq!(total.unknown_models, ["bare", "gpt"]);
    assert_eq!(total.cost_usd, new.cost_usd.unwrap());
    assert_eq!(
        total.duration_seconds, None,
        "a model's duration is unknown"
    );
}

#[test]
fn wall_time_is_bounded_by_the_longest_chain_and_the_parallel_slots() {
    let mut ctx = context(vec![model("gpt", Some(PRICING))]);
    let mut req = request(&["gpt"], None);
    req.repeats = Some(4);
    let one_at_a_time = plan(&req, &ctx)
        .unwrap()
        .forecast
        .total
        .duration_seconds
        .unwrap();
    ctx.max_parallel_models = Some(4);
    let four = plan(&req, &ctx)
        .unwrap()
        .forecast
        .total
        .duration_seconds
        .unwrap();
    assert!(
        (one_at_a_time - 4.0 * four).abs() < 1e-9,
        "{one_at_a_time} vs {four}"
    );
}

#[test]
fn budgets_the_forecast_exceeds_are_warned_about() {
    let day = (2500.0 * 2.0 + 250.0 * 10.0) / 1e6;
    let gpt_with = |budget: f64| ModelInfo {
        budget_usd: Some(budget),
        ..model("gpt", Some(PRICING))
    };
    let gpt = gpt_with(3.5 * day);
    let mut bare = model("bare", None);
    bare.budget_usd = Some(1.0);
    let planned = plan(
        &request(&["gpt", "bare"], Some(5.0 * day)),
        &context(vec![gpt, bare]),
    )
    .unwrap();
    let m = &planned.forecast.models[0];
    assert_eq!(m.affordable_days, Some(3));
    // In claim order (date, then model) `bare`'s days cost nothing known, and gpt stops at
    // its own budget after 3: the job's budget of 5 days never binds.
    assert_eq!(planned.forecast.total.affordable_days, Some(13));
    let warnings = planned.warnings.join("\n");
    assert!(
        warnings.contains("about 3 of its 10 model-days fit"),
        "{warnings}"
    );
    assert!(
        warnings.contains("The budget of bare cannot be checked before it runs"),
        "{warnings}"
    );
    assert!(!warnings.contains("Forecast cost of the job"), "{warnings}");
    assert!(
        warnings.contains("max_cost_usd counts only known costs"),
        "{warnings}"
    );
    let tighter = plan(
        &request(&["gpt", "bare"], Some(2.0 * day)),
        &context(vec![gpt_with(3.5 * day), model("bare", None)]),
    )
    .unwrap();
    assert_eq!(tighter.forecast.total.affordable_days, Some(5));
    assert!(
        tighter
            .warnings
            .join("\n")
            .contains("about 5 of its 20 model-days fit"),
        "{:?}",
        tighter.warnings
    );
    // Every budget warning, of the plan and of a job, is known as one.
    let budget_warnings: Vec<&String> = planned
        .warnings
        .iter()
        .filter(|w| !w.starts_with("Skipped "))
        .collect();
    assert!(
        budget_warnings.iter().all(|w| is_budget_warning(w)),
        "{budget_warnings:?}"
    );
    let exhausted = |scope| Exhausted {
        scope,
        spent_usd: 1.0,
        limit_usd: 1.0,
    };
    assert!(is_budget_warning(&exhausted(BudgetScope::Job).warning(1)));
    assert!(is_budget_warning(
        &exhausted(BudgetScope::Model("m".into())).warning(1)
    ));
    let budget = Budget::of(&planned.forecast).unwrap();
    assert_eq!(budget.max_cost_usd, Some(5.0 * day));
    assert_eq!(budget.models["gpt"].day_cost_usd, Some(day));
}

#[test]
fn a_budget_must_be_an_amount_of_dollars() {
    let ctx = context(vec![model("gpt", Some(PRICING))]);
    for bad in [-1.0, f64::INFINITY, f64::NAN] {
        let error = plan(&request(&["gpt"], Some(bad)), &ctx).unwrap_err();
        assert_eq!(error.code(), "invalid_budget");
        assert!(
            error
                .to_string()
                .starts_with("max_cost_usd must be a finite number")
        );
    }
    assert!(Budget::of(&plan(&request(&["gpt"], None), &ctx).unwrap().forecast).is_none());
}
