//! Importing the reference's trade logs (`position.jsonl`) as a model's history, so users bring
//! their past runs along. Each line is
//! `{"date", "id", "this_action": {"action": "buy"|"sell"|"no_trade", "symbol", "amount"[, "price"]},
//! "positions": {"SYM": shares, "CASH": cash}}`. Trades are replayed through the ledger at the
//! recorded price (else that day's open), and every line's `positions` must match the ledger.

use std::collections::BTreeMap;
use std::path::Path;

use ai_trader_core::Date;
use ai_trader_core::api::ConversationMessage;
use ai_trader_core::ledger::{DayBook, DayOpening, Fees, Fill, Position};
use serde_json::Value;

use crate::clock::Clock;
use crate::market::MarketData;
use crate::store::{CompletedDay, DayActivity, PreviousDay};

/// A trade log that cannot be imported. Nothing is imported then.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct RunImportError {
    /// The file.
    pub path: String,
    /// 1-based line (0 for the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

struct Entry {
    line: usize,
    date: Date,
    id: i64,
    action: String,
    /// A buy or sell of 0 shares (a model's no-op attempt), replayed as no trade.
    zero_amount: bool,
    symbol: String,
    amount: u64,
    price: Option<f64>,
    positions: BTreeMap<String, f64>,
}

fn parse(path: &Path, text: &str) -> Result<Vec<Entry>, RunImportError> {
    let mut entries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let err = |message: String| RunImportError {
            path: path.display().to_string(),
            line: i + 1,
            message,
        };
        let value: Value = serde_json::from_str(raw).map_err(|e| err(format!("not JSON: {e}")))?;
        let date = value["date"]
            .as_str()
            .ok_or_else(|| err("missing \"date\"".into()))?;
        let date = Date::parse(date.get(..10).unwrap_or(date)).map_err(|e| err(e.to_string()))?;
        let action = &value["this_action"];
        let kind = action["action"]
            .as_str()
            .unwrap_or("no_trade")
            .to_ascii_lowercase();
        if !matches!(kind.as_str(), "buy" | "sell" | "no_trade") {
            return Err(err(format!(
                "unknown action {kind:?}: expected buy, sell or no_trade"
            )));
        }
        let amount = action["amount"].as_f64().unwrap_or(0.0);
        // Upstream logs record a model's attempt to trade 0 shares as a buy or sell of 0.
        let zero_amount = kind != "no_trade" && amount == 0.0;
        if kind != "no_trade" && !zero_amount && !(amount >= 1.0 && amount.fract() == 0.0) {
            return Err(err(format!(
                "amount must be a whole number of shares >= 0, got {}",
                action["amount"]
            )));
        }
        let positions = value["positions"]
            .as_object()
            .ok_or_else(|| err("missing \"positions\"".into()))?
            .iter()
            .map(|(k, v)| {
                v.as_f64()
                    .map(|v| (k.clone(), v))
                    .ok_or_else(|| err(format!("positions.{k} is not a number")))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        entries.push(Entry {
            line: i + 1,
            date,
            id: value["id"].as_i64().unwrap_or(i as i64),
            action: if zero_amount { "no_trade".into() } else { kind },
            zero_amount,
            symbol: action["symbol"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_uppercase(),
            amount: amount as u64,
            price: action["price"].as_f64(),
            positions,
        });
    }
    if entries.is_empty() {
        return Err(RunImportError {
            path: path.display().to_string(),
            line: 0,
            message: "no entries".into(),
        });
    }
    entries.sort_by_key(|e| (e.date, e.id));
    Ok(entries)
}

fn describe(cash: f64, holdings: &BTreeMap<String, u64>) -> String {
    let mut parts = vec![format!("CASH {cash:.2}")];
    parts.extend(holdings.iter().map(|(s, q)| format!("{s} {q}")));
    parts.join(", ")
}

/// The earliest date of a trade log, if it has one.
pub fn first_date(text: &str) -> Option<Date> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            v["date"]
                .as_str()
                .and_then(|d| Date::parse(d.get(..10).unwrap_or(d)).ok())
        })
        .min()
}

/// A replayed trade log.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The model-days to store.
    pub days: Vec<CompletedDay>,
    /// Buys and sells of 0 shares that changed nothing, replayed as no trade.
    pub zero_amount_noops: usize,
}

/// Replays a trade log into the model-days to store. `previous` is the model's day before the
/// log's first date (none: all `initial_cash`).
pub fn replay(
    path: &Path,
    text: &str,
    (job_id, model): (&str, &str),
    market: &MarketData,
    previous: Option<PreviousDay>,
    initial_cash: f64,
    clock: &Clock,
) -> Result<Replay, RunImportError> {
    let entries = parse(path, text)?;
    let zero_amount_noops = entries.iter().filter(|e| e.zero_amount).count();
    let file = path.display().to_string();
    let mut opening = PreviousDay::opening(previous, initial_cash);
    let mut days = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let date = entries[i].date;
        let day_entries: Vec<&Entry> = entries[i..].iter().take_while(|e| e.date == date).collect();
        i += day_entries.len();
        let now = clock.timestamp();
        let (position, fills) = replay_day(&file, &day_entries, &opening, market, &now)?;
        let summary = crate::agent::describe_fills(
            date,
            &fills.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>(),
            position.cash,
        );
        let (first, last) = (day_entries[0].line, day_entries[day_entries.len() - 1].line);
        let activity = DayActivity {
            fills,
            messages: vec![ConversationMessage {
                message_index: 0,
                role: ai_trader_core::api::Role::User,
                content: format!("Imported from {file}, lines {first}..{last}"),
                summary: None,
                tool_name: None,
                tool_input: None,
                tool_call_id: None,
                tool_calls: Vec::new(),
                timestamp: now.clone(),
            }],
            summary,
            usage: Default::default(),
            started_at: now.clone(),
            completed_at: now,
            duration_seconds: 0.0,
        };
        // What an imported day cost is not known.
        let day = CompletedDay::close(
            (job_id, (model, ai_trader_core::run::MAIN_RUN), date),
            &opening,
            position,
            (activity, None),
            |s| market.latest_close(s, date),
        )
        .map_err(|e| RunImportError {
            path: file.clone(),
            line: first,
            message: e.to_string(),
        })?;
        opening = DayOpening::after(
            date,
            Position {
                cash: day.values.ending_cash,
                holdings: day.holdings.clone(),
            },
            day.values.ending_portfolio_value,
        );
        days.push(day);
    }
    Ok(Replay {
        days,
        zero_amount_noops,
    })
}

/// Replays one day's lines through the ledger (at the recorded price, else the day's open),
/// checking each line's `positions`; returns the ending position and the fills.
fn replay_day(
    file: &str,
    entries: &[&Entry],
    opening: &DayOpening,
    market: &MarketData,
    now: &str,
) -> Result<(Position, Vec<(Fill, String)>), RunImportError> {
    let date = entries[0].date;
    let mut book = DayBook::new(date, opening.position.clone(), Fees::default());
    let mut fills = Vec::new();
    for entry in entries {
        let err = |message: String| RunImportError {
            path: file.to_owned(),
            line: entry.line,
            message,
        };
        if entry.action != "no_trade" {
            let price = entry
                .price
                .or_else(|| market.bar(&entry.symbol, date).map(|b| b.open));
            let result = if entry.action == "buy" {
                book.buy(&entry.symbol, entry.amount, price).cloned()
            } else {
                book.sell(&entry.symbol, entry.amount, price).cloned()
            };
            fills.push((result.map_err(|e| err(e.to_string()))?, now.to_owned()));
        }
        let expected_holdings: BTreeMap<String, u64> = entry
            .positions
            .iter()
            .filter(|(s, v)| s.as_str() != "CASH" && **v != 0.0)
            .map(|(symbol, shares)| (symbol.to_ascii_uppercase(), *shares as u64))
            .collect();
        let expected_cash = entry.positions.get("CASH").copied().unwrap_or(f64::NAN);
        let ledger = book.position();
        if ledger.holdings != expected_holdings || (ledger.cash - expected_cash).abs() > 0.01 {
            let what = if entry.zero_amount {
                format!(
                    "a trade of 0 {} changes the positions, so it is not a no-op",
                    entry.symbol
                )
            } else {
                "positions do not match the trades".to_owned()
            };
            return Err(err(format!(
                "{what}: the ledger has {}, the line says {}",
                describe(ledger.cash, &ledger.holdings),
                describe(expected_cash, &expected_holdings)
            )));
        }
    }
    Ok((book.into_position(), fills))
}
