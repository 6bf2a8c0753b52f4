//! The shell: navigation, the connection badge, and the routes.

use ai_trader_core::api::HealthResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::api::{self, Abort};
use crate::routes::{DayPage, JobPage, JobsPage, PlanPage, ResultsPage, SettingsPage};

/// The server's health, shared by the pages: `None` while unknown, `Some(None)` if unreachable.
#[derive(Clone, Copy)]
pub struct Connection(pub RwSignal<Option<Option<HealthResponse>>>);

/// Re-checks `/health`.
pub fn refresh_health(connection: Connection) {
    let abort = Abort::none();
    spawn_local(async move {
        let health = api::get::<HealthResponse>("/health", abort).await.ok();
        connection.0.set(Some(health));
    });
}

#[component]
fn Badge() -> impl IntoView {
    let connection = expect_context::<Connection>();
    move || {
        match connection.0.get() {
        None => view! { <span class="badge muted">"connecting…"</span> }.into_any(),
        Some(None) => view! { <span class="badge offline" title="The server cannot be reached: previews use the exchange calendar alone">"offline"</span> }.into_any(),
        Some(Some(h)) => {
            let mode = h.deployment.deployment_mode.as_str();
            let synthetic = h.synthetic_market_data.then_some(view! { <span class="badge muted" title="The demo market is generated, not real">"synthetic data"</span> });
            let mut title = format!("Server {} — database {}", h.version, h.database);
            if h.deployment.preserve_dev_data == Some(false) {
                title.push_str(". DEV mode: the database is reset each time the server starts; set PRESERVE_DEV_DATA=true to keep it.");
            }
            let degraded = h.problem.map(|problem| view! {
                <span class="badge offline" id="degraded" title=format!("The server cannot save its work and keeps retrying: {problem}")>"cannot save"</span>
            });
            view! { <span class="badge online" id="mode-badge" title=title>{mode}</span> {synthetic} {degraded} }.into_any()
        }
    }
    }
}

/// The path the app is served under (from `<base href>`, which Trunk's `--public-url` sets):
/// `""` at the root, `/app` under `/app/`.
pub fn base_path() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|uri| web_sys::Url::new(&uri).ok())
        .map(|url| url.pathname().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

/// An in-app link: `path` under the base path.
pub fn href(path: &str) -> String {
    format!("{}{path}", base_path())
}

/// The application.
#[component]
pub fn App() -> impl IntoView {
    let connection = Connection(RwSignal::new(None));
    provide_context(connection);
    refresh_health(connection);
    view! {
        <Router base=base_path()>
            <header class="top">
                <span class="brand">"AI-Trader"</span>
                <nav aria-label="Pages">
                    <A href=href("/")>"Plan"</A>
                    <A href=href("/jobs")>"Jobs"</A>
                    <A href=href("/compare")>"Results"</A>
                    <A href=href("/settings")>"Settings"</A>
                </nav>
                <span class="badges"><Badge/></span>
            </header>
            <main>
                <Routes fallback=|| view! { <p class="empty">"Page not found."</p> }>
                    <Route path=path!("/") view=PlanPage/>
                    <Route path=path!("/jobs") view=JobsPage/>
                    <Route path=path!("/jobs/:id") view=JobPage/>
                    <Route path=path!("/compare") view=ResultsPage/>
                    <Route path=path!("/day/:model/:date") view=DayPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                </Routes>
            </main>
        </Router>
    }
}
