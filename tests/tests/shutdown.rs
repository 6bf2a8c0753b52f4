//! SIGTERM (what `docker stop`, systemd and Kubernetes send): no new model-day starts, the
//! running ones finish within the grace period, the server exits cleanly, and the job resumes
//! at the next start with nothing lost or run twice.

use std::time::Duration;

use ai_trader_e2e::{Options, details_in, serve_real_data};
use serde_json::json;

const T: Duration = Duration::from_secs(60);

fn slow(latency_ms: u32) -> String {
    format!(
        r#"{{"models": [
        {{"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": {latency_ms}}},
        {{"name": "B", "basemodel": "m", "signature": "beta", "enabled": true, "provider": "mock", "latency_ms": {latency_ms}}}]}}"#
    )
}

#[tokio::test]
async fn sigterm_lets_running_model_days_finish_and_the_job_resumes_later() {
    let options = Options::dev().config(&slow(300));
    let (workspace, server) = serve_real_data(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-14"}))
        .await;
    server
        .wait_status(&job, "2 model-days completed", T, |s| {
            s["progress"]["completed"].as_u64() >= Some(2)
        })
        .await;
    let log = server.log.clone();
    assert_eq!(server.terminate(Duration::from_secs(20)), Some(0));
    let log = std::fs::read_to_string(log).unwrap();
    assert!(log.contains("SIGTERM received"), "{log}");
    assert!(log.contains("stopped cleanly"), "{log}");

    let server = workspace.start(&options);
    // Nothing was left half-done: no detail is running or failed before the job resumes.
    let status = server.wait(&job, T).await;
    assert_eq!(status["status"], "completed", "{status}");
    assert_eq!(status["progress"]["completed"], 20, "{status}");
    assert!(details_in(&status, "failed").is_empty(), "{status}");
    assert!(server.log_text().contains("resuming interrupted job"));
    let (_, results) = server
        .get("/results?start_date=2025-10-01&end_date=2025-10-14")
        .await;
    for model in results["results"].as_array().unwrap() {
        let dates: Vec<&str> = model["daily_portfolio_values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["date"].as_str().unwrap())
            .collect();
        let mut unique = dates.clone();
        unique.dedup();
        assert_eq!(dates, unique, "a day ran twice");
        assert_eq!(dates.len(), 10, "{dates:?}");
    }
}

#[tokio::test]
async fn after_the_grace_period_the_server_exits_and_the_days_run_again() {
    let options = Options::dev()
        .config(&slow(4000))
        .with("SHUTDOWN_GRACE_SECONDS", "1");
    let (workspace, server) = serve_real_data(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-01"}))
        .await;
    server
        .wait_status(&job, "model-days running", T, |s| {
            s["progress"]["running"].as_u64() >= Some(1)
        })
        .await;
    let log = server.log.clone();
    // The model-days need 4 s; the grace period is 1 s.
    assert_eq!(server.terminate(Duration::from_secs(3)), Some(0));
    let log = std::fs::read_to_string(log).unwrap();
    assert!(log.contains("grace period over"), "{log}");

    let options = options.config(&slow(0));
    let server = workspace.start(&options);
    let status = server.wait(&job, T).await;
    assert_eq!(status["status"], "completed", "{status}");
    assert_eq!(status["progress"]["completed"], 2, "{status}");
}
