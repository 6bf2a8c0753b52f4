//! The server URL (for the static site), and the connection state.

use leptos::prelude::*;

use crate::api;
use crate::app::{Connection, refresh_health};

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let connection = expect_context::<Connection>();
    let url = RwSignal::new(api::server_url());
    let save = move |_| {
        api::set_server_url(&url.get());
        url.set(api::server_url());
        refresh_health(connection);
    };
    view! {
        <section class="page settings">
            <h1>"Settings"</h1>
            <label>"Server URL" <input type="url" id="server-url" prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/></label>
            <button id="save" on:click=save>"Save and reconnect"</button>
            <p class="hint">"Empty means the server this page came from. The URL is kept in this browser."</p>
            <p id="connection">{move || match connection.0.get() {
                None => "Checking…".to_owned(),
                Some(None) => format!("Cannot reach {}", api::server_url()),
                Some(Some(h)) => format!("Connected to {} — {} mode, database {}", api::server_url(), h.deployment.deployment_mode, h.database),
            }}</p>
        </section>
    }
}
