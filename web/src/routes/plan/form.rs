//! The plan form's state: the dates as shown and as committed, the toggles, the models, and
//! what the server says about them; kept in the URL; turned into a request and a preview.

use ai_trader_core::api::{CoverageResponse, ModelSummary, ModelsResponse};
use ai_trader_core::{Date, PlanContext, PlanRequest, plan_preview};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::context::{
    calendar_context, calendar_or_any, calendar_range, last_trading_days, watch_context,
};
use super::fields::complete_date;
use super::state::FormState;
use super::summary::Preview;
use crate::api::{self, Abort, ApiError};

/// Repeats as typed: a number goes to the planner (which says when it is out of range); an
/// empty field means one run. What is not a whole number is sent as 0, which the planner refuses
/// with its sentence.
fn repeats_of(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(text.parse().unwrap_or(0))
}

/// The budget as typed: empty is none; `$5`, `12.50` are amounts (the planner says when one is
/// negative); anything else is not a number.
fn budget_of(text: &str) -> Result<Option<f64>, ()> {
    let text = text.trim().trim_start_matches('$').trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>().map(Some).map_err(|_| ())
}

/// Every signal of the form (copied freely into closures).
#[derive(Clone, Copy)]
pub struct Form {
    pub start_shown: RwSignal<String>,
    pub end_shown: RwSignal<String>,
    pub start: RwSignal<Option<Date>>,
    pub end: RwSignal<Option<Date>>,
    /// The user changed a date, or the form came from the URL: no default replaces them.
    pub touched: RwSignal<bool>,
    pub resume: RwSignal<bool>,
    pub replace: RwSignal<bool>,
    /// The run as typed (empty: main), repeats as typed, and the note.
    pub run: RwSignal<String>,
    pub repeats: RwSignal<String>,
    pub note: RwSignal<String>,
    /// The job's budget in USD as typed (empty: none).
    pub budget: RwSignal<String>,
    pub models: RwSignal<Vec<ModelSummary>>,
    pub selected: RwSignal<Vec<String>>,
    pub context: RwSignal<Option<PlanContext>>,
    pub coverage: RwSignal<Option<CoverageResponse>>,
    pub offline: RwSignal<bool>,
    /// No saved choice of models: tick the enabled ones once they are known.
    choose_enabled: bool,
}

impl Form {
    /// The form as the URL or this session left it, else the calendar's last five trading days.
    pub fn restore(today: Date) -> Self {
        let restored = FormState::restore();
        let saved = restored.clone().unwrap_or_default();
        let (calendar_start, calendar_end) = calendar_range(today);
        let text = |saved: Option<&String>, fallback: Date| {
            saved.cloned().unwrap_or_else(|| fallback.to_string())
        };
        let start_shown = text(saved.start.as_ref(), calendar_start);
        let end_shown = text(saved.end.as_ref(), calendar_end);
        Self {
            start: RwSignal::new(complete_date(&start_shown)),
            end: RwSignal::new(complete_date(&end_shown)),
            start_shown: RwSignal::new(start_shown),
            end_shown: RwSignal::new(end_shown),
            touched: RwSignal::new(restored.is_some()),
            resume: RwSignal::new(saved.resume),
            replace: RwSignal::new(saved.replace),
            run: RwSignal::new(saved.run.clone().unwrap_or_default()),
            repeats: RwSignal::new(saved.repeats.clone().unwrap_or_default()),
            note: RwSignal::new(saved.note.clone().unwrap_or_default()),
            budget: RwSignal::new(saved.budget.clone().unwrap_or_default()),
            models: RwSignal::new(Vec::new()),
            selected: RwSignal::new(saved.models.clone().unwrap_or_default()),
            context: RwSignal::new(None),
            coverage: RwSignal::new(None),
            offline: RwSignal::new(false),
            choose_enabled: saved.models.is_none(),
        }
    }

    /// Asks the server for the models, where its data is, and the context of the window.
    pub fn load(self, abort: Abort, today: Date) {
        spawn_local(async move {
            match api::get::<ModelsResponse>("/models", abort).await {
                Ok(list) => {
                    if self.choose_enabled {
                        let enabled = list.models.iter().filter(|m| m.enabled);
                        self.selected
                            .set(enabled.map(|m| m.signature.clone()).collect());
                    }
                    self.models.set(list.models);
                }
                Err(ApiError::Unreachable(_)) => self.offline.set(true),
                Err(_) => {}
            }
        });
        // Where the data is: the range to show, and the default dates.
        spawn_local(async move {
            if let Ok(cov) = api::get::<CoverageResponse>("/market/coverage", abort).await {
                if !self.touched.get_untracked()
                    && let Some((first, last)) = last_trading_days(&cov.tradable_dates, today, 5)
                {
                    self.start_shown.set(first.to_string());
                    self.end_shown.set(last.to_string());
                    self.start.set(Some(first));
                    self.end.set(Some(last));
                }
                self.coverage.set(Some(cov));
            }
        });
        watch_context(
            abort,
            (self.start, self.end, self.resume),
            self.context,
            self.offline,
        );
    }

    /// Keeps the form in the URL (and this session) as it changes.
    pub fn keep_in_url(self) {
        Effect::new(move |_| {
            FormState {
                start: self.start.get().map(|d| d.to_string()),
                end: self.end.get().map(|d| d.to_string()),
                models: (!self.models.get().is_empty()).then(|| self.selected.get()),
                resume: self.resume.get(),
                replace: self.replace.get(),
                run: Some(self.run.get()),
                repeats: Some(self.repeats.get()),
                note: Some(self.note.get()),
                budget: Some(self.budget.get()),
            }
            .save();
        });
    }

    /// The request the form makes.
    pub fn request(self) -> Memo<PlanRequest> {
        Memo::new(move |_| PlanRequest {
            start_date: if self.resume.get() {
                None
            } else {
                self.start.get().map(|d| d.to_string())
            },
            end_date: self.end.get().map(|d| d.to_string()).unwrap_or_default(),
            models: Some(self.selected.get()),
            replace_existing: self.replace.get(),
            run: Some(self.run.get().trim().to_owned()).filter(|r| !r.is_empty()),
            repeats: repeats_of(&self.repeats.get()),
            note: Some(self.note.get()).filter(|n| !n.trim().is_empty()),
            max_cost_usd: budget_of(&self.budget.get()).ok().flatten(),
            ..Default::default()
        })
    }

    /// The preview, planned locally on every complete change: no round trip per keystroke.
    pub fn preview(self, request: Memo<PlanRequest>, today: Date) -> Memo<Preview> {
        Memo::new(move |_| {
            let mut req = request.get();
            if req.end_date.is_empty() {
                return Preview::Incomplete("Choose an end date.");
            }
            if !self.resume.get() && req.start_date.is_none() {
                return Preview::Incomplete(
                    "Choose a start date, or tick “Resume each model after its history”.",
                );
            }
            if budget_of(&self.budget.get()).is_err() {
                return Preview::Incomplete(
                    "The budget must be an amount of dollars, such as 5 or 12.50 (or empty for none).",
                );
            }
            let no_server = self.models.with(Vec::is_empty);
            if self.selected.with(Vec::is_empty) && !no_server {
                return Preview::Incomplete(
                    "No model is ticked: tick at least one model to plan a job.",
                );
            }
            let ctx = self
                .context
                .get()
                .unwrap_or_else(|| calendar_context(today, &self.models.get()));
            if no_server {
                // Without a server: one row for the calendar.
                req.models = None;
            }
            match plan_preview(&req, &calendar_or_any(ctx)) {
                Ok(p) => Preview::Planned(Box::new(p)),
                Err(e) => Preview::Refused(e),
            }
        })
    }
}
