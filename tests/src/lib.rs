//! A harness for black-box tests: starts the real `ai-trader` binary on a free port with its own
//! database in a temporary directory, and talks to it over real HTTP.
//!
//! The binary is `$AI_TRADER_BIN`, else `target/debug/ai-trader` (scripts/test builds it).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub mod browser;
pub mod fake_alphavantage;
pub mod fake_openai;
pub mod llm;

/// Polls `check` until it holds; a poll loop that gives up fails the test, saying what it
/// waited for and the last thing it saw.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    match eventually_or(timeout, check).await {
        Ok(value) => value,
        Err(last) => panic!("{what}: not after {timeout:?}; last seen: {last}"),
    }
}

/// Like [`eventually`], but gives the last thing seen back to the caller on timeout (to add a
/// screenshot, say) instead of failing at once.
pub async fn eventually_or<T, F, Fut>(timeout: Duration, mut check: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match check().await {
            Ok(value) => return Ok(value),
            Err(last) if start.elapsed() >= timeout => return Err(last),
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// A new workspace with the real prices imported and a server started on it with `options`.
pub fn serve_real_data(options: &Options) -> (Workspace, Server) {
    let workspace = Workspace::new();
    workspace.import_real_data(options);
    let server = workspace.start(options);
    (workspace, server)
}

/// The details of a job's status response that are in `status` (`failed`, `completed`, …).
pub fn details_in<'a>(job: &'a Value, status: &str) -> Vec<&'a Value> {
    job["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter(|d| d["status"] == status)
        .collect()
}

/// The binary under test.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AI_TRADER_BIN") {
        return PathBuf::from(path);
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/ai-trader");
    assert!(
        path.exists(),
        "{} missing: run `cargo build -p ai-trader-server` first",
        path.display()
    );
    path
}

/// The shared real NASDAQ-100 data beside the checkout.
pub fn real_data_dir() -> PathBuf {
    let dir = std::env::var_os("AI_TRADER_DATA_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/nasdaq100"),
        PathBuf::from,
    );
    assert!(dir.is_dir(), "real data not found at {}", dir.display());
    dir
}

/// How to start a server.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// A config file's text.
    pub config: Option<String>,
}

impl Options {
    /// PROD mode (real providers), no demo market.
    pub fn prod() -> Self {
        Self {
            env: vec![
                env("DEPLOYMENT_MODE", "PROD"),
                env("AI_TRADER_DEMO_MARKET", "false"),
            ],
            config: None,
        }
    }

    /// DEV mode on a database that survives restarts, with the given prices imported first.
    pub fn dev() -> Self {
        Self {
            env: vec![
                env("DEPLOYMENT_MODE", "DEV"),
                env("PRESERVE_DEV_DATA", "true"),
            ],
            config: None,
        }
    }

    /// Adds an environment variable.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.env.push(env(name, value));
        self
    }

    /// Uses a config file.
    pub fn config(mut self, text: &str) -> Self {
        self.config = Some(text.to_owned());
        self
    }
}

fn env(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// Sends `count` copies of the trigger `body` at once, spread over `apis` in turn, and checks
/// that exactly one was accepted and every other refused (400) with a detail containing
/// `refusal`. Returns the accepted answer.
pub async fn one_of_simultaneous_triggers(
    apis: &std::sync::Arc<[Server; 2]>,
    count: usize,
    body: &Value,
    refusal: &str,
) -> Value {
    let calls: Vec<_> = (0..count)
        .map(|i| {
            let (apis, body) = (apis.clone(), body.clone());
            tokio::spawn(async move { apis[i % 2].post("/simulate/trigger", &body).await })
        })
        .collect();
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.expect("a trigger call"));
    }
    let accepted: Vec<&Value> = answers
        .iter()
        .filter(|(code, _)| *code == 200)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(accepted.len(), 1, "{answers:?}");
    for (code, body) in answers.iter().filter(|(code, _)| *code != 200) {
        assert_eq!(*code, 400, "{body}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(refusal), "{detail}");
    }
    accepted[0].clone()
}

/// A data directory shared by the restarts of one test, and its database: a SQLite file in
/// the directory, or, when `AI_TRADER_E2E_POSTGRES` names a PostgreSQL server, a fresh
/// database of its own there (the suite runs on both backends; see scripts/test).
pub struct Workspace {
    dir: tempfile::TempDir,
    postgres: Option<String>,
}

/// The PostgreSQL server the suite runs on, if any.
pub fn e2e_postgres() -> Option<String> {
    std::env::var("AI_TRADER_E2E_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
}

/// Creates a database of its own on the server at `admin_url`; returns its URL.
pub fn fresh_postgres_database(admin_url: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "e2e_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    // On a thread of its own: the client blocks on a runtime, which a test's runtime refuses.
    let (admin, create) = (admin_url.to_owned(), format!("CREATE DATABASE {name}"));
    std::thread::spawn(move || {
        let mut client =
            postgres::Client::connect(&admin, postgres::NoTls).expect("connect to PostgreSQL");
        client.batch_execute(&create).expect("create a database");
    })
    .join()
    .expect("create a database");
    let (base, _) = admin_url.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

impl Workspace {
    /// A fresh directory, on the suite's backend.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            postgres: e2e_postgres().map(|admin| fresh_postgres_database(&admin)),
        }
    }

    /// A fresh directory with a SQLite database, whatever the suite's backend: for what only a
    /// file has (its lock, its disk, DEV mode's reset).
    pub fn sqlite() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            postgres: None,
        }
    }

    /// A fresh directory on a fresh PostgreSQL database; panics when the suite has no server
    /// (run it under scripts/with-postgres, as scripts/test does).
    pub fn postgres() -> Self {
        let admin = e2e_postgres()
            .or_else(|| std::env::var("AI_TRADER_TEST_POSTGRES").ok())
            .expect("no PostgreSQL server: run the tests under scripts/with-postgres");
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            postgres: Some(fresh_postgres_database(&admin)),
        }
    }

    /// Whether the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The database: its base path (DEV mode adds `_dev`), or its PostgreSQL URL.
    pub fn database(&self) -> PathBuf {
        match &self.postgres {
            Some(url) => PathBuf::from(url),
            None => self.dir.path().join("jobs.db"),
        }
    }

    /// A file in the workspace.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, options: &Options) -> Command {
        let mut command = Command::new(binary());
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.env("AI_TRADER_DATABASE", self.database());
        command.env("RUST_LOG", "info");
        for (name, value) in &options.env {
            command.env(name, value);
        }
        if let Some(text) = &options.config {
            let path = self.path("config.json");
            std::fs::write(&path, text).expect("write config");
            command.env("AI_TRADER_CONFIG", path);
        }
        command
    }

    /// Runs a CLI command to completion: (exit code, stdout, stderr).
    pub fn cli(&self, options: &Options, args: &[&str]) -> (i32, String, String) {
        let output = self
            .command(options)
            .args(args)
            .output()
            .expect("run ai-trader");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Imports the real NASDAQ-100 prices.
    pub fn import_real_data(&self, options: &Options) {
        let dir = real_data_dir();
        let (code, out, err) = self.cli(options, &["import-prices", dir.to_str().unwrap()]);
        assert_eq!(code, 0, "import failed: {out} {err}");
        assert!(
            out.contains("Imported 10200 bars of 102 symbols from 103 files"),
            "{out}"
        );
    }

    /// Starts a server; it is killed when dropped.
    pub fn start(&self, options: &Options) -> Server {
        self.start_with(options, &[])
    }

    /// Starts an API-only server (`serve --no-worker`); it is killed when dropped.
    pub fn start_api_only(&self, options: &Options) -> Server {
        self.start_with(options, &["--no-worker"])
    }

    /// Starts `ai-trader worker` and waits for its first line; it is killed when dropped.
    pub fn start_worker(&self, options: &Options) -> WorkerProcess {
        let (child, line, log) = self.spawn_logged(options, "worker", &["worker"]);
        assert!(
            line.starts_with("AI-Trader worker "),
            "{line:?}; log: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        WorkerProcess { child, log }
    }

    /// Spawns `ai-trader <args>` with its stderr in `<name>-<pid>.log` and reads the first
    /// line it prints: (process, line, log).
    fn spawn_logged(
        &self,
        options: &Options,
        name: &str,
        args: &[&str],
    ) -> (Child, String, PathBuf) {
        let log = self.path(&format!("{name}-{}.log", std::process::id()));
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log file");
        let mut child = self
            .command(options)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("start ai-trader {args:?}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the first line");
        (child, line, log)
    }

    /// Runs `ai-trader worker` to its end: (exit code, stderr), e.g. when it must refuse.
    pub fn worker_refusal(&self, options: &Options) -> (i32, String) {
        let out = self
            .command(options)
            .arg("worker")
            .output()
            .expect("run ai-trader worker");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn start_with(&self, options: &Options, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--host", "127.0.0.1", "--port", "0"];
        args.extend_from_slice(extra);
        let (child, line, log) = self.spawn_logged(options, "server", &args);
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| {
                panic!(
                    "no URL in {line:?}; log: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .to_owned();
        Server {
            child,
            url,
            log,
            client: reqwest::Client::new(),
        }
    }
}

/// A running `ai-trader worker`.
pub struct WorkerProcess {
    child: Child,
    /// Its log file (stderr).
    pub log: PathBuf,
}

impl WorkerProcess {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it without warning (SIGKILL).
    pub fn kill_9(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Sends SIGTERM and waits for it to exit; returns its exit code.
    pub fn terminate(mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running server.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its log file (stderr).
    pub log: PathBuf,
    client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Kills the process without warning (SIGKILL).
    pub fn kill_9(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Sends SIGTERM and waits for the process to exit (at most `timeout`); returns its exit
    /// code.
    pub fn terminate(mut self, timeout: Duration) -> Option<i32> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "kill -TERM failed");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(
                start.elapsed() < timeout,
                "the server did not exit within {timeout:?} of SIGTERM; log: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the process in KiB (Linux `/proc`), if readable.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A GET: (status, JSON body).
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("GET");
        Self::json(response).await
    }

    /// A GET with request headers: (status, response headers, raw body).
    pub async fn get_raw(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let request = headers.iter().fold(
            self.client.get(format!("{}{path}", self.url)),
            |request, (name, value)| request.header(*name, *value),
        );
        let response = request.send().await.expect("GET");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body").to_vec();
        (status, headers, body)
    }

    /// A POST of a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .expect("POST");
        Self::json(response).await
    }

    /// A POST of raw text with a content type and optional bearer token.
    pub async fn post_raw(&self, path: &str, body: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::json(request.send().await.expect("POST")).await
    }

    /// A request with exactly these headers (reqwest adds none but `Host` and
    /// `Content-Length`); `host` overrides the `Host` header.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let request = headers.iter().fold(
            self.client
                .request(method, format!("{}{path}", self.url))
                .body(body.to_owned()),
            |request, (name, value)| request.header(*name, *value),
        );
        Self::json(request.send().await.expect("request")).await
    }

    async fn json(response: reqwest::Response) -> (u16, Value) {
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    /// Triggers a job and returns its id (panics unless 200).
    pub async fn trigger(&self, body: &Value) -> String {
        let (status, response) = self.post("/simulate/trigger", body).await;
        assert_eq!(status, 200, "trigger failed: {response}");
        response["job_id"].as_str().expect("job_id").to_owned()
    }

    /// Polls a job until it is terminal (at most `timeout`).
    pub async fn wait(&self, job_id: &str, timeout: Duration) -> Value {
        self.wait_status(job_id, "the job to end", timeout, |job| {
            matches!(
                job["status"].as_str(),
                Some("completed" | "partial" | "failed" | "cancelled")
            )
        })
        .await
    }

    /// Polls a job's status until `check` holds for it (at most `timeout`).
    pub async fn wait_status(
        &self,
        job_id: &str,
        what: &str,
        timeout: Duration,
        check: impl Fn(&Value) -> bool,
    ) -> Value {
        let path = format!("/simulate/status/{job_id}");
        eventually(&format!("job {job_id}: {what}"), timeout, || async {
            let (status, job) = self.get(&path).await;
            assert_eq!(status, 200, "{job}");
            if check(&job) {
                Ok(job)
            } else {
                Err(job.to_string())
            }
        })
        .await
    }
}
