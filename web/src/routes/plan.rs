//! Plan a job: the preview is computed in the browser by the core planner on every change; the
//! planning context is fetched once per date window.

use ai_trader_core::api::{ModelSummary, ModelsResponse, TriggerResponse};
use ai_trader_core::planner::{DEFAULT_MAX_SIMULATION_DAYS, ModelInfo};
use ai_trader_core::{Date, Plan, PlanContext, PlanRequest, SkipReason, calendar, plan};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, Abort};
use crate::components::{Cell, Grid, GridData};

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

/// The cell of a planned model-day.
pub fn plan_cell(reason: Option<SkipReason>, message: Option<&str>) -> Cell {
    match reason {
        None => Cell {
            class: "run",
            letter: '✓',
            title: "Runs".into(),
        },
        Some(r) => Cell {
            class: match r {
                SkipReason::Weekend => "weekend",
                SkipReason::MarketHoliday => "holiday",
                SkipReason::IncompletePriceData => "incomplete",
                SkipReason::AlreadyCompleted => "completed",
                SkipReason::BeforeHistory => "before",
                SkipReason::Cancelled => "cancelled",
            },
            letter: r.letter() as char,
            title: message.unwrap_or(r.message()).to_owned(),
        },
    }
}

fn grid_of(plan: &Plan) -> GridData {
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
            (row.model.clone(), cells)
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

/// The configured models, with the enabled ones ticked; `offline` when the server does not
/// answer.
fn load_models(
    abort: Abort,
    models: RwSignal<Vec<ModelSummary>>,
    selected: RwSignal<Vec<String>>,
    offline: RwSignal<bool>,
) {
    spawn_local(async move {
        match api::get::<ModelsResponse>("/models", abort).await {
            Ok(list) => {
                selected.set(
                    list.models
                        .iter()
                        .filter(|m| m.enabled)
                        .map(|m| m.signature.clone())
                        .collect(),
                );
                models.set(list.models);
            }
            Err(_) => offline.set(true),
        }
    });
}

/// Keeps `context` on the planning context of the window `start..end`, fetched again only
/// when the window changes.
fn watch_context(
    abort: Abort,
    (start, end): (RwSignal<String>, RwSignal<String>),
    context: RwSignal<Option<PlanContext>>,
    offline: RwSignal<bool>,
) {
    Effect::new(move |previous: Option<(String, String)>| {
        let window = (start.get(), end.get());
        if previous.as_ref() == Some(&window) {
            return window;
        }
        let (s, e) = window.clone();
        if Date::parse(&e).is_ok() {
            spawn_local(async move {
                let from = if Date::parse(&s).is_ok() {
                    format!("start_date={s}&")
                } else {
                    String::new()
                };
                let url = format!("/simulate/plan-context?{from}end_date={e}");
                match api::get::<PlanContext>(&url, abort).await {
                    Ok(ctx) => {
                        offline.set(false);
                        context.set(Some(ctx));
                    }
                    Err(_) => {
                        offline.set(true);
                        context.set(None);
                    }
                }
            });
        }
        window
    });
}

/// The context without a server: the exchange calendar alone.
fn calendar_context(today: Date, models: &[ModelSummary]) -> PlanContext {
    PlanContext {
        today,
        max_simulation_days: DEFAULT_MAX_SIMULATION_DAYS,
        models: if models.is_empty() {
            vec![ModelInfo {
                signature: "any model".into(),
                enabled: true,
            }]
        } else {
            models
                .iter()
                .map(|m| ModelInfo {
                    signature: m.signature.clone(),
                    enabled: m.enabled,
                })
                .collect()
        },
        market: None,
        history: Default::default(),
        active_jobs: vec![],
        download_missing: false,
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

/// The plan's counts and warnings, or the planner's error.
#[component]
fn PlanSummary(planned: Memo<Result<Plan, String>>) -> impl IntoView {
    move || match planned.get() {
        Err(e) => view! { <p class="error" id="plan-error">{e}</p> }.into_any(),
        Ok(p) => {
            let t = p.totals;
            let warnings = p
                .warnings
                .iter()
                .map(|w| view! { <li>{w.clone()}</li> })
                .collect_view();
            view! {
                <div class="totals" id="totals">
                    <span class="run">{format!("{} run", t.run)}</span>
                    <span>{format!("{} skipped", t.skipped)}</span>
                    <span>{format!("weekend {} · holiday {} · incomplete {} · completed {} · before history {}",
                        t.weekend, t.market_holiday, t.incomplete_price_data, t.already_completed, t.before_history)}</span>
                </div>
                <ul class="warnings" id="warnings">{warnings}</ul>
            }.into_any()
        }
    }
}

/// The plan page.
#[component]
pub fn PlanPage() -> impl IntoView {
    let abort = Abort::for_page();
    let today = browser_today();
    let last_trading_day = calendar::previous_trading_day(today);
    let start = RwSignal::new(last_trading_day.add_days(-6).to_string());
    let end = RwSignal::new(last_trading_day.to_string());
    let resume = RwSignal::new(false);
    let replace = RwSignal::new(false);
    let models = RwSignal::new(Vec::<ModelSummary>::new());
    let selected = RwSignal::new(Vec::<String>::new());
    let context = RwSignal::new(None::<PlanContext>);
    let offline = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<String>);
    load_models(abort, models, selected, offline);
    watch_context(abort, (start, end), context, offline);

    let request = Memo::new(move |_| PlanRequest {
        start_date: if resume.get() {
            None
        } else {
            Some(start.get())
        },
        end_date: end.get(),
        models: Some(selected.get()),
        replace_existing: replace.get(),
        unknown_fields: Default::default(),
    });

    // Planned locally on every change: no round trip per keystroke.
    let planned = Memo::new(move |_| {
        let ctx = context
            .get()
            .unwrap_or_else(|| calendar_context(today, &models.get()));
        let mut req = request.get();
        if models.get().is_empty() {
            req.models = None;
        }
        plan(&req, &ctx).map_err(|e| e.to_string())
    });

    let grid = Signal::derive(move || planned.get().map(|p| grid_of(&p)).unwrap_or_default());
    let navigate = use_navigate();
    let submit = move |_| {
        let body = request.get();
        let navigate = navigate.clone();
        submit_error.set(None);
        spawn_local(async move {
            match api::post::<_, TriggerResponse>("/simulate/trigger", &body).await {
                // The router adds its base path itself.
                Ok(job) => navigate(&format!("/jobs/{}", job.job_id), Default::default()),
                Err(e) => submit_error.set(Some(e.0)),
            }
        });
    };

    view! {
        <section class="page plan">
            <h1>"Plan a job"</h1>
            <div class="form">
                <label>"Start" <input type="date" id="start" prop:value=start on:input=move |ev| start.set(event_target_value(&ev)) prop:disabled=resume/></label>
                <label>"End" <input type="date" id="end" prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/></label>
                <label class="inline"><input type="checkbox" id="resume" prop:checked=resume on:change=move |_| resume.update(|r| *r = !*r)/>"Resume each model after its history"</label>
                <label class="inline"><input type="checkbox" id="replace" prop:checked=replace on:change=move |_| replace.update(|r| *r = !*r)/>"Re-run completed days"</label>
            </div>
            <div class="models"><ModelChoices models selected/></div>
            <Show when=move || offline.get()>
                <p class="notice" id="calendar-only">"The server cannot be reached: this preview uses the exchange calendar alone (no price data, history or busy models)."</p>
            </Show>
            <PlanSummary planned/>
            <Grid data=grid/>
            <div class="actions">
                <button id="submit" on:click=submit prop:disabled=move || planned.get().is_err() || offline.get()>"Start job"</button>
                {move || submit_error.get().map(|e| view! { <span class="error">{e}</span> })}
            </div>
        </section>
    }
}
