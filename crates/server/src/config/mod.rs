//! Configuration as plain data: the reference's JSON config file (models and agent settings),
//! the built-in default, and the environment variables that override them. Nothing here builds
//! a service; `app` wires them.
//!
//! A bad file is a [`ConfigError`] that names the file and the field.

mod env;
mod file;
mod redact;
mod secret;

pub use ai_trader_core::api::Provider;
pub use env::{Env, EnvError, Settings, allowed_hosts, dev_path, parse_origin};
pub use file::{AgentConfig, ConfigError, FileConfig, ModelConfig};
pub use redact::{Redactor, join_path, public_url, query_values};
pub use secret::Secret;

#[cfg(test)]
mod tests;
