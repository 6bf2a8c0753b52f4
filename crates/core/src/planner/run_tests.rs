//! Runs and repeats: each (model, run) is an independent chain.

use super::tests::{context, d, request};
use super::*;
use crate::JobStatus;

fn with_run(mut context: PlanContext, model: &str, run: &str, dates: &[&str]) -> PlanContext {
    let history = context.history.entry(model.to_owned()).or_default();
    for date in dates {
        history.push(run, d(date));
    }
    context
}

fn in_run(mut request: PlanRequest, run: &str, repeats: Option<u32>) -> PlanRequest {
    request.run = Some(run.to_owned());
    request.repeats = repeats;
    request
}

fn cells(plan: &Plan) -> Vec<(&str, &str, &str)> {
    plan.grid
        .iter()
        .map(|r| (r.model.as_str(), r.run.as_str(), r.cells.as_str()))
        .collect()
}

#[test]
fn a_new_run_before_mains_history_is_not_before_history() {
    let ctx = with_run(context(&[("m", true)]), "m", "main", &["2025-10-20"]);
    let main = plan(&request(Some("2025-10-01"), "2025-10-03", &["m"]), &ctx);
    assert_eq!(main.unwrap_err().code(), "nothing_to_run");
    let req = in_run(
        request(Some("2025-10-01"), "2025-10-03", &["m"]),
        "october",
        None,
    );
    let planned = plan(&req, &ctx).unwrap();
    assert_eq!(cells(&planned), [("m", "october", "RRR")]);
    assert_eq!(planned.runs, ["october"]);
}

#[test]
fn repeats_make_one_row_per_model_and_run() {
    let req = in_run(
        request(Some("2025-10-01"), "2025-10-03", &["b", "a"]),
        "exp",
        Some(3),
    );
    let planned = plan(&req, &context(&[("a", true), ("b", true)])).unwrap();
    let names = ["exp-1", "exp-2", "exp-3"];
    assert_eq!(planned.runs, names);
    let rows: Vec<(&str, &str)> = planned
        .grid
        .iter()
        .map(|r| (r.model.as_str(), r.run.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("b", "exp-1"),
            ("b", "exp-2"),
            ("b", "exp-3"),
            ("a", "exp-1"),
            ("a", "exp-2"),
            ("a", "exp-3")
        ]
    );
    assert_eq!(planned.totals.total_model_days, 18);
    assert_eq!(planned.totals.run, 18);
    // Details: date, then model, then run in plan order.
    let first: Vec<(&str, &str)> = planned
        .model_days()
        .take(6)
        .map(|r| (r.model, r.run))
        .collect();
    assert_eq!(
        first,
        [
            ("a", "exp-1"),
            ("a", "exp-2"),
            ("a", "exp-3"),
            ("b", "exp-1"),
            ("b", "exp-2"),
            ("b", "exp-3")
        ]
    );
}

#[test]
fn resume_mode_and_completed_days_are_per_run() {
    let ctx = with_run(
        context(&[("m", true)]),
        "m",
        "main",
        &["2025-10-01", "2025-10-02"],
    );
    let ctx = with_run(ctx, "m", "exp-1", &["2025-10-01"]);
    let req = in_run(request(None, "2025-10-03", &["m"]), "exp", Some(2));
    let planned = plan(&req, &ctx).unwrap();
    // exp-1 resumes after 10-01; exp-2 has no history and starts with the job.
    assert_eq!(planned.start_date, d("2025-10-02"));
    assert_eq!(
        cells(&planned),
        [("m", "exp-1", "RR"), ("m", "exp-2", "RR")]
    );
    let req = in_run(
        request(Some("2025-10-01"), "2025-10-02", &["m"]),
        "exp",
        Some(2),
    );
    let planned = plan(&req, &ctx).unwrap();
    assert_eq!(
        cells(&planned),
        [("m", "exp-1", "CR"), ("m", "exp-2", "RR")]
    );
}

#[test]
fn replacing_in_one_run_supersedes_only_that_run() {
    let days = ["2025-10-01", "2025-10-02", "2025-10-03"];
    let ctx = with_run(context(&[("m", true)]), "m", "main", &days);
    let ctx = with_run(ctx, "m", "exp", &days);
    let mut req = in_run(
        request(Some("2025-10-02"), "2025-10-02", &["m"]),
        "exp",
        None,
    );
    req.replace_existing = true;
    let planned = plan(&req, &ctx).unwrap();
    let superseded: Vec<(&str, String)> = planned
        .superseded
        .iter()
        .map(|s| (s.run.as_str(), s.date.to_string()))
        .collect();
    assert_eq!(
        superseded,
        [("exp", "2025-10-02".into()), ("exp", "2025-10-03".into())]
    );
    assert!(
        planned
            .warnings
            .iter()
            .any(|w| w.ends_with("m (run exp) 2025-10-03 (1 day)")),
        "{:?}",
        planned.warnings
    );
}

#[test]
fn a_busy_chain_blocks_only_its_own_run() {
    let mut ctx = context(&[("m", true)]);
    ctx.active_jobs = vec![ActiveJob {
        job_id: "job-1".into(),
        status: JobStatus::Running,
        models: vec!["m".into()],
        runs: vec!["exp-1".into(), "exp-2".into()],
    }];
    let req = request(Some("2025-10-01"), "2025-10-02", &["m"]);
    assert!(plan(&req, &ctx).is_ok(), "main is free");
    let err = plan(&in_run(req, "exp", Some(2)), &ctx).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Model m (run exp-1) is already running in job job-1; model m (run exp-2) is already running in job job-1. Wait for it to complete or cancel it."
    );
}

#[test]
fn bad_runs_repeats_and_notes_are_refused_by_field() {
    let req = request(Some("2025-10-01"), "2025-10-02", &["m"]);
    let ctx = context(&[("m", true)]);
    let err = plan(&in_run(req.clone(), "my run", None), &ctx).unwrap_err();
    assert_eq!(err.code(), "invalid_run");
    assert!(err.to_string().contains("field run"), "{err}");
    for repeats in [0, 21] {
        let err = plan(&in_run(req.clone(), "exp", Some(repeats)), &ctx).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("repeats must be between 1 and 20, got {repeats}")
        );
    }
    let mut long = req.clone();
    long.note = Some("x".repeat(MAX_NOTE_CHARS + 1));
    assert_eq!(plan(&long, &ctx).unwrap_err().code(), "note_too_long");
    let mut noted = req;
    noted.note = Some("  ".into());
    assert_eq!(
        plan(&noted, &ctx).unwrap().note,
        None,
        "a blank note is no note"
    );
}

#[test]
fn plans_name_their_runs_and_read_back_without_them() {
    let planned = plan(
        &request(Some("2025-10-01"), "2025-10-01", &["m"]),
        &context(&[("m", true)]),
    )
    .unwrap();
    let mut json = serde_json::to_value(&planned).unwrap();
    assert_eq!(json["runs"], serde_json::json!(["main"]));
    assert_eq!(json["grid"][0]["run"], "main");
    // A plan written before runs existed reads as main's.
    let object = json.as_object_mut().unwrap();
    object.remove("runs");
    object.remove("note");
    json["grid"][0].as_object_mut().unwrap().remove("run");
    let back: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, planned);
}

#[test]
fn repeats_may_be_written_as_a_whole_float_but_not_a_fraction() {
    let read = |repeats: serde_json::Value| {
        serde_json::from_value::<PlanRequest>(
            serde_json::json!({"end_date": "2025-10-01", "repeats": repeats}),
        )
    };
    assert_eq!(read(serde_json::json!(4.0)).unwrap().repeats, Some(4));
    assert_eq!(read(serde_json::json!(4)).unwrap().repeats, Some(4));
    assert_eq!(read(serde_json::json!(null)).unwrap().repeats, None);
    let err = read(serde_json::json!(2.5)).unwrap_err().to_string();
    assert!(err.contains("whole number from 1 to 20"), "{err}");
    assert!(read(serde_json::json!(-1)).is_err());
}
