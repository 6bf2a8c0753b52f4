//! Regression tests named after the reference's fixed bugs (reference-behaviour §5) and its
//! latent defects L1–L18 (§5.1), where they are visible through the API. Defects fixed inside
//! the core or the tools have unit tests of the same names there.

use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace, details_in};
use serde_json::{Value, json};

const T: Duration = Duration::from_secs(60);

fn started() -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

async fn day(server: &Server, model: &str, date: &str) -> Value {
    let (status, body) = server
        .get(&format!(
            "/results?start_date={date}&model={model}&reasoning=full"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    body["results"][0].clone()
}

/// Kills the server with `kill -9` once `job` runs, and starts it again.
async fn kill_while_running(
    workspace: &Workspace,
    options: &Options,
    server: Server,
    job: &str,
) -> Server {
    server
        .wait_status(job, "running", T, |s| s["status"] == "running")
        .await;
    server.kill_9();
    workspace.start(options)
}

#[tokio::test]
async fn bug_09_empty_models_list_means_the_enabled_models() {
    let (_w, server) = started();
    let (status, response) = server
        .post(
            "/simulate/trigger",
            &json!({"start_date": "2025-10-01", "end_date": "2025-10-01", "models": []}),
        )
        .await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["total_model_days"], 3);
}

#[tokio::test]
async fn bug_10_11_29_skipped_days_end_the_job_and_are_never_executed() {
    let (_w, server) = started();
    let first = server.trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-02", "models": ["mock-trader"]})).await;
    server.wait(&first, T).await;
    let overlapping = server.trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-05", "models": ["mock-trader"]})).await;
    let job = server.wait(&overlapping, T).await;
    assert_eq!(job["status"], "completed");
    assert_eq!(
        job["progress"],
        json!({"total_model_days": 5, "completed": 1, "failed": 0, "pending": 0, "running": 0, "skipped": 4})
    );
    for detail in job["details"].as_array().unwrap() {
        if detail["status"] == "skipped" {
            assert!(
                detail["error"].is_string() && detail["started_at"].is_null(),
                "{detail}"
            );
        }
    }
    // The completed days of the first job were not re-run.
    assert_eq!(
        day(&server, "mock-trader", "2025-10-01").await["job_id"],
        first.as_str()
    );
}

#[tokio::test]
async fn bug_12_a_fresh_dev_start_is_not_blocked_by_stale_jobs() {
    let workspace = Workspace::sqlite();
    let slow = r#"{"models": [{"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 500}]}"#;
    // DEV without PRESERVE_DEV_DATA resets the database at start, demo market included.
    let options = Options {
        env: vec![("DEPLOYMENT_MODE".into(), "DEV".into())],
        config: Some(slow.into()),
    };
    let server = workspace.start(&options);
    let (_, coverage) = server.get("/market/coverage").await;
    assert_eq!(coverage["synthetic"], true);
    let end = coverage["last_date"].as_str().unwrap().to_owned();
    let job = server
        .trigger(&json!({"end_date": end, "models": ["alpha"]}))
        .await;
    let server = kill_while_running(&workspace, &options, server, &job).await;
    let (status, response) = server
        .post(
            "/simulate/trigger",
            &json!({"end_date": end, "models": ["alpha"]}),
        )
        .await;
    assert_eq!(status, 200, "{response}");
}

#[tokio::test]
async fn bug_30_31_40_weekend_continuity_buy_day_profit_and_first_day_holdings() {
    let (_w, server) = started();
    let job = server.trigger(&json!({"start_date": "2025-10-03", "end_date": "2025-10-06", "models": ["mock-trader"]})).await;
    server.wait(&job, T).await;
    let friday = day(&server, "mock-trader", "2025-10-03").await;
    let monday = day(&server, "mock-trader", "2025-10-06").await;
    // #40: the first day's final holdings hold its trades.
    assert!(
        !friday["final_position"]["holdings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // #30: Monday starts from Friday's end, not from zero cash.
    assert_eq!(
        monday["starting_position"]["cash"],
        friday["final_position"]["cash"]
    );
    assert_eq!(
        monday["starting_position"]["holdings"],
        friday["final_position"]["holdings"]
    );
    assert_eq!(monday["daily_metrics"]["days_since_last_trading"], 3);
    // #31: buying is not a loss: the first day's profit is the bought shares' open-to-close move.
    let trade = &friday["trades"][0];
    let quantity = trade["quantity"].as_f64().unwrap();
    let open = trade["price"].as_f64().unwrap();
    let close_value = friday["final_position"]["portfolio_value"]
        .as_f64()
        .unwrap()
        - friday["final_position"]["cash"].as_f64().unwrap();
    let profit = friday["daily_metrics"]["profit"].as_f64().unwrap();
    assert!(
        (profit - (close_value - quantity * open)).abs() < 1e-6,
        "{profit}"
    );
}

#[tokio::test]
async fn bug_41_43_l04_l18_summaries_and_conversations_name_the_trades() {
    let (_w, server) = started();
    let job = server
        .trigger(&json!({"start_date": "2025-10-02", "end_date": "2025-10-02"}))
        .await;
    server.wait(&job, T).await;
    for model in ["mock-trader", "buy-and-hold-qqq", "equal-weight"] {
        let d = day(&server, model, "2025-10-02").await;
        let trades = d["trades"].as_array().unwrap();
        assert_eq!(
            d["metadata"]["total_actions"].as_u64().unwrap() as usize,
            trades.len(),
            "{model}: L4"
        );
        let conversation = d["reasoning"].as_array().unwrap();
        let trade_messages = conversation
            .iter()
            .filter(|m| {
                m["role"] == "tool" && (m["tool_name"] == "buy" || m["tool_name"] == "sell")
            })
            .count();
        assert_eq!(
            trade_messages,
            trades.len(),
            "{model}: #42/#43 tool messages kept"
        );
        let (_, summary) = server
            .get(&format!(
                "/results?start_date=2025-10-02&model={model}&reasoning=summary"
            ))
            .await;
        let summary = summary["results"][0]["reasoning"]
            .as_str()
            .unwrap()
            .to_owned();
        for trade in trades {
            assert!(
                summary.contains(trade["symbol"].as_str().unwrap()),
                "{model}: #41 {summary}"
            );
        }
    }
}

#[tokio::test]
async fn bug_47_after_a_restart_new_jobs_are_accepted() {
    let workspace = Workspace::sqlite();
    let options = Options::dev()
        .with("RESUME_INTERRUPTED_JOBS", "false")
        .config(r#"{"models": [{"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 500}]}"#);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-10"}))
        .await;
    let server = kill_while_running(&workspace, &options, server, &job).await;
    let (status, response) = server
        .post(
            "/simulate/trigger",
            &json!({"start_date": "2025-10-20", "end_date": "2025-10-21"}),
        )
        .await;
    assert_eq!(status, 200, "{response}");
}

#[tokio::test]
async fn bug_49_l05_a_new_job_continues_the_portfolio_and_the_prompt_shows_it() {
    let (_w, server) = started();
    let one = server.trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-01", "models": ["mock-trader"]})).await;
    server.wait(&one, T).await;
    let two = server.trigger(&json!({"start_date": "2025-10-02", "end_date": "2025-10-02", "models": ["mock-trader"]})).await;
    server.wait(&two, T).await;
    let first = day(&server, "mock-trader", "2025-10-01").await;
    let second = day(&server, "mock-trader", "2025-10-02").await;
    assert_eq!(
        second["starting_position"]["cash"],
        first["final_position"]["cash"]
    );
    let symbol = first["trades"][0]["symbol"].as_str().unwrap();
    let system = second["reasoning"][0]["content"].as_str().unwrap();
    assert!(
        system.contains(&format!("\"{symbol}\":5")),
        "L5: the prompt shows the cross-job position: {system}"
    );
}

#[tokio::test]
async fn l03_l17_totals_agree_and_warnings_are_stored_at_creation() {
    let workspace = Workspace::new();
    let options = Options::dev().config(
        r#"{"models": [{"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 300}]}"#,
    );
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let (_, trigger) = server
        .post(
            "/simulate/trigger",
            &json!({"start_date": "2025-10-03", "end_date": "2025-10-07"}),
        )
        .await;
    let id = trigger["job_id"].as_str().unwrap();
    let (_, status) = server.get(&format!("/simulate/status/{id}")).await;
    assert_ne!(
        status["status"], "completed",
        "checked while the job still runs"
    );
    assert_eq!(status["warnings"], trigger["warnings"]);
    assert_eq!(
        status["warnings"][0],
        "Skipped 2 dates due to weekends: ['2025-10-04', '2025-10-05']"
    );
    assert_eq!(
        status["progress"]["total_model_days"],
        trigger["total_model_days"]
    );
    assert_eq!(status["progress"]["skipped"], 2);
    server.wait(id, T).await;
}

#[tokio::test]
async fn l06_initial_cash_comes_from_the_config() {
    let workspace = Workspace::new();
    let options = Options::dev().config(
        r#"{"models": [{"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock"}],
            "agent_config": {"initial_cash": 5000.0}}"#,
    );
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-01"}))
        .await;
    server.wait(&job, T).await;
    let d = day(&server, "alpha", "2025-10-01").await;
    assert_eq!(d["starting_position"]["cash"], 5000.0);
    assert_eq!(d["starting_position"]["portfolio_value"], 5000.0);
}

#[tokio::test]
async fn l13_l14_a_model_day_that_cannot_start_fails_and_writes_nothing() {
    let workspace = Workspace::new();
    let two = r#"{"models": [
        {"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock", "latency_ms": 200},
        {"name": "B", "basemodel": "m", "signature": "beta", "enabled": true, "provider": "mock", "latency_ms": 200}]}"#;
    let one = r#"{"models": [{"name": "A", "basemodel": "m", "signature": "alpha", "enabled": true, "provider": "mock"}]}"#;
    let options = Options::dev().config(two);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-08"}))
        .await;
    // Killed once both models have committed a day, with days still to run.
    server
        .wait_status(&job, "2 model-days completed", T, |s| {
            s["progress"]["completed"].as_u64() >= Some(2)
        })
        .await;
    server.kill_9();
    // Restarted without beta in the config: its remaining days fail clearly, the job still ends.
    let server = workspace.start(&Options::dev().config(one));
    let status = server.wait(&job, T).await;
    assert_eq!(status["status"], "partial", "{status}");
    let failed = details_in(&status, "failed");
    assert!(!failed.is_empty());
    for detail in &failed {
        assert_eq!(detail["model"], "beta");
        assert_eq!(
            detail["error"],
            "Execution failed: Model beta not found in config"
        );
    }
    // L14: no trading day was written for a failed model-day.
    let (_, range) = server
        .get("/results?start_date=2025-10-01&end_date=2025-10-08&model=beta")
        .await;
    let written = range["results"]
        .get(0)
        .map_or(0, |r| r["daily_portfolio_values"].as_array().unwrap().len());
    let completed_beta = status["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["model"] == "beta" && d["status"] == "completed")
        .count();
    assert_eq!(written, completed_beta);
}

#[tokio::test]
async fn l12_models_running_in_parallel_keep_their_own_context() {
    let (_w, server) = started();
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-02"}))
        .await;
    server.wait(&job, T).await;
    let mock = day(&server, "mock-trader", "2025-10-02").await;
    let qqq = day(&server, "buy-and-hold-qqq", "2025-10-02").await;
    assert!(
        mock["trades"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["symbol"] != "QQQ")
    );
    let held: Vec<&str> = qqq["final_position"]["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(held, ["QQQ"]);
    assert_ne!(
        mock["starting_position"]["cash"],
        qqq["starting_position"]["cash"]
    );
}
