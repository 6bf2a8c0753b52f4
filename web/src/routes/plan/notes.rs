//! What a plan means, in sentences for a person, from the plan's structured data (the API's
//! warnings keep the reference's wording, with Python-style lists, for clients).

use std::collections::BTreeMap;

use ai_trader_core::planner::ModelDate;
use ai_trader_core::{Date, Plan, SkipReason};

use crate::format::count;

fn dates_list(dates: &[Date]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<String> = dates.iter().take(SHOWN).map(ToString::to_string).collect();
    if dates.len() > SHOWN {
        text.push(format!("and {} more", dates.len() - SHOWN));
    }
    text.join(", ")
}

/// The notes under the totals: closed days, missing prices, completed days, downloads.
pub fn notes(plan: &Plan, resume: bool, replace: bool) -> Vec<String> {
    let mut out = Vec::new();
    let of = |reason| {
        plan.dates
            .iter()
            .filter(move |d| d.skip_reason == Some(reason))
    };
    let weekends = of(SkipReason::Weekend).count() as u32;
    let holidays: Vec<String> = of(SkipReason::MarketHoliday)
        .map(|d| {
            d.message
                .as_deref()
                .and_then(|m| m.strip_prefix("Market holiday: "))
                .unwrap_or("market holiday")
                .to_owned()
        })
        .collect();
    let mut closed = Vec::new();
    if weekends > 0 {
        closed.push(count(weekends, "weekend day", "weekend days"));
    }
    if !holidays.is_empty() {
        closed.push(format!(
            "{} ({})",
            count(holidays.len() as u32, "market holiday", "market holidays"),
            holidays.join(", ")
        ));
    }
    if !closed.is_empty() {
        out.push(format!(
            "The market is closed on {}: no model trades then.",
            closed.join(" and ")
        ));
    }
    let incomplete: Vec<Date> = of(SkipReason::IncompletePriceData)
        .map(|d| d.date)
        .collect();
    if !incomplete.is_empty() {
        out.push(format!(
            "The server lacks complete prices on {}: these days are skipped.",
            dates_list(&incomplete)
        ));
    }
    let t = plan.totals;
    // When nothing runs, the sentence on top already says what to do.
    let rerun_hint = if replace || resume || t.run == 0 {
        ""
    } else {
        " Tick “Re-run completed days” to run them again."
    };
    if t.already_completed > 0 {
        let verb = if t.already_completed == 1 {
            "is"
        } else {
            "are"
        };
        out.push(format!(
            "{} {verb} already completed and skipped.{rerun_hint}",
            count(t.already_completed, "model-day", "model-days")
        ));
    }
    if t.before_history > 0 {
        out.push(format!(
            "{} fall before a model's saved history and are skipped.{rerun_hint}",
            count(t.before_history, "model-day", "model-days")
        ));
    }
    if !plan.download_dates.is_empty() {
        out.push(format!(
            "Missing prices for {} are downloaded before the job runs.",
            count(plan.download_dates.len() as u32, "date", "dates")
        ));
    }
    out
}

/// The completed results this job replaces, per model: `(model, first, last, days)`.
pub fn superseded(plan: &Plan) -> Vec<(String, Date, Date, u32)> {
    let mut per_model: BTreeMap<&str, (Date, Date, u32)> = BTreeMap::new();
    for ModelDate { model, date } in &plan.superseded {
        let entry = per_model.entry(model.as_str()).or_insert((*date, *date, 0));
        entry.0 = entry.0.min(*date);
        entry.1 = entry.1.max(*date);
        entry.2 += 1;
    }
    per_model
        .into_iter()
        .map(|(model, (first, last, n))| (model.to_owned(), first, last, n))
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
