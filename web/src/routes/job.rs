//! One job: status, a progress bar by outcome, the grid of actual statuses, warnings, cancel.
//! Polls until the job is terminal and stops when the page is left.

use std::time::Duration;

use ai_trader_core::api::{CancelResponse, JobStatusResponse};
use ai_trader_core::{Date, DetailStatus, Progress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::plan::plan_cell;
use crate::api::{self, Abort};
use crate::components::{Cell, Grid, GridData};

fn grid_of(job: &JobStatusResponse) -> GridData {
    let dates: Vec<Date> = job.date_range.clone();
    let rows = job
        .models
        .iter()
        .map(|model| {
            let cells = dates
                .iter()
                .map(|date| {
                    let detail = job
                        .details
                        .iter()
                        .find(|d| d.date == *date && d.model == *model);
                    match detail {
                        None => Cell {
                            class: "unknown",
                            letter: '?',
                            title: "No detail".into(),
                        },
                        Some(d) => match d.status {
                            DetailStatus::Skipped => plan_cell(d.skip_reason, d.error.as_deref()),
                            DetailStatus::Completed => Cell {
                                class: "done",
                                letter: '✓',
                                title: "Completed".into(),
                            },
                            DetailStatus::Failed => Cell {
                                class: "failed",
                                letter: '✗',
                                title: d.error.clone().unwrap_or_else(|| "Failed".into()),
                            },
                            DetailStatus::Running => Cell {
                                class: "running",
                                letter: '…',
                                title: "Running".into(),
                            },
                            DetailStatus::Pending => Cell {
                                class: "pending",
                                letter: '·',
                                title: "Pending".into(),
                            },
                        },
                    }
                })
                .collect();
            (model.clone(), cells)
        })
        .collect();
    GridData {
        date_notes: vec![None; dates.len()],
        dates,
        rows,
    }
}

/// Polls a job's status every second until it ends; stops when the page is left.
fn poll_status(abort: Abort, id: impl Fn() -> String + Copy + 'static, job: JobSignal) {
    let load = move || {
        let id = id();
        spawn_local(async move {
            let result =
                api::get::<JobStatusResponse>(&format!("/simulate/status/{id}"), abort).await;
            job.set(Some(result.map_err(|e| e.0)));
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

type JobSignal = RwSignal<Option<Result<JobStatusResponse, String>>>;

/// The progress bar, a segment per detail status, and the counts.
#[component]
fn ProgressBar(progress: Progress) -> impl IntoView {
    let p = progress;
    let total = p.total_model_days.max(1) as f64;
    let segment = |n: u32, class: &'static str, label: &'static str| {
        let width = f64::from(n) / total * 100.0;
        view! { <div class=format!("seg {class}") style=format!("width: {width:.3}%") title=format!("{n} {label}")></div> }
    };
    view! {
        <div class="progress" id="progress">
            {segment(p.completed, "done", "completed")}
            {segment(p.failed, "failed", "failed")}
            {segment(p.skipped, "skipped", "skipped")}
            {segment(p.running, "running", "running")}
            {segment(p.pending, "pending", "pending")}
        </div>
        <p class="counts">{format!("{} completed · {} failed · {} skipped · {} running · {} pending",
            p.completed, p.failed, p.skipped, p.running, p.pending)}</p>
    }
}

/// One job's status, progress, grid and warnings.
#[component]
fn JobView(
    job: JobStatusResponse,
    cancel: Callback<()>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let j = job;
    let grid = grid_of(&j);
    let warnings = j
        .warnings
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|w| view! { <li>{w}</li> })
        .collect_view();
    let active = !j.status.is_terminal();
    view! {
        <section class="page job">
            <h1>"Job " <code>{j.job_id.clone()}</code></h1>
            <p class="status">
                <span class=format!("pill {}", j.status) id="job-status">{j.status.to_string()}</span>
                {format!(" {} models · {} to {}", j.models.len(),
                    j.date_range.first().map(ToString::to_string).unwrap_or_default(),
                    j.date_range.last().map(ToString::to_string).unwrap_or_default())}
                {j.total_duration_seconds.map(|s| format!(" · {s:.1} s"))}
            </p>
            <ProgressBar progress=j.progress/>
            <ul class="warnings">{warnings}</ul>
            <Grid data=Signal::derive(move || grid.clone())/>
            <div class="actions">
                <Show when=move || active><button id="cancel" on:click=move |_| cancel.run(())>"Cancel job"</button></Show>
                <A href=crate::app::href(&format!("/compare?job_id={}", j.job_id))>"Results of this job"</A>
                {move || message.get().map(|m| view! { <span class="notice">{m}</span> })}
            </div>
        </section>
    }
}

/// The job page.
#[component]
pub fn JobPage() -> impl IntoView {
    let abort = Abort::for_page();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let job: JobSignal = RwSignal::new(None);
    let message = RwSignal::new(None::<String>);
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
                Ok(r) => message.set(Some(r.message)),
                Err(e) => message.set(Some(e.0)),
            }
        });
    });

    move || match job.get() {
        None => view! { <p class="empty">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
        Some(Ok(j)) => view! { <JobView job=j cancel message/> }.into_any(),
    }
}
