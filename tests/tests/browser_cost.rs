//! Cost on the plan and job pages as a person sees them, in headless Chromium: the forecast
//! beside the grid (planned in the browser by the core, equal to the server's), a budget typed
//! with the keyboard and what it leaves unrun, a budget that is not a number, a phone-width
//! window, and a job that stops at its budget showing spent against forecast.

use ai_trader_e2e::browser::Browser;
use ai_trader_e2e::fake_openai::FakeOpenAi;
use ai_trader_e2e::llm::{T, priced_config};
use ai_trader_e2e::{Options, Server, Workspace};
use fantoccini::key::Key;
use serde_json::{Value, json};

/// USD per million tokens: a day of the fake (120 tokens) costs $1.20.
const PRICE: f64 = 10_000.0;

async fn server_with_history(fake: &FakeOpenAi) -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::prod().config(&priced_config(fake, &[("gpt-a", "")], PRICE));
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-03"}))
        .await;
    assert_eq!(server.wait(&job, T).await["status"], "completed");
    (workspace, server)
}

fn usd(value: &Value) -> String {
    format!("${:.2}", value.as_f64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_shows_the_forecast_and_a_typed_budget_and_the_job_spends_against_it() {
    let fake = FakeOpenAi::start().await;
    let (_workspace, server) = server_with_history(&fake).await;
    let request = json!({"start_date": "2025-10-06", "end_date": "2025-10-10", "models": ["gpt-a"], "max_cost_usd": 2.5});
    let (_, preview) = server.post("/simulate/preview", &request).await;
    let total = &preview["forecast"]["total"];
    let expected_cost = usd(&total["cost_usd"]["mean"]);

    let browser = Browser::start().await;
    browser
        .goto(&format!(
            "{}/?start=2025-10-06&end=2025-10-10&models=gpt-a",
            server.url
        ))
        .await;
    // Planned in the browser from the server's context: the server's figures.
    let text = browser
        .wait_text("#forecast-total", |t| t.starts_with("5 model-days"))
        .await;
    assert!(
        text.contains(&format!("cost {expected_cost}")),
        "{text} vs {preview}"
    );
    let row = browser
        .wait_text("#forecast-models tbody tr", |t| t.contains("gpt-a"))
        .await;
    assert!(row.contains("from its 3 model-days so far"), "{row}");

    // A budget typed with the keyboard: 2 of the 5 days fit, as the server says.
    assert_eq!(total["affordable_days"], 2, "{preview}");
    browser.type_into("#max-cost", "2.5").await;
    let budget = browser
        .wait_text("#forecast-budget", |t| t.contains("Budget $2.50"))
        .await;
    assert!(budget.contains("about 2 of 5 model-days fit"), "{budget}");

    // Not a number: said in words, and nothing can start.
    browser.type_into("#max-cost", "x").await;
    browser
        .wait_text("#plan-incomplete", |t| {
            t.contains("The budget must be an amount of dollars")
        })
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelector('#submit').disabled")
            .await,
        json!(true)
    );
    browser.press(&Key::Backspace).await;
    browser.wait_for("#forecast-budget").await;

    // On a phone the forecast fits without sideways scrolling.
    browser.resize(390, 844).await;
    browser
        .assert_no_sideways_scroll("plan with forecast")
        .await;
    browser
        .eval("document.querySelector('#forecast').scrollIntoView()")
        .await;
    browser.screenshot("plan-forecast-phone").await;
    browser.resize(1280, 900).await;

    browser.click("#submit").await;
    let cost = browser
        .wait_text("#job-cost", |t| t.starts_with("Spent $2.40"))
        .await;
    assert!(
        cost.contains(&format!("of a forecast {expected_cost}")) && cost.contains("budget $2.50"),
        "{cost}"
    );
    browser.wait_for("table.grid td.budget").await;
    let notes = browser
        .wait_text("#job-notes", |t| t.contains("budget"))
        .await;
    // In words, not the API's field names.
    assert!(
        notes.contains("3 model-days did not run: a budget ran out (2.40 of 2.50 USD spent)."),
        "{notes}"
    );
    assert!(!notes.contains("max_cost_usd"), "{notes}");
    browser.screenshot("job-budget").await;
    browser.close().await;
}
