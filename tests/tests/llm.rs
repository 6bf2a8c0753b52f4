//! Real LLM agents against a local fake OpenAI-compatible server (real HTTP): the happy path,
//! provider quirks, bad tool arguments, a model that never finishes, and a multi-day job. Each
//! checks what was stored. Failures are in `llm_faults.rs`, search in `llm_search.rs`.

use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, ok, status, text, tool_calls};
use ai_trader_e2e::llm::{T, day, messages, roles, run_day, setup};
use serde_json::{Value, json};

#[tokio::test]
async fn happy_path_buys_then_sells_and_records_everything() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        tool_calls(
            Some("Let me look."),
            &[
                ("get_position", json!({})),
                ("get_price", json!({"symbol": "AAPL", "date": "2025-10-02"})),
            ],
        ),
        tool_calls(None, &[("buy", json!({"symbol": "AAPL", "amount": 5}))]),
        // Trades and finishes in the same reply (reference bug #43).
        tool_calls(
            Some("Taking some profit. <FINISH_SIGNAL>"),
            &[("sell", json!({"symbol": "AAPL", "amount": 2}))],
        ),
    ]);
    fake.summaries([ok(json!({
        "choices": [{"message": {"content": "I bought 5 AAPL at the open and sold 2 of them, keeping 3."}}],
        "usage": {"prompt_tokens": 40, "completion_tokens": 15, "total_tokens": 55}
    }))]);
    let (_w, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(
        job["token_usage"],
        json!({"prompt_tokens": 340, "completion_tokens": 75, "total_tokens": 415})
    );

    let d = day(&server, "2025-10-02").await;
    let trades: Vec<(String, u64)> = d["trades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["action_type"].as_str().unwrap().to_owned(),
                t["quantity"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(trades, [("buy".to_owned(), 5), ("sell".to_owned(), 2)]);
    assert_eq!(
        d["final_position"]["holdings"],
        json!([{"symbol": "AAPL", "quantity": 3}])
    );
    assert_eq!(
        roles(&d["reasoning"]),
        [
            "system",
            "user",
            "assistant",
            "tool",
            "tool",
            "assistant",
            "tool",
            "assistant",
            "tool"
        ]
    );
    let conversation = d["reasoning"].as_array().unwrap();
    assert_eq!(conversation[2]["tool_calls"][1]["name"], "get_price");
    assert_eq!(
        conversation[4]["tool_call_id"],
        conversation[2]["tool_calls"][1]["id"]
    );
    assert!(
        conversation[4]["content"]
            .as_str()
            .unwrap()
            .contains("\"open\"")
    );
    assert!(
        !conversation[4]["content"]
            .as_str()
            .unwrap()
            .contains("close"),
        "no look-ahead for today"
    );
    assert_eq!(d["metadata"]["token_usage"]["total_tokens"], 415);
    let (_, summary) = server
        .get("/results?start_date=2025-10-02&model=gpt-fake&reasoning=summary")
        .await;
    assert_eq!(
        summary["results"][0]["reasoning"],
        "I bought 5 AAPL at the open and sold 2 of them, keeping 3."
    );

    // What the provider saw: the model id, the key, the tools, tool results with call ids.
    let received = fake.received();
    assert_eq!(received.len(), 4, "3 steps + 1 summary");
    assert_eq!(received[0].body["model"], "fake/gpt-test");
    assert_eq!(
        received[0].authorization.as_deref(),
        Some("Bearer sk-fake-SECRET-key")
    );
    assert_eq!(received[0].body["tool_choice"], "auto");
    assert_eq!(received[0].body["tools"].as_array().unwrap().len(), 6);
    assert!(
        received[0].body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Today is 2025-10-02")
    );
    let second = received[1].body["messages"].as_array().unwrap();
    assert_eq!(second[3]["role"], "tool");
    assert!(second[3]["tool_call_id"].is_string());
    assert!(received[3].body.get("tools").is_none());
    assert!(
        received[3].body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("TRADES EXECUTED (2)")
    );
    assert!(
        !server.log_text().contains("sk-fake-SECRET-key"),
        "the key is never logged"
    );
}

#[tokio::test]
async fn provider_quirks_are_tolerated() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        // Arguments as an object, no type, no id, content null, no usage.
        ok(json!({"choices": [{"message": {"content": null, "tool_calls": [
            {"function": {"name": "buy", "arguments": {"symbol": "MSFT", "amount": 2}}}
        ]}, "finish_reason": "function_call"}]})),
        // The {name, args, id} shape without `function`, an unusual finish_reason.
        ok(json!({"choices": [{"message": {"content": "", "tool_calls": [
            {"name": "buy", "args": {"symbol": "NVDA", "amount": 1}, "id": "ds-1"}
        ]}, "finish_reason": "eos_token"}]})),
        ok(json!({"choices": [{"message": {"content": [{"type": "text", "text": "All done. <FINISH_SIGNAL>"}]}}]})),
    ]);
    fake.summaries([
        status(500, &[]),
        status(500, &[]),
        status(500, &[]),
        status(500, &[]),
    ]);
    let (_w, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    // Missing usage is never 0 silently: counted with a tokenizer, marked estimated.
    assert_eq!(job["token_usage"]["estimated"], true, "{job}");
    assert!(
        job["token_usage"]["total_tokens"].as_u64().unwrap() > 0,
        "{job}"
    );
    let d = day(&server, "2025-10-02").await;
    let symbols: Vec<&str> = d["trades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(symbols, ["MSFT", "NVDA"]);
    assert_eq!(
        d["reasoning"][3]["tool_call_id"],
        d["reasoning"][2]["tool_calls"][0]["id"]
    );
    assert_eq!(d["reasoning"][4]["tool_calls"][0]["id"], "ds-1");
    // The summary call failed: the deterministic fallback still names the trades.
    let (_, summary) = server
        .get("/results?start_date=2025-10-02&model=gpt-fake&reasoning=summary")
        .await;
    let summary = summary["results"][0]["reasoning"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        summary.contains("bought 2 MSFT") && summary.contains("bought 1 NVDA"),
        "{summary}"
    );
}

#[tokio::test]
async fn bad_tool_arguments_go_back_to_the_model() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        tool_calls(
            None,
            &[
                ("buy", json!("{not json")),
                ("buy", json!({"symbol": "AAPL", "amount": -3})),
                ("teleport", json!({})),
            ],
        ),
        text("I give up for today. <FINISH_SIGNAL>"),
    ]);
    let (_w, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let d = day(&server, "2025-10-02").await;
    assert!(d["trades"].as_array().unwrap().is_empty());
    let tools: Vec<&str> = messages(&d, "tool")
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert!(
        tools[0].contains("arguments are not valid JSON"),
        "{tools:?}"
    );
    assert!(tools[1].contains("Invalid amount -3"), "{tools:?}");
    assert!(tools[2].contains("unknown tool teleport"), "{tools:?}");
    // The model saw the errors.
    let received = fake.received();
    let messages = received[1].body["messages"].as_array().unwrap();
    assert!(messages.iter().any(
        |m| m["role"] == "tool" && m["content"].as_str().unwrap().contains("Invalid amount -3")
    ));
}

#[tokio::test]
async fn a_model_that_never_finishes_stops_at_max_steps() {
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(tool_calls(
        Some("Checking again."),
        &[("get_position", json!({}))],
    )));
    let (_w, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(
        job["status"], "completed",
        "reaching max_steps is not an error: {job}"
    );
    let d = day(&server, "2025-10-02").await;
    assert_eq!(messages(&d, "assistant").len(), 5);
}

#[tokio::test]
async fn a_multi_day_job_trades_every_day() {
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::BuyEachDay("NVDA".into()));
    let (_w, server) = setup(&fake, "").await;
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-10"}))
        .await;
    let job = server.wait(&job, T).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["progress"]["completed"], 8);
    let d = day(&server, "2025-10-10").await;
    assert_eq!(
        d["final_position"]["holdings"],
        json!([{"symbol": "NVDA", "quantity": 8}])
    );
    // Each day's prompt shows the position carried from the day before.
    let received = fake.received();
    let last_step = received
        .iter()
        .rev()
        .find(|r| {
            r.body.get("tools").is_some() && r.body["messages"].as_array().unwrap().len() == 2
        })
        .unwrap();
    assert!(
        last_step.body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("\"NVDA\":7")
    );
}

#[tokio::test]
async fn a_configured_temperature_is_sent_with_every_step() {
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(tool_calls(
        Some("Nothing to do. <FINISH_SIGNAL>"),
        &[("get_position", json!({}))],
    )));
    let config = fake.config("").replace(
        r#""enabled": true,"#,
        r#""enabled": true, "temperature": 0.7,"#,
    );
    assert!(config.contains("temperature"), "{config}");
    let (_w, server) = ai_trader_e2e::llm::setup_with(&config, &[]).await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let steps: Vec<Value> = fake
        .received()
        .into_iter()
        .map(|r| r.body)
        .filter(|b| b.get("tools").is_some())
        .collect();
    assert!(!steps.is_empty());
    assert!(steps.iter().all(|b| b["temperature"] == 0.7), "{steps:?}");

    // Without one, the provider's default: no temperature in the request.
    let plain = FakeOpenAi::start().await;
    plain.fallback(Fallback::Always(tool_calls(
        Some("Nothing to do. <FINISH_SIGNAL>"),
        &[("get_position", json!({}))],
    )));
    let (_w2, server) = setup(&plain, "").await;
    run_day(&server, "2025-10-02").await;
    assert!(
        plain
            .received()
            .iter()
            .all(|r| r.body.get("temperature").is_none())
    );
}
