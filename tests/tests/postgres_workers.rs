//! Many processes on one PostgreSQL database: two API instances and three worker processes.
//! Simultaneous triggers over both APIs create one job; the workers share its model-days by
//! claims; workers killed (`kill -9`) in the middle of model-days leave them to the others when
//! their leases expire; afterwards no model-day is lost or duplicated and every day starts from
//! the previous day's end. Needs a PostgreSQL server: scripts/test runs it under
//! scripts/with-postgres.

use std::sync::Arc;
use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace, eventually, one_of_simultaneous_triggers};
use serde_json::json;

const MODELS: [&str; 3] = ["alpha", "beta", "gamma"];

const SLOW: &str = r#"{"models": [
    {"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 60},
    {"name": "B", "basemodel": "mock/b", "signature": "beta", "enabled": true, "provider": "mock", "latency_ms": 90},
    {"name": "C", "basemodel": "mock/c", "signature": "gamma", "enabled": true, "provider": "mock", "latency_ms": 120}
]}"#;

async fn live_workers(api: &Server) -> usize {
    api.get("/health").await.1["workers"]
        .as_array()
        .map_or(0, Vec::len)
}

/// One query's rows on the workspace's database.
fn query(workspace: &Workspace, sql: &str) -> Vec<postgres::Row> {
    let (url, sql) = (workspace.database(), sql.to_owned());
    // On a thread of its own: the client blocks on a runtime, which the test's runtime refuses.
    std::thread::spawn(move || {
        let mut client =
            postgres::Client::connect(url.to_str().unwrap(), postgres::NoTls).expect("connect");
        client.query(&sql, &[]).expect(&sql)
    })
    .join()
    .expect("query")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_apis_and_three_workers_share_a_job_and_survive_killed_workers() {
    let workspace = Workspace::postgres();
    let options = Options::prod()
        .config(SLOW)
        .with("WORKER_HEARTBEAT_SECONDS", "1")
        .with("LEASE_SECONDS", "2")
        .with("MAX_SIMULATION_DAYS", "60");
    workspace.import_real_data(&options);
    let apis = Arc::new([
        workspace.start_api_only(&options),
        workspace.start_api_only(&options),
    ]);
    let mut workers: Vec<_> = (0..3).map(|_| workspace.start_worker(&options)).collect();
    eventually("three live workers", Duration::from_secs(15), || async {
        match live_workers(&apis[0]).await {
            3 => Ok(()),
            n => Err(format!("{n} workers")),
        }
    })
    .await;

    // 20 triggers for the same models at once, spread over both API processes: one job.
    let body = json!({"start_date": "2025-09-02", "end_date": "2025-10-13"});
    let accepted =
        one_of_simultaneous_triggers(&apis, 20, &body, "is already running in job").await;
    let job = accepted["job_id"].as_str().unwrap().to_owned();
    let total = accepted["total_model_days"].as_u64().unwrap();
    assert_eq!(total, 126, "42 dates × 3 models, 30 of them trading days");

    // Kill a worker in the middle of its model-days, three times, starting a new one each time.
    for round in 1..=3u64 {
        apis[1]
            .wait_status(
                &job,
                "more model-days completed",
                Duration::from_secs(60),
                |s| s["progress"]["completed"].as_u64() >= Some(round * 12),
            )
            .await;
        workers.remove(0).kill_9();
        workers.push(workspace.start_worker(&options));
    }
    let done = apis[0].wait(&job, Duration::from_secs(120)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"]["completed"], 90, "{done}");

    // Killed workers' days were taken over, not lost: some ran more than once, none failed, and
    // exactly one trading day was committed per model-day.
    let retried = query(
        &workspace,
        "SELECT COUNT(*) FROM job_details WHERE attempts > 1",
    )[0]
    .get::<_, i64>(0);
    assert!(
        retried >= 1,
        "no model-day was taken over from a killed worker"
    );
    let duplicates = query(
        &workspace,
        "SELECT model, date FROM trading_days GROUP BY model, date HAVING COUNT(*) > 1",
    );
    assert!(
        duplicates.is_empty(),
        "{} duplicated days",
        duplicates.len()
    );
    let days = query(&workspace, "SELECT COUNT(*) FROM trading_days")[0].get::<_, i64>(0);
    assert_eq!(days, 90);

    // Each model's days in order, each starting where the previous one ended.
    for model in MODELS {
        let (_, range) = apis[1]
            .get(&format!(
                "/results?start_date=2025-09-02&end_date=2025-10-13&model={model}"
            ))
            .await;
        let values = range["results"][0]["daily_portfolio_values"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(values.len(), 30, "{model}: {range}");
        let rows = query(
            &workspace,
            &format!(
                "SELECT date, starting_portfolio_value, ending_portfolio_value FROM trading_days
                 WHERE model = '{model}' ORDER BY date"
            ),
        );
        for pair in rows.windows(2) {
            let (ended, started): (f64, f64) = (pair[0].get(2), pair[1].get(1));
            assert!(
                (ended - started).abs() < 1e-6,
                "{model} {} starts at {started}, the day before ended at {ended}",
                pair[1].get::<_, String>(0)
            );
        }
    }
}
