use super::*;
use crate::{JobStatus, MarketAvailability};

pub(super) fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

pub(super) fn request(start: Option<&str>, end: &str, models: &[&str]) -> PlanRequest {
    PlanRequest {
        start_date: start.map(str::to_owned),
        end_date: end.to_owned(),
        models: Some(models.iter().map(|m| (*m).to_owned()).collect()),
        replace_existing: false,
        ..Default::default()
    }
}

/// A market with complete data on every trading day of 2025-06-02..2025-10-31 for two symbols.
fn market() -> MarketAvailability {
    let days: Vec<Date> = calendar::trading_days(d("2025-06-02"), d("2025-10-31")).collect();
    MarketAvailability::from_symbol_dates([("AAA", days.clone()), ("BBB", days)])
}

pub(super) fn context(models: &[(&str, bool)]) -> PlanContext {
    PlanContext {
        today: d("2025-11-01"),
        max_simulation_days: 30,
        models: models
            .iter()
            .map(|(m, enabled)| ModelInfo {
                signature: (*m).to_owned(),
                enabled: *enabled,
                ..ModelInfo::default()
            })
            .collect(),
        market: Some(market()),
        history: BTreeMap::new(),
        active_jobs: vec![],
        download_missing: false,
        ..PlanContext::default()
    }
}

fn with_history(mut context: PlanContext, model: &str, dates: &[&str]) -> PlanContext {
    context.history.insert(
        model.to_owned(),
        ModelHistory {
            completed: dates.iter().map(|s| d(s)).collect(),
            ..Default::default()
        },
    );
    context
}

fn rows(plan: &Plan) -> Vec<(String, String, Option<&'static str>, Option<String>)> {
    plan.model_days()
        .map(|r| {
            (
                r.date.to_string(),
                r.model.to_owned(),
                r.skip_reason.map(SkipReason::code),
                r.message.map(|m| m.into_owned()),
            )
        })
        .collect()
}

#[test]
fn seed_design_example_one_model() {
    // dates 2025-10-01..05, gpt-5, 10-01 already completed, 10-04/05 a weekend.
    let ctx = with_history(context(&[("gpt-5", true)]), "gpt-5", &["2025-10-01"]);
    let plan = plan(&request(Some("2025-10-01"), "2025-10-05", &["gpt-5"]), &ctx).unwrap();
    assert_eq!(plan.grid[0].cells, "CRRWW");
    assert_eq!(
        rows(&plan),
        vec![
            (
                "2025-10-01".into(),
                "gpt-5".into(),
                Some("already_completed"),
                Some("Already completed".into())
            ),
            ("2025-10-02".into(), "gpt-5".into(), None, None),
            ("2025-10-03".into(), "gpt-5".into(), None, None),
            (
                "2025-10-04".into(),
                "gpt-5".into(),
                Some("weekend"),
                Some("Weekend".into())
            ),
            (
                "2025-10-05".into(),
                "gpt-5".into(),
                Some("weekend"),
                Some("Weekend".into())
            ),
        ]
    );
    assert_eq!(
        plan.totals,
        PlanTotals {
            total_model_days: 5,
            run: 2,
            skipped: 3,
            weekend: 2,
            already_completed: 1,
            ..PlanTotals::default()
        }
    );
    assert_eq!(
        plan.warnings,
        vec![
            "Skipped 2 dates due to weekends: ['2025-10-04', '2025-10-05']",
            "Skipped 1 model-days already completed",
        ]
    );
    assert!(plan.superseded.is_empty());
    assert!(!plan.resume_mode);
}

#[test]
fn seed_design_example_two_models() {
    let ctx = with_history(
        context(&[("gpt-5", true), ("claude-opus", true)]),
        "gpt-5",
        &["2025-10-01"],
    );
    let plan = plan(
        &request(Some("2025-10-01"), "2025-10-03", &["gpt-5", "claude-opus"]),
        &ctx,
    )
    .unwrap();
    let rows = rows(&plan);
    // Details are ordered by date, then model signature.
    assert_eq!(
        rows[0],
        ("2025-10-01".into(), "claude-opus".into(), None, None)
    );
    assert_eq!(
        rows[1],
        (
            "2025-10-01".into(),
            "gpt-5".into(),
            Some("already_completed"),
            Some("Already completed".into())
        )
    );
    assert_eq!(plan.totals.run, 5);
    assert_eq!(plan.models, ["gpt-5", "claude-opus"]);
}

#[test]
fn holidays_and_incomplete_data_are_named() {
    let mut ctx = context(&[("m", true)]);
    let mut days: Vec<Date> = calendar::trading_days(d("2025-06-02"), d("2025-10-31")).collect();
    days.retain(|x| *x != d("2025-07-07"));
    ctx.market = Some(MarketAvailability::from_symbol_dates([
        (
            "AAA",
            calendar::trading_days(d("2025-06-02"), d("2025-10-31")).collect::<Vec<_>>(),
        ),
        ("BBB", days),
    ]));
    let plan = plan(&request(Some("2025-07-03"), "2025-07-08", &[]), &ctx).unwrap();
    assert_eq!(plan.grid[0].cells, "RHWWIR");
    let messages: Vec<Option<String>> = rows(&plan).into_iter().map(|r| r.3).collect();
    assert_eq!(
        messages,
        vec![
            None,
            Some("Market holiday: Independence Day".into()),
            Some("Weekend".into()),
            Some("Weekend".into()),
            Some("Incomplete price data: 1 of 2 symbols missing".into()),
            None,
        ]
    );
    assert_eq!(
        plan.warnings,
        vec![
            "Skipped 2 dates due to weekends: ['2025-07-05', '2025-07-06']",
            "Skipped 1 dates due to market holidays: ['2025-07-04']",
            "Skipped 1 dates due to incomplete price data: ['2025-07-07']",
        ]
    );
}

#[test]
fn dates_beyond_the_data_are_incomplete() {
    let mut ctx = context(&[("m", true)]);
    ctx.today = d("2025-12-31");
    let plan = plan(&request(Some("2025-10-30"), "2025-11-04", &["m"]), &ctx).unwrap();
    assert_eq!(plan.grid[0].cells, "RRWWII");
    assert_eq!(
        plan.dates[4].message.as_deref(),
        Some("Incomplete price data: no prices for this date")
    );
}

#[test]
fn calendar_only_without_market() {
    let mut ctx = context(&[("m", true)]);
    ctx.market = None;
    ctx.today = d("2030-01-01");
    let plan = plan(&request(Some("2026-11-25"), "2026-11-30", &["m"]), &ctx).unwrap();
    assert!(plan.calendar_only);
    assert_eq!(plan.grid[0].cells, "RHRWWR");
    assert_eq!(
        plan.dates[1].message.as_deref(),
        Some("Market holiday: Thanksgiving Day")
    );
}

#[test]
fn before_history_protects_the_portfolio_chain() {
    let ctx = with_history(context(&[("m", true)]), "m", &["2025-10-01", "2025-10-03"]);
    let plan = plan(&request(Some("2025-09-29"), "2025-10-07", &["m"]), &ctx).unwrap();
    // 29, 30: before history; 1: completed; 2: before history (a gap); 3: completed; 4/5 weekend.
    assert_eq!(plan.grid[0].cells, "BBCBCWWRR");
    assert!(plan.warnings.contains(
        &"Skipped 3 model-days earlier than existing history; set replace_existing to re-run them"
            .to_owned()
    ));
    assert_eq!(plan.dates.len(), 9);
    let before: Vec<_> = plan
        .model_days()
        .filter(|r| r.skip_reason == Some(SkipReason::BeforeHistory))
        .collect();
    assert_eq!(
        before[0].message.as_deref(),
        Some("Earlier than existing history")
    );
}

#[test]
fn replace_existing_reruns_and_supersedes_later_days() {
    let ctx = with_history(
        context(&[("m", true), ("n", true)]),
        "m",
        &[
            "2025-10-01",
            "2025-10-02",
            "2025-10-03",
            "2025-10-06",
            "2025-10-07",
        ],
    );
    let mut req = request(Some("2025-10-02"), "2025-10-03", &["m", "n"]);
    req.replace_existing = true;
    let plan = plan(&req, &ctx).unwrap();
    assert_eq!(plan.grid[0].cells, "RR");
    assert_eq!(plan.grid[1].cells, "RR");
    let superseded: Vec<String> = plan
        .superseded
        .iter()
        .map(|s| format!("{}/{}", s.model, s.date))
        .collect();
    assert_eq!(
        superseded,
        [
            "m/2025-10-02",
            "m/2025-10-03",
            "m/2025-10-06",
            "m/2025-10-07"
        ]
    );
    assert_eq!(
        plan.warnings,
        vec![
            "Re-running 2 model-days already completed (replace_existing); the new days supersede the old",
            "Superseding 2 later completed model-days whose starting portfolio changes: m 2025-10-06..2025-10-07 (2 days)",
        ]
    );
    assert!(plan.replace_existing);
}

#[test]
fn without_replace_existing_nothing_is_superseded() {
    let ctx = with_history(context(&[("m", true)]), "m", &["2025-10-01"]);
    let plan = plan(&request(Some("2025-10-01"), "2025-10-03", &["m"]), &ctx).unwrap();
    assert!(plan.superseded.is_empty());
}

#[test]
fn resume_mode_starts_each_model_after_its_history() {
    let ctx = with_history(
        with_history(
            context(&[("a", true), ("b", true), ("c", true)]),
            "a",
            &["2025-10-06", "2025-10-08"],
        ),
        "b",
        &["2025-10-02"],
    );
    let req = PlanRequest {
        start_date: Some(String::new()),
        end_date: "2025-10-10".into(),
        models: None,
        replace_existing: false,
        ..Default::default()
    };
    let plan = plan(&req, &ctx).unwrap();
    assert!(plan.resume_mode);
    assert_eq!(plan.start_date, d("2025-10-03"));
    let starts: Vec<String> = plan.grid.iter().map(|r| r.start_date.to_string()).collect();
    // c has no history: it runs from the job's start, like the reference.
    assert_eq!(starts, ["2025-10-09", "2025-10-03", "2025-10-03"]);
    assert_eq!(plan.grid[0].cells, "BWWCBCRR");
    assert_eq!(plan.grid[1].cells, "RWWRRRRR");
    assert_eq!(plan.grid[2].cells, "RWWRRRRR");
    // A cold start alone plans end_date only.
    let ctx = context(&[("c", true)]);
    let plan = super::plan(&req, &ctx).unwrap();
    assert_eq!(
        (plan.start_date, plan.grid[0].cells.as_str()),
        (d("2025-10-10"), "R")
    );
}

#[test]
fn resume_mode_when_everything_is_up_to_date() {
    let ctx = with_history(context(&[("a", true)]), "a", &["2025-10-10"]);
    let req = PlanRequest {
        start_date: None,
        end_date: "2025-10-10".into(),
        models: None,
        replace_existing: false,
        ..Default::default()
    };
    assert_eq!(
        plan(&req, &ctx).unwrap_err().to_string(),
        "start_date (2025-10-11) must be <= end_date (2025-10-10)"
    );
}

#[test]
fn validation_messages() {
    let ctx = context(&[("a", true), ("b", false)]);
    let check = |req: PlanRequest, ctx: &PlanContext, expected: &str| {
        let err = plan(&req, ctx).unwrap_err();
        assert_eq!(err.to_string(), expected);
        assert_eq!(err.status_code(), 400);
    };
    check(
        request(Some("2025-10-01"), "", &["a"]),
        &ctx,
        "end_date is required and cannot be null or empty",
    );
    check(
        request(Some("2025-10-01"), "2025-10-5", &["a"]),
        &ctx,
        "Invalid date format: 2025-10-5. Expected YYYY-MM-DD (field end_date)",
    );
    check(
        request(Some("2025/10/01"), "2025-10-05", &["a"]),
        &ctx,
        "Invalid date format: 2025/10/01. Expected YYYY-MM-DD (field start_date)",
    );
    check(
        request(Some("2025-10-01"), "2025-10-05", &["a", "x", "y"]),
        &ctx,
        "Unknown model(s): x, y. Configured models: a, b",
    );
    check(
        request(Some("2025-10-01"), "2025-10-05", &["a", "a"]),
        &ctx,
        "Model listed more than once in models: a",
    );
    check(
        request(Some("2025-10-06"), "2025-10-05", &["a"]),
        &ctx,
        "start_date (2025-10-06) must be <= end_date (2025-10-05)",
    );
    check(
        request(Some("2025-09-01"), "2025-10-05", &["a"]),
        &ctx,
        "Date range too large: 35 days (max: 30). Reduce range or increase MAX_SIMULATION_DAYS.",
    );
    check(
        request(Some("2025-11-01"), "2025-11-02", &["a"]),
        &ctx,
        "end_date (2025-11-02) cannot be in the future (today is 2025-11-01)",
    );
    let none_enabled = context(&[("b", false)]);
    check(
        PlanRequest {
            start_date: None,
            end_date: "2025-10-05".into(),
            models: Some(vec![]),
            replace_existing: false,
            ..Default::default()
        },
        &none_enabled,
        "No enabled models found in config. Either enable models in config or specify them in request.",
    );
    // Exactly 30 days and today itself are allowed.
    assert!(plan(&request(Some("2025-10-03"), "2025-11-01", &["a"]), &ctx).is_ok());
    // A disabled model may be named explicitly.
    assert!(plan(&request(Some("2025-10-01"), "2025-10-03", &["b"]), &ctx).is_ok());
}

#[test]
fn l01_busy_models_are_rejected_by_name_including_downloading_data() {
    let mut ctx = context(&[("a", true), ("b", true), ("c", true)]);
    ctx.active_jobs = vec![
        ActiveJob {
            job_id: "job-1".into(),
            status: JobStatus::Running,
            models: vec!["b".into()],
            runs: vec!["main".into()],
        },
        ActiveJob {
            job_id: "job-2".into(),
            status: JobStatus::DownloadingData,
            models: vec!["c".into()],
            runs: vec!["main".into()],
        },
        ActiveJob {
            job_id: "job-3".into(),
            status: JobStatus::Completed,
            models: vec!["a".into()],
            runs: vec!["main".into()],
        },
    ];
    let err = plan(
        &request(Some("2025-10-01"), "2025-10-03", &["a", "b", "c"]),
        &ctx,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Model b is already running in job job-1; model c is already running in job job-2. Wait for it to complete or cancel it."
    );
    assert_eq!(err.code(), "models_busy");
    // Disjoint models are fine.
    assert!(plan(&request(Some("2025-10-01"), "2025-10-03", &["a"]), &ctx).is_ok());
}

#[test]
fn nothing_to_run() {
    let ctx = with_history(context(&[("a", true)]), "a", &["2025-10-02", "2025-10-03"]);
    assert_eq!(
        plan(&request(Some("2025-10-02"), "2025-10-05", &["a"]), &ctx)
            .unwrap_err()
            .to_string(),
        "All requested simulations are already completed. Skipped 2 model-day pair(s). Details: \
         ['Skipped a/2025-10-02 - already completed', 'Skipped a/2025-10-03 - already completed']"
    );
    assert_eq!(
        plan(&request(Some("2025-07-04"), "2025-07-06", &["a"]), &ctx)
            .unwrap_err()
            .to_string(),
        "Nothing to run: all 3 requested model-days would be skipped (weekend: 2, market_holiday: 1). \
         Choose a range with trading days that have complete price data."
    );
    let ctx = with_history(context(&[("a", true)]), "a", &["2025-10-01", "2025-10-03"]);
    assert_eq!(
        plan(&request(Some("2025-10-01"), "2025-10-02", &["a"]), &ctx)
            .unwrap_err()
            .to_string(),
        "Nothing to run: all 2 requested model-days would be skipped (already_completed: 1, before_history: 1). \
         Set replace_existing to re-run completed days."
    );
}

#[test]
fn plan_json_shape() {
    let ctx = with_history(context(&[("gpt-5", true)]), "gpt-5", &["2025-10-01"]);
    let plan = plan(&request(Some("2025-10-01"), "2025-10-05", &["gpt-5"]), &ctx).unwrap();
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(
        json["dates"][3],
        serde_json::json!({"date": "2025-10-04", "skip_reason": "weekend", "message": "Weekend"})
    );
    assert_eq!(
        json["dates"][1],
        serde_json::json!({"date": "2025-10-02", "skip_reason": null, "message": null})
    );
    assert_eq!(
        json["grid"][0],
        serde_json::json!({"model": "gpt-5", "run": "main", "last_completed": "2025-10-01", "start_date": "2025-10-01", "cells": "CRRWW", "runs": 2})
    );
    assert_eq!(json["totals"]["total_model_days"], 5);
    let back: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn context_json_shape_with_defaults() {
    let ctx: PlanContext = serde_json::from_str(
        r#"{"today": "2025-10-31", "models": [{"signature": "gpt-5", "enabled": true, "provider": "openai"}]}"#,
    )
    .unwrap();
    assert_eq!(ctx.max_simulation_days, 30);
    assert!(ctx.market.is_none() && ctx.history.is_empty() && ctx.active_jobs.is_empty());
    assert!(serde_json::from_str::<PlanContext>(r#"{"today": "2025-10-3"}"#).is_err());
    let req: PlanRequest = serde_json::from_str(r#"{"end_date": "2025-10-05"}"#).unwrap();
    assert_eq!(req.start_date, None);
    assert!(!req.replace_existing);
    assert!(serde_json::from_str::<PlanRequest>(r#"{"end_date": null}"#).is_err());
}

#[test]
fn download_missing_plans_incomplete_days_to_run_and_lists_them() {
    let mut ctx = context(&[("m", true)]);
    ctx.today = d("2025-12-31");
    ctx.download_missing = true;
    let plan = plan(&request(Some("2025-10-30"), "2025-11-04", &["m"]), &ctx).unwrap();
    assert_eq!(plan.grid[0].cells, "RRWWRR");
    // The test market ends on 2025-10-31.
    assert_eq!(plan.download_dates, vec![d("2025-11-03"), d("2025-11-04")]);
    assert_eq!(
        plan.warnings.last().unwrap(),
        "Downloading missing price data for 2 dates before running: ['2025-11-03', '2025-11-04']"
    );
}

#[test]
fn unknown_request_fields_are_accepted_with_a_warning_naming_the_closest_field() {
    let req: PlanRequest = serde_json::from_value(serde_json::json!({
        "start_date": "2025-10-06", "end_date": "2025-10-07",
        "replace_existng": true, "client": "reference"
    }))
    .unwrap();
    assert!(
        !req.replace_existing,
        "the typo changes nothing but a warning"
    );
    let plan = plan(&req, &context(&[("m", true)])).unwrap();
    let tail: Vec<&str> = plan
        .warnings
        .iter()
        .rev()
        .take(2)
        .map(String::as_str)
        .collect();
    assert!(
        tail.contains(
            &"Unknown field 'replace_existng' was ignored; did you mean 'replace_existing'?"
        ),
        "{:?}",
        plan.warnings
    );
    assert!(
        tail.contains(
            &"Unknown field 'client' was ignored (the request's fields are start_date, end_date, models, replace_existing, run, repeats, note, max_cost_usd)"
        ),
        "{:?}",
        plan.warnings
    );
    // Unknown fields are not sent back.
    let sent = serde_json::to_value(&req).unwrap();
    assert!(sent.get("client").is_none(), "{sent}");
}

#[test]
fn nothing_to_run_is_explained_in_a_sentence() {
    let ctx = with_history(context(&[("m", true)]), "m", &["2025-10-06", "2025-10-07"]);
    let done = plan(&request(Some("2025-10-06"), "2025-10-07", &["m"]), &ctx).unwrap_err();
    assert!(
        done.to_string()
            .starts_with("All requested simulations are already completed")
    );
    assert_eq!(
        done.explanation(),
        "All 2 model-days are already completed."
    );
    let weekend = plan(&request(Some("2025-10-04"), "2025-10-06", &["m"]), &ctx).unwrap_err();
    assert_eq!(
        weekend.explanation(),
        "All 3 model-days would be skipped: 1 already completed, 2 on a weekend."
    );
    let bad = plan(&request(Some("2025-10-07"), "2025-10-06", &["m"]), &ctx).unwrap_err();
    assert_eq!(
        bad.explanation(),
        "The start date (2025-10-07) is after the end date (2025-10-06)."
    );
    // In resume mode the start is no date the user gave: it is not quoted.
    let up_to_date = plan(&request(None, "2025-10-07", &["m"]), &ctx).unwrap_err();
    assert_eq!(
        up_to_date.explanation(),
        "Every chosen model has already run up to 2025-10-07: there is nothing to resume."
    );
    // A preview keeps the plan of a job that would be refused, with the refusal.
    let preview = plan_preview(&request(Some("2025-10-04"), "2025-10-06", &["m"]), &ctx).unwrap();
    assert_eq!(preview.totals.run, 0);
    assert_eq!(preview.grid[0].cells.len(), 3);
    assert_eq!(preview.nothing_to_run(), Some(weekend));
}
