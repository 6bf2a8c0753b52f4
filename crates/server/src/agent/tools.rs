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

/// A tool call that failed; its text goes back to the model as `{"error": …}`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ToolError {
    /// The call's arguments are not JSON.
    #[error("arguments are not valid JSON: {0}")]
    InvalidJson(String),
    /// The arguments are JSON but not an object.
    #[error("arguments of {0} must be a JSON object")]
    NotAnObject(String),
    /// A required argument is absent.
    #[error("missing argument: {0}")]
    MissingArgument(&'static str),
    /// A string argument is not a non-empty string.
    #[error("argument {0} must be a non-empty string")]
    NotAString(&'static str),
    /// A number argument is not a number.
    #[error("argument {name} must be a number, got {value}")]
    NotANumber {
        /// The argument.
        name: &'static str,
        /// What was given.
        value: String,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error(transparent)]
    Date(#[from] ai_trader_core::date::DateParseError),
    /// The ledger refused the trade.
    #[error(transparent)]
    Trade(#[from] ai_trader_core::ledger::TradeError),
    /// A date after the simulated day (no look-ahead).
    #[error("No data after the simulated day {today}: {date} is in the future")]
    Future {
        /// The simulated day.
        today: Date,
        /// The date asked for.
        date: Date,
    },
    /// No bar for the symbol on the date.
    #[error("No price for {symbol} on {date}")]
    NoPrice {
        /// The symbol.
        symbol: String,
        /// The date.
        date: Date,
    },
    /// A tool this day does not offer.
    #[error("unknown tool {name}; available: {available}")]
    UnknownTool {
        /// What the model called.
        name: String,
        /// The tools it may call.
        available: String,
    },
    /// The news search failed.
    #[error("search failed{0}")]
    Search(String),
}

impl ToolError {
    /// `{"error": message}`.
    pub fn to_json(&self) -> Value {
        json!({ "error": self.to_string() })
    }
}

/// The tools of one model-day, over its book.
pub struct ToolBox {
    today: Date,
    market: Arc<MarketData>,
    book: DayBook,
    search: Option<Arc<NewsSearch>>,
}

fn arg<'a>(args: &'a Value, name: &'static str) -> Result<&'a Value, ToolError> {
    args.get(name).ok_or(ToolError::MissingArgument(name))
}

fn string_arg(args: &Value, name: &'static str) -> Result<String, ToolError> {
    arg(args, name)?
        .as_str()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or(ToolError::NotAString(name))
}

fn number_arg(args: &Value, name: &'static str) -> Result<f64, ToolError> {
    let value = arg(args, name)?;
    // Models sometimes quote numbers: accept "5" as 5.
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(|| ToolError::NotANumber {
            name,
            value: value.to_string(),
        })
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
            return Err(ToolError::NotAnObject(name.to_owned()));
        }
        match name {
            "get_price" => self.get_price(&string_arg(args, "symbol")?, &string_arg(args, "date")?),
            "get_position" => Ok(self.position()),
            "buy" | "sell" => {
                let symbol = string_arg(args, "symbol")?.to_ascii_uppercase();
                let amount = parse_share_amount(number_arg(args, "amount")?)?;
                let open = self.market.bar(&symbol, self.today).map(|b| b.open);
                let result = if name == "buy" {
                    self.book.buy(&symbol, amount, open).map(drop)
                } else {
                    self.book.sell(&symbol, amount, open).map(drop)
                };
                result?;
                Ok(self.position())
            }
            "add" => Ok(json!(number_arg(args, "a")? + number_arg(args, "b")?)),
            "multiply" => Ok(json!(number_arg(args, "a")? * number_arg(args, "b")?)),
            "search" if self.search.is_some() => {
                let query = string_arg(args, "query")?;
                match self.search.clone() {
                    Some(search) => search.search(&query, self.today).await,
                    None => Err(self.unknown(name)),
                }
            }
            other => Err(self.unknown(other)),
        }
    }

    fn unknown(&self, name: &str) -> ToolError {
        let names: Vec<&str> = self.definitions().iter().map(|t| t.name).collect();
        ToolError::UnknownTool {
            name: name.to_owned(),
            available: names.join(", "),
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
        let date = Date::parse(date)?;
        if date > self.today {
            return Err(ToolError::Future {
                today: self.today,
                date,
            });
        }
        let Some(bar) = self.market.bar(&symbol, date) else {
            return Err(ToolError::NoPrice { symbol, date });
        };
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
