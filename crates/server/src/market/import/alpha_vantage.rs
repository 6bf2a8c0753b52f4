//! Alpha Vantage `TIME_SERIES_DAILY` JSON, and the reference's `merged.jsonl` (one such object
//! per line, with `1. buy price` / `4. sell price` for open and close).

use std::collections::BTreeMap;
use std::path::Path;

use ai_trader_core::Date;
use serde::Deserialize;
use serde_json::Value;

use super::{ImportError, PriceImport, check_bar};
use crate::market::Bar;

#[derive(Deserialize)]
struct Daily {
    #[serde(rename = "Meta Data")]
    meta: BTreeMap<String, Value>,
    #[serde(rename = "Time Series (Daily)")]
    series: BTreeMap<String, BTreeMap<String, Value>>,
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

/// Parses one daily object into `import`; `row` locates errors.
fn parse(
    value: Value,
    import: &mut PriceImport,
    row: &dyn Fn(String) -> ImportError,
) -> Result<(), ImportError> {
    let daily: Daily = serde_json::from_value(value)
        .map_err(|e| row(format!("not Alpha Vantage daily JSON: {e}")))?;
    let symbol = daily
        .meta
        .get("2. Symbol")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| row("\"Meta Data\" has no \"2. Symbol\"".into()))?;
    for (day, fields) in &daily.series {
        let at = |message: String| row(format!("{symbol} {day}: {message}"));
        let date = Date::parse(day).map_err(|e| at(e.to_string()))?;
        let open = number(fields, &["1. open", "1. buy price"]).map_err(at)?;
        let close = number(fields, &["4. close", "4. sell price"]).map_err(at)?;
        let (Some(open), Some(close)) = (open, close) else {
            if open.is_some() {
                import.open_only += 1;
                continue;
            }
            return Err(at("no open price".into()));
        };
        let high = number(fields, &["2. high"])
            .map_err(at)?
            .unwrap_or(open.max(close));
        let low = number(fields, &["3. low"])
            .map_err(at)?
            .unwrap_or(open.min(close));
        let volume = number(fields, &["5. volume"]).map_err(at)?.unwrap_or(0.0);
        let bar = Bar {
            date,
            open,
            high,
            low,
            close,
            volume: volume.max(0.0) as u64,
        };
        check_bar(&bar).map_err(at)?;
        import.add(&symbol, bar).map_err(&row)?;
    }
    Ok(())
}

/// A `daily_prices_<SYM>.json` file.
pub(super) fn read_file(
    path: &Path,
    text: &str,
    import: &mut PriceImport,
) -> Result<(), ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::Format {
        path: path.to_owned(),
        message: format!("not JSON: {e}"),
    })?;
    parse(value, import, &|message| ImportError::Format {
        path: path.to_owned(),
        message,
    })
}

/// A `merged.jsonl` file: one daily object per line.
pub(super) fn read_jsonl(
    path: &Path,
    text: &str,
    import: &mut PriceImport,
) -> Result<(), ImportError> {
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = |message: String| ImportError::Row {
            path: path.to_owned(),
            line: index + 1,
            message,
        };
        let value: Value = serde_json::from_str(line).map_err(|e| row(format!("not JSON: {e}")))?;
        parse(value, import, &row)?;
    }
    Ok(())
}
