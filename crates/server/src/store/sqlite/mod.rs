//! The SQLite backend: one file, WAL, foreign keys on, a busy timeout, and a small pool of
//! connections so readers do not wait for each other. One process runs jobs on a file (it
//! holds the file's lock), so a write transaction (`BEGIN IMMEDIATE`) excludes every other.

mod conn;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::StoreError;
use super::sql::{Backend, Conn, SqlStore};
use crate::clock::Clock;
use conn::SqliteConn;

/// Connections kept open for reuse.
const POOL_SIZE: usize = 8;

/// The store on a SQLite file.
pub type SqliteStore = SqlStore<Sqlite>;

/// A SQLite database file.
pub struct Sqlite {
    path: PathBuf,
    pool: Mutex<Vec<Connection>>,
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
        Ok(SqlStore {
            backend: Sqlite::open(path)?,
            clock,
        })
    }

    /// Deletes the database file and its WAL companions (DEV mode reset).
    pub fn delete_files(path: &Path) -> std::io::Result<()> {
        Sqlite::delete_files(path)
    }
}

impl Sqlite {
    fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        let mut store = Self {
            path: path.to_owned(),
            pool: Mutex::new(Vec::new()),
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

    /// Whether the path still names the file this store opened.
    fn check_file(&self) -> Result<(), StoreError> {
        if identity(&self.path) == self.identity {
            Ok(())
        } else {
            Err(StoreError::FileReplaced(self.path.clone()))
        }
    }
}

impl Backend for Sqlite {
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.acquire()?;
        let result = f(&mut SqliteConn(&conn));
        self.release(conn);
        result
    }

    /// A write transaction (`BEGIN IMMEDIATE`). Nothing is written to a file that is no longer
    /// the one at the path.
    fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.check_file()?;
        let mut conn = self.acquire()?;
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&mut SqliteConn(&tx))?;
            tx.commit()?;
            Ok(value)
        })();
        self.release(conn);
        result
    }

    fn ping(&self) -> bool {
        self.check_file().is_ok()
            && self
                .read(|c| c.query_one("SELECT 1", &[])?.get::<i64>(0))
                .is_ok()
    }

    fn shared(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn migrations_are_versioned_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/jobs.db");
        let store = SqliteStore::open(&path, Clock::system()).unwrap();
        assert!(store.ping());
        drop(store);
        let reopened = Sqlite::open(&path).unwrap();
        let version: i64 = reopened
            .read(|c| c.query_one("PRAGMA user_version", &[])?.get(0))
            .unwrap();
        assert_eq!(version as usize, schema::SCHEMA_VERSION);
        let journal: String = reopened
            .read(|c| c.query_one("PRAGMA journal_mode", &[])?.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
    }
}
