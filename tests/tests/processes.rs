//! The API and the worker as separate processes on one database: an API-only server
//! (`serve --no-worker`) creates jobs and a worker process (`ai-trader worker`) runs them;
//! `/health` lists the live workers; a second worker on the same SQLite file refuses; a worker
//! killed mid-job leaves it to the next one, which finishes it with every day in order.

use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace, eventually, one_of_simultaneous_triggers};
use serde_json::{Value, json};

async fn workers(api: &Server) -> Vec<Value> {
    api.get("/health").await.1["workers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_only_server_and_a_worker_process_share_the_database() {
    let workspace = Workspace::new();
    let options = Options::dev().with("WORKER_HEARTBEAT_SECONDS", "1");
    workspace.import_real_data(&options);
    let api = workspace.start_api_only(&options);
    // No worker yet: the job waits.
    let job = api
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-11"}))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, status) = api.get(&format!("/simulate/status/{job}")).await;
    assert_eq!(status["status"], "pending", "{status}");
    assert!(workers(&api).await.is_empty());

    let worker = workspace.start_worker(&options);
    let done = api.wait(&job, Duration::from_secs(60)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"]["completed"], 15);
    let live = workers(&api).await;
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0]["pid"], json!(worker.pid()));
    assert!(!live[0]["host"].as_str().unwrap().is_empty());

    if workspace.is_postgres() {
        // PostgreSQL takes any number of workers.
        let second = workspace.start_worker(&options);
        eventually("two live workers", Duration::from_secs(10), || async {
            match workers(&api).await.len() {
                2 => Ok(()),
                n => Err(format!("{n} workers")),
            }
        })
        .await;
        assert_eq!(second.terminate(), Some(0));
        assert_eq!(worker.terminate(), Some(0));
        assert!(workers(&api).await.is_empty());
        return;
    }
    // SQLite has one worker: a second one refuses, naming the first.
    let (code, err) = workspace.worker_refusal(&options);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "in use by another ai-trader process (pid {})",
            worker.pid()
        )),
        "{err}"
    );
    // Stopped cleanly, it leaves the list at once.
    assert_eq!(worker.terminate(), Some(0));
    assert!(workers(&api).await.is_empty());
}

const SLOW: &str = r#"{"models": [
    {"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 150},
    {"name": "B", "basemodel": "mock/b", "signature": "beta", "enabled": true, "provider": "mock", "latency_ms": 150}
]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_leaves_its_job_to_the_next_one() {
    let workspace = Workspace::new();
    let options = Options::dev()
        .config(SLOW)
        .with("WORKER_HEARTBEAT_SECONDS", "1")
        .with("LEASE_SECONDS", "2");
    workspace.import_real_data(&options);
    let api = workspace.start_api_only(&options);
    let worker = workspace.start_worker(&options);
    let job = api
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-14"}))
        .await;
    api.wait_status(
        &job,
        "4 model-days completed",
        Duration::from_secs(30),
        |s| s["progress"]["completed"].as_u64() >= Some(4),
    )
    .await;
    worker.kill_9();
    // Its heartbeat stops: after three beats it is no longer listed.
    eventually(
        "the killed worker drops out of /health",
        Duration::from_secs(15),
        || async {
            let live = workers(&api).await;
            if live.is_empty() {
                Ok(())
            } else {
                Err(format!("{live:?}"))
            }
        },
    )
    .await;
    let _next = workspace.start_worker(&options);
    let done = api.wait(&job, Duration::from_secs(60)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"]["completed"], 20);
    // Every model's days in order, each starting where the previous one ended.
    for model in ["alpha", "beta"] {
        let (_, range) = api
            .get(&format!(
                "/results?start_date=2025-10-01&end_date=2025-10-14&model={model}"
            ))
            .await;
        let values = range["results"][0]["daily_portfolio_values"]
            .as_array()
            .unwrap();
        assert_eq!(values.len(), 10, "{model}: {range}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prices_imported_by_another_process_reach_a_running_server() {
    let workspace = Workspace::new();
    let options = Options::prod();
    let api = workspace.start_api_only(&options);
    let (_, coverage) = api.get("/market/coverage").await;
    assert!(coverage["last_date"].is_null(), "{coverage}");
    // `ai-trader import-prices` in another process, while the server runs.
    workspace.import_real_data(&options);
    eventually(
        "the server sees the imported prices",
        Duration::from_secs(15),
        || async {
            let (_, coverage) = api.get("/market/coverage").await;
            if coverage["last_date"] == "2025-10-30" {
                Ok(())
            } else {
                Err(coverage["last_date"].to_string())
            }
        },
    )
    .await;
    let (code, preview) = api
        .post(
            "/simulate/preview",
            &json!({"start_date": "2025-10-27", "end_date": "2025-10-31"}),
        )
        .await;
    assert_eq!(code, 200, "{preview}");
    assert_eq!(
        preview["dates"][3]["skip_reason"],
        Value::Null,
        "2025-10-30 has prices: {preview}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_triggers_through_two_api_processes_create_one_job_per_model() {
    let workspace = Workspace::new();
    let options = Options::dev().config(SLOW);
    workspace.import_real_data(&options);
    let apis = std::sync::Arc::new([
        workspace.start_api_only(&options),
        workspace.start_api_only(&options),
    ]);
    // 20 triggers for one model at once, spread over both API processes.
    let body = json!({"start_date": "2025-10-01", "end_date": "2025-10-03", "models": ["alpha"]});
    let accepted =
        one_of_simultaneous_triggers(&apis, 20, &body, "alpha is already running in job").await;
    // A worker runs it; both APIs see it complete.
    let _worker = workspace.start_worker(&options);
    let job = accepted["job_id"].as_str().unwrap();
    for api in apis.iter() {
        let done = api.wait(job, Duration::from_secs(60)).await;
        assert_eq!(done["status"], "completed", "{done}");
    }
}
