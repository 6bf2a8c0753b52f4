//! Where tests find the shared real-market data (`../shared/data/nasdaq100` beside the checkout).

use std::path::PathBuf;

/// The NASDAQ-100 Alpha Vantage files. `AI_TRADER_DATA_DIR` overrides the default location.
pub(crate) fn nasdaq100_dir() -> PathBuf {
    #[allow(clippy::disallowed_methods)] // tests may read the environment
    let dir = std::env::var_os("AI_TRADER_DATA_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nasdaq100"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "real price data not found at {}: set AI_TRADER_DATA_DIR",
        dir.display()
    );
    dir
}
