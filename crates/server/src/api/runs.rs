//! `GET /runs` and `GET /results/compare`: each model's independent runs, and models compared
//! over their runs on the same dates (the core's comparison), as JSON or CSV.

use std::sync::Arc;

use ai_trader_core::api::{
    BaselineResult, CompareQuery, CompareResponse, RunInfo, RunsQuery, RunsResponse,
};
use ai_trader_core::comparison::{ModelComparison, RunSeries, compare as compare_runs};
use ai_trader_core::cost::CostTotal;
use ai_trader_core::run::{is_run_or_repeat, repeat_of};
use ai_trader_core::stats::{CONFIDENCE, Estimate, INTERVAL_METHOD};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::cache::respond;
use super::csv;
use super::results::{baseline_over, resolve_dates};
use super::{AppError, AppQuery, run_filter};
use crate::app::AppState;
use crate::cache::Tagged;
use crate::store::{DayFilter, run_series};
use ai_trader_core::csv::{Csv, Field};

pub(super) async fn runs(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<RunsQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let as_csv = csv::wanted(query.format.as_deref(), &headers)?;
    let model = query.model.filter(|m| !m.is_empty());
    let (records, values, costs) = state
        .db
        .call(move |store| {
            let filter = DayFilter {
                model: model.clone(),
                ..DayFilter::default()
            };
            let records = store.runs()?;
            let records: Vec<_> = records
                .into_iter()
                .filter(|r| model.as_ref().is_none_or(|m| *m == r.model))
                .collect();
            Ok((records, store.day_values(&filter)?, store.current_costs()?))
        })
        .await?;
    let (costs, _) = CostTotal::by_key(costs);
    let series = run_series(values);
    let runs: Vec<RunInfo> = records
        .into_iter()
        .map(|r| {
            let empty = RunSeries {
                model: r.model.clone(),
                run: r.run.clone(),
                starting_value: 0.0,
                daily_values: Vec::new(),
            };
            let days = series
                .iter()
                .find(|s| s.model == r.model && s.run == r.run)
                .unwrap_or(&empty);
            let cost = costs
                .get(&(r.model.clone(), r.run.clone()))
                .copied()
                .unwrap_or_default();
            RunInfo::new(days, (r.note, r.created_at), r.job_ids, cost)
        })
        .collect();
    if as_csv {
        return Ok(csv::respond(runs_csv(&runs), "runs.csv"));
    }
    Ok(Json(RunsResponse {
        count: runs.len() as u32,
        runs,
    })
    .into_response())
}

fn runs_csv(runs: &[RunInfo]) -> Csv {
    let mut csv = Csv::new(&[
        "model",
        "run",
        "note",
        "created_at",
        "first_date",
        "last_date",
        "days",
        "final_value",
        "return_pct",
        "job_ids",
        "cost_usd",
        "unpriced_days",
    ]);
    for r in runs {
        let (first, last) = (
            r.first_date.map(|d| d.to_string()),
            r.last_date.map(|d| d.to_string()),
        );
        let jobs = r.job_ids.join(" ");
        csv.row([
            r.model.as_str().into(),
            r.run.as_str().into(),
            r.note.as_deref().into(),
            r.created_at.as_str().into(),
            first.as_deref().into(),
            last.as_deref().into(),
            r.days.into(),
            r.final_value.into(),
            r.return_pct.into(),
            jobs.as_str().into(),
            r.cost.usd.into(),
            r.cost.unpriced_days.into(),
        ]);
    }
    csv
}

/// The models a comparison asks for, in order; none means every model.
fn requested_models(models: Option<&str>) -> Vec<String> {
    models
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) async fn compare(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<CompareQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let as_csv = csv::wanted(query.format.as_deref(), &headers)?;
    let (start, end) = resolve_dates(
        (query.start_date.as_deref(), query.end_date.as_deref()),
        state.settings.results_lookback_days,
        state.clock.today(),
    )?;
    let models = requested_models(query.models.as_deref());
    let run = run_filter(query.run.clone())?;
    let key = format!("compare {start} {end} {models:?} {run:?}");
    let version = (
        state.db.call(|store| store.days_version()).await?,
        state.market.version(),
    );
    let cached = if as_csv {
        None
    } else {
        state.results.get(&key, version)
    };
    if let Some(kept) = cached {
        return Ok(respond(&kept, &headers));
    }
    let filter = DayFilter {
        start: Some(start),
        end: Some(end),
        ..DayFilter::default()
    };
    let rows = state
        .db
        .call(move |store| store.day_values(&filter))
        .await?;
    let mut series: Vec<RunSeries> = run_series(rows)
        .into_iter()
        .filter(|s| models.is_empty() || models.contains(&s.model))
        .filter(|s| run.as_deref().is_none_or(|r| is_run_or_repeat(&s.run, r)))
        .collect();
    if series.is_empty() {
        return Err(AppError::NotFound(
            "No trading data found for the specified filters".into(),
        ));
    }
    // The requested order of models; runs in name order within a model, repeats by number.
    series.sort_by_key(|s| {
        let at = models.iter().position(|m| *m == s.model);
        (at, s.model.clone(), repeat_order(&s.run))
    });
    let dates = series
        .iter()
        .flat_map(|s| s.daily_values.iter().map(|v| v.date))
        .collect();
    let initial_cash = state.config.agent_config.initial_cash;
    let baseline = baseline_over(&state.market(), dates, initial_cash);
    let baseline_return = baseline.as_ref().and_then(BaselineResult::return_pct);
    let response = CompareResponse {
        start_date: start,
        end_date: end,
        confidence: CONFIDENCE,
        method: INTERVAL_METHOD.to_owned(),
        models: compare_runs(&series, baseline_return),
        baseline,
    };
    if as_csv {
        return Ok(csv::respond(
            compare_csv(&response.models),
            "comparison.csv",
        ));
    }
    let body = serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.to_string()))?;
    let tagged = Arc::new(Tagged::new(body));
    state.results.put(key, version, tagged.clone());
    Ok(respond(&tagged, &headers))
}

/// Sorts `exp-2` before `exp-10`: the name without its number, then the number.
fn repeat_order(run: &str) -> (String, u64) {
    let (base, n) = repeat_of(run).unwrap_or((run, 0));
    (base.to_owned(), n)
}

/// The comparison table: one row per model, each statistic's mean and interval.
fn compare_csv(models: &[ModelComparison]) -> Csv {
    let mut header = vec!["model", "runs"];
    let stats = [
        "period_return_pct",
        "sharpe_ratio",
        "max_drawdown_pct",
        "excess_return_pct",
    ];
    let columns: Vec<String> = stats
        .iter()
        .flat_map(|s| ["mean", "low", "high"].map(|part| format!("{s}_{part}")))
        .collect();
    header.extend(columns.iter().map(String::as_str));
    header.push("runs_beating_baseline");
    let mut csv = Csv::new(&header);
    for m in models {
        let estimates: [&Estimate; 4] = [
            &m.period_return_pct,
            &m.sharpe_ratio,
            &m.max_drawdown_pct,
            &m.excess_return_pct,
        ];
        let mut row: Vec<Field<'_>> = vec![m.model.as_str().into(), (m.runs.len() as u32).into()];
        for e in estimates {
            let parts: [Field<'_>; 3] = [e.mean.into(), e.low.into(), e.high.into()];
            row.extend(parts);
        }
        row.push(m.runs_beating_baseline.into());
        csv.row(row);
    }
    csv
}
