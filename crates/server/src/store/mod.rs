//! Persistence behind traits, so that handlers and the worker do not know the database. The
//! traits are split by concern (jobs and their details, trading days and results, prices and
//! their coverage) so that a second backend can implement them piece by piece; [`Store`] is
//! all three. The SQLite implementation is the default.
//!
//! The trait methods block; async code calls them through [`Db`], which runs them on the
//! blocking pool. Both backends run the same SQL ([`sql`]); each brings its connections,
//! transactions and migrations.

mod db;
pub mod postgres;
mod records;
pub mod sql;
pub mod sqlite;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ai_trader_core::api::{ConversationMessage, JobDetail, WorkerInfo};
use ai_trader_core::job::TransitionError;
use ai_trader_core::planner::{ActiveJob, ModelHistory};
use ai_trader_core::{Date, JobStatus, Plan, PlanError};

pub use db::Db;
pub use records::{
    ActionRow, CancelOutcome, CompletedDay, DayActivity, DayFilter, DayRow, DayValues, JobRecord,
    NewJob, PreviousDay, RunCost, RunRecord, ValueRow, run_series,
};

use crate::market::{Bar, MarketData, PriceSource};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite database refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL database refused or cannot be reached.
    #[error("database error: {}", postgres_message(.0))]
    Postgres(#[from] ::postgres::Error),
    /// This worker's lease on a model-day expired (another worker may run the day now): what
    /// it did is not written.
    #[error("the lease on model-day {0} was lost: its work is not saved")]
    LeaseLost(String),
    /// A status change the state machine forbids.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// Stored data that cannot be read back.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// A row the operation needs does not exist.
    #[error("{0} does not exist")]
    Missing(String),
    /// The database's folder cannot be created.
    #[error("cannot create {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database file was deleted or replaced under the running server.
    #[error(
        "the database file {0} was deleted or replaced while the server ran: nothing more is written to it; restore it or restart the server"
    )]
    FileReplaced(PathBuf),
    /// The blocking task running the call panicked or was cancelled.
    #[error("the database task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// What PostgreSQL said, not just "db error".
fn postgres_message(error: &::postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{}: {detail}", db.message()),
            None => db.message().to_owned(),
        },
        None => error.to_string(),
    }
}

/// Why an imported run cannot be stored (nothing is stored then).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportRefused {
    /// The trade log has no day.
    #[error("nothing to import")]
    Empty,
    /// The model already has current days on or after the log's first date.
    #[error(
        "model {model} already has days from {first} to {last}: an imported run may only extend its history"
    )]
    WouldContradict {
        /// The model.
        model: String,
        /// The log's first date.
        first: Date,
        /// The model's last current date.
        last: String,
    },
}

/// What the planner needs from the store, read in one consistent snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanningState {
    /// Each model's current completed days.
    pub history: BTreeMap<String, ModelHistory>,
    /// Jobs holding their models.
    pub active_jobs: Vec<ActiveJob>,
}

/// A worker's claim on a model-day: who holds it and which attempt it is. Writes that end the
/// day are fenced by it: they happen only while the claim still holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The job.
    pub job_id: String,
    /// The day.
    pub date: Date,
    /// The model.
    pub model: String,
    /// The model's run.
    pub run: String,
    /// The worker holding it.
    pub worker_id: String,
    /// The attempt (1 for the first start of the day).
    pub attempt: u32,
}

impl std::fmt::Display for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chain = ai_trader_core::run::chain_label(&self.model, &self.run);
        write!(f, "{chain} {} of job {}", self.date, self.job_id)
    }
}

/// What a worker asks of [`JobStore::claim_ready`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest {
    /// The worker claiming.
    pub worker_id: String,
    /// How long a claim holds unless renewed.
    pub lease: Duration,
    /// At most this many model-days (the worker's free slots).
    pub limit: u32,
    /// `MAX_PARALLEL_MODELS`: model-days of the job running at once, over all workers.
    pub max_parallel: u32,
    /// `MAX_ATTEMPTS`: claims of one model-day before it is failed.
    pub max_attempts: u32,
}

/// What a claim found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    /// The model-days now held by the worker, earliest first.
    pub claimed: Vec<Lease>,
    /// The job's model-days not ended yet (pending or running, by anyone): none left means the
    /// job can be finished.
    pub unfinished: u32,
    /// Another worker was claiming in this job at the same moment: try again shortly.
    pub busy: bool,
}

/// The planner run inside [`JobStore::create_job`]'s transaction.
pub type PlanFn<'a> = dyn FnMut(&PlanningState) -> Result<Plan, PlanError> + 'a;

/// Jobs and their model-days (details). Every status change is checked by the core state
/// machine against the row's actual status.
pub trait JobStore {
    /// The planning state (history and active jobs).
    fn planning_state(&self) -> Result<PlanningState, StoreError>;

    /// Plans and creates a job atomically: the state is read and the job inserted in one
    /// write transaction, so two triggers cannot both take the same model.
    fn create_job(
        &self,
        job: &NewJob,
        plan: &mut PlanFn<'_>,
    ) -> Result<Result<Plan, PlanError>, StoreError>;

    /// One job with its progress.
    fn job(&self, job_id: &str) -> Result<Option<JobRecord>, StoreError>;

    /// A job's details, ordered by date then model.
    fn details(&self, job_id: &str) -> Result<Vec<JobDetail>, StoreError>;

    /// At most `limit` of a job's details after the first `offset`, in the same order.
    fn details_page(
        &self,
        job_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<JobDetail>, StoreError>;

    /// Jobs newest first, and how many match.
    fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<JobRecord>, u32), StoreError>;

    /// Moves a job to `to` through the state machine; returns the new status.
    fn set_job_status(
        &self,
        job_id: &str,
        to: JobStatus,
        error: Option<&str>,
    ) -> Result<JobStatus, StoreError>;

    /// Claims the job's ready model-days for a worker, in one transaction: a day is ready when
    /// the core's readiness rule says so, treating a running day whose lease expired as
    /// pending again. Each claimed day is `running`, held by the worker until its lease ends,
    /// its attempt counted; a day claimed `max_attempts` times already is failed instead, with
    /// the last error. Only a running job's days are claimed.
    fn claim_ready(&self, job_id: &str, request: &ClaimRequest) -> Result<Claims, StoreError>;

    /// Extends a held lease by `lease` from now; `false` when it is no longer held.
    fn renew_lease(&self, lease: &Lease, duration: Duration) -> Result<bool, StoreError>;

    /// Marks a held model-day failed (nothing else is written); [`StoreError::LeaseLost`] when
    /// the lease no longer holds.
    fn fail_detail(&self, lease: &Lease, error: &str) -> Result<(), StoreError>;

    /// Sets the final status when every detail is terminal; returns it.
    fn finish_job_if_done(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError>;

    /// Cancels a job: pending details become skipped `cancelled`; `None` for an unknown job.
    fn cancel_job(&self, job_id: &str) -> Result<Option<CancelOutcome>, StoreError>;

    /// Start-up recovery of jobs a crash left active, by the only process running jobs on the
    /// database. With `resume`, their running details are given back (pending, claimed again
    /// at once, their attempts still counted) and their ids are returned to be run again;
    /// otherwise they end as in the reference (`partial`/`failed`).
    fn recover_interrupted(&self, resume: bool) -> Result<Vec<String>, StoreError>;

    /// The jobs still to finish (pending, downloading or running), oldest first.
    fn active_job_ids(&self) -> Result<Vec<String>, StoreError>;

    /// Records a worker's heartbeat (announcing it on the first one).
    fn heartbeat(&self, worker: &WorkerInfo) -> Result<(), StoreError>;

    /// Forgets a worker that stopped cleanly.
    fn remove_worker(&self, worker_id: &str) -> Result<(), StoreError>;

    /// The workers whose last heartbeat is at or after `since`.
    fn live_workers(&self, since: &str) -> Result<Vec<WorkerInfo>, StoreError>;

    /// Adds warnings to a job.
    fn append_warnings(&self, job_id: &str, warnings: &[String]) -> Result<(), StoreError>;

    /// Skips a job's pending model-days on `date` (prices still missing after a download).
    fn skip_pending_on(&self, job_id: &str, date: Date, message: &str) -> Result<u32, StoreError>;
}

/// Trading days: their commit, the cross-job previous day, and the reads of results.
pub trait DayStore {
    /// Commits a finished model-day in one transaction: its trading day, holdings, trades,
    /// conversation and usage, the supersession of the model's later days from other jobs, and
    /// the detail's `completed` status. Fenced: [`StoreError::LeaseLost`] (and nothing written)
    /// when `lease` no longer holds. With `next`, the same transaction claims the model's next
    /// day for the same worker when it is ready (the model's chain goes on without a claim
    /// round) and returns its lease.
    fn commit_day(
        &self,
        day: &CompletedDay,
        lease: &Lease,
        next: Option<&ClaimRequest>,
    ) -> Result<Option<Lease>, StoreError>;

    /// A number that moves whenever trading days change (the largest day id: every change
    /// adds a day).
    fn days_version(&self) -> Result<i64, StoreError>;

    /// The latest current trading day of a model's run before `date`, across jobs.
    fn previous_day(
        &self,
        model: &str,
        run: &str,
        date: Date,
    ) -> Result<Option<PreviousDay>, StoreError>;

    /// The (model, run) and cost of every current day, in no order (`None`: unknown).
    fn current_costs(&self) -> Result<Vec<RunCost>, StoreError>;

    /// The model and cost of each model-day a job committed, in no order (`None`: unknown).
    fn day_costs(&self, job_id: &str) -> Result<Vec<(String, Option<f64>)>, StoreError>;

    /// The values of the current days matching a filter (its job and `current_only` are not
    /// used: these are always current days), ordered by model, run, then date.
    fn day_values(&self, filter: &DayFilter) -> Result<Vec<ValueRow>, StoreError>;

    /// Every model's runs, with their notes and the jobs that hold them.
    fn runs(&self) -> Result<Vec<RunRecord>, StoreError>;

    /// Trading days matching a filter, ordered by model, run, then date.
    fn trading_days(&self, filter: &DayFilter) -> Result<Vec<DayRow>, StoreError>;

    /// A trading day's ending holdings, by symbol.
    fn day_holdings(&self, day_id: i64) -> Result<BTreeMap<String, u64>, StoreError>;

    /// A trading day's trades in order.
    fn day_actions(&self, day_id: i64) -> Result<Vec<ActionRow>, StoreError>;

    /// The trades of many trading days in one read, by day id, each in order.
    fn days_actions(&self, day_ids: &[i64]) -> Result<BTreeMap<i64, Vec<ActionRow>>, StoreError>;

    /// A trading day's conversation in order.
    fn day_messages(&self, day_id: i64) -> Result<Vec<ConversationMessage>, StoreError>;

    /// Stores an imported run as a completed job of `model` with these days, in one
    /// transaction. Refused (`Ok(Err(reason))`) when the model has current days on or after the
    /// first imported date: the imported chain would contradict them.
    fn import_run(
        &self,
        job: &NewJob,
        model: &str,
        days: &[CompletedDay],
    ) -> Result<Result<(), ImportRefused>, StoreError>;
}

/// Prices and what downloads covered.
pub trait PriceStore {
    /// Inserts or replaces prices; returns how many rows were written.
    fn insert_prices(
        &self,
        rows: &[(String, Bar)],
        source: PriceSource,
    ) -> Result<usize, StoreError>;

    /// Every stored price.
    fn load_market(&self) -> Result<MarketData, StoreError>;

    /// A number that moves with every write of prices (by any process).
    fn prices_version(&self) -> Result<i64, StoreError>;

    /// The date ranges each symbol's downloads covered.
    fn coverage_ranges(&self) -> Result<Vec<(String, Date, Date)>, StoreError>;

    /// Stores one symbol's downloaded bars and the range they cover, in one transaction.
    fn store_download(
        &self,
        symbol: &str,
        bars: &[Bar],
        start: Date,
        end: Date,
    ) -> Result<(), StoreError>;
}

/// Called when another process changed jobs on the database.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Everything the server stores.
pub trait Store: JobStore + DayStore + PriceStore + Send + Sync + 'static {
    /// Whether the database answers.
    fn ping(&self) -> bool;

    /// Whether several processes may run jobs on this database at once (their leases, not a
    /// restart, recover each other's work).
    fn shared(&self) -> bool;

    /// Calls `wake` whenever another process creates, cancels or advances a job, where the
    /// database can say so; the worker polls as well.
    fn listen(&self, wake: Wake) {
        let _ = wake;
    }
}

#[cfg(test)]
mod tests;
