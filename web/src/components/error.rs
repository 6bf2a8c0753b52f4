//! A failed request, said plainly; a missing token links to Settings.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ApiError;

/// The error of a request, as a sentence.
#[component]
#[allow(clippy::needless_pass_by_value)] // Leptos passes props by value
pub fn ErrorText(error: ApiError) -> impl IntoView {
    let settings = matches!(error, ApiError::Unauthorized)
        .then(|| view! { " " <A href=crate::app::href("/settings") attr:id="to-settings">"Open Settings"</A> });
    view! { <p class="error" role="alert">{error.to_string()}{settings}</p> }
}
