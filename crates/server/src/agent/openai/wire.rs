//! The chat-completions wire format: building requests, and parsing replies tolerantly.
//!
//! Providers differ. Handled quirks: tool-call arguments as a JSON string or as an object; a
//! tool call without `type`; the `{name, args, id}` shape without `function`; `content: null`
//! (or a list of text parts) beside tool calls; any `finish_reason`; missing `usage`; a missing
//! tool-call id.

use ai_trader_core::api::{ConversationMessage, Role, TokenUsage, ToolCallRecord};
use serde_json::{Value, json};

use crate::agent::ToolDefinition;

/// The `tools` array of a request.
pub(crate) fn tools_json(tools: &[ToolDefinition]) -> Value {
    Value::Array(
        tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}})
            })
            .collect(),
    )
}

/// An assistant message as sent back to the provider.
pub(crate) fn assistant_json(content: &str, calls: &[ToolCallRecord]) -> Value {
    let mut message = json!({"role": "assistant", "content": if content.is_empty() && !calls.is_empty() { Value::Null } else { json!(content) }});
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(
            calls
                .iter()
                .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
                .collect(),
        );
    }
    message
}

/// The chat-completions `messages` of a conversation: every message in order, tool calls
/// and tool results with their call ids.
pub(crate) fn chat_messages(conversation: &[ConversationMessage]) -> Vec<Value> {
    conversation
        .iter()
        .map(|m| match m.role {
            Role::System => json!({"role": "system", "content": m.content}),
            Role::User => json!({"role": "user", "content": m.content}),
            Role::Assistant => assistant_json(&m.content, &m.tool_calls),
            Role::Tool => {
                json!({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content})
            }
        })
        .collect()
}

/// One parsed reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Reply {
    /// The assistant's text (empty when none).
    pub content: String,
    /// The tools it calls, in order.
    pub tool_calls: Vec<ToolCallRecord>,
    /// `finish_reason` as given.
    pub finish_reason: Option<String>,
    /// Tokens, zero when the provider gives none.
    pub usage: TokenUsage,
    /// The provider reported `usage` (else the client estimates it).
    pub usage_reported: bool,
}

/// Why a 200 reply cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ParseError(pub String);

fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        // Some providers send content parts: [{"type": "text", "text": "…"}].
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str).or_else(|| p.as_str()))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

fn arguments_of(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "{}".to_owned(),
        // Already a JSON string: keep it as the model wrote it.
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn tool_call(value: &Value, make_id: &mut dyn FnMut() -> String) -> Option<ToolCallRecord> {
    let function = value.get("function");
    let name = function
        .and_then(|f| f.get("name"))
        .or_else(|| value.get("name"))
        .and_then(Value::as_str)?
        .to_owned();
    let arguments = match function {
        Some(f) => arguments_of(f.get("arguments").or_else(|| f.get("args"))),
        None => arguments_of(value.get("args").or_else(|| value.get("arguments"))),
    };
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map_or_else(&mut *make_id, str::to_owned);
    Some(ToolCallRecord {
        id,
        name,
        arguments,
    })
}

/// Parses a chat-completions response body.
pub(crate) fn parse_reply(
    body: &str,
    make_id: &mut dyn FnMut() -> String,
) -> Result<Reply, ParseError> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        ParseError(format!(
            "the provider's reply is not JSON ({e}): {}",
            excerpt(body)
        ))
    })?;
    if let Some(error) = value.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| error.to_string(), str::to_owned);
        return Err(ParseError(format!(
            "the provider returned an error: {message}"
        )));
    }
    let choice = value.get("choices").and_then(|c| c.get(0)).ok_or_else(|| {
        ParseError(format!(
            "the provider's reply has no choices: {}",
            excerpt(body)
        ))
    })?;
    let message = choice
        .get("message")
        .or_else(|| choice.get("delta"))
        .cloned()
        .unwrap_or(Value::Null);
    let tool_calls = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(|calls| calls.iter().filter_map(|c| tool_call(c, make_id)).collect())
        .unwrap_or_default();
    let reported = value.get("usage").filter(|u| u.is_object());
    let usage = reported.map_or_else(TokenUsage::default, |u| {
        let get = |k: &str| u.get(k).and_then(Value::as_u64).unwrap_or(0);
        let (prompt, completion) = (get("prompt_tokens"), get("completion_tokens"));
        let total = u
            .get("total_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(prompt + completion);
        TokenUsage {
            total_tokens: total,
            ..TokenUsage::of(prompt, completion)
        }
    });
    Ok(Reply {
        content: text_of(message.get("content").unwrap_or(&Value::Null)),
        tool_calls,
        finish_reason: choice
            .get("finish_reason")
            .and_then(Value::as_str)
            .map(str::to_owned),
        usage,
        usage_reported: reported.is_some(),
    })
}

/// The first 200 characters of a body, for error messages.
pub(crate) fn excerpt(body: &str) -> String {
    let mut text: String = body.chars().take(200).collect();
    if body.chars().count() > 200 {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Reply {
        let mut n = 0;
        parse_reply(body, &mut || {
            n += 1;
            format!("gen_{n}")
        })
        .unwrap()
    }

    #[test]
    fn standard_reply_with_tool_calls_and_usage() {
        let reply = parse(
            r#"{"choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_a", "type": "function", "function": {"name": "buy", "arguments": "{\"symbol\":\"AAPL\",\"amount\":5}"}},
                {"id": "call_b", "type": "function", "function": {"name": "get_position", "arguments": ""}}
            ]}, "finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}}"#,
        );
        assert_eq!(reply.content, "");
        assert_eq!(reply.tool_calls.len(), 2);
        assert_eq!(
            reply.tool_calls[0].arguments,
            r#"{"symbol":"AAPL","amount":5}"#
        );
        assert_eq!(reply.tool_calls[1].arguments, "");
        assert_eq!(reply.finish_reason.as_deref(), Some("tool_calls"));
        assert_eq!(reply.usage, TokenUsage::of(120, 30));
        assert!(reply.usage_reported);
    }

    #[test]
    fn provider_quirks() {
        // Arguments as an object, no `type`, no id.
        let reply = parse(
            r#"{"choices": [{"message": {"tool_calls": [{"function": {"name": "sell", "arguments": {"symbol": "MSFT", "amount": 2}}}]}}]}"#,
        );
        assert_eq!(reply.tool_calls[0].id, "gen_1");
        assert_eq!(
            serde_json::from_str::<Value>(&reply.tool_calls[0].arguments).unwrap(),
            json!({"symbol": "MSFT", "amount": 2})
        );
        assert_eq!(
            reply.usage,
            TokenUsage::default(),
            "missing usage is zero here"
        );
        assert!(!reply.usage_reported, "and the client estimates it");
        assert_eq!(reply.finish_reason, None);
        // DeepSeek via OpenRouter: {name, args, id} without `function`.
        let reply = parse(
            r#"{"choices": [{"message": {"content": "ok", "tool_calls": [{"name": "get_price", "args": {"symbol": "NVDA", "date": "2025-10-01"}, "id": "x9"}]}, "finish_reason": "weird_stop"}]}"#,
        );
        assert_eq!(
            (
                reply.tool_calls[0].name.as_str(),
                reply.tool_calls[0].id.as_str()
            ),
            ("get_price", "x9")
        );
        assert_eq!(reply.finish_reason.as_deref(), Some("weird_stop"));
        // Content as text parts.
        let reply = parse(
            r#"{"choices": [{"message": {"content": [{"type": "text", "text": "Done. "}, {"type": "text", "text": "<FINISH_SIGNAL>"}]}}]}"#,
        );
        assert_eq!(reply.content, "Done. <FINISH_SIGNAL>");
    }

    #[test]
    fn unusable_replies_say_why() {
        let mut id = || String::new();
        assert!(
            parse_reply("<html>502</html>", &mut id)
                .unwrap_err()
                .0
                .starts_with("the provider's reply is not JSON")
        );
        assert_eq!(
            parse_reply(r#"{"error": {"message": "model overloaded"}}"#, &mut id)
                .unwrap_err()
                .0,
            "the provider returned an error: model overloaded"
        );
        assert!(
            parse_reply(r#"{"choices": []}"#, &mut id)
                .unwrap_err()
                .0
                .starts_with("the provider's reply has no choices")
        );
    }

    #[test]
    fn requests_echo_tool_calls() {
        let calls = vec![ToolCallRecord {
            id: "c1".into(),
            name: "buy".into(),
            arguments: "{}".into(),
        }];
        assert_eq!(
            assistant_json("", &calls),
            json!({"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "buy", "arguments": "{}"}}]})
        );
        let tools = tools_json(&crate::agent::tool_definitions(false));
        assert_eq!(tools[2]["function"]["name"], "buy");
        assert_eq!(
            tools[2]["function"]["parameters"]["required"],
            json!(["symbol", "amount"])
        );
    }
}
