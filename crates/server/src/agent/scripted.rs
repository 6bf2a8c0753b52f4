//! What the deterministic agents (the mock and the baselines) share: the opening messages of a
//! day, and its close with a summary that names every trade.

use super::prompt::{system_prompt, user_prompt};
use super::{AgentOutcome, FINISH_SIGNAL, Session};

/// Records the day's system and user prompts.
pub(super) fn open_day(session: &mut Session) {
    let date = session.context.date;
    let start = session.tools.book().start().clone();
    session
        .conversation
        .system(system_prompt(date, &start, session.tools.market()));
    session.conversation.user(user_prompt(date));
}

/// Ends the day with the summary and the finish signal.
pub(super) fn close_day(session: &mut Session) -> AgentOutcome {
    let summary = summarise(session);
    session
        .conversation
        .assistant(format!("{summary} {FINISH_SIGNAL}"), Vec::new());
    AgentOutcome {
        summary,
        usage: Default::default(),
    }
}

/// "On 2025-10-02 I sold 2 NVDA at 180.10 and bought 5 MSFT at 515.50." — names every trade.
pub(super) fn summarise(session: &Session) -> String {
    let book = session.tools.book();
    describe_fills(session.context.date, book.fills(), book.position().cash)
}

/// "On 2025-10-02 I sold 2 NVDA at 180.10 and bought 5 MSFT at 515.50. Cash after trading: …"
pub fn describe_fills(
    date: ai_trader_core::Date,
    fills: &[ai_trader_core::ledger::Fill],
    cash: f64,
) -> String {
    if fills.is_empty() {
        return format!("On {date} I made no trades and kept my portfolio unchanged.");
    }
    let trades: Vec<String> = fills
        .iter()
        .map(|f| {
            let verb = if f.side == ai_trader_core::ledger::Side::Buy {
                "bought"
            } else {
                "sold"
            };
            format!("{verb} {} {} at {:.2}", f.quantity, f.symbol, f.price)
        })
        .collect();
    format!(
        "On {date} I {}. Cash after trading: {cash:.2}.",
        join_and(&trades)
    )
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
