//! The AI-Trader web UI (Leptos, client-side rendering). Plans run in the browser with the same
//! core planner the server uses, so the preview is the job.

#![allow(unreachable_pub)] // a binary crate: `pub` marks what its modules share

mod api;
mod app;
mod components;
mod format;
mod notes;
mod routes;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
