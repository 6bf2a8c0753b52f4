//! Recent jobs.

use ai_trader_core::api::JobsResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{self, Abort, ApiError};
use crate::components::ErrorText;

/// The jobs page.
/// `a, b`, and the runs unless only `main`: `a, b × runs exp-1, exp-2`.
fn models_and_runs(j: &ai_trader_core::api::JobSummary) -> String {
    let models = j.models.join(", ");
    if ai_trader_core::run::is_main_only(&j.runs) {
        models
    } else {
        format!("{models} × runs {}", j.runs.join(", "))
    }
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let abort = Abort::for_page();
    let jobs = RwSignal::new(None::<Result<JobsResponse, ApiError>>);
    spawn_local(async move {
        jobs.set(Some(
            api::get::<JobsResponse>("/simulate/jobs?limit=50", abort).await,
        ));
    });
    move || match jobs.get() {
        None => view! { <p class="empty">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorText error=e/> }.into_any(),
        Some(Ok(list)) if list.jobs.is_empty() => {
            view! { <p class="empty">"No jobs yet. Plan one."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let rows = list
                .jobs
                .into_iter()
                .map(|j| {
                    let who = models_and_runs(&j);
                    view! {
                        <tr>
                            <td><A href=crate::app::href(&format!("/jobs/{}", j.job_id))>{j.job_id[..8].to_owned()}</A></td>
                            <td><span class=format!("pill {}", j.status)>{j.status.to_string()}</span></td>
                            <td>{who}</td>
                            <td>{format!("{} – {}", j.start_date, j.end_date)}</td>
                            <td>{j.created_at.get(..19).unwrap_or_default().replace('T', " ")}</td>
                            <td>{j.total_duration_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="page jobs">
                    <h1>"Jobs"</h1>
                    <div class="grid-scroll"><table class="list" id="jobs">
                        <thead><tr><th>"Job"</th><th>"Status"</th><th>"Models"</th><th>"Range"</th><th>"Created (UTC)"</th><th>"Duration"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                </section>
            }
            .into_any()
        }
    }
}
