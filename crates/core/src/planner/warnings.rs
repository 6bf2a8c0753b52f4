//! The warning texts a job stores at creation: one per skip reason, with counts and dates, and
//! one each for replaced and superseded days.

use std::collections::BTreeMap;

use super::{ModelDate, PlannedDate, SkipReason};
use crate::{Date, date::python_list, run};

/// The warnings for a plan, in reason order.
pub(super) fn warnings(
    dates: &[PlannedDate],
    model_level: &BTreeMap<SkipReason, u32>,
    replaced: u32,
    superseded_later: &[ModelDate],
    resume_mode: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for (reason, label) in [
        (SkipReason::Weekend, "weekends"),
        (SkipReason::MarketHoliday, "market holidays"),
        (SkipReason::IncompletePriceData, "incomplete price data"),
    ] {
        let skipped: Vec<Date> = dates
            .iter()
            .filter(|d| d.skip_reason == Some(reason))
            .map(|d| d.date)
            .collect();
        if !skipped.is_empty() {
            out.push(format!(
                "Skipped {} dates due to {label}: {}",
                skipped.len(),
                python_list(skipped)
            ));
        }
    }
    if let Some(n) = model_level
        .get(&SkipReason::AlreadyCompleted)
        .filter(|n| **n > 0)
    {
        out.push(format!("Skipped {n} model-days already completed"));
    }
    if let Some(n) = model_level
        .get(&SkipReason::BeforeHistory)
        .filter(|n| **n > 0)
    {
        // In resume mode each model starts after its own history: replacing does not apply.
        let hint = if resume_mode {
            ""
        } else {
            "; set replace_existing to re-run them"
        };
        out.push(format!(
            "Skipped {n} model-days earlier than existing history{hint}"
        ));
    }
    if replaced > 0 {
        out.push(format!(
            "Re-running {replaced} model-days already completed (replace_existing); the new days supersede the old"
        ));
    }
    if !superseded_later.is_empty() {
        out.push(format!(
            "Superseding {} later completed model-days whose starting portfolio changes: {}",
            superseded_later.len(),
            model_spans(superseded_later)
        ));
    }
    out
}

/// `gpt-5 2025-10-06..2025-10-10 (5 days), claude 2025-10-08 (1 day)`, per model and run in
/// order.
fn model_spans(days: &[ModelDate]) -> String {
    let mut per_model: BTreeMap<(&str, &str), (Date, Date, usize)> = BTreeMap::new();
    for day in days {
        let entry = per_model
            .entry((day.model.as_str(), day.run.as_str()))
            .or_insert((day.date, day.date, 0));
        entry.0 = entry.0.min(day.date);
        entry.1 = entry.1.max(day.date);
        entry.2 += 1;
    }
    per_model
        .into_iter()
        .map(|((model, run), (first, last, n))| {
            let model = run::chain_label(model, run);
            let plural = if n == 1 { "day" } else { "days" };
            if first == last {
                format!("{model} {first} ({n} {plural})")
            } else {
                format!("{model} {first}..{last} ({n} {plural})")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
