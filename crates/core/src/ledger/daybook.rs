//! One model-day of trading: the starting position, fills at the open, the running position.

use serde::{Deserialize, Serialize};

use super::{Fees, Position, TradeError};
use crate::Date;

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Buy shares with cash.
    Buy,
    /// Sell held shares for cash.
    Sell,
}

impl Side {
    /// `buy` or `sell`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buy => "buy",
            Self::Sell => "sell",
        }
    }

    /// Parses `buy` or `sell`.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Buy, Self::Sell]
            .into_iter()
            .find(|side| side.as_str() == s)
    }
}

/// An executed trade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Fill {
    /// Buy or sell.
    pub side: Side,
    /// The symbol.
    pub symbol: String,
    /// Whole shares.
    pub quantity: u64,
    /// The day's open.
    pub price: f64,
    /// Commission paid.
    pub fee: f64,
    /// Cash after the fill.
    pub cash_after: f64,
}

/// What a trade of `quantity` shares at `price` is worth: shares × price.
pub fn notional(quantity: u64, price: f64) -> f64 {
    quantity as f64 * price
}

impl Fill {
    /// Shares × price.
    pub fn notional(&self) -> f64 {
        notional(self.quantity, self.price)
    }
}

/// The trading of one model on one day. Trades change the running position; a refused trade
/// changes nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct DayBook {
    date: Date,
    start: Position,
    position: Position,
    fees: Fees,
    fills: Vec<Fill>,
}

impl DayBook {
    /// A day that starts from `start`.
    pub fn new(date: Date, start: Position, fees: Fees) -> Self {
        Self {
            date,
            position: start.clone(),
            start,
            fees,
            fills: Vec::new(),
        }
    }

    /// The trading day.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The position the day started with.
    pub fn start(&self) -> &Position {
        &self.start
    }

    /// The position after every fill so far.
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// The fills so far, in order.
    pub fn fills(&self) -> &[Fill] {
        &self.fills
    }

    /// The position at the end of the day.
    pub fn into_position(self) -> Position {
        self.position
    }

    /// The fill price (a usable open), the notional value and the fee of a trade.
    fn price_trade(
        &self,
        symbol: &str,
        amount: u64,
        open: Option<f64>,
    ) -> Result<(f64, f64, f64), TradeError> {
        let price =
            open.filter(|p| p.is_finite() && *p > 0.0)
                .ok_or_else(|| TradeError::NoPrice {
                    symbol: symbol.to_owned(),
                    date: self.date.to_string(),
                })?;
        let notional = amount as f64 * price;
        Ok((price, notional, self.fees.of(notional)))
    }

    /// Buys `amount` shares of `symbol` at `open` (the day's open, `None` if the symbol has none).
    pub fn buy(
        &mut self,
        symbol: &str,
        amount: u64,
        open: Option<f64>,
    ) -> Result<&Fill, TradeError> {
        check_amount(amount)?;
        let (price, notional, fee) = self.price_trade(symbol, amount, open)?;
        let required = notional + fee;
        // cash >= required implies cash - required >= 0 in floating point too.
        if !required.is_finite() || required > self.position.cash {
            return Err(TradeError::InsufficientCash {
                symbol: symbol.to_owned(),
                amount,
                price,
                required,
                available: self.position.cash,
            });
        }
        self.position.cash -= required;
        self.position.add_shares(symbol, amount);
        Ok(self.record(Side::Buy, symbol, amount, price, fee))
    }

    /// Sells `amount` held shares of `symbol` at `open`.
    pub fn sell(
        &mut self,
        symbol: &str,
        amount: u64,
        open: Option<f64>,
    ) -> Result<&Fill, TradeError> {
        check_amount(amount)?;
        let have = self.position.shares(symbol);
        if have == 0 {
            return Err(TradeError::NoPosition {
                symbol: symbol.to_owned(),
            });
        }
        if have < amount {
            return Err(TradeError::InsufficientShares {
                symbol: symbol.to_owned(),
                have,
                want: amount,
            });
        }
        let (price, notional, fee) = self.price_trade(symbol, amount, open)?;
        let cash = self.position.cash + notional - fee;
        if !(cash >= 0.0 && cash.is_finite()) {
            return Err(TradeError::FeesExceedCash {
                symbol: symbol.to_owned(),
                amount,
            });
        }
        self.position.cash = cash;
        self.position.remove_shares(symbol, amount);
        Ok(self.record(Side::Sell, symbol, amount, price, fee))
    }

    fn record(&mut self, side: Side, symbol: &str, quantity: u64, price: f64, fee: f64) -> &Fill {
        self.fills.push(Fill {
            side,
            symbol: symbol.to_owned(),
            quantity,
            price,
            fee,
            cash_after: self.position.cash,
        });
        self.fills.last().expect("just pushed")
    }
}

fn check_amount(amount: u64) -> Result<(), TradeError> {
    if amount == 0 {
        return Err(TradeError::InvalidAmount {
            amount: "0".to_owned(),
        });
    }
    Ok(())
}
