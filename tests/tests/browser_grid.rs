//! The grid the page shows is the job the server creates: for plans with closed days, with
//! days already completed, and with days re-run, every cell's status and reason equals the
//! created job's detail (headless Chromium against the plain binary on real prices).

use ai_trader_e2e::browser::Browser;
use ai_trader_e2e::{Options, Workspace};
use serde_json::{Value, json};

/// The grid as the page shows it: (model, date, status, title) per cell.
async fn dom_grid(browser: &Browser) -> Vec<(String, String, String, String)> {
    let cells = browser
        .eval(
            "return Array.from(document.querySelectorAll('table.grid tr[data-model]')).flatMap(tr => \
             Array.from(tr.querySelectorAll('td.cell')).map(td => [tr.dataset.model, td.dataset.date, td.dataset.status, td.title]))",
        )
        .await;
    serde_json::from_value(cells).unwrap()
}

fn reason_of(status: &str) -> Value {
    match status {
        "run" => Value::Null,
        "weekend" => json!("weekend"),
        "holiday" => json!("market_holiday"),
        "incomplete" => json!("incomplete_price_data"),
        "completed" => json!("already_completed"),
        "before" => json!("before_history"),
        other => panic!("unexpected cell status {other}"),
    }
}

/// Submits what the page shows and checks the created job's details against the DOM grid.
async fn submit_and_compare(browser: &Browser, server: &ai_trader_e2e::Server) {
    let mut shown = dom_grid(browser).await;
    assert!(!shown.is_empty());
    browser.wait_for("#submit").await.click().await.unwrap();
    // A job that replaces results asks first.
    let asks = browser
        .eval("return document.querySelector('#supersede') !== null")
        .await;
    if asks == json!(true) {
        browser.click("#confirm-replace").await;
    }
    browser.wait_text("#job-status", |t| t == "completed").await;
    let url = browser.client.current_url().await.unwrap();
    let job_id = url.path().trim_start_matches("/jobs/").to_owned();
    let (_, job) = server.get(&format!("/simulate/status/{job_id}")).await;
    let mut details: Vec<(String, String, Value, Value)> = job["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["model"].as_str().unwrap().to_owned(),
                d["date"].as_str().unwrap().to_owned(),
                d["skip_reason"].clone(),
                d["error"].clone(),
            )
        })
        .collect();
    details.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    shown.sort();
    assert_eq!(details.len(), shown.len());
    for ((model, date, status, title), (dm, dd, reason, error)) in shown.iter().zip(&details) {
        assert_eq!((model, date), (dm, dd));
        assert_eq!(&reason_of(status), reason, "{model} {date}");
        if !reason.is_null() {
            assert_eq!(error.as_str(), Some(title.as_str()), "{model} {date}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grid_in_the_page_is_the_job_the_server_creates() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    let plan = |start: &'static str, end: &'static str| {
        let browser = &browser;
        let url = server.url.clone();
        async move {
            // A shared link: the form comes from the URL (every enabled model ticked).
            browser
                .goto(&format!("{url}/?start={start}&end={end}"))
                .await;
            browser.wait_for("input[data-model=\"mock-trader\"]").await;
        }
    };
    let grid_until = |end: &'static str| {
        let browser = &browser;
        async move {
            browser
                .wait_for(&format!("table.grid td[data-date=\"{end}\"]"))
                .await;
        }
    };
    // All models over a weekend and Independence Day.
    plan("2025-07-01", "2025-07-08").await;
    grid_until("2025-07-08").await;
    submit_and_compare(&browser, &server).await;
    // One model, partly completed already: completed and new days.
    plan("2025-07-07", "2025-07-11").await;
    grid_until("2025-07-11").await;
    for other in ["buy-and-hold-qqq", "equal-weight"] {
        browser
            .wait_for(&format!("input[data-model=\"{other}\"]"))
            .await
            .click()
            .await
            .unwrap();
    }
    browser
        .wait_text("#notes", |t| {
            t.contains("2 model-days are already completed and skipped.")
        })
        .await;
    submit_and_compare(&browser, &server).await;
    // Before the history, with replace_existing: re-runs, once confirmed.
    plan("2025-07-02", "2025-07-03").await;
    browser
        .wait_text("#nothing-to-run", |t| {
            t == "All 6 model-days are already completed. Tick “Re-run completed days” to run them again."
        })
        .await;
    browser.wait_for("#replace").await.click().await.unwrap();
    grid_until("2025-07-03").await;
    browser
        .wait_text("#totals", |t| t.starts_with("6 model-days run"))
        .await;
    submit_and_compare(&browser, &server).await;
    browser.close().await;
}
