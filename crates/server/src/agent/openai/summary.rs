//! The session summary: 2–3 sentences from the same model that name the trades; when that call
//! fails, a deterministic summary that names them too.

use ai_trader_core::api::{Role, TokenUsage};
use ai_trader_core::ledger::Side;
use serde_json::json;

use super::ChatClient;
use crate::agent::Session;
use crate::agent::scripted::summarise as deterministic;

/// The trades of the day, one line each, as the summary prompt lists them.
fn trade_lines(session: &Session) -> Vec<String> {
    session
        .tools
        .book()
        .fills()
        .iter()
        .map(|f| {
            let side = if f.side == Side::Buy { "BUY" } else { "SELL" };
            format!("{side}: {} {} at {:.2}", f.quantity, f.symbol, f.price)
        })
        .collect()
}

/// A condensed log: the trades first, then the assistant's words and the tool results.
fn condensed_log(session: &Session) -> String {
    let trades = trade_lines(session);
    let mut log = format!(
        "TRADES EXECUTED ({}):\n{}\n--- FULL LOG ---\n",
        trades.len(),
        trades.join("\n")
    );
    for message in session.conversation.messages() {
        match message.role {
            Role::Assistant if !message.content.is_empty() => {
                log.push_str(&format!(
                    "AI: {}\n",
                    message.content.chars().take(200).collect::<String>()
                ));
            }
            Role::Tool => {
                let name = message.tool_name.as_deref().unwrap_or("tool");
                log.push_str(&format!(
                    "{name}: {}\n",
                    message.content.chars().take(150).collect::<String>()
                ));
            }
            _ => {}
        }
    }
    log
}

/// Asks the model for the summary; falls back to the deterministic one.
pub(super) async fn summarise(
    client: &ChatClient,
    basemodel: &str,
    session: &Session,
    usage: &mut TokenUsage,
) -> String {
    let prompt = format!(
        "Summarise this trading session in 2-3 sentences, in the first person. State explicitly every trade \
         executed (side, quantity, symbol), or that no trades were made.\n\n{}",
        condensed_log(session)
    );
    let body = json!({"model": basemodel, "messages": [{"role": "user", "content": prompt}]});
    match client.complete(&body, &mut String::new).await {
        Ok(reply) if !reply.content.trim().is_empty() => {
            usage.add(reply.usage);
            reply.content.trim().to_owned()
        }
        Ok(_) => deterministic(session),
        Err(e) => {
            tracing::warn!(model = %client.signature(), error = %e, "summary failed; using the deterministic one");
            deterministic(session)
        }
    }
}
