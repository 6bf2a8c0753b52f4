//! Keeping secrets out of what the server stores, logs and answers: text that comes from
//! outside (a provider's error body, an HTTP error) may echo a key, and a key may ride in an
//! endpoint's query string.

use std::sync::Arc;

/// What replaces a secret.
const MASK: &str = "[redacted]";

/// Removes every configured secret, and `Bearer …` / `sk-…`-shaped tokens, from text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret containing another is removed whole.
    secrets: Arc<Vec<String>>,
}

impl Redactor {
    /// A redactor of `secrets` (empty and very short values are ignored: they would mask
    /// ordinary words).
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| s.len() >= 4)
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self {
            secrets: Arc::new(secrets),
        }
    }

    /// `text` without secrets.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        let out = mask_after(&out, "Bearer ", 1);
        mask_after(&out, "sk-", 8)
    }
}

/// Masks the token that follows each `prefix` when it has at least `min` token characters.
fn mask_after(text: &str, prefix: &str, min: usize) -> String {
    let token =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        out.push_str(prefix);
        let after = &from[prefix.len()..];
        let end = after.find(|c: char| !token(c)).unwrap_or(after.len());
        if end >= min && !after[..end].starts_with(MASK) {
            out.push_str(MASK);
        } else {
            out.push_str(&after[..end]);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// An endpoint URL fit to show: every query value masked (gateways take keys there).
pub fn public_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.query().is_some() => {
            let masked: Vec<(String, String)> = parsed
                .query_pairs()
                .map(|(k, _)| (k.into_owned(), MASK.to_owned()))
                .collect();
            parsed.query_pairs_mut().clear().extend_pairs(masked);
            parsed.to_string().replace("%5Bredacted%5D", MASK)
        }
        _ => url.to_owned(),
    }
}

/// The values of an endpoint's query string: secrets to redact.
pub fn query_values(url: &str) -> Vec<String> {
    reqwest::Url::parse(url)
        .map(|u| u.query_pairs().map(|(_, v)| v.into_owned()).collect())
        .unwrap_or_default()
}

/// `base` with `path` appended to its path, its query kept:
/// `https://gw.test/v1?api-key=K` + `chat/completions` → `https://gw.test/v1/chat/completions?api-key=K`.
pub fn join_path(base: &str, path: &str) -> String {
    match reqwest::Url::parse(base) {
        Ok(mut url) => {
            let joined = format!("{}/{}", url.path().trim_end_matches('/'), path);
            url.set_path(&joined);
            url.to_string()
        }
        Err(_) => format!("{}/{path}", base.trim_end_matches('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_secrets_and_token_shapes_are_masked() {
        let redactor = Redactor::new([
            "sk-or-v1-abcdef123456".into(),
            "jina_KEY_1234".into(),
            "".into(),
        ]);
        let body = r#"{"error": "bad key sk-or-v1-abcdef123456", "headers": {"Authorization": "Bearer sk-or-v1-abcdef123456"}, "jina": "jina_KEY_1234"}"#;
        let clean = redactor.redact(body);
        assert!(
            !clean.contains("abcdef123456") && !clean.contains("jina_KEY_1234"),
            "{clean}"
        );
        assert!(clean.contains("Bearer [redacted]"), "{clean}");
        // Shapes of keys never configured here.
        let other =
            redactor.redact("echo: Authorization: Bearer xyz.TOKEN-42 and sk-proj-ZZZZZZZZZZ");
        assert_eq!(
            other,
            "echo: Authorization: Bearer [redacted] and sk-[redacted]"
        );
        // Ordinary words stay.
        assert_eq!(
            redactor.redact("risk-free, ask-me, sk-1"),
            "risk-free, ask-me, sk-1"
        );
    }

    #[test]
    fn endpoint_urls_keep_their_query_and_never_show_its_values() {
        let base = "https://gw.test/openai/v1?api-key=K123456&deployment=x";
        assert_eq!(
            join_path(base, "chat/completions"),
            "https://gw.test/openai/v1/chat/completions?api-key=K123456&deployment=x"
        );
        assert_eq!(
            join_path("http://127.0.0.1:8000/v1/", "chat/completions"),
            "http://127.0.0.1:8000/v1/chat/completions"
        );
        assert_eq!(
            public_url(base),
            "https://gw.test/openai/v1?api-key=[redacted]&deployment=[redacted]"
        );
        assert_eq!(
            public_url("https://api.openai.com/v1"),
            "https://api.openai.com/v1"
        );
        assert_eq!(query_values(base), ["K123456", "x"]);
    }
}
