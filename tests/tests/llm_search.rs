//! The news search tool against a fake Jina, and a model without it (paced requests).

use ai_trader_e2e::fake_openai::{FakeOpenAi, text, tool_calls};
use ai_trader_e2e::llm::{day, run_day, setup_with, tool_result};
use serde_json::{Value, json};

/// The tool names a request offered the model.
fn offered_tools(request: &Value) -> Vec<&str> {
    request["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn news_search_drops_results_published_on_or_after_the_day() {
    use ai_trader_e2e::fake_openai::FakeJina;
    let jina = FakeJina::start(json!([
        {"title": "Old news", "url": "https://news.test/old", "description": "before", "content": "NVDA beat estimates.", "date": "2025-09-30T12:00:00Z"},
        {"title": "Same day", "url": "https://news.test/same", "description": "on the day", "content": "x", "date": "2025-10-02"},
        {"title": "From the future", "url": "https://news.test/future", "description": "after", "content": "x", "publishedTime": "Oct 15, 2025"},
        {"title": "Relative", "url": "https://news.test/relative", "description": "relative", "content": "x", "date": "3 days ago"},
        {"title": "Undated", "url": "https://news.test/undated", "description": "no date", "content": "x"}
    ]))
    .await;
    let fake = FakeOpenAi::start().await;
    fake.steps([
        tool_calls(None, &[("search", json!({"query": "NVDA earnings"}))]),
        text("Nothing actionable. <FINISH_SIGNAL>"),
    ]);
    let env = [
        ("JINA_API_KEY", "jina-SECRET-test"),
        ("JINA_BASE_URL", jina.base_url.as_str()),
    ];
    let (_w, server) = setup_with(&fake.config(""), &env).await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let d = day(&server, "2025-10-02").await;
    let result: Value = serde_json::from_str(&tool_result(&d, "search")).unwrap();
    let titles: Vec<&str> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Old news"], "{result}");
    assert_eq!(result["results"][0]["published"], "2025-09-30");
    assert_eq!(
        jina.seen(),
        [(
            "NVDA earnings".to_owned(),
            Some("Bearer jina-SECRET-test".to_owned())
        )]
    );
    // The tool is offered only because a key is configured.
    let received = fake.received();
    let tools = offered_tools(&received[0].body);
    assert!(tools.contains(&"search"), "{tools:?}");
    assert!(!server.log_text().contains("jina-SECRET-test"));
}

#[tokio::test]
async fn without_a_search_key_there_is_no_search_tool_and_requests_are_paced() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        tool_calls(None, &[("get_position", json!({}))]),
        tool_calls(None, &[("search", json!({"query": "x"}))]),
        text("Done. <FINISH_SIGNAL>"),
    ]);
    let config = fake.config("").replace(
        r#""enabled": true,"#,
        r#""enabled": true, "requests_per_minute": 120,"#,
    );
    let (_w, server) = setup_with(&config, &[]).await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let received = fake.received();
    let tools = offered_tools(&received[0].body);
    assert!(!tools.contains(&"search"), "{tools:?}");
    let d = day(&server, "2025-10-02").await;
    assert!(tool_result(&d, "search").contains("unknown tool search"));
    // The spacing of 120 requests a minute is tested in virtual time (agent::openai::client).
    assert_eq!(received.len(), 4, "three steps and the summary");
}
