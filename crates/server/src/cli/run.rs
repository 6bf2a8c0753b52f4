//! `ai-trader run`: one job in the foreground, with a progress bar and a results table.

#![allow(clippy::print_stdout)] // a CLI prints its results

use std::sync::Arc;
use std::time::Duration;

use ai_trader_core::metrics::period_return_pct;
use ai_trader_core::{JobStatus, PlanError, PlanRequest};
use anyhow::Context as _;

use super::{Common, load};
use crate::app::AppState;
use crate::store::{DayFilter, Db};

pub(super) async fn run(common: &Common, request: PlanRequest) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let state: Arc<AppState> = AppState::open(settings, config, true)?;
    let (job_id, planned) = match state.create_job(request).await? {
        Ok(created) => created,
        Err(refused) => {
            let rerun = matches!(&refused, PlanError::NothingToRun { totals, .. }
                if totals.already_completed + totals.before_history > 0);
            let hint = if rerun {
                " Pass --replace-existing to run completed days again."
            } else {
                ""
            };
            anyhow::bail!("{}{hint}", refused.explanation());
        }
    };
    for warning in &planned.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "job {job_id}: {} model-days to run, {} skipped",
        planned.totals.run, planned.totals.skipped
    );
    let handle = state.worker.spawn(job_id.clone());
    let total = planned.totals.total_model_days.max(1);
    // The bar is redrawn a few times a second until the job ends.
    let status = loop {
        let record = state.db.job(&job_id).await?.context("job vanished")?;
        let p = record.progress;
        let width = 30;
        let filled = (p.done() * width / total) as usize;
        eprint!(
            "\r[{}{}] {}/{total} model-days ({} failed)",
            "#".repeat(filled),
            "-".repeat(width as usize - filled),
            p.done(),
            p.failed
        );
        if record.status.is_terminal() {
            eprintln!();
            break record.status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    handle.await.ok();
    print_results(&state.db, &job_id, status).await
}

async fn print_results(db: &Db, job_id: &str, status: JobStatus) -> anyhow::Result<()> {
    let days = db
        .trading_days(DayFilter {
            job_id: Some(job_id.to_owned()),
            ..DayFilter::default()
        })
        .await?;
    println!("job {job_id}: {status}");
    println!(
        "{:<24} {:>5} {:>14} {:>14} {:>9} {:>7}",
        "model", "days", "start value", "end value", "return", "trades"
    );
    for rows in days.chunk_by(|a, b| a.model == b.model) {
        let (first, last) = (&rows[0], &rows[rows.len() - 1]);
        let start = first.values.starting_portfolio_value;
        let end = last.values.ending_portfolio_value;
        let trades: u32 = rows.iter().map(|d| d.total_actions).sum();
        let ret = period_return_pct(start, end);
        println!(
            "{:<24} {:>5} {start:>14.2} {end:>14.2} {ret:>8.2}% {trades:>7}",
            first.model,
            rows.len()
        );
    }
    Ok(())
}
