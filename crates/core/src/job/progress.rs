//! Progress counts of a job and the final-status rule.

use serde::{Deserialize, Serialize};

use super::{DetailStatus, JobStatus};
use crate::SkipReason;

/// How many of a job's model-days are in each status, counted honestly (`pending` means pending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Progress {
    /// Every model-day of the job.
    pub total_model_days: u32,
    /// Ran and committed.
    pub completed: u32,
    /// Ran and failed.
    pub failed: u32,
    /// Waiting to run.
    pub pending: u32,
    /// Running now.
    pub running: u32,
    /// Not run, with a reason.
    pub skipped: u32,
}

impl Progress {
    /// Counts the given detail statuses.
    pub fn count(statuses: impl IntoIterator<Item = DetailStatus>) -> Self {
        let mut progress = Self::default();
        for status in statuses {
            progress.add(status);
        }
        progress
    }

    /// Counts one more detail.
    pub fn add(&mut self, status: DetailStatus) {
        self.total_model_days += 1;
        match status {
            DetailStatus::Pending => self.pending += 1,
            DetailStatus::Running => self.running += 1,
            DetailStatus::Completed => self.completed += 1,
            DetailStatus::Failed => self.failed += 1,
            DetailStatus::Skipped => self.skipped += 1,
        }
    }

    /// Model-days that have ended: completed, failed or skipped.
    pub fn done(&self) -> u32 {
        self.completed + self.failed + self.skipped
    }

    /// Every model-day is completed, failed or skipped.
    pub fn all_terminal(&self) -> bool {
        self.done() == self.total_model_days
    }
}

/// A job's model-days for a person: like [`Progress`], but days a cancel stopped are counted
/// as cancelled rather than as skipped (the API's `skipped` keeps them, as the reference does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Breakdown {
    /// Every model-day.
    pub total: u32,
    /// Ran and committed.
    pub completed: u32,
    /// Ran and failed.
    pub failed: u32,
    /// Not run, for a reason other than a cancel.
    pub skipped: u32,
    /// Not run because the job was cancelled.
    pub cancelled: u32,
    /// Running now.
    pub running: u32,
    /// Waiting to run.
    pub pending: u32,
}

impl Breakdown {
    /// Counts details by status and skip reason.
    pub fn count(details: impl IntoIterator<Item = (DetailStatus, Option<SkipReason>)>) -> Self {
        let mut b = Self::default();
        for (status, reason) in details {
            b.total += 1;
            match status {
                DetailStatus::Pending => b.pending += 1,
                DetailStatus::Running => b.running += 1,
                DetailStatus::Completed => b.completed += 1,
                DetailStatus::Failed => b.failed += 1,
                DetailStatus::Skipped if reason == Some(SkipReason::Cancelled) => b.cancelled += 1,
                DetailStatus::Skipped => b.skipped += 1,
            }
        }
        b
    }

    /// Model-days that have ended, whatever the outcome: only pending and running ones are not.
    pub fn done(&self) -> u32 {
        self.total - self.pending - self.running
    }
}

/// The job status once every detail is terminal, `None` while some are still pending or running.
///
/// The seed design's rule: `completed` if none failed (skipped details never fail a job, so an
/// all-skipped job is `completed`), `partial` if some completed, else `failed`. A job that was
/// cancelled ends `cancelled` whatever its details did.
pub fn final_status(progress: &Progress, cancel_requested: bool) -> Option<JobStatus> {
    if !progress.all_terminal() {
        return None;
    }
    Some(if cancel_requested {
        JobStatus::Cancelled
    } else if progress.failed == 0 {
        JobStatus::Completed
    } else if progress.completed > 0 {
        JobStatus::Partial
    } else {
        JobStatus::Failed
    })
}
