//! The command line: help, run, import, and bad configuration.

use ai_trader_e2e::{Options, Workspace};

#[test]
fn help_lists_commands_with_examples() {
    let workspace = Workspace::new();
    let (code, out, _) = workspace.cli(&Options::default(), &["--help"]);
    assert_eq!(code, 0);
    for needle in [
        "serve",
        "import-prices",
        "run",
        "Examples:",
        "DEPLOYMENT_MODE=DEV ai-trader serve",
    ] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }
}

#[test]
fn run_executes_a_job_in_the_foreground_and_prints_results() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let (code, out, err) = workspace.cli(
        &options,
        &[
            "run",
            "--start",
            "2025-10-01",
            "--end",
            "2025-10-07",
            "--models",
            "mock-trader,buy-and-hold-qqq",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("] 14/14 model-days (0 failed)"),
        "progress bar: {err}"
    );
    assert!(
        err.contains("warning: Skipped 2 dates due to weekends: ['2025-10-04', '2025-10-05']"),
        "{err}"
    );
    assert!(out.contains(": completed"), "{out}");
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("mock-trader") || l.starts_with("buy-and-hold-qqq"))
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        rows.iter().all(|r| {
            let columns: Vec<&str> = r.split_whitespace().collect();
            columns[1] == "main" && columns[2] == "5"
        }),
        "the main run, 5 trading days each: {out}"
    );
    assert!(!out.contains('±'), "one run per model: no intervals: {out}");
    // Repeats: a row per run, then the comparison with intervals.
    let (code, out, err) = workspace.cli(
        &options,
        &[
            "run",
            "--start",
            "2025-10-01",
            "--end",
            "2025-10-07",
            "--models",
            "mock-trader",
            "--run",
            "oct",
            "--repeats",
            "3",
            "--note",
            "three seeds",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("] 21/21 model-days (0 failed)"), "{err}");
    for run in ["oct-1", "oct-2", "oct-3"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with("mock-trader") && l.contains(run)),
            "{run}: {out}"
        );
    }
    let table = out.lines().rfind(|l| l.starts_with("mock-trader")).unwrap();
    assert!(table.contains('±') && table.contains(" 3 "), "{out}");
    assert!(out.contains("Student-t"), "the method is stated: {out}");
    // A bad request is refused with the planner's message.
    let (code, _, err) = workspace.cli(
        &options,
        &["run", "--start", "2025-10-01", "--end", "2025-10-7"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("The end date (2025-10-7) is not a date of the form YYYY-MM-DD."),
        "{err}"
    );
}

#[test]
fn bad_config_files_name_the_file_and_the_field() {
    let workspace = Workspace::new();
    let options = Options::dev().config(
        r#"{"models": [{"name": "a", "basemodel": "b", "signature": "s", "enabled": "yes"}]}"#,
    );
    let (code, _, err) = workspace.cli(&options, &["serve", "--port", "0"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "config.json: models[0].enabled: invalid type: string \"yes\", expected a boolean"
        ),
        "{err}"
    );
    let missing = Options::dev().with("AI_TRADER_CONFIG", "/nonexistent/config.json");
    let (code, _, err) = workspace.cli(&missing, &["serve", "--port", "0"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("config file /nonexistent/config.json: cannot be read"),
        "{err}"
    );
    let bad_env = Options::dev().with("MAX_SIMULATION_DAYS", "-3");
    let (code, _, err) = workspace.cli(&bad_env, &["serve", "--port", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("MAX_SIMULATION_DAYS"), "{err}");
}

#[test]
fn importing_bad_price_files_imports_nothing() {
    let workspace = Workspace::new();
    let options = Options::dev();
    let dir = workspace.path("prices");
    std::fs::create_dir_all(&dir).unwrap();
    let (code, _, err) = workspace.cli(&options, &["import-prices", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("no price files found"), "{err}");
    let good =
        std::fs::read_to_string(ai_trader_e2e::real_data_dir().join("daily_prices_AAPL.json"))
            .unwrap();
    std::fs::write(dir.join("daily_prices_AAPL.json"), good).unwrap();
    std::fs::write(
        dir.join("daily_prices_MSFT.json"),
        r#"{"Meta Data": {"2. Symbol": "MSFT"}, "Time Series (Daily)": {"2025-10-01": {"1. open": "-1", "2. high": "2", "3. low": "1", "4. close": "1.5", "5. volume": "10"}}}"#,
    )
    .unwrap();
    let (code, _, err) = workspace.cli(&options, &["import-prices", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("daily_prices_MSFT.json: MSFT 2025-10-01: prices must be positive"),
        "{err}"
    );
    // Nothing of the good file was imported either.
    let server = workspace.start(&options.with("AI_TRADER_DEMO_MARKET", "false"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_, coverage) = rt.block_on(server.get("/market/coverage"));
    assert!(
        coverage["symbols"].as_array().unwrap().is_empty(),
        "{coverage}"
    );
}

#[test]
fn logs_can_be_json_lines() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let (code, _, err) = workspace.cli(
        &options,
        &[
            "--log-json",
            "run",
            "--start",
            "2025-10-01",
            "--end",
            "2025-10-01",
            "--models",
            "mock-trader",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let json_lines = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .collect::<Vec<_>>();
    assert!(!json_lines.is_empty(), "{err}");
    for line in json_lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value["level"].is_string(), "{line}");
    }
}

/// People read the CLI: a bad date is said once, and completed days are counted in a sentence,
/// not listed pair by pair.
#[test]
fn refusals_are_sentences() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let run = |start: &str, end: &str| {
        workspace.cli(
            &options,
            &[
                "run",
                "--start",
                start,
                "--end",
                end,
                "--models",
                "mock-trader",
            ],
        )
    };
    let (code, _, err) = run("2025-10-01", "2025-10-7");
    assert_eq!(code, 1);
    assert_eq!(
        err.matches("(2025-10-7) is not a date of the form YYYY-MM-DD")
            .count(),
        1,
        "{err}"
    );
    assert_eq!(run("2025-10-01", "2025-10-02").0, 0);
    let (code, _, err) = run("2025-10-01", "2025-10-02");
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "error: All 2 model-days are already completed. Pass --replace-existing to run completed days again."
        ),
        "{err}"
    );
    assert!(!err.contains("Details: ["), "{err}");
}

/// DEV mode resets its database at start and says so; a second process on the same database
/// refuses to start instead of deleting it under the first.
#[tokio::test]
async fn a_second_process_never_resets_a_database_in_use() {
    let workspace = Workspace::sqlite();
    let resetting = Options {
        env: vec![("DEPLOYMENT_MODE".into(), "DEV".into())],
        config: None,
    };
    let server = workspace.start(&resetting);
    assert!(
        server
            .log_text()
            .contains("DEV mode: database reset; set PRESERVE_DEV_DATA=true to keep it"),
        "{}",
        server.log_text()
    );
    let job = server
        .trigger(&serde_json::json!({"start_date": "2025-10-01", "end_date": "2025-10-02", "models": ["mock-trader"]}))
        .await;
    server.wait(&job, std::time::Duration::from_secs(30)).await;

    let (code, _, err) = workspace.cli(
        &resetting,
        &["run", "--start", "2025-10-06", "--end", "2025-10-07"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("is in use by another ai-trader process (pid "),
        "{err}"
    );
    // The first server's data is untouched.
    let (status, _) = server.get(&format!("/simulate/status/{job}")).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_prints_the_forecast_first_and_stops_at_max_cost() {
    use ai_trader_e2e::fake_openai::FakeOpenAi;
    use ai_trader_e2e::llm::priced_config;
    // A day of the fake costs 120 tokens at $10,000 per million: $1.20.
    let fake = FakeOpenAi::start().await;
    let workspace = Workspace::new();
    let options = Options::prod().config(&priced_config(&fake, &[("gpt-a", "")], 10_000.0));
    workspace.import_real_data(&options);
    let history = ["run", "--start", "2025-10-01", "--end", "2025-10-03"];
    let (code, out, err) = workspace.cli(&options, &history);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("cost unknown") || out.contains("unknown: no history"),
        "no history yet: {out}"
    );

    let (code, out, err) = workspace.cli(
        &options,
        &[
            "run",
            "--start",
            "2025-10-06",
            "--end",
            "2025-10-10",
            "--max-cost",
            "2.5",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let forecast = out.find("forecast of the job").expect("a forecast");
    let results = out.find(": completed").expect("results");
    assert!(forecast < results, "the forecast comes first: {out}");
    assert!(
        out.contains("forecast of the job: 5 model-days, cost $6.00"),
        "{out}"
    );
    assert!(out.contains("from its 3 model-days so far"), "{out}");
    assert!(
        out.contains("budget $2.50: about 2 of 5 model-days fit"),
        "{out}"
    );
    assert!(out.contains("cost of the job: $2.40"), "{out}");
    assert!(
        err.contains("warning: The job's budget (max_cost_usd) is exhausted")
            || out.contains("exhausted"),
        "{out}\n{err}"
    );
}
