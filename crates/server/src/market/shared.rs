//! The price snapshot shared by the API and the worker: readers take an `Arc` of the current
//! prices; an import or a download replaces it whole.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::MarketData;

/// The current prices, replaceable, with a version that moves at each replacement.
#[derive(Debug, Clone, Default)]
pub struct SharedMarket(Arc<RwLock<Arc<MarketData>>>, Arc<AtomicU64>);

impl SharedMarket {
    /// Shares `market`.
    pub fn new(market: MarketData) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(market))), Arc::default())
    }

    /// How many times the snapshot was replaced.
    pub fn version(&self) -> u64 {
        self.1.load(Ordering::SeqCst)
    }

    /// The current snapshot (readers keep it for as long as they need, unaffected by a
    /// replacement).
    pub fn snapshot(&self) -> Arc<MarketData> {
        match self.0.read() {
            Ok(market) => market.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the snapshot.
    pub fn replace(&self, market: MarketData) -> Arc<MarketData> {
        let market = Arc::new(market);
        match self.0.write() {
            Ok(mut shared) => *shared = market.clone(),
            Err(poisoned) => *poisoned.into_inner() = market.clone(),
        }
        self.1.fetch_add(1, Ordering::SeqCst);
        market
    }
}
