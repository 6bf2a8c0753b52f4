//! Talking to the server: a configurable base URL and API token (kept in local storage, so the
//! static site can point anywhere), JSON over gloo-net, requests abortable on navigation.

use ai_trader_core::api::ErrorResponse;
use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::{LocalStorage, StoredValue, WithValue, on_cleanup};
use serde::Serialize;
use serde::de::DeserializeOwned;

const STORAGE_KEY: &str = "ai-trader.server-url";
const TOKEN_KEY: &str = "ai-trader.api-token";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The server's base URL: saved in local storage, else the page's own origin.
pub fn server_url() -> String {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| {
            web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default()
        })
        .trim_end_matches('/')
        .to_owned()
}

/// Saves the server's base URL (empty: the page's own origin).
pub fn set_server_url(url: &str) {
    if let Some(s) = storage() {
        let _ = if url.trim().is_empty() {
            s.remove_item(STORAGE_KEY)
        } else {
            s.set_item(STORAGE_KEY, url.trim())
        };
    }
}

/// The API token sent as `Authorization: Bearer` (the server's `AI_TRADER_API_TOKEN`), if any.
pub fn api_token() -> Option<String> {
    storage()
        .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Saves the API token (empty: none).
pub fn set_api_token(token: &str) {
    if let Some(s) = storage() {
        let _ = if token.trim().is_empty() {
            s.remove_item(TOKEN_KEY)
        } else {
            s.set_item(TOKEN_KEY, token.trim())
        };
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server could not be reached (no answer at all).
    Unreachable(String),
    /// The server wants a (valid) API token.
    Unauthorized,
    /// The server refused or failed: its `detail`.
    Server(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable(e) => {
                write!(f, "The server at {} cannot be reached ({e}).", server_url())
            }
            Self::Unauthorized => f.write_str(
                "This server needs an API token to start or cancel jobs. Enter it in Settings.",
            ),
            Self::Server(detail) => f.write_str(detail),
        }
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Server(format!("The server's answer could not be read: {e}")));
    }
    let status = response.status();
    if status == 401 {
        return Err(ApiError::Unauthorized);
    }
    match response.json::<ErrorResponse>().await {
        Ok(body) => Err(ApiError::Server(body.detail)),
        Err(_) => Err(ApiError::Server(format!(
            "The server answered HTTP {status}."
        ))),
    }
}

/// The requests of one page: aborted when the page is left, so navigation cancels what it
/// was still loading (and a polling page stops for good).
#[derive(Clone, Copy)]
pub struct Abort(StoredValue<Option<web_sys::AbortController>, LocalStorage>);

impl Abort {
    /// A controller tied to the current page (aborted in its cleanup).
    pub fn for_page() -> Self {
        let controller = StoredValue::new_local(web_sys::AbortController::new().ok());
        on_cleanup(move || {
            controller.with_value(|c| {
                if let Some(c) = c {
                    c.abort();
                }
            });
        });
        Self(controller)
    }

    /// No page: the request runs to its end.
    pub fn none() -> Self {
        Self(StoredValue::new_local(None))
    }

    fn signal(self) -> Option<web_sys::AbortSignal> {
        self.0
            .with_value(|c| c.as_ref().map(web_sys::AbortController::signal))
    }
}

fn authorised(request: RequestBuilder) -> RequestBuilder {
    match api_token() {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// GET a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str, abort: Abort) -> Result<T, ApiError> {
    let url = format!("{}{path}", server_url());
    let signal = abort.signal();
    let response = authorised(Request::get(&url))
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|e| ApiError::Unreachable(e.to_string()))?;
    decode(response).await
}

/// POST a JSON body.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let url = format!("{}{path}", server_url());
    let response = authorised(Request::post(&url))
        .json(body)
        .map_err(|e| ApiError::Server(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Unreachable(e.to_string()))?;
    decode(response).await
}
