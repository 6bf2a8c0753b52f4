//! Portfolios carry across jobs; replace_existing supersedes; cancellation.

use std::time::Duration;

use ai_trader_e2e::{Options, serve_real_data};
use serde_json::json;

#[tokio::test]
async fn positions_carry_across_jobs_and_replace_existing_supersedes() {
    let options = Options::dev();
    let (_workspace, server) = serve_real_data(&options);
    let t = Duration::from_secs(30);
    let one = server.trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-03", "models": ["mock-trader"]})).await;
    server.wait(&one, t).await;
    let two = server.trigger(&json!({"start_date": "2025-10-06", "end_date": "2025-10-08", "models": ["mock-trader"]})).await;
    server.wait(&two, t).await;

    let (_, last_of_one) = server
        .get("/results?start_date=2025-10-03&model=mock-trader")
        .await;
    let (_, first_of_two) = server
        .get("/results?start_date=2025-10-06&model=mock-trader")
        .await;
    let (end, start) = (&last_of_one["results"][0], &first_of_two["results"][0]);
    assert_eq!(start["job_id"], two.as_str());
    assert_eq!(
        start["starting_position"]["holdings"],
        end["final_position"]["holdings"]
    );
    assert_eq!(
        start["starting_position"]["cash"],
        end["final_position"]["cash"]
    );
    assert_eq!(start["daily_metrics"]["days_since_last_trading"], 3);

    // Before-history days are protected without replace_existing …
    let (status, preview) =
        server.post("/simulate/preview", &json!({"start_date": "2025-10-02", "end_date": "2025-10-03", "models": ["mock-trader"]})).await;
    assert_eq!(status, 400, "{preview}");
    // … and re-run with it: the later days of job two are superseded.
    let request = json!({"start_date": "2025-10-02", "end_date": "2025-10-03", "models": ["mock-trader"], "replace_existing": true});
    let (_, preview) = server.post("/simulate/preview", &request).await;
    assert_eq!(
        preview["warnings"],
        json!([
            "Re-running 2 model-days already completed (replace_existing); the new days supersede the old",
            "Superseding 3 later completed model-days whose starting portfolio changes: mock-trader 2025-10-06..2025-10-08 (3 days)"
        ])
    );
    let three = server.trigger(&request).await;
    let job = server.wait(&three, t).await;
    assert_eq!(job["status"], "completed");
    assert_eq!(job["warnings"], preview["warnings"]);

    let (_, range) = server
        .get("/results?start_date=2025-10-01&end_date=2025-10-08&model=mock-trader")
        .await;
    let dates: Vec<&str> = range["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        ["2025-10-01", "2025-10-02", "2025-10-03"],
        "superseded days are not current"
    );
    let (_, replaced) = server
        .get("/results?start_date=2025-10-02&model=mock-trader")
        .await;
    assert_eq!(replaced["count"], 1);
    assert_eq!(replaced["results"][0]["job_id"], three.as_str());
    // A job's own days stay visible through its id.
    let (status, old) = server
        .get(&format!(
            "/results?start_date=2025-10-06&end_date=2025-10-08&job_id={two}"
        ))
        .await;
    assert_eq!(status, 200, "{old}");
    // Resume mode continues after the current history.
    let (_, resume) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": null, "end_date": "2025-10-08", "models": ["mock-trader"]}),
        )
        .await;
    assert_eq!(resume["grid"][0]["start_date"], "2025-10-04");
    assert_eq!(resume["grid"][0]["cells"], "WWRRR");
}

#[tokio::test]
async fn cancelling_skips_pending_days_and_lets_running_ones_finish() {
    let options = Options::dev().config(
        r#"{"models": [{"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 200}]}"#,
    );
    let (_workspace, server) = serve_real_data(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-14"}))
        .await;
    server
        .wait_status(
            &job,
            "2 model-days completed",
            Duration::from_secs(30),
            |s| s["progress"]["completed"].as_u64() >= Some(2),
        )
        .await;
    let (status, cancel) = server
        .post(&format!("/simulate/cancel/{job}"), &json!({}))
        .await;
    assert_eq!(status, 200, "{cancel}");
    assert!(
        cancel["cancelled_model_days"].as_u64().unwrap() >= 5,
        "{cancel}"
    );
    let done = server.wait(&job, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "cancelled", "{done}");
    let details = done["details"].as_array().unwrap();
    let cancelled: Vec<_> = details
        .iter()
        .filter(|d| d["skip_reason"] == "cancelled")
        .collect();
    assert_eq!(
        cancelled.len() as u64,
        cancel["cancelled_model_days"].as_u64().unwrap()
    );
    assert!(
        cancelled
            .iter()
            .all(|d| d["status"] == "skipped" && d["error"] == "Cancelled")
    );
    assert!(
        details
            .iter()
            .all(|d| d["status"] != "pending" && d["status"] != "running")
    );
    let completed = details
        .iter()
        .filter(|d| d["status"] == "completed")
        .count();
    assert!(completed >= 2);
    // The model is free again and its history continues from what did complete.
    let (status, _) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": null, "end_date": "2025-10-20"}),
        )
        .await;
    assert_eq!(status, 200);
}
