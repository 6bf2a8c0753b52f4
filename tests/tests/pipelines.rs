//! Fast models never wait for slow ones: each model moves through its own dates (its next day
//! needs only its own previous day), so a job takes the slowest model's own time, not the sum
//! over dates of each date's slowest model.

use std::collections::HashMap;
use std::time::Duration;

use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, Reply, text};
use ai_trader_e2e::llm;
use serde_json::json;

/// A provider answering every call after `latency`, and ending each day at once.
async fn provider(latency: Duration) -> FakeOpenAi {
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(Reply::Delayed(
        latency,
        Box::new(text("Holding my positions today. <FINISH_SIGNAL>")),
    )));
    fake
}

fn model(signature: &str, fake: &FakeOpenAi) -> String {
    format!(
        r#"{{"name": "{signature}", "basemodel": "fake/{signature}", "signature": "{signature}", "enabled": true,
             "openai_base_url": "{}", "openai_api_key": "sk-fake"}}"#,
        fake.base_url
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_models_finish_their_days_without_waiting_for_a_slow_one() {
    let fast = provider(Duration::from_millis(20)).await;
    let slow = provider(Duration::from_millis(400)).await;
    let config = format!(
        r#"{{"models": [{}, {}, {}],
             "agent_config": {{"max_steps": 5, "max_retries": 1, "base_delay": 0.01, "request_timeout": 5.0}}}}"#,
        model("fast-a", &fast),
        model("slow", &slow),
        model("fast-b", &fast)
    );
    let (_workspace, server) = llm::setup_with(&config, &[]).await;
    let job = server
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-11"}))
        .await;
    let status = server.wait(&job, Duration::from_secs(120)).await;
    assert_eq!(status["status"], "completed", "{status}");
    let mut ended: HashMap<(String, String), String> = HashMap::new();
    for d in status["details"].as_array().unwrap() {
        ended.insert(
            (
                d["model"].as_str().unwrap().to_owned(),
                d["date"].as_str().unwrap().to_owned(),
            ),
            d["completed_at"].as_str().unwrap().to_owned(),
        );
    }
    let at = |model: &str, date: &str| ended[&(model.to_owned(), date.to_owned())].clone();
    // In date lockstep a fast model's last day would end after the slow model's fourth; here
    // both fast models are done before the slow one has finished its second day.
    let slow_second = at("slow", "2025-07-08");
    for fast_model in ["fast-a", "fast-b"] {
        let last = at(fast_model, "2025-07-11");
        assert!(
            last < slow_second,
            "{fast_model} ended its last day at {last}, after the slow model's second day ({slow_second})"
        );
    }
    // Each model's days still ran in order.
    for m in ["fast-a", "slow", "fast-b"] {
        let times: Vec<String> = ["07", "08", "09", "10", "11"]
            .iter()
            .map(|d| at(m, &format!("2025-07-{d}")))
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{m}: {times:?}");
    }
}
