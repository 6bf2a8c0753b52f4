//! What the preview says above the grid: the counts and notes of a plan, the sentence when
//! nothing runs, the superseding notice, or why there is no plan yet.

use ai_trader_core::{Plan, PlanError};
use leptos::prelude::*;

use crate::format::count;
use crate::notes;

/// What the preview shows.
#[derive(Clone, PartialEq)]
pub enum Preview {
    /// The form is not ready to plan: why.
    Incomplete(&'static str),
    /// The planner refused the request.
    Refused(PlanError),
    /// The plan (possibly with nothing to run).
    Planned(Box<Plan>),
}

impl Preview {
    /// The plan, when there is one.
    pub fn plan(&self) -> Option<&Plan> {
        match self {
            Self::Planned(p) => Some(p),
            _ => None,
        }
    }

    /// A plan with something to run: Start may be pressed.
    pub fn runnable(&self) -> bool {
        self.plan().is_some_and(|p| p.nothing_to_run().is_none())
    }
}

/// The plan's counts and notes, the nothing-to-run sentence, or why there is no plan.
#[component]
pub fn PlanSummary(
    preview: Memo<Preview>,
    resume: RwSignal<bool>,
    replace: RwSignal<bool>,
) -> impl IntoView {
    move || match preview.get() {
        Preview::Incomplete(why) => {
            view! { <p class="notice" id="plan-incomplete">{why}</p> }.into_any()
        }
        Preview::Refused(e) => {
            view! { <p class="error" id="plan-error" role="alert">{e.explanation()}</p> }.into_any()
        }
        Preview::Planned(p) => {
            let (resume, replace) = (resume.get(), replace.get());
            let idle = p.nothing_to_run().map(|e| {
                view! { <p class="notice strong" id="nothing-to-run" role="status">{e.explanation()} " " {notes::nothing_to_run_hint(&p, resume, replace)}</p> }
            });
            let t = p.totals;
            let notes = notes::notes(&p, resume, replace)
                .into_iter()
                .map(|n| view! { <li>{n}</li> })
                .collect_view();
            let superseded = notes::superseded(&p);
            let supersede = (!superseded.is_empty()).then(|| {
                let days: u32 = superseded.iter().map(|s| s.3).sum();
                let lines = superseded.iter().map(|s| view! { <li>{notes::superseded_line(s)}</li> }).collect_view();
                view! {
                    <div class="supersede" id="supersede" role="status">
                        <strong>{format!("This job replaces {} of existing results:", count(days, "completed model-day", "completed model-days"))}</strong>
                        <ul>{lines}</ul>
                        <span>"Their results stop counting: the new days change the portfolio they started from. Resume these models afterwards to run their later days again. You will be asked to confirm."</span>
                    </div>
                }
            });
            view! {
                {idle}
                <div class="totals" id="totals">
                    <span class="run">{format!("{} run", count(t.run, "model-day", "model-days"))}</span>
                    <span>{format!("{} skipped", t.skipped)}</span>
                </div>
                {supersede}
                <ul class="notes" id="notes">{notes}</ul>
            }.into_any()
        }
    }
}
