//! The store's behaviour, on every backend: SQLite always, and PostgreSQL when
//! `AI_TRADER_TEST_POSTGRES` names a server (a URL whose user may create databases; each test
//! gets a database of its own). The test script starts a throwaway cluster and sets it.

use std::collections::BTreeMap;
use std::time::Duration;

use ai_trader_core::planner::ModelInfo;
use ai_trader_core::{Date, DetailStatus, JobStatus, PlanContext, PlanRequest, calendar, plan};

use super::postgres::PostgresStore;
use super::sqlite::SqliteStore;
use super::*;
use crate::clock::Clock;
use crate::market::{Bar, MarketData, PriceSource};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A fresh store on each backend, with what keeps it alive.
fn stores() -> Vec<(Option<tempfile::TempDir>, Box<dyn Store>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("nested/jobs.db"), Clock::system()).unwrap();
    let mut all: Vec<(Option<tempfile::TempDir>, Box<dyn Store>)> =
        vec![(Some(dir), Box::new(sqlite))];
    if let Ok(url) = std::env::var("AI_TRADER_TEST_POSTGRES") {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, _) = url.rsplit_once('/').unwrap();
        let store = PostgresStore::connect(&format!("{base}/{name}"), Clock::system()).unwrap();
        all.push((None, Box::new(store)));
    }
    all
}

/// Runs `case` on every backend.
fn on_every_backend(case: impl Fn(&dyn Store)) {
    for (_dir, store) in stores() {
        case(store.as_ref());
    }
}

fn context(state: &PlanningState) -> PlanContext {
    let days: Vec<Date> = calendar::trading_days(d("2025-09-01"), d("2025-10-31")).collect();
    PlanContext {
        today: d("2025-11-01"),
        max_simulation_days: 30,
        models: vec![ModelInfo {
            signature: "m".into(),
            enabled: true,
            ..ModelInfo::default()
        }],
        market: Some(ai_trader_core::MarketAvailability::from_symbol_dates([(
            "AAA", days,
        )])),
        history: state.history.clone(),
        active_jobs: state.active_jobs.clone(),
        download_missing: false,
        ..PlanContext::default()
    }
}

fn create(
    store: &dyn Store,
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
        ..Default::default()
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
        run: "main".into(),
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
        cost_usd: Some(0.0),
    }
}

fn request(worker: &str, limit: u32, max_attempts: u32) -> ClaimRequest {
    ClaimRequest {
        worker_id: worker.into(),
        lease: Duration::from_secs(30),
        limit,
        max_parallel: 4,
        max_attempts,
    }
}

fn claim(store: &dyn Store, job: &str, worker: &str) -> Vec<Lease> {
    store
        .claim_ready(job, &request(worker, 10, 3))
        .unwrap()
        .claimed
}

/// Commits a claimed day (claiming nothing next).
fn commit(store: &dyn Store, lease: &Lease, value: f64) -> Result<(), StoreError> {
    let day = completed(&lease.job_id, &lease.date.to_string(), value);
    store.commit_day(&day, lease, None).map(|_| ())
}

fn run_all(store: &dyn Store, job: &str, value: f64) {
    store.set_job_status(job, JobStatus::Running, None).unwrap();
    loop {
        let claims = store.claim_ready(job, &request("w", 10, 3)).unwrap();
        if claims.unfinished == 0 {
            break;
        }
        assert_eq!(claims.claimed.len(), 1, "one model: one day at a time");
        for lease in &claims.claimed {
            commit(store, lease, value).unwrap();
        }
    }
    assert_eq!(
        store.finish_job_if_done(job).unwrap(),
        Some(JobStatus::Completed)
    );
}

fn lease(job: &str, date: &str, worker: &str, attempt: u32) -> Lease {
    Lease {
        job_id: job.into(),
        date: d(date),
        model: "m".into(),
        run: "main".into(),
        worker_id: worker.into(),
        attempt,
    }
}

#[test]
fn bug_32_36_foreign_keys_are_enforced() {
    on_every_backend(|store| {
        create(store, "j", "2025-10-01", "2025-10-01", false).unwrap();
        store.set_job_status("j", JobStatus::Running, None).unwrap();
        let held = claim(store, "j", "w").remove(0);
        let mut orphan = completed("no-such-job", "2025-10-01", 1.0);
        orphan.job_id = "no-such-job".into();
        // The fence holds (the lease is j's), the insert of a day of no job does not.
        let err = store.commit_day(&orphan, &held, None).unwrap_err();
        assert!(
            err.to_string().to_lowercase().contains("foreign key"),
            "{err}"
        );
        assert!(
            store
                .trading_days(&DayFilter::default())
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn jobs_are_the_plan_and_transitions_are_checked() {
    on_every_backend(|store| {
        let plan = create(store, "j1", "2025-10-02", "2025-10-05", false).unwrap();
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
        let busy = create(store, "j2", "2025-10-06", "2025-10-07", false).unwrap_err();
        assert!(
            busy.to_string().contains("already running in job j1"),
            "{busy}"
        );
        assert!(store.job("j2").unwrap().is_none());
        // A pending job's days are not claimed.
        assert!(claim(store, "j1", "w").is_empty());
        let err = store
            .set_job_status("j1", JobStatus::DownloadingData, None)
            .and_then(|_| store.set_job_status("j1", JobStatus::Pending, None));
        assert!(
            err.is_ok(),
            "downloading_data -> pending is restart recovery"
        );
        let unclaimed = commit(store, &lease("j1", "2025-10-02", "w", 1), 1.0).unwrap_err();
        assert!(
            matches!(unclaimed, StoreError::LeaseLost(_)),
            "a day nobody claimed cannot complete: {unclaimed}"
        );
        assert!(
            store
                .trading_days(&DayFilter::default())
                .unwrap()
                .is_empty(),
            "the refused commit wrote nothing"
        );
        run_all(store, "j1", 10_100.0);
        let err = store
            .set_job_status("j1", JobStatus::Running, None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "illegal job status transition: completed -> running"
        );
    });
}

#[test]
fn replacing_supersedes_later_days_of_other_jobs() {
    on_every_backend(|store| {
        create(store, "a", "2025-10-01", "2025-10-08", false).unwrap();
        run_all(store, "a", 10_100.0);
        let plan = create(store, "b", "2025-10-02", "2025-10-03", true).unwrap();
        assert_eq!(plan.superseded.len(), 5);
        run_all(store, "b", 10_200.0);
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
                .previous_day("m", "main", d("2025-10-09"))
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
        let (jobs, total) = store.list_jobs(None, 10, 0).unwrap();
        assert_eq!(total, 2);
        assert_eq!(jobs[0].job_id, "b", "newest first");
        assert!(jobs[0].total_duration_seconds.is_some_and(|s| s >= 0.0));
    });
}

#[test]
fn cancel_and_recovery() {
    on_every_backend(|store| {
        create(store, "c", "2025-10-01", "2025-10-03", false).unwrap();
        store.set_job_status("c", JobStatus::Running, None).unwrap();
        assert_eq!(claim(store, "c", "w1").len(), 1);
        // A crash now: recovery gives the running day back and sets the job back to pending.
        assert_eq!(store.recover_interrupted(true).unwrap(), ["c"]);
        let job = store.job("c").unwrap().unwrap();
        assert_eq!(
            (job.status, job.progress.pending, job.progress.running),
            (JobStatus::Pending, 3, 0)
        );
        store.set_job_status("c", JobStatus::Running, None).unwrap();
        let taken = claim(store, "c", "w2");
        assert_eq!(
            taken,
            [lease("c", "2025-10-01", "w2", 2)],
            "claimed again at once"
        );
        let outcome = store.cancel_job("c").unwrap().unwrap();
        assert_eq!(
            (
                outcome.cancelled_model_days,
                outcome.running,
                outcome.status
            ),
            (2, 1, JobStatus::Running)
        );
        commit(store, &taken[0], 10_000.0).unwrap();
        assert!(
            claim(store, "c", "w2").is_empty(),
            "cancelled days do not start"
        );
        assert_eq!(
            store.finish_job_if_done("c").unwrap(),
            Some(JobStatus::Cancelled)
        );
        assert!(store.cancel_job("c").unwrap().unwrap().already_terminal);
        assert!(store.cancel_job("nope").unwrap().is_none());
    });
}

#[test]
fn claims_follow_each_models_chain_and_the_jobs_parallel_limit() {
    on_every_backend(|store| {
        create(store, "p", "2025-10-01", "2025-10-03", false).unwrap();
        store.set_job_status("p", JobStatus::Running, None).unwrap();
        // One model: its second day is not ready while the first runs.
        let first = claim(store, "p", "w1");
        assert_eq!(first, [lease("p", "2025-10-01", "w1", 1)]);
        let claims = store.claim_ready("p", &request("w2", 10, 3)).unwrap();
        assert!(claims.claimed.is_empty());
        assert_eq!(claims.unfinished, 3);
        commit(store, &first[0], 10_000.0).unwrap();
        let limited = ClaimRequest {
            max_parallel: 0,
            ..request("w2", 10, 3)
        };
        assert!(store.claim_ready("p", &limited).unwrap().claimed.is_empty());
        assert_eq!(claim(store, "p", "w2"), [lease("p", "2025-10-02", "w2", 1)]);
    });
}

#[test]
fn a_commit_claims_the_models_next_day_while_the_job_runs() {
    on_every_backend(|store| {
        create(store, "n", "2025-10-01", "2025-10-06", false).unwrap();
        store.set_job_status("n", JobStatus::Running, None).unwrap();
        let first = claim(store, "n", "w").remove(0);
        let day = completed("n", "2025-10-01", 10_000.0);
        let next = store
            .commit_day(&day, &first, Some(&request("w", 1, 3)))
            .unwrap();
        // The same worker holds the model's next day, in the same transaction.
        assert_eq!(next, Some(lease("n", "2025-10-02", "w", 1)));
        assert_eq!(store.job("n").unwrap().unwrap().progress.running, 1);
        // Cancelled: the chain stops.
        store.cancel_job("n").unwrap();
        let day = completed("n", "2025-10-02", 10_000.0);
        let held = next.unwrap();
        assert_eq!(
            store
                .commit_day(&day, &held, Some(&request("w", 1, 3)))
                .unwrap(),
            None
        );
        assert_eq!(
            store.finish_job_if_done("n").unwrap(),
            Some(JobStatus::Cancelled)
        );
    });
}

#[test]
fn a_worker_whose_lease_expired_can_never_commit() {
    on_every_backend(|store| {
        create(store, "f", "2025-10-01", "2025-10-02", false).unwrap();
        store.set_job_status("f", JobStatus::Running, None).unwrap();
        let short = ClaimRequest {
            lease: Duration::from_millis(50),
            ..request("slow", 10, 3)
        };
        let slow = store.claim_ready("f", &short).unwrap().claimed.remove(0);
        assert!(store.renew_lease(&slow, Duration::from_millis(50)).unwrap());
        std::thread::sleep(Duration::from_millis(120));
        // Expired: nobody works on it, so it is ready again.
        let fast = claim(store, "f", "fast");
        assert_eq!(fast, [lease("f", "2025-10-01", "fast", 2)]);
        assert!(!store.renew_lease(&slow, Duration::from_secs(30)).unwrap());
        let late = commit(store, &slow, 1.0).unwrap_err();
        assert!(matches!(late, StoreError::LeaseLost(_)), "{late}");
        assert!(matches!(
            store.fail_detail(&slow, "too late").unwrap_err(),
            StoreError::LeaseLost(_)
        ));
        commit(store, &fast[0], 10_050.0).unwrap();
        let days = store.trading_days(&DayFilter::default()).unwrap();
        assert_eq!(days.len(), 1, "exactly one commit of the day");
        assert_eq!(days[0].values.ending_cash, 10_050.0);
        // An expired lease is not renewed back to life, even when nobody took the day over.
        let next = store.claim_ready("f", &short).unwrap().claimed.remove(0);
        std::thread::sleep(Duration::from_millis(120));
        assert!(!store.renew_lease(&next, Duration::from_secs(30)).unwrap());
    });
}

#[test]
fn prices_round_trip() {
    on_every_backend(|store| {
        let bar = Bar {
            date: d("2025-10-01"),
            open: 1.5,
            high: 2.0,
            low: 1.0,
            close: 1.75,
            volume: 10,
        };
        let before = store.prices_version().unwrap();
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
        assert_eq!(store.prices_version().unwrap(), before + 2);
        let market: MarketData = store.load_market().unwrap();
        assert_eq!(market.bar("AAPL", d("2025-10-01")), Some(&bar));
        assert_eq!(market.coverage()[0].days, 1);
        assert!(!market.is_synthetic());
        store
            .store_download("AAPL", &[bar], d("2025-10-01"), d("2025-10-02"))
            .unwrap();
        assert_eq!(
            store.coverage_ranges().unwrap(),
            [("AAPL".to_owned(), d("2025-10-01"), d("2025-10-02"))]
        );
    });
}

#[test]
fn a_day_whose_process_keeps_stopping_is_failed_after_max_attempts() {
    on_every_backend(|store| {
        create(store, "loop", "2025-10-01", "2025-10-02", false).unwrap();
        for _ in 0..2 {
            store
                .set_job_status("loop", JobStatus::Running, None)
                .unwrap();
            let claimed = store.claim_ready("loop", &request("w", 10, 2)).unwrap();
            assert_eq!(claimed.claimed.len(), 1);
            // The process dies under the day; a restart gives it back.
            store.recover_interrupted(true).unwrap();
        }
        store
            .set_job_status("loop", JobStatus::Running, None)
            .unwrap();
        // The day is abandoned, and the model's next day is claimed in its place.
        let claims = store.claim_ready("loop", &request("w", 10, 2)).unwrap();
        assert_eq!(claims.claimed, [lease("loop", "2025-10-02", "w", 1)]);
        let details = store.details("loop").unwrap();
        let day = details.iter().find(|x| x.date == d("2025-10-01")).unwrap();
        assert_eq!(day.status, DetailStatus::Failed);
        assert_eq!(
            day.error.as_deref(),
            Some(
                "Abandoned after 2 attempts: the process running this model-day stopped each time"
            )
        );
    });
}

#[test]
fn workers_announce_themselves() {
    on_every_backend(|store| {
        let info = ai_trader_core::api::WorkerInfo {
            worker_id: "w1".into(),
            host: "h".into(),
            pid: 42,
            started_at: "2026-01-01T00:00:00.000000Z".into(),
            heartbeat_at: "2026-01-01T00:00:00.000000Z".into(),
        };
        store.heartbeat(&info).unwrap();
        store.heartbeat(&info).unwrap();
        let live = store.live_workers("2000-01-01T00:00:00Z").unwrap();
        assert_eq!(live.len(), 1);
        assert_eq!((live[0].pid, live[0].host.as_str()), (42, "h"));
        assert!(store.live_workers("2999-01-01").unwrap().is_empty());
        store.remove_worker("w1").unwrap();
        assert!(store.live_workers("2000-01-01").unwrap().is_empty());
    });
}
