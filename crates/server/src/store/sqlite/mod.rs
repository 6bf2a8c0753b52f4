//! The SQLite store: one file, WAL, foreign keys on, a busy timeout, and a small pool of
//! connections so readers do not wait for each other.

mod days;
mod details;
mod jobs;
mod prices;
mod schema;
mod workers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use ai_trader_core::api::{ConversationMessage, JobDetail, WorkerInfo};
use ai_trader_core::{Date, JobStatus, Plan, PlanError};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{
    ActionRow, CancelOutcome, CompletedDay, DayFilter, DayRow, DayStore, ImportRefused, JobRecord,
    JobStore, NewJob, PlanFn, PlanningState, PreviousDay, PriceStore, Store, StoreError,
};
use crate::clock::Clock;
use crate::market::{Bar, MarketData, PriceSource};

/// Connections kept open for reuse.
const POOL_SIZE: usize = 8;

/// A SQLite database file.
pub struct SqliteStore {
    path: PathBuf,
    pool: Mutex<Vec<Connection>>,
    clock: Clock,
    /// The file opened (device, inode): a deleted or replaced file is noticed.
    identity: Option<FileIdentity>,
}

/// Which file a path names.
type FileIdentity = (u64, u64);

#[cfg(unix)]
fn identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<FileIdentity> {
    std::fs::metadata(path).ok().map(|_| (0, 0))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies migrations; `clock`
    /// stamps what it writes.
    pub fn open(path: &Path, clock: Clock) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        let mut store = Self {
            path: path.to_owned(),
            pool: Mutex::new(Vec::new()),
            clock,
            identity: None,
        };
        let mut conn = store.connect(true)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        schema::migrate(&mut conn)?;
        store.release(conn);
        store.identity = identity(path);
        Ok(store)
    }

    /// Deletes the database file and its WAL companions (DEV mode reset).
    pub fn delete_files(path: &Path) -> std::io::Result<()> {
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    fn connect(&self, create: bool) -> Result<Connection, StoreError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(conn)
    }

    fn acquire(&self) -> Result<Connection, StoreError> {
        let pooled = self.pool.lock().map_or(None, |mut pool| pool.pop());
        match pooled {
            Some(conn) => Ok(conn),
            // Later connections never create the file: a deleted database stays deleted.
            None => self.connect(false),
        }
    }

    fn release(&self, conn: Connection) {
        if let Ok(mut pool) = self.pool.lock()
            && pool.len() < POOL_SIZE
        {
            pool.push(conn);
        }
    }

    /// Runs `f` on a pooled connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.acquire()?;
        let result = f(&conn);
        self.release(conn);
        result
    }

    /// Whether the path still names the file this store opened.
    fn check_file(&self) -> Result<(), StoreError> {
        if identity(&self.path) == self.identity {
            Ok(())
        } else {
            Err(StoreError::FileReplaced(self.path.clone()))
        }
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE`), committing on success. Nothing is
    /// written to a file that is no longer the one at the path.
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.check_file()?;
        let mut conn = self.acquire()?;
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        self.release(conn);
        result
    }
}

impl Store for SqliteStore {
    fn ping(&self) -> bool {
        self.check_file().is_ok()
            && self
                .read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
                .is_ok()
    }
}

impl JobStore for SqliteStore {
    fn planning_state(&self) -> Result<PlanningState, StoreError> {
        self.read(jobs::planning_state)
    }

    fn create_job(
        &self,
        job: &NewJob,
        plan: &mut PlanFn<'_>,
    ) -> Result<Result<Plan, PlanError>, StoreError> {
        self.write(|tx| {
            let state = jobs::planning_state(tx)?;
            match plan(&state) {
                Err(e) => Ok(Err(e)),
                Ok(plan) => {
                    jobs::insert_job(tx, job, &plan)?;
                    Ok(Ok(plan))
                }
            }
        })
    }

    fn job(&self, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.read(|c| jobs::job(c, job_id))
    }

    fn details(&self, job_id: &str) -> Result<Vec<JobDetail>, StoreError> {
        self.read(|c| details::read(c, job_id, 0, u32::MAX))
    }

    fn details_page(
        &self,
        job_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<JobDetail>, StoreError> {
        self.read(|c| details::read(c, job_id, offset, limit))
    }

    fn list_jobs(
        &self,
        status: Option<JobStatus>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<JobRecord>, u32), StoreError> {
        self.read(|c| jobs::list(c, status, limit, offset))
    }

    fn set_job_status(
        &self,
        job_id: &str,
        to: JobStatus,
        error: Option<&str>,
    ) -> Result<JobStatus, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| jobs::set_status(tx, job_id, to, error, &now))
    }

    fn start_detail(
        &self,
        job_id: &str,
        date: Date,
        model: &str,
        max_attempts: u32,
    ) -> Result<bool, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| details::start(tx, job_id, date, model, max_attempts, &now))
    }

    fn fail_detail(
        &self,
        job_id: &str,
        date: Date,
        model: &str,
        error: &str,
    ) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        let failed = details::Move::fail(error);
        self.write(|tx| details::end(tx, job_id, date, model, failed, &now))
    }

    fn finish_job_if_done(&self, job_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| jobs::finish_if_done(tx, job_id, &now))
    }

    fn cancel_job(&self, job_id: &str) -> Result<Option<CancelOutcome>, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| jobs::cancel(tx, job_id, &now))
    }

    fn recover_interrupted(&self, resume: bool) -> Result<Vec<String>, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| jobs::recover(tx, resume, &now))
    }

    fn active_job_ids(&self) -> Result<Vec<String>, StoreError> {
        self.read(jobs::active_ids)
    }

    fn heartbeat(&self, worker: &WorkerInfo) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| workers::heartbeat(tx, worker, &now))
    }

    fn remove_worker(&self, worker_id: &str) -> Result<(), StoreError> {
        self.write(|tx| workers::remove(tx, worker_id))
    }

    fn live_workers(&self, since: &str) -> Result<Vec<WorkerInfo>, StoreError> {
        self.read(|c| workers::live(c, since))
    }

    fn append_warnings(&self, job_id: &str, warnings: &[String]) -> Result<(), StoreError> {
        self.write(|tx| jobs::append_warnings(tx, job_id, warnings))
    }

    fn skip_pending_on(&self, job_id: &str, date: Date, message: &str) -> Result<u32, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| jobs::skip_pending_on(tx, job_id, date, message, &now))
    }
}

impl DayStore for SqliteStore {
    fn commit_day(&self, day: &CompletedDay) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| days::commit(tx, day, &now))
    }

    fn days_version(&self) -> Result<i64, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT COALESCE(MAX(id), 0) FROM trading_days", [], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    fn previous_day(&self, model: &str, date: Date) -> Result<Option<PreviousDay>, StoreError> {
        self.read(|c| days::previous(c, model, date))
    }

    fn trading_days(&self, filter: &DayFilter) -> Result<Vec<DayRow>, StoreError> {
        self.read(|c| days::select(c, filter))
    }

    fn day_holdings(&self, day_id: i64) -> Result<BTreeMap<String, u64>, StoreError> {
        self.read(|c| days::holdings(c, day_id))
    }

    fn day_actions(&self, day_id: i64) -> Result<Vec<ActionRow>, StoreError> {
        self.read(|c| {
            Ok(days::actions_of(c, &[day_id])?
                .remove(&day_id)
                .unwrap_or_default())
        })
    }

    fn days_actions(&self, day_ids: &[i64]) -> Result<BTreeMap<i64, Vec<ActionRow>>, StoreError> {
        self.read(|c| days::actions_of(c, day_ids))
    }

    fn day_messages(&self, day_id: i64) -> Result<Vec<ConversationMessage>, StoreError> {
        self.read(|c| days::messages(c, day_id))
    }

    fn import_run(
        &self,
        job: &NewJob,
        model: &str,
        days: &[CompletedDay],
    ) -> Result<Result<(), ImportRefused>, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| days::import_run(tx, job, model, days, &now))
    }
}

impl PriceStore for SqliteStore {
    fn insert_prices(
        &self,
        rows: &[(String, Bar)],
        source: PriceSource,
    ) -> Result<usize, StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| prices::insert(tx, rows, source, &now))
    }

    fn load_market(&self) -> Result<MarketData, StoreError> {
        self.read(prices::load)
    }

    fn prices_version(&self) -> Result<i64, StoreError> {
        self.read(prices::version)
    }

    fn coverage_ranges(&self) -> Result<Vec<(String, Date, Date)>, StoreError> {
        self.read(prices::coverage)
    }

    fn store_download(
        &self,
        symbol: &str,
        bars: &[Bar],
        start: Date,
        end: Date,
    ) -> Result<(), StoreError> {
        let now = self.clock.timestamp();
        self.write(|tx| prices::store_download(tx, symbol, bars, start, end, &now))
    }
}

/// Parses a stored date.
fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Parses a stored JSON column.
fn json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// Serialises a value for a JSON column.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

#[cfg(test)]
mod tests;
