//! Trading costs. None by default, as in the reference.

use serde::{Deserialize, Serialize};

/// Commission charged on every fill.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Fees {
    /// A flat amount per trade (`commission_per_trade`).
    #[serde(default)]
    pub per_trade: f64,
    /// Basis points of the traded value (`commission_bps`).
    #[serde(default)]
    pub bps: f64,
}

impl Fees {
    /// The fee of a fill of this notional value.
    pub fn of(&self, notional: f64) -> f64 {
        let fee = self.per_trade + notional * self.bps / 10_000.0;
        if fee.is_finite() && fee > 0.0 {
            fee
        } else {
            0.0
        }
    }
}
