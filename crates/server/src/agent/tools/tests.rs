use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::ledger::{DayBook, Fees, Position};
use serde_json::json;

use super::*;
use crate::market::{Bar, MarketData, PriceSource};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn bar(date: &str, open: f64, close: f64) -> Bar {
    Bar {
        date: d(date),
        open,
        high: open.max(close) + 1.0,
        low: open.min(close) - 1.0,
        close,
        volume: 1000,
    }
}

/// Prices from `(symbol, date, open, close)` rows.
fn market(rows: &[(&str, &str, f64, f64)]) -> MarketData {
    MarketData::new(rows.iter().map(|(symbol, date, open, close)| {
        (
            (*symbol).to_owned(),
            PriceSource::Imported,
            bar(date, *open, *close),
        )
    }))
}

fn tools(cash: f64) -> ToolBox {
    let market = market(&[
        ("AAPL", "2025-10-01", 100.0, 101.0),
        ("AAPL", "2025-10-02", 102.0, 103.0),
        ("AAPL", "2025-10-03", 104.0, 105.0),
        ("MSFT", "2025-10-02", 500.0, 505.0),
    ]);
    let today = d("2025-10-02");
    ToolBox::new(
        today,
        Arc::new(market),
        DayBook::new(today, Position::all_cash(cash), Fees::default()),
    )
}

/// Runs a tool call to completion (only `search` really awaits).
fn call(
    t: &mut ToolBox,
    name: &str,
    args: &serde_json::Value,
) -> Result<serde_json::Value, ToolError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(t.call(name, args))
}

fn error(result: Result<serde_json::Value, ToolError>) -> String {
    result.unwrap_err().to_string()
}

#[test]
fn l10_get_price_never_looks_ahead() {
    let mut t = tools(1000.0);
    let past = call(
        &mut t,
        "get_price",
        &json!({"symbol": "AAPL", "date": "2025-10-01"}),
    )
    .unwrap();
    assert_eq!(past["close"], 101.0);
    let today = call(
        &mut t,
        "get_price",
        &json!({"symbol": "aapl", "date": "2025-10-02"}),
    )
    .unwrap();
    assert_eq!(
        today,
        json!({"symbol": "AAPL", "date": "2025-10-02", "open": 102.0}),
        "only the open today"
    );
    assert_eq!(
        error(call(
            &mut t,
            "get_price",
            &json!({"symbol": "AAPL", "date": "2025-10-03"})
        )),
        "No data after the simulated day 2025-10-02: 2025-10-03 is in the future"
    );
    assert_eq!(
        error(call(
            &mut t,
            "get_price",
            &json!({"symbol": "AAPL", "date": "10/01/2025"})
        )),
        "Invalid date format: 10/01/2025. Expected YYYY-MM-DD"
    );
    assert_eq!(
        error(call(
            &mut t,
            "get_price",
            &json!({"symbol": "ZZZ", "date": "2025-10-01"})
        )),
        "No price for ZZZ on 2025-10-01"
    );
}

#[test]
fn l07_amounts_must_be_whole_and_positive() {
    let mut t = tools(10_000.0);
    for (amount, expected) in [
        (
            json!(-5),
            "Invalid amount -5: must be a whole number of shares greater than 0",
        ),
        (
            json!(0),
            "Invalid amount 0: must be a whole number of shares greater than 0",
        ),
        (
            json!(2.5),
            "Invalid amount 2.5: must be a whole number of shares greater than 0",
        ),
        (
            json!("many"),
            "argument amount must be a number, got \"many\"",
        ),
    ] {
        assert_eq!(
            error(call(
                &mut t,
                "buy",
                &json!({"symbol": "AAPL", "amount": amount})
            )),
            expected
        );
    }
    assert_eq!(
        t.position(),
        json!({"CASH": 10_000.0}),
        "refused trades change nothing"
    );
    // Quoted numbers are a common model quirk and are accepted.
    assert_eq!(
        call(&mut t, "buy", &json!({"symbol": "AAPL", "amount": "3"})).unwrap(),
        json!({"CASH": 9694.0, "AAPL": 3})
    );
}

#[test]
fn bug_44_sell_proceeds_fund_a_later_buy_the_same_day() {
    let mut t = tools(600.0);
    call(&mut t, "buy", &json!({"symbol": "AAPL", "amount": 5})).unwrap();
    assert!(
        error(call(&mut t, "buy", &json!({"symbol": "MSFT", "amount": 1})))
            .starts_with("Insufficient cash")
    );
    call(&mut t, "sell", &json!({"symbol": "AAPL", "amount": 5})).unwrap();
    assert_eq!(
        call(&mut t, "buy", &json!({"symbol": "MSFT", "amount": 1})).unwrap(),
        json!({"CASH": 100.0, "MSFT": 1})
    );
}

#[test]
fn l11_model_supplied_context_is_ignored() {
    let mut t = tools(1000.0);
    let result = call(&mut t, "buy",
            &json!({"symbol": "AAPL", "amount": 1, "signature": "other-model", "today_date": "2025-10-03",
                    "job_id": "forged", "_current_position": {"CASH": 1e9}}),
        )
        .unwrap();
    assert_eq!(
        result,
        json!({"CASH": 898.0, "AAPL": 1}),
        "priced at the real day's open, from the real cash"
    );
}

#[test]
fn shorting_unknown_tools_and_bad_arguments() {
    let mut t = tools(1000.0);
    assert_eq!(
        error(call(
            &mut t,
            "sell",
            &json!({"symbol": "AAPL", "amount": 1})
        )),
        "No position for AAPL"
    );
    assert_eq!(
        error(call(&mut t, "buy", &json!({"symbol": "ZZZ", "amount": 1}))),
        "Symbol ZZZ not found on 2025-10-02"
    );
    assert_eq!(
        error(call(&mut t, "buy", &json!({"amount": 1}))),
        "missing argument: symbol"
    );
    assert_eq!(
        error(call(&mut t, "buy", &json!([1]))),
        "arguments of buy must be a JSON object"
    );
    assert!(error(call(&mut t, "short", &json!({}))).starts_with("unknown tool short"));
    assert_eq!(
        call(&mut t, "add", &json!({"a": 1.5, "b": 2})).unwrap(),
        json!(3.5)
    );
    assert_eq!(
        call(&mut t, "multiply", &json!({"a": "3", "b": 4})).unwrap(),
        json!(12.0)
    );
    assert_eq!(
        call(&mut t, "get_position", &serde_json::Value::Null).unwrap(),
        json!({"CASH": 1000.0})
    );
}

#[test]
fn every_tool_has_a_definition_with_a_schema() {
    let names: Vec<&str> = tool_definitions(false).iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "get_price",
            "get_position",
            "buy",
            "sell",
            "add",
            "multiply"
        ]
    );
    for tool in tool_definitions(true) {
        assert_eq!(tool.parameters["type"], "object", "{}", tool.name);
    }
}

#[test]
fn l09_extra_symbols_never_make_a_day_incomplete() {
    // FB is not in the universe and misses days; AAPL alone decides.
    let market = market(&[
        ("AAPL", "2025-10-01", 1.0, 1.0),
        ("AAPL", "2025-10-02", 1.0, 1.0),
        ("FB", "2025-10-01", 1.0, 1.0),
    ]);
    assert!(market.availability().incomplete.is_empty());
    assert_eq!(market.availability().symbols, 1);
}
