//! The web UI in headless Chromium against the real server binary on real prices: plan with a
//! weekend and a holiday, the grid's reasons, warnings equal to the server's preview, submit,
//! watch the job complete, compare results. Screenshots of every page are saved.

use ai_trader_e2e::browser::{Browser, ui_dir};
use std::time::Duration;

use ai_trader_e2e::{Options, Workspace, eventually};
use serde_json::{Value, json};

fn ui_options() -> Options {
    Options::dev().with("AI_TRADER_UI_DIR", ui_dir().to_str().unwrap())
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
    browser.goto(&format!("{}/jobs", server.url)).await;
    browser
        .wait_for(&format!("a[href=\"/jobs/{job_id}\"]"))
        .await;
    browser.screenshot("jobs").await;

    // Results: a leaderboard row per model and a chart line per model plus the baseline.
    browser.goto(&format!("{}/compare", server.url)).await;
    browser
        .wait_for("#leaderboard tr[data-model=\"mock-trader\"]")
        .await;
    let series = browser
        .eval("return document.querySelectorAll('.chart g.series').length")
        .await;
    assert_eq!(series, json!(4), "three models and the baseline");
    browser
        .wait_for("#pnl tr[data-model=\"mock-trader\"] a.day-link")
        .await;
    browser.screenshot("results").await;

    // A model-day: trades and the conversation, tool calls and results apart.
    browser
        .wait_for("#pnl tr[data-model=\"mock-trader\"] a.day-link")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for("#conversation .message.tool").await;
    let trades = browser
        .eval("return document.querySelectorAll('#trades tbody tr').length")
        .await;
    assert!(trades.as_u64().unwrap() >= 1, "{trades}");
    let calls = browser
        .eval("return document.querySelectorAll('#conversation .message.assistant .call').length")
        .await;
    assert!(calls.as_u64().unwrap() >= 2, "{calls}");
    browser.screenshot("day").await;

    browser.goto(&format!("{}/settings", server.url)).await;
    browser
        .wait_text("#connection", |t| t.starts_with("Connected to"))
        .await;
    browser.screenshot("settings").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_show_inline_and_disable_submit() {
    let (_workspace, _server, browser) = plan_page().await;
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

/// Clicks a navigation link by its text.
async fn nav(browser: &Browser, text: &str) {
    browser
        .client
        .find(fantoccini::Locator::LinkText(text))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
    nav(&browser, "Plan").await;
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

    nav(&browser, "Settings").await;
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/app/settings"
    );
    browser.set_value("#server-url", &server.url).await;
    browser.wait_for("#save").await.click().await.unwrap();
    browser
        .wait_text("#connection", |t| t.starts_with("Connected to"))
        .await;
    nav(&browser, "Plan").await;
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

/// Prints the UI's figures (no timing assertions): time to interactive on localhost, and the
/// time from an input to the rendered preview of 20 models × 250 days.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_performance_figures() {
    let models: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"name": "M{i}", "basemodel": "mock", "signature": "m{i:02}", "enabled": true, "provider": "mock"}}"#))
        .collect();
    let config = format!(r#"{{"models": [{}]}}"#, models.join(","));
    let workspace = Workspace::new();
    // DEV without preserving: the synthetic demo market (2024-01-02 to yesterday) is seeded.
    let options = Options {
        env: vec![("DEPLOYMENT_MODE".into(), "DEV".into())],
        config: Some(config),
    }
    .with("MAX_SIMULATION_DAYS", "400")
    .with("AI_TRADER_UI_DIR", ui_dir().to_str().unwrap());
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", server.url)).await;
    browser.wait_for("input[data-model=\"m19\"]").await;
    let tti = browser.eval("return performance.now()").await;
    // 250 calendar days.
    browser.set_value("#start", "2025-01-01").await;
    browser.set_value("#end", "2025-09-07").await;
    browser
        .wait_for("tr[data-model=\"m19\"] td[data-date=\"2025-09-07\"]")
        .await;
    let cells = browser
        .eval("return document.querySelectorAll('td.cell').length")
        .await;
    assert_eq!(cells, json!(20 * 250));
    // A change planned locally (no fetch): toggling "Re-run completed days".
    let ms = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; const t0 = performance.now(); \
             document.querySelector('#replace').click(); \
             requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));",
            vec![],
        )
        .await
        .unwrap();
    println!(
        "UI: time to interactive {:.0} ms (plan page with 20 models, localhost); input to rendered preview of 20 models x 250 days: {:.1} ms",
        tti.as_f64().unwrap_or(0.0),
        ms.as_f64().unwrap_or(0.0)
    );
    browser.screenshot("plan-large").await;
    browser.close().await;
}

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
    let options = ui_options();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    let plan = |start: &'static str, end: &'static str| {
        let browser = &browser;
        let url = server.url.clone();
        async move {
            browser.goto(&format!("{url}/")).await;
            browser.wait_for("input[data-model=\"mock-trader\"]").await;
            browser.set_value("#start", start).await;
            browser.set_value("#end", end).await;
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
        .wait_text("#totals", |t| t.contains("completed 2"))
        .await;
    submit_and_compare(&browser, &server).await;
    // Before the history, with replace_existing: re-runs.
    plan("2025-07-02", "2025-07-03").await;
    browser
        .wait_text("#plan-error", |t| t.contains("already completed"))
        .await;
    browser.wait_for("#replace").await.click().await.unwrap();
    grid_until("2025-07-03").await;
    browser
        .wait_text("#totals", |t| t.starts_with("6 run"))
        .await;
    submit_and_compare(&browser, &server).await;
    browser.close().await;
}
