//! The two status enums and their transition tables.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The status of a job.
///
/// `pending → downloading_data → running → completed | partial | failed | cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Created, not started.
    Pending,
    /// Fetching missing market data.
    DownloadingData,
    /// Running model-days.
    Running,
    /// Every detail is terminal and none failed.
    Completed,
    /// Some details failed, some completed.
    Partial,
    /// Details failed and none completed, or the job could not run.
    Failed,
    /// Cancelled by a user.
    Cancelled,
}

/// The status of one model-day of a job.
///
/// `pending → running → completed | failed`, and `pending → skipped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DetailStatus {
    /// Waiting to run.
    Pending,
    /// Running now.
    Running,
    /// Ran and committed its trading day.
    Completed,
    /// Ran and failed; `error` says why.
    Failed,
    /// Not run; `skip_reason` and `error` say why.
    Skipped,
}

/// An attempt to move a job or detail to a status it cannot reach from where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("illegal {entity} status transition: {from} -> {to}")]
pub struct TransitionError {
    /// `job` or `detail`.
    pub entity: &'static str,
    /// The current status.
    pub from: &'static str,
    /// The requested status.
    pub to: &'static str,
}

impl JobStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 7] = [
        Self::Pending,
        Self::DownloadingData,
        Self::Running,
        Self::Completed,
        Self::Partial,
        Self::Failed,
        Self::Cancelled,
    ];

    /// The wire name, e.g. `downloading_data`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::DownloadingData => "downloading_data",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// `pending`, `downloading_data` or `running`: the job holds its models.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::DownloadingData | Self::Running)
    }

    /// Finished: no further change is legal.
    pub fn is_terminal(self) -> bool {
        !self.is_active()
    }

    /// Whether a job may move from `self` to `to`.
    ///
    /// Active jobs move forward, may finish from any active state (a job whose model-days are all
    /// skipped completes without running), and `running` or `downloading_data` may go back to
    /// `pending` only for restart recovery. Terminal states are final.
    pub fn can_transition(self, to: Self) -> bool {
        use JobStatus::*;
        match (self, to) {
            (Pending, DownloadingData | Running) => true,
            (DownloadingData, Running) => true,
            (Running | DownloadingData, Pending) => true,
            (from, Completed | Partial | Failed | Cancelled) => from.is_active(),
            _ => false,
        }
    }

    /// The status after a checked move to `to`.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        if self.can_transition(to) {
            Ok(to)
        } else {
            Err(TransitionError {
                entity: "job",
                from: self.as_str(),
                to: to.as_str(),
            })
        }
    }
}

impl DetailStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Running,
        Self::Completed,
        Self::Failed,
        Self::Skipped,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// `completed`, `failed` or `skipped`.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Skipped)
    }

    /// Whether a detail may move from `self` to `to`.
    ///
    /// `pending → failed` covers a model-day that cannot even start (its agent cannot be built):
    /// it must still end, or the job would never finish (reference defect L13). `running →
    /// pending` is restart recovery of an interrupted model-day.
    pub fn can_transition(self, to: Self) -> bool {
        use DetailStatus::*;
        matches!(
            (self, to),
            (Pending, Running | Skipped | Failed) | (Running, Completed | Failed | Pending)
        )
    }

    /// The status after a checked move to `to`.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        if self.can_transition(to) {
            Ok(to)
        } else {
            Err(TransitionError {
                entity: "detail",
                from: self.as_str(),
                to: to.as_str(),
            })
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for DetailStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
