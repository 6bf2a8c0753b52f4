//! The web UI in headless Chromium against the real server binary on real prices: plan with a
//! weekend and a holiday, the grid's reasons, warnings equal to the server's preview, submit,
//! watch the job complete, compare results. Screenshots of every page are saved.

use ai_trader_e2e::browser::{Browser, ui_dir};
use ai_trader_e2e::{Options, Workspace};
use serde_json::{Value, json};

fn ui_options() -> Options {
    Options::dev().with("AI_TRADER_UI_DIR", ui_dir().to_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_submit_watch_and_compare() {
    let workspace = Workspace::new();
    let options = ui_options();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("{}/", server.url))
        .await
        .unwrap();
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    browser.set_value("#start", "2025-07-01").await;
    browser.set_value("#end", "2025-07-08").await;
    browser
        .wait_for("tr[data-model=\"mock-trader\"] td[data-date=\"2025-07-08\"]")
        .await;
    // The grid: reasons by status, letter and title.
    let cell = |date: &str| format!("tr[data-model=\"mock-trader\"] td[data-date=\"{date}\"]");
    let holiday = browser.wait_for(&cell("2025-07-04")).await;
    assert_eq!(
        holiday.attr("data-status").await.unwrap().as_deref(),
        Some("holiday")
    );
    assert_eq!(
        holiday.attr("title").await.unwrap().as_deref(),
        Some("Market holiday: Independence Day")
    );
    assert_eq!(holiday.text().await.unwrap(), "H");
    let weekend = browser.wait_for(&cell("2025-07-05")).await;
    assert_eq!(
        weekend.attr("data-status").await.unwrap().as_deref(),
        Some("weekend")
    );
    assert_eq!(
        browser
            .wait_for(&cell("2025-07-07"))
            .await
            .attr("data-status")
            .await
            .unwrap()
            .as_deref(),
        Some("run")
    );
    // The warnings are exactly the server's.
    let (_, preview) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": "2025-07-01", "end_date": "2025-07-08"}),
        )
        .await;
    let shown = browser
        .eval(
            "return Array.from(document.querySelectorAll('#warnings li')).map(e => e.textContent)",
        )
        .await;
    assert_eq!(shown, preview["warnings"]);
    browser.screenshot("plan").await;

    // Submit and watch the job.
    browser.wait_for("#submit").await.click().await.unwrap();
    browser.wait_text("#job-status", |t| t == "completed").await;
    let url = browser.client.current_url().await.unwrap();
    let job_id = url.path().trim_start_matches("/jobs/").to_owned();
    let (_, status) = server.get(&format!("/simulate/status/{job_id}")).await;
    assert_eq!(status["status"], "completed", "{status}");
    let done = browser
        .eval("return document.querySelectorAll('td.cell.done').length")
        .await;
    assert_eq!(done, json!(status["progress"]["completed"]));
    browser.screenshot("job").await;

    // The jobs list links to it.
    browser
        .client
        .goto(&format!("{}/jobs", server.url))
        .await
        .unwrap();
    browser
        .wait_for(&format!("a[href=\"/jobs/{job_id}\"]"))
        .await;
    browser.screenshot("jobs").await;

    // Results: a leaderboard row per model and a chart line per model plus the baseline.
    browser
        .client
        .goto(&format!("{}/compare", server.url))
        .await
        .unwrap();
    browser
        .wait_for("#leaderboard tr[data-model=\"mock-trader\"]")
        .await;
    let series = browser
        .eval("return document.querySelectorAll('.chart g.series').length")
        .await;
    assert_eq!(series, json!(4), "three models and the baseline");
    browser.screenshot("results").await;

    browser
        .client
        .goto(&format!("{}/settings", server.url))
        .await
        .unwrap();
    browser
        .wait_text("#connection", |t| t.starts_with("Connected to"))
        .await;
    browser.screenshot("settings").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_show_inline_and_disable_submit() {
    let workspace = Workspace::new();
    let options = ui_options();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("{}/", server.url))
        .await
        .unwrap();
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    browser.set_value("#start", "2025-06-01").await;
    browser.set_value("#end", "2025-10-01").await;
    let error = browser
        .wait_text("#plan-error", |t| t.starts_with("Date range too large"))
        .await;
    assert!(error.contains("(max: 30)"), "{error}");
    let disabled: Value = browser
        .eval("return document.querySelector('#submit').disabled")
        .await;
    assert_eq!(disabled, json!(true));
    browser.set_value("#start", "2099-01-01").await;
    browser.set_value("#end", "2099-01-02").await;
    browser
        .wait_text("#plan-error", |t| t.contains("cannot be in the future"))
        .await;
    browser.screenshot("plan-error").await;
    browser.close().await;
}
