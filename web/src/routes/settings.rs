//! The server URL (for the static site), the API token, and the connection state.

use leptos::prelude::*;

use crate::api;
use crate::app::{Connection, refresh_health};

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let connection = expect_context::<Connection>();
    let url = RwSignal::new(api::server_url());
    let token = RwSignal::new(api::api_token().unwrap_or_default());
    let saved = RwSignal::new(false);
    let save = move |_| {
        api::set_server_url(&url.get());
        api::set_api_token(&token.get());
        url.set(api::server_url());
        saved.set(true);
        refresh_health(connection);
    };
    view! {
        <section class="page settings">
            <h1>"Settings"</h1>
            <div class="settings-form">
                <label for="server-url">"Server URL"</label>
                <input type="url" id="server-url" prop:value=url on:input=move |ev| { saved.set(false); url.set(event_target_value(&ev)) }/>
                <p class="hint">"Empty means the server this page came from."</p>
                <label for="api-token">"API token"</label>
                <input type="password" id="api-token" autocomplete="off" prop:value=token on:input=move |ev| { saved.set(false); token.set(event_target_value(&ev)) }/>
                <p class="hint">"Needed to start and cancel jobs when the server sets AI_TRADER_API_TOKEN; sent as “Authorization: Bearer”. Empty means none."</p>
                <button id="save" on:click=save>"Save and reconnect"</button>
                <Show when=move || saved.get()><p class="hint" id="saved" role="status">"Saved in this browser."</p></Show>
            </div>
            <p id="connection">{move || match connection.0.get() {
                None => "Checking…".to_owned(),
                Some(None) => format!("Cannot reach {}", api::server_url()),
                Some(Some(h)) => format!("Connected to {} — {} mode, database {}", api::server_url(), h.deployment.deployment_mode, h.database),
            }}</p>
        </section>
    }
}
