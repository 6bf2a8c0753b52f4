//! The deterministic offline mock. It really calls the tools: it reads its position and the
//! price of a symbol that rotates by date, buys a few shares, and on alternate days sells part
//! of what it bought the day before. Same date, same history, same run → same trades.
//!
//! Each run has a seed ([`run_seed`]): `main`'s is 0, the classic rotation over ten symbols;
//! any other run's picks its symbol, lot and selling days from the seed and the date, so the
//! repeats of an experiment differ from each other, and each is reproducible.

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

/// The symbol the mock trades on `date` in `main`: the first ten universe symbols in rotation.
pub fn rotation_symbol(date: Date) -> &'static str {
    NASDAQ_100[day_number(date).rem_euclid(10) as usize]
}

fn day_number(date: Date) -> i64 {
    date.days_since(Date::from_ymd(2025, 1, 1).expect("valid date"))
}

/// A run's seed: 0 for `main`, else the 64-bit FNV-1a hash of its name.
fn run_seed(run: &str) -> u64 {
    if ai_trader_core::run::is_main(run) {
        return 0;
    }
    run.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What the mock does on a day: the symbol it buys, how many shares at most, and whether it
/// sells half of the previous day's symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DayChoice {
    symbol: &'static str,
    lot: u64,
    sells: bool,
}

impl DayChoice {
    fn of(seed: u64, date: Date) -> Self {
        let day = day_number(date);
        if seed == 0 {
            return Self {
                symbol: rotation_symbol(date),
                lot: LOT,
                sells: day.rem_euclid(2) == 1,
            };
        }
        let bits = splitmix64(seed ^ day as u64);
        Self {
            symbol: NASDAQ_100[(bits % NASDAQ_100.len() as u64) as usize],
            lot: 1 + (bits >> 16) % 9,
            sells: (bits >> 32) & 1 == 1,
        }
    }
}

/// SplitMix64's finaliser: well-spread bits from a counter.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
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
    let seed = run_seed(&session.context.run);
    let today = DayChoice::of(seed, date);

    let symbol = today.symbol;
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
    // On selling days, take profit on half of yesterday's symbol.
    let yesterday = DayChoice::of(seed, date.pred()).symbol;
    let held = start.shares(yesterday);
    if today.sells && held >= 2 {
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
    let lot = today.lot.min(affordable);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_keeps_the_classic_rotation_and_other_runs_differ_reproducibly() {
        let day = Date::from_ymd(2025, 10, 7).unwrap();
        let main = DayChoice::of(run_seed("main"), day);
        assert_eq!(main.symbol, rotation_symbol(day));
        assert_eq!(main.lot, LOT);
        let days: Vec<Date> = (0..20).map(|i| day.add_days(i)).collect();
        let choices = |run: &str| -> Vec<DayChoice> {
            days.iter()
                .map(|d| DayChoice::of(run_seed(run), *d))
                .collect()
        };
        assert_eq!(choices("exp-1"), choices("exp-1"));
        assert_ne!(choices("exp-1"), choices("exp-2"));
        assert_ne!(choices("exp-1"), choices("main"));
    }
}
