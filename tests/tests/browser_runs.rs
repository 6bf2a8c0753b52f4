//! Runs in the browser, as a person uses them: a run name and repeats typed on the plan page,
//! the grid's rows per run, the job's grid, and the results page with its run filter, the
//! comparison table with intervals and the chart's band, on a desktop and a phone-width window.

use std::time::Duration;

use ai_trader_e2e::browser::Browser;
use ai_trader_e2e::{Options, Server, Workspace};
use fantoccini::key::Key;
use serde_json::json;

fn real_server() -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

/// The labels of the plan grid's rows.
async fn row_labels(browser: &Browser) -> Vec<String> {
    let labels = browser
        .eval("return [...document.querySelectorAll('table.grid tbody tr')].map(r => r.dataset.model)")
        .await;
    labels
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeats_typed_on_the_plan_page_run_and_are_compared_with_intervals() {
    let (_workspace, server) = real_server();
    let browser = Browser::start().await;
    browser
        .goto(&format!(
            "{}/?start=2025-09-02&end=2025-09-12&models=mock-trader",
            server.url
        ))
        .await;
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    browser
        .wait_for("tr[data-model=\"mock-trader\"] td[data-date=\"2025-09-12\"]")
        .await;

    // A run name and repeats, typed.
    browser.type_into("#run", "sept").await;
    browser.type_into("#repeats", "25").await;
    browser
        .wait_text("#plan-error", |t| {
            t == "Repeats must be a number from 1 to 20; 25 is not."
        })
        .await;
    browser
        .type_into(
            "#repeats",
            &format!("{}{}3", Key::Backspace, Key::Backspace),
        )
        .await;
    browser
        .wait_for("tr[data-model=\"mock-trader (run sept-3)\"] td[data-date=\"2025-09-12\"]")
        .await;
    assert_eq!(
        row_labels(&browser).await,
        [
            "mock-trader (run sept-1)",
            "mock-trader (run sept-2)",
            "mock-trader (run sept-3)"
        ]
    );
    browser
        .wait_text("#notes", |t| {
            t.contains("3 independent runs of each model (sept-1, sept-2, sept-3): every model starts from the initial cash.")
        })
        .await;
    browser
        .wait_text("#totals", |t| t.contains("27 model-days run"))
        .await;
    // The form is in the URL.
    let url = browser.eval("return location.search").await;
    assert!(
        url.as_str().unwrap().contains("run=sept&repeats=3"),
        "{url}"
    );
    browser.type_into("#note", "three seeds of the mock").await;
    browser.screenshot("runs-plan").await;

    // Start: the job's grid has a row per run, and the job remembers the runs and note.
    browser.click("#submit").await;
    browser
        .wait_for("table.grid tr[data-model=\"mock-trader (run sept-2)\"]")
        .await;
    browser.wait_text("#job-status", |t| t == "completed").await;
    let (_, jobs) = server.get("/simulate/jobs?limit=1").await;
    let job_id = jobs["jobs"][0]["job_id"].as_str().unwrap().to_owned();
    let (_, job) = server.get(&format!("/simulate/status/{job_id}")).await;
    assert_eq!(job["runs"], json!(["sept-1", "sept-2", "sept-3"]));
    assert_eq!(job["note"], "three seeds of the mock");
    // A completed day of a run opens that run's day.
    browser
        .click("tr[data-model=\"mock-trader (run sept-2)\"] td[data-date=\"2025-09-03\"] a")
        .await;
    browser
        .wait_text("h1", |t| t == "mock-trader (run sept-2) on 2025-09-03")
        .await;
    browser.wait_text("#day-cost", |t| t == "free").await;

    // The results: the comparison with intervals, the mean and its band in the chart.
    browser
        .goto(&format!(
            "{}/compare?from=2025-09-02&to=2025-09-12",
            server.url
        ))
        .await;
    let table = browser
        .wait_text("#comparison tr[data-model=\"mock-trader\"]", |t| {
            t.contains('±')
        })
        .await;
    let cells = browser
        .eval("return [...document.querySelectorAll('#comparison tr[data-model=\"mock-trader\"] td')].map(c => c.textContent)")
        .await;
    assert_eq!(cells[0], "3", "three runs: {table}");
    assert!(cells[1].as_str().unwrap().contains(" % ± "), "{cells}");
    browser
        .wait_text("#comparison-method", |t| t.contains("Student-t"))
        .await;
    browser
        .wait_for(".chart g.series[data-model=\"mock-trader (mean of 3 runs)\"] polygon.band")
        .await;
    for run in ["sept-1", "sept-2", "sept-3"] {
        browser
            .wait_for(&format!(
                "#leaderboard tr[data-model=\"mock-trader (run {run})\"]"
            ))
            .await;
    }
    browser.screenshot("runs-results").await;
    let costs = browser
        .eval("return [...document.querySelectorAll('#leaderboard tbody tr:not(.baseline) td:nth-last-child(2)')].map(c => c.textContent)")
        .await;
    assert_eq!(
        costs,
        json!(["free", "free", "free"]),
        "the mock costs nothing"
    );
    // Filter by run: one run left, no comparison.
    browser
        .eval("const s = document.querySelector('#run-filter'); s.value = 'sept-2'; s.dispatchEvent(new Event('change', {bubbles: true}));")
        .await;
    browser
        .wait_text("#leaderboard tbody", |t| {
            t.contains("run sept-2") && !t.contains("run sept-1")
        })
        .await;
    let compared = browser
        .eval("return document.querySelector('#comparison') === null")
        .await;
    assert_eq!(compared, json!(true), "one run: nothing to compare");
    let url = browser.eval("return location.search").await;
    assert!(url.as_str().unwrap().contains("run=sept-2"), "{url}");
    // The server's exports are offered.
    let href = browser
        .eval("return document.querySelector('#csv-comparison').href")
        .await;
    assert!(
        href.as_str().unwrap().ends_with(
            "/results/compare?start_date=2025-09-02&end_date=2025-09-12&run=sept-2&format=csv"
        ),
        "{href}"
    );

    // A phone: the plan form and the results fit the width.
    browser.resize(390, 844).await;
    browser
        .goto(&format!(
            "{}/compare?from=2025-09-02&to=2025-09-12",
            server.url
        ))
        .await;
    browser.wait_for("#comparison").await;
    browser.assert_no_sideways_scroll("results with runs").await;
    browser.screenshot("runs-results-phone").await;
    browser
        .goto(&format!("{}/?run=sept&repeats=3", server.url))
        .await;
    browser.wait_for("#repeats").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    browser.assert_no_sideways_scroll("plan with runs").await;
    browser.screenshot("runs-plan-phone").await;
    browser.close().await;
}
