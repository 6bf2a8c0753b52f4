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

/// A provider that echoes the request's `Authorization` header in its error body, and a
/// gateway whose key rides in the endpoint's query string: neither key reaches a response, the
/// log, the database or `check-model`'s output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_keys_and_keys_in_endpoint_queries_never_leak() {
    use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, Reply};
    use ai_trader_e2e::llm::{run_day, setup_with};

    const QUERY_KEY: &str = "gw-query-SECRET-5e6f";
    const MODEL_KEY: &str = "sk-fake-SECRET-key";
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(Reply::Raw {
        status: 500,
        body: format!(
            "upstream failed; request headers: Authorization: Bearer {MODEL_KEY}; url had api-key={QUERY_KEY}; also saw sk-proj-UNCONFIGURED123"
        ),
    }));
    let base = format!("{}?api-key={QUERY_KEY}", fake.base_url);
    let config = fake
        .config("")
        .replace(&format!(r#""{}""#, fake.base_url), &format!(r#""{base}""#))
        .replace(r#""max_retries": 3"#, r#""max_retries": 0"#);
    let (workspace, server) = setup_with(&config, &[]).await;
    let job = run_day(&server, "2025-10-02").await;
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["details"][0]["error"].as_str().unwrap();
    assert!(error.contains("server error (HTTP 500)"), "{error}");
    assert!(error.contains("Bearer [redacted]"), "{error}");
    assert!(error.contains("sk-[redacted]"), "{error}");
    // The path was joined before the query, which was kept.
    let received = fake.received();
    assert_eq!(
        received[0].query.as_deref(),
        Some(&*format!("api-key={QUERY_KEY}"))
    );
    let (_, models) = server.get("/models").await;
    let shown = models["models"][0]["openai_base_url"].as_str().unwrap();
    assert!(shown.ends_with("/v1?api-key=[redacted]"), "{shown}");

    let options = Options::prod().config(&config);
    let (code, out, err) = workspace.cli(&options, &["check-model", "gpt-fake"]);
    assert_eq!(code, 1, "{out}{err}");
    let (_, status) = server
        .get(&format!(
            "/simulate/status/{}",
            job["job_id"].as_str().unwrap()
        ))
        .await;
    let (_, reasoning) = server.get("/simulate/jobs").await;
    let database: Vec<u8> = ["jobs.db", "jobs.db-wal"]
        .iter()
        .filter_map(|f| std::fs::read(workspace.path(f)).ok())
        .flatten()
        .collect();
    let database = String::from_utf8_lossy(&database);
    for secret in [MODEL_KEY, QUERY_KEY, "sk-proj-UNCONFIGURED123"] {
        for (what, text) in [
            ("status", status.to_string()),
            ("jobs", reasoning.to_string()),
            ("models", models.to_string()),
            ("log", server.log_text()),
            ("check-model", format!("{out}{err}")),
            ("database", database.to_string()),
        ] {
            assert!(
                !text.contains(secret),
                "{secret} in the {what}: {text:.2000}"
            );
        }
    }
}

/// `ACCESS_LOG=true` logs each request without its headers or query values.
#[tokio::test]
async fn the_access_log_names_requests_without_their_secrets() {
    let workspace = Workspace::new();
    let options = Options::dev()
        .with("ACCESS_LOG", "true")
        .with("AI_TRADER_API_TOKEN", "tok-SECRET-access");
    let server = workspace.start(&options);
    let (status, _) = server
        .get("/reasoning?model=secret-model-VALUE&limit=5")
        .await;
    assert_eq!(status, 404);
    let (status, _) = server
        .post_raw(
            "/simulate/preview",
            r#"{"end_date": "2025-10-02"}"#,
            Some("tok-SECRET-access"),
        )
        .await;
    assert!(status == 200 || status == 400, "{status}");
    let log = server.log_text();
    let access: Vec<&str> = log.lines().filter(|l| l.contains(" access:")).collect();
    assert!(
        access.iter().any(|l| l.contains("path=\"/reasoning\"")
            && l.contains("query=\"model,limit\"")
            && l.contains("status=404")),
        "{access:?}"
    );
    assert!(
        access
            .iter()
            .any(|l| l.contains("method=POST") && l.contains("/simulate/preview")),
        "{access:?}"
    );
    assert!(!log.contains("tok-SECRET-access"), "{log}");
    assert!(!log.contains("secret-model-VALUE"), "{log}");
}
