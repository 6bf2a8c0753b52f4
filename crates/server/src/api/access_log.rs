//! The optional access log (`ACCESS_LOG=true`): one line per request with its method, path,
//! query names, status and duration. Never a header (the token rides in `Authorization`) and
//! never a query value.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;

/// The names of a query string's parameters, values left out: `a=1&b=x` → `a,b`.
fn query_names(query: &str) -> String {
    query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) async fn access_log(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if !state.settings.access_log {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(query_names).unwrap_or_default();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        target: "access",
        %method,
        path,
        query,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_left_out() {
        assert_eq!(
            query_names("job_id=abc&api-key=SECRET&flag"),
            "job_id,api-key,flag"
        );
        assert_eq!(query_names(""), "");
    }
}
