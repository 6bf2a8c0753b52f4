//! A fake Alpha Vantage (`GET /query?function=TIME_SERIES_DAILY&symbol=…&apikey=…`) on loopback,
//! serving the real NASDAQ-100 files unless a symbol is scripted otherwise.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::real_data_dir;

/// A scripted answer for one request of a symbol.
#[derive(Clone, Debug)]
pub enum AvReply {
    /// The real file.
    Real,
    /// `{"Note": …}` (the free tier's call-frequency limit).
    Note,
    /// `{"Information": …premium…}`.
    Premium,
    /// `{"Error Message": …}`.
    Error,
    /// An HTTP status with an empty body.
    Status(u16),
    /// Not JSON.
    Garbage,
    /// Answers after a delay.
    Slow(Duration),
}

#[derive(Default)]
struct Script {
    per_symbol: HashMap<String, VecDeque<AvReply>>,
    /// Applies to every symbol after this many requests in total.
    after: Option<(usize, AvReply)>,
    requests: Vec<(String, String)>,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeAlphaVantage {
    /// `ALPHAVANTAGE_BASE_URL`.
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

async fn query(
    State(script): State<Arc<Mutex<Script>>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let symbol = params.get("symbol").cloned().unwrap_or_default();
    let reply = {
        let mut s = script.lock().unwrap();
        s.requests.push((
            symbol.clone(),
            params.get("apikey").cloned().unwrap_or_default(),
        ));
        let count = s.requests.len();
        let scripted = s.per_symbol.get_mut(&symbol).and_then(VecDeque::pop_front);
        match (scripted, &s.after) {
            (Some(reply), _) => reply,
            (None, Some((n, reply))) if count > *n => reply.clone(),
            _ => AvReply::Real,
        }
    };
    let reply = if let AvReply::Slow(delay) = reply {
        tokio::time::sleep(delay).await;
        AvReply::Real
    } else {
        reply
    };
    match reply {
        AvReply::Real => match std::fs::read_to_string(real_data_dir().join(format!("daily_prices_{symbol}.json"))) {
            Ok(text) => ([("content-type", "application/json")], text).into_response(),
            Err(_) => axum::Json(json!({"Error Message": "Invalid API call."})).into_response(),
        },
        AvReply::Note => axum::Json(json!({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute."})).into_response(),
        AvReply::Premium => axum::Json(json!({"Information": "This is a premium endpoint. You have reached the daily limit."})).into_response(),
        AvReply::Error => axum::Json(json!({"Error Message": "Invalid API call. Please retry or visit the documentation."})).into_response(),
        AvReply::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        AvReply::Garbage => "{\"Meta Data\": oops".into_response(),
        AvReply::Slow(_) => unreachable!(),
    }
}

impl FakeAlphaVantage {
    /// Starts the fake.
    pub async fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let app = Router::new()
            .route("/query", axum::routing::get(query))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self { base_url, script }
    }

    /// Scripts the next answers for a symbol.
    pub fn symbol(&self, symbol: &str, replies: impl IntoIterator<Item = AvReply>) -> &Self {
        self.script
            .lock()
            .unwrap()
            .per_symbol
            .entry(symbol.to_owned())
            .or_default()
            .extend(replies);
        self
    }

    /// After `n` requests, every further request gets `reply`.
    pub fn after(&self, n: usize, reply: AvReply) -> &Self {
        self.script.lock().unwrap().after = Some((n, reply));
        self
    }

    /// (symbol, apikey) of every request.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.script.lock().unwrap().requests.clone()
    }
}
