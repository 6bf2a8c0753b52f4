//! Properties of the planner over random requests and contexts.

use std::collections::{BTreeMap, HashSet};

use ai_trader_core::market::{DayData, MarketAvailability};
use ai_trader_core::planner::{ActiveJob, ModelHistory, ModelInfo};
use ai_trader_core::{Date, JobStatus, PlanContext, PlanRequest, SkipReason, calendar, plan};
use proptest::prelude::*;

const MODELS: [&str; 4] = ["alpha", "beta", "gamma", "delta"];

/// Runs other than `main` that histories may have.
const RUNS: [&str; 4] = ["exp", "exp-1", "exp-2", "exp-3"];

fn base() -> Date {
    Date::parse("2025-06-02").unwrap()
}

fn day(offset: u16) -> Date {
    base().add_days(i64::from(offset))
}

prop_compose! {
    fn context()(
        today in 150u16..250,
        max_days in 10u32..120,
        enabled in proptest::collection::vec(any::<bool>(), 4),
        market_known in any::<bool>(),
        data_span in (0u16..40, 80u16..200),
        gaps in proptest::collection::vec((0usize..3, 0u16..200), 0..12),
        history in proptest::collection::vec(proptest::collection::vec(0u16..200, 0..40), 4),
        run_history in proptest::collection::vec(
            (0usize..4, 0usize..RUNS.len(), proptest::collection::vec(0u16..200, 0..30)),
            0..6,
        ),
        busy in proptest::collection::vec(proptest::bool::weighted(0.08), 4),
        download_missing in proptest::bool::weighted(0.2),
    ) -> PlanContext {
        let symbols: Vec<(String, Vec<Date>)> = (0..3)
            .map(|s| {
                let dates = calendar::trading_days(day(data_span.0), day(data_span.1))
                    .filter(|d| !gaps.iter().any(|(gs, go)| *gs == s && day(*go) == *d))
                    .collect();
                (format!("S{s}"), dates)
            })
            .collect();
        PlanContext {
            today: day(today),
            max_simulation_days: max_days,
            models: MODELS
                .iter()
                .zip(&enabled)
                .map(|(m, e)| ModelInfo { signature: (*m).to_owned(), enabled: *e, ..ModelInfo::default() })
                .collect(),
            market: market_known.then(|| MarketAvailability::from_symbol_dates(symbols)),
            history: MODELS
                .iter()
                .zip(&history)
                .enumerate()
                .map(|(i, (m, h))| {
                    let runs = run_history
                        .iter()
                        .filter(|(model, _, _)| *model == i)
                        .map(|(_, run, days)| (RUNS[*run].to_owned(), days.iter().map(|o| day(*o)).collect()))
                        .collect();
                    let completed = h.iter().map(|o| day(*o)).collect();
                    ((*m).to_owned(), ModelHistory { completed, runs, usage: None })
                })
                .collect::<BTreeMap<_, _>>(),
            active_jobs: MODELS
                .iter()
                .zip(&busy)
                .filter(|(_, b)| **b)
                .map(|(m, _)| ActiveJob {
                    job_id: format!("job-{m}"),
                    status: JobStatus::Running,
                    models: vec![(*m).to_owned()],
                    runs: vec!["main".to_owned(), "exp-2".to_owned()],
                })
                .collect(),
            download_missing,
            ..PlanContext::default()
        }
    }
}

prop_compose! {
    fn request()(
        start in proptest::option::weighted(0.8, 0u16..170),
        length in 0u16..45,
        models in proptest::sample::subsequence(vec![0usize, 1, 2, 3], 0..=4),
        unknown in proptest::bool::weighted(0.05),
        replace_existing in any::<bool>(),
        bad_date in 0u8..20,
        run in proptest::option::of(proptest::sample::select(vec!["main", "exp", "new"])),
        repeats in proptest::option::of(1u32..4),
    ) -> PlanRequest {
        let start_offset = start.unwrap_or(100);
        let mut end_date = day(start_offset + length).to_string();
        if bad_date == 0 {
            end_date = "2025-6-1".to_owned();
        }
        let mut models: Vec<String> = models.iter().map(|i| MODELS[*i].to_owned()).collect();
        if unknown {
            models.push("unknown".to_owned());
        }
        PlanRequest {
            start_date: start.map(|s| day(s).to_string()),
            end_date,
            models: Some(models),
            replace_existing,
            run: run.map(str::to_owned),
            repeats,
            ..Default::default()
        }
    }
}

/// The counts a warning claims, as (model-days) given the number of (model, run) chains.
fn warned_model_days(warnings: &[String], chains: u32) -> u32 {
    warnings
        .iter()
        .map(|w| {
            let n: u32 = w
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if w.starts_with("Skipped") && w.contains(" dates due to ") {
                n * chains
            } else if w.starts_with("Skipped") && w.contains(" model-days ") {
                n
            } else {
                0
            }
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn planner_properties(context in context(), request in request()) {
        let Ok(plan) = plan(&request, &context) else {
            // Rejections are fine; panics are not (proptest reports them).
            return Ok(());
        };
        let rows: Vec<_> = plan.model_days().collect();
        let dates: Vec<Date> = Date::range_inclusive(plan.start_date, plan.end_date).collect();
        let chains = plan.models.len() * plan.runs.len();
        let expected_runs = ai_trader_core::run::repeat_names(
            request.run.as_deref().unwrap_or("main"),
            request.repeats.unwrap_or(1),
        );
        prop_assert_eq!(&plan.runs, &expected_runs);

        // Every requested (date, model, run) exactly once.
        prop_assert_eq!(rows.len(), dates.len() * chains);
        let triples: HashSet<(Date, &str, &str)> = rows.iter().map(|r| (r.date, r.model, r.run)).collect();
        prop_assert_eq!(triples.len(), rows.len());
        for date in &dates {
            for model in &plan.models {
                for run in &plan.runs {
                    prop_assert!(triples.contains(&(*date, model.as_str(), run.as_str())));
                }
            }
        }

        // A model-day runs only if tradable and, unless replacing, not completed.
        for row in &rows {
            let completed = context
                .history
                .get(row.model)
                .is_some_and(|h| h.of_run(row.run).contains(&row.date));
            if row.runs() {
                prop_assert!(calendar::is_trading_day(row.date));
                if let Some(market) = &context.market {
                    let complete = market.day(row.date) == DayData::Complete;
                    // With download_missing an incomplete day runs after its prices are fetched.
                    prop_assert!(complete || (context.download_missing && plan.download_dates.contains(&row.date)));
                }
                if !plan.replace_existing || plan.resume_mode {
                    prop_assert!(!completed);
                }
            } else {
                prop_assert!(row.message.is_some());
            }
            if row.skip_reason == Some(SkipReason::AlreadyCompleted) {
                prop_assert!(completed);
            }
        }

        // Totals equal the row counts.
        let t = plan.totals;
        prop_assert_eq!(t.total_model_days as usize, rows.len());
        prop_assert_eq!(t.run as usize, rows.iter().filter(|r| r.runs()).count());
        prop_assert_eq!(t.run + t.skipped, t.total_model_days);
        for reason in SkipReason::PLANNED {
            let n = rows.iter().filter(|r| r.skip_reason == Some(reason)).count();
            prop_assert_eq!(t.of(reason) as usize, n);
        }
        prop_assert!(t.run > 0);

        // The warnings account for every skipped model-day.
        prop_assert_eq!(warned_model_days(&plan.warnings, chains as u32), t.skipped);

        // Serde round trip.
        let json = serde_json::to_string(&plan).unwrap();
        let back: ai_trader_core::Plan = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, plan);
    }
}

#[test]
fn busy_and_unknown_models_are_rejected_in_random_contexts() {
    let context: PlanContext = serde_json::from_value(serde_json::json!({
        "today": "2025-10-31",
        "models": [{"signature": "alpha", "enabled": true}],
        "active_jobs": [{"job_id": "j", "status": "pending", "models": ["alpha"]}]
    }))
    .unwrap();
    let request = PlanRequest {
        start_date: Some("2025-10-01".into()),
        end_date: "2025-10-02".into(),
        ..Default::default()
    };
    let err = plan(&request, &context).unwrap_err();
    assert!(err.to_string().contains("already running"), "{err}");
}
