//! Helpers of the LLM agent tests: a server over a fake OpenAI-compatible provider, one day run
//! at a time, and the stored day read back.

use std::time::Duration;

use serde_json::{Value, json};

use crate::fake_openai::FakeOpenAi;
use crate::{Options, Server, Workspace};

/// How long a test waits for a job.
pub const T: Duration = Duration::from_secs(60);

/// A PROD server with the real prices whose one model (`gpt-fake`) talks to `fake`;
/// `extra_agent_config` is appended to `agent_config`.
pub async fn setup(fake: &FakeOpenAi, extra_agent_config: &str) -> (Workspace, Server) {
    setup_with(&fake.config(extra_agent_config), &[]).await
}

/// A PROD server with the real prices, `config` and environment variables `env`.
pub async fn setup_with(config: &str, env: &[(&str, &str)]) -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = env
        .iter()
        .fold(Options::prod().config(config), |o, (k, v)| o.with(k, v));
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

/// A config of LLM models on `fake`, each priced at `price` USD per million tokens in and out,
/// with its extra JSON fields (`, "budget_usd": 3`, say).
pub fn priced_config(fake: &FakeOpenAi, models: &[(&str, &str)], price: f64) -> String {
    let models: Vec<String> = models
        .iter()
        .map(|(m, extra)| {
            format!(
                r#"{{"name": "{m}", "basemodel": "fake/{m}", "signature": "{m}", "enabled": true,
                    "openai_base_url": "{}", "openai_api_key": "sk-fake",
                    "pricing": {{"input_per_million": {price}, "output_per_million": {price}}}{extra}}}"#,
                fake.base_url
            )
        })
        .collect();
    format!(
        r#"{{"models": [{}], "agent_config": {{"max_steps": 5, "max_retries": 3, "base_delay": 0.01, "request_timeout": 2.0}}}}"#,
        models.join(", ")
    )
}

/// Runs one day of every model and returns the finished job's status.
pub async fn run_day(server: &Server, date: &str) -> Value {
    let job = server
        .trigger(&json!({"start_date": date, "end_date": date}))
        .await;
    server.wait(&job, T).await
}

/// The stored day of `gpt-fake` on `date`, with its conversation.
pub async fn day(server: &Server, date: &str) -> Value {
    let (status, body) = server
        .get(&format!(
            "/results?start_date={date}&model=gpt-fake&reasoning=full"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    body["results"][0].clone()
}

/// The roles of a stored conversation, in order.
pub fn roles(conversation: &Value) -> Vec<String> {
    conversation
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap().to_owned())
        .collect()
}

/// The messages of `role` in a stored day's conversation.
pub fn messages<'a>(day: &'a Value, role: &str) -> Vec<&'a Value> {
    day["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == role)
        .collect()
}

/// The content of the tool result of `tool` in a stored day.
pub fn tool_result(day: &Value, tool: &str) -> String {
    messages(day, "tool")
        .into_iter()
        .find(|m| m["tool_name"] == tool)
        .unwrap_or_else(|| panic!("no {tool} result in {day}"))["content"]
        .as_str()
        .unwrap()
        .to_owned()
}
