//! Market data: the price table in memory, the synthetic demo market and price imports.

mod data;
mod download;
mod import;
mod synthetic;

pub use data::{Bar, MarketData, PriceSource};
pub use download::{AlphaVantage, DEFAULT_ALPHAVANTAGE_BASE, DownloadError};
pub use import::{ImportError, PriceImport, read_prices};
pub use synthetic::{SYNTHETIC_SEED, synthetic_bars};
