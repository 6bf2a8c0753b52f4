//! Forecasts and budgets over real HTTP. A fake OpenAI-compatible provider answers with known
//! usage; the preview forecasts a job from the model's stored days (checked here against an
//! independent computation from `/results`), the job keeps the same forecast, and budgets stop
//! model-days before they would pass them (`budget_exhausted`), across a kill -9 too.

use std::time::Duration;

use ai_trader_e2e::fake_openai::{FakeOpenAi, Reply, ok, text};
use ai_trader_e2e::llm::{T, priced_config};
use ai_trader_e2e::{Options, Server, Workspace, details_in};
use serde_json::{Value, json};

/// USD per million tokens: a day of the fake costs about a dollar, so amounts read well.
const PRICE: f64 = 10_000.0;

/// A step that finishes the day having used `prompt` and `completion` tokens.
fn finish_using(prompt: u64, completion: u64) -> Reply {
    ok(json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Done. <FINISH_SIGNAL>"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    }))
}

async fn start(fake: &FakeOpenAi, models: &[&str], extra: &str) -> (Workspace, Server, Options) {
    let models: Vec<(&str, &str)> = models.iter().map(|m| (*m, extra)).collect();
    start_models(fake, &models).await
}

async fn start_models(fake: &FakeOpenAi, models: &[(&str, &str)]) -> (Workspace, Server, Options) {
    let workspace = Workspace::new();
    let options = Options::prod().config(&priced_config(fake, models, PRICE));
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server, options)
}

async fn run(server: &Server, request: Value) -> Value {
    let job = server.trigger(&request).await;
    let job = server.wait(&job, T).await;
    assert_eq!(job["status"], "completed", "{job}");
    job
}

/// Type-7 quantile (NumPy's default), computed here independently of the product.
fn p90(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * 0.9;
    let (lo, hi) = (
        h.floor() as usize,
        (h.floor() as usize + 1).min(sorted.len() - 1),
    );
    sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
}

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("not a number: {a}"));
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
}

#[tokio::test]
async fn the_forecast_is_the_model_days_times_the_history_and_the_job_keeps_it() {
    let fake = FakeOpenAi::start().await;
    let (_w, server, _) = start(&fake, &["gpt-a"], "").await;
    // Three days of history with different usage.
    for (date, (prompt, completion)) in [
        ("2025-10-01", (1000, 100)),
        ("2025-10-02", (3000, 300)),
        ("2025-10-03", (2000, 700)),
    ] {
        fake.steps([finish_using(prompt, completion)]);
        run(&server, json!({"start_date": date, "end_date": date})).await;
    }
    let mut stored = Vec::new();
    for date in ["2025-10-01", "2025-10-02", "2025-10-03"] {
        let (_, day) = server
            .get(&format!("/results?model=gpt-a&start_date={date}"))
            .await;
        stored.push(day["results"][0]["metadata"]["token_usage"].clone());
    }
    let figure = |name: &str| -> Vec<f64> {
        stored
            .iter()
            .map(|usage| usage[name].as_f64().unwrap())
            .collect()
    };
    let (prompts, completions) = (figure("prompt_tokens"), figure("completion_tokens"));
    assert_eq!(prompts.len(), 3);
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;

    let request =
        json!({"start_date": "2025-10-06", "end_date": "2025-10-10", "models": ["gpt-a"]});
    let (status, preview) = server.post("/simulate/preview", &request).await;
    assert_eq!(status, 200, "{preview}");
    let forecast = &preview["forecast"]["models"][0];
    let days = 5.0;
    assert_eq!(forecast["model_days"], 5, "{forecast}");
    assert_eq!(forecast["basis"], "history");
    assert_eq!(forecast["history_days"], 3);
    close(&forecast["prompt_tokens"]["mean"], days * mean(&prompts));
    close(&forecast["prompt_tokens"]["p90"], days * p90(&prompts));
    close(
        &forecast["completion_tokens"]["mean"],
        days * mean(&completions),
    );
    close(
        &forecast["completion_tokens"]["p90"],
        days * p90(&completions),
    );
    let day_cost = (mean(&prompts) + mean(&completions)) * PRICE / 1e6;
    close(&forecast["cost_usd"]["mean"], days * day_cost);
    close(
        &forecast["cost_usd"]["p90"],
        days * (p90(&prompts) + p90(&completions)) * PRICE / 1e6,
    );
    assert!(
        forecast["duration_seconds"].as_f64().unwrap() > 0.0,
        "{forecast}"
    );
    assert_eq!(preview["forecast"]["total"]["unknown_models"], json!([]));

    // The job stores the same forecast, and reports spent against it as it runs.
    let job = server.trigger(&request).await;
    let job = server.wait(&job, T).await;
    assert_eq!(job["forecast"], preview["forecast"]);
    assert_eq!(job["cost"]["priced_days"], 5, "{job}");
    let detail = details_in(&job, "completed")[0];
    assert!(detail["cost_usd"].as_f64().unwrap() > 0.0, "{detail}");
    assert!(detail["token_usage"]["prompt_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_model_without_history_uses_its_prior_else_its_forecast_is_unknown() {
    let fake = FakeOpenAi::start().await;
    let prior =
        r#", "expected_tokens_per_day": {"prompt_tokens": 40000, "completion_tokens": 2000}"#;
    let (_w, server, _) = start(&fake, &["gpt-a"], prior).await;
    let request = json!({"start_date": "2025-10-06", "end_date": "2025-10-10"});
    let (_, preview) = server.post("/simulate/preview", &request).await;
    let forecast = &preview["forecast"]["models"][0];
    assert_eq!(forecast["basis"], "prior", "{forecast}");
    close(&forecast["cost_usd"]["mean"], 5.0 * 42_000.0 * PRICE / 1e6);
    assert_eq!(forecast["duration_seconds"], Value::Null);

    let (_w2, bare, _) = start(&fake, &["gpt-b"], "").await;
    let (_, preview) = bare.post("/simulate/preview", &request).await;
    let forecast = &preview["forecast"]["models"][0];
    assert_eq!(forecast["basis"], "unknown", "{forecast}");
    assert_eq!(forecast["cost_usd"], Value::Null);
    assert_eq!(
        preview["forecast"]["total"]["unknown_models"],
        json!(["gpt-b"])
    );
}

/// One warm-up day of each model: the history that tells what a day costs.
async fn warm_up(server: &Server) -> f64 {
    let job = run(
        server,
        json!({"start_date": "2025-10-01", "end_date": "2025-10-01"}),
    )
    .await;
    let days = job["cost"]["priced_days"].as_f64().unwrap();
    job["cost"]["usd"].as_f64().unwrap() / days
}

fn skipped_for_budget(job: &Value) -> Vec<&Value> {
    details_in(job, "skipped")
        .into_iter()
        .filter(|d| d["skip_reason"] == "budget_exhausted")
        .collect()
}

#[tokio::test]
async fn a_job_budget_of_three_and_a_half_days_runs_three_and_skips_the_rest() {
    let fake = FakeOpenAi::start().await;
    let (_w, server, _) = start(&fake, &["gpt-a"], "").await;
    let day = warm_up(&server).await;
    assert!(day > 0.5, "a day costs {day}");
    let request =
        json!({"start_date": "2025-10-02", "end_date": "2025-10-10", "max_cost_usd": 3.5 * day});
    let (_, preview) = server.post("/simulate/preview", &request).await;
    assert_eq!(
        preview["forecast"]["total"]["affordable_days"], 3,
        "{preview}"
    );
    let warning = preview["warnings"].to_string();
    assert!(
        warning.contains("about 3 of its 7 model-days fit"),
        "{warning}"
    );

    let job = run(&server, request).await;
    let completed: Vec<&str> = details_in(&job, "completed")
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        completed,
        ["2025-10-02", "2025-10-03", "2025-10-06"],
        "{job}"
    );
    let skipped = skipped_for_budget(&job);
    assert_eq!(skipped.len(), 4, "{job}");
    // A day costs over a dollar: cents.
    let message = format!(
        "Budget exhausted: {:.2} of {:.2} USD spent",
        3.0 * day,
        3.5 * day
    );
    assert!(
        skipped.iter().all(|d| d["error"] == message.as_str()),
        "{job}"
    );
    let warnings = job["warnings"].to_string();
    assert!(
        warnings.contains("The job's budget (max_cost_usd) is exhausted")
            && warnings.contains("skipped 4 model-days"),
        "{warnings}"
    );
    close(&job["cost"]["usd"], 3.0 * day);
}

#[tokio::test]
async fn a_models_budget_stops_it_and_a_job_budget_stops_every_model() {
    let fake = FakeOpenAi::start().await;
    // gpt-a's own budget covers 2.5 days (a day costs 120 tokens at the price: $1.20).
    let (_w, server, _) =
        start_models(&fake, &[("gpt-a", r#", "budget_usd": 3.0"#), ("gpt-b", "")]).await;
    let day = warm_up(&server).await;
    let job = run(
        &server,
        json!({"start_date": "2025-10-02", "end_date": "2025-10-10"}),
    )
    .await;
    let completed_of = |model: &str| {
        details_in(&job, "completed")
            .iter()
            .filter(|d| d["model"] == model)
            .count()
    };
    assert_eq!(completed_of("gpt-a"), 2, "{job}");
    assert_eq!(completed_of("gpt-b"), 7, "{job}");
    assert!(
        skipped_for_budget(&job)
            .iter()
            .all(|d| d["model"] == "gpt-a")
    );
    assert!(
        job["warnings"]
            .to_string()
            .contains("The budget of gpt-a is exhausted"),
        "{job}"
    );

    // A job budget of 2.5 days over both models: two days run in all, whatever the timing
    // (running days are reserved at their expected cost), and every model stops.
    let job = run(
        &server,
        json!({"start_date": "2025-10-13", "end_date": "2025-10-17", "max_cost_usd": 2.5 * day, "models": ["gpt-b", "gpt-a"]}),
    )
    .await;
    assert_eq!(details_in(&job, "completed").len(), 2, "{job}");
    for model in ["gpt-a", "gpt-b"] {
        assert!(
            skipped_for_budget(&job).iter().any(|d| d["model"] == model),
            "{model} was not stopped: {job}"
        );
    }
}

/// Triggers `request` and returns its job once a model-day of it has committed.
async fn started(server: &Server, request: Value) -> String {
    let job = server.trigger(&request).await;
    server
        .wait_status(&job, "a day committed", T, |j| {
            j["progress"]["completed"].as_u64() >= Some(1)
        })
        .await;
    job
}

#[tokio::test]
async fn the_spent_total_survives_a_kill_9_and_a_cancel() {
    let fake = FakeOpenAi::start().await;
    let (workspace, server, options) = start(&fake, &["gpt-a"], "").await;
    let day = warm_up(&server).await;
    // Slow days, so the server can be killed between them.
    fake.fallback(ai_trader_e2e::fake_openai::Fallback::Always(
        Reply::Delayed(
            Duration::from_millis(400),
            Box::new(text("Done. <FINISH_SIGNAL>")),
        ),
    ));
    let job = started(
        &server,
        json!({"start_date": "2025-10-02", "end_date": "2025-10-10", "max_cost_usd": 3.5 * day}),
    )
    .await;
    server.kill_9();
    let server = workspace.start(&options);
    let finished = server.wait(&job, T).await;
    assert_eq!(finished["status"], "completed", "{finished}");
    assert_eq!(details_in(&finished, "completed").len(), 3, "{finished}");
    assert_eq!(skipped_for_budget(&finished).len(), 4, "{finished}");

    // A cancelled job's spending is what it committed; a new job's budget starts from 0.
    let job = started(
        &server,
        json!({"start_date": "2025-10-13", "end_date": "2025-10-17", "max_cost_usd": 10.0 * day}),
    )
    .await;
    let (status, _) = server
        .post(&format!("/simulate/cancel/{job}"), &json!({}))
        .await;
    assert_eq!(status, 200);
    let cancelled = server.wait(&job, T).await;
    assert_eq!(cancelled["status"], "cancelled");
    let committed = details_in(&cancelled, "completed").len() as f64;
    close(&cancelled["cost"]["usd"], committed * day);
}
