//! Job and model-day (detail) statuses, their legal transitions, progress counts, which
//! model-days may start, and the rule that decides a finished job's status.
//!
//! Every status change of the server goes through [`JobStatus::transition`] or
//! [`DetailStatus::transition`]: an illegal change is an error, never a silent write.

mod progress;
mod ready;
mod status;

pub use progress::{Breakdown, Progress, final_status};
pub use ready::{as_claimable, ready};
pub use status::{DetailStatus, JobStatus, TransitionError};

#[cfg(test)]
mod tests;
