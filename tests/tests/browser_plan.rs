//! The plan page as a person uses it, in headless Chromium against the plain binary on real
//! prices: typed dates, where the data is, nothing to run, no model ticked, resume starts,
//! superseding with a confirmation, the form in the URL, and the grid from the keyboard.

use ai_trader_e2e::browser::Browser;
use ai_trader_e2e::{Options, Server, Workspace};
use fantoccini::key::Key;
use serde_json::{Value, json};

/// A DEV server on the real prices (2025-06-10..2025-10-30) with the UI it embeds.
fn real_server() -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

async fn open(server: &Server, path: &str) -> Browser {
    let browser = Browser::start().await;
    browser.goto(&format!("{}{path}", server.url)).await;
    browser.wait_for("input[data-model=\"mock-trader\"]").await;
    browser
}

async fn value_of(browser: &Browser, css: &str) -> Value {
    browser
        .eval(&format!("return document.querySelector('{css}').value"))
        .await
}

async fn submit_disabled(browser: &Browser) -> bool {
    browser
        .eval("return document.querySelector('#submit').disabled")
        .await
        == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_date_is_kept_and_only_complete_dates_are_planned() {
    let (_workspace, server) = real_server();
    let browser = open(&server, "/").await;
    // Where the data is, and the latest five trading days with data as the default range.
    browser
        .wait_text("#coverage", |t| {
            t == "The server has prices from 2025-06-10 to 2025-10-30."
        })
        .await;
    browser
        .wait_for("table.grid td[data-date=\"2025-10-30\"]")
        .await;
    assert_eq!(value_of(&browser, "#end").await, json!("2025-10-30"));
    assert_eq!(value_of(&browser, "#start").await, json!("2025-10-24"));
    browser.screenshot("plan-defaults").await;

    // Dates typed digit by digit, as in the report: the field keeps what is typed.
    browser.eval("performance.clearResourceTimings()").await;
    browser.type_into("#start", "11262026").await;
    browser.type_into("#end", "12022026").await;
    assert_eq!(value_of(&browser, "#start").await, json!("2026-11-26"));
    assert_eq!(value_of(&browser, "#end").await, json!("2026-12-02"));
    // Planned: Thanksgiving closed, no prices on the other days.
    let thanksgiving = browser
        .wait_for("tr[data-model=\"mock-trader\"] td[data-date=\"2026-11-26\"]")
        .await;
    assert_eq!(
        thanksgiving.attr("data-status").await.unwrap().as_deref(),
        Some("holiday")
    );
    browser
        .wait_for("tr[data-model=\"mock-trader\"] td[data-date=\"2026-12-02\"][data-status=\"incomplete\"]")
        .await;
    // Nothing there has prices: the grid stays, with a sentence on top and Start disabled.
    browser
        .wait_text("#nothing-to-run", |t| {
            t.contains("without complete prices")
                && t.ends_with("Choose days within the range the server has prices for.")
        })
        .await;
    assert!(submit_disabled(&browser).await);
    // No half-typed year (0002, 0020, 0202) ever reached the planner or the server.
    let windows: Vec<String> = ai_trader_e2e::eventually(
        "the context of the typed window is fetched",
        std::time::Duration::from_secs(10),
        || async {
            let names = browser
                .eval(
                    "return performance.getEntriesByType('resource').map(e => e.name)\
                     .filter(n => n.includes('plan-context'))",
                )
                .await;
            let names: Vec<String> = serde_json::from_value(names).unwrap();
            if names
                .iter()
                .any(|w| w.contains("start_date=2026-11-26&end_date=2026-12-02"))
            {
                Ok(names)
            } else {
                Err(format!("{names:?}"))
            }
        },
    )
    .await;
    // Every window asked for is made of whole dates (a pause mid-typing may ask for one the
    // user passes through, like 2026-01-26 before the month's second digit), and the last
    // one is what was typed.
    let years = |w: &String| -> Vec<u32> {
        w.split(['=', '&'])
            .filter(|part| part.len() == 10 && part.as_bytes()[4] == b'-')
            .map(|date| date[..4].parse().unwrap())
            .collect()
    };
    assert!(
        windows.iter().all(|w| years(w).iter().all(|y| *y >= 1900)),
        "{windows:?}"
    );
    assert!(
        windows
            .last()
            .is_some_and(|w| w.contains("start_date=2026-11-26&end_date=2026-12-02")),
        "{windows:?}"
    );
    let shown_dates = browser
        .eval("return Array.from(document.querySelectorAll('table.grid th.date')).map(t => t.dataset.date)")
        .await;
    assert!(
        shown_dates
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d.as_str().unwrap() >= "2026-11-26"),
        "{shown_dates}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_to_run_keeps_the_grid_and_says_why() {
    let (_workspace, server) = real_server();
    let job = server
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-09"}))
        .await;
    server.wait(&job, std::time::Duration::from_secs(60)).await;
    let browser = open(&server, "/?start=2025-07-07&end=2025-07-09").await;
    browser
        .wait_text("#nothing-to-run", |t| {
            t == "All 9 model-days are already completed. Tick “Re-run completed days” to run them again."
        })
        .await;
    let completed = browser
        .eval("return document.querySelectorAll('td.cell[data-status=\"completed\"]').length")
        .await;
    assert_eq!(completed, json!(9), "the grid stays, with its reasons");
    assert!(submit_disabled(&browser).await);
    let text = browser.eval("return document.body.innerText").await;
    assert!(
        !text.as_str().unwrap().contains("replace_existing"),
        "no API names"
    );
    browser.screenshot("plan-nothing-to-run").await;

    // A weekend alone.
    browser.set_value("#start", "2025-07-05").await;
    browser.set_value("#end", "2025-07-06").await;
    browser
        .wait_text("#nothing-to-run", |t| {
            t.starts_with("All 6 model-days would be skipped: 6 on a weekend.")
        })
        .await;
    assert!(submit_disabled(&browser).await);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_model_ticked_means_nothing_to_run() {
    let (_workspace, server) = real_server();
    let browser = open(&server, "/?start=2025-07-07&end=2025-07-09").await;
    browser.wait_for("table.grid td.cell").await;
    for model in ["mock-trader", "buy-and-hold-qqq", "equal-weight"] {
        browser
            .click(&format!("input[data-model=\"{model}\"]"))
            .await;
    }
    browser
        .wait_text("#plan-incomplete", |t| {
            t == "No model is ticked: tick at least one model to plan a job."
        })
        .await;
    let cells = browser
        .eval("return document.querySelectorAll('td.cell').length")
        .await;
    assert_eq!(cells, json!(0));
    assert!(submit_disabled(&browser).await);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_mode_shows_each_models_own_start() {
    let (_workspace, server) = real_server();
    let job = server
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-09", "models": ["mock-trader"]}))
        .await;
    server.wait(&job, std::time::Duration::from_secs(60)).await;
    let browser = open(&server, "/?start=2025-07-07&end=2025-07-11").await;
    browser.click("#resume").await;
    browser.wait_for("#resume-note").await;
    let start_field = browser
        .eval("return document.querySelector('#start') !== null")
        .await;
    assert_eq!(start_field, json!(false), "no start date that is not used");
    browser
        .wait_text("tr[data-model=\"mock-trader\"] .row-note", |t| {
            t == "from 2025-07-10"
        })
        .await;
    browser
        .wait_text("tr[data-model=\"equal-weight\"] .row-note", |t| {
            t == "from 2025-07-10"
        })
        .await;
    browser.screenshot("plan-resume").await;
    // Up to date: no start date nobody typed is quoted.
    browser.set_value("#end", "2025-07-09").await;
    browser
        .click("input[data-model=\"buy-and-hold-qqq\"]")
        .await;
    browser.click("input[data-model=\"equal-weight\"]").await;
    browser
        .wait_text("#plan-error", |t| {
            t == "Every chosen model has already run up to 2025-07-09: there is nothing to resume."
        })
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn superseding_later_results_is_announced_and_confirmed() {
    let (_workspace, server) = real_server();
    let job = server
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-11", "models": ["mock-trader"]}))
        .await;
    server.wait(&job, std::time::Duration::from_secs(60)).await;
    let browser = open(
        &server,
        "/?start=2025-07-07&end=2025-07-08&models=mock-trader&replace=1",
    )
    .await;
    let notice = browser
        .wait_text("#supersede", |t| {
            t.contains("This job replaces 5 completed model-days")
        })
        .await;
    assert!(
        notice.contains("mock-trader: 2025-07-07 to 2025-07-11 (5 days)"),
        "{notice}"
    );
    browser.screenshot("plan-supersede").await;
    browser.click("#submit").await;
    browser.wait_for("#confirm").await;
    // Keeping them creates nothing.
    browser.click("#confirm-keep").await;
    let (_, jobs) = server.get("/simulate/jobs").await;
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 1);
    browser.click("#submit").await;
    browser.click("#confirm-replace").await;
    browser.wait_text("#job-status", |t| t == "completed").await;
    let (_, jobs) = server.get("/simulate/jobs").await;
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 2);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_lives_in_the_url_and_the_grid_is_one_tab_stop() {
    let (_workspace, server) = real_server();
    let browser = open(&server, "/").await;
    browser.wait_for("table.grid td.cell").await;
    // A range over two months, one model unticked, Re-run ticked.
    browser.set_value("#start", "2025-07-30").await;
    browser.set_value("#end", "2025-08-04").await;
    browser.click("input[data-model=\"equal-weight\"]").await;
    browser.click("#replace").await;
    browser
        .wait_for("table.grid td[data-date=\"2025-08-04\"]")
        .await;
    let months = browser
        .eval("return Array.from(document.querySelectorAll('th.month')).map(t => t.textContent)")
        .await;
    assert_eq!(months, json!(["Jul 2025", "Aug 2025"]));
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(
        url.query(),
        Some("start=2025-07-30&end=2025-08-04&models=mock-trader%2Cbuy-and-hold-qqq&replace=1")
    );
    // Reload: restored.
    browser.client.refresh().await.unwrap();
    browser
        .wait_for("table.grid td[data-date=\"2025-08-04\"]")
        .await;
    assert_eq!(value_of(&browser, "#start").await, json!("2025-07-30"));
    let ticked = browser
        .eval("return [document.querySelector('input[data-model=\"equal-weight\"]').checked, document.querySelector('#replace').checked]")
        .await;
    assert_eq!(ticked, json!([false, true]));
    // To Jobs and back through the navigation: restored.
    browser.follow("Jobs").await;
    browser.wait_for("section.jobs, p.empty").await;
    browser.follow("Plan").await;
    browser
        .wait_for("table.grid td[data-date=\"2025-08-04\"]")
        .await;
    assert_eq!(value_of(&browser, "#end").await, json!("2025-08-04"));

    // The grid is one Tab stop: from the last model, Tab reaches the grid…
    let stops = browser
        .eval("return document.querySelectorAll('table.grid td[tabindex=\"0\"]').length")
        .await;
    assert_eq!(stops, json!(1));
    browser
        .eval("document.querySelector('input[data-model=\"equal-weight\"]').focus()")
        .await;
    browser.press(&Key::Tab).await;
    assert_eq!(browser.focused_id().await, "cell-0-0");
    // …arrows move inside it, and each cell says model, date and reason.
    browser.press(&Key::Right).await;
    browser.press(&Key::Right).await;
    browser.press(&Key::Down).await;
    assert_eq!(browser.focused_id().await, "cell-1-2");
    let label = browser
        .eval("return document.activeElement.getAttribute('aria-label')")
        .await;
    assert_eq!(label, json!("buy-and-hold-qqq, Fri 1 Aug 2025: Runs"));
    browser.press(&Key::End).await;
    assert_eq!(browser.focused_id().await, "cell-1-5");
    browser
        .wait_text("#cell-detail", |t| {
            t == "buy-and-hold-qqq, Mon 4 Aug 2025: Runs"
        })
        .await;
    // Tab leaves the grid in one step.
    browser.press(&Key::Tab).await;
    assert_eq!(browser.focused_id().await, "submit");
    browser.screenshot("plan-keyboard").await;
    browser.close().await;
}
