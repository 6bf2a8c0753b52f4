//! What a provider's failures do: transient ones are retried (429 with Retry-After, 5xx,
//! timeouts), lasting ones fail the day with a clear reason and write nothing, and the job goes
//! on with its other days.

use std::time::Duration;

use ai_trader_e2e::Options;
use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, Reply, ok, status, text, tool_calls};
use ai_trader_e2e::llm::{T, day, messages, run_day, setup, setup_with};
use serde_json::json;

/// A provider that always fails the same way, and what the failed day must say.
struct Failure {
    what: &'static str,
    reply: Reply,
    /// Replacements in the fake's config (the retries, the endpoint: `{base}` is the fake's).
    edits: &'static [(&'static str, &'static str)],
    /// The failed detail's error starts with this.
    error: &'static str,
    /// Requests the provider saw (`None`: it was never reached).
    requests: Option<usize>,
}

fn failures() -> Vec<Failure> {
    let slow = Reply::Delayed(Duration::from_millis(1500), Box::new(text("late")));
    let garbage = Reply::Raw {
        status: 200,
        body: "<html>bad gateway</html>".into(),
    };
    vec![
        Failure {
            what: "timeouts, retried three times",
            reply: slow,
            edits: &[],
            error: "Execution failed: model gpt-fake failed after 4 attempts: timed out after 1s",
            requests: Some(4),
        },
        Failure {
            what: "a reply that is not JSON, retried three times",
            reply: garbage,
            edits: &[],
            error: "Execution failed: model gpt-fake failed after 4 attempts: the provider's reply is not JSON",
            requests: Some(4),
        },
        Failure {
            what: "a 401, never retried",
            reply: status(401, &[]),
            edits: &[],
            error: "Execution failed: authentication failed for model gpt-fake (HTTP 401): check its openai_api_key or OPENAI_API_KEY",
            requests: Some(1),
        },
        Failure {
            what: "a 500 with max_retries 0: one attempt",
            reply: status(500, &[]),
            edits: &[(r#""max_retries": 3"#, r#""max_retries": 0"#)],
            error: "Execution failed: model gpt-fake failed after 1 attempts: server error (HTTP 500)",
            requests: Some(1),
        },
        Failure {
            what: "an endpoint nobody listens on",
            reply: text("never sent"),
            edits: &[
                ("{base}", "http://127.0.0.1:9/v1"),
                (r#""max_retries": 3"#, r#""max_retries": 1"#),
            ],
            error: "Execution failed: model gpt-fake failed after 2 attempts: cannot reach http://127.0.0.1:9/v1/chat/completions",
            requests: None,
        },
    ]
}

#[tokio::test]
async fn lasting_failures_fail_the_day_with_a_clear_reason_and_write_nothing() {
    for case in failures() {
        let fake = FakeOpenAi::start().await;
        fake.fallback(Fallback::Always(case.reply));
        let config = case
            .edits
            .iter()
            .fold(fake.config(""), |config, (from, to)| {
                config.replace(&from.replace("{base}", &fake.base_url), to)
            });
        let (_w, server) = setup_with(&config, &[]).await;
        let job = run_day(&server, "2025-10-02").await;
        let what = case.what;
        assert_eq!(job["status"], "failed", "{what}: {job}");
        let detail = &job["details"][0];
        assert_eq!(detail["status"], "failed", "{what}");
        let error = detail["error"].as_str().unwrap();
        assert!(error.starts_with(case.error), "{what}: {error}");
        if let Some(requests) = case.requests {
            assert_eq!(fake.received().len(), requests, "{what}");
        }
        let (status, _) = server
            .get("/results?start_date=2025-10-02&model=gpt-fake")
            .await;
        assert_eq!(status, 404, "{what}: a failed day writes nothing");
    }
}

#[tokio::test]
async fn rate_limits_server_errors_and_timeouts_are_retried_until_they_pass() {
    let fake = FakeOpenAi::start().await;
    let slow = Reply::Delayed(Duration::from_millis(1500), Box::new(text("late")));
    fake.steps([
        status(429, &[("retry-after", "1")]),
        tool_calls(None, &[("buy", json!({"symbol": "AAPL", "amount": 1}))]),
        status(500, &[]),
        status(503, &[]),
        slow,
        text("Done. <FINISH_SIGNAL>"),
    ]);
    let (_w, server) = setup(&fake, "").await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let received = fake.received();
    assert_eq!(received.len(), 7, "2 + 4 step attempts + summary");
    assert_eq!(
        day(&server, "2025-10-02").await["trades"][0]["symbol"],
        "AAPL"
    );
    // The 429's Retry-After: 1 chose the delay of the first retry.
    let log = server.log_text();
    let first_retry = log
        .lines()
        .find(|l| l.contains("rate limited (HTTP 429)"))
        .unwrap_or_else(|| panic!("no retry of the 429 in {log}"));
    assert!(first_retry.contains("retry_in_ms=1000"), "{first_retry}");
}

#[tokio::test]
async fn a_failed_day_does_not_stop_the_next_one() {
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
    assert_eq!(job["details"][0]["status"], "failed");
    assert_eq!(job["details"][1]["status"], "completed");
}

// The CLI calls block their thread: the fake needs another one to answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_model_says_whether_the_endpoint_the_key_and_tools_work() {
    let fake = FakeOpenAi::start().await;
    let workspace = ai_trader_e2e::Workspace::new();
    let options = Options::prod().config(&fake.config(""));
    fake.steps([status(403, &[])]);
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

/// L16: an empty reply is answered with a nudge; with no retries a 500 fails the day after
/// one attempt; token usage shows in `/reasoning` too.
#[tokio::test]
async fn l16_empty_replies_and_zero_retries_do_not_crash() {
    let fake = FakeOpenAi::start().await;
    fake.steps([
        ok(json!({"choices": [{"message": {"role": "assistant", "content": null}, "finish_reason": null}]})),
        text("Now I am done. <FINISH_SIGNAL>"),
        status(500, &[]),
    ]);
    let no_retries = fake
        .config("")
        .replace(r#""max_retries": 3"#, r#""max_retries": 0"#);
    let (_w, server) = setup_with(&no_retries, &[]).await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "completed", "{job}");
    let d = day(&server, "2025-10-02").await;
    assert_eq!(
        messages(&d, "user").len(),
        2,
        "an empty reply is answered with a nudge, not a crash"
    );
    let job = run_day(&server, "2025-10-03").await;
    assert_eq!(job["status"], "failed");
    let error = job["details"][0]["error"].as_str().unwrap();
    assert!(
        error.starts_with(
            "Execution failed: model gpt-fake failed after 1 attempts: server error (HTTP 500)"
        ),
        "{error}"
    );
    let (_, reasoning) = server
        .get("/reasoning?model=gpt-fake&date=2025-10-02")
        .await;
    // The step and the summary report 120; the empty reply reported none: estimated.
    let usage = &reasoning["sessions"][0]["token_usage"];
    assert_eq!(usage["estimated"], true, "{usage}");
    assert!(usage["total_tokens"].as_u64().unwrap() > 120, "{usage}");
}
