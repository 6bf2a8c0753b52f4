//! The AI-Trader server: REST API, SQLite store, job worker, agents and tools, market data.
//!
//! The rules (calendar, planner, state machine, ledger, metrics) live in `ai-trader-core`; this
//! crate does the I/O around them.

pub mod agent;
pub mod api;
pub mod app;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod history;
pub mod market;
pub mod store;
pub mod worker;
