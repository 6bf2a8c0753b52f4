//! The worker in process: a real SQLite file, the synthetic market, the built-in agents.

#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::sync::Arc;

use ai_trader_core::{Date, DetailStatus, JobStatus, PlanRequest};

use ai_trader_server::app::AppState;
use ai_trader_server::config::{Env, FileConfig, ModelConfig, Provider};
use ai_trader_server::store::{DayFilter, DayRow};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// An application on a temporary database whose "today" is 2025-11-03, with the synthetic
/// market and `config`'s models.
fn app(config: FileConfig) -> (tempfile::TempDir, Arc<AppState>) {
    let dir = tempfile::tempdir().unwrap();
    let vars: BTreeMap<&str, &str> = [
        ("AI_TRADER_TODAY", "2025-11-03"),
        ("AI_TRADER_DEMO_MARKET", "true"),
        ("MAX_PARALLEL_MODELS", "2"),
    ]
    .into();
    let lookup = |name: &str| vars.get(name).map(|v| (*v).to_owned());
    let settings = Env(&lookup)
        .settings(Some(dir.path().join("jobs.db")))
        .unwrap();
    (dir, AppState::open(settings, config, true).unwrap())
}

/// Plans and creates a job over `start..end` (every enabled model unless `models`).
async fn create(state: &Arc<AppState>, start: &str, end: &str, models: Option<&[&str]>) -> String {
    let (job_id, _) = state
        .create_job(request(start, end, models))
        .await
        .unwrap()
        .unwrap();
    job_id
}

/// The trading days a job wrote, by model then date.
async fn days_of(state: &AppState, job_id: &str) -> Vec<DayRow> {
    state
        .db
        .trading_days(DayFilter {
            job_id: Some(job_id.to_owned()),
            ..DayFilter::default()
        })
        .await
        .unwrap()
}

fn request(start: &str, end: &str, models: Option<&[&str]>) -> PlanRequest {
    PlanRequest {
        start_date: Some(start.into()),
        end_date: end.into(),
        models: models.map(|m| m.iter().map(|s| (*s).to_owned()).collect()),
        replace_existing: false,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_runs_every_model_day_in_order_and_chains_each_model() {
    let (_dir, state) = app(FileConfig::builtin());
    let (job_id, plan) = state
        .create_job(request("2025-10-06", "2025-10-12", None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(plan.totals.run, 15, "5 trading days x 3 models");
    assert_eq!(
        state.worker.run(&job_id).await.unwrap(),
        Some(JobStatus::Completed)
    );
    let details = state.db.details(&job_id).await.unwrap();
    assert_eq!(details.len(), 21);
    for detail in &details {
        let weekend = detail.date >= d("2025-10-11");
        let expected = if weekend {
            DetailStatus::Skipped
        } else {
            DetailStatus::Completed
        };
        assert_eq!(detail.status, expected, "{detail:?}");
    }
    let days = days_of(&state, &job_id).await;
    assert_eq!(days.len(), 15);
    for pair in days.windows(2).filter(|p| p[0].model == p[1].model) {
        assert_eq!(
            pair[1].values.starting_portfolio_value, pair[0].values.ending_portfolio_value,
            "{} starts {} where it ended {}",
            pair[1].model, pair[1].date, pair[0].date
        );
        assert_eq!(pair[1].values.starting_cash, pair[0].values.ending_cash);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_of_a_running_job_waits_for_the_first_and_runs_nothing_twice() {
    let (_dir, state) = app(FileConfig::builtin());
    let job_id = create(&state, "2025-10-06", "2025-10-10", None).await;
    let (first, second) = tokio::join!(state.worker.run(&job_id), state.worker.run(&job_id));
    assert_eq!(first.unwrap(), Some(JobStatus::Completed));
    assert_eq!(second.unwrap(), Some(JobStatus::Completed));
    let days = days_of(&state, &job_id).await;
    assert_eq!(days.len(), 15, "every model-day exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_without_an_agent_fails_its_days_and_the_others_go_on() {
    // The job names a model that the running configuration no longer has.
    let mut config = FileConfig::builtin();
    config.models.push(ModelConfig {
        signature: "ghost".into(),
        provider: Some(Provider::Mock),
        ..config.models[0].clone()
    });
    let (_dir, state) = app(config);
    let job_id = create(
        &state,
        "2025-10-06",
        "2025-10-07",
        Some(&["mock-trader", "ghost"]),
    )
    .await;
    // The server restarts with a configuration that lost the model.
    let (settings, mut config) = (state.settings.clone(), state.config.clone());
    drop(state);
    config.models.retain(|m| m.signature != "ghost");
    let state = AppState::open(settings, config, true).unwrap();
    let status = state.worker.run(&job_id).await.unwrap();
    assert_eq!(status, Some(JobStatus::Partial));
    let details = state.db.details(&job_id).await.unwrap();
    for detail in details {
        if detail.model == "ghost" {
            assert_eq!(detail.status, DetailStatus::Failed);
            assert_eq!(
                detail.error.as_deref(),
                Some("Execution failed: Model ghost not found in config")
            );
        } else {
            assert_eq!(detail.status, DetailStatus::Completed);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_cancelled_before_it_runs_ends_cancelled_with_nothing_run() {
    let (_dir, state) = app(FileConfig::builtin());
    let job_id = create(&state, "2025-10-06", "2025-10-10", None).await;
    let outcome = state.db.cancel_job(&job_id).await.unwrap().unwrap();
    assert_eq!(outcome.cancelled_model_days, 15);
    assert_eq!(
        state.worker.run(&job_id).await.unwrap(),
        Some(JobStatus::Cancelled)
    );
    let job = state.db.job(&job_id).await.unwrap().unwrap();
    assert_eq!(job.progress.skipped, 15);
    assert_eq!(job.progress.completed, 0);
}
