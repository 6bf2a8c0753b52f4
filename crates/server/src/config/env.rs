//! Runtime settings from the environment (and CLI flags).

use std::path::{Path, PathBuf};

use ai_trader_core::Date;
use ai_trader_core::api::DeploymentMode;
use ai_trader_core::planner::DEFAULT_MAX_SIMULATION_DAYS;

use super::Secret;
use crate::clock::Clock;

/// Runtime settings from the environment (and CLI flags).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `PROD` or `DEV` (`DEPLOYMENT_MODE`).
    pub mode: DeploymentMode,
    /// DEV keeps its database across restarts (`PRESERVE_DEV_DATA`).
    pub preserve_dev_data: bool,
    /// The database file, already adjusted for DEV, or a `postgres://` URL (used as given).
    pub database: PathBuf,
    /// `MAX_SIMULATION_DAYS`.
    pub max_simulation_days: u32,
    /// `DEFAULT_RESULTS_LOOKBACK_DAYS`.
    pub results_lookback_days: u32,
    /// `MAX_CONCURRENT_JOBS`.
    pub max_concurrent_jobs: usize,
    /// `MAX_PARALLEL_MODELS`: model-days of one job run at once.
    pub max_parallel_models: usize,
    /// `WORKER_CONCURRENCY`: model-days run at once by this process, over all jobs (default
    /// `MAX_CONCURRENT_JOBS` × `MAX_PARALLEL_MODELS`).
    pub worker_concurrency: usize,
    /// `MAX_ATTEMPTS`: how many times a model-day is started before it is failed (its process
    /// stopping under it each time: a crash loop).
    pub max_attempts: u32,
    /// `WORKER_HEARTBEAT_SECONDS` (5): how often a worker announces itself; it counts as live
    /// for three beats.
    pub worker_heartbeat_seconds: u64,
    /// `LEASE_SECONDS` (30): how long a worker's claim on a model-day holds unless renewed
    /// (renewed every third of it): after a worker dies, its days run again this much later.
    pub lease_seconds: u64,
    /// `RESUME_INTERRUPTED_JOBS`.
    pub resume_interrupted_jobs: bool,
    /// `ALLOWED_ORIGINS`: CORS origins (`*` for any).
    pub allowed_origins: Vec<String>,
    /// `ALLOWED_HOSTS`: the `Host` names the API answers for (comma-separated, `*` for any;
    /// default: loopback names and the bind address).
    pub allowed_hosts: Vec<String>,
    /// The address `serve` binds (set by the command, not the environment).
    pub bind_host: Option<String>,
    /// `AI_TRADER_API_TOKEN`: bearer token for mutating endpoints.
    pub api_token: Option<String>,
    /// Seed a synthetic demo market when the price table is empty.
    pub demo_market: bool,
    /// `OPENAI_API_BASE`: the endpoint of models that name none.
    pub openai_api_base: Option<String>,
    /// `OPENAI_API_KEY`: the key of models that give none.
    pub openai_api_key: Option<Secret>,
    /// `JINA_API_KEY`: enables the `search` tool.
    pub jina_api_key: Option<Secret>,
    /// `JINA_BASE_URL`: the search endpoint (default Jina's).
    pub jina_base_url: Option<String>,
    /// `SEARCH_KEEP_UNDATED`: keep search results without a publication date.
    pub search_keep_undated: bool,
    /// `ALPHAADVANTAGE_API_KEY` (the reference's spelling; `ALPHAVANTAGE_API_KEY` also works,
    /// and so do both spellings of the other `ALPHAVANTAGE_` variables):
    /// enables price downloads.
    pub alphavantage_api_key: Option<Secret>,
    /// `ALPHAVANTAGE_BASE_URL`.
    pub alphavantage_base_url: Option<String>,
    /// `ALPHAVANTAGE_RETRY_BASE_MS`: first retry delay of a download (default 1000).
    pub alphavantage_retry_base_ms: u64,
    /// `ALPHAVANTAGE_TIMEOUT_SECONDS`: per request (default 30).
    pub alphavantage_timeout_seconds: u64,
    /// `AI_TRADER_UI_DIR`: a built web UI (Trunk's `dist/`) served at `/` instead of the embedded one.
    pub ui_dir: Option<PathBuf>,
    /// `AI_TRADER_TODAY`: a fixed "today" (tests, demos); the system date when unset.
    pub today: Option<Date>,
    /// `SHUTDOWN_GRACE_SECONDS`: how long running model-days may take to finish after SIGTERM
    /// or SIGINT (default 30).
    pub shutdown_grace_seconds: u64,
    /// `HEADER_READ_TIMEOUT_SECONDS`: a request's headers must arrive within this time, and an
    /// idle kept-alive connection is closed after it (default 30).
    pub header_read_timeout_seconds: u64,
    /// `MAX_CONNECTIONS`: connections served at once (default 1024).
    pub max_connections: usize,
    /// `ACCESS_LOG`: log every request (method, path, query names, status, duration).
    pub access_log: bool,
}

impl Settings {
    /// The clock these settings ask for.
    pub fn clock(&self) -> Clock {
        Clock::with_today(self.today)
    }
}

/// An environment variable with a bad value.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}={value:?}: {message}")]
pub struct EnvError {
    /// The variable.
    pub name: String,
    /// Its value.
    pub value: String,
    /// What is allowed.
    pub message: String,
}

/// Reads environment variables through a lookup function (tests pass a map).
pub struct Env<'a>(pub &'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    fn parse<T: std::str::FromStr>(
        &self,
        name: &str,
        default: T,
        allowed: &str,
    ) -> Result<T, EnvError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => value.trim().parse().map_err(|_| EnvError {
                name: name.to_owned(),
                value,
                message: format!("expected {allowed}"),
            }),
        }
    }

    /// The name of an Alpha Vantage variable as set: the reference spells them
    /// `ALPHAADVANTAGE_…`, the service's name is `ALPHAVANTAGE_…`; both work for each.
    fn alpha_vantage(&self, suffix: &str) -> String {
        let reference = format!("ALPHAADVANTAGE_{suffix}");
        if self.get(&reference).is_some() {
            reference
        } else {
            format!("ALPHAVANTAGE_{suffix}")
        }
    }

    fn date(&self, name: &str) -> Result<Option<Date>, EnvError> {
        self.get(name)
            .map(|value| {
                Date::parse(value.trim()).map_err(|_| EnvError {
                    name: name.to_owned(),
                    value,
                    message: "expected a date YYYY-MM-DD".into(),
                })
            })
            .transpose()
    }

    fn flag(&self, name: &str, default: bool) -> Result<bool, EnvError> {
        match self.get(name) {
            None => Ok(default),
            Some(value) => match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(EnvError {
                    name: name.to_owned(),
                    value,
                    message: "expected true or false".into(),
                }),
            },
        }
    }

    /// Settings from the environment; `database` is the base path before the DEV adjustment.
    pub fn settings(&self, database: Option<PathBuf>) -> Result<Settings, EnvError> {
        let mode = DeploymentMode::from_env_value(self.get("DEPLOYMENT_MODE").as_deref());
        let base = database
            .or_else(|| self.get("AI_TRADER_DATABASE").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("data/jobs.db"));
        let positive = |name: &str, default: u32| -> Result<u32, EnvError> {
            let value = self.parse(name, default, "a whole number > 0")?;
            if value == 0 {
                return Err(EnvError {
                    name: name.into(),
                    value: "0".into(),
                    message: "expected a whole number > 0".into(),
                });
            }
            Ok(value)
        };
        let max_concurrent_jobs = positive("MAX_CONCURRENT_JOBS", 4)?;
        let max_parallel_models = positive("MAX_PARALLEL_MODELS", 4)?;
        Ok(Settings {
            mode,
            preserve_dev_data: self.flag("PRESERVE_DEV_DATA", false)?,
            database: if mode == DeploymentMode::Dev
                && !crate::store::postgres::is_postgres_url(&base.to_string_lossy())
            {
                dev_path(&base)
            } else {
                base
            },
            max_simulation_days: positive("MAX_SIMULATION_DAYS", DEFAULT_MAX_SIMULATION_DAYS)?,
            results_lookback_days: self.parse(
                "DEFAULT_RESULTS_LOOKBACK_DAYS",
                30,
                "a whole number",
            )?,
            max_concurrent_jobs: max_concurrent_jobs as usize,
            max_parallel_models: max_parallel_models as usize,
            worker_concurrency: positive(
                "WORKER_CONCURRENCY",
                max_concurrent_jobs.saturating_mul(max_parallel_models),
            )? as usize,
            max_attempts: positive("MAX_ATTEMPTS", 3)?,
            worker_heartbeat_seconds: u64::from(positive("WORKER_HEARTBEAT_SECONDS", 5)?),
            lease_seconds: u64::from(positive("LEASE_SECONDS", 30)?),
            resume_interrupted_jobs: self.flag("RESUME_INTERRUPTED_JOBS", true)?,
            allowed_origins: self
                .get("ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            allowed_hosts: self
                .get("ALLOWED_HOSTS")
                .map(|v| {
                    v.split(',')
                        .map(|h| h.trim().to_owned())
                        .filter(|h| !h.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            bind_host: None,
            api_token: self.get("AI_TRADER_API_TOKEN"),
            demo_market: self.flag("AI_TRADER_DEMO_MARKET", mode == DeploymentMode::Dev)?,
            openai_api_base: self.get("OPENAI_API_BASE"),
            openai_api_key: self.get("OPENAI_API_KEY").map(Secret::new),
            jina_api_key: self.get("JINA_API_KEY").map(Secret::new),
            jina_base_url: self.get("JINA_BASE_URL"),
            search_keep_undated: self.flag("SEARCH_KEEP_UNDATED", false)?,
            alphavantage_api_key: self.get(&self.alpha_vantage("API_KEY")).map(Secret::new),
            alphavantage_base_url: self.get(&self.alpha_vantage("BASE_URL")),
            alphavantage_retry_base_ms: self.parse(
                &self.alpha_vantage("RETRY_BASE_MS"),
                1000,
                "milliseconds",
            )?,
            alphavantage_timeout_seconds: self.parse(
                &self.alpha_vantage("TIMEOUT_SECONDS"),
                30,
                "seconds",
            )?,
            ui_dir: self.get("AI_TRADER_UI_DIR").map(PathBuf::from),
            today: self.date("AI_TRADER_TODAY")?,
            shutdown_grace_seconds: self.parse("SHUTDOWN_GRACE_SECONDS", 30, "seconds")?,
            header_read_timeout_seconds: u64::from(positive("HEADER_READ_TIMEOUT_SECONDS", 30)?),
            max_connections: positive("MAX_CONNECTIONS", 1024)? as usize,
            access_log: self.flag("ACCESS_LOG", false)?,
        })
    }
}

/// The host names a server answers for by default: loopback names and the address it is
/// bound to. Bound to every address (`0.0.0.0`, `::`), it answers any host unless
/// `ALLOWED_HOSTS` says otherwise.
pub fn allowed_hosts(configured: &[String], bind_host: Option<&str>) -> Option<Vec<String>> {
    if !configured.is_empty() {
        if configured.iter().any(|h| h == "*") {
            return None;
        }
        return Some(configured.iter().map(|h| h.to_ascii_lowercase()).collect());
    }
    let bind = bind_host.map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase());
    if matches!(bind.as_deref(), Some("0.0.0.0" | "::")) {
        return None;
    }
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(str::to_owned).into();
    hosts.extend(bind);
    Some(hosts)
}

/// An `ALLOWED_ORIGINS` entry as browsers send an `Origin` (`scheme://host[:port]`, no path),
/// or why it can never match one.
pub fn parse_origin(entry: &str) -> Result<String, String> {
    if entry == "*" {
        return Ok(entry.to_owned());
    }
    let url = reqwest::Url::parse(entry)
        .map_err(|e| format!("'{entry}' is not an origin (scheme://host[:port]): {e}"))?;
    match url.origin().ascii_serialization().as_str() {
        "null" => Err(format!("'{entry}' is not an origin (scheme://host[:port])")),
        origin => Ok(origin.to_owned()),
    }
}

/// The DEV database beside the PROD one: `data/jobs.db` → `data/jobs_dev.db`; idempotent.
pub fn dev_path(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    if text.ends_with("_dev.db") {
        return path.to_owned();
    }
    match text.strip_suffix(".db") {
        Some(stem) => PathBuf::from(format!("{stem}_dev.db")),
        None => PathBuf::from(format!("{text}_dev")),
    }
}
