//! Market data: the price table in memory, the synthetic demo market and price imports.

mod data;
mod import;
mod synthetic;

pub use data::{Bar, MarketData, PriceSource};
pub use import::{ImportError, PriceImport, read_prices};
pub use synthetic::{SYNTHETIC_SEED, synthetic_bars};
