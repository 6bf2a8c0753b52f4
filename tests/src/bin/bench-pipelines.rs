//! Pipelining benchmark, printed as figures (run by scripts/bench against the release binary):
//! 6 OpenAI-compatible models × 20 trading days against a local fake provider whose latency is
//! drawn per (model, day) from a log-normal distribution (median 0.2 s, σ = 1, seeded). Prints
//! the job's wall time against (a) the slowest model's own sum of day times and (b) the sum
//! over dates of each date's slowest model (what running dates in lockstep would take).

#![allow(clippy::print_stdout)] // a benchmark prints its figures

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ai_trader_e2e::{Options, Workspace};
use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};

const MODELS: usize = 6;
const MEDIAN_SECONDS: f64 = 0.2;
const SIGMA: f64 = 1.0;
const SEED: u64 = 20_251_001;

/// splitmix64: a seeded, well-mixed 64-bit value for each input.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn unit(x: u64) -> f64 {
    ((mix(x) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The latency of every call of `model` on `date`: log-normal, the same for the same pair.
fn latency(model: &str, date: &str) -> Duration {
    let key = format!("{model}/{date}")
        .bytes()
        .fold(SEED, |h, b| mix(h ^ u64::from(b)));
    // Box–Muller.
    let z = (-2.0 * unit(key).ln()).sqrt() * (2.0 * std::f64::consts::PI * unit(key ^ 1)).cos();
    Duration::from_secs_f64(MEDIAN_SECONDS * (SIGMA * z).exp())
}

/// The day a request is about: the first `YYYY-MM-DD` in it (its system prompt names the day;
/// a summary request quotes the day's conversation).
fn day_of(body: &Value) -> String {
    let text = body.to_string();
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(10))
        .find(|&i| {
            let w = &bytes[i..i + 10];
            w[4] == b'-'
                && w[7] == b'-'
                && w.iter()
                    .enumerate()
                    .all(|(j, b)| j == 4 || j == 7 || b.is_ascii_digit())
        })
        .map_or_else(|| "unknown".to_owned(), |i| text[i..i + 10].to_owned())
}

/// Each model's current day: a summary request names no date, and follows its day's steps.
static CURRENT_DAY: std::sync::Mutex<BTreeMap<String, String>> =
    std::sync::Mutex::new(BTreeMap::new());

async fn chat(Json(body): Json<Value>) -> Json<Value> {
    let model = body["model"].as_str().unwrap_or_default().to_owned();
    let day = {
        let mut current = CURRENT_DAY.lock().unwrap();
        match day_of(&body) {
            day if day != "unknown" => {
                current.insert(model.clone(), day.clone());
                day
            }
            _ => current.get(&model).cloned().unwrap_or_default(),
        }
    };
    tokio::time::sleep(latency(&model, &day)).await;
    Json(json!({
        "id": "bench", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": "Holding my positions today. <FINISH_SIGNAL>"}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    }))
}

fn seconds(d: &Value) -> Option<f64> {
    d["duration_seconds"].as_f64()
}

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/v1/chat/completions", post(chat));
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });

    let models: Vec<String> = (0..MODELS)
        .map(|i| {
            format!(
                r#"{{"name": "M{i}", "basemodel": "bench/m{i}", "signature": "m{i}", "enabled": true,
                     "openai_base_url": "{base}", "openai_api_key": "sk-bench"}}"#
            )
        })
        .collect();
    let config = format!(
        r#"{{"models": [{}], "agent_config": {{"max_steps": 5, "max_retries": 1, "base_delay": 0.01, "request_timeout": 60.0}}}}"#,
        models.join(",")
    );
    let workspace = Workspace::new();
    let options = Options::prod()
        .config(&config)
        .with("MAX_PARALLEL_MODELS", &MODELS.to_string());
    workspace.import_real_data(&options);
    let server = workspace.start(&options);

    // 2025-09-03..30: 20 trading days.
    let started = Instant::now();
    let job = server
        .trigger(&json!({"start_date": "2025-09-03", "end_date": "2025-09-30"}))
        .await;
    let status = server.wait(&job, Duration::from_secs(1800)).await;
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(status["status"], "completed", "{status}");

    let mut per_model: BTreeMap<String, f64> = BTreeMap::new();
    let mut per_date: BTreeMap<String, f64> = BTreeMap::new();
    for d in status["details"].as_array().unwrap() {
        let Some(s) = seconds(d) else { continue };
        *per_model
            .entry(d["model"].as_str().unwrap().to_owned())
            .or_default() += s;
        let slowest = per_date
            .entry(d["date"].as_str().unwrap().to_owned())
            .or_default();
        *slowest = slowest.max(s);
    }
    let own = per_model.values().copied().fold(0.0, f64::max);
    let lockstep: f64 = per_date.values().sum();
    println!(
        "pipelines: {MODELS} models x 20 trading days, log-normal latency per (model, day) (median {MEDIAN_SECONDS} s, sigma {SIGMA}):"
    );
    println!(
        "  wall {wall:.2} s; (a) slowest model's own sum {own:.2} s (wall/a = {:.3}); (b) sum over dates of the slowest model {lockstep:.2} s (wall/b = {:.3})",
        wall / own,
        wall / lockstep
    );
}
