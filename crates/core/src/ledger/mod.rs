//! The portfolio ledger: positions, trades at the open, valuation at the close, daily P&L.
//!
//! Rules (CONTRACT §5): whole shares only, amount > 0, no negative cash, no short selling; buys
//! and sells fill at the day's open; sell proceeds fund later buys the same day; a day's ending
//! value is cash + Σ shares × that day's close, a held symbol without a close that day being
//! valued at its latest earlier close (and flagged).

mod day;
mod daybook;
mod error;
mod fees;
mod position;
mod valuation;

pub use day::{DayClose, DayOpening, close_day, positions_after_fills, value_at_open};
pub use daybook::{DayBook, Fill, Side, notional};
pub use error::{TradeError, ValuationError};
pub use fees::Fees;
pub use position::{Position, parse_share_amount};
pub use valuation::{
    CarriedPrice, DailyChange, Quote, Valuation, daily_change, daily_changes, value_at_close,
};

/// The default starting cash of a model.
pub const DEFAULT_INITIAL_CASH: f64 = 10_000.0;

#[cfg(test)]
mod tests;
