//! The job planner: which model-days of a request run, which are skipped and why.
//!
//! [`plan`] is the one function both the server (to create a job's details) and the browser (to
//! preview them) call, so a preview and the job it becomes are identical.

mod context;
mod error;
mod plan;
mod request;
mod skip;
mod warnings;

use std::collections::{BTreeMap, HashMap, HashSet};

pub use context::{ActiveJob, DEFAULT_MAX_SIMULATION_DAYS, ModelHistory, ModelInfo, PlanContext};
pub use error::PlanError;
pub use plan::{
    ModelDate, ModelRow, Plan, PlanTotals, PlannedDate, PlannedModelDay, RUN_LETTER, model_days,
};
pub use request::{MAX_NOTE_CHARS, PlanRequest, REQUEST_FIELDS};
pub use skip::SkipReason;

use crate::calendar::{self, Closure};
use crate::cost::fixed;
use crate::forecast::{self, Forecast};
use crate::market::DayData;
use crate::{Date, date::python_list, run};

/// Plans a job: validates the request against the context and decides every model-day.
///
/// Validation order follows the reference: dates' format, models, resume starts, range order,
/// range size, future end, busy models, and finally whether anything is left to run.
pub fn plan(request: &PlanRequest, context: &PlanContext) -> Result<Plan, PlanError> {
    let plan = plan_preview(request, context)?;
    match plan.nothing_to_run() {
        Some(error) => Err(error),
        None => Ok(plan),
    }
}

/// Plans a job as [`plan`] does, except that a plan where every model-day is skipped is
/// returned rather than refused: a preview shows each cell's reason, and
/// [`Plan::nothing_to_run`] says why the job would be refused.
pub fn plan_preview(request: &PlanRequest, context: &PlanContext) -> Result<Plan, PlanError> {
    check_max_cost(request.max_cost_usd)?;
    let span = Span::resolve(request, context)?;
    check_busy(&span.chains, context)?;
    let dates = plan_dates(span.start, span.end, context);
    // In resume mode every model starts after its history, so there is nothing to replace.
    let replace = request.replace_existing && !span.resume_mode;
    let grid = plan_grid(&span, &dates, replace);
    let download_dates = download_dates(&dates, context);
    let mut warnings = warnings::warnings(
        &dates,
        &grid.model_level,
        grid.replaced,
        &grid.superseded_later,
        span.resume_mode,
    );
    warnings.extend(request.unknown_field_warnings());
    if !download_dates.is_empty() {
        warnings.push(format!(
            "Downloading missing price data for {} dates before running: {}",
            download_dates.len(),
            python_list(&download_dates)
        ));
    }
    let mut superseded = grid.superseded;
    superseded.sort();
    let mut plan = Plan {
        start_date: span.start,
        end_date: span.end,
        resume_mode: span.resume_mode,
        replace_existing: request.replace_existing,
        calendar_only: context.market.is_none(),
        models: span.models,
        runs: span.runs,
        note: request.note.clone().filter(|n| !n.trim().is_empty()),
        dates,
        grid: grid.rows,
        totals: grid.totals,
        warnings,
        superseded,
        download_dates,
        forecast: Forecast::default(),
    };
    plan.forecast = forecast::forecast(&plan, context, request.max_cost_usd);
    plan.warnings.extend(forecast::warnings(&plan.forecast));
    Ok(plan)
}

/// The models, runs and dates of a request, validated: each chain's history and start, and the
/// job's range.
struct Span {
    models: Vec<String>,
    runs: Vec<String>,
    /// One per (model, run), models first.
    chains: Vec<Chain>,
    start: Date,
    end: Date,
    resume_mode: bool,
}

/// One (model, run) of a job: an independent portfolio chain.
struct Chain {
    model: String,
    run: String,
    history: Vec<Date>,
    start: Date,
}

impl Span {
    fn resolve(request: &PlanRequest, context: &PlanContext) -> Result<Self, PlanError> {
        if request.end_date.is_empty() {
            return Err(PlanError::EndDateRequired);
        }
        let end = parse_field("end_date", &request.end_date)?;
        let requested_start = match request.start_date.as_deref() {
            None | Some("") => None,
            Some(text) => Some(parse_field("start_date", text)?),
        };
        let models = resolve_models(request, context)?;
        let runs = resolve_runs(request)?;
        let mut chains: Vec<Chain> = Vec::with_capacity(models.len() * runs.len());
        for model in &models {
            let history = context.history.get(model.as_str());
            for run in &runs {
                let history = sorted_history(history.map(|h| h.of_run(run)));
                let start = match requested_start {
                    Some(start) => start,
                    None => history.last().map_or(end, |last| last.succ()),
                };
                chains.push(Chain {
                    model: model.clone(),
                    run: run.clone(),
                    history,
                    start,
                });
            }
        }
        let start = chains.iter().map(|c| c.start).min().unwrap_or(end);
        // A chain without history runs from the job's start, as in the reference: its cold
        // start (`end_date`) only matters when every chain is cold.
        for chain in chains.iter_mut().filter(|c| c.history.is_empty()) {
            chain.start = start;
        }
        check_range(start, end, requested_start.is_none(), context)?;
        Ok(Self {
            models,
            runs,
            chains,
            start,
            end,
            resume_mode: requested_start.is_none(),
        })
    }
}

/// A job budget must be an amount of USD.
fn check_max_cost(max_cost_usd: Option<f64>) -> Result<(), PlanError> {
    match max_cost_usd {
        Some(usd) if !(usd.is_finite() && usd >= 0.0) => Err(PlanError::InvalidBudget {
            value: if usd.fract() == 0.0 {
                fixed(usd, 0)
            } else {
                fixed(usd, 4)
            },
        }),
        _ => Ok(()),
    }
}

/// The runs a request names, checked; the note's length is checked here too.
fn resolve_runs(request: &PlanRequest) -> Result<Vec<String>, PlanError> {
    let run = request.run.as_deref().unwrap_or(run::MAIN_RUN);
    run::check_run_name(run).map_err(|problem| PlanError::InvalidRun {
        run: run.to_owned(),
        problem,
    })?;
    let repeats = request.repeats.unwrap_or(1);
    if !(1..=run::MAX_REPEATS).contains(&repeats) {
        return Err(PlanError::InvalidRepeats {
            repeats,
            max: run::MAX_REPEATS,
        });
    }
    if let Some(chars) = request
        .note
        .as_deref()
        .map(|n| n.chars().count())
        .filter(|n| *n > MAX_NOTE_CHARS)
    {
        return Err(PlanError::NoteTooLong {
            chars,
            max: MAX_NOTE_CHARS,
        });
    }
    Ok(run::repeat_names(run, repeats))
}

/// The range's order, size and end.
fn check_range(
    start: Date,
    end: Date,
    resume_mode: bool,
    context: &PlanContext,
) -> Result<(), PlanError> {
    if start > end {
        return Err(PlanError::StartAfterEnd {
            start: start.to_string(),
            end: end.to_string(),
            resume_mode,
        });
    }
    let days = end.days_since(start) + 1;
    if days > i64::from(context.max_simulation_days) {
        return Err(PlanError::RangeTooLarge {
            days,
            max: context.max_simulation_days,
        });
    }
    if end > context.today {
        return Err(PlanError::EndInFuture {
            end: end.to_string(),
            today: context.today.to_string(),
        });
    }
    Ok(())
}

/// Every model's row, with the counts and supersessions the warnings need.
#[derive(Default)]
struct Grid {
    rows: Vec<ModelRow>,
    totals: PlanTotals,
    /// Model-level skips (not weekends or holidays), per reason.
    model_level: BTreeMap<SkipReason, u32>,
    /// Completed days a replacing run supersedes.
    superseded: Vec<ModelDate>,
    /// Of those, how many run again.
    replaced: u32,
    /// Of those, the later days that do not run again.
    superseded_later: Vec<ModelDate>,
}

fn plan_grid(span: &Span, dates: &[PlannedDate], replace: bool) -> Grid {
    let mut grid = Grid {
        rows: Vec::with_capacity(span.chains.len()),
        ..Grid::default()
    };
    for chain in &span.chains {
        let row = plan_chain(chain, dates, replace);
        for letter in row.cells.bytes() {
            grid.totals.total_model_days += 1;
            match SkipReason::from_letter(letter) {
                None => grid.totals.run += 1,
                Some(reason) => {
                    grid.totals.count(reason);
                    if !reason.is_date_level() {
                        *grid.model_level.entry(reason).or_default() += 1;
                    }
                }
            }
        }
        if replace {
            let (superseded, replaced) = supersede(chain, &row, dates);
            grid.replaced += replaced;
            grid.superseded_later.extend(
                superseded
                    .iter()
                    .filter(|(_, runs_again)| !runs_again)
                    .map(|(day, _)| day.clone()),
            );
            grid.superseded
                .extend(superseded.into_iter().map(|(day, _)| day));
        }
        grid.rows.push(row);
    }
    grid
}

/// With `download_missing`, the tradable dates whose prices are incomplete: the server
/// downloads them before the job runs.
fn download_dates(dates: &[PlannedDate], context: &PlanContext) -> Vec<Date> {
    match (&context.market, context.download_missing) {
        (Some(market), true) => dates
            .iter()
            .filter(|d| d.skip_reason.is_none() && market.day(d.date) != DayData::Complete)
            .map(|d| d.date)
            .collect(),
        _ => Vec::new(),
    }
}

fn parse_field(field: &'static str, text: &str) -> Result<Date, PlanError> {
    Date::parse(text).map_err(|error| PlanError::InvalidDate { field, error })
}

/// The request's models, or every enabled model; unknown and repeated names are errors.
fn resolve_models(request: &PlanRequest, context: &PlanContext) -> Result<Vec<String>, PlanError> {
    let requested = request.models.as_deref().unwrap_or_default();
    if requested.is_empty() {
        let enabled: Vec<String> = context
            .models
            .iter()
            .filter(|m| m.enabled)
            .map(|m| m.signature.clone())
            .collect();
        if enabled.is_empty() {
            return Err(PlanError::NoEnabledModels);
        }
        return Ok(enabled);
    }
    let configured: HashSet<&str> = context
        .models
        .iter()
        .map(|m| m.signature.as_str())
        .collect();
    let mut seen = HashSet::new();
    let mut unknown = Vec::new();
    for model in requested {
        if !seen.insert(model.as_str()) {
            return Err(PlanError::DuplicateModel(model.clone()));
        }
        if !configured.contains(model.as_str()) {
            unknown.push(model.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(PlanError::UnknownModels {
            unknown,
            configured: context.models.iter().map(|m| m.signature.clone()).collect(),
        });
    }
    Ok(requested.to_vec())
}

fn sorted_history(history: Option<&[Date]>) -> Vec<Date> {
    let mut dates = history.map(<[Date]>::to_vec).unwrap_or_default();
    if !dates.is_sorted() {
        dates.sort_unstable();
    }
    dates.dedup();
    dates
}

/// Requested chains held by an active job. A (model, run) belongs to at most one active job.
fn check_busy(chains: &[Chain], context: &PlanContext) -> Result<(), PlanError> {
    let mut holder: HashMap<(&str, &str), &str> = HashMap::new();
    for job in context.active_jobs.iter().filter(|j| j.status.is_active()) {
        for model in &job.models {
            for run in &job.runs {
                holder
                    .entry((model.as_str(), run.as_str()))
                    .or_insert(job.job_id.as_str());
            }
        }
    }
    let busy: Vec<(String, String)> = chains
        .iter()
        .filter_map(|c| {
            holder
                .get(&(c.model.as_str(), c.run.as_str()))
                .map(|job| (run::chain_label(&c.model, &c.run), (*job).to_owned()))
        })
        .collect();
    if busy.is_empty() {
        Ok(())
    } else {
        Err(PlanError::ModelsBusy { busy })
    }
}

/// What each date of the range is: weekend, holiday, incomplete, or tradable.
fn plan_dates(start: Date, end: Date, context: &PlanContext) -> Vec<PlannedDate> {
    Date::range_inclusive(start, end)
        .map(|date| {
            let (skip_reason, message) = match calendar::closure(date) {
                Some(closure @ Closure::Weekend) => {
                    (Some(SkipReason::Weekend), Some(closure.to_string()))
                }
                Some(closure @ Closure::Holiday(_)) => {
                    (Some(SkipReason::MarketHoliday), Some(closure.to_string()))
                }
                None => match context.market.as_ref().map(|m| m.day(date)) {
                    None | Some(DayData::Complete) => (None, None),
                    // The server fetches these before the job runs.
                    Some(_) if context.download_missing => (None, None),
                    Some(data) => (Some(SkipReason::IncompletePriceData), data.message()),
                },
            };
            PlannedDate {
                date,
                skip_reason,
                message,
            }
        })
        .collect()
}

/// One chain's row: date-level skips first, then its own history.
fn plan_chain(chain: &Chain, dates: &[PlannedDate], replace: bool) -> ModelRow {
    let latest = chain.history.last().copied();
    let mut completed = chain.history.iter().peekable();
    let mut cells = String::with_capacity(dates.len());
    let mut runs = 0;
    for planned in dates {
        while completed.next_if(|d| **d < planned.date).is_some() {}
        let is_completed = completed.peek() == Some(&&planned.date);
        let reason = if let Some(reason) = planned.skip_reason {
            Some(reason)
        } else if replace {
            None
        } else if is_completed {
            Some(SkipReason::AlreadyCompleted)
        } else if latest.is_some_and(|latest| planned.date < latest) {
            Some(SkipReason::BeforeHistory)
        } else {
            None
        };
        match reason {
            Some(reason) => cells.push(reason.letter() as char),
            None => {
                cells.push(RUN_LETTER as char);
                runs += 1;
            }
        }
    }
    ModelRow {
        model: chain.model.clone(),
        run: chain.run.clone(),
        last_completed: latest,
        start_date: chain.start,
        cells,
        runs,
    }
}

/// The completed days of a chain that a replacing job supersedes: every one on or after its
/// first run date. Each is flagged with whether the job runs that day again (else it is a later
/// day whose starting portfolio changes). Also returns how many run again.
fn supersede(
    chain: &Chain,
    row: &ModelRow,
    dates: &[PlannedDate],
) -> (Vec<(ModelDate, bool)>, u32) {
    let Some(first_run) = row.cells.bytes().position(|c| c == RUN_LETTER) else {
        return (Vec::new(), 0);
    };
    let start = dates[0].date;
    let cells = row.cells.as_bytes();
    let days: Vec<(ModelDate, bool)> = chain
        .history
        .iter()
        .filter(|day| **day >= dates[first_run].date)
        .map(|day| {
            let index = usize::try_from(day.days_since(start)).ok();
            let runs_again = index.and_then(|i| cells.get(i)) == Some(&RUN_LETTER);
            let entry = ModelDate {
                model: chain.model.clone(),
                run: chain.run.clone(),
                date: *day,
            };
            (entry, runs_again)
        })
        .collect();
    let replaced = days.iter().filter(|(_, again)| *again).count() as u32;
    (days, replaced)
}

/// The error for a plan in which nothing runs.
impl Plan {
    /// The refusal of a plan where every model-day is skipped; `None` when something runs.
    pub fn nothing_to_run(&self) -> Option<PlanError> {
        (self.totals.run == 0).then(|| nothing_to_run(&self.grid, &self.dates, &self.totals))
    }
}

fn nothing_to_run(grid: &[ModelRow], dates: &[PlannedDate], totals: &PlanTotals) -> PlanError {
    let only_completed = totals.already_completed > 0 && totals.before_history == 0;
    if only_completed {
        // The reference's wording, which clients know.
        let details: Vec<String> = dates
            .iter()
            .enumerate()
            .flat_map(|(i, planned)| {
                grid.iter()
                    .filter(move |row| {
                        row.cells.as_bytes()[i] == SkipReason::AlreadyCompleted.letter()
                    })
                    .map(move |row| {
                        let chain = if run::is_main(&row.run) {
                            row.model.clone()
                        } else {
                            format!("{}/{}", row.model, row.run)
                        };
                        format!("Skipped {chain}/{} - already completed", planned.date)
                    })
            })
            .collect();
        return PlanError::NothingToRun {
            reference: format!(
                "All requested simulations are already completed. Skipped {} model-day pair(s). Details: {}",
                totals.already_completed,
                python_list(details)
            ),
            totals: *totals,
        };
    }
    let breakdown: Vec<String> = SkipReason::PLANNED
        .into_iter()
        .filter(|r| totals.of(*r) > 0)
        .map(|r| format!("{}: {}", r.code(), totals.of(r)))
        .collect();
    let hint = if totals.already_completed + totals.before_history > 0 {
        " Set replace_existing to re-run completed days."
    } else {
        " Choose a range with trading days that have complete price data."
    };
    PlanError::NothingToRun {
        reference: format!(
            "Nothing to run: all {} requested model-days would be skipped ({}).{hint}",
            totals.total_model_days,
            breakdown.join(", ")
        ),
        totals: *totals,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod run_tests;
