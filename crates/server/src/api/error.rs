//! The API's error type and extractors whose rejections share its format:
//! `{"detail": "<message>"}` with the right status.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use ai_trader_core::PlanError;

use crate::store::StoreError;

/// An error answered as `{"detail": message}`.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400.
    #[error("{0}")]
    BadRequest(String),
    /// 401.
    #[error("{0}")]
    Unauthorized(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 422 (and other rejection statuses such as 413 or 415).
    #[error("{1}")]
    Rejected(StatusCode, String),
    /// 500; the cause is logged, not shown.
    #[error("Internal server error")]
    Internal(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Rejected(status, _) => *status,
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(json!({ "detail": self.to_string() }))).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            // Nothing is wrong with the request: the service cannot store it; say why.
            StoreError::FileReplaced(_) => {
                tracing::error!(error = %e, "database file gone");
                Self::Rejected(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<PlanError> for AppError {
    fn from(e: PlanError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

/// A JSON body whose rejection is `{"detail": …}` (422 for a body of the wrong shape).
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> AppError {
    let status = match rejection {
        JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        other => other.status(),
    };
    let message = match rejection {
        JsonRejection::JsonDataError(e) => format!(
            "Invalid request body: {}",
            e.body_text()
                .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        ),
        JsonRejection::JsonSyntaxError(e) => format!(
            "Request body is not valid JSON: {}",
            e.body_text()
                .trim_start_matches("Failed to parse the request body as JSON: ")
        ),
        JsonRejection::MissingJsonContentType(_) => {
            "Expected a JSON body with Content-Type: application/json".to_owned()
        }
        other => other.body_text(),
    };
    AppError::Rejected(status, message)
}

/// A query string whose rejection is `{"detail": …}` with 422.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> AppError {
    let text = rejection.body_text();
    let text = text.trim_start_matches("Failed to deserialize query string: ");
    AppError::Rejected(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Invalid query parameters: {text}"),
    )
}
