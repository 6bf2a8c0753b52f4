//! `ai-trader serve`: the HTTP API (and the UI), with a worker unless `--no-worker`; and
//! `ai-trader worker`: a worker alone. Both until SIGINT or SIGTERM.

#![allow(clippy::print_stdout)] // the one line scripts and people wait for

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;

use super::{Common, load};
use crate::api;
use crate::app::AppState;

/// How often a worker looks for jobs other processes created.
const POLL: Duration = Duration::from_millis(500);

pub(super) async fn serve(
    common: &Common,
    host: &str,
    port: u16,
    with_worker: bool,
) -> anyhow::Result<()> {
    let (mut settings, config) = load(common)?;
    settings.bind_host = Some(host.to_owned());
    let state = AppState::open(settings, config, with_worker)?;
    let _fresh = state.keep_market_fresh(POLL * 2);
    let (resumed, jobs) = if with_worker {
        let resumed = state.recover().await?;
        let worker = state.worker.clone();
        (
            resumed,
            Some(tokio::spawn(async move { worker.serve_jobs(POLL).await })),
        )
    } else {
        (0, None)
    };
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
    let limits = api::listen::Limits {
        header_read_timeout: Duration::from_secs(state.settings.header_read_timeout_seconds),
        max_connections: state.settings.max_connections,
        drain_timeout: Duration::from_secs(10),
    };
    api::listen::serve(listener, api::router(state.clone()), limits, stop_signal()).await?;
    if let Some(jobs) = jobs {
        stop_worker(&state, jobs).await;
    }
    Ok(())
}

/// `ai-trader worker`: runs the database's jobs until a stop signal.
pub(super) async fn worker(common: &Common) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let state = AppState::open(settings, config, true)?;
    let _fresh = state.keep_market_fresh(POLL * 2);
    let resumed = state.recover().await?;
    let worker = state.worker.clone();
    let jobs = tokio::spawn(async move { worker.serve_jobs(POLL).await });
    let info = state.worker.info();
    // The one line scripts and people wait for.
    println!(
        "AI-Trader worker {} running jobs on {} (pid {}, {resumed} jobs resumed)",
        info.worker_id,
        state.settings.database.display(),
        info.pid
    );
    stop_signal().await;
    stop_worker(&state, jobs).await;
    Ok(())
}

/// Lets running model-days finish within the grace period, then ends the job loop (which
/// removes the worker from the database's list).
async fn stop_worker(state: &AppState, jobs: tokio::task::JoinHandle<()>) {
    let grace = Duration::from_secs(state.settings.shutdown_grace_seconds);
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "shutting down: no new model-day starts; running ones may finish"
    );
    if state.worker.shutdown(grace).await {
        tracing::info!("stopped cleanly; unfinished jobs resume at the next start");
    } else {
        tracing::warn!(
            "grace period over: model-days still running are dropped (nothing of them was written) and run again at the next start"
        );
    }
    let _ = tokio::time::timeout(POLL * 4, jobs).await;
}

/// SIGINT (Ctrl-C) or SIGTERM (what `docker stop`, systemd and Kubernetes send).
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
