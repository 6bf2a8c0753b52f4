//! API keys from the config file and the environment never appear in a response or a log line.

use std::time::Duration;

use ai_trader_e2e::{Options, Workspace};
use serde_json::json;

const CONFIG_KEY: &str = "sk-config-SECRET-7f3a";
const ENV_KEYS: [(&str, &str); 3] = [
    ("OPENAI_API_KEY", "sk-env-SECRET-91b2"),
    ("ALPHAADVANTAGE_API_KEY", "av-SECRET-4c5d"),
    ("JINA_API_KEY", "jina-SECRET-e6f7"),
];

#[tokio::test]
async fn keys_never_leak() {
    let workspace = Workspace::new();
    let config = format!(
        r#"{{"models": [
            {{"name": "GPT", "basemodel": "openai/gpt-5", "signature": "gpt-5", "enabled": true,
              "openai_base_url": "https://llm.example.test/v1", "openai_api_key": "{CONFIG_KEY}"}}
        ]}}"#
    );
    let mut options = Options::dev().config(&config);
    for (name, value) in ENV_KEYS {
        options = options.with(name, value);
    }
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-02"}))
        .await;
    server.wait(&job, Duration::from_secs(30)).await;

    let mut bodies = Vec::new();
    for path in [
        "/health".to_owned(),
        "/models".to_owned(),
        "/market/coverage".to_owned(),
        "/simulate/jobs".to_owned(),
        format!("/simulate/status/{job}"),
        "/simulate/plan-context".to_owned(),
        "/results?start_date=2025-10-01&end_date=2025-10-02".to_owned(),
        "/results?start_date=2025-10-01&reasoning=full".to_owned(),
        "/reasoning?include_full_conversation=true".to_owned(),
    ] {
        let (status, body) = server.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        bodies.push(body.to_string());
    }
    let (_, error) = server
        .post(
            "/simulate/trigger",
            &json!({"end_date": "2025-10-02", "models": ["nope"]}),
        )
        .await;
    bodies.push(error.to_string());
    let (_, models) = server.get("/models").await;
    assert_eq!(models["models"][0]["has_api_key"], true);
    assert_eq!(
        models["models"][0]["provider"], "mock",
        "DEV runs every model on the mock"
    );
    let log = server.log_text();
    assert!(!log.is_empty());
    for secret in std::iter::once(CONFIG_KEY).chain(ENV_KEYS.iter().map(|(_, v)| *v)) {
        for body in &bodies {
            assert!(!body.contains(secret), "{secret} in a response: {body}");
        }
        assert!(!log.contains(secret), "{secret} in the log");
    }
}
