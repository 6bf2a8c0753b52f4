//! The UI beyond the plan page, in headless Chromium against the plain binary: the embedded UI
//! sent precompressed, the API token flow, a running job cancelled after a confirmation, and
//! every page at phone width (nothing scrolls sideways, cells big enough to tap, readable
//! contrast), with screenshots; and the UI's figures (time to interactive, input to preview).

use std::process::Command;
use std::time::Duration;

use ai_trader_e2e::browser::Browser;
use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, Reply, text};
use ai_trader_e2e::{Options, Server, Workspace, llm};
use serde_json::json;

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// Decodes `body` with the command-line tool of its encoding.
fn decode(tool: &str, body: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body");
    std::fs::write(&file, body).unwrap();
    let out = Command::new(tool)
        .args(["-d", "-c"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(out.status.success(), "{tool} could not decode the body");
    out.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_binary_serves_its_ui_precompressed() {
    let workspace = Workspace::new();
    // DEV without PRESERVE_DEV_DATA: the demo market, and a database reset at each start.
    let options = Options {
        env: vec![("DEPLOYMENT_MODE".into(), "DEV".into())],
        config: None,
    };
    let server = workspace.start(&options);
    let (status, headers, index) = server
        .get_raw("/", &[("accept-encoding", "identity")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    let index = String::from_utf8(index).unwrap();
    assert!(
        index.contains("_bg.wasm"),
        "the built UI is embedded: {index}"
    );
    let wasm = index
        .split(['"', '\''])
        .find(|part| part.ends_with("_bg.wasm"))
        .expect("the wasm's name")
        .trim_start_matches('/')
        .to_owned();
    let (_, _, raw) = server
        .get_raw(&format!("/{wasm}"), &[("accept-encoding", "identity")])
        .await;
    for (accept, encoding, tool) in [
        ("gzip, deflate, br", "br", "brotli"),
        ("gzip", "gzip", "gzip"),
    ] {
        let (status, headers, body) = server
            .get_raw(&format!("/{wasm}"), &[("accept-encoding", accept)])
            .await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-encoding"), encoding);
        assert_eq!(header(&headers, "content-type"), "application/wasm");
        assert_eq!(
            header(&headers, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(
            body.len() < raw.len() / 2,
            "{encoding}: {} of {}",
            body.len(),
            raw.len()
        );
        assert_eq!(decode(tool, &body), raw, "{encoding} decodes to the file");
        println!(
            "UI wasm: {} bytes raw, {} bytes {encoding}",
            raw.len(),
            body.len()
        );
        // Revalidation by ETag.
        let etag = header(&headers, "etag").to_owned();
        let (status, _, _) = server
            .get_raw(
                &format!("/{wasm}"),
                &[("accept-encoding", accept), ("if-none-match", &etag)],
            )
            .await;
        assert_eq!(status, 304);
    }
    // A browser's page paths are the UI; API paths and API clients' unknown paths stay JSON.
    let (status, headers, _) = server
        .get_raw(
            "/jobs/abc",
            &[("accept", "text/html"), ("accept-encoding", "br")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), "br");
    for path in ["/simulate/nowhere", "/jobs/abc"] {
        let (status, _, body) = server.get_raw(path, &[("accept", "*/*")]).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            String::from_utf8_lossy(&body).contains("\"detail\""),
            "{path}"
        );
    }

    // The first load in a browser: bytes on the wire and time to interactive.
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", server.url)).await;
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    let tti = browser.eval("return performance.now()").await;
    let bytes = browser
        .eval(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))\
             .filter(e => !e.name.includes('/simulate/') && !e.name.includes('/models') && !e.name.includes('/market/') && !e.name.includes('/health'))\
             .reduce((n, e) => n + e.transferSize, 0)",
        )
        .await;
    println!(
        "UI first load: {} bytes on the wire (HTML, JS, wasm, CSS, with headers), interactive after {:.0} ms on localhost",
        bytes,
        tti.as_f64().unwrap_or(0.0)
    );
    assert!(
        bytes.as_u64().unwrap() < raw.len() as u64,
        "sent compressed"
    );
    // The badge says what DEV mode does to the database.
    let badge = browser.wait_for("#mode-badge").await;
    let title = badge.attr("title").await.unwrap().unwrap_or_default();
    assert!(
        title.contains(
            "the database is reset each time the server starts; set PRESERVE_DEV_DATA=true to keep it"
        ),
        "{title}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_asked_for_then_sent() {
    let workspace = Workspace::new();
    let options = Options::dev().with("AI_TRADER_API_TOKEN", "s3cret-token");
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let browser = Browser::start().await;
    browser
        .goto(&format!("{}/?start=2025-07-07&end=2025-07-08", server.url))
        .await;
    browser.wait_for("table.grid td[data-status=\"run\"]").await;
    browser.click("#submit").await;
    browser
        .wait_text("p.error", |t| {
            t.starts_with(
                "This server needs an API token to start or cancel jobs. Enter it in Settings.",
            )
        })
        .await;
    browser.screenshot("plan-token-needed").await;
    browser.click("#to-settings").await;
    browser.type_into("#api-token", "s3cret-token").await;
    browser.click("#save").await;
    browser.wait_for("#saved").await;
    browser.screenshot("settings-token").await;
    // Back to the plan through the navigation: the form is as it was.
    browser.follow("Plan").await;
    browser
        .wait_for("table.grid td[data-date=\"2025-07-08\"][data-status=\"run\"]")
        .await;
    browser.click("#submit").await;
    browser.wait_text("#job-status", |t| t == "completed").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_job_shows_its_time_and_is_cancelled_after_a_question() {
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(Reply::Delayed(
        Duration::from_millis(1500),
        Box::new(text("Nothing to do. <FINISH_SIGNAL>")),
    )));
    let (_workspace, server) = llm::setup(&fake, "").await;
    let job = server
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-18"}))
        .await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/jobs/{job}", server.url)).await;
    browser
        .wait_text("#job-timing", |t| t.starts_with("running for"))
        .await;
    browser.click("#cancel").await;
    browser.wait_for("#cancel-confirm").await;
    browser.screenshot("job-cancel-question").await;
    // Polling does not close the question.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    browser.click("#cancel-yes").await;
    browser.wait_text("#job-status", |t| t == "cancelled").await;
    let counts = browser
        .wait_text("#counts", |t| t.contains("cancelled"))
        .await;
    // The weekend is skipped; the days the cancel stopped are cancelled, not skipped.
    assert!(counts.contains(" · 2 skipped · "), "{counts}");
    let (_, status) = server.get(&format!("/simulate/status/{job}")).await;
    let stopped = status["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["skip_reason"] == "cancelled")
        .count();
    assert!(stopped > 0);
    assert!(
        counts.ends_with(&format!("{stopped} cancelled")),
        "{counts}"
    );
    browser
        .wait_text("#job-ended", |t| t.contains("has ended: cancelled"))
        .await;
    browser.screenshot("job-cancelled").await;
    browser.close().await;
}

/// WCAG contrast of the text of each element matching `css` against its backdrop.
const CONTRAST: &str = r#"
const lum = c => { const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const backdrop = e => { for (; e; e = e.parentElement) { const bg = getComputedStyle(e).backgroundColor; if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg; } return 'rgb(255, 255, 255)'; };
return Array.from(document.querySelectorAll(arguments[0])).map(e => { const a = lum(getComputedStyle(e).color), b = lum(backdrop(e)); return [e.className || e.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });
"#;

async fn assert_contrast(browser: &Browser, css: &str) {
    let ratios = browser
        .client
        .execute(CONTRAST, vec![json!(css)])
        .await
        .unwrap();
    for pair in ratios.as_array().unwrap() {
        let ratio = pair[1].as_f64().unwrap();
        assert!(ratio >= 4.5, "{css}: {} has contrast {ratio:.2}", pair[0]);
    }
}

async fn phone_page(browser: &Browser, server: &Server, path: &str, ready: &str, name: &str) {
    browser.goto(&format!("{}{path}", server.url)).await;
    browser.wait_for(ready).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    browser.assert_no_sideways_scroll(name).await;
    browser.screenshot(&format!("{name}-phone")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-07-01", "end_date": "2025-07-30"}))
        .await;
    server.wait(&job, Duration::from_secs(60)).await;
    let browser = Browser::start().await;
    browser.resize(420, 900).await;
    let inner = browser.eval("return window.innerWidth").await;
    assert!(inner.as_u64().unwrap() <= 420, "{inner}");

    phone_page(
        &browser,
        &server,
        "/?start=2025-07-01&end=2025-07-30",
        "table.grid td[data-date=\"2025-07-30\"]",
        "plan",
    )
    .await;
    let smallest = browser
        .eval("return Math.min(...Array.from(document.querySelectorAll('td.cell')).map(td => Math.min(td.getBoundingClientRect().width, td.getBoundingClientRect().height)))")
        .await;
    assert!(
        smallest.as_f64().unwrap() >= 32.0,
        "cells are {smallest} px"
    );
    assert_contrast(
        &browser,
        ".badge, .hint, .tag, td.cell, th.date, .notes li, .totals span",
    )
    .await;
    phone_page(
        &browser,
        &server,
        &format!("/jobs/{job}"),
        "#job-ended",
        "job",
    )
    .await;
    assert_contrast(&browser, ".pill, .counts, .ended").await;
    phone_page(&browser, &server, "/jobs", "#jobs", "jobs").await;
    phone_page(
        &browser,
        &server,
        "/compare?from=2025-07-01&to=2025-07-30",
        ".chart svg",
        "results",
    )
    .await;
    assert_contrast(&browser, "#leaderboard td, #leaderboard th, .legend-item").await;
    // The chart: hovering shows every line's value at that date; a point opens its day.
    let chart = browser.wait_for(".chart svg").await;
    chart.click().await.unwrap();
    let hover = browser
        .wait_text("#chart-hover", |t| t.contains("mock-trader:"))
        .await;
    assert!(hover.contains("QQQ buy & hold:"), "{hover}");
    browser
        .eval("document.querySelector('.chart').scrollIntoView()")
        .await;
    browser.screenshot("results-hover-phone").await;
    phone_page(
        &browser,
        &server,
        "/day/mock-trader/2025-07-07",
        "#conversation",
        "day",
    )
    .await;
    phone_page(&browser, &server, "/settings", "#connection", "settings").await;

    // Desktop screenshots of the pages the other tests do not save.
    browser.resize(1400, 1000).await;
    browser
        .goto(&format!(
            "{}/compare?from=2025-07-01&to=2025-07-30",
            server.url
        ))
        .await;
    browser.wait_for(".chart svg").await;
    // The legend hides and shows a line.
    browser
        .click(".legend-item[data-series=\"equal-weight\"]")
        .await;
    let lines = browser
        .eval("return document.querySelectorAll('.chart g.series').length")
        .await;
    assert_eq!(lines, json!(3));
    browser
        .click(".legend-item[data-series=\"equal-weight\"]")
        .await;
    // 22 trading days: the annualised return is shown; the baseline is one row.
    browser.wait_for("#baseline-row").await;
    browser.screenshot("results-month").await;
    browser.close().await;
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
    .with("MAX_SIMULATION_DAYS", "400");
    // To measure another build of the UI against this one: AI_TRADER_UI_DIR=<its dist>.
    let options = match std::env::var("AI_TRADER_UI_DIR") {
        Ok(dir) => options.with("AI_TRADER_UI_DIR", &dir),
        Err(_) => options,
    };
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
