use std::collections::BTreeMap;

use ai_trader_core::planner::ModelInfo;
use ai_trader_core::{Date, DetailStatus, JobStatus, PlanContext, PlanRequest, calendar, plan};

use super::*;
use crate::market::{Bar, MarketData, PriceSource};
use crate::store::{CompletedDay, DayActivity, DayFilter, DayValues, NewJob, Store};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nested/jobs.db"), Clock::system()).unwrap();
    (dir, store)
}

fn context(state: &PlanningState) -> PlanContext {
    let days: Vec<Date> = calendar::trading_days(d("2025-09-01"), d("2025-10-31")).collect();
    PlanContext {
        today: d("2025-11-01"),
        max_simulation_days: 30,
        models: vec![ModelInfo {
            signature: "m".into(),
            enabled: true,
        }],
        market: Some(ai_trader_core::MarketAvailability::from_symbol_dates([(
            "AAA", days,
        )])),
        history: state.history.clone(),
        active_jobs: state.active_jobs.clone(),
        download_missing: false,
    }
}

fn create(
    store: &SqliteStore,
    id: &str,
    start: &str,
    end: &str,
    replace: bool,
) -> Result<ai_trader_core::Plan, ai_trader_core::PlanError> {
    let request = PlanRequest {
        start_date: Some(start.into()),
        end_date: end.into(),
        models: None,
        replace_existing: replace,
        unknown_fields: Default::default(),
    };
    let job = NewJob {
        job_id: id.into(),
        created_at: Clock::system().timestamp(),
        request_json: "{}".into(),
    };
    store
        .create_job(&job, &mut |state| plan(&request, &context(state)))
        .unwrap()
}

fn completed(job: &str, date: &str, value: f64) -> CompletedDay {
    CompletedDay {
        job_id: job.into(),
        model: "m".into(),
        date: d(date),
        values: DayValues {
            starting_cash: 10_000.0,
            starting_portfolio_value: 10_000.0,
            daily_profit: value - 10_000.0,
            daily_return_pct: 0.0,
            ending_cash: value,
            ending_portfolio_value: value,
        },
        holdings: BTreeMap::new(),
        days_since_last_trading: 0,
        carried_prices: vec![],
        activity: DayActivity {
            fills: vec![],
            messages: vec![],
            summary: "s".into(),
            usage: Default::default(),
            started_at: Clock::system().timestamp(),
            completed_at: Clock::system().timestamp(),
            duration_seconds: 0.1,
        },
    }
}

fn run_all(store: &SqliteStore, job: &str, value: f64) {
    store.set_job_status(job, JobStatus::Running, None).unwrap();
    for detail in store.details(job).unwrap() {
        if detail.status == DetailStatus::Pending {
            assert!(store.start_detail(job, detail.date, "m", 3).unwrap());
            store
                .commit_day(&completed(job, &detail.date.to_string(), value))
                .unwrap();
        }
    }
    assert_eq!(
        store.finish_job_if_done(job).unwrap(),
        Some(JobStatus::Completed)
    );
}

#[test]
fn migrations_are_versioned_and_idempotent() {
    let (dir, store) = store();
    assert!(store.ping());
    drop(store);
    let reopened = SqliteStore::open(&dir.path().join("nested/jobs.db"), Clock::system()).unwrap();
    let version: i64 = reopened
        .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(version as usize, schema::SCHEMA_VERSION);
    let journal: String = reopened
        .read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn bug_32_36_foreign_keys_are_enforced() {
    let (_dir, store) = store();
    let err = store
        .commit_day(&completed("no-such-job", "2025-10-01", 1.0))
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    assert!(
        store
            .trading_days(&DayFilter::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn jobs_are_the_plan_and_transitions_are_checked() {
    let (_dir, store) = store();
    let plan = create(&store, "j1", "2025-10-02", "2025-10-05", false).unwrap();
    let job = store.job("j1").unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.warnings, plan.warnings);
    assert_eq!((job.progress.pending, job.progress.skipped), (2, 2));
    let details = store.details("j1").unwrap();
    assert_eq!(
        details[2].skip_reason,
        Some(ai_trader_core::SkipReason::Weekend)
    );
    assert_eq!(details[2].error.as_deref(), Some("Weekend"));
    // The same model cannot be taken twice while the job is active.
    let busy = create(&store, "j2", "2025-10-06", "2025-10-07", false).unwrap_err();
    assert!(
        busy.to_string().contains("already running in job j1"),
        "{busy}"
    );
    assert!(store.job("j2").unwrap().is_none());
    // Illegal moves are errors and write nothing.
    let err = store
        .set_job_status("j1", JobStatus::DownloadingData, None)
        .and_then(|_| store.set_job_status("j1", JobStatus::Pending, None));
    assert!(
        err.is_ok(),
        "downloading_data -> pending is restart recovery"
    );
    assert!(
        store
            .commit_day(&completed("j1", "2025-10-02", 1.0))
            .is_err(),
        "a pending detail cannot complete"
    );
    assert!(
        store
            .trading_days(&DayFilter::default())
            .unwrap()
            .is_empty(),
        "the failed commit rolled back"
    );
    run_all(&store, "j1", 10_100.0);
    let err = store
        .set_job_status("j1", JobStatus::Running, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "illegal job status transition: completed -> running"
    );
}

#[test]
fn replacing_supersedes_later_days_of_other_jobs() {
    let (_dir, store) = store();
    create(&store, "a", "2025-10-01", "2025-10-08", false).unwrap();
    run_all(&store, "a", 10_100.0);
    let plan = create(&store, "b", "2025-10-02", "2025-10-03", true).unwrap();
    assert_eq!(plan.superseded.len(), 5);
    run_all(&store, "b", 10_200.0);
    let current = store
        .trading_days(&DayFilter {
            current_only: true,
            ..DayFilter::default()
        })
        .unwrap();
    let dates: Vec<(String, String)> = current
        .iter()
        .map(|r| (r.date.to_string(), r.job_id.clone()))
        .collect();
    assert_eq!(
        dates,
        [
            ("2025-10-01".into(), "a".into()),
            ("2025-10-02".into(), "b".into()),
            ("2025-10-03".into(), "b".into())
        ]
    );
    assert_eq!(
        store
            .previous_day("m", d("2025-10-09"))
            .unwrap()
            .unwrap()
            .date,
        d("2025-10-03")
    );
    let all = store.trading_days(&DayFilter::default()).unwrap();
    assert_eq!(all.iter().filter(|r| r.superseded).count(), 5);
    assert_eq!(
        store.planning_state().unwrap().history["m"].completed.len(),
        3
    );
}

#[test]
fn cancel_and_recovery() {
    let (_dir, store) = store();
    create(&store, "c", "2025-10-01", "2025-10-03", false).unwrap();
    store.set_job_status("c", JobStatus::Running, None).unwrap();
    assert!(store.start_detail("c", d("2025-10-01"), "m", 3).unwrap());
    // A crash now: recovery puts the running day back to pending and the job to pending.
    assert_eq!(store.recover_interrupted(true).unwrap(), ["c"]);
    let job = store.job("c").unwrap().unwrap();
    assert_eq!(
        (job.status, job.progress.pending, job.progress.running),
        (JobStatus::Pending, 3, 0)
    );
    store.set_job_status("c", JobStatus::Running, None).unwrap();
    assert!(store.start_detail("c", d("2025-10-01"), "m", 3).unwrap());
    let outcome = store.cancel_job("c").unwrap().unwrap();
    assert_eq!(
        (
            outcome.cancelled_model_days,
            outcome.running,
            outcome.status
        ),
        (2, 1, JobStatus::Running)
    );
    assert!(
        !store.start_detail("c", d("2025-10-02"), "m", 3).unwrap(),
        "cancelled days do not start"
    );
    store
        .commit_day(&completed("c", "2025-10-01", 10_000.0))
        .unwrap();
    assert_eq!(
        store.finish_job_if_done("c").unwrap(),
        Some(JobStatus::Cancelled)
    );
    assert!(store.cancel_job("c").unwrap().unwrap().already_terminal);
    assert!(store.cancel_job("nope").unwrap().is_none());
}

#[test]
fn prices_round_trip() {
    let (_dir, store) = store();
    let bar = Bar {
        date: d("2025-10-01"),
        open: 1.5,
        high: 2.0,
        low: 1.0,
        close: 1.75,
        volume: 10,
    };
    assert_eq!(
        store
            .insert_prices(&[("AAPL".into(), bar)], PriceSource::Imported)
            .unwrap(),
        1
    );
    // Re-importing replaces rather than duplicates.
    store
        .insert_prices(&[("AAPL".into(), bar)], PriceSource::Imported)
        .unwrap();
    let market: MarketData = store.load_market().unwrap();
    assert_eq!(market.bar("AAPL", d("2025-10-01")), Some(&bar));
    assert_eq!(market.coverage()[0].days, 1);
    assert!(!market.is_synthetic());
}

#[test]
fn a_day_whose_process_keeps_stopping_is_failed_after_max_attempts() {
    let (_dir, store) = store();
    create(&store, "loop", "2025-10-01", "2025-10-02", false).unwrap();
    for _ in 0..2 {
        store
            .set_job_status("loop", JobStatus::Running, None)
            .unwrap();
        assert!(store.start_detail("loop", d("2025-10-01"), "m", 2).unwrap());
        // The process dies under the day; a restart puts it back to pending.
        store.recover_interrupted(true).unwrap();
    }
    store
        .set_job_status("loop", JobStatus::Running, None)
        .unwrap();
    assert!(!store.start_detail("loop", d("2025-10-01"), "m", 2).unwrap());
    let details = store.details("loop").unwrap();
    let day = details.iter().find(|x| x.date == d("2025-10-01")).unwrap();
    assert_eq!(day.status, DetailStatus::Failed);
    assert_eq!(
        day.error.as_deref(),
        Some("Abandoned after 2 attempts: the process running this model-day stopped each time")
    );
    // The model's next day still runs, and a retry of a running day is not a new attempt.
    assert!(store.start_detail("loop", d("2025-10-02"), "m", 1).unwrap());
    assert!(store.start_detail("loop", d("2025-10-02"), "m", 1).unwrap());
}
