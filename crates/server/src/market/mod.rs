//! Market data: the price table in memory, the synthetic demo market and file imports.

mod alpha_vantage;
mod data;
mod synthetic;

pub use alpha_vantage::{ImportError, parse_daily_file, read_alpha_vantage_dir};
pub use data::{Bar, MarketData, PriceSource};
pub use synthetic::{SYNTHETIC_SEED, synthetic_bars};
