//! The downloader in process: a fake Alpha Vantage (real HTTP on loopback) and a real SQLite
//! file as the sink.

#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ai_trader_core::Date;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde_json::{Value, json};

use ai_trader_server::clock::Clock;
use ai_trader_server::config::{Redactor, Secret};
use ai_trader_server::market::{
    AlphaVantage, Bar, DownloadReport, Downloader, MarketData, PriceSource,
};
use ai_trader_server::store::Db;
use ai_trader_server::store::sqlite::SqliteStore;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// What the fake answers per symbol (a daily series by default), and what it was asked.
#[derive(Default)]
struct Fake {
    replies: Mutex<BTreeMap<String, Value>>,
    requests: Mutex<Vec<String>>,
    served: AtomicUsize,
}

fn series(symbol: &str, dates: &[&str]) -> Value {
    let days: serde_json::Map<String, Value> = dates
        .iter()
        .map(|day| {
            let bar = json!({"1. open": "10.0", "2. high": "11.0", "3. low": "9.0",
                             "4. close": "10.5", "5. volume": "1000"});
            ((*day).to_owned(), bar)
        })
        .collect();
    json!({"Meta Data": {"2. Symbol": symbol}, "Time Series (Daily)": days})
}

async fn query(State(fake): State<Arc<Fake>>, Query(q): Query<BTreeMap<String, String>>) -> String {
    let symbol = q.get("symbol").cloned().unwrap_or_default();
    fake.requests.lock().unwrap().push(symbol.clone());
    fake.served.fetch_add(1, Ordering::SeqCst);
    let reply = fake.replies.lock().unwrap().get(&symbol).cloned();
    reply
        .unwrap_or_else(|| series(&symbol, &["2025-10-06", "2025-10-07"]))
        .to_string()
}

async fn serve(fake: Arc<Fake>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route("/query", get(query)).with_state(fake);
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn downloader(url: String) -> Downloader {
    Downloader::new(AlphaVantage::new(
        url,
        Secret::new("test-key"),
        Duration::from_secs(5),
        Duration::from_millis(1),
        Redactor::new(["test-key".to_owned()]),
    ))
}

fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("jobs.db"), Clock::system()).unwrap();
    (dir, Db::new(store))
}

/// A fake whose `symbol` answers `reply`, a downloader over it, and an empty database.
async fn fixture(symbol: &str, reply: Value) -> (Arc<Fake>, Downloader, tempfile::TempDir, Db) {
    let fake = Arc::new(Fake::default());
    fake.replies.lock().unwrap().insert(symbol.into(), reply);
    let downloader = downloader(serve(fake.clone()).await);
    let (dir, db) = db();
    (fake, downloader, dir, db)
}

/// Downloads `only` for one day into an empty database.
async fn fill_one_day(downloader: &Downloader, db: &Db, only: &[&str]) -> DownloadReport {
    let only: Vec<String> = only.iter().map(|s| (*s).to_owned()).collect();
    let market = MarketData::default();
    downloader
        .fill(db, &market, &[d("2025-10-06")], Some(&only), &|_, _| {})
        .await
        .unwrap()
}

#[test]
fn missing_lists_only_trading_days_without_bars_or_coverage_by_impact() {
    let only_aapl_has_monday = MarketData::new([(
        "AAPL".to_owned(),
        PriceSource::Imported,
        Bar {
            date: d("2025-10-06"),
            open: 1.0,
            high: 1.0,
            low: 1.0,
            close: 1.0,
            volume: 0,
        },
    )]);
    // Saturday and Sunday are never missing; MSFT's Tuesday was covered by a download.
    let dates: Vec<Date> = Date::range_inclusive(d("2025-10-04"), d("2025-10-07")).collect();
    let covered = [("MSFT".to_owned(), d("2025-10-07"), d("2025-10-07"))];
    let missing = Downloader::missing(&only_aapl_has_monday, &covered, &dates, None);
    let of = |s: &str| {
        missing
            .iter()
            .find(|(sym, _)| sym == s)
            .map(|(_, ds)| ds.clone())
    };
    assert_eq!(of("AAPL"), Some(vec![d("2025-10-07")]));
    assert_eq!(of("MSFT"), Some(vec![d("2025-10-06")]));
    assert_eq!(of("NVDA"), Some(vec![d("2025-10-06"), d("2025-10-07")]));
    assert_eq!(
        missing[0].1.len(),
        2,
        "the symbols lacking the most days come first"
    );
    assert_eq!(missing.last().map(|(_, ds)| ds.len()), Some(1));
}

#[tokio::test]
async fn fill_stores_each_symbol_and_never_fetches_covered_dates_again() {
    let fake = Arc::new(Fake::default());
    let downloader = downloader(serve(fake.clone()).await);
    let (_dir, db) = db();
    let dates = [d("2025-10-06"), d("2025-10-07")];
    let only = ["AAPL".to_owned(), "MSFT".to_owned()];
    let report = downloader
        .fill(&db, &MarketData::default(), &dates, Some(&only), &|_, _| {})
        .await
        .unwrap();
    // Ties keep the universe's order (by weight: MSFT before AAPL).
    assert_eq!(report.downloaded, ["MSFT", "AAPL"]);
    assert_eq!((report.bars, report.rate_limited), (4, false));
    assert!(report.warnings().is_empty());
    let market = db.load_market().await.unwrap();
    assert!(market.bar("MSFT", d("2025-10-07")).is_some());
    assert_eq!(db.blocking().coverage_ranges().unwrap().len(), 2);

    // A second fill over the same dates asks nothing: the bars and the coverage are there.
    let again = downloader
        .fill(&db, &market, &dates, Some(&only), &|_, _| {})
        .await
        .unwrap();
    assert!(again.downloaded.is_empty() && again.failed.is_empty());
    assert_eq!(fake.served.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_rate_limit_stops_the_download_and_names_what_was_not_tried() {
    let note = json!({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute."});
    let (fake, downloader, _dir, db) = fixture("MSFT", note).await;
    let report = fill_one_day(&downloader, &db, &["AAPL", "MSFT", "NVDA"]).await;
    // In universe order: NVDA, MSFT (rate limited), AAPL (never asked).
    assert!(report.rate_limited);
    assert_eq!(report.downloaded, ["NVDA"]);
    let failed: Vec<&str> = report.failed.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(failed, ["MSFT", "AAPL"]);
    assert_eq!(report.failed[1].1, "not tried after the rate limit");
    assert_eq!(
        report.warnings(),
        ["Rate limit reached - downloaded 1/3 symbols"]
    );
    assert_eq!(*fake.requests.lock().unwrap(), ["NVDA", "MSFT"]);
    // What arrived before the limit is kept.
    assert!(
        db.load_market()
            .await
            .unwrap()
            .bar("NVDA", d("2025-10-06"))
            .is_some()
    );
}

#[tokio::test]
async fn a_symbol_whose_reply_is_malformed_fails_alone() {
    let no_open = json!({"Meta Data": {"2. Symbol": "MSFT"}, "Time Series (Daily)": {"2025-10-06": {"2. high": "1"}}});
    let (_fake, downloader, _dir, db) = fixture("MSFT", no_open).await;
    let report = fill_one_day(&downloader, &db, &["AAPL", "MSFT"]).await;
    assert_eq!(report.downloaded, ["AAPL"]);
    assert_eq!(report.failed.len(), 1);
    assert!(
        report.failed[0]
            .1
            .starts_with("Invalid response format for MSFT: MSFT 2025-10-06: no open price"),
        "{:?}",
        report.failed
    );
    assert_eq!(report.warnings(), ["1 symbols failed to download"]);
}
