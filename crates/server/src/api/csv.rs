//! CSV answers (the core's [`Csv`]): a client asks with `format=csv` or `Accept: text/csv`.

use ai_trader_core::csv::Csv;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::AppError;

/// Whether the request asks for CSV: `format=csv`, or an `Accept` naming `text/csv`. Any other
/// `format` than `json` or `csv` is refused.
pub(super) fn wanted(format: Option<&str>, headers: &HeaderMap) -> Result<bool, AppError> {
    match format.map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some("") | None => Ok(headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))),
        Some(other) => Err(AppError::BadRequest(format!(
            "format must be json or csv (got {other})"
        ))),
    }
}

/// The answer: `text/csv`, offered as a download named `filename`.
pub(super) fn respond(csv: Csv, filename: &str) -> Response {
    let mut response = csv.finish().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_asked_for_by_format_or_accept() {
        let mut accept = HeaderMap::new();
        accept.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        assert!(wanted(None, &accept).unwrap());
        assert!(wanted(Some("CSV"), &HeaderMap::new()).unwrap());
        assert!(!wanted(Some("json"), &accept).unwrap());
        assert!(!wanted(None, &HeaderMap::new()).unwrap());
        assert!(wanted(Some("xml"), &HeaderMap::new()).is_err());
    }
}
