//! The pure orchestration core of AI-Trader.
//!
//! Calendar, market availability, job planner, job state machine, ledger, metrics and the serde
//! types of the HTTP API. No I/O, no clock (today is an input), no async runtime: it compiles to
//! `wasm32-unknown-unknown`, and both the server and the browser call it, so the rules live in
//! exactly one place.

#![warn(missing_docs)]

pub mod api;
pub mod calendar;
pub mod comparison;
pub mod cost;
pub mod csv;
pub mod date;
pub mod forecast;
pub mod job;
pub mod ledger;
pub mod market;
pub mod metrics;
pub mod planner;
pub mod run;
pub mod stats;
pub mod universe;

pub use date::Date;
pub use job::{Breakdown, DetailStatus, JobStatus, Progress};
pub use market::MarketAvailability;
pub use planner::{Plan, PlanContext, PlanError, PlanRequest, SkipReason, plan, plan_preview};

#[cfg(test)]
mod test_data;
