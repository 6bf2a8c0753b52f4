//! `GET /models`, `GET /market/coverage`, `GET /health`.

use std::sync::Arc;

use ai_trader_core::api::{CoverageResponse, HealthResponse, ModelSummary, ModelsResponse};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::app::AppState;
use crate::config::public_url;

pub(super) async fn models(State(state): State<Arc<AppState>>) -> Json<ModelsResponse> {
    let models = state
        .config
        .models
        .iter()
        .map(|m| ModelSummary {
            name: m.name.clone(),
            basemodel: m.basemodel.clone(),
            signature: m.signature.clone(),
            enabled: m.enabled,
            // What really runs: in DEV an LLM model says "mock" rather than pretend.
            provider: m.provider().effective(state.settings.mode),
            openai_base_url: m.openai_base_url.as_deref().map(public_url),
            has_api_key: m.openai_api_key.as_ref().is_some_and(|k| !k.is_empty()),
        })
        .collect();
    Json(ModelsResponse {
        models,
        deployment: state.deployment(),
    })
}

pub(super) async fn coverage(State(state): State<Arc<AppState>>) -> Json<CoverageResponse> {
    let market = state.market();
    let availability = market.availability();
    let tradable_dates = match (availability.first_date, availability.last_date) {
        (Some(first), Some(last)) => availability.tradable_days(first, last),
        _ => Vec::new(),
    };
    Json(CoverageResponse {
        symbols: market.coverage(),
        first_date: availability.first_date,
        last_date: availability.last_date,
        tradable_dates,
        incomplete: availability.incomplete.clone(),
        synthetic: market.is_synthetic(),
    })
}

/// 200 when healthy, 503 when not (so `curl -f` and load balancers see it), same body.
pub(super) async fn health(
    State(state): State<Arc<AppState>>,
) -> (StatusCode, Json<HealthResponse>) {
    let connected = state.db.ping().await;
    let code = if connected {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    // Serving, but the worker's writes fail: it retries, and says why here.
    let write_problem = state.worker.write_problem();
    let status = match (connected, &write_problem) {
        (false, _) => "unhealthy",
        (true, Some(_)) => "degraded",
        (true, None) => "healthy",
    };
    let body = Json(HealthResponse {
        status: status.to_owned(),
        problem: write_problem,
        workers: state.worker.live_workers().await,
        database: if connected {
            "connected"
        } else {
            "disconnected"
        }
        .to_owned(),
        timestamp: state.clock.timestamp(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        synthetic_market_data: state.market().is_synthetic(),
        deployment: state.deployment(),
    });
    (code, body)
}
