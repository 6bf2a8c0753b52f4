//! What a plan or a job means, in sentences for a person, from structured data (the API's
//! warnings keep the reference's wording, with Python-style lists, for clients).

use std::collections::{BTreeMap, BTreeSet};

use ai_trader_core::api::JobDetail;
use ai_trader_core::planner::ModelDate;
use ai_trader_core::{Date, Plan, SkipReason, calendar};

use crate::format::count;

fn dates_list(dates: &[Date]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<String> = dates.iter().take(SHOWN).map(ToString::to_string).collect();
    if dates.len() > SHOWN {
        text.push(format!("and {} more", dates.len() - SHOWN));
    }
    text.join(", ")
}

/// The skipped model-days of a plan or a job, by reason.
#[derive(Debug, Default)]
pub struct Skips {
    weekend_dates: BTreeSet<Date>,
    holidays: BTreeMap<Date, String>,
    incomplete_dates: BTreeSet<Date>,
    already_completed: u32,
    before_history: u32,
    /// Model-days a budget stopped, with the first one's message.
    budget: (u32, Option<String>),
}

impl Skips {
    /// A plan's skips: date-level ones from its dates, model-level ones from its totals.
    pub fn of_plan(plan: &Plan) -> Self {
        let mut skips = Self {
            already_completed: plan.totals.already_completed,
            before_history: plan.totals.before_history,
            ..Self::default()
        };
        for d in &plan.dates {
            skips.add_date(d.date, d.skip_reason);
        }
        skips
    }

    /// A job's skips, from its details.
    pub fn of_job(details: &[JobDetail]) -> Self {
        let mut skips = Self::default();
        for d in details {
            match d.skip_reason {
                Some(SkipReason::AlreadyCompleted) => skips.already_completed += 1,
                Some(SkipReason::BeforeHistory) => skips.before_history += 1,
                Some(SkipReason::BudgetExhausted) => {
                    skips.budget.0 += 1;
                    skips
                        .budget
                        .1
                        .get_or_insert_with(|| d.error.clone().unwrap_or_default());
                }
                reason => skips.add_date(d.date, reason),
            }
        }
        skips
    }

    fn add_date(&mut self, date: Date, reason: Option<SkipReason>) {
        match reason {
            Some(SkipReason::Weekend) => {
                self.weekend_dates.insert(date);
            }
            Some(SkipReason::MarketHoliday) => {
                // The holiday's name, from the exchange calendar the planner used.
                let name = calendar::holiday_on(date)
                    .map_or_else(|| "market holiday".to_owned(), |h| h.to_string());
                self.holidays.insert(date, name);
            }
            Some(SkipReason::IncompletePriceData) => {
                self.incomplete_dates.insert(date);
            }
            _ => {}
        }
    }

    /// The sentences; `rerun_hint` follows those about completed days.
    pub fn sentences(&self, rerun_hint: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut closed = Vec::new();
        if !self.weekend_dates.is_empty() {
            closed.push(count(
                self.weekend_dates.len() as u32,
                "weekend day",
                "weekend days",
            ));
        }
        if !self.holidays.is_empty() {
            let names: Vec<&str> = self.holidays.values().map(String::as_str).collect();
            closed.push(format!(
                "{} ({})",
                count(names.len() as u32, "market holiday", "market holidays"),
                names.join(", ")
            ));
        }
        if !closed.is_empty() {
            out.push(format!(
                "The market is closed on {}: no model trades then.",
                closed.join(" and ")
            ));
        }
        if !self.incomplete_dates.is_empty() {
            let dates: Vec<Date> = self.incomplete_dates.iter().copied().collect();
            out.push(format!(
                "The server lacks complete prices on {}: these days are skipped.",
                dates_list(&dates)
            ));
        }
        if self.already_completed > 0 {
            let verb = if self.already_completed == 1 {
                "is"
            } else {
                "are"
            };
            out.push(format!(
                "{} {verb} already completed and skipped.{rerun_hint}",
                count(self.already_completed, "model-day", "model-days")
            ));
        }
        if let (n @ 1.., Some(message)) = &self.budget {
            out.push(format!(
                "{} did not run: a budget ran out ({}).",
                count(*n, "model-day", "model-days"),
                message.trim_start_matches("Budget exhausted: ")
            ));
        }
        if self.before_history > 0 {
            out.push(format!(
                "{} fall before a model's saved history and are skipped.{rerun_hint}",
                count(self.before_history, "model-day", "model-days")
            ));
        }
        out
    }
}

/// Which runs the plan creates or continues, unless it is just `main` going on.
fn runs_sentence(plan: &Plan) -> Option<String> {
    let new = plan
        .grid
        .iter()
        .filter(|r| r.last_completed.is_none())
        .count() as u32;
    let continued = plan.grid.len() as u32 - new;
    let only_main = matches!(plan.runs.as_slice(), [only] if ai_trader_core::run::is_main(only));
    if only_main && new == 0 {
        return None;
    }
    let names = match plan.runs.as_slice() {
        [one] => format!("Run “{one}”"),
        many => format!(
            "{} independent runs of each model ({})",
            many.len(),
            many.join(", ")
        ),
    };
    let parts = match (new, continued) {
        (_, 0) => "every model starts from the initial cash".to_owned(),
        (0, _) => "each continues from its last completed day".to_owned(),
        (new, continued) => format!(
            "{} from the initial cash, {} from {} last completed day",
            count(new, "starts", "start"),
            count(continued, "continues", "continue"),
            if continued == 1 { "its" } else { "their" }
        ),
    };
    Some(format!("{names}: {parts}."))
}

/// The notes under a plan's totals: closed days, missing prices, completed days, downloads.
pub fn notes(plan: &Plan, resume: bool, replace: bool) -> Vec<String> {
    // When nothing runs, the sentence on top already says what to do.
    let rerun_hint = if replace || resume || plan.totals.run == 0 {
        ""
    } else {
        " Tick “Re-run completed days” to run them again."
    };
    let mut out = Vec::new();
    out.extend(runs_sentence(plan));
    out.extend(Skips::of_plan(plan).sentences(rerun_hint));
    if !plan.download_dates.is_empty() {
        out.push(format!(
            "Missing prices for {} are downloaded before the job runs.",
            count(plan.download_dates.len() as u32, "date", "dates")
        ));
    }
    out
}

/// A stored warning for a person: a Python-style list (`['a', 'b']`) as a plain one.
pub fn plain_warning(warning: &str) -> String {
    warning
        .replace("['", "")
        .replace("', '", ", ")
        .replace("']", "")
}

/// The completed results this job replaces, per model and run: `(model, first, last, days)`,
/// the model named with its run unless that is `main`.
pub fn superseded(plan: &Plan) -> Vec<(String, Date, Date, u32)> {
    let mut per_model: BTreeMap<String, (Date, Date, u32)> = BTreeMap::new();
    for ModelDate { model, run, date } in &plan.superseded {
        let chain = ai_trader_core::run::chain_label(model, run);
        let entry = per_model.entry(chain).or_insert((*date, *date, 0));
        entry.0 = entry.0.min(*date);
        entry.1 = entry.1.max(*date);
        entry.2 += 1;
    }
    per_model
        .into_iter()
        .map(|(model, (first, last, n))| (model, first, last, n))
        .collect()
}

/// `mock-trader: 2025-07-01 to 2025-07-09 (7 days)`.
pub fn superseded_line((model, first, last, n): &(String, Date, Date, u32)) -> String {
    let days = count(*n, "day", "days");
    if first == last {
        format!("{model}: {first} ({days})")
    } else {
        format!("{model}: {first} to {last} ({days})")
    }
}

/// What to do when nothing runs, after the planner's sentence.
pub fn nothing_to_run_hint(plan: &Plan, resume: bool, replace: bool) -> &'static str {
    let t = plan.totals;
    if t.already_completed + t.before_history > 0 && !replace && !resume {
        "Tick “Re-run completed days” to run them again."
    } else if t.incomplete_price_data > 0 {
        "Choose days within the range the server has prices for."
    } else {
        "Choose a range with trading days."
    }
}
