//! A plan's grid: a cell per model-day with its outcome and reason.

use ai_trader_core::{Plan, SkipReason};

use crate::components::{Cell, GridData, Row};

/// The cell of a planned (or skipped) model-day.
pub fn plan_cell(reason: Option<SkipReason>, message: Option<&str>) -> Cell {
    match reason {
        None => Cell {
            class: "run",
            letter: '✓',
            title: "Runs".into(),
            href: None,
        },
        Some(r) => Cell {
            class: match r {
                SkipReason::Weekend => "weekend",
                SkipReason::MarketHoliday => "holiday",
                SkipReason::IncompletePriceData => "incomplete",
                SkipReason::AlreadyCompleted => "completed",
                SkipReason::BeforeHistory => "before",
                SkipReason::Cancelled => "cancelled",
                SkipReason::BudgetExhausted => "budget",
            },
            letter: r.letter() as char,
            title: message.unwrap_or(r.message()).to_owned(),
            href: None,
        },
    }
}

/// The grid of a plan; in resume mode each row says where its model starts.
pub fn grid_of(plan: &Plan) -> GridData {
    let rows = plan
        .grid
        .iter()
        .map(|row| {
            let cells = row
                .cells
                .bytes()
                .zip(&plan.dates)
                .map(|(letter, d)| {
                    let reason = SkipReason::from_letter(letter);
                    let message = if reason.is_some_and(SkipReason::is_date_level) {
                        d.message.as_deref()
                    } else {
                        None
                    };
                    plan_cell(reason, message)
                })
                .collect();
            let note = plan.resume_mode.then(|| {
                if row.start_date > plan.end_date {
                    "up to date".to_owned()
                } else {
                    format!("from {}", row.start_date)
                }
            });
            Row {
                model: ai_trader_core::run::chain_label(&row.model, &row.run),
                note,
                cells,
            }
        })
        .collect();
    GridData {
        dates: plan.dates.iter().map(|d| d.date).collect(),
        date_notes: plan
            .dates
            .iter()
            .map(|d| match d.skip_reason {
                Some(SkipReason::Weekend | SkipReason::MarketHoliday) => d.message.clone(),
                _ => None,
            })
            .collect(),
        rows,
    }
}
