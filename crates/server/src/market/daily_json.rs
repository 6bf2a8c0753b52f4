//! The one parser of Alpha Vantage `TIME_SERIES_DAILY` JSON, for imported files, the
//! reference's `merged.jsonl` lines (`1. buy price` / `4. sell price` for open and close) and
//! downloads alike: every bar is checked, dates are strict, a bar holding only an open is
//! counted and left out (there is no close to value it at).

use std::collections::BTreeMap;

use ai_trader_core::Date;
use serde::Deserialize;
use serde_json::Value;

use super::Bar;
use super::import::check_bar;

#[derive(Deserialize)]
struct Daily {
    #[serde(rename = "Meta Data")]
    meta: BTreeMap<String, Value>,
    #[serde(rename = "Time Series (Daily)")]
    series: BTreeMap<String, BTreeMap<String, Value>>,
}

/// One symbol's daily series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DailySeries {
    /// The symbol, upper case.
    pub symbol: String,
    /// Checked bars, by date.
    pub bars: Vec<Bar>,
    /// Bars left out because they hold only an open.
    pub open_only: usize,
}

fn number(fields: &BTreeMap<String, Value>, keys: &[&str]) -> Result<Option<f64>, String> {
    let Some((key, value)) = keys.iter().find_map(|k| fields.get(*k).map(|v| (*k, v))) else {
        return Ok(None);
    };
    let parsed = match value {
        Value::String(s) => s.trim().parse::<f64>().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    parsed
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| format!("\"{key}\" is not a number: {value}"))
}

fn bar(date: Date, fields: &BTreeMap<String, Value>) -> Result<Option<Bar>, String> {
    let open = number(fields, &["1. open", "1. buy price"])?;
    let close = number(fields, &["4. close", "4. sell price"])?;
    let (Some(open), Some(close)) = (open, close) else {
        return match open {
            Some(_) => Ok(None),
            None => Err("no open price".into()),
        };
    };
    let high = number(fields, &["2. high"])?.unwrap_or(open.max(close));
    let low = number(fields, &["3. low"])?.unwrap_or(open.min(close));
    let volume = number(fields, &["5. volume"])?.unwrap_or(0.0);
    let bar = Bar {
        date,
        open,
        high,
        low,
        close,
        volume: volume.max(0.0) as u64,
    };
    check_bar(&bar)?;
    Ok(Some(bar))
}

/// Parses one daily object. Errors say what is wrong, naming the symbol and the day.
pub(crate) fn parse_daily(value: Value) -> Result<DailySeries, String> {
    let daily: Daily =
        serde_json::from_value(value).map_err(|e| format!("not Alpha Vantage daily JSON: {e}"))?;
    let symbol = daily
        .meta
        .get("2. Symbol")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| "\"Meta Data\" has no \"2. Symbol\"".to_owned())?;
    let mut series = DailySeries {
        symbol,
        bars: Vec::with_capacity(daily.series.len()),
        open_only: 0,
    };
    for (day, fields) in &daily.series {
        let at = |message: String| format!("{} {day}: {message}", series.symbol);
        let date = Date::parse(day).map_err(|e| at(e.to_string()))?;
        match bar(date, fields).map_err(at)? {
            Some(bar) => series.bars.push(bar),
            None => series.open_only += 1,
        }
    }
    // The map is ordered by its keys, strict dates: the bars are in date order.
    Ok(series)
}
