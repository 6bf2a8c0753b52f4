//! Planning 100 models × 3,650 calendar days with five years of history per model.
//! Goal: native median under 20 ms. `cargo bench -p ai-trader-core --bench planner`.

use std::collections::BTreeMap;
use std::hint::black_box;

use ai_trader_core::market::{IncompleteDay, MarketAvailability};
use ai_trader_core::planner::{ModelHistory, ModelInfo};
use ai_trader_core::{Date, PlanContext, PlanRequest, calendar, plan};
use criterion::{Criterion, criterion_group, criterion_main};

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
    let context = PlanContext {
        today: end,
        max_simulation_days: 4_000,
        models: models
            .iter()
            .map(|m| ModelInfo {
                signature: m.clone(),
                enabled: true,
            })
            .collect(),
        market: Some(MarketAvailability {
            symbols: 101,
            first_date: Some(start),
            last_date: Some(end),
            incomplete,
        }),
        history,
        active_jobs: vec![],
        download_missing: false,
    };
    let request = PlanRequest {
        start_date: Some(start.to_string()),
        end_date: end.to_string(),
        models: None,
        replace_existing: false,
        ..Default::default()
    };
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
    group.bench_function("plan_and_expand_rows", |b| {
        b.iter(|| {
            let plan = plan(black_box(&request), black_box(&context)).unwrap();
            plan.model_days().filter(|d| d.runs()).count()
        })
    });
    group.finish();
    c.bench_function("calendar_10_years", |b| {
        let start = Date::parse("2021-01-01").unwrap();
        b.iter(|| calendar::trading_days(black_box(start), start.add_days(3_652)).count())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
