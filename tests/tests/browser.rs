//! The web UI in headless Chromium against the real server binary (the UI embedded in it) on
//! real prices: plan with a weekend and a holiday typed on the keyboard, the grid's reasons,
//! submit, watch the job complete, compare results, read a day. Screenshots of every page are
//! saved at desktop and phone width.

use ai_trader_e2e::browser::Browser;
use std::time::Duration;

use ai_trader_e2e::{Options, Workspace, eventually};
use serde_json::{Value, json};

/// The plain binary: it serves the UI it embeds.
fn ui_options() -> Options {
    Options::dev()
}

/// A DEV server with the real prices and the UI, and a browser on its plan page.
async fn plan_page() -> (Workspace, ai_trader_e2e::Server, Browser) {
    let workspace = Workspace::new();
    let options = ui_options();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", server.url)).await;
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    (workspace, server, browser)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_submit_watch_and_compare() {
    let (_workspace, server, browser) = plan_page().await;
    // Typed as a person types a date (en-US: month, day, year), never set from script.
    browser.type_into("#start", "07012025").await;
    browser.type_into("#end", "07082025").await;
    browser
        .wait_for("tr[data-model=\"mock-trader\"] td[data-date=\"2025-07-08\"]")
        .await;
    let start_value = browser
        .eval("return document.querySelector('#start').value")
        .await;
    assert_eq!(start_value, json!("2025-07-01"));
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
    // People read sentences from the plan's data; the API keeps the reference's lists.
    let notes = browser.wait_text("#notes", |t| !t.is_empty()).await;
    assert!(
        notes.contains(
            "The market is closed on 2 weekend days and 1 market holiday (Independence Day)"
        ),
        "{notes}"
    );
    assert!(!notes.contains('['), "{notes}");
    let (_, preview) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": "2025-07-01", "end_date": "2025-07-08"}),
        )
        .await;
    assert!(
        preview["warnings"][0]
            .as_str()
            .unwrap()
            .contains("['2025-07-05', '2025-07-06']")
    );
    browser
        .wait_text("#totals", |t| t.starts_with("15 model-days run"))
        .await;
    browser.screenshot("plan").await;

    // Submit and watch the job.
    browser.click("#submit").await;
    browser.wait_text("#job-status", |t| t == "completed").await;
    let url = browser.client.current_url().await.unwrap();
    let job_id = url.path().trim_start_matches("/jobs/").to_owned();
    let (_, status) = server.get(&format!("/simulate/status/{job_id}")).await;
    assert_eq!(status["status"], "completed", "{status}");
    let done = browser
        .eval("return document.querySelectorAll('td.cell.done').length")
        .await;
    assert_eq!(done, json!(status["progress"]["completed"]));
    // Finished is obvious; skipped days count as done.
    browser
        .wait_text("#job-ended", |t| t.contains("has ended: completed"))
        .await;
    browser
        .wait_text("#counts", |t| {
            t.starts_with("24 of 24 model-days done: 15 completed · 9 skipped")
        })
        .await;
    let notes = browser.wait_text("#job-notes", |t| !t.is_empty()).await;
    assert!(
        notes.contains("1 market holiday (Independence Day)"),
        "{notes}"
    );
    assert!(!notes.contains('['), "{notes}");
    browser.screenshot("job").await;
    // A completed cell opens its day.
    browser
        .click("tr[data-model=\"mock-trader\"] td[data-date=\"2025-07-07\"] a.cell-link")
        .await;
    browser
        .wait_text("h1", |t| t == "mock-trader on 2025-07-07")
        .await;
    browser.click("#to-job").await;
    browser.wait_text("#job-status", |t| t == "completed").await;

    // The jobs list links to it.
    browser.follow("Jobs").await;
    browser
        .wait_for(&format!("a[href=\"/jobs/{job_id}\"]"))
        .await;
    browser.screenshot("jobs").await;

    // Results: a leaderboard row per model and the one baseline; a chart line per model plus
    // the baseline.
    browser.follow("Results").await;
    browser
        .wait_for("#leaderboard tr[data-model=\"mock-trader\"]")
        .await;
    let series = browser
        .eval("return document.querySelectorAll('.chart g.series').length")
        .await;
    assert_eq!(series, json!(4), "three models and the baseline");
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("from=2025-07-01&to=2025-07-08"));
    browser
        .wait_for("#pnl tr[data-model=\"mock-trader\"] a.day-link")
        .await;
    // One baseline, shown once, with its convention; money as money; no annualised figure
    // over five days.
    let baseline = browser.wait_for("#baseline-row").await;
    assert!(
        baseline
            .attr("title")
            .await
            .unwrap()
            .unwrap_or_default()
            .starts_with("Held from the close before the range")
    );
    let (_, api) = server
        .get("/results?start_date=2025-07-01&end_date=2025-07-08")
        .await;
    let expected = format!(
        "{:+.2} %",
        api["baseline"]["period_metrics"]["period_return_pct"]
            .as_f64()
            .unwrap()
    );
    browser
        .wait_text("#baseline-return", |t| t == expected)
        .await;
    let annualised = browser
        .eval("return Array.from(document.querySelectorAll('#leaderboard tbody tr')).map(r => r.children[4].textContent)")
        .await;
    assert!(
        annualised.as_array().unwrap().iter().all(|a| a == "—"),
        "{annualised}"
    );
    let values = browser
        .eval("return Array.from(document.querySelectorAll('#leaderboard tbody tr')).map(r => r.children[2].textContent)")
        .await;
    assert!(
        values
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.as_str().unwrap().contains(',')
                && v.as_str().unwrap().split('.').nth(1).unwrap().len() == 2),
        "{values}"
    );
    // The CSV downloads hold the leaderboard and every model-day.
    let csv = browser
        .eval("return [decodeURIComponent(document.querySelector('#csv-leaderboard').href.split(',').slice(1).join(',')), decodeURIComponent(document.querySelector('#csv-daily').href.split(',').slice(1).join(','))]")
        .await;
    let leaderboard = csv[0].as_str().unwrap();
    assert!(
        leaderboard
            .starts_with("model,run,first_date,last_date,starting_value,ending_value,return_pct"),
        "{leaderboard}"
    );
    assert_eq!(leaderboard.lines().count(), 1 + 3 + 1, "{leaderboard}");
    assert!(
        leaderboard.contains("\nQQQ buy & hold,,2025-07-01,2025-07-08,"),
        "{leaderboard}"
    );
    assert_eq!(csv[1].as_str().unwrap().lines().count(), 1 + 3 * 5);
    browser.screenshot("results").await;

    // A model-day: summary, trades and the conversation, tool calls and results apart.
    browser
        .click("#pnl tr[data-model=\"mock-trader\"] a.day-link")
        .await;
    browser.wait_for("#conversation .message.tool").await;
    // The summary first, the system prompt folded, the finish signal a quiet marker.
    browser
        .wait_text("#summary", |t| t.contains("I bought"))
        .await;
    let folded = browser
        .eval("return document.querySelector('details#system-prompt').open")
        .await;
    assert_eq!(folded, json!(false));
    browser.wait_for("#conversation .finish").await;
    let body = browser
        .eval("return document.querySelector('#conversation').innerText")
        .await;
    assert!(!body.as_str().unwrap().contains("<FINISH_SIGNAL>"));
    browser.wait_for("#next-day").await;
    let trades = browser
        .eval("return document.querySelectorAll('#trades tbody tr').length")
        .await;
    assert!(trades.as_u64().unwrap() >= 1, "{trades}");
    let calls = browser
        .eval("return document.querySelectorAll('#conversation .message.assistant .call').length")
        .await;
    assert!(calls.as_u64().unwrap() >= 2, "{calls}");
    browser.screenshot("day").await;

    browser.follow("Settings").await;
    browser
        .wait_text("#connection", |t| t.starts_with("Connected to"))
        .await;
    browser.screenshot("settings").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_sentences_and_disable_submit() {
    let (_workspace, _server, browser) = plan_page().await;
    browser.set_value("#start", "2025-06-01").await;
    browser.set_value("#end", "2025-10-01").await;
    browser
        .wait_text("#plan-error", |t| {
            t == "The range spans 123 days; the server allows at most 30 (its MAX_SIMULATION_DAYS)."
        })
        .await;
    let disabled: Value = browser
        .eval("return document.querySelector('#submit').disabled")
        .await;
    assert_eq!(disabled, json!(true));
    // End before start: said so, with no claim that the server is unreachable.
    browser.set_value("#start", "2025-07-08").await;
    browser.set_value("#end", "2025-07-01").await;
    browser
        .wait_text("#plan-error", |t| {
            t == "The start date (2025-07-08) is after the end date (2025-07-01)."
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let offline = browser
        .eval("return document.querySelector('#calendar-only') !== null")
        .await;
    assert_eq!(offline, json!(false), "the server is reachable");
    browser.set_value("#start", "2099-01-01").await;
    browser.set_value("#end", "2099-01-02").await;
    browser
        .wait_text("#plan-error", |t| {
            t.starts_with("The end date (2099-01-02) is after today")
        })
        .await;
    browser.screenshot("plan-error").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_server_the_preview_uses_the_calendar_alone() {
    let workspace = Workspace::new();
    let options = ui_options();
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    browser.goto(&format!("{}/settings", server.url)).await;
    browser
        .wait_text("#connection", |t| t.starts_with("Connected to"))
        .await;
    browser.set_value("#server-url", "http://127.0.0.1:9").await;
    browser.wait_for("#save").await.click().await.unwrap();
    browser
        .wait_text("#connection", |t| {
            t.starts_with("Cannot reach http://127.0.0.1:9")
        })
        .await;
    browser.follow("Plan").await;
    browser.wait_for("#calendar-only").await;
    browser.set_value("#start", "2026-11-23").await;
    browser.set_value("#end", "2026-11-30").await;
    let thanksgiving = browser.wait_for("td[data-date=\"2026-11-26\"]").await;
    assert_eq!(
        thanksgiving.attr("title").await.unwrap().as_deref(),
        Some("Market holiday: Thanksgiving Day")
    );
    let disabled = browser
        .eval("return document.querySelector('#submit').disabled")
        .await;
    assert_eq!(
        disabled,
        json!(true),
        "nothing can be submitted without a server"
    );
    browser.screenshot("plan-calendar-only").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_build_under_a_sub_path_calls_the_api_cross_origin() {
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/ui-subpath");
    assert!(
        site.join("app/index.html").exists(),
        "run AI_TRADER_UI_DIST=target/ui-subpath/app scripts/build-ui --public-url /app/"
    );
    // A plain static file host on a port the system picks, as any static hosting would be.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let files = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(&site));
    let host = tokio::spawn(async move { axum::serve(listener, files).await });
    let origin = format!("http://127.0.0.1:{port}");
    let workspace = Workspace::new();
    let options = Options::dev().with("ALLOWED_ORIGINS", &origin);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    eventually("the static site loads", Duration::from_secs(10), || async {
        browser
            .client
            .goto(&format!("{origin}/app/"))
            .await
            .map_err(|e| e.to_string())?;
        browser
            .client
            .find(fantoccini::Locator::Css("header.top"))
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    })
    .await;

    browser.follow("Settings").await;
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/app/settings"
    );
    browser.set_value("#server-url", &server.url).await;
    browser.wait_for("#save").await.click().await.unwrap();
    browser
        .wait_text("#connection", |t| t.starts_with("Connected to"))
        .await;
    browser.follow("Plan").await;
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    browser.set_value("#start", "2025-07-01").await;
    browser.set_value("#end", "2025-07-08").await;
    let holiday = browser
        .wait_for("tr[data-model=\"mock-trader\"] td[data-date=\"2025-07-04\"]")
        .await;
    assert_eq!(
        holiday.attr("data-status").await.unwrap().as_deref(),
        Some("holiday")
    );
    browser.wait_for("#submit").await.click().await.unwrap();
    browser.wait_text("#job-status", |t| t == "completed").await;
    assert!(
        browser
            .client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/app/jobs/")
    );
    browser.screenshot("static-site-job").await;
    browser.close().await;
    host.abort();
}
