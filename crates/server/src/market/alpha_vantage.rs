//! Alpha Vantage `TIME_SERIES_DAILY` JSON files (`daily_prices_<SYM>.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ai_trader_core::Date;
use serde::Deserialize;

use super::Bar;

/// A price file that cannot be imported. Nothing from such a file is imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the directory or a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid Alpha Vantage daily JSON.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The directory holds no `daily_prices_*.json` file.
    #[error("{0}: no daily_prices_<SYMBOL>.json files found")]
    Empty(PathBuf),
}

#[derive(Deserialize)]
struct DailyFile {
    #[serde(rename = "Meta Data")]
    meta: BTreeMap<String, String>,
    #[serde(rename = "Time Series (Daily)")]
    series: BTreeMap<String, BTreeMap<String, String>>,
}

/// Parses one file: its symbol and bars.
pub fn parse_daily_file(path: &Path, text: &str) -> Result<(String, Vec<Bar>), ImportError> {
    let format = |message: String| ImportError::Format {
        path: path.to_owned(),
        message,
    };
    let file: DailyFile = serde_json::from_str(text)
        .map_err(|e| format(format!("not Alpha Vantage daily JSON: {e}")))?;
    let symbol = file
        .meta
        .get("2. Symbol")
        .cloned()
        .ok_or_else(|| format("\"Meta Data\" has no \"2. Symbol\"".into()))?;
    let mut bars = Vec::with_capacity(file.series.len());
    for (day, fields) in &file.series {
        let date = Date::parse(day).map_err(|e| format(format!("{symbol} {day}: {e}")))?;
        let number = |key: &str| -> Result<f64, ImportError> {
            let raw = fields
                .get(key)
                .ok_or_else(|| format(format!("{symbol} {day}: missing \"{key}\"")))?;
            raw.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    format(format!(
                        "{symbol} {day}: \"{key}\" is not a number: {raw:?}"
                    ))
                })
        };
        let bar = Bar {
            date,
            open: number("1. open")?,
            high: number("2. high")?,
            low: number("3. low")?,
            close: number("4. close")?,
            volume: number("5. volume").map(|v| v.max(0.0) as u64).unwrap_or(0),
        };
        if bar.open <= 0.0 || bar.close <= 0.0 || bar.low <= 0.0 || bar.high < bar.low {
            return Err(format(format!(
                "{symbol} {day}: prices must be positive with high >= low (open {}, high {}, low {}, close {})",
                bar.open, bar.high, bar.low, bar.close
            )));
        }
        bars.push(bar);
    }
    Ok((symbol, bars))
}

/// Reads every `daily_prices_<SYM>.json` of a directory; any bad file rejects the whole import.
pub fn read_alpha_vantage_dir(dir: &Path) -> Result<Vec<(String, Vec<Bar>)>, ImportError> {
    let io = |path: &Path, source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("daily_prices_") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(ImportError::Empty(dir.to_owned()));
    }
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
            parse_daily_file(path, &text)
        })
        .collect()
}
