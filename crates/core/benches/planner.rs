//! Planning 100 models × 3,650 calendar days with five years of history per model (goal:
//! native median under 20 ms), and 200 rows over a year as 200 models or as 20 models × 10
//! repeats (goal: repeats within 2× of the same number of plain rows).
//! `cargo bench -p ai-trader-core --bench planner`.

use std::collections::BTreeMap;
use std::hint::black_box;

use ai_trader_core::cost::Pricing;
use ai_trader_core::forecast::{DaySample, UsageStats};
use ai_trader_core::market::{IncompleteDay, MarketAvailability};
use ai_trader_core::planner::{ModelHistory, ModelInfo};
use ai_trader_core::{Date, PlanContext, PlanRequest, calendar, plan};
use criterion::{Criterion, criterion_group, criterion_main};

/// Every model enabled, today the market's last day, nothing active.
fn context_of(
    models: &[String],
    market: MarketAvailability,
    history: BTreeMap<String, ModelHistory>,
    max_simulation_days: u32,
) -> PlanContext {
    PlanContext {
        today: market.last_date.unwrap(),
        max_simulation_days,
        models: models
            .iter()
            .map(|m| ModelInfo {
                signature: m.clone(),
                enabled: true,
                ..ModelInfo::default()
            })
            .collect(),
        market: Some(market),
        history,
        active_jobs: vec![],
        download_missing: false,
        ..PlanContext::default()
    }
}

/// The benchmark's context: 100 models, a decade of market data with a few gaps, and each
/// model's completed trading days over five of those years.
pub fn large_context() -> (PlanRequest, PlanContext) {
    let start = Date::parse("2021-01-04").unwrap();
    let end = start.add_days(3_649);
    let history_end = Date::parse("2025-12-31").unwrap();
    let trading: Vec<Date> = calendar::trading_days(start, history_end).collect();
    let models: Vec<String> = (0..100).map(|i| format!("model-{i:03}")).collect();
    let history = models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // Stagger where each model's history ends so that plans mix completed, earlier-than-
            // history and runnable days.
            let keep = trading.len() - i * 3;
            (
                m.clone(),
                ModelHistory {
                    completed: trading[..keep].to_vec(),
                    ..ModelHistory::default()
                },
            )
        })
        .collect::<BTreeMap<_, _>>();
    let incomplete = calendar::trading_days(start, end)
        .step_by(97)
        .map(|date| IncompleteDay {
            date,
            listed: 101,
            missing: vec!["AAPL".into()],
        })
        .collect();
    let market = MarketAvailability {
        symbols: 101,
        first_date: Some(start),
        last_date: Some(end),
        incomplete,
    };
    let context = context_of(&models, market, history, 4_000);
    let request = PlanRequest {
        start_date: Some(start.to_string()),
        end_date: end.to_string(),
        models: None,
        replace_existing: false,
        ..Default::default()
    };
    (request, context)
}

/// 200 rows over the 362 calendar days after 2025-01-01 (about 250 trading days), each with a
/// year of history before: `models` models × `repeats` runs (`exp-1`… when more than one).
fn rows_context(models: usize, repeats: u32) -> (PlanRequest, PlanContext) {
    let start = Date::parse("2025-01-02").unwrap();
    let end = start.add_days(361);
    let history: Vec<Date> =
        calendar::trading_days(Date::parse("2024-01-02").unwrap(), start.pred()).collect();
    let names: Vec<String> = (0..models).map(|i| format!("model-{i:03}")).collect();
    let runs = ai_trader_core::run::repeat_names("exp", repeats);
    let history = names
        .iter()
        .map(|m| {
            let mut h = ModelHistory::default();
            for run in &runs {
                for day in &history {
                    h.push(if repeats > 1 { run } else { "main" }, *day);
                }
            }
            (m.clone(), h)
        })
        .collect();
    let market = MarketAvailability {
        symbols: 101,
        first_date: Some(Date::parse("2024-01-02").unwrap()),
        last_date: Some(end),
        incomplete: vec![],
    };
    let context = context_of(&names, market, history, 400);
    let request = PlanRequest {
        start_date: Some(start.to_string()),
        end_date: end.to_string(),
        run: (repeats > 1).then(|| "exp".to_owned()),
        repeats: (repeats > 1).then_some(repeats),
        ..Default::default()
    };
    (request, context)
}

fn bench_rows(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan_200_rows_x_362_days");
    group.sample_size(50);
    for (name, models, repeats) in [("200_models", 200, 1), ("20_models_x_10_repeats", 20, 10)] {
        let (request, context) = rows_context(models, repeats);
        let planned = plan(&request, &context).unwrap();
        assert_eq!(planned.grid.len(), 200);
        assert_eq!(planned.totals.total_model_days, 200 * 362);
        group.bench_function(name, |b| {
            b.iter(|| plan(black_box(&request), black_box(&context)).unwrap())
        });
    }
    group.finish();
}

/// The context with prices, usage statistics and budgets for every model, and a job budget.
fn with_forecast(mut request: PlanRequest, mut context: PlanContext) -> (PlanRequest, PlanContext) {
    let day = |p: u64| DaySample {
        prompt_tokens: p,
        completion_tokens: p / 20,
        duration_seconds: Some(60.0),
    };
    for model in &mut context.models {
        model.pricing = Some(Pricing {
            input_per_million: 1.25,
            output_per_million: 10.0,
            cached_input_per_million: None,
        });
        model.budget_usd = Some(1e9);
        let history = context.history.entry(model.signature.clone()).or_default();
        history.usage = UsageStats::of([day(30_000), day(45_000), day(52_000)]);
    }
    request.max_cost_usd = Some(1e12);
    (request, context)
}

fn bench(c: &mut Criterion) {
    let (request, context) = large_context();
    let planned = plan(&request, &context).unwrap();
    assert_eq!(planned.totals.total_model_days, 365_000);
    let mut group = c.benchmark_group("plan_100_models_x_3650_days");
    group.sample_size(30);
    group.bench_function("plan", |b| {
        b.iter(|| plan(black_box(&request), black_box(&context)).unwrap())
    });
    let (plain_request, plain_context) = (request.clone(), context.clone());
    // Every model priced, with history statistics and a budget, and a job budget that never
    // binds: the forecast walks every run cell in claim order.
    let (request, context) = with_forecast(request, context);
    let planned = plan(&request, &context).unwrap();
    assert_eq!(
        planned.forecast.total.affordable_days,
        Some(planned.totals.run)
    );
    group.bench_function("plan_with_forecast_and_budgets", |b| {
        b.iter(|| plan(black_box(&request), black_box(&context)).unwrap())
    });
    group.bench_function("plan_and_expand_rows", |b| {
        b.iter(|| {
            let plan = plan(black_box(&plain_request), black_box(&plain_context)).unwrap();
            plan.model_days().filter(|d| d.runs()).count()
        })
    });
    group.finish();
    c.bench_function("calendar_10_years", |b| {
        let start = Date::parse("2021-01-01").unwrap();
        b.iter(|| calendar::trading_days(black_box(start), start.add_days(3_652)).count())
    });
}

criterion_group!(benches, bench, bench_rows);
criterion_main!(benches);
