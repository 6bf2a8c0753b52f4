//! The web UI's static files, served beside the API: from the binary (the release build
//! embedded at compile time) or from `AI_TRADER_UI_DIR` (a Trunk `dist/`, which overrides it).
//! A browser asking for any other page gets `index.html` (the UI routes on the client); API
//! clients asking for an unknown path still get the reference's JSON 404. Files go out precompressed (brotli or gzip, as the client accepts), hashed assets
//! cached for a year, `index.html` revalidated on every load.

#[cfg(feature = "embedded-ui")]
mod embedded;

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
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

/// For assets whose name carries their content hash: they never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else (`index.html` names the current hashes): ask every time.
const REVALIDATE: &str = "no-cache";

/// The service answering every path the API does not route: `dir`'s files, or the embedded
/// UI without one. `None` when there is no UI to serve.
pub(super) fn service(
    dir: Option<&Path>,
) -> Option<BoxCloneSyncService<Request<Body>, Response, Infallible>> {
    let source = match dir {
        Some(dir) => Source::Dir(
            ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(dir.join("index.html"))
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        ),
        #[cfg(feature = "embedded-ui")]
        None => Source::Embedded,
        #[cfg(not(feature = "embedded-ui"))]
        None => return None,
    };
    Some(BoxCloneSyncService::new(tower::service_fn(
        move |request: Request<Body>| {
            let source = source.clone();
            async move {
                let path = request.uri().path().to_owned();
                if is_api_path(&path) || !(is_file(&path) || path == "/" || wants_page(&request)) {
                    return Ok(AppError::NotFound("Not Found".into()).into_response());
                }
                let mut response = source.respond(request).await;
                if response.status() == StatusCode::OK {
                    let policy = if is_hashed_asset(&path) {
                        IMMUTABLE
                    } else {
                        REVALIDATE
                    };
                    response
                        .headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
                }
                Ok(response)
            }
        },
    )))
}

#[derive(Clone)]
enum Source {
    Dir(ServeDir<ServeFile>),
    #[cfg(feature = "embedded-ui")]
    Embedded,
}

impl Source {
    async fn respond(self, request: Request<Body>) -> Response {
        match self {
            Self::Dir(files) => match files.oneshot(request).await {
                Ok(response) => response.map(Body::new),
                Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
            },
            #[cfg(feature = "embedded-ui")]
            Self::Embedded => embedded::respond(&request),
        }
    }
}

/// A browser navigating: it accepts HTML.
fn wants_page(request: &Request<Body>) -> bool {
    request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

/// A path naming a file (its last segment has an extension).
fn is_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Trunk names built assets `name-<hash>.ext` (or `…_bg.wasm`), the hash a 64-bit number in hex
/// without leading zeros: 16 digits, or fewer one time in sixteen (`style-ee4acd7e4231f42.css`).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// The media type of a UI file, by its extension.
#[cfg_attr(not(feature = "embedded-ui"), allow(dead_code))]
fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "webmanifest" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_recognised_by_their_trunk_names() {
        assert!(is_hashed_asset("/ai-trader-web-3f2a1b4c5d6e7f80_bg.wasm"));
        assert!(is_hashed_asset("/app/ai-trader-web-3f2a1b4c5d6e7f80.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        // A hash with a leading zero is written one digit shorter.
        assert!(is_hashed_asset("/ai-trader-web-ae5471a6c006cdf_bg.wasm"));
        assert!(is_hashed_asset("/style-ee4acd7e4231f42.css"));
        assert!(!is_hashed_asset("/ai-trader-web-12.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/jobs/0123"));
        assert!(!is_hashed_asset("/ai-trader-web-xyz.js"));
    }

    #[test]
    fn api_paths_are_never_the_ui() {
        assert!(is_api_path("/simulate/status/x"));
        assert!(is_api_path("/health"));
        assert!(!is_api_path("/healthy"));
        assert!(!is_api_path("/jobs/1"));
    }
}
