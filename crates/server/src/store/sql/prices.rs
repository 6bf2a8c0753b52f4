//! The price table.

use ai_trader_core::Date;

use super::{Conn, StoreError, args, date};
use crate::market::{Bar, MarketData, PriceSource};

pub(super) fn insert(
    c: &mut dyn Conn,
    rows: &[(String, Bar)],
    source: PriceSource,
    now: &str,
) -> Result<usize, StoreError> {
    for (symbol, bar) in rows {
        c.execute(
            "INSERT INTO price_data (symbol, date, open, high, low, close, volume, source, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (symbol, date) DO UPDATE SET open = excluded.open, high = excluded.high,
                 low = excluded.low, close = excluded.close, volume = excluded.volume,
                 source = excluded.source, created_at = excluded.created_at",
            args![
                symbol,
                bar.date.to_string(),
                bar.open,
                bar.high,
                bar.low,
                bar.close,
                bar.volume,
                source.as_str(),
                now
            ],
        )?;
    }
    if !rows.is_empty() {
        c.execute(
            "UPDATE data_versions SET version = version + 1 WHERE name = 'prices'",
            &[],
        )?;
    }
    Ok(rows.len())
}

/// The prices' version: it moves with every write of prices.
pub(super) fn version(c: &mut dyn Conn) -> Result<i64, StoreError> {
    c.query_one(
        "SELECT version FROM data_versions WHERE name = 'prices'",
        &[],
    )?
    .get(0)
}

pub(super) fn load(c: &mut dyn Conn) -> Result<MarketData, StoreError> {
    let rows = c.query(
        "SELECT symbol, date, open, high, low, close, volume, source FROM price_data",
        &[],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let bar = Bar {
            date: date(&r.get::<String>(1)?)?,
            open: r.get(2)?,
            high: r.get(3)?,
            low: r.get(4)?,
            close: r.get(5)?,
            volume: r.get(6)?,
        };
        let source: String = r.get(7)?;
        out.push((r.get(0)?, PriceSource::parse(&source), bar));
    }
    Ok(MarketData::new(out))
}

pub(super) fn coverage(c: &mut dyn Conn) -> Result<Vec<(String, Date, Date)>, StoreError> {
    let rows = c.query(
        "SELECT symbol, start_date, end_date FROM price_data_coverage ORDER BY symbol, start_date",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok((
                r.get(0)?,
                date(&r.get::<String>(1)?)?,
                date(&r.get::<String>(2)?)?,
            ))
        })
        .collect()
}

pub(super) fn store_download(
    c: &mut dyn Conn,
    symbol: &str,
    bars: &[Bar],
    start: Date,
    end: Date,
    now: &str,
) -> Result<(), StoreError> {
    let rows: Vec<(String, Bar)> = bars.iter().map(|b| (symbol.to_owned(), *b)).collect();
    insert(c, &rows, PriceSource::Downloaded, now)?;
    c.execute(
        "INSERT INTO price_data_coverage (symbol, start_date, end_date, source, downloaded_at)
         VALUES (?1, ?2, ?3, 'alpha_vantage', ?4)
         ON CONFLICT (symbol, start_date, end_date) DO UPDATE SET
             source = excluded.source, downloaded_at = excluded.downloaded_at",
        args![symbol, start.to_string(), end.to_string(), now],
    )?;
    Ok(())
}
