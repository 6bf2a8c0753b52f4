//! `ai-trader run`: one job in the foreground, with a progress bar and a results table.

#![allow(clippy::print_stdout)] // a CLI prints its results

use std::sync::Arc;
use std::time::Duration;

use ai_trader_core::api::BaselineResult;
use ai_trader_core::comparison::{ModelComparison, compare};
use ai_trader_core::cost::{CostTotal, describe_usd};
use ai_trader_core::forecast::{
    Forecast, describe_basis, describe_budget, describe_cost, describe_duration,
    describe_token_counts,
};
use ai_trader_core::metrics::round2;
use ai_trader_core::stats::{Estimate, INTERVAL_METHOD};
use ai_trader_core::{JobStatus, PlanError, PlanRequest};
use anyhow::Context as _;

use super::{Common, load};
use crate::api::baseline_over;
use crate::app::AppState;
use crate::store::{DayFilter, DayRow, ValueRow, run_series};

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
    print_forecast(&planned.forecast);
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
    // What the run added (a budget exhausted, a download's problems).
    let record = state.db.job(&job_id).await?.context("job vanished")?;
    for warning in record.warnings.iter().skip(planned.warnings.len()) {
        eprintln!("warning: {warning}");
    }
    print_results(&state, &job_id, status).await
}

/// The plan's forecast, before the job runs: per model and in total, with the budgets.
fn print_forecast(forecast: &Forecast) {
    println!(
        "{:<24} {:>5} {:>22} {:>22} {:>14}  basis",
        "forecast", "days", "tokens", "cost", "time"
    );
    for m in &forecast.models {
        // Indented: the results table's rows start with the model.
        println!(
            "  {:<22} {:>5} {:>22} {:>22} {:>14}  {}",
            m.model,
            m.model_days,
            describe_token_counts(m.prompt_tokens, m.completion_tokens),
            describe_cost(m.cost_usd),
            describe_duration(m.duration_seconds),
            describe_basis(m)
        );
        if let Some(budget) = describe_budget(m) {
            println!("  {:<22} {budget}", "");
        }
    }
    let total = &forecast.total;
    let cost = match total.unknown_models.as_slice() {
        [] => describe_cost(Some(total.cost_usd)),
        unknown => format!(
            "at least {} ({} unknown)",
            describe_cost(Some(total.cost_usd)),
            unknown.join(", ")
        ),
    };
    println!(
        "forecast of the job: {} model-days, cost {cost}, time {}",
        total.model_days,
        describe_duration(total.duration_seconds)
    );
    if let (Some(budget), Some(n)) = (total.max_cost_usd, total.affordable_days) {
        println!(
            "budget {}: about {n} of {} model-days fit",
            describe_usd(Some(budget)),
            total.model_days
        );
    }
}

async fn print_results(state: &AppState, job_id: &str, status: JobStatus) -> anyhow::Result<()> {
    let days = state
        .db
        .trading_days(DayFilter {
            job_id: Some(job_id.to_owned()),
            ..DayFilter::default()
        })
        .await?;
    println!("job {job_id}: {status}");
    let series = run_series(days.iter().map(ValueRow::from));
    let dates = days.iter().map(|d| d.date).collect();
    let initial_cash = state.config.agent_config.initial_cash;
    let baseline = baseline_over(&state.market(), dates, initial_cash);
    let baseline_return = baseline.as_ref().and_then(BaselineResult::return_pct);
    let compared = compare(&series, baseline_return);
    print_runs(&compared, &days);
    if compared.iter().any(|m| m.runs.len() > 1) {
        println!();
        print_comparison(&compared, baseline_return);
    }
    Ok(())
}

/// One line per run: days, values, return and trades.
fn print_runs(compared: &[ModelComparison], days: &[DayRow]) {
    let (costs, total) = CostTotal::by_key(
        days.iter()
            .map(|d| ((d.model.as_str(), d.run.as_str()), d.cost_usd)),
    );
    println!(
        "{:<24} {:<12} {:>5} {:>14} {:>9} {:>7} {:>12}",
        "model", "run", "days", "end value", "return", "trades", "cost"
    );
    for model in compared {
        for run in &model.runs {
            let trades: u32 = days
                .iter()
                .filter(|d| d.model == model.model && d.run == run.run)
                .map(|d| d.total_actions)
                .sum();
            let cost = costs
                .get(&(model.model.as_str(), run.run.as_str()))
                .map_or_else(|| "-".to_owned(), ToString::to_string);
            println!(
                "{:<24} {:<12} {:>5} {:>14.2} {:>8.2}% {trades:>7} {cost:>12}",
                model.model,
                run.run,
                run.trading_days,
                run.ending_portfolio_value,
                round2(run.period_return_pct)
            );
        }
    }
    println!("cost of the job: {total}");
}

/// Per model: each statistic's mean ± half its 95% interval over the runs, and how many runs
/// beat the baseline.
fn print_comparison(compared: &[ModelComparison], baseline_return: Option<f64>) {
    println!("{INTERVAL_METHOD}");
    if let Some(b) = baseline_return {
        println!("baseline (buy and hold QQQ): {b:.2}%");
    }
    println!(
        "{:<24} {:>4} {:>18} {:>16} {:>18} {:>10}",
        "model", "runs", "return %", "sharpe", "max drawdown %", "beat QQQ"
    );
    for m in compared {
        let beat = m
            .runs_beating_baseline
            .map_or_else(|| "-".to_owned(), |n| format!("{n}/{}", m.runs.len()));
        println!(
            "{:<24} {:>4} {:>18} {:>16} {:>18} {beat:>10}",
            m.model,
            m.runs.len(),
            with_interval(&m.period_return_pct),
            with_interval(&m.sharpe_ratio),
            with_interval(&m.max_drawdown_pct),
        );
    }
}

/// `4.12 ± 1.30`, or the mean alone without an interval.
fn with_interval(e: &Estimate) -> String {
    match (e.mean, e.half_width()) {
        (Some(mean), Some(half)) => format!("{mean:.2} ± {half:.2}"),
        (Some(mean), None) => format!("{mean:.2}"),
        _ => "-".to_owned(),
    }
}
