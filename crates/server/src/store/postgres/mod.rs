//! The PostgreSQL backend, for teams: any number of API and worker processes on one database.
//! Connections are pooled; every call is one transaction (writes `READ COMMITTED` with the rows
//! that two processes could race on locked, reads one `REPEATABLE READ` snapshot); job
//! changes are announced with `NOTIFY` so idle workers wake at once.

mod conn;
mod schema;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use postgres::{Client, Config, IsolationLevel, NoTls, Statement};

use super::sql::{Backend, Conn, SqlStore};
use super::{StoreError, Wake};
use crate::clock::Clock;
use conn::PgConn;

/// The channel job changes are announced on.
const CHANNEL: &str = "ai_trader_jobs";

/// Connections kept open for reuse.
const POOL_SIZE: usize = 8;

/// The store on a PostgreSQL database.
pub type PostgresStore = SqlStore<Postgres>;

/// Whether `database` (the `AI_TRADER_DATABASE` setting) names a PostgreSQL database.
pub fn is_postgres_url(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

/// A connection with the statements prepared on it.
struct Pooled {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// A PostgreSQL database.
pub struct Postgres {
    config: Config,
    pool: Mutex<Vec<Pooled>>,
}

/// Runs blocking PostgreSQL work from any thread. The client blocks on a runtime of its own,
/// which tokio refuses inside a runtime's thread: there (start-up and the command line call
/// the store directly from async code) the thread is first handed over as a blocking one. The
/// store's calls through `Db` already run on blocking threads, where this costs nothing.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

impl PostgresStore {
    /// Connects to the database at `url` and applies migrations; `clock` stamps what it
    /// writes.
    pub fn connect(url: &str, clock: Clock) -> Result<Self, StoreError> {
        blocking(|| Self::connect_here(url, clock))
    }

    fn connect_here(url: &str, clock: Clock) -> Result<Self, StoreError> {
        let mut config = Config::from_str(url)?;
        config.connect_timeout(Duration::from_secs(10));
        config.application_name("ai-trader");
        let backend = Postgres {
            config,
            pool: Mutex::new(Vec::new()),
        };
        let mut first = backend.open()?;
        schema::migrate(&mut first.client)?;
        backend.release(first);
        Ok(SqlStore { backend, clock })
    }
}

impl Postgres {
    fn open(&self) -> Result<Pooled, StoreError> {
        Ok(Pooled {
            client: self.config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    fn acquire(&self) -> Result<Pooled, StoreError> {
        let pooled = self.pool.lock().map_or(None, |mut pool| pool.pop());
        match pooled {
            Some(conn) if !conn.client.is_closed() => Ok(conn),
            _ => self.open(),
        }
    }

    fn release(&self, conn: Pooled) {
        if conn.client.is_closed() {
            return;
        }
        if let Ok(mut pool) = self.pool.lock()
            && pool.len() < POOL_SIZE
        {
            pool.push(conn);
        }
    }

    fn transaction<T>(
        &self,
        isolation: IsolationLevel,
        read_only: bool,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        blocking(|| self.transaction_here(isolation, read_only, f))
    }

    fn transaction_here<T>(
        &self,
        isolation: IsolationLevel,
        read_only: bool,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut pooled = self.acquire()?;
        let Pooled { client, statements } = &mut pooled;
        let result = (|| {
            let mut tx = client
                .build_transaction()
                .isolation_level(isolation)
                .read_only(read_only)
                .start()?;
            let value = f(&mut PgConn {
                tx: &mut tx,
                statements,
            })?;
            tx.commit()?;
            Ok(value)
        })();
        self.release(pooled);
        result
    }
}

impl Drop for Postgres {
    /// Closing a client blocks on its runtime too.
    fn drop(&mut self) {
        let pool = std::mem::take(self.pool.get_mut().unwrap_or_else(|e| e.into_inner()));
        blocking(move || drop(pool));
    }
}

impl Backend for Postgres {
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction(IsolationLevel::RepeatableRead, true, f)
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction(IsolationLevel::ReadCommitted, false, f)
    }

    fn ping(&self) -> bool {
        self.read(|c| c.query_one("SELECT 1", &[])?.get::<i64>(0))
            .is_ok()
    }

    fn shared(&self) -> bool {
        true
    }

    /// A thread of its own keeps a connection that `LISTEN`s, and calls `wake` for every
    /// notification; when the connection drops it connects again.
    fn listen(&self, wake: Wake) {
        let config = self.config.clone();
        let spawned = std::thread::Builder::new()
            .name("ai-trader-listen".into())
            .spawn(move || {
                loop {
                    if let Err(e) = listen_once(&config, &wake) {
                        tracing::warn!(error = %e, "job notifications interrupted; reconnecting");
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot listen for job notifications; polling only");
        }
    }
}

/// Listens until the connection fails.
fn listen_once(config: &Config, wake: &Wake) -> Result<(), StoreError> {
    use postgres::fallible_iterator::FallibleIterator;
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    // Whatever changed while this connection was not listening.
    wake();
    loop {
        let woke = client
            .notifications()
            .timeout_iter(Duration::from_secs(30))
            .next()?
            .is_some();
        if woke {
            wake();
        } else {
            // Nothing for a while: make sure the connection still answers.
            client.batch_execute("SELECT 1")?;
        }
    }
}
