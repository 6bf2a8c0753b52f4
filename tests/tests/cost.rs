//! What model-days cost: a fake OpenAI-compatible provider (real HTTP) answers with known
//! usage; the stored cost of each day is its tokens at the configured prices, reported by
//! results, reasoning and the job; a later price change never rewrites it; a model without
//! prices has an unknown cost, never 0; the mock costs nothing; a provider that reports no usage
//! gets counts estimated with a tokenizer, marked so.

use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, tool_calls};
use ai_trader_e2e::llm::{T, day, run_day};
use ai_trader_e2e::{Options, Workspace};
use serde_json::{Value, json};

const INPUT: f64 = 2.5;
const OUTPUT: f64 = 10.0;

fn priced(fake: &FakeOpenAi, input: f64, output: f64) -> String {
    fake.config("").replace(
        r#""enabled": true,"#,
        &format!(
            r#""enabled": true, "pricing": {{"input_per_million": {input}, "output_per_million": {output}}},"#
        ),
    )
}

fn cost_of(usage: &Value, input: f64, output: f64) -> f64 {
    (usage["prompt_tokens"].as_f64().unwrap() * input
        + usage["completion_tokens"].as_f64().unwrap() * output)
        / 1e6
}

/// A PROD server on the real prices whose priced model talks to `fake`.
fn priced_server(fake: &FakeOpenAi) -> (Workspace, ai_trader_e2e::Server) {
    let workspace = Workspace::new();
    let options = Options::prod().config(&priced(fake, INPUT, OUTPUT));
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

/// Runs 2025-10-02: the finished job and the stored day.
async fn first_day(server: &ai_trader_e2e::Server) -> (Value, Value) {
    let job = run_day(server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    (job, day(server, "2025-10-02").await)
}

#[tokio::test]
async fn a_days_cost_is_its_tokens_at_the_prices_in_force_when_it_ran() {
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(tool_calls(
        Some("Nothing to do today. <FINISH_SIGNAL>"),
        &[("get_position", json!({}))],
    )));
    let (workspace, server) = priced_server(&fake);
    let (job, stored) = first_day(&server).await;
    let usage = &stored["metadata"]["token_usage"];
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 0, "{usage}");
    let expected = cost_of(usage, INPUT, OUTPUT);
    let cost = stored["metadata"]["cost_usd"].as_f64().unwrap();
    assert!((cost - expected).abs() < 1e-12, "{cost} vs {expected}");
    assert_eq!(
        job["cost"],
        json!({"usd": cost, "priced_days": 1, "unpriced_days": 0})
    );
    assert_eq!(job["cost_by_model"]["gpt-fake"], job["cost"]);
    let (_, sessions) = server.get("/reasoning?model=gpt-fake").await;
    assert_eq!(sessions["sessions"][0]["cost_usd"].as_f64(), Some(cost));
    let (_, range) = server
        .get("/results?model=gpt-fake&start_date=2025-10-01&end_date=2025-10-03")
        .await;
    assert_eq!(range["results"][0]["cost"]["usd"].as_f64(), Some(cost));

    // Prices change: the stored day keeps its cost; a new day costs the new prices.
    server.terminate(std::time::Duration::from_secs(10));
    let options = Options::prod().config(&priced(&fake, 100.0, 100.0));
    let server = workspace.start(&options);
    let again = day(&server, "2025-10-02").await;
    assert_eq!(again["metadata"]["cost_usd"].as_f64(), Some(cost));
    run_day(&server, "2025-10-03").await;
    let next = day(&server, "2025-10-03").await;
    let next_cost = next["metadata"]["cost_usd"].as_f64().unwrap();
    let expected = cost_of(&next["metadata"]["token_usage"], 100.0, 100.0);
    assert!(
        (next_cost - expected).abs() < 1e-12,
        "{next_cost} vs {expected}"
    );

    // Without prices the cost is unknown, never 0.
    server.terminate(std::time::Duration::from_secs(10));
    let options = Options::prod().config(&fake.config(""));
    let server = workspace.start(&options);
    let job = run_day(&server, "2025-10-06").await;
    let unpriced = day(&server, "2025-10-06").await;
    assert_eq!(unpriced["metadata"]["cost_usd"], Value::Null);
    assert_eq!(
        job["cost"],
        json!({"usd": 0.0, "priced_days": 0, "unpriced_days": 1})
    );
    // The run's cost over its current days: two priced, one unknown.
    let (_, runs) = server.get("/runs?model=gpt-fake").await;
    let run_cost = &runs["runs"][0]["cost"];
    assert_eq!(run_cost["priced_days"], 2, "{runs}");
    assert_eq!(run_cost["unpriced_days"], 1);
    assert!((run_cost["usd"].as_f64().unwrap() - (cost + next_cost)).abs() < 1e-12);
}

#[tokio::test]
async fn the_mock_and_the_baselines_cost_nothing() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let request = json!({"start_date": "2025-10-01", "end_date": "2025-10-03"});
    // Known to be free before they ever ran, and a budget of 0 does not stop them.
    let (_, preview) = server.post("/simulate/preview", &request).await;
    let total = &preview["forecast"]["total"];
    assert_eq!(
        total["cost_usd"],
        json!({"mean": 0.0, "p90": 0.0}),
        "{preview}"
    );
    assert_eq!(total["unknown_models"], json!([]));
    let mut request = request;
    request["max_cost_usd"] = json!(0);
    let job = server.trigger(&request).await;
    let job = server.wait(&job, T).await;
    assert_eq!(
        job["cost"],
        json!({"usd": 0.0, "priced_days": 9, "unpriced_days": 0}),
        "{job}"
    );
}

#[tokio::test]
async fn a_provider_without_usage_gets_estimated_counts_marked_estimated() {
    use ai_trader_e2e::fake_openai::ok;
    let no_usage = |content: &str| {
        ok(
            json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}),
        )
    };
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(no_usage(
        "I hold my cash today: nothing is cheap enough. <FINISH_SIGNAL>",
    )));
    fake.summaries([no_usage("I made no trades today.")]);
    let (_workspace, server) = priced_server(&fake);
    let (job, stored) = first_day(&server).await;
    let usage = &stored["metadata"]["token_usage"];
    assert_eq!(usage["estimated"], true, "{usage}");
    // The system prompt alone is hundreds of tokens; the reply about a dozen.
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 200, "{usage}");
    let completion = usage["completion_tokens"].as_u64().unwrap();
    assert!((10..60).contains(&completion), "{usage}");
    let cost = stored["metadata"]["cost_usd"].as_f64().unwrap();
    assert!((cost - cost_of(usage, INPUT, OUTPUT)).abs() < 1e-12);
    assert_eq!(job["token_usage"]["estimated"], true, "{job}");
    let detail = &job["details"][0];
    assert_eq!(detail["token_usage"]["estimated"], true, "{detail}");

    // A provider that reports usage: its numbers, not marked.
    fake.fallback(Fallback::Always(tool_calls(
        Some("Done. <FINISH_SIGNAL>"),
        &[("get_position", json!({}))],
    )));
    run_day(&server, "2025-10-03").await;
    let reported = day(&server, "2025-10-03").await;
    assert_eq!(
        reported["metadata"]["token_usage"].get("estimated"),
        None,
        "{reported}"
    );
}
