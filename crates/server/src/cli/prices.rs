//! `ai-trader import-prices` and `ai-trader download-prices`.

#![allow(clippy::print_stdout)] // a CLI prints its results

use anyhow::Context as _;

use super::{Common, load};
use crate::app::{downloader, open_store, redactor};
use crate::market::{PriceSource, read_prices};

pub(super) async fn download_prices(
    common: &Common,
    start: &str,
    end: &str,
    symbols: &[String],
) -> anyhow::Result<()> {
    let (settings, config) = load(common)?;
    let parse = |field: &str, text: &str| {
        ai_trader_core::Date::parse(text).map_err(|e| anyhow::anyhow!("{e} (field {field})"))
    };
    let (start, end) = (parse("start", start)?, parse("end", end)?);
    anyhow::ensure!(start <= end, "start ({start}) must be <= end ({end})");
    let downloader = downloader(&settings, &redactor(&settings, &config))
        .context("ALPHAADVANTAGE_API_KEY is not set: downloads need an Alpha Vantage key")?;
    let db = open_store(&settings)?;
    let market = db.load_market().await?;
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
        .fill(&db, &market, &dates, only, &progress)
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

pub(super) fn import_prices(common: &Common, path: &std::path::Path) -> anyhow::Result<()> {
    let (settings, _) = load(common)?;
    let import = read_prices(path)?;
    let db = open_store(&settings)?;
    let store = db.blocking();
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
