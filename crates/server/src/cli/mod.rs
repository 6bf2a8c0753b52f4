//! The `ai-trader` command line.

#![allow(clippy::print_stdout)] // a CLI prints its results

mod models;
mod prices;
mod run;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use ai_trader_core::PlanRequest;
use clap::{Parser, Subcommand};

use crate::config::{Env, FileConfig, Settings};

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
        /// Serve the API only: jobs are run by `ai-trader worker` processes on the same
        /// database.
        #[arg(long)]
        no_worker: bool,
    },
    /// Run jobs without serving the API: picks up every job of the database, whichever API
    /// process created it, until SIGINT or SIGTERM.
    Worker {
        #[command(flatten)]
        common: Common,
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
        /// The run to create or continue (default: main); an independent portfolio chain.
        #[arg(long)]
        run: Option<String>,
        /// Independent runs of each model (RUN-1 … RUN-N); the results table then shows each
        /// statistic's mean with its 95% interval.
        #[arg(long)]
        repeats: Option<u32>,
        /// A note kept with the runs.
        #[arg(long)]
        note: Option<String>,
        /// The job's budget in USD: no model-day starts whose expected cost would pass it.
        #[arg(long, value_name = "USD")]
        max_cost: Option<f64>,
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
    // Colours only for a terminal: a log file or a pipe gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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
        Command::Serve {
            common,
            host,
            port,
            no_worker,
        } => serve::serve(&common, &host, port, !no_worker).await,
        Command::Worker { common } => serve::worker(&common).await,
        Command::ImportPrices { common, dir } => prices::import_prices(&common, &dir),
        Command::CheckModel { common, signature } => models::check_model(&common, &signature).await,
        Command::ImportRun {
            common,
            model,
            file,
        } => models::import_run(&common, &model, &file),
        Command::DownloadPrices {
            common,
            start,
            end,
            symbols,
        } => prices::download_prices(&common, &start, &end, &symbols).await,
        Command::Run {
            common,
            start,
            end,
            models,
            replace_existing,
            run,
            repeats,
            note,
            max_cost,
        } => {
            let request = PlanRequest {
                start_date: start,
                end_date: end,
                models: (!models.is_empty()).then_some(models),
                replace_existing,
                run,
                repeats,
                note,
                max_cost_usd: max_cost,
                ..Default::default()
            };
            run::run(&common, request).await
        }
    }
}
