//! The deterministic offline mock. It really calls the tools: it reads its position and the
//! price of a symbol that rotates by date, buys a few shares, and on alternate days sells part
//! of what it bought the day before. Same date, same history → same trades.

use std::time::Duration;

use ai_trader_core::Date;
use ai_trader_core::universe::NASDAQ_100;
use serde_json::json;

use super::scripted::{close_day, open_day};
use super::{Agent, AgentFuture, AgentOutcome, Session};

/// The mock provider.
pub struct MockAgent {
    latency: Duration,
}

impl MockAgent {
    /// A mock that takes `latency` per model-day, like a slow provider would.
    pub fn new(latency: Duration) -> Self {
        Self { latency }
    }
}

/// Shares the mock buys per day.
const LOT: u64 = 5;

/// The symbol the mock trades on `date`: the first ten universe symbols in rotation.
pub fn rotation_symbol(date: Date) -> &'static str {
    let origin = Date::from_ymd(2025, 1, 1).expect("valid date");
    NASDAQ_100[date.days_since(origin).rem_euclid(10) as usize]
}

impl Agent for MockAgent {
    fn run_day<'a>(&'a self, session: &'a mut Session) -> AgentFuture<'a> {
        Box::pin(async move {
            if !self.latency.is_zero() {
                tokio::time::sleep(self.latency).await;
            }
            Ok(run(session).await)
        })
    }
}

async fn run(session: &mut Session) -> AgentOutcome {
    open_day(session);
    let date = session.context.date;
    let start = session.tools.book().start().clone();

    let symbol = rotation_symbol(date);
    let look = vec![
        session.call("get_position", &json!({})),
        session.call("get_price", &json!({"symbol": symbol, "date": date})),
    ];
    session.conversation.assistant(
        format!("Analyzing the market for {date}. I will check my position and today's price of {symbol}."),
        look.clone(),
    );
    let results = session.run_calls(&look).await;
    let open = results[1].get("open").and_then(|v| v.as_f64());

    let mut orders = Vec::new();
    // On odd days, take profit on half of yesterday's symbol.
    let yesterday = rotation_symbol(date.pred());
    let held = start.shares(yesterday);
    if date
        .days_since(Date::from_ymd(2025, 1, 1).expect("valid date"))
        .rem_euclid(2)
        == 1
        && held >= 2
    {
        orders.push(session.call("sell", &json!({"symbol": yesterday, "amount": held / 2})));
    }
    let cash = session.tools.book().position().cash;
    let affordable = open.map_or(0, |p| {
        if p > 0.0 {
            (cash / p).floor() as u64
        } else {
            0
        }
    });
    let lot = LOT.min(affordable);
    if lot > 0 {
        orders.push(session.call("buy", &json!({"symbol": symbol, "amount": lot})));
    }
    let text = match (&orders.is_empty(), open) {
        (true, None) => format!("{symbol} has no price today, so I will not trade."),
        (true, Some(_)) => format!("I do not have enough cash for a lot of {symbol} today."),
        (false, _) => format!("Placing today's orders for {symbol}."),
    };
    session.conversation.assistant(text, orders.clone());
    session.run_calls(&orders).await;

    close_day(session)
}
