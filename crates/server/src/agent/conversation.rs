//! The messages of a session, in order, with timestamps.

use ai_trader_core::api::{ConversationMessage, Role, ToolCallRecord};

use crate::clock::Clock;

/// A session's conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversation {
    messages: Vec<ConversationMessage>,
    clock: Clock,
}

impl Conversation {
    /// An empty conversation whose messages `clock` stamps.
    pub fn new(clock: Clock) -> Self {
        Self {
            messages: Vec::new(),
            clock,
        }
    }

    fn push(&mut self, role: Role, content: String) -> &mut ConversationMessage {
        let message_index = self.messages.len() as u32;
        self.messages.push(ConversationMessage {
            message_index,
            role,
            content,
            summary: None,
            tool_name: None,
            tool_input: None,
            tool_call_id: None,
            tool_calls: Vec::new(),
            timestamp: self.clock.timestamp(),
        });
        self.messages.last_mut().expect("just pushed")
    }

    /// The system prompt.
    pub fn system(&mut self, content: impl Into<String>) {
        self.push(Role::System, content.into());
    }

    /// A user message.
    pub fn user(&mut self, content: impl Into<String>) {
        self.push(Role::User, content.into());
    }

    /// An assistant message with the tools it calls.
    pub fn assistant(&mut self, content: impl Into<String>, tool_calls: Vec<ToolCallRecord>) {
        self.push(Role::Assistant, content.into()).tool_calls = tool_calls;
    }

    /// A tool result answering call `call`.
    pub fn tool(&mut self, call: &ToolCallRecord, content: impl Into<String>) {
        let message = self.push(Role::Tool, content.into());
        message.tool_name = Some(call.name.clone());
        message.tool_input = Some(call.arguments.clone());
        message.tool_call_id = Some(call.id.clone());
    }

    /// Every message so far.
    pub fn messages(&self) -> &[ConversationMessage] {
        &self.messages
    }

    /// The messages, consumed.
    pub fn into_messages(self) -> Vec<ConversationMessage> {
        self.messages
    }
}
