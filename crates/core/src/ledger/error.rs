//! Why a trade or a valuation is refused. The messages go back to the model as tool errors.

/// A refused trade. Nothing changes when a trade is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TradeError {
    /// Not a whole number of shares above zero.
    #[error("Invalid amount {amount}: must be a whole number of shares greater than 0")]
    InvalidAmount {
        /// The amount as given.
        amount: String,
    },
    /// No usable price (missing, zero, negative or not finite).
    #[error("Symbol {symbol} not found on {date}")]
    NoPrice {
        /// The symbol.
        symbol: String,
        /// The trading day.
        date: String,
    },
    /// The buy costs more than the cash.
    #[error(
        "Insufficient cash: buying {amount} {symbol} at {price} costs {required:.2}, cash available is {available:.2}"
    )]
    InsufficientCash {
        /// The symbol.
        symbol: String,
        /// Shares asked for.
        amount: u64,
        /// The fill price.
        price: f64,
        /// Cost including fees.
        required: f64,
        /// Cash before the trade.
        available: f64,
    },
    /// Selling a symbol that is not held.
    #[error("No position for {symbol}")]
    NoPosition {
        /// The symbol.
        symbol: String,
    },
    /// Selling more shares than held (short selling is not allowed).
    #[error("Insufficient shares of {symbol}: have {have}, want to sell {want}")]
    InsufficientShares {
        /// The symbol.
        symbol: String,
        /// Shares held.
        have: u64,
        /// Shares asked to sell.
        want: u64,
    },
    /// The fees of a sale exceed its proceeds and the cash.
    #[error("Insufficient cash for the fees of selling {amount} {symbol}")]
    FeesExceedCash {
        /// The symbol.
        symbol: String,
        /// Shares asked to sell.
        amount: u64,
    },
}

/// A position that cannot be valued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValuationError {
    /// A held symbol has no close on or before the day.
    #[error("Missing price data for {symbol}: no close on or before {date}")]
    NoClose {
        /// The symbol.
        symbol: String,
        /// The day valued.
        date: String,
    },
}
