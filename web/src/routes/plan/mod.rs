//! Plan a job: the preview is computed in the browser by the core planner on every complete
//! change (no round trip per keystroke); the planning context is fetched once per date window.
//! The form lives in the URL, so a reload, a shared link or the way back restores it.

mod cells;
mod context;
mod fields;
mod forecast;
mod form;
mod state;
mod summary;

use ai_trader_core::PlanRequest;
use ai_trader_core::api::TriggerResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use cells::grid_of;
pub use cells::plan_cell;
use context::browser_today;
use fields::{DateField, ModelChoices, RunFields};
use forecast::ForecastPanel;
use form::Form;
use summary::{PlanSummary, Preview};

use crate::api::{self, Abort, ApiError};
use crate::components::{ErrorText, Grid};

/// Starting the job: a job that replaces completed results asks first.
#[derive(Clone, Copy)]
struct Start {
    error: RwSignal<Option<ApiError>>,
    confirming: RwSignal<bool>,
    submitting: RwSignal<bool>,
}

impl Start {
    fn new(request: Memo<PlanRequest>) -> Self {
        let start = Self {
            error: RwSignal::new(None),
            confirming: RwSignal::new(false),
            submitting: RwSignal::new(false),
        };
        // Any change asks for confirmation again.
        Effect::new(move |_| {
            request.track();
            start.confirming.set(false);
        });
        start
    }

    /// Sends the request; on success the job's page opens.
    fn send(
        self,
        request: Memo<PlanRequest>,
        navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
    ) {
        let body = request.get_untracked();
        self.error.set(None);
        self.submitting.set(true);
        spawn_local(async move {
            match api::post::<_, TriggerResponse>("/simulate/trigger", &body).await {
                // The router adds its base path itself.
                Ok(job) => navigate(&format!("/jobs/{}", job.job_id), Default::default()),
                Err(e) => {
                    self.error.set(Some(e));
                    self.submitting.set(false);
                }
            }
        });
    }
}

/// The plan page.
#[component]
pub fn PlanPage() -> impl IntoView {
    let abort = Abort::for_page();
    let today = browser_today();
    let form = Form::restore(today);
    form.load(abort, today);
    form.keep_in_url();
    let request = form.request();
    let preview = form.preview(request, today);
    let start = Start::new(request);
    let grid = Signal::derive(move || preview.get().plan().map(grid_of).unwrap_or_default());
    let forecast = Signal::derive(move || {
        preview.with(|p| {
            p.plan()
                .filter(|p| p.totals.run > 0)
                .map(|p| p.forecast.clone())
        })
    });
    let navigate = use_navigate();
    let send = {
        let navigate = navigate.clone();
        move || start.send(request, navigate.clone())
    };
    let send_confirmed = send.clone();
    let start_clicked = move |_| {
        let replaces =
            preview.with_untracked(|p| p.plan().is_some_and(|p| !p.superseded.is_empty()));
        if replaces {
            start.confirming.set(true);
        } else {
            send();
        }
    };
    let disabled =
        move || !preview.with(Preview::runnable) || form.offline.get() || start.submitting.get();
    let Form {
        start_shown,
        end_shown,
        start: start_date,
        end,
        touched,
        resume,
        replace,
        run,
        repeats,
        note,
        budget,
        models,
        selected,
        coverage,
        offline,
        context,
        ..
    } = form;
    // The runs the server has for any model, to continue one.
    let known_runs = Signal::derive(move || {
        let mut names: Vec<String> = context.with(|c| {
            c.iter()
                .flat_map(|c| c.history.values())
                .flat_map(|h| h.runs.keys().cloned())
                .collect()
        });
        names.sort();
        names.dedup();
        names.insert(0, ai_trader_core::run::MAIN_RUN.to_owned());
        names
    });
    let (submit_error, confirming) = (start.error, start.confirming);
    view! {
        <section class="page plan">
            <h1>"Plan a job"</h1>
            <div class="form">
                <Show when=move || !resume.get() fallback=|| view! { <p class="hint resume-note" id="resume-note">"Each model starts the day after its last completed day (shown beside it below)."</p> }>
                    <DateField label="Start" id="start" shown=start_shown committed=start_date touched/>
                </Show>
                <DateField label="End" id="end" shown=end_shown committed=end touched/>
                <label class="inline"><input type="checkbox" id="resume" prop:checked=resume on:change=move |_| resume.update(|r| *r = !*r)/>"Resume each model after its history"</label>
                <label class="inline"><input type="checkbox" id="replace" prop:checked=replace on:change=move |_| replace.update(|r| *r = !*r)/>"Re-run completed days"</label>
            </div>
            <p class="hint" id="coverage">{move || coverage.get().map(|c| match (c.first_date, c.last_date) {
                (Some(first), Some(last)) => format!("The server has prices from {first} to {last}{}.", if c.synthetic { " (synthetic demo data)" } else { "" }),
                _ => "The server has no prices yet.".to_owned(),
            })}</p>
            <RunFields run repeats note budget known_runs/>
            <div class="models"><ModelChoices models selected/></div>
            <Show when=move || offline.get()>
                <p class="notice" id="calendar-only">"The server cannot be reached: this preview uses the exchange calendar alone (no price data, history or busy models)."</p>
            </Show>
            <PlanSummary preview resume replace/>
            <ForecastPanel forecast/>
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
