//! The system and user prompts (the reference's, in substance).

use ai_trader_core::Date;
use ai_trader_core::ledger::Position;
use serde_json::{Map, Value, json};

use super::FINISH_SIGNAL;
use crate::market::MarketData;

/// `{"CASH": …, "SYM": shares}`.
pub fn position_json(position: &Position) -> Value {
    let mut map = Map::new();
    map.insert("CASH".into(), json!(position.cash));
    for (symbol, shares) in &position.holdings {
        map.insert(symbol.clone(), json!(shares));
    }
    Value::Object(map)
}

fn prices_json(prices: &[(String, f64)]) -> Value {
    Value::Object(
        prices
            .iter()
            .map(|(s, p)| (format!("{s}_price"), json!(p)))
            .collect(),
    )
}

/// The system prompt of a day: the date, the starting position, yesterday's closes and today's
/// opens, and how to finish.
pub fn system_prompt(date: Date, position: &Position, market: &MarketData) -> String {
    format!(
        "You are a stock trading assistant practising fundamental analysis. Reason step by step with the tools: \
         read your positions and prices, consider returns and risk, and aim to maximise the portfolio's long-term return. \
         Act without asking for permission: only trades made through the buy and sell tools count. \
         Trades fill at today's open; whole shares only; no short selling.\n\n\
         Today is {date}.\n\
         Your positions at yesterday's close: {positions}\n\
         Yesterday's closing prices: {closes}\n\
         Today's buying prices (open): {opens}\n\n\
         When you are done for the day, output {FINISH_SIGNAL}.",
        positions = position_json(position),
        closes = prices_json(&market.previous_closes(date)),
        opens = prices_json(&market.opens(date)),
    )
}

/// The user prompt of a day.
pub fn user_prompt(date: Date) -> String {
    format!("Please analyze and update today's ({date}) positions.")
}
