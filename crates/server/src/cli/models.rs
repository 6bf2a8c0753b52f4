//! `ai-trader check-model` and `ai-trader import-run`: a model's endpoint, and a model's past
//! run brought in as history.

#![allow(clippy::print_stdout)] // a CLI prints its results

use anyhow::Context as _;

use super::{Common, load};
use crate::app::open_store;
use crate::config::Provider;
use crate::store::NewJob;

pub(super) async fn check_model(common: &Common, signature: &str) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let Some(model) = config.models.iter().find(|m| m.signature == signature) else {
        let known: Vec<&str> = config.models.iter().map(|m| m.signature.as_str()).collect();
        anyhow::bail!(
            "unknown model {signature}; configured models: {}",
            known.join(", ")
        );
    };
    if model.provider() != Provider::Openai {
        println!(
            "model {signature} uses the {} provider: it needs no endpoint",
            model.provider().as_str()
        );
        return Ok(());
    }
    let redactor = crate::app::redactor(&settings, &config);
    let agent = crate::agent::openai_agent(model, &config.agent_config, &settings, &redactor);
    let message = agent.check().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{message}");
    Ok(())
}

pub(super) fn import_run(
    common: &Common,
    model: &str,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let db = open_store(&settings)?;
    let store = db.blocking();
    let market = store.load_market()?;
    let clock = settings.clock();
    let job = NewJob {
        job_id: uuid::Uuid::new_v4().to_string(),
        created_at: clock.timestamp(),
        request_json: serde_json::json!({"import_run": file.display().to_string(), "model": model})
            .to_string(),
    };
    let first = crate::history::first_date(&text);
    let previous = match first {
        Some(date) => store.previous_day(model, ai_trader_core::run::MAIN_RUN, date)?,
        None => None,
    };
    let replay = crate::history::replay(
        file,
        &text,
        (&job.job_id, model),
        &market,
        previous,
        config.agent_config.initial_cash,
        &clock,
    )?;
    let days = &replay.days;
    store.import_run(&job, model, days)??;
    let trades: usize = days.iter().map(|d| d.activity.fills.len()).sum();
    println!(
        "Imported {} days ({} trades) of {model} as job {}, {} to {}",
        days.len(),
        trades,
        job.job_id,
        days[0].date,
        days[days.len() - 1].date
    );
    if replay.zero_amount_noops > 0 {
        println!(
            "{} buys or sells of 0 shares changed nothing and were taken as no trade",
            replay.zero_amount_noops
        );
    }
    if !config.models.iter().any(|m| m.signature == model) {
        println!("note: {model} is not in the configuration; add it to trade it in new jobs");
    }
    Ok(())
}
