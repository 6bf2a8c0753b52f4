//! The price snapshot shared by the API and the worker: readers take an `Arc` of the current
//! prices; an import or a download replaces it whole.

use std::sync::{Arc, RwLock};

use super::MarketData;

/// The current prices, replaceable.
#[derive(Debug, Clone, Default)]
pub struct SharedMarket(Arc<RwLock<Arc<MarketData>>>);

impl SharedMarket {
    /// Shares `market`.
    pub fn new(market: MarketData) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(market))))
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
        market
    }
}
