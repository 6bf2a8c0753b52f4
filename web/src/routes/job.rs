//! One job: status, elapsed time, a progress bar by outcome, the grid of actual statuses (each
//! completed day links to its Day page), warnings, cancel after a confirmation. Polls until the
//! job is terminal and stops when the page is left.

use std::time::Duration;

use ai_trader_core::api::{CancelResponse, JobStatusResponse};
use ai_trader_core::cost::describe_usd;
use ai_trader_core::forecast::{describe_cost, is_budget_warning};
use ai_trader_core::{Breakdown, Date, DetailStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::plan::plan_cell;
use crate::api::{self, Abort, ApiError};
use crate::components::{Cell, ErrorText, Grid, GridData, Row};
use crate::format::count;
use crate::notes::{Skips, plain_warning};

fn grid_of(job: &JobStatusResponse) -> GridData {
    let dates: Vec<Date> = job.date_range.clone();
    let chains = job
        .models
        .iter()
        .flat_map(|model| job.runs.iter().map(move |run| (model, run)));
    let rows = chains
        .map(|(model, run)| {
            let cells = dates
                .iter()
                .map(|date| {
                    let detail = job
                        .details
                        .iter()
                        .find(|d| d.date == *date && d.model == *model && d.run == *run);
                    match detail {
                        None => Cell {
                            class: "unknown",
                            letter: '?',
                            title: "No detail".into(),
                            href: None,
                        },
                        Some(d) => match d.status {
                            DetailStatus::Skipped => plan_cell(d.skip_reason, d.error.as_deref()),
                            DetailStatus::Completed => Cell {
                                class: "done",
                                letter: '✓',
                                title: "Completed: open its day".into(),
                                href: Some(crate::app::href(&crate::routes::day_path(
                                    model, run, *date,
                                ))),
                            },
                            DetailStatus::Failed => Cell {
                                class: "failed",
                                letter: '✗',
                                title: d.error.clone().unwrap_or_else(|| "Failed".into()),
                                href: None,
                            },
                            DetailStatus::Running => Cell {
                                class: "running",
                                letter: '…',
                                title: "Running".into(),
                                href: None,
                            },
                            DetailStatus::Pending => Cell {
                                class: "pending",
                                letter: '·',
                                title: "Pending".into(),
                                href: None,
                            },
                        },
                    }
                })
                .collect();
            Row {
                model: ai_trader_core::run::chain_label(model, run),
                note: None,
                cells,
            }
        })
        .collect();
    GridData {
        date_notes: vec![None; dates.len()],
        dates,
        rows,
    }
}

/// The job's runs and note, unless it only continues `main`.
fn runs_of(job: &JobStatusResponse) -> Option<String> {
    if ai_trader_core::run::is_main_only(&job.runs) && job.note.is_none() {
        return None;
    }
    let runs = match job.runs.as_slice() {
        [one] => format!("run {one}"),
        many => format!("runs {}", many.join(", ")),
    };
    Some(match &job.note {
        Some(note) => format!("{runs}: “{note}”"),
        None => runs,
    })
}

/// What the job has spent against what its plan forecast, with its budget: `Spent $3.60 of a
/// forecast $8.40 (p90 $9.10) · budget $5.00`.
fn spending_of(job: &JobStatusResponse) -> String {
    let spent = job.cost.to_string();
    let Some(forecast) = &job.forecast else {
        return format!("Spent {spent}");
    };
    let total = &forecast.total;
    let expected = if total.unknown_models.is_empty() {
        describe_cost(Some(total.cost_usd))
    } else {
        "unknown".to_owned()
    };
    let budget = total
        .max_cost_usd
        .map(|b| format!(" · budget {}", describe_usd(Some(b))))
        .unwrap_or_default();
    format!("Spent {spent} of a forecast {expected}{budget}")
}

/// Polls a job's status every second until it ends; stops when the page is left.
fn poll_status(abort: Abort, id: impl Fn() -> String + Copy + 'static, job: JobSignal) {
    let load = move || {
        let id = id();
        spawn_local(async move {
            let result =
                api::get::<JobStatusResponse>(&format!("/simulate/status/{id}"), abort).await;
            job.set(Some(result));
        });
    };
    load();
    let handle = set_interval_with_handle(
        move || {
            let terminal = job
                .get_untracked()
                .and_then(Result::ok)
                .is_some_and(|j| j.status.is_terminal());
            if !terminal {
                load();
            }
        },
        Duration::from_millis(1000),
    );
    if let Ok(handle) = handle {
        on_cleanup(move || handle.clear());
    }
}

type JobSignal = RwSignal<Option<Result<JobStatusResponse, ApiError>>>;

/// The progress bar: what has ended (completed, failed, skipped, cancelled) and what has not.
#[component]
fn ProgressBar(breakdown: Breakdown) -> impl IntoView {
    let b = breakdown;
    let total = b.total.max(1) as f64;
    let segment = |n: u32, class: &'static str, label: &'static str| {
        let width = f64::from(n) / total * 100.0;
        view! { <div class=format!("seg {class}") style=format!("width: {width:.3}%") title=format!("{n} {label}")></div> }
    };
    let parts: Vec<String> = [
        (b.completed, "completed"),
        (b.failed, "failed"),
        (b.skipped, "skipped"),
        (b.cancelled, "cancelled"),
        (b.running, "running"),
        (b.pending, "pending"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, label)| format!("{n} {label}"))
    .collect();
    view! {
        <div class="progress" id="progress" role="progressbar" aria-valuemin="0"
            aria-valuemax=b.total.to_string() aria-valuenow=b.done().to_string()
            aria-label="Model-days ended">
            {segment(b.completed, "done", "completed")}
            {segment(b.failed, "failed", "failed")}
            {segment(b.skipped, "skipped", "skipped")}
            {segment(b.cancelled, "cancelled", "cancelled")}
            {segment(b.running, "running", "running")}
            {segment(b.pending, "pending", "pending")}
        </div>
        <p class="counts" id="counts">{format!("{} of {} done: {}", b.done(), count(b.total, "model-day", "model-days"), parts.join(" · "))}</p>
    }
}

/// `1 min 05 s` since `started` (an RFC 3339 time), by the browser's clock.
fn elapsed_since(started: &str) -> Option<String> {
    let start = js_sys::Date::parse(started);
    if start.is_nan() {
        return None;
    }
    let seconds = ((js_sys::Date::now() - start) / 1000.0).max(0.0) as u64;
    Some(if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min {:02} s", seconds / 60, seconds % 60)
    })
}

/// One job's status, progress, grid and warnings.
#[component]
fn JobView(job: JobStatusResponse) -> impl IntoView {
    let j = job;
    let grid = grid_of(&j);
    let breakdown = Breakdown::count(j.details.iter().map(|d| (d.status, d.skip_reason)));
    // Skips in sentences from the details; other warnings (downloads, superseded days) as
    // stored, with plain lists. The API keeps the reference's text.
    let notes = Skips::of_job(&j.details)
        .sentences("")
        .into_iter()
        .chain(
            j.warnings
                .iter()
                .flatten()
                // Said above from the details, and by the spending line from the forecast.
                .filter(|w| !w.starts_with("Skipped ") && !is_budget_warning(w))
                .map(|w| plain_warning(w)),
        )
        .map(|w| view! { <li>{w}</li> })
        .collect_view();
    let active = !j.status.is_terminal();
    let first = j
        .date_range
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let last = j
        .date_range
        .last()
        .map(ToString::to_string)
        .unwrap_or_default();
    let timing = match (active, j.started_at.clone(), j.total_duration_seconds) {
        (true, Some(started), _) => elapsed_since(&started).map(|e| format!("running for {e}")),
        (true, None, _) => Some("waiting to start".to_owned()),
        (false, _, Some(s)) => Some(format!("took {s:.1} s")),
        (false, _, None) => None,
    };
    let finished = (!active).then(|| {
        let text = format!(
            "This job has ended: {}. Nothing more will change.",
            j.status
        );
        view! { <p class=format!("ended {}", j.status) id="job-ended" role="status">{text}</p> }
    });
    view! {
        <div class="job-view">
            <h1>"Job " <code>{j.job_id.clone()}</code></h1>
            <p class="status">
                <span class=format!("pill {}", j.status) id="job-status">{j.status.to_string()}</span>
                {format!(" {} · {first} to {last}", count(j.models.len() as u32, "model", "models"))}
                {runs_of(&j).map(|r| view! { " · " <span id="job-runs">{r}</span> })}
                {timing.map(|t| view! { " · " <span id="job-timing">{t}</span> })}
            </p>
            {finished}
            <ProgressBar breakdown/>
            <p class="hint" id="job-cost">{spending_of(&j)}</p>
            <ul class="notes" id="job-notes">{notes}</ul>
            <Grid data=Signal::derive(move || grid.clone())/>
        </div>
    }
}

/// Cancel (after a question) and the way to the job's results. Rendered once, outside the
/// polled view, so a poll neither closes the question nor takes the focus away.
#[component]
fn JobActions(
    job: JobSignal,
    cancel: Callback<()>,
    message: RwSignal<Option<Result<String, ApiError>>>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let loaded = Memo::new(move |_| {
        job.with(|j| match j {
            Some(Ok(j)) => Some((
                j.job_id.clone(),
                !j.status.is_terminal(),
                j.date_range.first().copied(),
                j.date_range.last().copied(),
            )),
            _ => None,
        })
    });
    let active = move || loaded.with(|l| l.as_ref().is_some_and(|l| l.1));
    let results_href = move || {
        loaded.with(|l| match l {
            Some((id, _, Some(first), Some(last))) => {
                crate::app::href(&format!("/compare?job_id={id}&from={first}&to={last}"))
            }
            Some((id, ..)) => crate::app::href(&format!("/compare?job_id={id}")),
            None => String::new(),
        })
    };
    view! {
        <Show when=move || loaded.with(Option::is_some)>
            <div class="actions">
                <Show when=move || active() && !asking.get()><button id="cancel" on:click=move |_| asking.set(true)>"Cancel job…"</button></Show>
                <Show when=move || active() && asking.get()>
                    <span class="confirm" role="alertdialog" id="cancel-confirm">
                        "Cancel this job? Model-days not yet run will not run."
                        <button id="cancel-yes" on:click=move |_| { asking.set(false); cancel.run(()) }>"Cancel the job"</button>
                        <button class="secondary" id="cancel-no" on:click=move |_| asking.set(false)>"Keep it running"</button>
                    </span>
                </Show>
                <a href=results_href>"Results of this job"</a>
                {move || message.get().map(|m| match m {
                    Ok(text) => view! { <span class="notice">{text}</span> }.into_any(),
                    Err(e) => view! { <ErrorText error=e/> }.into_any(),
                })}
            </div>
        </Show>
    }
}

/// The job page.
#[component]
pub fn JobPage() -> impl IntoView {
    let abort = Abort::for_page();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let job: JobSignal = RwSignal::new(None);
    let message = RwSignal::new(None::<Result<String, ApiError>>);
    poll_status(abort, id, job);

    let cancel = Callback::new(move |()| {
        let id = id();
        spawn_local(async move {
            match api::post::<_, CancelResponse>(
                &format!("/simulate/cancel/{id}"),
                &serde_json::json!({}),
            )
            .await
            {
                Ok(r) => message.set(Some(Ok(r.message))),
                Err(e) => message.set(Some(Err(e))),
            }
        });
    });

    view! {
        <section class="page job">
            {move || match job.get() {
                None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorText error=e/> }.into_any(),
                Some(Ok(j)) => view! { <JobView job=j/> }.into_any(),
            }}
            <JobActions job cancel message/>
        </section>
    }
}
