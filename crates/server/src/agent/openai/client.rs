//! An OpenAI-compatible chat-completions client: per-request timeout, retries with exponential
//! backoff and jitter on timeouts, connection errors, 429 (honouring `Retry-After`), 5xx and
//! unreadable replies; no retry on 401/403; a per-model request rate limit. The key goes only
//! into the `Authorization` header: no error or log line contains it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::Mutex;
// Tokio's clock, so that pacing can be tested in virtual time.
use tokio::time::Instant;

use super::wire::{ParseError, Reply, excerpt, parse_reply};
use crate::config::{Redactor, Secret, join_path, public_url};

/// How the client talks to one model's endpoint.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The model's signature (for messages).
    pub signature: String,
    /// Base URL, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// The key, if any.
    pub api_key: Option<Secret>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay; doubles each retry.
    pub base_delay: Duration,
    /// At most this many requests per minute (0 = unlimited).
    pub requests_per_minute: u32,
    /// Removes secrets from what the provider answers before it is logged or stored.
    pub redactor: Redactor,
}

/// A request that failed for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// 401 or 403: the key is wrong or missing.
    #[error(
        "authentication failed for model {model} (HTTP {status}): check its openai_api_key or OPENAI_API_KEY"
    )]
    Auth {
        /// The model's signature.
        model: String,
        /// 401 or 403.
        status: u16,
    },
    /// Retries exhausted, or an error that retrying cannot fix.
    #[error("{0}")]
    Failed(String),
}

/// The chat client of one model.
pub struct ChatClient {
    http: reqwest::Client,
    config: ClientConfig,
    next_slot: Mutex<Instant>,
}

/// What one attempt gave.
enum Attempt {
    Done(Reply),
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    Fatal(ProviderError),
}

impl ChatClient {
    /// A client for one model.
    pub fn new(config: ClientConfig) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .unwrap_or_default();
        Self {
            http,
            config,
            next_slot: Mutex::new(Instant::now()),
        }
    }

    /// The model's signature.
    pub fn signature(&self) -> &str {
        &self.config.signature
    }

    /// Waits for the rate limit's next free slot.
    async fn pace(&self) {
        if self.config.requests_per_minute == 0 {
            return;
        }
        let interval = Duration::from_secs_f64(60.0 / f64::from(self.config.requests_per_minute));
        let wait = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends one chat-completions request, retrying transient failures.
    pub(crate) async fn complete(
        &self,
        body: &Value,
        make_id: &mut (dyn FnMut() -> String + Send),
    ) -> Result<Reply, ProviderError> {
        let mut last = String::new();
        for attempt in 0..=self.config.max_retries {
            self.pace().await;
            match self.attempt(body, make_id).await {
                Attempt::Done(mut reply) => {
                    if !reply.usage_reported {
                        reply.usage = super::tokens::estimate(body, &reply);
                    }
                    return Ok(reply);
                }
                Attempt::Fatal(ProviderError::Failed(text)) => {
                    return Err(ProviderError::Failed(self.config.redactor.redact(&text)));
                }
                Attempt::Fatal(error) => return Err(error),
                Attempt::Retry { reason, after } => {
                    let reason = self.config.redactor.redact(&reason);
                    let delay = after.unwrap_or_else(|| self.backoff(attempt));
                    let retry_in_ms = if attempt < self.config.max_retries {
                        delay.as_millis()
                    } else {
                        0
                    };
                    tracing::warn!(model = %self.config.signature, attempt = attempt + 1, reason = %reason, retry_in_ms, "provider request failed");
                    last = reason;
                    if attempt < self.config.max_retries {
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
        Err(ProviderError::Failed(format!(
            "model {} failed after {} attempts: {last}",
            self.config.signature,
            self.config.max_retries + 1
        )))
    }

    /// `base_delay × 2^attempt`, with ±50 % jitter so parallel models do not retry in step.
    fn backoff(&self, attempt: u32) -> Duration {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = 0.5 + f64::from(nanos % 1000) / 1000.0;
        self.config
            .base_delay
            .mul_f64(2f64.powi(attempt.min(16) as i32) * jitter)
    }

    async fn attempt(&self, body: &Value, make_id: &mut (dyn FnMut() -> String + Send)) -> Attempt {
        let url = join_path(&self.config.base_url, "chat/completions");
        let mut request = self.http.post(&url).timeout(self.config.timeout).json(body);
        if let Some(key) = self.config.api_key.as_ref().filter(|k| !k.is_empty()) {
            request = request.bearer_auth(key.expose());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                let context = format!("cannot reach {}", public_url(&url));
                return self.transport_failure(&e, &context);
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(120.0)));
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) => return self.transport_failure(&e, "reading the reply failed"),
        };
        match status {
            200..=299 => match parse_reply(&text, make_id) {
                Ok(reply) => Attempt::Done(reply),
                Err(ParseError(reason)) => Attempt::Retry {
                    reason,
                    after: None,
                },
            },
            401 | 403 => Attempt::Fatal(ProviderError::Auth {
                model: self.config.signature.clone(),
                status,
            }),
            429 => Attempt::Retry {
                reason: "rate limited (HTTP 429)".into(),
                after: retry_after,
            },
            500..=599 => Attempt::Retry {
                reason: format!("server error (HTTP {status}): {}", excerpt(&text)),
                after: retry_after,
            },
            _ => Attempt::Fatal(ProviderError::Failed(format!(
                "model {} was refused (HTTP {status}): {}",
                self.config.signature,
                excerpt(&text)
            ))),
        }
    }
}

impl ChatClient {
    /// A timeout or connection failure: always worth a retry.
    fn transport_failure(&self, error: &reqwest::Error, context: &str) -> Attempt {
        let reason = if error.is_timeout() {
            format!("timed out after {:?}", self.config.timeout)
        } else {
            format!("{context}: {}", without_url(error))
        };
        Attempt::Retry {
            reason,
            after: None,
        }
    }
}

/// A reqwest error's text without its URL (which is ours and adds nothing).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(requests_per_minute: u32) -> ChatClient {
        ChatClient::new(ClientConfig {
            signature: "m".into(),
            base_url: "http://127.0.0.1:9".into(),
            api_key: None,
            timeout: Duration::from_secs(1),
            max_retries: 0,
            base_delay: Duration::ZERO,
            requests_per_minute,
            redactor: Redactor::default(),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_by_the_rate_limit() {
        let client = client(120);
        let start = Instant::now();
        for _ in 0..4 {
            client.pace().await;
        }
        // 120 a minute: one every 0.5 s; the first goes at once.
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_limit_nothing_waits() {
        let client = client(0);
        let start = Instant::now();
        for _ in 0..4 {
            client.pace().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
