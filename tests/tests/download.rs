//! Alpha Vantage downloads against a local fake: a job fetches exactly the trading days it
//! lacks (never weekends or covered dates), in impact order, stopping at rate limits, with the
//! reference's classification and warnings.

use std::time::Duration;

use ai_trader_e2e::fake_alphavantage::{AvReply, FakeAlphaVantage};
use ai_trader_e2e::{Options, Server, Workspace};
use serde_json::json;

const BASELINE: &str = r#"{"models": [{"name": "QQQ", "basemodel": "qqq", "signature": "qqq", "enabled": true, "provider": "buy_and_hold"}]}"#;
const KEY: &str = "av-SECRET-key";

fn options(fake: &FakeAlphaVantage) -> Options {
    Options::prod()
        .config(BASELINE)
        .with("ALPHAADVANTAGE_API_KEY", KEY)
        .with("ALPHAVANTAGE_BASE_URL", &fake.base_url)
        .with("ALPHAVANTAGE_RETRY_BASE_MS", "10")
        .with("ALPHAVANTAGE_TIMEOUT_SECONDS", "1")
}

async fn run(server: &Server, start: &str, end: &str, replace: bool) -> serde_json::Value {
    let job = server
        .trigger(&json!({"start_date": start, "end_date": end, "replace_existing": replace}))
        .await;
    server.wait(&job, Duration::from_secs(60)).await
}

/// `ai-trader download-prices` of `symbols` for 2025-10-01..03: (exit code, stdout, stderr).
fn download_prices(
    workspace: &Workspace,
    options: &Options,
    symbols: &str,
) -> (i32, String, String) {
    workspace.cli(
        options,
        &[
            "download-prices",
            "--start",
            "2025-10-01",
            "--end",
            "2025-10-03",
            "--symbols",
            symbols,
        ],
    )
}

#[tokio::test]
async fn l08_a_job_downloads_exactly_what_it_lacks() {
    let fake = FakeAlphaVantage::start().await;
    let workspace = Workspace::new();
    let server = workspace.start(&options(&fake));
    // 2025-10-03..06 spans a weekend: two trading days, none of them stored.
    let (_, preview) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": "2025-10-03", "end_date": "2025-10-06"}),
        )
        .await;
    assert_eq!(preview["grid"][0]["cells"], "RWWR", "{preview}");
    assert_eq!(
        preview["download_dates"],
        json!(["2025-10-03", "2025-10-06"])
    );
    let job = run(&server, "2025-10-03", "2025-10-06", false).await;
    assert_eq!(job["status"], "completed", "{job}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 102, "101 stocks and QQQ, once each");
    assert!(requests.iter().all(|(_, key)| key == KEY));
    let (_, coverage) = server.get("/market/coverage").await;
    assert_eq!(
        coverage["tradable_dates"],
        json!(["2025-10-03", "2025-10-06"]),
        "only the needed trading days are stored"
    );
    assert!(
        coverage["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["source"] == "downloaded")
    );
    // Re-running covered dates fetches nothing.
    let again = run(&server, "2025-10-03", "2025-10-06", true).await;
    assert_eq!(again["status"], "completed", "{again}");
    assert_eq!(fake.requests().len(), 102);
    // A new date is fetched for every symbol, once.
    run(&server, "2025-10-07", "2025-10-07", false).await;
    assert_eq!(fake.requests().len(), 204);
    assert!(!server.log_text().contains(KEY), "the key is never logged");
}

#[tokio::test]
async fn a_rate_limit_stops_the_download_and_says_so() {
    let fake = FakeAlphaVantage::start().await;
    fake.after(5, AvReply::Note);
    let workspace = Workspace::new();
    let server = workspace.start(&options(&fake));
    let job = run(&server, "2025-10-03", "2025-10-03", false).await;
    assert_eq!(fake.requests().len(), 6, "stops at the first rate limit");
    let warnings = job["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w == "Rate limit reached - downloaded 5/102 symbols"),
        "{warnings:?}"
    );
    // The five downloaded symbols (impact ties keep universe order: NVDA, MSFT, AAPL, GOOG,
    // GOOGL) are the listed ones, so the day runs; QQQ was not downloaded, so the baseline
    // cannot buy it and keeps its cash.
    assert_eq!(job["status"], "completed", "{job}");
    let (_, coverage) = server.get("/market/coverage").await;
    let symbols: Vec<&str> = coverage["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(symbols, ["AAPL", "GOOG", "GOOGL", "MSFT", "NVDA"]);
    let (_, day) = server.get("/results?start_date=2025-10-03&model=qqq").await;
    assert_eq!(day["results"][0]["final_position"]["cash"], 10_000.0);
}

#[tokio::test]
async fn premium_limits_and_429_are_rate_limits_too() {
    for reply in [AvReply::Premium, AvReply::Status(429)] {
        let fake = FakeAlphaVantage::start().await;
        fake.after(0, reply.clone());
        let workspace = Workspace::new();
        let server = workspace.start(&options(&fake));
        let job = run(&server, "2025-10-03", "2025-10-03", false).await;
        assert_eq!(fake.requests().len(), 1, "{reply:?}");
        assert!(
            job["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w == "Rate limit reached - downloaded 0/102 symbols"),
            "{job}"
        );
        // Nothing could be downloaded: the day is skipped as incomplete, the job ends.
        assert_eq!(
            job["details"][0]["skip_reason"], "incomplete_price_data",
            "{job}"
        );
        assert_eq!(job["status"], "completed");
    }
}

#[test]
fn download_prices_classifies_each_failure() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeAlphaVantage::start());
    fake.symbol("AAPL", [AvReply::Error])
        .symbol("MSFT", [AvReply::Status(500), AvReply::Real])
        .symbol("NVDA", [AvReply::Garbage])
        .symbol(
            "AMZN",
            [
                AvReply::Status(500),
                AvReply::Status(502),
                AvReply::Status(503),
            ],
        )
        .symbol(
            "META",
            [
                AvReply::Slow(Duration::from_millis(1500)),
                AvReply::Slow(Duration::from_millis(1500)),
                AvReply::Slow(Duration::from_millis(1500)),
            ],
        )
        .symbol("TSLA", [AvReply::Status(404)]);
    let workspace = Workspace::new();
    let opts = options(&fake);
    let (code, out, err) = download_prices(&workspace, &opts, "AAPL,MSFT,NVDA,AMZN,META,TSLA,GOOG");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Downloaded 6 bars of 2 symbols; 5 failed"),
        "{out}"
    );
    assert!(
        out.contains("AAPL: API error: Invalid API call. Please retry or visit the documentation."),
        "{out}"
    );
    assert!(
        out.contains("NVDA: Invalid response format for NVDA"),
        "{out}"
    );
    assert!(out.contains("AMZN: Server error: 503"), "{out}");
    assert!(
        out.contains("META: Request failed after 3 attempts: timed out"),
        "{out}"
    );
    assert!(out.contains("TSLA: HTTP 404: "), "{out}");
    assert!(
        err.contains("warning: 5 symbols failed to download"),
        "{err}"
    );
    assert!(err.contains("7/7 symbols"), "progress: {err}");
    // MSFT was retried after its 500; covered symbols are not fetched again.
    let count = |s: &str| fake.requests().iter().filter(|(x, _)| x == s).count();
    assert_eq!((count("MSFT"), count("AMZN"), count("AAPL")), (2, 3, 1));
    let (code, out, _) = download_prices(&workspace, &opts, "MSFT,GOOG");
    assert_eq!(code, 0);
    assert!(out.contains("Downloaded 0 bars of 0 symbols"), "{out}");
    assert_eq!(count("MSFT"), 2);
    // Without a key the command says what is missing.
    let (code, _, err) = workspace.cli(
        &Options::prod(),
        &[
            "download-prices",
            "--start",
            "2025-10-01",
            "--end",
            "2025-10-03",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("ALPHAADVANTAGE_API_KEY is not set"), "{err}");
    drop(rt);
}

#[tokio::test]
async fn the_job_shows_downloading_data_meanwhile() {
    let fake = FakeAlphaVantage::start().await;
    fake.symbol("NVDA", [AvReply::Slow(Duration::from_millis(1200))]);
    let workspace = Workspace::new();
    let server = workspace.start(&options(&fake).with("ALPHAVANTAGE_TIMEOUT_SECONDS", "5"));
    let job = server
        .trigger(&json!({"start_date": "2025-10-03", "end_date": "2025-10-03"}))
        .await;
    server
        .wait_status(&job, "downloading_data", Duration::from_secs(30), |s| {
            s["status"] == "downloading_data"
        })
        .await;
    let done = server.wait(&job, Duration::from_secs(60)).await;
    assert_eq!(done["status"], "completed", "{done}");
}

#[test]
fn importing_twice_changes_nothing() {
    let workspace = Workspace::new();
    let options = Options::prod();
    workspace.import_real_data(&options);
    let dir = ai_trader_e2e::real_data_dir();
    let (code, out, _) = workspace.cli(&options, &["import-prices", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains(": 0 new, 0 updated, 10200 unchanged"), "{out}");
    assert!(
        out.contains("Left out 101 bars that hold only an open"),
        "{out}"
    );
}
