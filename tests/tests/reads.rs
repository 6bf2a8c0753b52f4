//! Reads that stay cheap: a finished job's status is tagged (`ETag`, `304` on
//! `If-None-Match`), JSON is gzip-compressed for clients that accept it, and a job's details
//! can be read a page at a time.

use std::time::Duration;

use ai_trader_e2e::{Options, serve_real_data};
use serde_json::{Value, json};

#[tokio::test]
async fn finished_status_is_tagged_compressed_and_paged_on_request() {
    let options = Options::dev();
    let (_workspace, server) = serve_real_data(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-10"}))
        .await;
    let full = server.wait(&job, Duration::from_secs(60)).await;
    let path = format!("/simulate/status/{job}");

    // The default answer is the reference's: every detail, no page fields.
    assert_eq!(full["details"].as_array().unwrap().len(), 30);
    assert!(full.get("details_page").is_none(), "{full}");

    let (status, headers, body) = server.get_raw(&path, &[]).await;
    assert_eq!(status, 200);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), full);
    let (status, again, body) = server
        .get_raw(&path, &[("if-none-match", etag.as_str())])
        .await;
    assert_eq!((status, body.len()), (304, 0));
    assert_eq!(again["etag"].to_str().unwrap(), etag);

    let (status, headers, gzipped) = server.get_raw(&path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-encoding"], "gzip");
    assert!(
        gzipped.len() * 3 < serde_json::to_vec(&full).unwrap().len(),
        "compressed to {} bytes",
        gzipped.len()
    );

    let (status, page) = server
        .get(&format!("{path}?details_limit=12&details_offset=24"))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["details"].as_array().unwrap().len(), 6);
    assert_eq!(page["details"][0], full["details"][24]);
    assert_eq!(
        page["details_page"],
        json!({"total": 30, "offset": 24, "limit": 12, "next_offset": null})
    );
    let (_, first) = server.get(&format!("{path}?details_limit=12")).await;
    assert_eq!(first["details_page"]["next_offset"], 12);
    let (status, error) = server.get(&format!("{path}?details_limit=0")).await;
    assert_eq!(status, 400);
    assert_eq!(
        error["detail"],
        "details_limit must be between 1 and 1000 (got 0)"
    );
}

#[tokio::test]
async fn reasoning_comes_a_page_at_a_time() {
    let options = Options::dev();
    let (_workspace, server) = serve_real_data(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-10"}))
        .await;
    server.wait(&job, Duration::from_secs(60)).await;

    // 8 trading days × 3 models; 50 a page by default.
    let (status, all) = server
        .get("/reasoning?include_full_conversation=true")
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["count"], 24);
    assert_eq!(
        all["page"],
        json!({"total": 24, "offset": 0, "limit": 50, "next_offset": null})
    );
    let (_, page) = server
        .get("/reasoning?include_full_conversation=true&limit=10&offset=10")
        .await;
    assert_eq!(page["count"], 10);
    assert_eq!(page["page"]["next_offset"], 20);
    assert_eq!(page["sessions"][0], all["sessions"][10]);
    let (_, last) = server.get("/reasoning?limit=10&offset=20").await;
    assert_eq!(last["count"], 4);
    assert_eq!(last["page"]["next_offset"], Value::Null);
    for bad in ["limit=0", "limit=501"] {
        let (status, error) = server.get(&format!("/reasoning?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {error}");
        assert!(
            error["detail"]
                .as_str()
                .unwrap()
                .starts_with("limit must be between 1 and 500"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn results_are_kept_until_a_new_day_changes_them() {
    let options = Options::dev();
    let (_workspace, server) = serve_real_data(&options);
    let run = |start: &'static str, end: &'static str| {
        let server = &server;
        async move {
            let job = server
                .trigger(&json!({"start_date": start, "end_date": end, "models": ["mock-trader"]}))
                .await;
            server.wait(&job, Duration::from_secs(60)).await
        }
    };
    run("2025-10-01", "2025-10-03").await;
    let path = "/results?start_date=2025-10-01&end_date=2025-10-10";
    let (status, headers, first) = server.get_raw(path, &[]).await;
    assert_eq!(status, 200);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let (status, _, _) = server
        .get_raw(path, &[("if-none-match", etag.as_str())])
        .await;
    assert_eq!(status, 304, "nothing changed");

    run("2025-10-06", "2025-10-10").await;
    let (status, headers, second) = server
        .get_raw(path, &[("if-none-match", etag.as_str())])
        .await;
    assert_eq!(status, 200, "new days change the answer");
    assert_ne!(headers["etag"].to_str().unwrap(), etag);
    let days = |body: &[u8]| {
        serde_json::from_slice::<Value>(body).unwrap()["results"][0]["daily_portfolio_values"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!((days(&first), days(&second)), (3, 8));
}
