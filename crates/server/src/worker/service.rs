//! The worker as a service: it announces itself with heartbeats (listed by `/health`) and picks
//! up every active job of the database, whichever API process created it, so API processes
//! (`serve --no-worker`) and worker processes (`worker`) can run apart.

use std::time::Duration;

use ai_trader_core::api::WorkerInfo;

use super::Worker;
use crate::clock::format_timestamp;

/// A worker counts as live while its last heartbeat is at most this many beats old.
const LIVE_BEATS: u32 = 3;

/// This process's name on the machine.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

impl Worker {
    /// How this worker announces itself.
    pub fn info(&self) -> WorkerInfo {
        self.inner.identity.clone()
    }

    /// Beats and picks up active jobs every `poll` until shutdown, then says goodbye.
    pub async fn serve_jobs(&self, poll: Duration) {
        let db = &self.inner.db;
        let mut last_beat: Option<tokio::time::Instant> = None;
        while !self.stopping() {
            if last_beat.is_none_or(|t| t.elapsed() >= self.inner.heartbeat) {
                // A failed beat is retried on the next round; the jobs go on meanwhile.
                if let Err(e) = db.heartbeat(self.info()).await {
                    tracing::warn!(error = %e, "heartbeat not written");
                }
                last_beat = Some(tokio::time::Instant::now());
            }
            match db.active_job_ids().await {
                Ok(ids) => {
                    for id in ids.into_iter().filter(|id| !self.is_running(id)) {
                        self.spawn(id);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot list the active jobs"),
            }
            tokio::time::sleep(poll).await;
        }
        let _ = db.remove_worker(&self.inner.identity.worker_id).await;
    }

    /// The workers that beat recently, by the live window of this worker's heartbeat.
    pub async fn live_workers(&self) -> Vec<WorkerInfo> {
        let window = self.inner.heartbeat * LIVE_BEATS;
        let since = self.inner.clock.now()
            - chrono::Duration::from_std(window).unwrap_or_else(|_| chrono::Duration::seconds(60));
        self.inner
            .db
            .live_workers(format_timestamp(since))
            .await
            .unwrap_or_default()
    }
}

/// A new identity for this process's worker.
pub(super) fn identity(started_at: String) -> WorkerInfo {
    WorkerInfo {
        worker_id: uuid::Uuid::new_v4().to_string(),
        host: host_name(),
        pid: std::process::id(),
        started_at: started_at.clone(),
        heartbeat_at: started_at,
    }
}
