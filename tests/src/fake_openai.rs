//! A fake OpenAI-compatible chat-completions server speaking real HTTP on loopback, scripted per
//! test. Requests with `tools` are agent steps and take the next scripted step reply; requests
//! without are summary requests and take the next scripted summary. When a script runs out,
//! the fallback answers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A JSON body with a status and extra headers.
    Json {
        status: u16,
        headers: Vec<(String, String)>,
        body: Value,
    },
    /// A raw body (garbage, HTML, …).
    Raw { status: u16, body: String },
    /// Answers after a delay (to provoke client timeouts).
    Delayed(Duration, Box<Reply>),
}

/// What happens when a script is empty.
#[derive(Clone, Debug)]
pub enum Fallback {
    /// Finish at once.
    Finish,
    /// Buy one share of `symbol` on the first step of a day, then finish: a model that trades
    /// every day.
    BuyEachDay(String),
    /// Repeat this reply forever.
    Always(Reply),
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The JSON body.
    pub body: Value,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The query string, if any.
    pub query: Option<String>,
    /// When it arrived.
    pub at: Instant,
}

#[derive(Default)]
struct Script {
    steps: VecDeque<Reply>,
    summaries: VecDeque<Reply>,
    fallback: Option<Fallback>,
    received: Vec<Received>,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeOpenAi {
    /// The base URL to configure: `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

/// An assistant message with tool calls `(name, arguments)`.
pub fn tool_calls(content: Option<&str>, calls: &[(&str, Value)]) -> Reply {
    let calls: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| {
            let arguments = if args.is_string() { args.clone() } else { json!(args.to_string()) };
            json!({"id": format!("call_{i}_{name}"), "type": "function", "function": {"name": name, "arguments": arguments}})
        })
        .collect();
    ok(json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "tool_calls": calls}, "finish_reason": "tool_calls"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    }))
}

/// A plain assistant text.
pub fn text(content: &str) -> Reply {
    ok(json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60}
    }))
}

/// A 200 with this body.
pub fn ok(body: Value) -> Reply {
    Reply::Json {
        status: 200,
        headers: vec![],
        body,
    }
}

/// An error status with an OpenAI-style error body.
pub fn status(status: u16, headers: &[(&str, &str)]) -> Reply {
    Reply::Json {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: json!({"error": {"message": format!("scripted {status}")}}),
    }
}

fn respond(reply: &Reply) -> Response {
    match reply {
        Reply::Json {
            status,
            headers,
            body,
        } => {
            let mut response = (
                StatusCode::from_u16(*status).unwrap(),
                axum::Json(body.clone()),
            )
                .into_response();
            for (k, v) in headers {
                response.headers_mut().insert(
                    axum::http::HeaderName::try_from(k.as_str()).unwrap(),
                    v.parse().unwrap(),
                );
            }
            response
        }
        Reply::Raw { status, body } => {
            (StatusCode::from_u16(*status).unwrap(), body.clone()).into_response()
        }
        Reply::Delayed(_, inner) => respond(inner),
    }
}

async fn chat(
    State(script): State<Arc<Mutex<Script>>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let is_step = body.get("tools").is_some();
    let reply = {
        let mut s = script.lock().unwrap();
        s.received.push(Received {
            body: body.clone(),
            authorization: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            query,
            at: Instant::now(),
        });
        let queued = if is_step {
            s.steps.pop_front()
        } else {
            s.summaries.pop_front()
        };
        queued.unwrap_or_else(|| {
            if !is_step {
                return text("I traded as the log shows.");
            }
            match s.fallback.clone().unwrap_or(Fallback::Finish) {
                Fallback::Finish => text("Done for today. <FINISH_SIGNAL>"),
                Fallback::Always(reply) => reply,
                Fallback::BuyEachDay(symbol) => {
                    let first_step = body["messages"]
                        .as_array()
                        .is_some_and(|m| m.last().is_some_and(|l| l["role"] == "user"));
                    if first_step {
                        tool_calls(
                            Some("Buying one share."),
                            &[("buy", json!({"symbol": symbol, "amount": 1}))],
                        )
                    } else {
                        text("Bought my share. <FINISH_SIGNAL>")
                    }
                }
            }
        })
    };
    if let Reply::Delayed(delay, _) = &reply {
        tokio::time::sleep(*delay).await;
    }
    respond(&reply)
}

impl FakeOpenAi {
    /// Starts the fake on a free loopback port (inside the caller's tokio runtime).
    pub async fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self { base_url, script }
    }

    /// Queues agent-step replies.
    pub fn steps(&self, replies: impl IntoIterator<Item = Reply>) -> &Self {
        self.script.lock().unwrap().steps.extend(replies);
        self
    }

    /// Queues summary replies.
    pub fn summaries(&self, replies: impl IntoIterator<Item = Reply>) -> &Self {
        self.script.lock().unwrap().summaries.extend(replies);
        self
    }

    /// Sets what answers when the step script is empty.
    pub fn fallback(&self, fallback: Fallback) -> &Self {
        self.script.lock().unwrap().fallback = Some(fallback);
        self
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }

    /// A config with one OpenAI-compatible model on this fake.
    pub fn config(&self, extra_agent_config: &str) -> String {
        format!(
            r#"{{"models": [{{"name": "Fake GPT", "basemodel": "fake/gpt-test", "signature": "gpt-fake", "enabled": true,
                 "openai_base_url": "{}", "openai_api_key": "sk-fake-SECRET-key"}}],
                 "agent_config": {{"max_steps": 5, "max_retries": 3, "base_delay": 0.01, "request_timeout": 1.0{extra_agent_config}}}}}"#,
            self.base_url
        )
    }
}

/// The requests a fake search saw: (query, Authorization).
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A fake Jina search: `GET /?q=…` answers `{"code": 200, "data": results}` and records the
/// queries and `Authorization` headers.
#[derive(Clone)]
pub struct FakeJina {
    /// The base URL to configure (`JINA_BASE_URL`).
    pub base_url: String,
    seen: Seen,
}

impl FakeJina {
    /// Starts the fake with fixed results.
    pub async fn start(results: Value) -> Self {
        let seen: Seen = Arc::default();
        let state = (seen.clone(), results);
        let app = Router::new()
            .route(
                "/",
                axum::routing::get(
                    |State((seen, results)): State<(Seen, Value)>,
                     headers: HeaderMap,
                     axum::extract::Query(query): axum::extract::Query<
                        std::collections::HashMap<String, String>,
                    >| async move {
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        seen.lock()
                            .unwrap()
                            .push((query.get("q").cloned().unwrap_or_default(), auth));
                        axum::Json(json!({"code": 200, "data": results}))
                    },
                ),
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self { base_url, seen }
    }

    /// (query, Authorization) of every request.
    pub fn seen(&self) -> Vec<(String, Option<String>)> {
        self.seen.lock().unwrap().clone()
    }
}
