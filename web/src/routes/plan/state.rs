//! The plan form's state in the URL (`?start=&end=&models=&resume=1&replace=1&run=&repeats=&note=&budget=`), so a reload or
//! a shared link restores it, and in session storage, so leaving for another page and coming
//! back through the navigation restores it too.

const SESSION_KEY: &str = "ai-trader.plan";

/// What the form holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormState {
    /// The start date as typed (`YYYY-MM-DD`).
    pub start: Option<String>,
    /// The end date as typed.
    pub end: Option<String>,
    /// The ticked models; `None`: the enabled ones.
    pub models: Option<Vec<String>>,
    /// Resume each model after its history.
    pub resume: bool,
    /// Re-run completed days.
    pub replace: bool,
    /// The run's name as typed (empty: main).
    pub run: Option<String>,
    /// Repeats as typed.
    pub repeats: Option<String>,
    /// The note.
    pub note: Option<String>,
    /// The job's budget in USD, as typed.
    pub budget: Option<String>,
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(&text.replace('+', " "))
        .map(String::from)
        .unwrap_or_else(|_| text.to_owned())
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

impl FormState {
    /// Parses a query string (with or without its `?`).
    pub fn from_query(query: &str) -> Option<Self> {
        let query = query.trim_start_matches('?');
        if query.is_empty() {
            return None;
        }
        let mut state = Self::default();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "start" => state.start = Some(value),
                "end" => state.end = Some(value),
                "models" => {
                    state.models = Some(
                        value
                            .split(',')
                            .filter(|m| !m.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    )
                }
                "resume" => state.resume = value == "1",
                "replace" => state.replace = value == "1",
                "run" => state.run = Some(value),
                "repeats" => state.repeats = Some(value),
                "note" => state.note = Some(value),
                "budget" => state.budget = Some(value),
                _ => {}
            }
        }
        Some(state)
    }

    /// The query string, without its `?`.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(start) = &self.start {
            parts.push(format!("start={}", encode(start)));
        }
        if let Some(end) = &self.end {
            parts.push(format!("end={}", encode(end)));
        }
        if let Some(models) = &self.models {
            parts.push(format!("models={}", encode(&models.join(","))));
        }
        if self.resume {
            parts.push("resume=1".to_owned());
        }
        if self.replace {
            parts.push("replace=1".to_owned());
        }
        for (key, value) in [
            ("run", &self.run),
            ("repeats", &self.repeats),
            ("note", &self.note),
            ("budget", &self.budget),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        parts.join("&")
    }

    /// The state the page opens with: the URL's, else this session's last, else none.
    pub fn restore() -> Option<Self> {
        let window = web_sys::window()?;
        let search = window.location().search().ok().unwrap_or_default();
        Self::from_query(&search).or_else(|| {
            let saved = window
                .session_storage()
                .ok()??
                .get_item(SESSION_KEY)
                .ok()??;
            Self::from_query(&saved)
        })
    }

    /// Writes the state into the current history entry and this session.
    pub fn save(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let query = self.to_query();
        if let Ok(Some(storage)) = window.session_storage() {
            let _ = storage.set_item(SESSION_KEY, &query);
        }
        let path = window.location().pathname().unwrap_or_default();
        let url = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}
