//! Reads that stay cheap: a finished job's status is tagged (`ETag`, `304` on
//! `If-None-Match`), JSON is gzip-compressed for clients that accept it, and a job's details
//! can be read a page at a time.

use std::time::Duration;

use ai_trader_e2e::{Options, Workspace};
use serde_json::{Value, json};

#[tokio::test]
async fn finished_status_is_tagged_compressed_and_paged_on_request() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
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
