//! The HTTP API: `fn router(state) -> Router`, separate from `main` so handlers are tested
//! without sockets.

mod access_log;
mod cache;
mod catalog;
mod csv;
pub mod error;
mod exports;
pub mod guard;
pub mod listen;
pub mod openapi;
mod reasoning;
mod results;
mod runs;
mod simulate;
mod ui;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::trace::TraceLayer;

pub use error::{AppError, AppJson, AppQuery};
pub use results::baseline_over;

use crate::app::AppState;

/// Request bodies larger than this are refused (413).
const BODY_LIMIT: usize = 64 * 1024;

/// Every route: (method, path, handler). The router and the OpenAPI document are both built
/// from this list, so neither can miss a route.
fn routes() -> Vec<(Method, &'static str, MethodRouter<Arc<AppState>>)> {
    vec![
        (Method::POST, "/simulate/trigger", post(simulate::trigger)),
        (Method::POST, "/simulate/preview", post(simulate::preview)),
        (
            Method::GET,
            "/simulate/plan-context",
            get(simulate::plan_context),
        ),
        (
            Method::GET,
            "/simulate/status/{job_id}",
            get(simulate::status),
        ),
        (Method::GET, "/simulate/jobs", get(simulate::jobs)),
        (
            Method::POST,
            "/simulate/cancel/{job_id}",
            post(simulate::cancel),
        ),
        (Method::GET, "/results", get(results::results)),
        (Method::GET, "/results/compare", get(runs::compare)),
        (Method::GET, "/results/trades", get(exports::trades)),
        (Method::GET, "/runs", get(runs::runs)),
        (Method::GET, "/reasoning", get(reasoning::reasoning)),
        (Method::GET, "/models", get(catalog::models)),
        (Method::GET, "/market/coverage", get(catalog::coverage)),
        (Method::GET, "/health", get(catalog::health)),
        (Method::GET, "/openapi.json", get(openapi::serve)),
    ]
}

/// The (method, path) of every route.
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The API router; the web UI (embedded, or `settings.ui_dir`) answers every other path.
pub fn router(state: Arc<AppState>) -> Router {
    let api = routes()
        .into_iter()
        .fold(Router::new(), |router, (method, path, handler)| {
            // Bodies are checked on the routes that take one, after the method matched (a
            // POST to a GET route is 405, not 415).
            let handler = if method == Method::POST {
                handler.route_layer(middleware::from_fn_with_state(
                    state.clone(),
                    guard::json_body,
                ))
            } else {
                handler
            };
            router.route(path, handler)
        });
    // With a built UI, every path the API does not route is the UI's.
    let api = match ui::service(state.settings.ui_dir.as_deref()) {
        Some(files) => api.fallback_service(files),
        None => api.fallback(not_found),
    };
    api.method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::known_host,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(cors(&state.allowed_origins))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            access_log::access_log,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::NotFound("Not Found".to_owned())
}

async fn method_not_allowed() -> AppError {
    AppError::Rejected(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method Not Allowed".to_owned(),
    )
}

/// With `AI_TRADER_API_TOKEN` set, every mutating request needs `Authorization: Bearer <token>`.
async fn require_token(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = state.settings.api_token.as_deref() else {
        return next.run(request).await;
    };
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if bearer_matches(request.headers(), token) {
        next.run(request).await
    } else {
        AppError::Unauthorized(
            "Missing or invalid bearer token: set Authorization: Bearer <AI_TRADER_API_TOKEN>"
                .into(),
        )
        .into_response()
    }
}

/// Whether the request carries `Authorization: Bearer <token>`.
/// A `run` query filter: absent or empty means every run; a name that no run could have is
/// refused (rather than answered "not found").
fn run_filter(run: Option<String>) -> Result<Option<String>, AppError> {
    match run.filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(run) => match ai_trader_core::run::check_run_name(&run) {
            Ok(()) => Ok(Some(run)),
            Err(problem) => Err(AppError::BadRequest(format!(
                "Invalid run name '{run}' (parameter run): {problem}"
            ))),
        },
    }
}

fn bearer_matches(headers: &axum::http::HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(Any)
    } else {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}

#[cfg(test)]
mod tests;
