//! A model belongs to at most one active job; jobs over disjoint models run at the same time.

use std::time::Duration;

use ai_trader_e2e::{Options, Workspace, eventually};
use serde_json::json;

/// Mock models that take a while per model-day, so jobs stay active.
pub const SLOW_MODELS: &str = r#"{
  "models": [
    {"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 300},
    {"name": "B", "basemodel": "mock/b", "signature": "beta", "enabled": true, "provider": "mock", "latency_ms": 300}
  ],
  "agent_config": {"max_steps": 5, "initial_cash": 10000.0}
}"#;

#[tokio::test]
async fn twenty_simultaneous_triggers_for_one_model_accept_exactly_one() {
    let workspace = Workspace::new();
    let options = Options::dev().config(SLOW_MODELS);
    workspace.import_real_data(&options);
    let server = std::sync::Arc::new(workspace.start(&options));
    let body = json!({"start_date": "2025-10-01", "end_date": "2025-10-07", "models": ["alpha"]});
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let server = server.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            server.post("/simulate/trigger", &body).await
        }));
    }
    let mut accepted = Vec::new();
    let mut rejected = 0;
    for task in tasks {
        let (status, response) = task.await.unwrap();
        match status {
            200 => accepted.push(response["job_id"].as_str().unwrap().to_owned()),
            400 => {
                let detail = response["detail"].as_str().unwrap();
                assert!(detail.contains("already running"), "{detail}");
                assert!(detail.contains("alpha"), "{detail}");
                rejected += 1;
            }
            other => panic!("unexpected {other}: {response}"),
        }
    }
    assert_eq!((accepted.len(), rejected), (1, 19));
    let (_, jobs) = server.get("/simulate/jobs").await;
    assert_eq!(jobs["total"], 1);
    let job = server.wait(&accepted[0], Duration::from_secs(60)).await;
    assert_eq!(job["status"], "completed");
}

#[tokio::test]
async fn jobs_over_disjoint_models_run_at_the_same_time() {
    let workspace = Workspace::new();
    let options = Options::dev().config(SLOW_MODELS);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let a = server
        .trigger(
            &json!({"start_date": "2025-10-01", "end_date": "2025-10-03", "models": ["alpha"]}),
        )
        .await;
    let b = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-03", "models": ["beta"]}))
        .await;
    let statuses = || async {
        let (_, ja) = server.get(&format!("/simulate/status/{a}")).await;
        let (_, jb) = server.get(&format!("/simulate/status/{b}")).await;
        (ja["status"].clone(), jb["status"].clone())
    };
    eventually(
        "both jobs running at once",
        Duration::from_secs(30),
        || async {
            match statuses().await {
                (sa, sb) if sa == "running" && sb == "running" => Ok(()),
                seen => Err(format!("{seen:?}")),
            }
        },
    )
    .await;
    let ja = server.wait(&a, Duration::from_secs(60)).await;
    let jb = server.wait(&b, Duration::from_secs(60)).await;
    assert_eq!(
        (ja["status"].as_str(), jb["status"].as_str()),
        (Some("completed"), Some("completed"))
    );
    // While both ran, neither model could be taken by a third job.
    let (_, context) = server.get("/simulate/plan-context").await;
    assert!(context["active_jobs"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn max_concurrent_jobs_queues_the_rest_as_pending() {
    let workspace = Workspace::new();
    let options = Options::dev()
        .config(SLOW_MODELS)
        .with("MAX_CONCURRENT_JOBS", "1");
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let a = server
        .trigger(
            &json!({"start_date": "2025-10-01", "end_date": "2025-10-02", "models": ["alpha"]}),
        )
        .await;
    let b = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-02", "models": ["beta"]}))
        .await;
    eventually(
        "the second job pending while the first runs",
        Duration::from_secs(30),
        || async {
            let (_, ja) = server.get(&format!("/simulate/status/{a}")).await;
            let (_, jb) = server.get(&format!("/simulate/status/{b}")).await;
            match (ja["status"].as_str(), jb["status"].as_str()) {
                (Some("running"), Some("pending")) => Ok(()),
                seen => Err(format!("{seen:?}")),
            }
        },
    )
    .await;
    let jb = server.wait(&b, Duration::from_secs(60)).await;
    assert_eq!(jb["status"], "completed");
    // The second job started only after the first had finished.
    let (_, ja) = server.get(&format!("/simulate/status/{a}")).await;
    let (a_end, b_start) = (
        ja["completed_at"].as_str().unwrap(),
        jb["started_at"].as_str().unwrap(),
    );
    assert!(
        b_start >= a_end,
        "b started at {b_start}, before a ended at {a_end}"
    );
}
