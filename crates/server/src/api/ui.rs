//! The web UI's static files (Trunk's `dist/`), served beside the API: files as they are, any
//! other page path as `index.html` (the UI routes on the client), and unknown API paths still
//! as JSON 404s.

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};

use super::AppError;

/// Paths that belong to the API: never answered with the UI.
const API_PREFIXES: [&str; 7] = [
    "/simulate",
    "/results",
    "/reasoning",
    "/models",
    "/market",
    "/health",
    "/openapi.json",
];

/// The service answering every path the API does not route.
pub(super) fn service(dir: &Path) -> BoxCloneSyncService<Request<Body>, Response, Infallible> {
    let files = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    BoxCloneSyncService::new(tower::service_fn(move |request: Request<Body>| {
        let files = files.clone();
        async move {
            let path = request.uri().path();
            if API_PREFIXES
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/")))
            {
                return Ok(AppError::NotFound("Not Found".into()).into_response());
            }
            Ok(match files.oneshot(request).await {
                Ok(response) => response.map(Body::new),
                Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
            })
        }
    }))
}
