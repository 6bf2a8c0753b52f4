use std::collections::BTreeMap;

use super::*;
use crate::planner::{ModelHistory, ModelInfo, PlanContext, PlanRequest, plan};
use crate::{Date, MarketAvailability, calendar};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A job's details as the worker keeps them: status plus the stored reason text.
struct Detail {
    date: String,
    model: String,
    status: DetailStatus,
    error: Option<String>,
}

/// Creates the details of a plan, then runs every runnable one to the outcome `outcome` picks.
fn run_job(
    models: &[&str],
    history: &[(&str, &[&str])],
    start: &str,
    end: &str,
    outcome: impl Fn(&str, &str) -> DetailStatus,
) -> (JobStatus, Progress, Vec<Detail>) {
    let days: Vec<Date> = calendar::trading_days(d("2025-09-01"), d("2025-10-31")).collect();
    let context = PlanContext {
        today: d("2025-11-01"),
        max_simulation_days: 30,
        models: models
            .iter()
            .map(|m| ModelInfo {
                signature: (*m).to_owned(),
                enabled: true,
                ..ModelInfo::default()
            })
            .collect(),
        market: Some(MarketAvailability::from_symbol_dates([("AAA", days)])),
        history: history
            .iter()
            .map(|(m, dates)| {
                (
                    (*m).to_owned(),
                    ModelHistory {
                        completed: dates.iter().map(|s| d(s)).collect(),
                        ..Default::default()
                    },
                )
            })
            .collect::<BTreeMap<_, _>>(),
        active_jobs: vec![],
        download_missing: false,
        ..PlanContext::default()
    };
    let request = PlanRequest {
        start_date: Some(start.to_owned()),
        end_date: end.to_owned(),
        models: Some(models.iter().map(|m| (*m).to_owned()).collect()),
        replace_existing: false,
        ..Default::default()
    };
    let plan = plan(&request, &context).unwrap();
    let mut details: Vec<Detail> = plan
        .model_days()
        .map(|day| {
            let mut status = DetailStatus::Pending;
            if day.skip_reason.is_some() {
                status = status.transition(DetailStatus::Skipped).unwrap();
            }
            Detail {
                date: day.date.to_string(),
                model: day.model.to_owned(),
                status,
                error: day.message.map(|m| m.into_owned()),
            }
        })
        .collect();
    let mut job = JobStatus::Pending.transition(JobStatus::Running).unwrap();
    for detail in details
        .iter_mut()
        .filter(|x| x.status == DetailStatus::Pending)
    {
        detail.status = detail.status.transition(DetailStatus::Running).unwrap();
        let end = outcome(&detail.date, &detail.model);
        detail.status = detail.status.transition(end).unwrap();
        if end == DetailStatus::Failed {
            detail.error = Some("Execution failed: boom".into());
        }
    }
    let progress = Progress::count(details.iter().map(|x| x.status));
    job = job
        .transition(final_status(&progress, false).unwrap())
        .unwrap();
    (job, progress, details)
}

#[test]
fn seed_example_five_dates_one_completed_two_weekend() {
    let (status, progress, details) = run_job(
        &["gpt-5"],
        &[("gpt-5", &["2025-10-01"])],
        "2025-10-01",
        "2025-10-05",
        |_, _| DetailStatus::Completed,
    );
    assert_eq!(status, JobStatus::Completed);
    assert_eq!(
        progress,
        Progress {
            total_model_days: 5,
            completed: 2,
            failed: 0,
            pending: 0,
            running: 0,
            skipped: 3
        }
    );
    let shown: Vec<(&str, DetailStatus, Option<&str>)> = details
        .iter()
        .map(|x| (x.date.as_str(), x.status, x.error.as_deref()))
        .collect();
    assert_eq!(
        shown,
        vec![
            (
                "2025-10-01",
                DetailStatus::Skipped,
                Some("Already completed")
            ),
            ("2025-10-02", DetailStatus::Completed, None),
            ("2025-10-03", DetailStatus::Completed, None),
            ("2025-10-04", DetailStatus::Skipped, Some("Weekend")),
            ("2025-10-05", DetailStatus::Skipped, Some("Weekend")),
        ]
    );
}

#[test]
fn seed_example_two_models_with_different_history() {
    let (status, progress, details) = run_job(
        &["gpt-5", "claude-opus"],
        &[("gpt-5", &["2025-10-01"])],
        "2025-10-01",
        "2025-10-03",
        |_, _| DetailStatus::Completed,
    );
    assert_eq!(status, JobStatus::Completed);
    assert_eq!((progress.completed, progress.skipped), (5, 1));
    let first_day: Vec<(&str, DetailStatus)> = details
        .iter()
        .filter(|x| x.date == "2025-10-01")
        .map(|x| (x.model.as_str(), x.status))
        .collect();
    assert_eq!(
        first_day,
        vec![
            ("claude-opus", DetailStatus::Completed),
            ("gpt-5", DetailStatus::Skipped)
        ]
    );
}

#[test]
fn all_skipped_is_completed() {
    let progress = Progress::count([DetailStatus::Skipped; 4]);
    assert_eq!(final_status(&progress, false), Some(JobStatus::Completed));
    assert_eq!(
        JobStatus::Pending.transition(JobStatus::Completed),
        Ok(JobStatus::Completed)
    );
}

#[test]
fn some_failed_some_completed_is_partial() {
    let (status, progress, _) = run_job(&["a"], &[], "2025-10-01", "2025-10-03", |date, _| {
        if date == "2025-10-02" {
            DetailStatus::Failed
        } else {
            DetailStatus::Completed
        }
    });
    assert_eq!(status, JobStatus::Partial);
    assert_eq!((progress.completed, progress.failed), (2, 1));
}

#[test]
fn all_failed_is_failed() {
    let (status, progress, details) = run_job(&["a"], &[], "2025-10-03", "2025-10-06", |_, _| {
        DetailStatus::Failed
    });
    assert_eq!(status, JobStatus::Failed);
    assert_eq!((progress.failed, progress.skipped), (2, 2));
    assert_eq!(details[0].error.as_deref(), Some("Execution failed: boom"));
}

#[test]
fn no_final_status_while_work_remains() {
    let progress = Progress::count([
        DetailStatus::Completed,
        DetailStatus::Running,
        DetailStatus::Pending,
    ]);
    assert_eq!(
        progress,
        Progress {
            total_model_days: 3,
            completed: 1,
            failed: 0,
            pending: 1,
            running: 1,
            skipped: 0
        }
    );
    assert_eq!(final_status(&progress, false), None);
    assert_eq!(final_status(&progress, true), None);
}

#[test]
fn cancelled_job_ends_cancelled() {
    let progress = Progress::count([DetailStatus::Completed, DetailStatus::Skipped]);
    assert_eq!(final_status(&progress, true), Some(JobStatus::Cancelled));
}

#[test]
fn illegal_transitions_are_errors() {
    use DetailStatus as D;
    use JobStatus as J;
    let err = D::Completed.transition(D::Running).unwrap_err();
    assert_eq!(
        err.to_string(),
        "illegal detail status transition: completed -> running"
    );
    for terminal in [D::Completed, D::Failed, D::Skipped] {
        for to in D::ALL {
            assert!(!terminal.can_transition(to), "{terminal} -> {to}");
        }
    }
    assert!(!D::Pending.can_transition(D::Completed));
    assert!(!D::Running.can_transition(D::Skipped));
    assert!(D::Running.can_transition(D::Pending), "restart recovery");
    for terminal in [J::Completed, J::Partial, J::Failed, J::Cancelled] {
        for to in J::ALL {
            assert!(!terminal.can_transition(to), "{terminal} -> {to}");
        }
    }
    assert!(!J::Running.can_transition(J::DownloadingData));
    assert!(
        J::DownloadingData.can_transition(J::Pending),
        "restart recovery"
    );
    assert!(!J::Pending.can_transition(J::Pending));
    assert_eq!(
        J::Completed.transition(J::Running).unwrap_err().to_string(),
        "illegal job status transition: completed -> running"
    );
}

#[test]
fn wire_names_round_trip() {
    for status in JobStatus::ALL {
        assert_eq!(JobStatus::parse(status.as_str()), Some(status));
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            format!("\"{status}\"")
        );
    }
    for status in DetailStatus::ALL {
        assert_eq!(DetailStatus::parse(status.as_str()), Some(status));
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            format!("\"{status}\"")
        );
    }
    assert_eq!(
        JobStatus::parse("downloading_data"),
        Some(JobStatus::DownloadingData)
    );
    assert_eq!(JobStatus::parse("done"), None);
    let progress = Progress {
        total_model_days: 6,
        completed: 1,
        failed: 1,
        pending: 1,
        running: 1,
        skipped: 2,
    };
    assert_eq!(
        serde_json::to_string(&progress).unwrap(),
        r#"{"total_model_days":6,"completed":1,"failed":1,"pending":1,"running":1,"skipped":2}"#
    );
}

#[test]
fn a_breakdown_counts_cancelled_days_apart_and_done_as_done() {
    use crate::SkipReason;
    let b = Breakdown::count([
        (DetailStatus::Completed, None),
        (DetailStatus::Skipped, Some(SkipReason::Weekend)),
        (DetailStatus::Skipped, Some(SkipReason::Cancelled)),
        (DetailStatus::Failed, None),
        (DetailStatus::Pending, None),
        (DetailStatus::Running, None),
    ]);
    assert_eq!(
        (
            b.total,
            b.completed,
            b.skipped,
            b.cancelled,
            b.failed,
            b.pending,
            b.running
        ),
        (6, 1, 1, 1, 1, 1, 1)
    );
    assert_eq!(b.done(), 4);
}
