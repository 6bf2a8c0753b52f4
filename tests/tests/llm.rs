//! Real LLM agents against a local fake OpenAI-compatible server (real HTTP): the happy path,
//! provider quirks, retries, timeouts, garbage, auth failures, bad tool arguments, a model that
//! never finishes, and a multi-day job. Each checks what was stored.

use std::time::Duration;

use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, Reply, ok, status, text, tool_calls};
use ai_trader_e2e::{Options, Server, Workspace};
use serde_json::{Value, json};

const T: Duration = Duration::from_secs(60);

async fn setup(fake: &FakeOpenAi, extra: &str) -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::prod().config(&fake.config(extra));
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

async fn run_day(server: &Server, date: &str) -> Value {
    let job = server
        .trigger(&json!({"start_date": date, "end_date": date}))
        .await;
    server.wait(&job, T).await
}

async fn day(server: &Server, date: &str) -> Value {
    let (status, body) = server
        .get(&format!(
            "/results?start_date={date}&model=gpt-fake&reasoning=full"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    body["results"][0].clone()
}

fn roles(conversation: &Value) -> Vec<String> {
    conversation
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap().to_owned())
        .collect()
}

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
    assert_eq!(
        job["token_usage"]["total_tokens"], 0,
        "missing usage counts as zero"
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
async fn rate_limits_and_server_errors_are_retried() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        status(429, &[("retry-after", "1")]),
        tool_calls(None, &[("buy", json!({"symbol": "AAPL", "amount": 1}))]),
        status(500, &[]),
        status(503, &[]),
        text("Done. <FINISH_SIGNAL>"),
    ]);
    let (_w, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let received = fake.received();
    assert_eq!(received.len(), 6, "2 + 3 step attempts + summary");
    let waited = received[1].at.duration_since(received[0].at);
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After was not honoured: {waited:?}"
    );
    assert_eq!(
        day(&server, "2025-10-02").await["trades"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(server.log_text().contains("rate limited (HTTP 429)"));
}

#[tokio::test]
async fn timeouts_are_retried_then_fail_clearly() {
    let fake = FakeOpenAi::start().await;
    let slow = Reply::Delayed(Duration::from_millis(1500), Box::new(text("late")));
    fake.steps([slow.clone(), text("Quick now. <FINISH_SIGNAL>")]);
    let (_w, server) = setup(&fake, "").await;
    assert_eq!(run_day(&server, "2025-10-02").await["status"], "completed");

    fake.fallback(Fallback::Always(slow));
    let job = run_day(&server, "2025-10-03").await;
    assert_eq!(job["status"], "failed", "{job}");
    let detail = &job["details"][0];
    assert_eq!(detail["status"], "failed");
    assert_eq!(
        detail["error"],
        "Execution failed: model gpt-fake failed after 4 attempts: timed out after 1s"
    );
    let (status, _) = server
        .get("/results?start_date=2025-10-03&model=gpt-fake")
        .await;
    assert_eq!(status, 404, "a failed day writes nothing");
}

#[tokio::test]
async fn garbage_replies_fail_the_day_and_the_job_goes_on() {
    let fake = FakeOpenAi::start().await;
    let garbage = Reply::Raw {
        status: 200,
        body: "<html>bad gateway</html>".into(),
    };
    fake.steps([garbage.clone(), garbage.clone(), garbage.clone(), garbage]);
    let (_w, server) = setup(&fake, "").await;
    let job = server
        .trigger(&json!({"start_date": "2025-10-02", "end_date": "2025-10-03"}))
        .await;
    let job = server.wait(&job, T).await;
    assert_eq!(job["status"], "partial", "the second day still ran: {job}");
    let error = job["details"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("Execution failed: model gpt-fake failed after 4 attempts: the provider's reply is not JSON"), "{error}");
    assert_eq!(job["details"][1]["status"], "completed");
}

// The CLI calls block their thread: the fake needs another one to answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_failures_are_not_retried() {
    let fake = FakeOpenAi::start().await;
    fake.steps([status(401, &[])]);
    let (workspace, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "failed");
    assert_eq!(
        job["details"][0]["error"],
        "Execution failed: authentication failed for model gpt-fake (HTTP 401): check its openai_api_key or OPENAI_API_KEY"
    );
    assert_eq!(fake.received().len(), 1);
    // check-model says the same, with exit code 1.
    fake.steps([status(403, &[])]);
    let options = Options::prod().config(&fake.config(""));
    let (code, _, err) = workspace.cli(&options, &["check-model", "gpt-fake"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("authentication failed for model gpt-fake (HTTP 403)"),
        "{err}"
    );
    fake.steps([tool_calls(None, &[("get_position", json!({}))])]);
    let (code, out, err) = workspace.cli(&options, &["check-model", "gpt-fake"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("model gpt-fake works: it called get_position"),
        "{out}"
    );
    let (code, _, err) = workspace.cli(&options, &["check-model", "nope"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown model nope; configured models: gpt-fake"),
        "{err}"
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
    let tools: Vec<String> = d["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap().to_owned())
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
    let assistants = d["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "assistant")
        .count();
    assert_eq!(assistants, 5);
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
    let workspace = Workspace::new();
    let options = Options::prod()
        .config(&fake.config(""))
        .with("JINA_API_KEY", "jina-SECRET-test")
        .with("JINA_BASE_URL", &jina.base_url);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let d = day(&server, "2025-10-02").await;
    let result = d["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["tool_name"] == "search")
        .unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let result: Value = serde_json::from_str(&result).unwrap();
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
    let tools: Vec<&str> = received[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
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
    let workspace = Workspace::new();
    let config = fake.config("").replace(
        r#""enabled": true,"#,
        r#""enabled": true, "requests_per_minute": 120,"#,
    );
    let options = Options::prod().config(&config);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let received = fake.received();
    let tools: Vec<&str> = received[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert!(!tools.contains(&"search"), "{tools:?}");
    let d = day(&server, "2025-10-02").await;
    let search = d["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["tool_name"] == "search")
        .unwrap();
    assert!(
        search["content"]
            .as_str()
            .unwrap()
            .contains("unknown tool search")
    );
    // 120 requests per minute: at least 0.5 s between requests (4 requests incl. the summary).
    let span = received.last().unwrap().at.duration_since(received[0].at);
    assert!(span >= Duration::from_millis(1450), "{span:?}");
}

#[tokio::test]
async fn l16_empty_replies_and_zero_retries_do_not_crash() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        ok(json!({"choices": [{"message": {"role": "assistant", "content": null}, "finish_reason": null}]})),
        text("Now I am done. <FINISH_SIGNAL>"),
        status(500, &[]),
    ]);
    let workspace = Workspace::new();
    let options = Options::prod().config(
        &fake
            .config("")
            .replace(r#""max_retries": 3"#, r#""max_retries": 0"#),
    );
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let d = day(&server, "2025-10-02").await;
    let nudge = d["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .count();
    assert_eq!(
        nudge, 2,
        "an empty reply is answered with a nudge, not a crash"
    );
    // With no retries a 500 fails the day after exactly one attempt.
    let job = run_day(&server, "2025-10-03").await;
    assert_eq!(job["status"], "failed");
    let error = job["details"][0]["error"].as_str().unwrap();
    assert!(
        error.starts_with(
            "Execution failed: model gpt-fake failed after 1 attempts: server error (HTTP 500)"
        ),
        "{error}"
    );
    // Token usage shows in /reasoning too.
    let (_, reasoning) = server
        .get("/reasoning?model=gpt-fake&date=2025-10-02")
        .await;
    assert_eq!(
        reasoning["sessions"][0]["token_usage"]["total_tokens"], 120,
        "the step and the summary"
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_clearly() {
    let workspace = Workspace::new();
    let config = r#"{"models": [{"name": "X", "basemodel": "x", "signature": "gpt-fake", "enabled": true,
        "openai_base_url": "http://127.0.0.1:9/v1", "openai_api_key": "k"}],
        "agent_config": {"max_retries": 1, "base_delay": 0.01, "request_timeout": 1.0}}"#;
    let options = Options::prod().config(config);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = run_day(&server, "2025-10-02").await;
    let error = job["details"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("Execution failed: model gpt-fake failed after 2 attempts: cannot reach http://127.0.0.1:9/v1/chat/completions"), "{error}");
}
