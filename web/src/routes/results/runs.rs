//! A model's runs on the results page: the chart draws a model's repeats as their mean with a
//! 95 % band, and the comparison table gives each statistic's mean and interval over the runs
//! (both computed by the core from the loaded results).

use ai_trader_core::api::{BaselineResult, ModelRangeResult};
use ai_trader_core::comparison::{ModelComparison, RunSeries, compare, daily_estimates};
use ai_trader_core::run::chain_label;
use ai_trader_core::stats::{Estimate, INTERVAL_METHOD};
use leptos::prelude::*;

use super::chart::Series;
use crate::format::count;

const COLOURS: [&str; 8] = [
    "#2563eb", "#dc2626", "#15803d", "#9333ea", "#c2410c", "#0e7490", "#a16207", "#be185d",
];
const BASELINE_COLOUR: &str = "#4b5563";

/// A run's result as the core's series.
fn series_of(r: &ModelRangeResult) -> RunSeries {
    RunSeries {
        model: r.model.clone(),
        run: r.run.clone(),
        starting_value: r.period_metrics.starting_portfolio_value,
        daily_values: r.daily_portfolio_values.clone(),
    }
}

/// The results grouped by model, in the order models first appear.
fn by_model(ranges: &[ModelRangeResult]) -> Vec<(&str, Vec<&ModelRangeResult>)> {
    let mut models: Vec<(&str, Vec<&ModelRangeResult>)> = Vec::new();
    for r in ranges {
        match models.iter_mut().find(|(m, _)| *m == r.model) {
            Some((_, runs)) => runs.push(r),
            None => models.push((&r.model, vec![r])),
        }
    }
    models
}

/// The results ranked for the leaderboard: models by their runs' mean return, each model's runs
/// together, best first (with one run per model, simply by return).
pub fn ranked(ranges: &[ModelRangeResult]) -> Vec<ModelRangeResult> {
    let mut models: Vec<(f64, Vec<&ModelRangeResult>)> = by_model(ranges)
        .into_iter()
        .map(|(_, mut runs)| {
            runs.sort_by(|a, b| return_of(b).total_cmp(&return_of(a)));
            let returns: Vec<f64> = runs.iter().map(|r| return_of(r)).collect();
            (ai_trader_core::stats::mean(&returns).unwrap_or(0.0), runs)
        })
        .collect();
    models.sort_by(|a, b| b.0.total_cmp(&a.0));
    models
        .into_iter()
        .flat_map(|(_, runs)| runs.into_iter().cloned())
        .collect()
}

fn return_of(r: &ModelRangeResult) -> f64 {
    r.period_metrics.period_return_pct
}

/// A line per model: its run, or the mean of its runs with their 95 % band; the baseline last.
pub fn chart_series(ranges: &[ModelRangeResult], baseline: Option<&BaselineResult>) -> Vec<Series> {
    let mut series: Vec<Series> = by_model(ranges)
        .into_iter()
        .enumerate()
        .map(|(i, (model, runs))| {
            let colour = COLOURS[i % COLOURS.len()];
            if let [only] = runs.as_slice() {
                return Series {
                    name: chain_label(model, &only.run),
                    points: only
                        .daily_portfolio_values
                        .iter()
                        .map(|v| (v.date, v.portfolio_value))
                        .collect(),
                    baseline: false,
                    colour,
                    opens: Some((model.to_owned(), only.run.clone())),
                    band: Vec::new(),
                };
            }
            let all: Vec<RunSeries> = runs.iter().map(|r| series_of(r)).collect();
            let estimates = daily_estimates(&all.iter().collect::<Vec<_>>());
            Series {
                name: format!("{model} (mean of {} runs)", runs.len()),
                points: estimates
                    .iter()
                    .filter_map(|(d, e)| Some((*d, e.mean?)))
                    .collect(),
                baseline: false,
                colour,
                opens: None,
                band: estimates
                    .iter()
                    .filter_map(|(d, e)| Some((*d, e.low?, e.high?)))
                    .collect(),
            }
        })
        .collect();
    if let Some(b) = baseline {
        series.push(Series {
            name: format!("{} buy & hold", b.symbol),
            points: b
                .daily_portfolio_values
                .iter()
                .map(|v| (v.date, v.portfolio_value))
                .collect(),
            baseline: true,
            colour: BASELINE_COLOUR,
            opens: None,
            band: Vec::new(),
        });
    }
    series
}

/// The core's comparison of the loaded runs; `None` unless some model has several.
pub fn comparison(
    ranges: &[ModelRangeResult],
    baseline: Option<&BaselineResult>,
) -> Option<Vec<ModelComparison>> {
    let series: Vec<RunSeries> = ranges.iter().map(series_of).collect();
    let compared = compare(&series, baseline.and_then(BaselineResult::return_pct));
    compared
        .iter()
        .any(|m| m.runs.len() > 1)
        .then_some(compared)
}

/// `4.12 % ± 1.30`, the interval's ends in its title; the mean alone with one run.
fn estimate_cell(e: &Estimate, unit: &'static str) -> impl IntoView + use<> {
    let (text, title) = match (e.mean, e.low, e.high, e.half_width()) {
        (Some(mean), Some(low), Some(high), Some(half)) => (
            format!("{mean:.2}{unit} ± {half:.2}"),
            format!(
                "95 % interval over {} runs: {low:.2}{unit} to {high:.2}{unit}",
                e.n
            ),
        ),
        (Some(mean), ..) => (
            format!("{mean:.2}{unit}"),
            "One run: no interval".to_owned(),
        ),
        _ => ("—".to_owned(), "No value".to_owned()),
    };
    view! { <td class="num" title=title>{text}</td> }
}

/// Each model over its runs: return, Sharpe, drawdown and excess over the baseline with their
/// intervals, and how many runs beat the baseline.
pub fn comparison_table(
    compared: &[ModelComparison],
    baseline: Option<&BaselineResult>,
) -> impl IntoView + use<> {
    let symbol = baseline.map_or_else(|| "the baseline".to_owned(), |b| b.symbol.clone());
    let rows = compared
        .iter()
        .map(|m| {
            let beat = m
                .runs_beating_baseline
                .map_or_else(|| "—".to_owned(), |n| format!("{n} of {}", m.runs.len()));
            view! {
                <tr data-model=m.model.clone()>
                    <th>{m.model.clone()}</th>
                    <td class="num">{m.runs.len()}</td>
                    {estimate_cell(&m.period_return_pct, " %")}
                    {estimate_cell(&m.sharpe_ratio, "")}
                    {estimate_cell(&m.max_drawdown_pct, " %")}
                    {estimate_cell(&m.excess_return_pct, " %")}
                    <td class="num">{beat}</td>
                </tr>
            }
        })
        .collect_view();
    let runs: usize = compared.iter().map(|m| m.runs.len()).sum();
    view! {
        <h2>"Runs compared"</h2>
        <p class="hint" id="comparison-method">{format!("{} over {}. ", count(compared.len() as u32, "model", "models"), count(runs as u32, "run", "runs"))}{INTERVAL_METHOD}</p>
        <div class="grid-scroll">
            <table class="list comparison" id="comparison">
                <thead><tr>
                    <th>"Model"</th>
                    <th class="num">"Runs"</th>
                    <th class="num">"Return"</th>
                    <th class="num">"Sharpe"</th>
                    <th class="num">"Max drawdown"</th>
                    <th class="num">{format!("Return over {symbol}")}</th>
                    <th class="num">{format!("Runs beating {symbol}")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
