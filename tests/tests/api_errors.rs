//! Every error path of the API, against the real binary: bad input gets a clear
//! `{"detail": …}` with the right status and changes nothing.

use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace};
use serde_json::{Value, json};

async fn server() -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

async fn expect(server: &Server, body: Value, status: u16, detail: &str) {
    let (got, response) = server.post("/simulate/trigger", &body).await;
    assert_eq!(got, status, "{body} -> {response}");
    let text = response["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("no detail string in {response}"));
    assert!(
        text.contains(detail),
        "{body}: {text:?} should contain {detail:?}"
    );
}

#[tokio::test]
async fn trigger_rejects_bad_requests_with_clear_messages() {
    let (_workspace, server) = server().await;
    let cases = [
        (
            json!({"start_date": "2025-10-01", "end_date": "2025-10-5"}),
            400,
            "Invalid date format: 2025-10-5. Expected YYYY-MM-DD (field end_date)",
        ),
        (
            json!({"start_date": "2025-1-6", "end_date": "2025-10-05"}),
            400,
            "Invalid date format: 2025-1-6. Expected YYYY-MM-DD (field start_date)",
        ),
        (
            json!({"start_date": "2025-10-01", "end_date": ""}),
            400,
            "end_date is required and cannot be null or empty",
        ),
        (
            json!({"start_date": "2025-10-06", "end_date": "2025-10-01"}),
            400,
            "start_date (2025-10-06) must be <= end_date (2025-10-01)",
        ),
        (
            json!({"start_date": "2025-08-01", "end_date": "2025-10-01"}),
            400,
            "Date range too large: 62 days (max: 30)",
        ),
        (
            json!({"start_date": "2099-01-01", "end_date": "2099-01-02"}),
            400,
            "cannot be in the future",
        ),
        (
            json!({"start_date": "2025-10-01", "end_date": "2025-10-03", "models": ["gpt-9"]}),
            400,
            "Unknown model(s): gpt-9. Configured models: mock-trader, buy-and-hold-qqq, equal-weight",
        ),
        (
            json!({"start_date": "2025-10-04", "end_date": "2025-10-05"}),
            400,
            "Nothing to run: all 6 requested model-days would be skipped (weekend: 6)",
        ),
        (
            json!({"start_date": "2025-10-01"}),
            422,
            "missing field `end_date`",
        ),
        (
            json!({"start_date": "2025-10-01", "end_date": null}),
            422,
            "end_date",
        ),
        (
            json!({"start_date": 20251001, "end_date": "2025-10-03"}),
            422,
            "start_date",
        ),
        (
            json!({"end_date": "2025-10-03", "models": "mock-trader"}),
            422,
            "models",
        ),
        (
            json!({"end_date": "2025-10-03", "replace_existing": "yes"}),
            422,
            "replace_existing",
        ),
        (json!([1, 2]), 422, "Invalid request body"),
    ];
    for (body, status, detail) in cases {
        expect(&server, body, status, detail).await;
    }
    let (status, response) = server
        .post_raw("/simulate/trigger", "{not json", None)
        .await;
    assert_eq!(status, 422, "{response}");
    assert!(
        response["detail"]
            .as_str()
            .unwrap()
            .starts_with("Request body is not valid JSON"),
        "{response}"
    );
    // Nothing was created by any of them.
    let (_, jobs) = server.get("/simulate/jobs").await;
    assert_eq!(jobs["total"], 0, "{jobs}");
}

#[tokio::test]
async fn all_completed_and_busy_models() {
    let (_workspace, server) = server().await;
    let body =
        json!({"start_date": "2025-10-01", "end_date": "2025-10-03", "models": ["mock-trader"]});
    let job = server.trigger(&body).await;
    server.wait(&job, Duration::from_secs(30)).await;
    expect(
        &server,
        body,
        400,
        "All requested simulations are already completed. Skipped 3 model-day pair(s). Details: ['Skipped mock-trader/2025-10-01 - already completed'",
    )
    .await;
}

/// What a request's error must say: its whole `detail`, or a part of it.
enum Detail {
    Is(&'static str),
    Contains(&'static str),
    Any,
}

#[tokio::test]
async fn unknown_routes_jobs_and_parameters() {
    use Detail::{Any, Contains, Is};
    let (_workspace, server) = server().await;
    let cases: [(&str, &str, u16, Detail); 17] = [
        (
            "GET",
            "/simulate/status/nope",
            404,
            Is("Job nope not found"),
        ),
        (
            "POST",
            "/simulate/cancel/nope",
            404,
            Is("Job nope not found"),
        ),
        ("GET", "/no/such/route", 404, Is("Not Found")),
        ("GET", "/simulate/trigger", 405, Is("Method Not Allowed")),
        (
            "GET",
            "/results?date=2025-10-01",
            422,
            Is("Parameter 'date' has been removed. Use 'start_date' and/or 'end_date' instead."),
        ),
        (
            "GET",
            "/results?start_date=2025-10-1",
            400,
            Is("Invalid date format. Expected YYYY-MM-DD"),
        ),
        (
            "GET",
            "/results?start_date=2025-10-05&end_date=2025-10-01",
            400,
            Is("start_date must be <= end_date"),
        ),
        (
            "GET",
            "/results?start_date=2099-01-01",
            400,
            Is("Cannot query future dates"),
        ),
        (
            "GET",
            "/results?start_date=2025-10-01&reasoning=verbose",
            422,
            Contains("reasoning"),
        ),
        (
            "GET",
            "/results?start_date=2025-10-01&end_date=2025-10-03",
            404,
            Is("No trading data found for the specified filters"),
        ),
        (
            "GET",
            "/reasoning?date=2025-10-1",
            400,
            Is("Invalid date format: 2025-10-1. Expected YYYY-MM-DD"),
        ),
        (
            "GET",
            "/reasoning?include_full_conversation=maybe",
            422,
            Contains("include_full_conversation"),
        ),
        (
            "GET",
            "/reasoning",
            404,
            Is("No trading sessions found matching the provided filters"),
        ),
        ("GET", "/simulate/jobs?limit=0", 400, Any),
        ("GET", "/simulate/jobs?status=done", 422, Any),
        (
            "GET",
            "/simulate/plan-context?end_date=2025-13-01",
            400,
            Any,
        ),
        (
            "GET",
            "/simulate/plan-context?start_date=2025-10-05&end_date=2025-10-01",
            400,
            Is("start_date (2025-10-05) must be <= end_date (2025-10-01)"),
        ),
    ];
    for (method, path, status, detail) in cases {
        let (got, body) = match method {
            "POST" => server.post(path, &json!({})).await,
            _ => server.get(path).await,
        };
        assert_eq!(got, status, "{method} {path}: {body}");
        let text = body["detail"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no detail in {body}"));
        match detail {
            Is(expected) => assert_eq!(text, expected, "{method} {path}"),
            Contains(part) => assert!(text.contains(part), "{method} {path}: {text}"),
            Any => {}
        }
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (_workspace, server) = server().await;
    let big = format!(
        "{{\"end_date\": \"2025-10-03\", \"padding\": \"{}\"}}",
        "x".repeat(100_000)
    );
    let (status, body) = server.post_raw("/simulate/trigger", &big, None).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["detail"].is_string(), "{body}");
}

#[tokio::test]
async fn mutating_endpoints_need_the_token_when_one_is_set() {
    let workspace = Workspace::new();
    let options = Options::dev().with("AI_TRADER_API_TOKEN", "s3cret-token");
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let body =
        r#"{"start_date": "2025-10-01", "end_date": "2025-10-02", "models": ["mock-trader"]}"#;
    let (status, response) = server.post_raw("/simulate/trigger", body, None).await;
    assert_eq!(status, 401, "{response}");
    assert!(
        response["detail"]
            .as_str()
            .unwrap()
            .contains("bearer token")
    );
    let (status, _) = server
        .post_raw("/simulate/trigger", body, Some("wrong"))
        .await;
    assert_eq!(status, 401);
    let (status, response) = server
        .post_raw("/simulate/trigger", body, Some("s3cret-token"))
        .await;
    assert_eq!(status, 200, "{response}");
    // Reads stay open.
    let (status, _) = server.get("/simulate/jobs").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_typo_in_a_field_is_accepted_with_a_warning_in_preview_and_job() {
    let (_workspace, server) = server().await;
    let body = json!({"start_date": "2025-10-01", "end_date": "2025-10-02",
                      "models": ["mock-trader"], "replace_existng": true});
    let warning = "Unknown field 'replace_existng' was ignored; did you mean 'replace_existing'?";
    let (status, preview) = server.post("/simulate/preview", &body).await;
    assert_eq!(status, 200, "{preview}");
    assert!(
        preview["warnings"]
            .as_array()
            .unwrap()
            .contains(&json!(warning)),
        "{preview}"
    );
    let (status, trigger) = server.post("/simulate/trigger", &body).await;
    assert_eq!(status, 200, "{trigger}");
    assert_eq!(trigger["warnings"], preview["warnings"]);
    let job = trigger["job_id"].as_str().unwrap();
    let done = server.wait(job, Duration::from_secs(30)).await;
    assert_eq!(done["warnings"], preview["warnings"]);
}
