//! The release UI inside the binary. `scripts/build-ui` writes a `.br` and a `.gz` beside each
//! file, so nothing is compressed while serving; the variant is chosen by `Accept-Encoding`.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::{Embed, EmbeddedFile};

use super::content_type;

#[derive(Embed)]
#[folder = "$AI_TRADER_EMBEDDED_UI"]
struct Assets;

/// The encodings we have files for, best first, with their file suffix.
const ENCODINGS: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

/// Answers a GET or HEAD for a UI path.
pub(super) fn respond(request: &Request<Body>) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let Some(name) = resolve(request.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(file) = Assets::get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (encoding, body) = ENCODINGS
        .iter()
        .filter(|(coding, _)| accepts(request.headers(), coding))
        .find_map(|(coding, suffix)| {
            Assets::get(&format!("{name}{suffix}")).map(|f| (Some(*coding), f))
        })
        .unwrap_or((None, file.clone()));
    let etag = entity_tag(&file, encoding);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&name)),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(coding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if fresh {
        headers.remove(header::CONTENT_TYPE);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (StatusCode::OK, headers, Body::from(body.data.into_owned())).into_response()
}

/// The embedded file for a path: the file itself, or `index.html` for a page path (one whose
/// last segment has no extension). A missing file with an extension is a 404.
fn resolve(path: &str) -> Option<String> {
    let name = path.trim_start_matches('/');
    if !name.is_empty() && Assets::get(name).is_some() {
        return Some(name.to_owned());
    }
    let last = name.rsplit('/').next().unwrap_or_default();
    (!last.contains('.')).then(|| "index.html".to_owned())
}

/// Whether `Accept-Encoding` allows `coding` (named, or `*`, with a q-value above 0).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case(coding) || name == "*") && q > 0.0
        })
}

/// A strong tag per representation: the file's hash, and the encoding sent.
fn entity_tag(file: &EmbeddedFile, encoding: Option<&str>) -> String {
    let hash: String = file.metadata.sha256_hash()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match encoding {
        Some(coding) => format!("\"{hash}-{coding}\""),
        None => format!("\"{hash}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        headers
    }

    #[test]
    fn accept_encoding_is_read_with_q_values() {
        assert!(accepts(&with("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&with("gzip;q=0.5"), "gzip"));
        assert!(!accepts(&with("gzip;q=0, br"), "gzip"));
        assert!(accepts(&with("*"), "br"));
        assert!(!accepts(&with("identity"), "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn page_paths_are_the_index_and_missing_files_are_not() {
        assert_eq!(resolve("/").as_deref(), Some("index.html"));
        assert_eq!(resolve("/jobs/abc").as_deref(), Some("index.html"));
        assert_eq!(resolve("/missing-0123456789abcdef.js"), None);
    }
}
