use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ai_trader_core::api::DeploymentMode;

use super::*;

fn parse(text: &str) -> Result<FileConfig, String> {
    FileConfig::parse(Path::new("configs/test.json"), text).map_err(|e| e.to_string())
}

const VALID: &str = r#"{
  "agent_type": "BaseAgent",
  "date_range": {"init_date": "2025-10-01", "end_date": "2025-10-31"},
  "models": [
    {"name": "GPT-5", "basemodel": "openai/gpt-5", "signature": "gpt-5", "enabled": true,
     "openai_base_url": "https://openrouter.ai/api/v1", "openai_api_key": "sk-secret"},
    {"name": "Mock", "basemodel": "mock/x", "signature": "mock", "enabled": false, "provider": "mock"}
  ],
  "agent_config": {"max_steps": 30, "max_retries": 3, "base_delay": 1.0, "initial_cash": 10000.0},
  "log_config": {"log_path": "./data/agent_data"}
}"#;

#[test]
fn reference_shape_parses() {
    let config = parse(VALID).unwrap();
    assert_eq!(config.models.len(), 2);
    assert_eq!(config.models[0].provider(), Provider::Openai);
    assert_eq!(config.models[1].provider(), Provider::Mock);
    assert_eq!(config.agent_config.max_steps, 30);
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("sk-secret") && debug.contains("[redacted]"),
        "{debug}"
    );
}

#[test]
fn errors_name_the_file_and_the_field() {
    let cases = [
        (
            "{",
            "config file configs/test.json: (root): EOF while parsing an object",
        ),
        (
            r#"{"models": 3}"#,
            "config file configs/test.json: models: invalid type: integer `3`, expected a sequence",
        ),
        (
            r#"{"models": []}"#,
            "config file configs/test.json: models: must be a non-empty array",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": "yes"}]}"#,
            "config file configs/test.json: models[0].enabled: invalid type: string \"yes\", expected a boolean",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "enabled": true}]}"#,
            "config file configs/test.json: models[0]: missing field `signature`",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true},
                          {"name": "a", "basemodel": "b", "signature": "s", "enabled": true}]}"#,
            "config file configs/test.json: models[1].signature: duplicate model signature: s",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": false}]}"#,
            "config file configs/test.json: models: at least one model must be enabled",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true, "provider": "claude"}]}"#,
            "config file configs/test.json: models[0].provider: unknown variant `claude`, expected one of `openai`, `mock`, `buy_and_hold`, `equal_weight`",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true}], "agent_config": {"initial_cash": -5}}"#,
            "config file configs/test.json: agent_config.initial_cash: must be > 0",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true, "pricing": {"input_per_million": 1, "output_per_million": -2}}]}"#,
            "config file configs/test.json: models[0].pricing.output_per_million: must be a finite number of USD >= 0, got -2",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true, "pricing": {"input_per_million": 1}}]}"#,
            "config file configs/test.json: models[0].pricing: missing field `output_per_million`",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true, "budget_usd": -1}]}"#,
            "config file configs/test.json: models[0].budget_usd: must be a finite number of USD >= 0, got -1",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true, "expected_tokens_per_day": {"prompt_tokens": 10, "completion": 2}}]}"#,
            "config file configs/test.json: models[0].expected_tokens_per_day.completion: unknown field `completion`, expected `prompt_tokens` or `completion_tokens`",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true, "temperature": 2.5}]}"#,
            "config file configs/test.json: models[0].temperature: must be between 0 and 2, got 2.5",
        ),
        (
            r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": true}], "agent_config": {"max_steps": 0}}"#,
            "config file configs/test.json: agent_config.max_steps: must be > 0",
        ),
    ];
    for (text, expected) in cases {
        let error = parse(text).unwrap_err();
        // serde adds the position (" at line 1 column 79"); the field and the problem come first.
        let without_position = error.split(" at line ").next().unwrap();
        assert_eq!(without_position, expected, "{text}");
    }
}

#[test]
fn builtin_config_is_valid_and_keyless() {
    let builtin = FileConfig::builtin();
    let text = serde_json::to_string(&builtin).unwrap();
    assert_eq!(parse(&text).unwrap(), builtin);
    assert!(builtin.models.iter().all(|m| m.openai_api_key.is_none()));
}

#[test]
fn alpha_vantage_variables_take_both_spellings() {
    let settings = |vars: &[(&str, &str)]| {
        let env: HashMap<&str, &str> = vars.iter().copied().collect();
        let lookup = |k: &str| env.get(k).map(|v| (*v).to_owned());
        Env(&lookup).settings(None).unwrap()
    };
    let reference = settings(&[
        ("ALPHAADVANTAGE_API_KEY", "k1"),
        ("ALPHAADVANTAGE_BASE_URL", "http://a.test"),
        ("ALPHAADVANTAGE_RETRY_BASE_MS", "5"),
        ("ALPHAADVANTAGE_TIMEOUT_SECONDS", "7"),
    ]);
    let service = settings(&[
        ("ALPHAVANTAGE_API_KEY", "k1"),
        ("ALPHAVANTAGE_BASE_URL", "http://a.test"),
        ("ALPHAVANTAGE_RETRY_BASE_MS", "5"),
        ("ALPHAVANTAGE_TIMEOUT_SECONDS", "7"),
    ]);
    for s in [&reference, &service] {
        assert_eq!(
            s.alphavantage_api_key.as_ref().map(Secret::expose),
            Some("k1")
        );
        assert_eq!(s.alphavantage_base_url.as_deref(), Some("http://a.test"));
        assert_eq!(
            (s.alphavantage_retry_base_ms, s.alphavantage_timeout_seconds),
            (5, 7)
        );
    }
    let env = HashMap::from([("ALPHAADVANTAGE_TIMEOUT_SECONDS", "soon")]);
    let lookup = |k: &str| env.get(k).map(|v| (*v).to_owned());
    assert!(
        Env(&lookup)
            .settings(None)
            .unwrap_err()
            .to_string()
            .starts_with("environment variable ALPHAADVANTAGE_TIMEOUT_SECONDS=\"soon\"")
    );
}

#[test]
fn settings_from_env() {
    let env: HashMap<&str, &str> = HashMap::from([
        ("DEPLOYMENT_MODE", "dev"),
        ("MAX_SIMULATION_DAYS", "60"),
        ("ALLOWED_ORIGINS", "http://a.test, http://b.test"),
        ("PRESERVE_DEV_DATA", "TRUE"),
    ]);
    let lookup = |k: &str| env.get(k).map(|v| (*v).to_owned());
    let settings = Env(&lookup).settings(None).unwrap();
    assert_eq!(settings.mode, DeploymentMode::Dev);
    assert_eq!(settings.database, PathBuf::from("data/jobs_dev.db"));
    assert_eq!(settings.max_simulation_days, 60);
    assert!(settings.preserve_dev_data && settings.demo_market && settings.resume_interrupted_jobs);
    assert_eq!(settings.allowed_origins, ["http://a.test", "http://b.test"]);
    // The process-wide model-day limit defaults to jobs × models per job.
    assert_eq!(settings.worker_concurrency, 16);
    let limits = HashMap::from([("MAX_PARALLEL_MODELS", "6"), ("WORKER_CONCURRENCY", "5")]);
    let lookup = |k: &str| limits.get(k).map(|v| (*v).to_owned());
    assert_eq!(Env(&lookup).settings(None).unwrap().worker_concurrency, 5);
    let zero = HashMap::from([("WORKER_CONCURRENCY", "0")]);
    let lookup = |k: &str| zero.get(k).map(|v| (*v).to_owned());
    assert!(Env(&lookup).settings(None).is_err());

    let bad = HashMap::from([("MAX_SIMULATION_DAYS", "thirty")]);
    let lookup = |k: &str| bad.get(k).map(|v| (*v).to_owned());
    assert_eq!(
        Env(&lookup).settings(None).unwrap_err().to_string(),
        "environment variable MAX_SIMULATION_DAYS=\"thirty\": expected a whole number > 0"
    );
}

#[test]
fn dev_paths_are_idempotent() {
    assert_eq!(
        dev_path(Path::new("data/jobs.db")),
        PathBuf::from("data/jobs_dev.db")
    );
    assert_eq!(
        dev_path(Path::new("data/jobs_dev.db")),
        PathBuf::from("data/jobs_dev.db")
    );
    assert_eq!(
        dev_path(Path::new("x.sqlite")),
        PathBuf::from("x.sqlite_dev")
    );
}

#[test]
fn default_hosts_are_loopback_and_the_bind_address() {
    let hosts = allowed_hosts(&[], Some("192.168.1.5")).unwrap();
    assert_eq!(hosts, ["localhost", "127.0.0.1", "::1", "192.168.1.5"]);
    assert_eq!(allowed_hosts(&[], Some("0.0.0.0")), None);
    assert_eq!(allowed_hosts(&["*".into()], Some("127.0.0.1")), None);
    assert_eq!(
        allowed_hosts(&["Trader.Example".into()], None),
        Some(vec!["trader.example".into()])
    );
}

#[test]
fn origins_are_read_as_browsers_send_them() {
    assert_eq!(
        parse_origin("http://localhost:8000/").unwrap(),
        "http://localhost:8000"
    );
    assert_eq!(parse_origin("https://a.test").unwrap(), "https://a.test");
    assert_eq!(parse_origin("*").unwrap(), "*");
    assert!(parse_origin("localhost:8000").is_err());
    assert!(parse_origin("not a url").is_err());
}
