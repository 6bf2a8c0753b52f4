//! Runs: independent portfolio chains of a model, repeats, their comparison with confidence
//! intervals, and CSV exports, over the real prices through the real binary.

use std::collections::BTreeMap;
use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace};
use serde_json::{Value, json};

const CONFIG: &str = r#"{"models": [
    {"name": "M", "basemodel": "mock/m", "signature": "m", "enabled": true, "provider": "mock"},
    {"name": "N", "basemodel": "mock/n", "signature": "n", "enabled": true, "provider": "mock"}
]}"#;

const INITIAL_CASH: f64 = 10_000.0;

fn start() -> (Workspace, Server) {
    let workspace = Workspace::new();
    let options = Options::dev().config(CONFIG);
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    (workspace, server)
}

async fn run(server: &Server, body: Value) -> Value {
    let job_id = server.trigger(&body).await;
    let job = server.wait(&job_id, Duration::from_secs(120)).await;
    assert_eq!(job["status"], "completed", "{body}: {job}");
    job
}

/// Each day of one (model, run): date → the day's JSON (single-date results).
async fn days(server: &Server, model: &str, run: &str, start: &str, end: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let first = start.to_owned();
    let (status, range) = server
        .get(&format!(
            "/results?model={model}&run={run}&start_date={first}&end_date={end}"
        ))
        .await;
    assert_eq!(status, 200, "{range}");
    assert_eq!(range["count"], 1, "one chain: {range}");
    for value in range["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap()
    {
        let date = value["date"].as_str().unwrap();
        let (_, day) = server
            .get(&format!(
                "/results?model={model}&run={run}&start_date={date}&end_date={date}"
            ))
            .await;
        out.push(day["results"][0].clone());
    }
    out
}

#[tokio::test]
async fn runs_are_independent_chains_and_replacing_one_leaves_the_others() {
    let (_workspace, server) = start();
    run(
        &server,
        json!({"start_date": "2025-07-01", "end_date": "2025-07-11", "models": ["m"]}),
    )
    .await;
    let main_before = days(&server, "m", "main", "2025-07-01", "2025-07-11").await;

    // Before main's history in main: refused. In a new run: it runs, from the initial cash.
    let (status, refused) = server
        .post(
            "/simulate/preview",
            &json!({"start_date": "2025-06-23", "end_date": "2025-06-27", "models": ["m"]}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("(before_history: 5)"),
        "{refused}"
    );
    let job = run(
        &server,
        json!({"start_date": "2025-06-23", "end_date": "2025-07-03", "models": ["m"],
               "run": "early", "note": "June, before main"}),
    )
    .await;
    assert_eq!(job["runs"], json!(["early"]));
    assert_eq!(job["note"], "June, before main");
    assert!(
        job["details"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["run"] == "early")
    );
    let early = days(&server, "m", "early", "2025-06-23", "2025-07-03").await;
    assert_eq!(early[0]["starting_position"]["cash"], INITIAL_CASH);
    assert_eq!(early[0]["starting_position"]["holdings"], json!([]));
    assert_eq!(early[0]["run"], "early");
    // Overlapping dates (07-01..07-03) in two runs: each its own position.
    let main_after = days(&server, "m", "main", "2025-07-01", "2025-07-11").await;
    assert_eq!(main_before, main_after, "main was not touched");
    let on_0701 = |days: &[Value]| {
        days.iter()
            .find(|d| d["date"] == "2025-07-01")
            .unwrap()
            .clone()
    };
    assert_ne!(
        on_0701(&early)["starting_position"],
        on_0701(&main_after)["starting_position"],
        "early's 07-01 starts from early's 06-30, not from main"
    );

    // Re-running a day of `early` supersedes only early's later days.
    run(
        &server,
        json!({"start_date": "2025-07-01", "end_date": "2025-07-01", "models": ["m"],
               "run": "early", "replace_existing": true}),
    )
    .await;
    let (_, current_main) = server
        .get("/results?model=m&run=main&start_date=2025-07-01&end_date=2025-07-11")
        .await;
    assert_eq!(
        current_main["results"][0]["daily_portfolio_values"]
            .as_array()
            .unwrap()
            .len(),
        8,
        "every main day is still current"
    );
    let (_, current_early) = server
        .get("/results?model=m&run=early&start_date=2025-06-23&end_date=2025-07-03")
        .await;
    let early_dates: Vec<&str> = current_early["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        early_dates,
        [
            "2025-06-23",
            "2025-06-24",
            "2025-06-25",
            "2025-06-26",
            "2025-06-27",
            "2025-06-30",
            "2025-07-01"
        ],
        "early's 07-02 and 07-03 were superseded by the re-run of 07-01"
    );

    // Resume mode continues each run after its own history.
    let (_, resumed) = server
        .post(
            "/simulate/preview",
            &json!({"end_date": "2025-07-15", "models": ["m"], "run": "early"}),
        )
        .await;
    assert_eq!(resumed["start_date"], "2025-07-02", "{resumed}");

    // /runs lists both with their figures and jobs.
    let (_, runs) = server.get("/runs?model=m").await;
    let names: Vec<&str> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["main", "early"], "{runs}");
    let early_run = &runs["runs"][1];
    assert_eq!(early_run["note"], "June, before main");
    assert_eq!(early_run["first_date"], "2025-06-23");
    assert_eq!(early_run["last_date"], "2025-07-01");
    assert_eq!(early_run["days"], 7);
    assert_eq!(early_run["job_ids"].as_array().unwrap().len(), 2);

    // Reasoning sessions filter by run too, each saying its run.
    let (_, sessions) = server.get("/reasoning?model=m&run=early").await;
    let sessions = sessions["sessions"].as_array().unwrap();
    assert_eq!(
        sessions.len(),
        10,
        "the first job's 9 days and the re-run's one"
    );
    assert!(sessions.iter().all(|s| s["run"] == "early"));
    let (_, main_sessions) = server.get("/reasoning?model=m&run=main").await;
    assert!(
        main_sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("run").is_none()),
        "main's sessions keep the reference's shape"
    );

    // A run name no run can have is refused by name.
    let (status, bad) = server.get("/results?run=no%20such").await;
    assert_eq!(status, 400, "{bad}");
    assert!(
        bad["detail"].as_str().unwrap().contains("parameter run"),
        "{bad}"
    );
    let (status, bad) = server
        .post(
            "/simulate/trigger",
            &json!({"start_date": "2025-07-01", "end_date": "2025-07-02", "repeats": 0}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(bad["detail"], "repeats must be between 1 and 20, got 0");
}

/// t(0.975, 4), from the published table to more digits than any figure shown.
const T_975_4: f64 = 2.776_445_105_197_799;

#[tokio::test]
async fn five_seeded_repeats_give_the_interval_computed_from_their_daily_values() {
    let (_workspace, server) = start();
    let (start, end) = ("2025-09-02", "2025-09-30");
    let job = run(
        &server,
        json!({"start_date": start, "end_date": end, "models": ["m", "n"], "run": "sep", "repeats": 5}),
    )
    .await;
    let names = ["sep-1", "sep-2", "sep-3", "sep-4", "sep-5"];
    assert_eq!(job["runs"], json!(names));
    // September 2025 has 21 trading days (Labor Day is the 1st).
    assert_eq!(
        job["progress"]["completed"],
        2 * 5 * 21,
        "{}",
        job["progress"]
    );

    // Five chains, each from the initial cash, with different trades.
    let mut returns = Vec::new();
    let mut trade_lists = Vec::new();
    for run in names {
        let (_, range) = server
            .get(&format!(
                "/results?model=m&run={run}&start_date={start}&end_date={end}"
            ))
            .await;
        let result = &range["results"][0];
        assert_eq!(result["run"], run);
        assert_eq!(
            result["period_metrics"]["starting_portfolio_value"],
            INITIAL_CASH
        );
        let values = result["daily_portfolio_values"].as_array().unwrap();
        assert_eq!(values.len(), 21);
        let last = values.last().unwrap()["portfolio_value"].as_f64().unwrap();
        returns.push((last - INITIAL_CASH) / INITIAL_CASH * 100.0);
        let (_, trades) = server
            .get(&format!(
                "/results/trades?model=m&run={run}&start_date={start}&end_date={end}"
            ))
            .await;
        let list: Vec<(String, String, u64)> = trades["trades"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["date"].as_str().unwrap().to_owned(),
                    t["symbol"].as_str().unwrap().to_owned(),
                    t["quantity"].as_u64().unwrap(),
                )
            })
            .collect();
        assert!(!list.is_empty(), "{run} traded");
        trade_lists.push(list);
    }
    for i in 0..5 {
        for j in i + 1..5 {
            assert_ne!(
                trade_lists[i], trade_lists[j],
                "repeats {i} and {j} traded alike"
            );
        }
    }

    // The API's interval equals the one computed here from the stored daily values.
    let (status, compared) = server
        .get(&format!(
            "/results/compare?start_date={start}&end_date={end}&models=m,n&run=sep"
        ))
        .await;
    assert_eq!(status, 200, "{compared}");
    assert_eq!(compared["confidence"], 0.95);
    let m = &compared["models"][0];
    assert_eq!(m["model"], "m");
    assert_eq!(m["runs"].as_array().unwrap().len(), 5);
    let mean = returns.iter().sum::<f64>() / 5.0;
    let sd = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / 4.0).sqrt();
    let half = T_975_4 * sd / 5f64.sqrt();
    let estimate = &m["period_return_pct"];
    let close = |a: &Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-9;
    assert_eq!(estimate["n"], 5);
    assert!(close(&estimate["mean"], mean), "{estimate} vs {mean}");
    assert!(close(&estimate["std_dev"], sd), "{estimate} vs {sd}");
    assert!(
        close(&estimate["low"], mean - half),
        "{estimate} vs {}",
        mean - half
    );
    assert!(
        close(&estimate["high"], mean + half),
        "{estimate} vs {}",
        mean + half
    );
    // Against the baseline over the same dates.
    let baseline = compared["baseline"]["daily_portfolio_values"]
        .as_array()
        .unwrap();
    let baseline_return = (baseline.last().unwrap()["portfolio_value"]
        .as_f64()
        .unwrap()
        - INITIAL_CASH)
        / INITIAL_CASH
        * 100.0;
    assert!(close(
        &m["excess_return_pct"]["mean"],
        mean - baseline_return
    ));
    let beating = returns.iter().filter(|r| **r > baseline_return).count();
    assert_eq!(m["runs_beating_baseline"], beating);

    // The CSV exports read back to the JSON's numbers.
    let table = csv(
        &server,
        &format!(
            "/results/compare?start_date={start}&end_date={end}&models=m,n&run=sep&format=csv"
        ),
    )
    .await;
    assert_eq!(table.len(), 2);
    assert_eq!(table[0]["model"], "m");
    for (column, field, part) in [
        ("period_return_pct_mean", "period_return_pct", "mean"),
        ("period_return_pct_low", "period_return_pct", "low"),
        ("sharpe_ratio_high", "sharpe_ratio", "high"),
        ("max_drawdown_pct_mean", "max_drawdown_pct", "mean"),
        ("excess_return_pct_low", "excess_return_pct", "low"),
    ] {
        let from_csv: f64 = table[0][column].parse().unwrap();
        assert_eq!(from_csv, m[field][part].as_f64().unwrap(), "{column}");
    }
    let days_csv = csv(
        &server,
        &format!("/results?model=m&run=sep-3&start_date={start}&end_date={end}&format=csv"),
    )
    .await;
    let (_, range) = server
        .get(&format!(
            "/results?model=m&run=sep-3&start_date={start}&end_date={end}"
        ))
        .await;
    let json_values = range["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap();
    assert_eq!(days_csv.len(), json_values.len());
    for (row, value) in days_csv.iter().zip(json_values) {
        assert_eq!(row["date"], value["date"].as_str().unwrap());
        assert_eq!(row["run"], "sep-3");
        let from_csv: f64 = row["ending_portfolio_value"].parse().unwrap();
        assert_eq!(from_csv, value["portfolio_value"].as_f64().unwrap());
    }
    let (_, trades) = server
        .get(&format!(
            "/results/trades?model=n&start_date={start}&end_date={end}"
        ))
        .await;
    let trades_csv = csv(
        &server,
        &format!("/results/trades?model=n&start_date={start}&end_date={end}&format=csv"),
    )
    .await;
    let trades = trades["trades"].as_array().unwrap();
    assert_eq!(trades_csv.len(), trades.len());
    for (row, trade) in trades_csv.iter().zip(trades) {
        assert_eq!(row["symbol"], trade["symbol"].as_str().unwrap());
        assert_eq!(row["run"], trade["run"].as_str().unwrap());
        assert_eq!(
            row["price"].parse::<f64>().unwrap(),
            trade["price"].as_f64().unwrap()
        );
        assert_eq!(
            row["cash_after"].parse::<f64>().unwrap(),
            trade["cash_after"].as_f64().unwrap()
        );
        assert_eq!(
            row["quantity"].parse::<u64>().unwrap(),
            trade["quantity"].as_u64().unwrap()
        );
    }
    // Accept: text/csv asks for CSV as well.
    let (status, headers, _) = server.get_raw("/runs", &[("accept", "text/csv")]).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
}

/// Fetches a CSV answer and reads it into rows by column name.
async fn csv(server: &Server, path: &str) -> Vec<BTreeMap<String, String>> {
    let (status, headers, body) = server.get_raw(path, &[]).await;
    let text = String::from_utf8(body).unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{path}"
    );
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().expect("a header row");
    records
        .map(|record| {
            assert_eq!(record.len(), header.len(), "{path}: {record:?}");
            header.iter().cloned().zip(record).collect()
        })
        .collect()
}

/// RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}
