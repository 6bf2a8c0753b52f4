//! The main flow against the real binary on real prices: trigger, status, results, reasoning,
//! preview, plan context, models, coverage, health.

use std::time::Duration;

use ai_trader_e2e::{Options, Workspace};
use serde_json::json;

#[tokio::test]
async fn trigger_run_and_read_everything_back() {
    let workspace = Workspace::new();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);

    let (status, health) = server.get("/health").await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["database"], "connected");
    assert_eq!(health["deployment_mode"], "DEV");
    assert_eq!(health["synthetic_market_data"], false);

    let (_, models) = server.get("/models").await;
    let signatures: Vec<&str> = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["signature"].as_str().unwrap())
        .collect();
    assert_eq!(
        signatures,
        ["mock-trader", "buy-and-hold-qqq", "equal-weight"]
    );

    let (_, coverage) = server.get("/market/coverage").await;
    assert_eq!(coverage["symbols"].as_array().unwrap().len(), 102);
    assert_eq!(coverage["tradable_dates"].as_array().unwrap().len(), 100);
    assert_eq!(coverage["first_date"], "2025-06-10");
    assert_eq!(coverage["synthetic"], false);

    // 2025-07-04 is a holiday, 07-05/06 a weekend.
    let request = json!({"start_date": "2025-07-01", "end_date": "2025-07-08", "models": null, "replace_existing": false});
    let (status, preview) = server.post("/simulate/preview", &request).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["grid"][0]["cells"], "RRRHWWRR");

    let (status, trigger) = server.post("/simulate/trigger", &request).await;
    assert_eq!(status, 200, "{trigger}");
    assert_eq!(trigger["status"], "pending");
    assert_eq!(trigger["total_model_days"], 24);
    assert_eq!(
        trigger["message"],
        "Simulation job created for 8 dates, 3 models"
    );
    assert_eq!(trigger["warnings"], preview["warnings"]);
    assert_eq!(
        trigger["warnings"],
        json!([
            "Skipped 2 dates due to weekends: ['2025-07-05', '2025-07-06']",
            "Skipped 1 dates due to market holidays: ['2025-07-04']"
        ])
    );
    let job_id = trigger["job_id"].as_str().unwrap();
    assert_eq!(job_id.len(), 36);

    let job = server.wait(job_id, Duration::from_secs(60)).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(
        job["progress"],
        json!({"total_model_days": 24, "completed": 15, "failed": 0, "pending": 0, "running": 0, "skipped": 9})
    );
    assert_eq!(
        job["warnings"], preview["warnings"],
        "warnings are stored at creation"
    );
    let holiday: Vec<_> = job["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["date"] == "2025-07-04")
        .collect();
    assert_eq!(holiday.len(), 3);
    for detail in holiday {
        assert_eq!(detail["status"], "skipped");
        assert_eq!(detail["skip_reason"], "market_holiday");
        assert_eq!(detail["error"], "Market holiday: Independence Day");
    }
    let done = &job["details"][0];
    assert_eq!(done["status"], "completed");
    assert!(done["started_at"].as_str().unwrap().ends_with('Z'));
    assert!(done["duration_seconds"].as_f64().unwrap() >= 0.0);

    // Single-date results with reasoning.
    let (status, day) = server
        .get("/results?start_date=2025-07-02&model=mock-trader&reasoning=full")
        .await;
    assert_eq!(status, 200, "{day}");
    assert_eq!(day["count"], 1);
    let item = &day["results"][0];
    assert_eq!(item["job_id"], job_id);
    assert_eq!(item["trades"][0]["action_type"], "buy");
    let conversation = item["reasoning"].as_array().unwrap();
    assert_eq!(conversation[0]["role"], "system");
    assert!(
        conversation
            .iter()
            .any(|m| m["role"] == "tool" && m["tool_name"] == "buy")
    );
    let (_, summary) = server
        .get("/results?start_date=2025-07-02&model=mock-trader&reasoning=summary")
        .await;
    assert!(
        summary["results"][0]["reasoning"]
            .as_str()
            .unwrap()
            .contains("bought")
    );

    // Range results with metrics and the baseline.
    let (status, range) = server
        .get("/results?start_date=2025-07-01&end_date=2025-07-08")
        .await;
    assert_eq!(status, 200, "{range}");
    assert_eq!(range["count"], 3);
    for item in range["results"].as_array().unwrap() {
        assert_eq!(item["daily_portfolio_values"].as_array().unwrap().len(), 5);
        assert_eq!(item["period_metrics"]["trading_days"], 5);
        assert_eq!(item["period_metrics"]["calendar_days"], 8);
    }
    assert_eq!(range["baseline"]["symbol"], "QQQ");
    assert_eq!(
        range["baseline"]["daily_portfolio_values"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Reasoning sessions.
    let (status, reasoning) = server
        .get(&format!("/reasoning?job_id={job_id}&model=mock-trader"))
        .await;
    assert_eq!(status, 200, "{reasoning}");
    assert_eq!(reasoning["count"], 5);
    assert!(reasoning["sessions"][0]["conversation"].is_null());
    assert_eq!(reasoning["sessions"][0]["positions"][0]["action_id"], 1);
    let (_, full) = server
        .get(&format!(
            "/reasoning?job_id={job_id}&date=2025-07-02&include_full_conversation=yes"
        ))
        .await;
    assert_eq!(full["count"], 3);
    assert!(
        full["sessions"][0]["conversation"]
            .as_array()
            .unwrap()
            .len()
            >= 4
    );

    // Listing and the plan context.
    let (_, jobs) = server.get("/simulate/jobs?limit=5").await;
    assert_eq!(jobs["total"], 1);
    assert_eq!(jobs["jobs"][0]["job_id"], job_id);
    assert_eq!(jobs["jobs"][0]["start_date"], "2025-07-01");
    let (status, context) = server
        .get("/simulate/plan-context?start_date=2025-07-01&end_date=2025-07-31")
        .await;
    assert_eq!(status, 200, "{context}");
    assert_eq!(
        context["history"]["mock-trader"]["completed"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(context["market"]["symbols"], 101);
    assert!(context["active_jobs"].as_array().unwrap().is_empty());

    let (status, openapi) = server.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/simulate/trigger"]["post"]["requestBody"].is_object());

    // Cancelling a finished job is refused and changes nothing.
    let (status, body) = server
        .post(&format!("/simulate/cancel/{job_id}"), &json!({}))
        .await;
    assert_eq!(status, 400, "{body}");
}
