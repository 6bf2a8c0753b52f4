//! The `search` tool: news through Jina search, with the look-ahead filter done right. Only
//! results published strictly before the simulated day are returned; undated results are
//! dropped unless configured otherwise (a result without a date may well be from the future).

use std::time::Duration;

use ai_trader_core::Date;
use serde_json::{Value, json};

use super::ToolError;
use crate::config::{Redactor, Secret};

/// The default Jina search endpoint.
pub const DEFAULT_JINA_BASE: &str = "https://s.jina.ai";

/// Results returned to the model at most.
const MAX_RESULTS: usize = 3;

/// A configured news search.
pub struct NewsSearch {
    http: reqwest::Client,
    base_url: String,
    key: Secret,
    keep_undated: bool,
    redactor: Redactor,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The publication date of a result, from `YYYY-MM-DD…` (ISO dates and timestamps) or
/// `Mon DD, YYYY`. Relative dates (`3 days ago`) are relative to the search, not to the
/// simulated day, so they count as unknown.
pub fn published_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Some(date) = text.get(..10).and_then(|prefix| Date::parse(prefix).ok()) {
        return Some(date);
    }
    let cleaned = text.replace(',', " ");
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if let [month, day, year, ..] = words.as_slice() {
        let month = MONTHS
            .iter()
            .position(|m| month.to_ascii_lowercase().starts_with(m))? as u32
            + 1;
        return Date::from_ymd(year.parse().ok()?, month, day.parse().ok()?);
    }
    None
}

impl NewsSearch {
    /// A search over `base_url` with `key`.
    pub fn new(base_url: String, key: Secret, keep_undated: bool, redactor: Redactor) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self {
            http,
            base_url,
            key,
            keep_undated,
            redactor,
        }
    }

    /// Searches `query`, keeping results published before `today`.
    pub async fn search(&self, query: &str, today: Date) -> Result<Value, ToolError> {
        let response = self
            .http
            .get(self.base_url.trim_end_matches('/').to_owned() + "/")
            .query(&[("q", query)])
            .bearer_auth(self.key.expose())
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| ToolError::Search(format!(": {}", e.without_url())))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| ToolError::Search(format!(": {e}")))?;
        if !status.is_success() {
            let excerpt: String = text.chars().take(200).collect();
            return Err(ToolError::Search(format!(
                " (HTTP {}): {}",
                status.as_u16(),
                self.redactor.redact(&excerpt)
            )));
        }
        let body: Value = serde_json::from_str(&text)
            .map_err(|_| ToolError::Search(": the reply is not JSON".into()))?;
        let results = body
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let kept: Vec<Value> = results
            .iter()
            .filter_map(|r| {
                let published = ["date", "publishedTime", "published", "publishedDate"]
                    .iter()
                    .find_map(|k| r.get(*k).and_then(Value::as_str))
                    .and_then(published_date);
                match published {
                    Some(date) if date < today => Some((r, Some(date))),
                    None if self.keep_undated => Some((r, None)),
                    _ => None,
                }
            })
            .take(MAX_RESULTS)
            .map(|(r, date)| {
                let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
                json!({
                    "title": field("title"),
                    "url": field("url"),
                    "description": field("description"),
                    "published": date,
                    "content": field("content").chars().take(1000).collect::<String>(),
                })
            })
            .collect();
        if kept.is_empty() {
            return Ok(
                json!({"results": [], "note": format!("No results published before {today} for '{query}'")}),
            );
        }
        Ok(json!({ "results": kept }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publication_dates() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(
            published_date("2025-09-30T14:00:00Z"),
            Some(d("2025-09-30"))
        );
        assert_eq!(published_date("2025-09-30"), Some(d("2025-09-30")));
        assert_eq!(published_date("Sep 30, 2025"), Some(d("2025-09-30")));
        assert_eq!(published_date("September 3, 2025"), Some(d("2025-09-03")));
        assert_eq!(published_date("3 days ago"), None);
        assert_eq!(published_date(""), None);
    }
}
