//! A DEV run over October 2025 on the real NASDAQ-100 prices with the mock and both baselines:
//! buy-and-hold QQQ tracks the QQQ closes, and every value in /results recomputes from the
//! trades and the closes in the data files.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use ai_trader_e2e::{Options, Workspace, real_data_dir};
use serde_json::{Value, json};

/// (open, close) per symbol and date, read straight from the Alpha Vantage files.
fn prices() -> HashMap<String, BTreeMap<String, (f64, f64)>> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir(real_data_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(symbol) = name
            .strip_prefix("daily_prices_")
            .and_then(|s| s.strip_suffix(".json"))
        else {
            continue;
        };
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let bars = json["Time Series (Daily)"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(date, bar)| {
                let num = |k: &str| bar[k].as_str().unwrap().parse::<f64>().unwrap();
                (date.clone(), (num("1. open"), num("4. close")))
            })
            .collect();
        out.insert(symbol.to_owned(), bars);
    }
    out
}

fn close_enough(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// A position's holdings as symbol → shares.
fn holdings_of(position: &Value) -> BTreeMap<String, i64> {
    position["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["symbol"].as_str().unwrap().to_owned(),
                h["quantity"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn october_2025_recomputes_from_trades_and_closes() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-10-01", "end_date": "2025-10-30"}))
        .await;
    let status = server.wait(&job, Duration::from_secs(120)).await;
    assert_eq!(status["status"], "completed", "{status}");
    // 22 trading days in 2025-10-01..30, three models.
    assert_eq!(status["progress"]["completed"], 66);

    let prices = prices();
    let close = |symbol: &str, date: &str| prices[symbol][date].1;

    let (_, range) = server
        .get("/results?start_date=2025-10-01&end_date=2025-10-30")
        .await;
    let ranges: HashMap<String, Value> = range["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["model"].as_str().unwrap().to_owned(), r.clone()))
        .collect();

    // Buy and hold QQQ: the invested part moves exactly with the QQQ closes.
    let bh = &ranges["buy-and-hold-qqq"];
    let values = bh["daily_portfolio_values"].as_array().unwrap();
    let open_first = prices["QQQ"]["2025-10-01"].0;
    let shares = (10_000.0 / open_first).floor();
    let cash = 10_000.0 - shares * open_first;
    let first = values[0]["portfolio_value"].as_f64().unwrap();
    let last = values.last().unwrap()["portfolio_value"].as_f64().unwrap();
    let ratio = close("QQQ", "2025-10-30") / close("QQQ", "2025-10-01");
    assert!(close_enough((last - cash) / (first - cash), ratio));
    let expected_return = ((cash + shares * close("QQQ", "2025-10-30")) / 10_000.0 - 1.0) * 100.0;
    assert!(
        (bh["period_metrics"]["period_return_pct"].as_f64().unwrap() - expected_return).abs()
            < 0.006
    );
    // One baseline for the range, for every model: QQQ held from the close before the range
    // (2025-09-30) to each close, as the models' returns are measured from the previous close.
    let baseline = &range["baseline"];
    assert_eq!(baseline["symbol"], "QQQ");
    let qqq_ratio = close("QQQ", "2025-10-30") / close("QQQ", "2025-09-30");
    let baseline_return = baseline["period_metrics"]["period_return_pct"]
        .as_f64()
        .unwrap();
    assert!(
        (baseline_return - (qqq_ratio - 1.0) * 100.0).abs() < 0.006,
        "{baseline}"
    );
    assert_eq!(
        baseline["daily_portfolio_values"].as_array().unwrap().len(),
        22
    );
    assert!(ranges.values().all(|r| r.get("baseline").is_none()));

    // Every model-day: cash and holdings follow the trades, value = cash + shares × close.
    for model in ["mock-trader", "buy-and-hold-qqq", "equal-weight"] {
        let mut previous_value = 10_000.0;
        for value in ranges[model]["daily_portfolio_values"].as_array().unwrap() {
            let date = value["date"].as_str().unwrap();
            let (_, day) = server
                .get(&format!("/results?start_date={date}&model={model}"))
                .await;
            let day = &day["results"][0];
            let start = &day["starting_position"];
            let mut cash = start["cash"].as_f64().unwrap();
            let mut holdings = holdings_of(start);
            for trade in day["trades"].as_array().unwrap() {
                let symbol = trade["symbol"].as_str().unwrap();
                let quantity = trade["quantity"].as_i64().unwrap();
                let price = trade["price"].as_f64().unwrap();
                assert_eq!(
                    price, prices[symbol][date].0,
                    "{model} {date}: trades fill at the open"
                );
                let signed = if trade["action_type"] == "buy" {
                    quantity
                } else {
                    -quantity
                };
                *holdings.entry(symbol.to_owned()).or_default() += signed;
                cash -= signed as f64 * price;
            }
            holdings.retain(|_, q| *q != 0);
            assert!(
                holdings.values().all(|q| *q > 0),
                "{model} {date}: no short positions"
            );
            assert!(cash >= 0.0, "{model} {date}: no negative cash");
            let final_position = &day["final_position"];
            assert!(
                close_enough(final_position["cash"].as_f64().unwrap(), cash),
                "{model} {date}"
            );
            let final_holdings = holdings_of(final_position);
            assert_eq!(final_holdings, holdings, "{model} {date}");
            let valued = cash
                + holdings
                    .iter()
                    .map(|(s, q)| *q as f64 * close(s, date))
                    .sum::<f64>();
            let reported = final_position["portfolio_value"].as_f64().unwrap();
            assert!(
                close_enough(reported, valued),
                "{model} {date}: {reported} != {valued}"
            );
            assert!(close_enough(
                value["portfolio_value"].as_f64().unwrap(),
                valued
            ));
            let profit = day["daily_metrics"]["profit"].as_f64().unwrap();
            assert!(
                close_enough(profit, valued - previous_value),
                "{model} {date}"
            );
            assert!(
                close_enough(start["portfolio_value"].as_f64().unwrap(), previous_value),
                "{model} {date}"
            );
            previous_value = valued;
        }
    }
    // The mock really traded and said so.
    let (_, reasoning) = server
        .get("/reasoning?model=mock-trader&date=2025-10-02")
        .await;
    let summary = reasoning["sessions"][0]["session_summary"]
        .as_str()
        .unwrap();
    assert!(summary.contains("bought 5 GOOGL at "), "{summary}");
}
