//! Preview = job: for a matrix of requests over the real prices, `POST /simulate/preview` equals
//! what trigger creates, and the finished job equals the preview except run → completed.

use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace};
use serde_json::{Value, json};

/// The preview's rows in detail order: (date, model and run, skip_reason, message).
fn preview_rows(plan: &Value) -> Vec<(String, String, Value, Value)> {
    let dates = plan["dates"].as_array().unwrap();
    let mut grid: Vec<&Value> = plan["grid"].as_array().unwrap().iter().collect();
    // Stable: a model's runs keep the plan's order.
    grid.sort_by_key(|row| row["model"].as_str().unwrap().to_owned());
    let code = |letter: char| match letter {
        'W' => "weekend",
        'H' => "market_holiday",
        'I' => "incomplete_price_data",
        'C' => "already_completed",
        'B' => "before_history",
        _ => unreachable!("{letter}"),
    };
    let mut rows = Vec::new();
    for (i, date) in dates.iter().enumerate() {
        for row in &grid {
            let letter = row["cells"].as_str().unwrap().chars().nth(i).unwrap();
            let (reason, message) = if letter == 'R' {
                (Value::Null, Value::Null)
            } else if matches!(letter, 'W' | 'H' | 'I') {
                (json!(code(letter)), date["message"].clone())
            } else {
                let message = if letter == 'C' {
                    "Already completed"
                } else {
                    "Earlier than existing history"
                };
                (json!(code(letter)), json!(message))
            };
            rows.push((
                date["date"].as_str().unwrap().to_owned(),
                chain(row),
                reason,
                message,
            ));
        }
    }
    rows
}

/// `model/run`; a detail of `main` does not name its run.
fn chain(row: &Value) -> String {
    let run = row["run"].as_str().unwrap_or("main");
    format!("{}/{run}", row["model"].as_str().unwrap())
}

fn detail_rows(job: &Value) -> Vec<(String, String, Value, Value)> {
    job["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_owned(),
                chain(d),
                d["skip_reason"].clone(),
                d["error"].clone(),
            )
        })
        .collect()
}

/// Previews, triggers and runs a request; asserts preview = created job = finished job.
async fn check(server: &Server, request: Value) {
    let (preview_status, preview) = server.post("/simulate/preview", &request).await;
    let (trigger_status, trigger) = server.post("/simulate/trigger", &request).await;
    assert_eq!(
        preview_status, trigger_status,
        "{request}: {preview} vs {trigger}"
    );
    if preview_status != 200 {
        assert_eq!(preview["detail"], trigger["detail"], "{request}");
        return;
    }
    assert_eq!(trigger["warnings"], preview["warnings"], "{request}");
    assert_eq!(
        trigger["total_model_days"],
        preview["totals"]["total_model_days"]
    );
    let job_id = trigger["job_id"].as_str().unwrap();
    let (_, created) = server.get(&format!("/simulate/status/{job_id}")).await;
    let expected = preview_rows(&preview);
    assert_eq!(
        detail_rows(&created),
        expected,
        "{request}: created details differ from the preview"
    );
    assert_eq!(created["warnings"], preview["warnings"]);
    assert_eq!(created["forecast"], preview["forecast"], "{request}");
    let finished = server.wait(job_id, Duration::from_secs(60)).await;
    assert_eq!(
        detail_rows(&finished),
        expected,
        "{request}: finished details differ"
    );
    for (detail, row) in finished["details"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&expected)
    {
        let want = if row.2.is_null() {
            "completed"
        } else {
            "skipped"
        };
        assert_eq!(detail["status"], want, "{request}: {detail}");
    }
}

#[tokio::test]
async fn preview_equals_the_created_and_the_finished_job() {
    let workspace = Workspace::new();
    let options = Options::dev().config(
        r#"{"models": [
            {"name": "A", "basemodel": "mock/a", "signature": "alpha", "enabled": true, "provider": "mock"},
            {"name": "B", "basemodel": "mock/b", "signature": "beta", "enabled": true, "provider": "mock"},
            {"name": "Q", "basemodel": "qqq", "signature": "qqq", "enabled": false, "provider": "buy_and_hold"},
            {"name": "Slow", "basemodel": "mock/s", "signature": "slow", "enabled": false, "provider": "mock", "latency_ms": 400}
        ]}"#,
    );
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let matrix = [
        // Weekend and Independence Day.
        json!({"start_date": "2025-07-02", "end_date": "2025-07-08"}),
        // Labor Day, with a disabled model named explicitly.
        json!({"start_date": "2025-08-28", "end_date": "2025-09-03", "models": ["alpha", "qqq"]}),
        // Days already completed for alpha, new for beta.
        json!({"start_date": "2025-07-07", "end_date": "2025-07-11", "models": ["alpha", "beta"]}),
        // Before history for both.
        json!({"start_date": "2025-06-30", "end_date": "2025-07-14"}),
        // replace_existing re-runs and supersedes.
        json!({"start_date": "2025-07-01", "end_date": "2025-07-03", "models": ["alpha"], "replace_existing": true}),
        // Resume mode.
        json!({"start_date": null, "end_date": "2025-07-18"}),
        json!({"start_date": "", "end_date": "2025-07-25", "models": ["beta", "alpha"]}),
        // Beyond the data.
        json!({"start_date": "2025-10-27", "end_date": "2025-11-05", "models": ["qqq"]}),
        // Errors come out identical too.
        json!({"start_date": "2025-07-07", "end_date": "2025-07-08", "models": ["alpha"]}),
        json!({"start_date": "2025-07-04", "end_date": "2025-07-06", "models": ["beta"]}),
        json!({"start_date": "2025-07-01", "end_date": "2025-09-01"}),
        // Runs: three repeats over alpha's main history, each its own chain.
        json!({"start_date": "2025-07-01", "end_date": "2025-07-09", "models": ["alpha"], "run": "exp", "repeats": 3}),
        // A new run before main's history is not before history.
        json!({"start_date": "2025-06-23", "end_date": "2025-06-27", "run": "early", "note": "June"}),
        // The repeats resume, each after its own history; one is replaced in part.
        json!({"end_date": "2025-07-11", "models": ["alpha", "beta"], "run": "exp", "repeats": 3}),
        json!({"start_date": "2025-07-08", "end_date": "2025-07-08", "models": ["alpha"], "run": "exp-2", "replace_existing": true}),
        // Bad runs are refused alike.
        json!({"start_date": "2025-07-01", "end_date": "2025-07-02", "run": "my run"}),
        json!({"start_date": "2025-07-01", "end_date": "2025-07-02", "repeats": 21}),
    ];
    for request in matrix {
        check(&server, request).await;
    }
    // A busy model: the same rejection from both.
    let slow = server
        .trigger(&json!({"start_date": "2025-08-04", "end_date": "2025-08-08", "models": ["slow"]}))
        .await;
    check(
        &server,
        json!({"start_date": "2025-08-04", "end_date": "2025-08-05", "models": ["slow", "alpha"]}),
    )
    .await;
    let (_, preview) = server
        .post(
            "/simulate/preview",
            &json!({"end_date": "2025-08-05", "models": ["slow"]}),
        )
        .await;
    assert!(
        preview["detail"]
            .as_str()
            .unwrap()
            .contains("already running"),
        "{preview}"
    );
    server.wait(&slow, Duration::from_secs(60)).await;
}
