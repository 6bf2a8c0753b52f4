//! Plan a job: the preview is computed in the browser by the core planner on every complete
//! change (no round trip per keystroke); the planning context is fetched once per date window.
//! The form lives in the URL, so a reload, a shared link or the way back restores it.

mod cells;
mod state;

use ai_trader_core::api::{CoverageResponse, ModelSummary, ModelsResponse, TriggerResponse};
use ai_trader_core::planner::{DEFAULT_MAX_SIMULATION_DAYS, ModelInfo};
use ai_trader_core::{Date, Plan, PlanContext, PlanError, PlanRequest, calendar, plan_preview};
use std::time::Duration;

use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use cells::grid_of;
pub use cells::plan_cell;
use state::FormState;

use crate::api::{self, Abort, ApiError};
use crate::components::{ErrorText, Grid, GridData};
use crate::format::count;
use crate::notes;

/// Today in the browser, for calendar-only planning.
fn browser_today() -> Date {
    let now = js_sys::Date::new_0();
    Date::from_ymd(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// A date the user has finished typing: `YYYY-MM-DD` with a four-digit year. A date input
/// reports `0002-…` while its year is half typed; that is not a date to plan.
fn complete_date(text: &str) -> Option<Date> {
    Date::parse(text).ok().filter(|d| d.year() >= 1900)
}

/// The last `n` trading days up to `end`: (first, last).
fn last_trading_days(dates: &[Date], today: Date, n: usize) -> Option<(Date, Date)> {
    let upto: Vec<Date> = dates.iter().copied().filter(|d| *d <= today).collect();
    let last = *upto.last()?;
    let first = upto[upto.len().saturating_sub(n)];
    Some((first, last))
}

/// The default range without a server: the last five exchange trading days before today.
fn calendar_range(today: Date) -> (Date, Date) {
    let end = calendar::previous_trading_day(today);
    let start = (0..4).fold(end, |d, _| calendar::previous_trading_day(d));
    (start, end)
}

/// The context without a server: the exchange calendar alone.
fn calendar_context(today: Date, models: &[ModelSummary]) -> PlanContext {
    PlanContext {
        today,
        max_simulation_days: DEFAULT_MAX_SIMULATION_DAYS,
        models: models
            .iter()
            .map(|m| ModelInfo {
                signature: m.signature.clone(),
                enabled: m.enabled,
            })
            .collect(),
        market: None,
        history: Default::default(),
        active_jobs: vec![],
        download_missing: false,
    }
}

/// What the preview shows.
#[derive(Clone, PartialEq)]
enum Preview {
    /// The form is not ready to plan: why.
    Incomplete(&'static str),
    /// The planner refused the request.
    Refused(PlanError),
    /// The plan (possibly with nothing to run).
    Planned(Box<Plan>),
}

impl Preview {
    fn plan(&self) -> Option<&Plan> {
        match self {
            Self::Planned(p) => Some(p),
            _ => None,
        }
    }

    fn runnable(&self) -> bool {
        self.plan().is_some_and(|p| p.nothing_to_run().is_none())
    }
}

/// A date input that never rewrites what is being typed: `shown` is written only by the page
/// (defaults, restored state), `committed` only when the typed date is complete.
#[component]
fn DateField(
    label: &'static str,
    id: &'static str,
    shown: RwSignal<String>,
    committed: RwSignal<Option<Date>>,
    touched: RwSignal<bool>,
) -> impl IntoView {
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        touched.set(true);
        if text.is_empty() {
            committed.set(None);
        } else if let Some(date) = complete_date(&text) {
            committed.set(Some(date));
        }
    };
    view! {
        <label>{label} <input type="date" id=id min="1900-01-01" prop:value=shown on:input=on_input/></label>
    }
}

/// A checkbox per configured model, with its kind.
#[component]
fn ModelChoices(
    models: RwSignal<Vec<ModelSummary>>,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    move || {
        models
            .get()
            .into_iter()
            .map(|m| {
                let signature = m.signature.clone();
                let checked = {
                    let signature = signature.clone();
                    move || selected.get().contains(&signature)
                };
                let toggle = {
                    let signature = signature.clone();
                    move |_| {
                        selected.update(|list| {
                            if let Some(i) = list.iter().position(|s| *s == signature) {
                                list.remove(i);
                            } else {
                                list.push(signature.clone());
                            }
                        })
                    }
                };
                let kind = if m.provider.is_baseline() { "baseline" } else { m.provider.as_str() };
                view! {
                    <label class="model-choice">
                        <input type="checkbox" prop:checked=checked on:change=toggle data-model=signature/>
                        <span>{m.name}</span>
                        <span class=format!("tag {kind}")>{kind}</span>
                    </label>
                }
            })
            .collect_view()
    }
}

/// The plan's counts and notes, the nothing-to-run sentence, or why there is no plan.
#[component]
fn PlanSummary(
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

/// The plan page.
#[component]
pub fn PlanPage() -> impl IntoView {
    let abort = Abort::for_page();
    let today = browser_today();
    let restored = FormState::restore();
    let (calendar_start, calendar_end) = calendar_range(today);
    let text_of = |saved: Option<&String>, fallback: Date| {
        saved.cloned().unwrap_or_else(|| fallback.to_string())
    };
    let saved = restored.clone().unwrap_or_default();
    let start_shown = RwSignal::new(text_of(saved.start.as_ref(), calendar_start));
    let end_shown = RwSignal::new(text_of(saved.end.as_ref(), calendar_end));
    let start = RwSignal::new(complete_date(&start_shown.get_untracked()));
    let end = RwSignal::new(complete_date(&end_shown.get_untracked()));
    let touched = RwSignal::new(restored.is_some());
    let resume = RwSignal::new(saved.resume);
    let replace = RwSignal::new(saved.replace);
    let models = RwSignal::new(Vec::<ModelSummary>::new());
    let selected = RwSignal::new(saved.models.clone().unwrap_or_default());
    let context = RwSignal::new(None::<PlanContext>);
    let coverage = RwSignal::new(None::<CoverageResponse>);
    let offline = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<ApiError>);
    let confirming = RwSignal::new(false);
    let submitting = RwSignal::new(false);

    // Models, ticked as saved or as enabled.
    let choose_enabled = saved.models.is_none();
    spawn_local(async move {
        match api::get::<ModelsResponse>("/models", abort).await {
            Ok(list) => {
                if choose_enabled {
                    selected.set(
                        list.models
                            .iter()
                            .filter(|m| m.enabled)
                            .map(|m| m.signature.clone())
                            .collect(),
                    );
                }
                models.set(list.models);
            }
            Err(ApiError::Unreachable(_)) => offline.set(true),
            Err(_) => {}
        }
    });
    // Where the data is: the range to show, and the default dates.
    spawn_local(async move {
        if let Ok(cov) = api::get::<CoverageResponse>("/market/coverage", abort).await {
            if !touched.get_untracked()
                && let Some((first, last)) = last_trading_days(&cov.tradable_dates, today, 5)
            {
                start_shown.set(first.to_string());
                end_shown.set(last.to_string());
                start.set(Some(first));
                end.set(Some(last));
            }
            coverage.set(Some(cov));
        }
    });
    watch_context(abort, (start, end, resume), context, offline);

    // The form in the URL.
    Effect::new(move |_| {
        let state = FormState {
            start: start.get().map(|d| d.to_string()),
            end: end.get().map(|d| d.to_string()),
            models: (!models.get().is_empty()).then(|| selected.get()),
            resume: resume.get(),
            replace: replace.get(),
        };
        state.save();
    });

    let request = Memo::new(move |_| PlanRequest {
        start_date: if resume.get() {
            None
        } else {
            start.get().map(|d| d.to_string())
        },
        end_date: end.get().map(|d| d.to_string()).unwrap_or_default(),
        models: Some(selected.get()),
        replace_existing: replace.get(),
        unknown_fields: Default::default(),
    });
    let preview = Memo::new(move |_| {
        let req = request.get();
        if req.end_date.is_empty() {
            return Preview::Incomplete("Choose an end date.");
        }
        if !resume.get() && req.start_date.is_none() {
            return Preview::Incomplete(
                "Choose a start date, or tick “Resume each model after its history”.",
            );
        }
        if selected.with(Vec::is_empty) && !models.with(Vec::is_empty) {
            return Preview::Incomplete(
                "No model is ticked: tick at least one model to plan a job.",
            );
        }
        let ctx = context
            .get()
            .unwrap_or_else(|| calendar_context(today, &models.get()));
        let mut req = req;
        if models.with(Vec::is_empty) {
            // No server: plan one row for the calendar.
            req.models = None;
        }
        match plan_preview(&req, &calendar_or_any(ctx)) {
            Ok(p) => Preview::Planned(Box::new(p)),
            Err(e) => Preview::Refused(e),
        }
    });
    // Any change asks for confirmation again.
    Effect::new(move |_| {
        request.track();
        confirming.set(false);
    });

    let grid = Signal::derive(move || {
        preview
            .get()
            .plan()
            .map(grid_of)
            .unwrap_or_else(GridData::default)
    });
    let navigate = use_navigate();
    let send = move || {
        let body = request.get_untracked();
        let navigate = navigate.clone();
        submit_error.set(None);
        submitting.set(true);
        spawn_local(async move {
            match api::post::<_, TriggerResponse>("/simulate/trigger", &body).await {
                // The router adds its base path itself.
                Ok(job) => navigate(&format!("/jobs/{}", job.job_id), Default::default()),
                Err(e) => {
                    submit_error.set(Some(e));
                    submitting.set(false);
                }
            }
        });
    };
    let send_confirmed = send.clone();
    let start_clicked = move |_| {
        let replaces =
            preview.with_untracked(|p| p.plan().is_some_and(|p| !p.superseded.is_empty()));
        if replaces {
            confirming.set(true);
        } else {
            send();
        }
    };
    let disabled = move || !preview.with(Preview::runnable) || offline.get() || submitting.get();

    view! {
        <section class="page plan">
            <h1>"Plan a job"</h1>
            <div class="form">
                <Show when=move || !resume.get() fallback=|| view! { <p class="hint resume-note" id="resume-note">"Each model starts the day after its last completed day (shown beside it below)."</p> }>
                    <DateField label="Start" id="start" shown=start_shown committed=start touched/>
                </Show>
                <DateField label="End" id="end" shown=end_shown committed=end touched/>
                <label class="inline"><input type="checkbox" id="resume" prop:checked=resume on:change=move |_| resume.update(|r| *r = !*r)/>"Resume each model after its history"</label>
                <label class="inline"><input type="checkbox" id="replace" prop:checked=replace on:change=move |_| replace.update(|r| *r = !*r)/>"Re-run completed days"</label>
            </div>
            <p class="hint" id="coverage">{move || coverage.get().map(|c| match (c.first_date, c.last_date) {
                (Some(first), Some(last)) => format!("The server has prices from {first} to {last}{}.", if c.synthetic { " (synthetic demo data)" } else { "" }),
                _ => "The server has no prices yet.".to_owned(),
            })}</p>
            <div class="models"><ModelChoices models selected/></div>
            <Show when=move || offline.get()>
                <p class="notice" id="calendar-only">"The server cannot be reached: this preview uses the exchange calendar alone (no price data, history or busy models)."</p>
            </Show>
            <PlanSummary preview resume replace/>
            <Grid data=grid/>
            <div class="actions">
                <button id="submit" on:click=start_clicked prop:disabled=disabled>"Start job"</button>
                {move || submit_error.get().map(|e| view! { <ErrorText error=e/> })}
            </div>
            <Show when=move || confirming.get()>
                <div class="confirm" id="confirm" role="alertdialog" aria-labelledby="confirm-text">
                    <p id="confirm-text">"Starting this job replaces the completed results listed above. Replace them?"</p>
                    <button id="confirm-replace" on:click={let send = send_confirmed.clone(); move |_| { confirming.set(false); send() }}>"Replace and start"</button>
                    <button class="secondary" id="confirm-keep" on:click=move |_| confirming.set(false)>"Keep them"</button>
                </div>
            </Show>
        </section>
    }
}

/// Without any configured model known (no server), plan one row for the calendar.
fn calendar_or_any(mut ctx: PlanContext) -> PlanContext {
    if ctx.models.is_empty() {
        ctx.models.push(ModelInfo {
            signature: "any model".into(),
            enabled: true,
        });
    }
    ctx
}

/// How long the dates must stay unchanged before the context of a new window is fetched: a
/// date being typed passes through complete dates (month 1 before 11) that are not meant.
const SETTLE_MS: u64 = 250;

/// Keeps `context` on the planning context of the window, fetched again only when the window
/// changes and settles, and only for a window the planner accepts the order of.
fn watch_context(
    abort: Abort,
    (start, end, resume): (
        RwSignal<Option<Date>>,
        RwSignal<Option<Date>>,
        RwSignal<bool>,
    ),
    context: RwSignal<Option<PlanContext>>,
    offline: RwSignal<bool>,
) {
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |previous: Option<(Option<Date>, Option<Date>)>| {
        let from = if resume.get() { None } else { start.get() };
        let window = (from, end.get());
        if previous.as_ref() == Some(&window) {
            return window;
        }
        let Some(e) = window.1 else { return window };
        if from.is_some_and(|s| s > e) || (from.is_none() && !resume.get_untracked()) {
            return window;
        }
        let query = match from {
            Some(s) => format!("start_date={s}&end_date={e}"),
            None => format!("end_date={e}"),
        };
        let fetch = move || {
            spawn_local(async move {
                match api::get::<PlanContext>(&format!("/simulate/plan-context?{query}"), abort)
                    .await
                {
                    Ok(ctx) => {
                        offline.set(false);
                        context.set(Some(ctx));
                    }
                    Err(ApiError::Unreachable(_)) => {
                        offline.set(true);
                        context.set(None);
                    }
                    // A window the server refuses is explained by the local plan.
                    Err(_) => {}
                }
            })
        };
        // The first window at once; a changed one once it settles.
        if previous.is_none() {
            fetch();
        } else {
            pending.update_value(|timer: &mut Option<TimeoutHandle>| {
                if let Some(t) = timer.take() {
                    t.clear();
                }
                *timer = set_timeout_with_handle(fetch, Duration::from_millis(SETTLE_MS)).ok();
            });
        }
        window
    });
}
