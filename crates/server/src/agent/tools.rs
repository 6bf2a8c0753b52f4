//! The in-process tools: `get_price`, `get_position`, `buy`, `sell`, `add`, `multiply`. One
//! definition list serves as the LLM function schema and the dispatcher's names.
//!
//! Anti-look-ahead: `get_price` never returns data after the simulated day, and for the
//! simulated day only its open.

use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::ledger::{DayBook, parse_share_amount};
use serde_json::{Map, Value, json};

use super::NewsSearch;
use crate::market::MarketData;

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDefinition {
    /// Its name.
    pub name: &'static str,
    /// What it does, for the model.
    pub description: &'static str,
    /// JSON Schema of its arguments.
    pub parameters: Value,
}

/// Every tool, with its argument schema; `search` only when a search is configured.
pub fn tool_definitions(with_search: bool) -> Vec<ToolDefinition> {
    let symbol_amount = json!({
        "type": "object",
        "properties": {
            "symbol": {"type": "string", "description": "Ticker, e.g. AAPL"},
            "amount": {"type": "integer", "minimum": 1, "description": "Whole shares"}
        },
        "required": ["symbol", "amount"]
    });
    let two_numbers = json!({
        "type": "object",
        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        "required": ["a", "b"]
    });
    vec![
        ToolDefinition {
            name: "get_price",
            description: "Daily prices of a symbol on a date up to today. For today only the open is known.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "symbol": {"type": "string", "description": "Ticker, e.g. AAPL"},
                    "date": {"type": "string", "description": "YYYY-MM-DD, not after today"}
                },
                "required": ["symbol", "date"]
            }),
        },
        ToolDefinition {
            name: "get_position",
            description: "Your current cash (CASH) and shares per symbol.",
            parameters: json!({"type": "object", "properties": {}}),
        },
        ToolDefinition {
            name: "buy",
            description: "Buy whole shares at today's open. Fails without enough cash.",
            parameters: symbol_amount.clone(),
        },
        ToolDefinition {
            name: "sell",
            description: "Sell whole shares you hold at today's open. Short selling is not allowed.",
            parameters: symbol_amount,
        },
        ToolDefinition {
            name: "add",
            description: "a + b",
            parameters: two_numbers.clone(),
        },
        ToolDefinition {
            name: "multiply",
            description: "a × b",
            parameters: two_numbers,
        },
        ToolDefinition {
            name: "search",
            description: "Search the news. Only articles published before today are returned.",
            parameters: json!({
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"]
            }),
        },
    ]
    .into_iter()
    .filter(|t| with_search || t.name != "search")
    .collect()
}

/// A tool call that failed; the message goes back to the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ToolError(String);

impl ToolError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// `{"error": message}`.
    pub fn to_json(&self) -> Value {
        json!({ "error": self.0 })
    }
}

/// The tools of one model-day, over its book.
pub struct ToolBox {
    today: Date,
    market: Arc<MarketData>,
    book: DayBook,
    search: Option<Arc<NewsSearch>>,
}

fn arg<'a>(args: &'a Value, name: &str) -> Result<&'a Value, ToolError> {
    args.get(name)
        .ok_or_else(|| ToolError::new(format!("missing argument: {name}")))
}

fn string_arg(args: &Value, name: &str) -> Result<String, ToolError> {
    arg(args, name)?
        .as_str()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ToolError::new(format!("argument {name} must be a non-empty string")))
}

fn number_arg(args: &Value, name: &str) -> Result<f64, ToolError> {
    let value = arg(args, name)?;
    // Models sometimes quote numbers: accept "5" as 5.
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(|| ToolError::new(format!("argument {name} must be a number, got {value}")))
}

impl ToolBox {
    /// Tools for `today` over `book`.
    pub fn new(today: Date, market: Arc<MarketData>, book: DayBook) -> Self {
        Self {
            today,
            market,
            book,
            search: None,
        }
    }

    /// Offers the `search` tool.
    pub fn with_search(mut self, search: Option<Arc<NewsSearch>>) -> Self {
        self.search = search;
        self
    }

    /// The tools this day offers.
    pub fn definitions(&self) -> Vec<ToolDefinition> {
        tool_definitions(self.search.is_some())
    }

    /// The day's book (position and fills).
    pub fn book(&self) -> &DayBook {
        &self.book
    }

    /// The market the tools read.
    pub fn market(&self) -> &MarketData {
        &self.market
    }

    /// Calls a tool by name with JSON arguments.
    pub async fn call(&mut self, name: &str, args: &Value) -> Result<Value, ToolError> {
        let args = if args.is_null() {
            &Value::Object(Map::new())
        } else {
            args
        };
        if !args.is_object() {
            return Err(ToolError::new(format!(
                "arguments of {name} must be a JSON object"
            )));
        }
        match name {
            "get_price" => self.get_price(&string_arg(args, "symbol")?, &string_arg(args, "date")?),
            "get_position" => Ok(self.position()),
            "buy" | "sell" => {
                let symbol = string_arg(args, "symbol")?.to_ascii_uppercase();
                let amount = parse_share_amount(number_arg(args, "amount")?)
                    .map_err(|e| ToolError::new(e.to_string()))?;
                let open = self.market.bar(&symbol, self.today).map(|b| b.open);
                let result = if name == "buy" {
                    self.book.buy(&symbol, amount, open).map(drop)
                } else {
                    self.book.sell(&symbol, amount, open).map(drop)
                };
                result.map_err(|e| ToolError::new(e.to_string()))?;
                Ok(self.position())
            }
            "add" => Ok(json!(number_arg(args, "a")? + number_arg(args, "b")?)),
            "multiply" => Ok(json!(number_arg(args, "a")? * number_arg(args, "b")?)),
            "search" if self.search.is_some() => {
                let query = string_arg(args, "query")?;
                let search = self
                    .search
                    .clone()
                    .ok_or_else(|| ToolError::new("search is not configured"))?;
                search.search(&query, self.today).await
            }
            other => {
                let names: Vec<&str> = self.definitions().iter().map(|t| t.name).collect();
                Err(ToolError::new(format!(
                    "unknown tool {other}; available: {}",
                    names.join(", ")
                )))
            }
        }
    }

    /// `{"CASH": cash, "AAPL": 7, …}`, the reference's position shape.
    pub fn position(&self) -> Value {
        let position = self.book.position();
        let mut map = Map::new();
        map.insert("CASH".to_owned(), json!(position.cash));
        for (symbol, shares) in &position.holdings {
            map.insert(symbol.clone(), json!(shares));
        }
        Value::Object(map)
    }

    fn get_price(&self, symbol: &str, date: &str) -> Result<Value, ToolError> {
        let symbol = symbol.to_ascii_uppercase();
        let date = Date::parse(date).map_err(|e| ToolError::new(e.to_string()))?;
        if date > self.today {
            return Err(ToolError::new(format!(
                "No data after the simulated day {}: {date} is in the future",
                self.today
            )));
        }
        let bar = self
            .market
            .bar(&symbol, date)
            .ok_or_else(|| ToolError::new(format!("No price for {symbol} on {date}")))?;
        if date == self.today {
            return Ok(json!({"symbol": symbol, "date": date, "open": bar.open}));
        }
        Ok(json!({
            "symbol": symbol, "date": date,
            "open": bar.open, "high": bar.high, "low": bar.low, "close": bar.close, "volume": bar.volume
        }))
    }
}

#[cfg(test)]
mod tests;
