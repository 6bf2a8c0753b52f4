//! Bringing past runs along: a reference `position.jsonl` imported as a model's history.

use std::collections::HashMap;

use ai_trader_e2e::{Options, Workspace, real_data_dir};
use serde_json::{Value, json};

/// (open, close) of a symbol on a date, from the Alpha Vantage file.
fn bar(symbol: &str, date: &str) -> (f64, f64) {
    let text = std::fs::read_to_string(real_data_dir().join(format!("daily_prices_{symbol}.json")))
        .unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let b = &json["Time Series (Daily)"][date];
    let num = |k: &str| b[k].as_str().unwrap().parse::<f64>().unwrap();
    (num("1. open"), num("4. close"))
}

fn line(date: &str, id: u32, action: &Value, positions: &[(&str, f64)]) -> String {
    let positions: HashMap<&str, f64> = positions.iter().copied().collect();
    json!({"date": date, "id": id, "this_action": action, "positions": positions}).to_string()
}

/// `ai-trader import-run --model mock-trader FILE`: (exit code, stdout, stderr).
fn import_run(
    workspace: &Workspace,
    options: &Options,
    file: &std::path::Path,
) -> (i32, String, String) {
    workspace.cli(
        options,
        &[
            "import-run",
            "--model",
            "mock-trader",
            file.to_str().unwrap(),
        ],
    )
}

#[tokio::test]
async fn a_position_log_becomes_history_that_results_and_resume_use() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let (aapl1, _) = bar("AAPL", "2025-10-01");
    let (msft1, _) = bar("MSFT", "2025-10-01");
    let (aapl2, _) = bar("AAPL", "2025-10-02");
    let cash1 = 10_000.0 - 10.0 * aapl1;
    let cash2 = cash1 - 3.0 * msft1;
    let cash3 = cash2 + 4.0 * aapl2;
    let log = [
        line(
            "2025-10-01",
            1,
            &json!({"action": "buy", "symbol": "AAPL", "amount": 10}),
            &[("AAPL", 10.0), ("CASH", cash1)],
        ),
        line(
            "2025-10-01",
            2,
            &json!({"action": "buy", "symbol": "MSFT", "amount": 3, "price": msft1}),
            &[("AAPL", 10.0), ("MSFT", 3.0), ("CASH", cash2)],
        ),
        line(
            "2025-10-02",
            3,
            &json!({"action": "sell", "symbol": "AAPL", "amount": 4}),
            &[("AAPL", 6.0), ("MSFT", 3.0), ("CASH", cash3)],
        ),
        line(
            "2025-10-03",
            4,
            &json!({"action": "no_trade", "symbol": "", "amount": 0}),
            &[("AAPL", 6.0), ("MSFT", 3.0), ("CASH", cash3)],
        ),
    ]
    .join("\n");
    let file = workspace.path("position.jsonl");
    std::fs::write(&file, &log).unwrap();
    let (code, out, err) = import_run(&workspace, &options, &file);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Imported 3 days (3 trades) of mock-trader"),
        "{out}"
    );

    let server = workspace.start(&options);
    let (_, range) = server
        .get("/results?start_date=2025-10-01&end_date=2025-10-03&model=mock-trader")
        .await;
    let values = range["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap();
    let expected = [
        cash2 + 10.0 * bar("AAPL", "2025-10-01").1 + 3.0 * bar("MSFT", "2025-10-01").1,
        cash3 + 6.0 * bar("AAPL", "2025-10-02").1 + 3.0 * bar("MSFT", "2025-10-02").1,
        cash3 + 6.0 * bar("AAPL", "2025-10-03").1 + 3.0 * bar("MSFT", "2025-10-03").1,
    ];
    for (value, want) in values.iter().zip(expected) {
        let got = value["portfolio_value"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-6, "{got} != {want}");
    }
    let (_, day) = server
        .get("/results?start_date=2025-10-02&model=mock-trader")
        .await;
    let trade = &day["results"][0]["trades"][0];
    assert_eq!(
        (
            trade["action_type"].as_str(),
            trade["quantity"].as_u64(),
            trade["price"].as_f64()
        ),
        (Some("sell"), Some(4), Some(aapl2))
    );
    // A resume-mode job continues after the last imported day, from the imported position.
    let (_, preview) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": null, "end_date": "2025-10-07", "models": ["mock-trader"]}),
        )
        .await;
    assert_eq!(preview["grid"][0]["start_date"], "2025-10-04", "{preview}");
    let job = server
        .trigger(&json!({"start_date": null, "end_date": "2025-10-06", "models": ["mock-trader"]}))
        .await;
    server.wait(&job, std::time::Duration::from_secs(30)).await;
    let (_, monday) = server
        .get("/results?start_date=2025-10-06&model=mock-trader")
        .await;
    assert_eq!(
        monday["results"][0]["starting_position"]["cash"]
            .as_f64()
            .unwrap(),
        cash3
    );
    drop(server);

    // Importing over existing history is refused.
    let (code, _, err) = import_run(&workspace, &options, &file);
    assert_eq!(code, 1);
    assert!(err.contains("already has days from 2025-10-01"), "{err}");
}

#[tokio::test]
async fn a_log_that_contradicts_its_trades_is_refused_by_line() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let (aapl1, _) = bar("AAPL", "2025-10-01");
    let log = [
        line(
            "2025-10-01",
            1,
            &json!({"action": "buy", "symbol": "AAPL", "amount": 10}),
            &[("AAPL", 10.0), ("CASH", 10_000.0 - 10.0 * aapl1)],
        ),
        line(
            "2025-10-02",
            2,
            &json!({"action": "sell", "symbol": "AAPL", "amount": 4}),
            &[("AAPL", 7.0), ("CASH", 9_999.0)],
        ),
    ]
    .join("\n");
    let file = workspace.path("bad.jsonl");
    std::fs::write(&file, log).unwrap();
    let (code, _, err) = import_run(&workspace, &options, &file);
    assert_eq!(code, 1);
    assert!(
        err.contains("bad.jsonl:2: positions do not match the trades: the ledger has CASH"),
        "{err}"
    );
    assert!(
        err.contains("AAPL 6, the line says CASH 9999.00, AAPL 7"),
        "{err}"
    );
    std::fs::write(&file, "{\"date\": \"2025-10-01\"\nnot json").unwrap();
    let (code, _, err) = import_run(&workspace, &options, &file);
    assert_eq!(code, 1);
    assert!(err.contains("bad.jsonl:1: not JSON"), "{err}");
    // Nothing was imported.
    let server = workspace.start(&options);
    let (status, _) = server
        .get("/results?start_date=2025-10-01&end_date=2025-10-03")
        .await;
    assert_eq!(status, 404);
}

/// Upstream logs record a model's attempt to trade 0 shares as a buy or sell of 0 with the
/// positions unchanged: a no-trade. A 0-share trade whose positions change is still refused.
#[test]
fn zero_share_trades_that_change_nothing_are_no_trades() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let (aapl, _) = bar("AAPL", "2025-10-01");
    let after_buy = [("AAPL", 10.0), ("CASH", 10_000.0 - 10.0 * aapl)];
    let log = [
        line(
            "2025-10-01",
            1,
            &json!({"action": "buy", "symbol": "AAPL", "amount": 10}),
            &after_buy,
        ),
        line(
            "2025-10-02",
            2,
            &json!({"action": "buy", "symbol": "CRWD", "amount": 0}),
            &after_buy,
        ),
        line(
            "2025-10-03",
            3,
            &json!({"action": "sell", "symbol": "AAPL", "amount": 0}),
            &after_buy,
        ),
    ]
    .join("\n");
    let file = workspace.path("noops.jsonl");
    std::fs::write(&file, log).unwrap();
    let (code, out, err) = import_run(&workspace, &options, &file);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Imported 3 days (1 trades)"), "{out}");
    assert!(
        out.contains("2 buys or sells of 0 shares changed nothing and were taken as no trade"),
        "{out}"
    );

    let other = Workspace::new();
    other.import_real_data(&options);
    let changed = line(
        "2025-10-01",
        1,
        &json!({"action": "buy", "symbol": "AAPL", "amount": 0}),
        &[("AAPL", 1.0), ("CASH", 10_000.0 - aapl)],
    );
    let file = other.path("changed.jsonl");
    std::fs::write(&file, changed).unwrap();
    let (code, _, err) = import_run(&other, &options, &file);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "changed.jsonl:1: a trade of 0 AAPL changes the positions, so it is not a no-op"
        ),
        "{err}"
    );
}
