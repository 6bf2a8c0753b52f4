//! Cash and whole-share holdings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TradeError;

/// What a model owns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Position {
    /// Cash, never negative.
    pub cash: f64,
    /// Shares per symbol; symbols with zero shares are removed.
    pub holdings: BTreeMap<String, u64>,
}

impl Position {
    /// All cash, no holdings: a model's first day.
    pub fn all_cash(cash: f64) -> Self {
        Self {
            cash,
            holdings: BTreeMap::new(),
        }
    }

    /// Shares held of `symbol`.
    pub fn shares(&self, symbol: &str) -> u64 {
        self.holdings.get(symbol).copied().unwrap_or(0)
    }

    pub(super) fn add_shares(&mut self, symbol: &str, amount: u64) {
        *self.holdings.entry(symbol.to_owned()).or_default() += amount;
    }

    pub(super) fn remove_shares(&mut self, symbol: &str, amount: u64) {
        if let Some(held) = self.holdings.get_mut(symbol) {
            *held -= amount;
            if *held == 0 {
                self.holdings.remove(symbol);
            }
        }
    }
}

/// The share count of a tool argument: a whole number above zero (`3` or `3.0`, never `2.5`,
/// `0`, `-1` or `NaN`).
pub fn parse_share_amount(amount: f64) -> Result<u64, TradeError> {
    // 2^53: beyond it not every integer is representable, so "whole" is meaningless.
    const MAX_EXACT: f64 = 9_007_199_254_740_992.0;
    if amount.is_finite() && amount >= 1.0 && amount.fract() == 0.0 && amount <= MAX_EXACT {
        Ok(amount as u64)
    } else {
        Err(TradeError::InvalidAmount {
            amount: amount.to_string(),
        })
    }
}
