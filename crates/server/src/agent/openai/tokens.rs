//! Token counts for a provider that reports no usage: the request's and the reply's text counted
//! with OpenAI's `o200k_base` encoding (GPT-4o and later; for other models' tokenizers an
//! estimate), plus the few tokens each chat message adds. Marked `estimated`, never 0 silently.

use ai_trader_core::api::TokenUsage;
use serde_json::Value;

use super::wire::Reply;

/// Tokens the chat format adds per message, and to prime the reply (OpenAI's published count).
const PER_MESSAGE: u64 = 3;
const REPLY_PRIMING: u64 = 3;

fn count(text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    // The encoding's tables are parsed once, on first use.
    tiktoken_rs::o200k_base_singleton()
        .encode_ordinary(text)
        .len() as u64
}

/// Every string of a JSON value (a message's role, content parts, tool names and arguments).
fn strings(value: &Value, out: &mut u64) {
    match value {
        Value::String(text) => *out += count(text),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The estimated usage of one request and its reply.
pub(super) fn estimate(request: &Value, reply: &Reply) -> TokenUsage {
    let mut prompt = REPLY_PRIMING;
    for message in request["messages"].as_array().into_iter().flatten() {
        prompt += PER_MESSAGE;
        strings(message, &mut prompt);
    }
    if let Some(tools) = request.get("tools") {
        // Providers render tool definitions into the prompt; their JSON is a fair proxy.
        prompt += count(&tools.to_string());
    }
    let mut completion = count(&reply.content);
    for call in &reply.tool_calls {
        completion += count(&call.name) + count(&call.arguments);
    }
    TokenUsage::estimated(prompt, completion)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_request_and_its_reply_are_counted_and_marked_estimated() {
        let request = json!({"model": "m", "messages": [
            {"role": "system", "content": "You are a trader."},
            {"role": "user", "content": "Today is 2025-10-01. Trade."}
        ]});
        let reply = Reply {
            content: "Hello world".into(),
            ..Reply::default()
        };
        let usage = estimate(&request, &reply);
        assert!(usage.estimated);
        // "Hello world" is two tokens in o200k_base.
        assert_eq!(usage.completion_tokens, 2);
        // Two messages of a few words each, with their framing.
        assert!((15..40).contains(&usage.prompt_tokens), "{usage:?}");
        assert_eq!(
            usage.total_tokens,
            usage.prompt_tokens + usage.completion_tokens
        );
    }
}
