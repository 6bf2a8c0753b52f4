//! Talking to the server: a configurable base URL (kept in local storage, so the static site can
//! point anywhere), JSON over gloo-net, requests abortable on navigation.

use ai_trader_core::api::ErrorResponse;
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

const STORAGE_KEY: &str = "ai-trader.server-url";

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

/// A failed request: the server's `detail`, or why it could not be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(pub String);

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError(format!("unexpected reply: {e}")));
    }
    let status = response.status();
    match response.json::<ErrorResponse>().await {
        Ok(body) => Err(ApiError(body.detail)),
        Err(_) => Err(ApiError(format!("HTTP {status}"))),
    }
}

/// Aborts its request when dropped (navigation away cancels what the page was loading).
pub struct Abort(Option<web_sys::AbortController>);

impl Abort {
    /// A new controller.
    pub fn new() -> Self {
        Self(web_sys::AbortController::new().ok())
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.0.as_ref().map(web_sys::AbortController::signal)
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        if let Some(c) = &self.0 {
            c.abort();
        }
    }
}

/// GET a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str, abort: &Abort) -> Result<T, ApiError> {
    let url = format!("{}{path}", server_url());
    let signal = abort.signal();
    let response = Request::get(&url)
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|e| ApiError(format!("cannot reach the server at {}: {e}", server_url())))?;
    decode(response).await
}

/// POST a JSON body.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let url = format!("{}{path}", server_url());
    let response = Request::post(&url)
        .json(body)
        .map_err(|e| ApiError(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError(format!("cannot reach the server at {}: {e}", server_url())))?;
    decode(response).await
}
