//! Every response type round-trips a realistic sample unchanged: field names, nulls and shapes
//! are exactly the documented ones.

#![allow(clippy::needless_pass_by_value)] // samples are built inline with json!

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;

fn round_trip<T: Serialize + DeserializeOwned>(sample: Value) -> T {
    let typed: T = serde_json::from_value(sample.clone()).expect("sample parses");
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, sample, "round trip changed the JSON");
    typed
}

fn deployment() -> Value {
    json!({"deployment_mode": "DEV", "is_dev_mode": true, "preserve_dev_data": false})
}

fn merge(mut a: Value, b: Value) -> Value {
    a.as_object_mut()
        .unwrap()
        .extend(b.as_object().unwrap().clone());
    a
}

#[test]
fn trigger() {
    let request: TriggerRequest = serde_json::from_value(json!({
        "start_date": "2025-10-01", "end_date": "2025-10-05", "models": ["gpt-5"], "replace_existing": false,
        "unknown_key": "ignored"
    }))
    .unwrap();
    assert_eq!(request.models.as_deref(), Some(&["gpt-5".to_owned()][..]));
    let response: TriggerResponse = round_trip(merge(
        json!({
            "job_id": "c2b68f6a-8beb-4bd2-bd98-749cdd98dda6",
            "status": "pending",
            "total_model_days": 5,
            "message": "Simulation job created for 5 dates, 1 models",
            "warnings": ["Skipped 2 dates due to weekends: ['2025-10-04', '2025-10-05']"]
        }),
        deployment(),
    ));
    assert_eq!(response.status, crate::JobStatus::Pending);
}

#[test]
fn status() {
    let sample = merge(
        json!({
            "job_id": "c2b68f6a-8beb-4bd2-bd98-749cdd98dda6",
            "status": "completed",
            "progress": {"total_model_days": 2, "completed": 1, "failed": 0, "pending": 0, "running": 0, "skipped": 1},
            "date_range": ["2025-10-03", "2025-10-04"],
            "models": ["gpt-5"],
            "created_at": "2025-11-02T14:05:45.592208Z",
            "started_at": "2025-11-02T14:05:45.600000Z",
            "completed_at": "2025-11-02T14:05:46.100000Z",
            "total_duration_seconds": 0.5,
            "error": null,
            "details": [
                {"date": "2025-10-03", "model": "gpt-5", "status": "completed", "error": null, "skip_reason": null,
                 "started_at": "2025-11-02T14:05:45.636893Z", "completed_at": "2025-11-02T14:05:45.663431Z", "duration_seconds": 0.026538},
                {"date": "2025-10-04", "model": "gpt-5", "status": "skipped", "error": "Weekend", "skip_reason": "weekend",
                 "started_at": null, "completed_at": null, "duration_seconds": null}
            ],
            "warnings": ["Skipped 1 dates due to weekends: ['2025-10-04']"],
            "token_usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500},
            "cost": {"usd": 0.0045, "priced_days": 1, "unpriced_days": 0},
            "cost_by_model": {"gpt-5": {"usd": 0.0045, "priced_days": 1, "unpriced_days": 0}}
        }),
        json!({"deployment_mode": "PROD", "is_dev_mode": false, "preserve_dev_data": null}),
    );
    let status: JobStatusResponse = round_trip(sample);
    assert_eq!(
        status.details[1].skip_reason,
        Some(crate::SkipReason::Weekend)
    );
    assert_eq!(
        status.deployment,
        DeploymentInfo::new(DeploymentMode::Prod, true)
    );
}

#[test]
fn jobs_and_cancel() {
    round_trip::<JobsResponse>(json!({
        "jobs": [{
            "job_id": "j1", "status": "running", "models": ["a", "b"],
            "start_date": "2025-10-01", "end_date": "2025-10-10",
            "progress": {"total_model_days": 20, "completed": 4, "failed": 0, "pending": 14, "running": 2, "skipped": 0},
            "created_at": "2025-11-02T14:05:45.592208Z", "started_at": null, "completed_at": null,
            "total_duration_seconds": null, "error": null
        }],
        "total": 41, "limit": 20, "offset": 0
    }));
    round_trip::<CancelResponse>(json!({
        "job_id": "j1", "status": "running", "cancelled_model_days": 14,
        "message": "Cancelling: 14 pending model-days skipped; 2 running model-days will finish"
    }));
    let query: JobsQuery =
        serde_json::from_value(json!({"limit": 5, "status": "partial"})).unwrap();
    assert_eq!(
        (query.limit, query.offset, query.status),
        (Some(5), None, Some(crate::JobStatus::Partial))
    );
}

#[test]
fn results_single_day_and_range() {
    let day = json!({
        "date": "2025-10-02", "model": "gpt-5", "job_id": "j1",
        "starting_position": {"holdings": [{"symbol": "AAPL", "quantity": 5}], "cash": 8750.0, "portfolio_value": 10010.5},
        "daily_metrics": {"profit": 10.5, "return_pct": 0.105, "days_since_last_trading": 1},
        "trades": [{"action_type": "buy", "symbol": "MSFT", "quantity": 2, "price": 515.5, "created_at": "2025-11-02T14:05:45.600000Z"}],
        "final_position": {"holdings": [{"symbol": "AAPL", "quantity": 5}, {"symbol": "MSFT", "quantity": 2}], "cash": 7719.0, "portfolio_value": 10020.25},
        "metadata": {"total_actions": 1, "session_duration_seconds": 1.25, "completed_at": "2025-11-02T14:05:46Z",
                     "carried_prices": [], "token_usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                     "cost_usd": 0.0},
        "reasoning": "I bought 2 MSFT."
    });
    let metrics = json!({
        "starting_portfolio_value": 10000.0, "ending_portfolio_value": 10250.0, "period_return_pct": 2.5,
        "annualized_return_pct": 8400.77, "calendar_days": 2, "trading_days": 2,
        "daily_volatility_pct": 0.35, "sharpe_ratio": 3.1, "sortino_ratio": null,
        "max_drawdown_pct": 0.0, "max_drawdown_peak_date": null, "max_drawdown_trough_date": null,
        "win_rate_pct": 100.0, "winning_days": 2, "losing_days": 0, "number_of_trades": 3, "turnover": 0.4
    });
    let range = json!({
        "model": "gpt-5", "start_date": "2024-01-16", "end_date": "2024-01-17",
        "daily_portfolio_values": [{"date": "2024-01-16", "portfolio_value": 10100.0}, {"date": "2024-01-17", "portfolio_value": 10250.0}],
        "period_metrics": &metrics,
        "cost": {"usd": 0.0, "priced_days": 0, "unpriced_days": 5},
    });
    let baseline = json!({"symbol": "QQQ", "daily_portfolio_values": [{"date": "2024-01-16", "portfolio_value": 10050.0}], "period_metrics": metrics, "convention": "held"});
    let response: ResultsResponse =
        round_trip(json!({"count": 2, "results": [day, range], "baseline": baseline}));
    assert!(
        matches!(&response.results[0], ResultItem::Day(d) if matches!(d.reasoning, Some(Reasoning::Summary(_))))
    );
    assert!(matches!(&response.results[1], ResultItem::Range(_)));
    let query: ResultsQuery =
        serde_json::from_value(json!({"start_date": "2025-10-01", "reasoning": "full"})).unwrap();
    assert_eq!(query.reasoning, ReasoningLevel::Full);
    assert!(serde_json::from_value::<ResultsQuery>(json!({"reasoning": "verbose"})).is_err());
}

#[test]
fn reasoning() {
    let message = json!({
        "message_index": 1, "role": "assistant", "content": "Buying AAPL.", "summary": null,
        "tool_name": null, "tool_input": null, "tool_call_id": null,
        "tool_calls": [{"id": "call_1", "name": "buy", "arguments": "{\"symbol\":\"AAPL\",\"amount\":5}"}],
        "timestamp": "2025-11-02T14:05:45.600000Z"
    });
    let tool = json!({
        "message_index": 2, "role": "tool", "content": "{\"CASH\": 8750.0, \"AAPL\": 5}", "summary": null,
        "tool_name": "buy", "tool_input": "{\"symbol\":\"AAPL\",\"amount\":5}", "tool_call_id": "call_1",
        "tool_calls": [], "timestamp": "2025-11-02T14:05:45.700000Z"
    });
    let response: ReasoningResponse = round_trip(merge(
        json!({
            "sessions": [{
                "session_id": 7, "job_id": "j1", "date": "2025-10-02", "model": "gpt-5",
                "session_summary": "I bought 5 AAPL at the open.", "started_at": "2025-11-02T14:05:45.592208Z",
                "completed_at": "2025-11-02T14:05:46Z", "total_messages": 3,
                "positions": [{"action_id": 1, "action_type": "buy", "symbol": "AAPL", "amount": 5, "price": 250.0,
                               "cash_after": 8750.0, "portfolio_value": 10000.0}],
                "conversation": [message, tool],
                "token_usage": {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020},
                "cost_usd": null
            }],
            "count": 1,
            "page": {"total": 1, "offset": 0, "limit": 50, "next_offset": null}
        }),
        deployment(),
    ));
    assert_eq!(
        response.sessions[0].conversation.as_ref().unwrap()[1].role,
        Role::Tool
    );
}

#[test]
fn catalog() {
    round_trip::<ModelsResponse>(merge(
        json!({"models": [{"name": "GPT-5", "basemodel": "openai/gpt-5", "signature": "gpt-5", "enabled": true,
                           "provider": "openai", "openai_base_url": "https://openrouter.ai/api/v1", "has_api_key": true}]}),
        deployment(),
    ));
    round_trip::<CoverageResponse>(json!({
        "symbols": [{"symbol": "AAPL", "first_date": "2025-06-10", "last_date": "2025-10-30", "days": 100, "source": "imported"}],
        "first_date": "2025-06-10", "last_date": "2025-10-30",
        "tradable_dates": ["2025-06-10", "2025-06-11"],
        "incomplete": [{"date": "2025-06-12", "listed": 101, "missing": ["AAPL"]}],
        "synthetic": false
    }));
    round_trip::<HealthResponse>(merge(
        json!({"status": "healthy", "database": "connected", "timestamp": "2025-11-02T14:05:45.592208Z",
               "version": "0.1.0", "synthetic_market_data": true,
               "workers": [{"worker_id": "w1", "host": "box", "pid": 42,
                            "started_at": "2025-11-02T14:00:00.000000Z", "heartbeat_at": "2025-11-02T14:05:45.000000Z"}]}),
        deployment(),
    ));
    round_trip::<ErrorResponse>(json!({"detail": "Job abc not found"}));
}

#[test]
fn trigger_message_matches_the_reference() {
    let context: crate::PlanContext = serde_json::from_value(json!({
        "today": "2025-10-31", "models": [{"signature": "gpt-5", "enabled": true}]
    }))
    .unwrap();
    let request = crate::PlanRequest {
        end_date: "2025-10-03".into(),
        ..Default::default()
    };
    let plan = crate::plan(&request, &context).unwrap();
    assert_eq!(
        trigger_message(&plan),
        "Simulation job created for 1 dates, 1 models (resume mode)"
    );
}
