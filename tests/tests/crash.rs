//! `kill -9` in the middle of a job: on restart the job resumes and completes, no model-day is
//! duplicated or lost, and each day starts from the previous day's ending position.

use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace, details_in};
use serde_json::{Value, json};

const SLOW: &str = r#"{
  "models": [
    {"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 150},
    {"name": "B", "basemodel": "mock/b", "signature": "beta", "enabled": true, "provider": "mock", "latency_ms": 150}
  ]
}"#;

async fn kill_mid_run(workspace: &Workspace, options: &Options) -> String {
    let server = workspace.start(options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-14"}))
        .await;
    // Kill when an observable state is reached: some model-days committed, most still to do.
    let status = server
        .wait_status(
            &job,
            "4 model-days completed",
            Duration::from_secs(30),
            |s| s["progress"]["completed"].as_u64() >= Some(4),
        )
        .await;
    let done = status["progress"]["completed"].as_u64().unwrap();
    assert!(done < 20, "kill should land mid-run, {done} done");
    server.kill_9();
    job
}

/// Checks each model's chain of days: one day per trading date, start = previous end.
async fn assert_chain(server: &Server, model: &str, expected_days: usize) {
    let (status, range) = server
        .get(&format!(
            "/results?start_date=2025-10-01&end_date=2025-10-14&model={model}"
        ))
        .await;
    assert_eq!(status, 200, "{range}");
    let values = range["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap();
    let dates: Vec<&str> = values.iter().map(|v| v["date"].as_str().unwrap()).collect();
    let mut unique = dates.clone();
    unique.dedup();
    assert_eq!(dates, unique, "a day is duplicated");
    assert_eq!(dates.len(), expected_days, "{dates:?}");
    let mut previous: Option<Value> = None;
    for date in dates {
        let (_, day) = server
            .get(&format!("/results?start_date={date}&model={model}"))
            .await;
        assert_eq!(day["count"], 1, "{date}: {day}");
        let day = day["results"][0].clone();
        if let Some(prev) = previous {
            assert_eq!(
                day["starting_position"]["holdings"], prev["final_position"]["holdings"],
                "{date}"
            );
            assert_eq!(
                day["starting_position"]["cash"], prev["final_position"]["cash"],
                "{date}"
            );
            assert_eq!(
                day["starting_position"]["portfolio_value"],
                prev["final_position"]["portfolio_value"],
                "{date}"
            );
        }
        previous = Some(day);
    }
}

#[tokio::test]
async fn a_killed_job_resumes_and_completes_without_duplicates() {
    let workspace = Workspace::new();
    let options = Options::dev().config(SLOW);
    workspace.import_real_data(&options);
    let job = kill_mid_run(&workspace, &options).await;

    let server = workspace.start(&options);
    let status = server.wait(&job, Duration::from_secs(60)).await;
    assert_eq!(status["status"], "completed", "{status}");
    // 2025-10-01..14: 10 trading days × 2 models.
    assert_eq!(status["progress"]["completed"], 20);
    assert_eq!(status["progress"]["skipped"], 8);
    assert!(server.log_text().contains("resuming interrupted job"));
    assert_chain(&server, "alpha", 10).await;
    assert_chain(&server, "beta", 10).await;
}

#[tokio::test]
async fn without_resume_an_interrupted_job_ends_as_in_the_reference() {
    let workspace = Workspace::sqlite();
    let options = Options::dev()
        .config(SLOW)
        .with("RESUME_INTERRUPTED_JOBS", "false");
    workspace.import_real_data(&options);
    let job = kill_mid_run(&workspace, &options).await;
    let server = workspace.start(&options);
    let (_, status) = server.get(&format!("/simulate/status/{job}")).await;
    assert_eq!(status["status"], "partial", "{status}");
    let error = status["error"].as_str().unwrap();
    assert!(
        error.starts_with("Job interrupted by container restart (was running, "),
        "{error}"
    );
    assert!(error.ends_with("/28 model-days completed)"), "{error}");
    let failed = details_in(&status, "failed");
    assert!(!failed.is_empty());
    assert!(
        failed
            .iter()
            .all(|d| d["error"] == "Container restarted before completion")
    );
    // The models are free again.
    let (status, _) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": "2025-10-15", "end_date": "2025-10-16"}),
        )
        .await;
    assert_eq!(status, 200);
}

/// The state of one model-day in a status answer.
fn detail<'a>(status: &'a Value, date: &str) -> &'a Value {
    status["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("no detail on {date}: {status}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_that_keeps_killing_its_process_is_failed_after_max_attempts() {
    const LONG_DAYS: &str = r#"{"models": [
        {"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 700}
    ]}"#;
    // A restart of the only process on a SQLite file gives its days back at once; on
    // PostgreSQL, leases do (tests/postgres_workers.rs).
    let workspace = Workspace::sqlite();
    let options = Options::dev().config(LONG_DAYS).with("MAX_ATTEMPTS", "2");
    workspace.import_real_data(&options);
    let mut server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-02"}))
        .await;
    // Twice, the process dies while the first day runs (as a day that crashes it would).
    for _ in 0..2 {
        server
            .wait_status(
                &job,
                "the first day running",
                Duration::from_secs(30),
                |s| detail(s, "2025-10-01")["status"] == "running",
            )
            .await;
        server.kill_9();
        server = workspace.start(&options);
    }
    // The third start gives up on it; the model's next day still runs.
    let status = server.wait(&job, Duration::from_secs(60)).await;
    assert_eq!(status["status"], "partial", "{status}");
    let first = detail(&status, "2025-10-01");
    assert_eq!(first["status"], "failed", "{status}");
    assert_eq!(
        first["error"],
        "Abandoned after 2 attempts: the process running this model-day stopped each time"
    );
    assert_eq!(detail(&status, "2025-10-02")["status"], "completed");
}
