//! Server benchmarks, printed as figures (run by scripts/bench against the release binary):
//! - a job of 100 mock models × 20 trading days: wall time and model-days per second;
//! - `GET /simulate/status/{id}` of a job with 2,000 details under 16 concurrent connections
//!   for 10 s: requests per second, p50 and p99 latency;
//! - server RSS idle and during the big job;
//! - with `AI_TRADER_TEST_POSTGRES` (scripts/bench runs this under scripts/with-postgres): the
//!   same 100 × 20 job on PostgreSQL, an API process and 1, then 3, worker processes.
//!
//! Loopback only, bounded in time and count.

#![allow(clippy::print_stdout)] // a benchmark prints its figures

use std::sync::Arc;
use std::time::{Duration, Instant};

use ai_trader_e2e::{Options, Server, Workspace};
use serde_json::json;

const MODELS: usize = 100;
const CONNECTIONS: usize = 16;
const LOAD_SECONDS: u64 = 10;
const MAX_REQUESTS: usize = 1_000_000;

fn config() -> String {
    let models: Vec<String> = (0..MODELS)
        .map(|i| {
            format!(r#"{{"name": "Mock {i}", "basemodel": "mock", "signature": "model-{i:03}", "enabled": true, "provider": "mock"}}"#)
        })
        .collect();
    format!(r#"{{"models": [{}]}}"#, models.join(","))
}

#[tokio::main]
async fn main() {
    let workspace = Workspace::new();
    let options = Options::dev()
        .config(&config())
        .with("MAX_PARALLEL_MODELS", "8");
    workspace.import_real_data(&options);
    let server = Arc::new(workspace.start(&options));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = server.rss_kib().unwrap_or(0);

    // 2025-09-03..30: 20 trading days.
    let mut peak = 0;
    let plain = json!({"start_date": "2025-09-03", "end_date": "2025-09-30"});
    let elapsed = time_job(&server, &plain, &mut peak).await;
    println!(
        "job of {MODELS} models x 20 trading days (2,000 model-days, 2,800 details): {elapsed:.2} s, {:.0} model-days/s",
        2000.0 / elapsed
    );
    // The same days as a new run, under a budget that never binds: every claim checks it.
    let budgeted = json!({"start_date": "2025-09-03", "end_date": "2025-09-30",
        "run": "budgeted", "max_cost_usd": 1000.0});
    let elapsed = time_job(&server, &budgeted, &mut peak).await;
    println!(
        "the same days as a new run with a budget (max_cost_usd), every model-day checked against it: {elapsed:.2} s, {:.0} model-days/s",
        2000.0 / elapsed
    );

    // A job with exactly 2,000 details: 100 models × 20 calendar days.
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-20"}))
        .await;
    server.wait(&job, Duration::from_secs(600)).await;
    let (_, status) = server.get(&format!("/simulate/status/{job}")).await;
    assert_eq!(status["details"].as_array().unwrap().len(), 2000);
    let body_bytes = status.to_string().len();

    let url = format!("{}/simulate/status/{job}", server.url);
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::new();
            while Instant::now() < deadline && latencies.len() < MAX_REQUESTS / CONNECTIONS {
                let t = Instant::now();
                let response = client.get(&url).send().await.expect("status");
                assert!(response.status().is_success());
                response.bytes().await.expect("body");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "GET /simulate/status (2,000 details, {body_bytes} bytes) with {CONNECTIONS} connections for {LOAD_SECONDS} s: \
         {} requests, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        latencies.len() as f64 / LOAD_SECONDS as f64,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
    println!(
        "server RSS: idle {:.1} MiB, peak during the 100-model job {:.1} MiB",
        idle as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    if std::env::var_os("AI_TRADER_TEST_POSTGRES").is_some() {
        for workers in [1, 3] {
            mock_job_on_postgres(workers).await;
        }
    }
}

/// Runs `request` (2,000 model-days that all complete) and returns its wall time in seconds,
/// keeping the server's peak RSS.
async fn time_job(server: &Server, request: &serde_json::Value, peak: &mut u64) -> f64 {
    let started = Instant::now();
    let job = server.trigger(request).await;
    loop {
        let (_, status) = server.get(&format!("/simulate/status/{job}")).await;
        *peak = (*peak).max(server.rss_kib().unwrap_or(0));
        if status["status"] != "running" && status["status"] != "pending" {
            assert_eq!(status["status"], "completed", "{status}");
            assert_eq!(status["progress"]["completed"], 2000);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the job took too long"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed().as_secs_f64()
}

/// The 100 × 20 mock job on a fresh PostgreSQL database, run by `workers` worker processes.
async fn mock_job_on_postgres(workers: usize) {
    let workspace = Workspace::postgres();
    let options = Options::prod()
        .config(&config())
        .with("MAX_PARALLEL_MODELS", "8");
    workspace.import_real_data(&options);
    let api = workspace.start_api_only(&options);
    let _workers: Vec<_> = (0..workers)
        .map(|_| workspace.start_worker(&options))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let job = api
        .trigger(&json!({"start_date": "2025-09-03", "end_date": "2025-09-30"}))
        .await;
    let done = api.wait(&job, Duration::from_secs(600)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"]["completed"], 2000);
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "PostgreSQL, {workers} worker process(es): job of {MODELS} models x 20 trading days: {elapsed:.2} s, {:.0} model-days/s",
        2000.0 / elapsed
    );
}
