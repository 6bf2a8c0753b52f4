//! Comparing models over independent runs on the same dates: each run's return, Sharpe ratio,
//! maximum drawdown and excess return over the baseline, and per model their means with
//! confidence intervals ([`crate::stats::Estimate`]) and how many runs beat the baseline.

use serde::{Deserialize, Serialize};

use crate::metrics::{self, DailyValue, MetricsInput, total_return_pct};
use crate::stats::Estimate;

/// One run's ending values over the compared dates.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSeries {
    /// The model.
    pub model: String,
    /// The run.
    pub run: String,
    /// The value before its first day in the range (that day's starting value).
    pub starting_value: f64,
    /// Its ending values, ascending by date.
    pub daily_values: Vec<DailyValue>,
}

/// One run's figures over the compared dates. Returns are in percent and unrounded, so that
/// the model's means and intervals are computed from exact values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RunOutcome {
    /// The run.
    pub run: String,
    /// Its days in the range.
    pub trading_days: u32,
    /// Its value at the last of them.
    pub ending_portfolio_value: f64,
    /// `(end − start) / start × 100`.
    pub period_return_pct: f64,
    /// Sharpe ratio of its daily returns (annualised); `null` without variance.
    pub sharpe_ratio: Option<f64>,
    /// Largest peak-to-trough fall, percent.
    pub max_drawdown_pct: f64,
    /// Its return minus the baseline's over the same dates; `null` without a baseline.
    pub excess_return_pct: Option<f64>,
}

/// A model over its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelComparison {
    /// The model.
    pub model: String,
    /// Each run, in the order given.
    pub runs: Vec<RunOutcome>,
    /// Period return over the runs.
    pub period_return_pct: Estimate,
    /// Sharpe ratio over the runs that have one.
    pub sharpe_ratio: Estimate,
    /// Maximum drawdown over the runs.
    pub max_drawdown_pct: Estimate,
    /// Return above the baseline over the runs (`n` = 0 without a baseline).
    pub excess_return_pct: Estimate,
    /// Runs whose return beat the baseline's; `null` without a baseline.
    pub runs_beating_baseline: Option<u32>,
}

/// The figures of one run; `baseline_return_pct` is the baseline's return over the same dates.
pub fn outcome(series: &RunSeries, baseline_return_pct: Option<f64>) -> RunOutcome {
    let m = metrics::compute(&MetricsInput {
        starting_value: series.starting_value,
        daily_values: series.daily_values.clone(),
        ..MetricsInput::default()
    });
    let period_return_pct = total_return_pct(series.starting_value, m.ending_portfolio_value);
    RunOutcome {
        run: series.run.clone(),
        trading_days: m.trading_days,
        ending_portfolio_value: m.ending_portfolio_value,
        period_return_pct,
        sharpe_ratio: m.sharpe_ratio,
        max_drawdown_pct: m.max_drawdown_pct,
        excess_return_pct: baseline_return_pct.map(|b| period_return_pct - b),
    }
}

/// Compares the runs of each model, models in the order they first appear.
pub fn compare(series: &[RunSeries], baseline_return_pct: Option<f64>) -> Vec<ModelComparison> {
    let mut models: Vec<(&str, Vec<RunOutcome>)> = Vec::new();
    for s in series {
        let run = outcome(s, baseline_return_pct);
        match models.iter_mut().find(|(model, _)| *model == s.model) {
            Some((_, runs)) => runs.push(run),
            None => models.push((&s.model, vec![run])),
        }
    }
    models
        .into_iter()
        .map(|(model, runs)| summarize(model, runs, baseline_return_pct.is_some()))
        .collect()
}

/// Per date, the estimate of the runs' values on it (the runs that have that date): the mean
/// line and the 95 % band a chart draws for a model's repeats. Ascending by date.
pub fn daily_estimates(runs: &[&RunSeries]) -> Vec<(crate::Date, Estimate)> {
    let mut by_date: std::collections::BTreeMap<crate::Date, Vec<f64>> = Default::default();
    for run in runs {
        for v in &run.daily_values {
            by_date.entry(v.date).or_default().push(v.portfolio_value);
        }
    }
    by_date
        .into_iter()
        .map(|(date, values)| (date, Estimate::of(values)))
        .collect()
}

fn summarize(model: &str, runs: Vec<RunOutcome>, has_baseline: bool) -> ModelComparison {
    let excess: Vec<f64> = runs.iter().filter_map(|r| r.excess_return_pct).collect();
    ModelComparison {
        model: model.to_owned(),
        period_return_pct: Estimate::of(runs.iter().map(|r| r.period_return_pct)),
        sharpe_ratio: Estimate::of(runs.iter().filter_map(|r| r.sharpe_ratio)),
        max_drawdown_pct: Estimate::of(runs.iter().map(|r| r.max_drawdown_pct)),
        excess_return_pct: Estimate::of(excess.iter().copied()),
        runs_beating_baseline: has_baseline
            .then(|| excess.iter().filter(|e| **e > 0.0).count() as u32),
        runs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Date;

    fn series(model: &str, run: &str, values: &[f64]) -> RunSeries {
        let first = Date::parse("2025-10-01").unwrap();
        RunSeries {
            model: model.into(),
            run: run.into(),
            starting_value: 100.0,
            daily_values: values
                .iter()
                .enumerate()
                .map(|(i, v)| DailyValue {
                    date: first.add_days(i as i64),
                    portfolio_value: *v,
                })
                .collect(),
        }
    }

    #[test]
    fn runs_of_a_model_are_summarised_with_intervals_and_against_the_baseline() {
        let all = [
            series("a", "exp-1", &[101.0, 104.0]),
            series("b", "main", &[99.0, 98.0]),
            series("a", "exp-2", &[99.0, 102.0]),
            series("a", "exp-3", &[100.0, 100.0]),
        ];
        let compared = compare(&all, Some(2.5));
        assert_eq!(compared.len(), 2);
        let a = &compared[0];
        assert_eq!(a.model, "a");
        let returns: Vec<f64> = a.runs.iter().map(|r| r.period_return_pct).collect();
        assert_eq!(returns.len(), 3);
        assert!((returns[0] - 4.0).abs() < 1e-9 && (returns[1] - 2.0).abs() < 1e-9);
        assert_eq!(a.period_return_pct, Estimate::of(returns.iter().copied()));
        assert_eq!(a.runs_beating_baseline, Some(1));
        let excess = a.excess_return_pct.mean.unwrap();
        assert!((excess - (2.0 - 2.5)).abs() < 1e-9, "{excess}");
        // One run: a mean, no interval.
        let b = &compared[1];
        assert_eq!(b.period_return_pct.n, 1);
        assert_eq!(b.period_return_pct.low, None);
        assert!((b.max_drawdown_pct.mean.unwrap() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn daily_estimates_take_the_runs_on_each_date() {
        let (a, b) = (
            series("a", "r-1", &[100.0, 110.0]),
            series("a", "r-2", &[102.0]),
        );
        let band = daily_estimates(&[&a, &b]);
        assert_eq!(band.len(), 2);
        assert_eq!(band[0].1.mean, Some(101.0));
        assert!(band[0].1.low.is_some());
        assert_eq!(
            (band[1].1.n, band[1].1.mean, band[1].1.low),
            (1, Some(110.0), None)
        );
    }

    #[test]
    fn without_a_baseline_there_is_no_excess_and_no_count() {
        let compared = compare(&[series("a", "main", &[101.0])], None);
        assert_eq!(compared[0].runs_beating_baseline, None);
        assert_eq!(compared[0].excess_return_pct.n, 0);
        assert_eq!(compared[0].runs[0].excess_return_pct, None);
    }
}
