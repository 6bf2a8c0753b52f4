//! The worker processes running jobs on this database: each announces itself and beats.

use ai_trader_core::api::WorkerInfo;

use super::{Conn, StoreError, args};

pub(super) fn heartbeat(c: &mut dyn Conn, w: &WorkerInfo, now: &str) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO workers (worker_id, host, pid, started_at, heartbeat_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
        args![&w.worker_id, &w.host, w.pid, &w.started_at, now],
    )?;
    Ok(())
}

pub(super) fn remove(c: &mut dyn Conn, worker_id: &str) -> Result<(), StoreError> {
    c.execute("DELETE FROM workers WHERE worker_id = ?1", args![worker_id])?;
    Ok(())
}

pub(super) fn live(c: &mut dyn Conn, since: &str) -> Result<Vec<WorkerInfo>, StoreError> {
    let rows = c.query(
        "SELECT worker_id, host, pid, started_at, heartbeat_at FROM workers
         WHERE heartbeat_at >= ?1 ORDER BY started_at",
        args![since],
    )?;
    rows.iter()
        .map(|r| {
            Ok(WorkerInfo {
                worker_id: r.get(0)?,
                host: r.get(1)?,
                pid: r.get(2)?,
                started_at: r.get(3)?,
                heartbeat_at: r.get(4)?,
            })
        })
        .collect()
}
