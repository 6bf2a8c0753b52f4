//! The worker processes running jobs on this database: each announces itself and beats.

use ai_trader_core::api::WorkerInfo;
use rusqlite::{Connection, Transaction, params};

use super::StoreError;

pub(super) fn heartbeat(tx: &Transaction<'_>, w: &WorkerInfo, now: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO workers (worker_id, host, pid, started_at, heartbeat_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
        params![w.worker_id, w.host, w.pid, w.started_at, now],
    )?;
    Ok(())
}

pub(super) fn remove(tx: &Transaction<'_>, worker_id: &str) -> Result<(), StoreError> {
    tx.execute("DELETE FROM workers WHERE worker_id = ?1", [worker_id])?;
    Ok(())
}

pub(super) fn live(conn: &Connection, since: &str) -> Result<Vec<WorkerInfo>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT worker_id, host, pid, started_at, heartbeat_at FROM workers
         WHERE heartbeat_at >= ?1 ORDER BY started_at",
    )?;
    let rows = stmt.query_map([since], |r| {
        Ok(WorkerInfo {
            worker_id: r.get(0)?,
            host: r.get(1)?,
            pid: r.get(2)?,
            started_at: r.get(3)?,
            heartbeat_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
