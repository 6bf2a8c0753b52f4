//! Requests the server must not act on: another `Host` (a browser on a rebound DNS name), a
//! POST that a cross-site form could send, bodies in an encoding it cannot read; and
//! `ALLOWED_ORIGINS` entries that could never match are said at start.

use ai_trader_e2e::{Options, Workspace};

#[tokio::test]
async fn other_hosts_forms_and_unreadable_bodies_are_refused() {
    let workspace = Workspace::new();
    let options = Options::dev();
    let server = workspace.start(&options);
    let port = server.url.rsplit(':').next().unwrap().to_owned();

    let (status, body) = server
        .send_raw("GET", "/health", &[("host", "evil.example:80")], "")
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Host 'evil.example' is not served here: add it to ALLOWED_HOSTS"),
        "{body}"
    );
    let localhost = format!("localhost:{port}");
    let (status, _) = server
        .send_raw("GET", "/health", &[("host", localhost.as_str())], "")
        .await;
    assert_eq!(status, 200);

    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 4] = [
        (
            &[],
            "",
            "Expected a JSON body with Content-Type: application/json",
        ),
        (
            &[("content-type", "application/x-www-form-urlencoded")],
            "a=1",
            "Expected a JSON body with Content-Type: application/json",
        ),
        (
            &[("content-type", "application/json; charset=utf-16")],
            "{}",
            "Content-Type charset utf-16 is not supported: send the JSON body in UTF-8",
        ),
        (
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
            "{}",
            "Content-Encoding gzip is not supported for request bodies: send the JSON uncompressed",
        ),
    ];
    for (headers, body, detail) in cases {
        let (status, response) = server
            .send_raw("POST", "/simulate/cancel/nope", headers, body)
            .await;
        assert_eq!(status, 415, "{headers:?}: {response}");
        assert_eq!(response["detail"], detail, "{headers:?}");
    }
    let (status, _) = server
        .send_raw(
            "POST",
            "/simulate/cancel/nope",
            &[("content-type", "application/json")],
            "{}",
        )
        .await;
    assert_eq!(status, 404, "a JSON POST reaches the handler");
}

#[tokio::test]
async fn with_the_token_a_post_needs_no_body_and_origins_are_checked_at_start() {
    let workspace = Workspace::new();
    let options = Options::dev()
        .with("AI_TRADER_API_TOKEN", "t0ken-secret")
        .with("ALLOWED_ORIGINS", "http://localhost:8000/, localhost:9000");
    let server = workspace.start(&options);
    let (status, body) = server
        .send_raw(
            "POST",
            "/simulate/cancel/nope",
            &[("authorization", "Bearer t0ken-secret")],
            "",
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = server
        .send_raw("POST", "/simulate/cancel/nope", &[], "")
        .await;
    assert_eq!(status, 401, "no token, no post");

    let log = server.log_text();
    assert!(
        log.contains("ALLOWED_ORIGINS entry read as its origin"),
        "{log}"
    );
    assert!(
        log.contains("ALLOWED_ORIGINS entry ignored: 'localhost:9000' is not an origin"),
        "{log}"
    );
    // The corrected origin works for a browser's preflight.
    let (status, headers, _) = server
        .get_raw("/health", &[("origin", "http://localhost:8000")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:8000"
    );
}
