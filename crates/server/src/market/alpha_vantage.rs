//! Alpha Vantage `TIME_SERIES_DAILY` downloads, classified as the reference does: an
//! `Error Message` fails the symbol; a `Note` about call frequency, an `Information` about
//! premium or limits, and HTTP 429 are rate limits that stop the whole download; 5xx and network
//! errors are retried (1 s, 2 s by default); anything else fails the symbol. The key travels in
//! the query string, so no error text ever includes the URL.

use std::time::Duration;

use ai_trader_core::Date;
use serde_json::Value;

use super::Bar;
use super::daily_json::parse_daily;
use crate::config::{Redactor, Secret};

/// The default endpoint.
pub const DEFAULT_ALPHAVANTAGE_BASE: &str = "https://www.alphavantage.co";

/// Why a symbol could not be downloaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    /// The API's rate limit: stop downloading.
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// This symbol failed; others may still work.
    #[error("{0}")]
    Failed(String),
}

/// An Alpha Vantage client.
pub struct AlphaVantage {
    http: reqwest::Client,
    base_url: String,
    key: Secret,
    attempts: u32,
    retry_base: Duration,
    redactor: Redactor,
}

impl AlphaVantage {
    /// A client of `base_url` with `key`; `retry_base` is the first retry delay (doubling).
    pub fn new(
        base_url: String,
        key: Secret,
        timeout: Duration,
        retry_base: Duration,
        redactor: Redactor,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .unwrap_or_default();
        Self {
            http,
            base_url,
            key,
            attempts: 3,
            retry_base,
            redactor,
        }
    }

    /// Every daily bar of `symbol` from `start` to `end`.
    pub async fn daily(
        &self,
        symbol: &str,
        start: Date,
        end: Date,
    ) -> Result<Vec<Bar>, DownloadError> {
        let url = format!("{}/query", self.base_url.trim_end_matches('/'));
        let mut last = String::new();
        for attempt in 0..self.attempts {
            if attempt > 0 {
                tokio::time::sleep(self.retry_base * 2u32.pow(attempt - 1)).await;
            }
            let response = self
                .http
                .get(&url)
                .query(&[
                    ("function", "TIME_SERIES_DAILY"),
                    ("symbol", symbol),
                    ("outputsize", "full"),
                    ("apikey", self.key.expose()),
                ])
                .send()
                .await;
            let response = match response {
                Ok(r) => r,
                Err(e) => {
                    last = if e.is_timeout() {
                        "timed out".to_owned()
                    } else {
                        e.without_url().to_string()
                    };
                    continue;
                }
            };
            let status = response.status().as_u16();
            let text = match response.text().await {
                Ok(t) => t,
                Err(e) => {
                    last = e.without_url().to_string();
                    continue;
                }
            };
            match status {
                429 => {
                    return Err(DownloadError::RateLimited(
                        "HTTP 429: Too Many Requests".into(),
                    ));
                }
                500..=599 => {
                    last = format!("Server error: {status}");
                    continue;
                }
                200..=299 => return parse(symbol, &text, start, end),
                _ => {
                    let body: String = text.chars().take(200).collect();
                    let body = self.redactor.redact(&body);
                    return Err(DownloadError::Failed(format!("HTTP {status}: {body}")));
                }
            }
        }
        if last.starts_with("Server error") {
            return Err(DownloadError::Failed(last));
        }
        Err(DownloadError::Failed(format!(
            "Request failed after {} attempts: {last}",
            self.attempts
        )))
    }
}

fn parse(symbol: &str, text: &str, start: Date, end: Date) -> Result<Vec<Bar>, DownloadError> {
    let invalid = || DownloadError::Failed(format!("Invalid response format for {symbol}"));
    let value: Value = serde_json::from_str(text).map_err(|_| invalid())?;
    if let Some(message) = value.get("Error Message").and_then(Value::as_str) {
        return Err(DownloadError::Failed(format!("API error: {message}")));
    }
    for key in ["Note", "Information"] {
        if let Some(note) = value.get(key).and_then(Value::as_str) {
            let lower = note.to_ascii_lowercase();
            let limited = if key == "Note" {
                lower.contains("call frequency") || lower.contains("rate limit")
            } else {
                lower.contains("premium") || lower.contains("limit")
            };
            if limited {
                return Err(DownloadError::RateLimited(note.to_owned()));
            }
        }
    }
    if value.get("Time Series (Daily)").is_none() {
        return Err(invalid());
    }
    let series = parse_daily(value)
        .map_err(|e| DownloadError::Failed(format!("Invalid response format for {symbol}: {e}")))?;
    Ok(series
        .bars
        .into_iter()
        .filter(|b| start <= b.date && b.date <= end)
        .collect())
}
