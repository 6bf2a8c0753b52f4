//! The price table.

use rusqlite::{Connection, Transaction, params};

use super::{StoreError, date};
use crate::market::{Bar, MarketData, PriceSource};

pub(super) fn insert(
    tx: &Transaction<'_>,
    rows: &[(String, Bar)],
    source: PriceSource,
    now: &str,
) -> Result<usize, StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO price_data (symbol, date, open, high, low, close, volume, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (symbol, bar) in rows {
        stmt.execute(params![
            symbol,
            bar.date.to_string(),
            bar.open,
            bar.high,
            bar.low,
            bar.close,
            bar.volume as i64,
            source.as_str(),
            now
        ])?;
    }
    if !rows.is_empty() {
        tx.execute(
            "UPDATE data_versions SET version = version + 1 WHERE name = 'prices'",
            [],
        )?;
    }
    Ok(rows.len())
}

/// The prices' version: it moves with every write of prices.
pub(super) fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT version FROM data_versions WHERE name = 'prices'",
        [],
        |r| r.get(0),
    )?)
}

pub(super) fn load(conn: &Connection) -> Result<MarketData, StoreError> {
    let mut stmt = conn
        .prepare("SELECT symbol, date, open, high, low, close, volume, source FROM price_data")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, f64>(2)?,
            r.get::<_, f64>(3)?,
            r.get::<_, f64>(4)?,
            r.get::<_, f64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (symbol, day, open, high, low, close, volume, source) = row?;
        let bar = Bar {
            date: date(&day)?,
            open,
            high,
            low,
            close,
            volume: volume.max(0) as u64,
        };
        out.push((symbol, PriceSource::parse(&source), bar));
    }
    Ok(MarketData::new(out))
}

pub(super) fn coverage(
    conn: &Connection,
) -> Result<Vec<(String, ai_trader_core::Date, ai_trader_core::Date)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT symbol, start_date, end_date FROM price_data_coverage ORDER BY symbol, start_date",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (symbol, start, end) = row?;
        out.push((symbol, date(&start)?, date(&end)?));
    }
    Ok(out)
}

pub(super) fn store_download(
    tx: &Transaction<'_>,
    symbol: &str,
    bars: &[Bar],
    start: ai_trader_core::Date,
    end: ai_trader_core::Date,
    now: &str,
) -> Result<(), StoreError> {
    let rows: Vec<(String, Bar)> = bars.iter().map(|b| (symbol.to_owned(), *b)).collect();
    insert(tx, &rows, PriceSource::Downloaded, now)?;
    tx.execute(
        "INSERT OR REPLACE INTO price_data_coverage (symbol, start_date, end_date, source, downloaded_at)
         VALUES (?1, ?2, ?3, 'alpha_vantage', ?4)",
        params![symbol, start.to_string(), end.to_string(), now],
    )?;
    Ok(())
}
