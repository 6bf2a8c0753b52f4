//! Finished jobs' status answers, kept in memory with an entity tag: a finished job never
//! changes, so its status is served without the database (the API answers `304 Not Modified`
//! to a client that already has it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Finished jobs kept at most; past that the cache starts again empty.
const CAPACITY: usize = 512;

/// A serialised JSON answer with its entity tag.
#[derive(Debug, Clone)]
pub struct Tagged {
    /// `"<16 hex digits>"`: a hash of the body.
    pub etag: String,
    /// The JSON.
    pub body: Vec<u8>,
}

impl Tagged {
    /// Tags `body` with a hash of its bytes.
    pub fn new(body: Vec<u8>) -> Self {
        Self {
            etag: format!("\"{:016x}\"", fnv1a(&body)),
            body,
        }
    }
}

/// FNV-1a, 64 bits: stable across runs and versions, enough to tell bodies apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Status answers of finished jobs, by job id.
#[derive(Debug, Default)]
pub struct FinishedJobs(Mutex<HashMap<String, Arc<Tagged>>>);

impl FinishedJobs {
    /// The cached answer of a finished job.
    pub fn get(&self, job_id: &str) -> Option<Arc<Tagged>> {
        self.0.lock().ok()?.get(job_id).cloned()
    }

    /// Keeps the answer of a finished job.
    pub fn put(&self, job_id: String, answer: Arc<Tagged>) {
        if let Ok(mut jobs) = self.0.lock() {
            if jobs.len() >= CAPACITY {
                jobs.clear();
            }
            jobs.insert(job_id, answer);
        }
    }
}

/// `/results` answers by query, valid while the data they were computed from is unchanged:
/// every change of trading days adds a row (so the largest day id moves), and a download
/// replaces the market snapshot (its version moves).
#[derive(Debug, Default)]
pub struct ResultsCache(Mutex<HashMap<String, (DataVersion, Arc<Tagged>)>>);

/// The largest trading-day id and the market snapshot's version.
pub type DataVersion = (i64, u64);

impl ResultsCache {
    /// The answer to `query` computed at `version`, if kept.
    pub fn get(&self, query: &str, version: DataVersion) -> Option<Arc<Tagged>> {
        let answers = self.0.lock().ok()?;
        let (kept_at, answer) = answers.get(query)?;
        (*kept_at == version).then(|| answer.clone())
    }

    /// Keeps the answer to `query` computed at `version`.
    pub fn put(&self, query: String, version: DataVersion, answer: Arc<Tagged>) {
        if let Ok(mut answers) = self.0.lock() {
            if answers.len() >= CAPACITY {
                answers.clear();
            }
            answers.insert(query, (version, answer));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stable_and_tell_bodies_apart() {
        let a = Tagged::new(br#"{"status":"completed"}"#.to_vec());
        assert_eq!(a.etag, Tagged::new(a.body.clone()).etag);
        assert_ne!(a.etag, Tagged::new(b"{}".to_vec()).etag);
        assert_eq!(a.etag.len(), 18);
    }

    #[test]
    fn results_are_kept_only_for_the_version_they_were_computed_at() {
        let cache = ResultsCache::default();
        let answer = Arc::new(Tagged::new(b"[]".to_vec()));
        cache.put("q".into(), (7, 1), answer);
        assert!(cache.get("q", (7, 1)).is_some());
        assert!(cache.get("q", (8, 1)).is_none(), "a new day was committed");
        assert!(cache.get("q", (7, 2)).is_none(), "prices were downloaded");
        assert!(cache.get("other", (7, 1)).is_none());
    }
}
