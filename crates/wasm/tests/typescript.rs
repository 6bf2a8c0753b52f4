//! Keeps `ai-trader.d.ts` in sync with the Rust types: every declared interface has exactly the
//! keys the Rust type serialises, output fields are never optional, and an input holding only
//! the declared required fields is accepted.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use ai_trader_core::calendar::CalendarDay;
use ai_trader_core::cost::Pricing;
use ai_trader_core::forecast::{DaySample, TokenPrior, UsageStats};
use ai_trader_core::market::{IncompleteDay, MarketAvailability};
use ai_trader_core::metrics::{self, DailyValue, MetricsInput};
use ai_trader_core::planner::{ActiveJob, ModelHistory, ModelInfo};
use ai_trader_core::{Date, JobStatus, Plan, PlanContext, PlanRequest, plan};
use serde_json::{Map, Value, json};

/// Interface name → field name → optional (`?`).
fn declared() -> BTreeMap<String, BTreeMap<String, bool>> {
    let source = include_str!("../ai-trader.d.ts");
    let mut interfaces = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, bool>)> = None;
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("export interface ") {
            let name = rest.split_whitespace().next().unwrap().to_owned();
            current = Some((name, BTreeMap::new()));
        } else if line == "}" {
            if let Some((name, fields)) = current.take() {
                interfaces.insert(name, fields);
            }
        } else if let Some((_, fields)) = current.as_mut() {
            if line.starts_with("/**") || line.starts_with('*') || line.is_empty() {
                continue;
            }
            let (name, _) = line.split_once(':').expect("a field line");
            let optional = name.ends_with('?');
            fields.insert(name.trim_end_matches('?').to_owned(), optional);
        }
    }
    interfaces
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn sample_context() -> PlanContext {
    PlanContext {
        today: d("2025-10-31"),
        max_simulation_days: 30,
        models: vec![
            ModelInfo {
                signature: "gpt-5".into(),
                enabled: true,
                pricing: Some(Pricing {
                    input_per_million: 1.25,
                    output_per_million: 10.0,
                    cached_input_per_million: Some(0.125),
                }),
                expected_tokens_per_day: Some(TokenPrior {
                    prompt_tokens: 40_000,
                    completion_tokens: 2_000,
                }),
                budget_usd: Some(5.0),
            },
            ModelInfo {
                signature: "claude".into(),
                enabled: true,
                ..ModelInfo::default()
            },
        ],
        market: Some(MarketAvailability {
            symbols: 2,
            first_date: Some(d("2025-06-10")),
            last_date: Some(d("2025-10-30")),
            incomplete: vec![IncompleteDay {
                date: d("2025-10-06"),
                listed: 2,
                missing: vec!["AAPL".into()],
            }],
        }),
        history: BTreeMap::from([(
            "gpt-5".to_owned(),
            ModelHistory {
                completed: vec![d("2025-10-01"), d("2025-10-08")],
                runs: BTreeMap::from([("oct-1".to_owned(), vec![d("2025-10-01")])]),
                usage: UsageStats::of([DaySample {
                    prompt_tokens: 1000,
                    completion_tokens: 100,
                    duration_seconds: Some(12.5),
                }]),
            },
        )]),
        active_jobs: vec![ActiveJob {
            job_id: "j".into(),
            status: JobStatus::Running,
            models: vec!["x".into()],
            runs: vec!["main".into(), "oct-2".into()],
        }],
        download_missing: true,
        max_parallel_models: Some(4),
    }
}

fn sample_plan() -> Plan {
    let request = PlanRequest {
        start_date: Some("2025-10-01".into()),
        end_date: "2025-10-07".into(),
        models: None,
        replace_existing: true,
        ..Default::default()
    };
    plan(&request, &sample_context()).unwrap()
}

/// A serialised sample of every declared interface.
fn samples() -> BTreeMap<&'static str, Value> {
    let context = serde_json::to_value(sample_context()).unwrap();
    let plan_value = serde_json::to_value(sample_plan()).unwrap();
    let plan = sample_plan();
    let rows: Vec<_> = plan.model_days().collect();
    let input = MetricsInput {
        starting_value: 100.0,
        daily_values: vec![DailyValue {
            date: d("2025-10-01"),
            portfolio_value: 101.0,
        }],
        ..MetricsInput::default()
    };
    BTreeMap::from([
        (
            "PlanRequest",
            serde_json::to_value(PlanRequest {
                run: Some("oct".into()),
                repeats: Some(3),
                note: Some("temperature 0.7".into()),
                max_cost_usd: Some(5.0),
                ..PlanRequest::default()
            })
            .unwrap(),
        ),
        ("PlanContext", context.clone()),
        ("ModelInfo", context["models"][0].clone()),
        ("Pricing", context["models"][0]["pricing"].clone()),
        (
            "TokenPrior",
            context["models"][0]["expected_tokens_per_day"].clone(),
        ),
        ("UsageStats", context["history"]["gpt-5"]["usage"].clone()),
        (
            "MeanAndHigh",
            context["history"]["gpt-5"]["usage"]["prompt_tokens"].clone(),
        ),
        ("Forecast", plan_value["forecast"].clone()),
        ("ModelForecast", plan_value["forecast"]["models"][0].clone()),
        ("ForecastTotal", plan_value["forecast"]["total"].clone()),
        ("ModelHistory", context["history"]["gpt-5"].clone()),
        ("ActiveJob", context["active_jobs"][0].clone()),
        ("MarketAvailability", context["market"].clone()),
        ("IncompleteDay", context["market"]["incomplete"][0].clone()),
        ("Plan", plan_value.clone()),
        ("PlannedDate", plan_value["dates"][0].clone()),
        ("ModelRow", plan_value["grid"][0].clone()),
        ("PlanTotals", plan_value["totals"].clone()),
        ("ModelDate", plan_value["superseded"][0].clone()),
        ("PlannedModelDay", serde_json::to_value(&rows[0]).unwrap()),
        (
            "CalendarDay",
            serde_json::to_value(CalendarDay::of(d("2025-07-04"))).unwrap(),
        ),
        (
            "DailyValue",
            serde_json::to_value(input.daily_values[0]).unwrap(),
        ),
        ("MetricsInput", serde_json::to_value(&input).unwrap()),
        (
            "PeriodMetrics",
            serde_json::to_value(metrics::compute(&input)).unwrap(),
        ),
    ])
}

const INPUTS: [&str; 10] = [
    "Pricing",
    "TokenPrior",
    "UsageStats",
    "PlanRequest",
    "PlanContext",
    "ModelInfo",
    "ModelHistory",
    "MarketAvailability",
    "MetricsInput",
    "ActiveJob",
];

#[test]
fn declarations_have_the_serialised_keys() {
    let declared = declared();
    let samples = samples();
    let ts_names: BTreeSet<&str> = declared.keys().map(String::as_str).collect();
    let mut sample_names: BTreeSet<&str> = samples.keys().copied().collect();
    sample_names.insert("AiTraderError");
    assert_eq!(
        ts_names, sample_names,
        "interfaces without a sample, or samples without an interface"
    );
    for (name, sample) in &samples {
        let fields = &declared[*name];
        let ts_keys: BTreeSet<String> = fields.keys().cloned().collect();
        assert_eq!(ts_keys, keys(sample), "interface {name}");
        if !INPUTS.contains(name) {
            let optional: Vec<&String> =
                fields.iter().filter(|(_, o)| **o).map(|(k, _)| k).collect();
            assert!(
                optional.is_empty(),
                "output {name} declares optional fields {optional:?}: Rust always sends them"
            );
        }
    }
}

/// Keeps only the fields the declaration marks required.
fn required_only(sample: &Value, fields: &BTreeMap<String, bool>) -> Value {
    let object: Map<String, Value> = sample
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| fields.get(*k) == Some(&false))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(object)
}

#[test]
fn optional_input_fields_really_are_optional() {
    let declared = declared();
    let samples = samples();
    let check = |name: &str, parse: &dyn Fn(Value) -> Result<(), serde_json::Error>| {
        let minimal = required_only(&samples[name], &declared[name]);
        parse(minimal.clone()).unwrap_or_else(|e| panic!("{name} rejects {minimal}: {e}"));
    };
    check("PlanRequest", &|v| {
        serde_json::from_value::<PlanRequest>(v).map(drop)
    });
    check("PlanContext", &|v| {
        serde_json::from_value::<PlanContext>(v).map(drop)
    });
    check("ModelInfo", &|v| {
        serde_json::from_value::<ModelInfo>(v).map(drop)
    });
    check("ModelHistory", &|v| {
        serde_json::from_value::<ModelHistory>(v).map(drop)
    });
    check("MarketAvailability", &|v| {
        serde_json::from_value::<MarketAvailability>(v).map(drop)
    });
    check("MetricsInput", &|v| {
        serde_json::from_value::<MetricsInput>(v).map(drop)
    });
    check("ActiveJob", &|v| {
        serde_json::from_value::<ActiveJob>(v).map(drop)
    });
    // And a field the declaration calls required is required.
    assert!(serde_json::from_value::<PlanRequest>(json!({})).is_err());
}
