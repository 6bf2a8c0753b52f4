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

/// Answers by key, each valid for the version of the data it was computed from.
#[derive(Debug)]
pub struct Answers<V>(Mutex<HashMap<String, (V, Arc<Tagged>)>>);

impl<V> Default for Answers<V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<V: PartialEq + Copy> Answers<V> {
    /// The answer to `key` computed at `version`, if kept.
    pub fn get(&self, key: &str, version: V) -> Option<Arc<Tagged>> {
        let answers = self.0.lock().ok()?;
        let (kept_at, answer) = answers.get(key)?;
        (*kept_at == version).then(|| answer.clone())
    }

    /// Keeps the answer to `key` computed at `version`.
    pub fn put(&self, key: String, version: V, answer: Arc<Tagged>) {
        if let Ok(mut answers) = self.0.lock() {
            if answers.len() >= CAPACITY {
                answers.clear();
            }
            answers.insert(key, (version, answer));
        }
    }
}

/// Status answers of finished jobs, by job id: a finished job never changes.
pub type FinishedJobs = Answers<()>;

/// `/results` answers by query, valid while the data they were computed from is unchanged:
/// every change of trading days adds a row (so the largest day id moves), and a download
/// replaces the market snapshot (its version moves).
pub type ResultsCache = Answers<DataVersion>;

/// The largest trading-day id and the market snapshot's version.
pub type DataVersion = (i64, u64);

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
