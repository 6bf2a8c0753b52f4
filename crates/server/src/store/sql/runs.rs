//! Runs: the registry of each model's runs (independent portfolio chains) with their notes.

use std::collections::BTreeMap;

use super::{Conn, StoreError, args};
use crate::store::RunRecord;

/// Registers a model's run when a job first holds it; a note given replaces the run's note.
pub(super) fn register(
    c: &mut dyn Conn,
    model: &str,
    run: &str,
    note: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO runs (model, run, note, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (model, run) DO UPDATE SET note = COALESCE(excluded.note, runs.note)",
        args![model, run, note, now],
    )?;
    Ok(())
}

/// Every registered run with the jobs that hold it (oldest first), by model then creation.
pub(super) fn list(c: &mut dyn Conn) -> Result<Vec<RunRecord>, StoreError> {
    let runs = c.query(
        "SELECT model, run, note, created_at FROM runs ORDER BY model, created_at, run",
        &[],
    )?;
    let jobs = c.query(
        "SELECT d.model, d.run, d.job_id FROM job_details d JOIN jobs j ON j.job_id = d.job_id
         GROUP BY d.model, d.run, d.job_id, j.created_at
         ORDER BY d.model, d.run, j.created_at, d.job_id",
        &[],
    )?;
    let mut held: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for j in &jobs {
        held.entry((j.get(0)?, j.get(1)?))
            .or_default()
            .push(j.get(2)?);
    }
    let mut out = Vec::with_capacity(runs.len());
    for r in &runs {
        let (model, run): (String, String) = (r.get(0)?, r.get(1)?);
        let job_ids = held
            .remove(&(model.clone(), run.clone()))
            .unwrap_or_default();
        out.push(RunRecord {
            model,
            run,
            note: r.get(2)?,
            created_at: r.get(3)?,
            job_ids,
        });
    }
    Ok(out)
}
