//! Handlers without sockets: the router driven with `oneshot` over a real SQLite file.

use std::sync::Arc;

use ai_trader_core::api::DeploymentMode;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::router;
use crate::app::AppState;
use crate::config::{FileConfig, Settings};

fn settings(dir: &std::path::Path) -> Settings {
    Settings {
        mode: DeploymentMode::Dev,
        preserve_dev_data: false,
        database: dir.join("jobs_dev.db"),
        max_simulation_days: 30,
        results_lookback_days: 30,
        max_concurrent_jobs: 4,
        max_parallel_models: 4,
        worker_concurrency: 16,
        max_attempts: 3,
        worker_heartbeat_seconds: 5,
        lease_seconds: 30,
        resume_interrupted_jobs: true,
        allowed_origins: vec!["http://ui.example".into()],
        api_token: None,
        demo_market: true,
        openai_api_base: None,
        openai_api_key: None,
        jina_api_key: None,
        jina_base_url: None,
        search_keep_undated: false,
        alphavantage_api_key: None,
        alphavantage_base_url: None,
        alphavantage_retry_base_ms: 1000,
        alphavantage_timeout_seconds: 30,
        ui_dir: None,
        today: None,
        allowed_hosts: Vec::new(),
        bind_host: None,
        shutdown_grace_seconds: 30,
        header_read_timeout_seconds: 30,
        max_connections: 1024,
        access_log: false,
    }
}

async fn call(state: &Arc<AppState>, request: Request<Body>) -> (StatusCode, Value) {
    let response = router(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn trigger_preview_and_errors_share_one_format() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(settings(dir.path()), FileConfig::builtin(), true).unwrap();
    let (status, coverage) = call(
        &state,
        Request::get("/market/coverage")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        coverage["synthetic"], true,
        "DEV seeds the synthetic market"
    );
    let end = coverage["last_date"].as_str().unwrap().to_owned();

    let body = json!({"end_date": end, "models": ["mock-trader"]}).to_string();
    let (status, preview) = call(&state, post("/simulate/preview", &body)).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["resume_mode"], true);
    let (status, trigger) = call(&state, post("/simulate/trigger", &body)).await;
    assert_eq!(status, StatusCode::OK, "{trigger}");
    assert_eq!(trigger["warnings"], preview["warnings"]);
    let id = trigger["job_id"].as_str().unwrap().to_owned();
    let status = state.worker.run(&id).await.unwrap();
    assert_eq!(status, Some(ai_trader_core::JobStatus::Completed));

    for (request, expected) in [
        (
            post("/simulate/trigger", "{"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            post("/simulate/trigger", r#"{"end_date": "2025-1-1"}"#),
            StatusCode::BAD_REQUEST,
        ),
        (
            Request::post("/simulate/trigger")
                .body(Body::from("{}"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Request::get("/simulate/status/x")
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
        ),
        (
            Request::get("/simulate/nowhere")
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
        ),
        (
            Request::delete("/health").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Request::get("/simulate/jobs?limit=abc")
                .body(Body::empty())
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, body) = call(&state, request).await;
        assert_eq!(status, expected, "{body}");
        assert!(body["detail"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn cors_allows_the_configured_origin_only() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(settings(dir.path()), FileConfig::builtin(), true).unwrap();
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/simulate/trigger")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap()
    };
    let response = router(state.clone())
        .oneshot(preflight("http://ui.example"))
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://ui.example"
    );
    let response = router(state)
        .oneshot(preflight("http://evil.example"))
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

async fn raw(state: &Arc<AppState>, path: &str, accept: &str) -> axum::response::Response {
    let request = Request::get(path)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("accept-encoding", accept)
        .body(Body::empty())
        .unwrap();
    router(state.clone()).oneshot(request).await.unwrap()
}

fn header<'a>(response: &'a axum::response::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_ui_directory_is_served_precompressed_with_cache_headers() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir(&ui).unwrap();
    for (name, body) in [
        ("index.html", "<html>plain</html>"),
        ("index.html.br", "brotli bytes"),
        ("index.html.gz", "gzip bytes"),
        ("app-0123456789abcdef.js", "js"),
        ("app-0123456789abcdef.js.gz", "gzipped js"),
    ] {
        std::fs::write(ui.join(name), body).unwrap();
    }
    let mut settings = settings(dir.path());
    settings.ui_dir = Some(ui);
    let state = AppState::open(settings, FileConfig::builtin(), true).unwrap();

    let page = raw(&state, "/jobs/abc", "gzip, br").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(header(&page, "content-encoding"), "br");
    assert_eq!(header(&page, "cache-control"), "no-cache");
    let script = raw(&state, "/app-0123456789abcdef.js", "gzip, br").await;
    assert_eq!(header(&script, "content-encoding"), "gzip");
    assert_eq!(
        header(&script, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let plain = raw(&state, "/", "identity").await;
    assert_eq!(header(&plain, "content-encoding"), "");
    let body = axum::body::to_bytes(plain.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(&body[..], b"<html>plain</html>");
    // API paths stay JSON, whatever the UI, and so do unknown paths for API clients.
    let (status, _) = call(
        &state,
        Request::get("/no/such/route").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(
        &state,
        Request::get("/results/x").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Not Found");
}

#[cfg(feature = "embedded-ui")]
#[tokio::test]
async fn the_embedded_ui_answers_pages_with_an_etag() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(settings(dir.path()), FileConfig::builtin(), true).unwrap();
    let page = raw(&state, "/compare?x=1", "gzip").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(header(&page, "content-type").starts_with("text/html"));
    assert_eq!(header(&page, "cache-control"), "no-cache");
    let etag = header(&page, "etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    let again = Request::get("/")
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let again = router(state.clone()).oneshot(again).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let missing = raw(&state, "/missing-0123456789abcdef.js", "gzip").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
