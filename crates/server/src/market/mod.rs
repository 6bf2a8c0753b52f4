//! Market data: the price table in memory and its shared snapshot, the synthetic demo market,
//! price imports, and Alpha Vantage downloads.

mod alpha_vantage;
mod daily_json;
mod data;
mod downloader;
mod import;
mod shared;
mod synthetic;

pub use alpha_vantage::{AlphaVantage, DEFAULT_ALPHAVANTAGE_BASE, DownloadError};
pub use data::{Bar, MarketData, PriceSource};
pub use downloader::{DownloadReport, Downloader, PriceSink};
pub use import::{ImportError, PriceImport, read_prices};
pub use shared::SharedMarket;
pub use synthetic::{SYNTHETIC_SEED, synthetic_bars};
