//! The `ai-trader` command line.

#![allow(clippy::print_stdout)] // a CLI prints its results

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use ai_trader_core::{JobStatus, PlanRequest, plan};
use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::app::AppState;
use crate::config::{Env, FileConfig, Settings};
use crate::market::{PriceSource, read_prices};
use crate::store::sqlite::SqliteStore;
use crate::store::{DayFilter, NewJob, Store};
use crate::{api, clock};

/// AI-Trader: AI trading competitions on historical NASDAQ-100 data.
#[derive(Parser)]
#[command(
    name = "ai-trader",
    version,
    after_help = "Examples:\n  \
        DEPLOYMENT_MODE=DEV ai-trader serve            # demo: mock models, synthetic market, no key\n  \
        ai-trader serve --config configs/config.json --port 8080\n  \
        ai-trader import-prices ../shared/data/nasdaq100\n  \
        ai-trader run --start 2025-10-01 --end 2025-10-10 --models mock-trader,buy-and-hold-qqq\n  \
        ai-trader check-model gpt-5 --config configs/config.json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    log_json: bool,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// The SQLite database (DEV mode adds `_dev`).
    #[arg(long, env = "AI_TRADER_DATABASE")]
    database: Option<PathBuf>,
    /// A config file in the reference's JSON shape (default: built-in mock models and baselines).
    #[arg(long, env = "AI_TRADER_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to bind.
        #[arg(long, env = "API_HOST", default_value = "127.0.0.1")]
        host: String,
        /// Port to bind (0 picks a free one).
        #[arg(long, env = "API_PORT", default_value_t = 8080)]
        port: u16,
    },
    /// Import prices: Alpha Vantage daily JSON (daily_prices_<SYM>.json), the reference's
    /// merged.jsonl, or CSV (symbol,date,open,high,low,close,volume); a file or a directory.
    ImportPrices {
        #[command(flatten)]
        common: Common,
        /// A price file or a directory of them.
        dir: PathBuf,
    },
    /// Download missing daily prices from Alpha Vantage (needs ALPHAADVANTAGE_API_KEY).
    DownloadPrices {
        #[command(flatten)]
        common: Common,
        /// First date.
        #[arg(long)]
        start: String,
        /// Last date.
        #[arg(long)]
        end: String,
        /// Only these symbols (comma-separated; default: the NASDAQ-100 and QQQ).
        #[arg(long, value_delimiter = ',')]
        symbols: Vec<String>,
    },
    /// Import a reference trade log (position.jsonl) as a model's history.
    ImportRun {
        #[command(flatten)]
        common: Common,
        /// The model signature the history belongs to.
        #[arg(long)]
        model: String,
        /// The position.jsonl file.
        file: PathBuf,
    },
    /// Check that a model's endpoint, key and tool calling work (one small request).
    CheckModel {
        #[command(flatten)]
        common: Common,
        /// The model's signature.
        signature: String,
    },
    /// Run one job in the foreground and print its results.
    Run {
        #[command(flatten)]
        common: Common,
        /// First date (omit for resume mode).
        #[arg(long)]
        start: Option<String>,
        /// Last date.
        #[arg(long)]
        end: String,
        /// Comma-separated model signatures (default: every enabled model).
        #[arg(long, value_delimiter = ',')]
        models: Vec<String>,
        /// Re-run completed model-days.
        #[arg(long)]
        replace_existing: bool,
    },
}

/// Runs the command line; the exit code is 1 on any error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // In the foreground `run` shows a progress bar: only warnings interleave with it.
    let default_level = if matches!(cli.command, Command::Run { .. }) {
        "warn"
    } else {
        "info,tower_http=warn"
    };
    init_logging(cli.log_json, default_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn load(common: &Common) -> anyhow::Result<(Settings, FileConfig)> {
    let lookup = |name: &str| std::env::var(name).ok();
    let settings = Env(&lookup).settings(common.database.clone())?;
    let config = match &common.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::builtin(),
    };
    Ok((settings, config))
}

async fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { common, host, port } => serve(&common, &host, port).await,
        Command::ImportPrices { common, dir } => import_prices(&common, &dir),
        Command::CheckModel { common, signature } => check_model(&common, &signature).await,
        Command::ImportRun {
            common,
            model,
            file,
        } => import_run(&common, &model, &file),
        Command::DownloadPrices {
            common,
            start,
            end,
            symbols,
        } => download_prices(&common, &start, &end, &symbols).await,
        Command::Run {
            common,
            start,
            end,
            models,
            replace_existing,
        } => {
            let request = PlanRequest {
                start_date: start,
                end_date: end,
                models: (!models.is_empty()).then_some(models),
                replace_existing,
            };
            run(&common, request).await
        }
    }
}

async fn serve(common: &Common, host: &str, port: u16) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let state = AppState::open(settings, config)?;
    let resumed = state.recover().await?;
    let addr: SocketAddr = format!("{host}:{port}")
        .parse()
        .with_context(|| format!("bad address {host}:{port}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot bind {addr}"))?;
    let local = listener.local_addr()?;
    let market = state.market();
    // The one line scripts and people wait for.
    println!(
        "AI-Trader listening on http://{local} ({} mode, {} market data, {} models, {resumed} jobs resumed)",
        state.settings.mode_name(),
        if market.is_synthetic() {
            "synthetic demo"
        } else if market.is_empty() {
            "no"
        } else {
            "imported"
        },
        state.config.models.len(),
    );
    axum::serve(listener, api::router(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

async fn check_model(common: &Common, signature: &str) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let Some(model) = config.models.iter().find(|m| m.signature == signature) else {
        let known: Vec<&str> = config.models.iter().map(|m| m.signature.as_str()).collect();
        anyhow::bail!(
            "unknown model {signature}; configured models: {}",
            known.join(", ")
        );
    };
    if model.provider() != crate::config::Provider::Openai {
        println!(
            "model {signature} uses the {} provider: it needs no endpoint",
            model.provider().as_str()
        );
        return Ok(());
    }
    let agent = crate::agent::openai_agent(model, &config.agent_config, &settings);
    let message = agent.check().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{message}");
    Ok(())
}

async fn download_prices(
    common: &Common,
    start: &str,
    end: &str,
    symbols: &[String],
) -> anyhow::Result<()> {
    let (settings, _) = load(common)?;
    let parse = |field: &str, text: &str| {
        ai_trader_core::Date::parse(text).map_err(|e| anyhow::anyhow!("{e} (field {field})"))
    };
    let (start, end) = (parse("start", start)?, parse("end", end)?);
    anyhow::ensure!(start <= end, "start ({start}) must be <= end ({end})");
    let downloader = settings
        .downloader()
        .context("ALPHAADVANTAGE_API_KEY is not set: downloads need an Alpha Vantage key")?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&settings.database)?);
    let market = store.load_market()?;
    let dates: Vec<ai_trader_core::Date> =
        ai_trader_core::Date::range_inclusive(start, end).collect();
    let symbols: Vec<String> = symbols
        .iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .collect();
    let only = (!symbols.is_empty()).then_some(symbols.as_slice());
    let progress = |done: usize, total: usize| {
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(width);
        eprint!(
            "\r[{}{}] {done}/{total} symbols",
            "#".repeat(filled),
            "-".repeat(width - filled)
        );
    };
    let report = downloader
        .fill(store, &market, &dates, only, &progress)
        .await?;
    eprintln!();
    println!(
        "Downloaded {} bars of {} symbols{}",
        report.bars,
        report.downloaded.len(),
        if report.failed.is_empty() {
            String::new()
        } else {
            format!("; {} failed", report.failed.len())
        }
    );
    for (symbol, why) in &report.failed {
        println!("  {symbol}: {why}");
    }
    for warning in report.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

fn import_run(common: &Common, model: &str, file: &std::path::Path) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = SqliteStore::open(&settings.database)?;
    let market = store.load_market()?;
    let job = NewJob {
        job_id: uuid::Uuid::new_v4().to_string(),
        created_at: clock::timestamp(),
        request_json: serde_json::json!({"import_run": file.display().to_string(), "model": model})
            .to_string(),
    };
    let first = crate::history::first_date(&text);
    let previous = match first {
        Some(date) => store.previous_day(model, date)?,
        None => None,
    };
    let days = crate::history::replay(
        file,
        &text,
        &job.job_id,
        model,
        &market,
        previous.as_ref(),
        config.agent_config.initial_cash,
    )?;
    store
        .import_run(&job, model, &days)?
        .map_err(anyhow::Error::msg)?;
    let trades: usize = days.iter().map(|d| d.fills.len()).sum();
    println!(
        "Imported {} days ({} trades) of {model} as job {}, {} to {}",
        days.len(),
        trades,
        job.job_id,
        days[0].date,
        days[days.len() - 1].date
    );
    if !config.models.iter().any(|m| m.signature == model) {
        println!("note: {model} is not in the configuration; add it to trade it in new jobs");
    }
    Ok(())
}

fn import_prices(common: &Common, path: &std::path::Path) -> anyhow::Result<()> {
    let (settings, _) = load(common)?;
    let import = read_prices(path)?;
    let store = SqliteStore::open(&settings.database)?;
    let before = store.load_market()?;
    let rows = import.rows();
    let (mut new, mut unchanged) = (0, 0);
    for (symbol, bar) in &rows {
        match before.bar(symbol, bar.date) {
            None => new += 1,
            Some(old) if old == bar => unchanged += 1,
            Some(_) => {}
        }
    }
    let updated = rows.len() - new - unchanged;
    store.insert_prices(&rows, PriceSource::Imported)?;
    println!(
        "Imported {} bars of {} symbols from {} files into {}: {new} new, {updated} updated, {unchanged} unchanged",
        rows.len(),
        import.series.len(),
        import.files,
        settings.database.display()
    );
    if import.open_only > 0 {
        println!(
            "Left out {} bars that hold only an open (no close to value them at)",
            import.open_only
        );
    }
    Ok(())
}

async fn run(common: &Common, request: PlanRequest) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let state: Arc<AppState> = AppState::open(settings, config)?;
    let job = NewJob {
        job_id: uuid::Uuid::new_v4().to_string(),
        created_at: clock::timestamp(),
        request_json: serde_json::to_string(&request)?,
    };
    let planner = state.clone();
    let planned = state.store.create_job(&job, &mut |snapshot| {
        plan(&request, &planner.plan_context(snapshot.clone(), None))
    })??;
    for warning in &planned.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "job {}: {} model-days to run, {} skipped",
        job.job_id, planned.totals.run, planned.totals.skipped
    );
    let handle = state.worker.spawn(job.job_id.clone());
    let total = planned.totals.total_model_days.max(1);
    loop {
        let record = state.store.job(&job.job_id)?.context("job vanished")?;
        let p = record.progress;
        let done = p.completed + p.failed + p.skipped;
        let width = 30;
        let filled = (done * width / total) as usize;
        eprint!(
            "\r[{}{}] {done}/{total} model-days ({} failed)",
            "#".repeat(filled),
            "-".repeat(width as usize - filled),
            p.failed
        );
        if record.status.is_terminal() {
            eprintln!();
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    handle.await.ok();
    let record = state.store.job(&job.job_id)?.context("job vanished")?;
    print_results(state.store.as_ref(), &job.job_id, record.status)
}

fn print_results(store: &dyn Store, job_id: &str, status: JobStatus) -> anyhow::Result<()> {
    let days = store.trading_days(&DayFilter {
        job_id: Some(job_id.to_owned()),
        ..DayFilter::default()
    })?;
    println!("job {job_id}: {status}");
    println!(
        "{:<24} {:>5} {:>14} {:>14} {:>9} {:>7}",
        "model", "days", "start value", "end value", "return", "trades"
    );
    let mut models: Vec<&str> = days.iter().map(|d| d.model.as_str()).collect();
    models.dedup();
    for model in models {
        let rows: Vec<_> = days.iter().filter(|d| d.model == model).collect();
        let (first, last) = (rows[0], rows[rows.len() - 1]);
        let start = first.starting_portfolio_value;
        let end = last.ending_portfolio_value;
        let trades: u32 = rows.iter().map(|d| d.total_actions).sum();
        let ret = if start > 0.0 {
            (end / start - 1.0) * 100.0
        } else {
            0.0
        };
        println!(
            "{model:<24} {:>5} {start:>14.2} {end:>14.2} {ret:>8.2}% {trades:>7}",
            rows.len()
        );
    }
    Ok(())
}
