//! Persistence behind traits, so that handlers and the worker do not know the database. The
//! traits are split by concern (jobs and their details, trading days and results, prices and
//! their coverage) so that a second backend can implement them piece by piece; [`Store`] is
//! all three. The SQLite implementation is the default.
//!
//! The trait methods block; async code calls them through [`Db`], which runs them on the
//! blocking pool.

mod db;
mod records;
pub mod sqlite;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ai_trader_core::api::{ConversationMessage, JobDetail, WorkerInfo};
use ai_trader_core::job::TransitionError;
use ai_trader_core::planner::{ActiveJob, ModelHistory};
use ai_trader_core::{Date, JobStatus, Plan, PlanError};

pub use db::Db;
pub use records::{
    ActionRow, CancelOutcome, CompletedDay, DayActivity, DayFilter, DayRow, DayValues, JobRecord,
    NewJob, PreviousDay,
};

use crate::market::{Bar, MarketData, PriceSource};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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

    /// `pending → running` for a model-day, counting the attempt (`true` too when it is already
    /// running: the same run retrying after a failed write); `false` when it has ended or was
    /// cancelled, or was failed now because `max_attempts` starts never finished it.
    fn start_detail(
        &self,
        job_id: &str,
        date: Date,
        model: &str,
        max_attempts: u32,
    ) -> Result<bool, StoreError>;

    /// Marks a model-day failed; nothing else is written.
    fn fail_detail(
        &self,
        job_id: &str,
        date: Date,
        model: &str,
        error: &str,
    ) -> Result<(), StoreError>;

    /// Sets the final status when every detail is terminal; returns it.
    fn finish_job_if_done(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError>;

    /// Cancels a job: pending details become skipped `cancelled`; `None` for an unknown job.
    fn cancel_job(&self, job_id: &str) -> Result<Option<CancelOutcome>, StoreError>;

    /// Start-up recovery of jobs a crash left active. With `resume`, their running details go
    /// back to pending and their ids are returned to be run again; otherwise they end as in the
    /// reference (`partial`/`failed`).
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
    /// the detail's `completed` status.
    fn commit_day(&self, day: &CompletedDay) -> Result<(), StoreError>;

    /// A number that moves whenever trading days change (the largest day id: every change
    /// adds a day).
    fn days_version(&self) -> Result<i64, StoreError>;

    /// The model's latest current trading day before `date`, across jobs.
    fn previous_day(&self, model: &str, date: Date) -> Result<Option<PreviousDay>, StoreError>;

    /// Trading days matching a filter, ordered by model then date.
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

/// Everything the server stores.
pub trait Store: JobStore + DayStore + PriceStore + Send + Sync + 'static {
    /// Whether the database answers.
    fn ping(&self) -> bool;
}
