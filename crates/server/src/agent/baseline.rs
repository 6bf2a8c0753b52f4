//! Rule-based baselines that need no LLM: they trade through the same tools on their first day
//! and hold afterwards.

use ai_trader_core::universe::NASDAQ_100;
use serde_json::json;

use super::scripted::{close_day, open_day};
use super::{Agent, AgentFuture, Session};

/// Buys as many shares of one symbol (QQQ by default) as its cash affords, then holds.
pub struct BuyAndHold {
    symbol: String,
}

impl BuyAndHold {
    /// A baseline holding `symbol`.
    pub fn new(symbol: String) -> Self {
        Self { symbol }
    }
}

/// Spreads its cash equally over the universe symbols priced on its first day, then holds.
pub struct EqualWeight;

fn open(session: &Session, symbol: &str) -> Option<f64> {
    session
        .tools
        .market()
        .bar(symbol, session.context.date)
        .map(|b| b.open)
        .filter(|p| *p > 0.0)
}

impl Agent for BuyAndHold {
    fn run_day<'a>(&'a self, session: &'a mut Session) -> AgentFuture<'a> {
        Box::pin(async move {
            open_day(session);
            let invested = !session.tools.book().start().holdings.is_empty();
            let orders = match (invested, open(session, &self.symbol)) {
                (false, Some(price)) => {
                    let shares = (session.tools.book().position().cash / price).floor() as u64;
                    if shares > 0 {
                        vec![session.call("buy", &json!({"symbol": self.symbol, "amount": shares}))]
                    } else {
                        Vec::new()
                    }
                }
                _ => Vec::new(),
            };
            let text = if invested {
                format!("Holding {} as planned.", self.symbol)
            } else if orders.is_empty() {
                format!("{} cannot be bought today.", self.symbol)
            } else {
                format!("Investing all cash in {} at the open.", self.symbol)
            };
            session.conversation.assistant(text, orders.clone());
            session.run_calls(&orders).await;
            Ok(close_day(session))
        })
    }
}

impl Agent for EqualWeight {
    fn run_day<'a>(&'a self, session: &'a mut Session) -> AgentFuture<'a> {
        Box::pin(async move {
            open_day(session);
            let invested = !session.tools.book().start().holdings.is_empty();
            let mut orders = Vec::new();
            if !invested {
                let priced: Vec<(&str, f64)> = NASDAQ_100
                    .iter()
                    .filter_map(|s| open(session, s).map(|p| (*s, p)))
                    .collect();
                let budget = session.tools.book().position().cash / priced.len().max(1) as f64;
                for (symbol, price) in priced {
                    let shares = (budget / price).floor() as u64;
                    if shares > 0 {
                        orders.push(
                            session.call("buy", &json!({"symbol": symbol, "amount": shares})),
                        );
                    }
                }
            }
            let text = if invested {
                "Holding the equal-weight portfolio.".to_owned()
            } else {
                format!(
                    "Spreading cash equally over {} symbols at the open.",
                    orders.len()
                )
            };
            session.conversation.assistant(text, orders.clone());
            session.run_calls(&orders).await;
            Ok(close_day(session))
        })
    }
}
