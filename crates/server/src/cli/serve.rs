//! `ai-trader serve`: the HTTP API (and the UI) until SIGINT.

#![allow(clippy::print_stdout)] // the one line scripts and people wait for

use std::net::SocketAddr;

use anyhow::Context as _;

use super::{Common, load};
use crate::api;
use crate::app::AppState;

pub(super) async fn serve(common: &Common, host: &str, port: u16) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let state = AppState::open(settings, config)?;
    let resumed = state.recover().await?;
    let addr: SocketAddr = format!("{host}:{port}")
        .parse()
        .with_context(|| format!("bad address {host}:{port}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot bind {addr}"))?;
    let local = listener.local_addr()?;
    let market = state.market();
    // The one line scripts and people wait for.
    println!(
        "AI-Trader listening on http://{local} ({} mode, {} market data, {} models, {resumed} jobs resumed)",
        state.settings.mode,
        if market.is_synthetic() {
            "synthetic demo"
        } else if market.is_empty() {
            "no"
        } else {
            "imported"
        },
        state.config.models.len(),
    );
    axum::serve(listener, api::router(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
