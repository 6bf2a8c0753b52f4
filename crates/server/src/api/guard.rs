//! What every request must be before a handler sees it: addressed to a host this server
//! answers for (a browser on a rebound DNS name is refused), and, for a POST, a JSON body the
//! server can read (UTF-8, not compressed) — so a cross-site HTML form cannot post, and a body
//! in another encoding is refused rather than misread.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppError;
use crate::app::AppState;

/// The host of a `Host` header, without its port (`[::1]:8080` → `::1`).
fn host_name(value: &str) -> String {
    let value = value.trim().to_ascii_lowercase();
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_owned();
    }
    value.split(':').next().unwrap_or_default().to_owned()
}

/// Refuses requests for other hosts (400).
pub(super) async fn known_host(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    // A browser always names the host it thinks it talks to; a rebound name is not ours.
    let host = request
        .headers()
        .get(header::HOST)
        .map(|v| host_name(v.to_str().unwrap_or_default()));
    if let (Some(allowed), Some(host)) = (&state.allowed_hosts, host)
        && !allowed.contains(&host)
    {
        return AppError::BadRequest(format!(
            "Host '{host}' is not served here: add it to ALLOWED_HOSTS (now {})",
            allowed.join(", ")
        ))
        .into_response();
    }
    next.run(request).await
}

/// Refuses a POST body the server cannot read (415).
pub(super) async fn json_body(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    // A client holding the API token (checked before routing) may post without a body
    // (`curl -X POST …/cancel/ID`).
    let trusted = state
        .settings
        .api_token
        .as_deref()
        .is_some_and(|token| super::bearer_matches(request.headers(), token));
    if let Err(message) = readable_json(request.headers(), !trusted) {
        return AppError::Rejected(StatusCode::UNSUPPORTED_MEDIA_TYPE, message).into_response();
    }
    next.run(request).await
}

/// A POST's body must be declared JSON (unless `!type_required` and none is declared), in
/// UTF-8, and not compressed.
fn readable_json(headers: &HeaderMap, type_required: bool) -> Result<(), String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut parts = content_type.split(';').map(str::trim);
    let mime = parts.next().unwrap_or_default();
    let undeclared_but_trusted = !type_required && mime.is_empty();
    if !undeclared_but_trusted && mime != "application/json" && !mime.ends_with("+json") {
        return Err("Expected a JSON body with Content-Type: application/json".to_owned());
    }
    for parameter in parts {
        if let Some(charset) = parameter.strip_prefix("charset=") {
            let charset = charset.trim_matches('"');
            if charset != "utf-8" && charset != "utf8" {
                return Err(format!(
                    "Content-Type charset {charset} is not supported: send the JSON body in UTF-8"
                ));
            }
        }
    }
    if let Some(encoding) = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .filter(|e| !e.trim().eq_ignore_ascii_case("identity"))
    {
        return Err(format!(
            "Content-Encoding {encoding} is not supported for request bodies: send the JSON uncompressed"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn host_names_drop_the_port() {
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("LocalHost:80"), "localhost");
    }

    #[test]
    fn post_bodies_must_be_utf8_json_uncompressed() {
        let headers = |pairs: &[(header::HeaderName, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(name.clone(), HeaderValue::from_static(value));
            }
            map
        };
        assert!(
            readable_json(
                &headers(&[(header::CONTENT_TYPE, "application/json")]),
                true
            )
            .is_ok()
        );
        assert!(
            readable_json(
                &headers(&[(header::CONTENT_TYPE, "application/json; charset=UTF-8")]),
                true
            )
            .is_ok()
        );
        assert!(
            readable_json(&headers(&[]), true).is_err(),
            "a form or no type"
        );
        assert!(
            readable_json(&headers(&[]), false).is_ok(),
            "no body, with the token"
        );
        assert!(readable_json(&headers(&[(header::CONTENT_TYPE, "text/plain")]), false).is_err());
        let utf16 = readable_json(
            &headers(&[(header::CONTENT_TYPE, "application/json; charset=utf-16")]),
            true,
        );
        assert_eq!(
            utf16.unwrap_err(),
            "Content-Type charset utf-16 is not supported: send the JSON body in UTF-8"
        );
        let gzip = readable_json(
            &headers(&[
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
            ]),
            true,
        );
        assert!(
            gzip.unwrap_err()
                .starts_with("Content-Encoding gzip is not supported")
        );
    }
}
