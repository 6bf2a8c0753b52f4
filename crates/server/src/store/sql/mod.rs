//! The store's SQL, written once for both backends: every read and write of jobs, details,
//! claims, trading days, prices and workers is here, over a [`Conn`] that a backend (SQLite,
//! PostgreSQL) provides. A backend owns its connections, transactions and migrations; the few
//! places where the two databases spell a thing differently ask the [`Dialect`].

mod budget;
mod claims;
mod days;
mod details;
mod jobs;
mod prices;
mod runs;
mod store;
mod value;
mod workers;

pub use store::{Backend, SqlStore};
pub(crate) use value::args;
pub use value::{FromValue, Row, Value};

use ai_trader_core::Date;

use super::StoreError;

/// A connection or transaction of a backend.
pub trait Conn {
    /// How this database spells what SQL leaves open.
    fn dialect(&self) -> Dialect;

    /// Runs a statement (`?1`, `?2`… are its parameters); returns how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;

    /// Runs a query; returns every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;

    /// Tells the other processes on the database that jobs changed (when this transaction
    /// commits). Nothing to do where one process runs the jobs.
    fn notify(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// The first row of a query, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query that always returns one.
    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Missing(format!("the row of `{sql}`")))
    }
}

/// The database a [`Conn`] speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: one process writes at a time (`BEGIN IMMEDIATE`), so no row is locked.
    Sqlite,
    /// PostgreSQL: many processes; rows are locked where two could race.
    Postgres,
}

impl Dialect {
    /// Seconds from the ISO-8601 timestamp `from` to `to` (both SQL expressions; a parameter
    /// among them stays text to PostgreSQL).
    pub fn seconds_between(self, from: &str, to: &str) -> String {
        match self {
            Self::Sqlite => format!("((julianday({to}) - julianday({from})) * 86400.0)"),
            Self::Postgres => format!(
                "CAST(EXTRACT(EPOCH FROM (CAST(CAST({to} AS TEXT) AS TIMESTAMP) - CAST(CAST({from} AS TEXT) AS TIMESTAMP))) AS DOUBLE PRECISION)"
            ),
        }
    }

    /// The database's clock, in milliseconds since 1970: leases are measured by it, so that
    /// workers on machines whose clocks differ agree on when one expires.
    pub fn now_ms(self) -> &'static str {
        match self {
            Self::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            Self::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
        }
    }

    /// The column that orders rows of `jobs` by insertion.
    pub fn insertion_order(self) -> &'static str {
        match self {
            Self::Sqlite => "rowid",
            Self::Postgres => "seq",
        }
    }

    /// Locks the selected rows until the transaction ends (another writer waits).
    pub fn for_update(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }

    /// Locks the selected rows, leaving out those another transaction holds.
    pub fn for_update_skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

/// Parses a stored date.
pub(crate) fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Parses a stored JSON column.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    column: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// Serialises a value for a JSON column.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// `?1, ?2, …` for `count` parameters starting at `first`: for `IN (…)` lists.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
