//! Price files: Alpha Vantage daily JSON (`daily_prices_<SYM>.json`), the reference's
//! `merged.jsonl`, and CSV (`symbol,date,open,high,low,close,volume`). A path may be one file
//! or a directory of them. Every bar is checked; one bad row rejects the whole import, naming
//! the file and the line, so nothing is half imported.

mod alpha_vantage;
mod csv;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Bar;

/// A price import that cannot be done. Nothing is imported then.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not in the expected format.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A row is invalid.
    #[error("{path}:{line}: {message}")]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Nothing to import.
    #[error("{0}: no price files found (daily_prices_<SYMBOL>.json, *.jsonl or *.csv)")]
    Empty(PathBuf),
}

/// The prices read from a path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceImport {
    /// Bars per symbol, sorted by date.
    pub series: BTreeMap<String, Vec<Bar>>,
    /// Files read.
    pub files: usize,
    /// Bars left out because they hold only an open (`merged.jsonl` keeps only the open of its
    /// last day, so that agents cannot see its close).
    pub open_only: usize,
}

impl PriceImport {
    /// Every bar, as (symbol, bar) rows.
    pub fn rows(&self) -> Vec<(String, Bar)> {
        self.series
            .iter()
            .flat_map(|(s, bars)| bars.iter().map(move |b| (s.clone(), *b)))
            .collect()
    }

    /// How many bars.
    pub fn bars(&self) -> usize {
        self.series.values().map(Vec::len).sum()
    }

    /// Adds a bar; an identical duplicate is ignored, a conflicting one is an error.
    fn add(&mut self, symbol: &str, bar: Bar) -> Result<(), String> {
        let bars = self.series.entry(symbol.to_owned()).or_default();
        match bars.binary_search_by_key(&bar.date, |b| b.date) {
            Ok(i) if bars[i] == bar => Ok(()),
            Ok(i) => Err(format!(
                "conflicting duplicate for {symbol} {}: close {} here, {} before",
                bar.date, bar.close, bars[i].close
            )),
            Err(i) => {
                bars.insert(i, bar);
                Ok(())
            }
        }
    }
}

/// Checks a bar: positive prices, high ≥ low, open and close within the range.
pub(crate) fn check_bar(bar: &Bar) -> Result<(), String> {
    let prices = [bar.open, bar.high, bar.low, bar.close];
    if prices.iter().any(|p| !p.is_finite() || *p <= 0.0) {
        return Err(format!(
            "prices must be positive (open {}, high {}, low {}, close {})",
            bar.open, bar.high, bar.low, bar.close
        ));
    }
    if bar.high < bar.low {
        return Err(format!("high {} is below low {}", bar.high, bar.low));
    }
    let slack = 1e-9 * bar.high;
    if bar.open > bar.high + slack
        || bar.open < bar.low - slack
        || bar.close > bar.high + slack
        || bar.close < bar.low - slack
    {
        return Err(format!(
            "open {} and close {} must lie between low {} and high {}",
            bar.open, bar.close, bar.low, bar.high
        ));
    }
    Ok(())
}

fn kind(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    if name.starts_with("daily_prices_") && name.ends_with(".json") {
        Some("alpha_vantage")
    } else if name.ends_with(".jsonl") {
        Some("jsonl")
    } else if name.ends_with(".csv") {
        Some("csv")
    } else {
        None
    }
}

/// Reads a price file, or every price file of a directory.
pub fn read_prices(path: &Path) -> Result<PriceImport, ImportError> {
    let io = |path: &Path, source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| io(path, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| kind(p).is_some())
            .collect();
        files.sort();
        files
    } else if kind(path).is_some() || path.extension().is_some_and(|e| e == "json") {
        vec![path.to_owned()]
    } else {
        return Err(ImportError::Format {
            path: path.to_owned(),
            message: "unknown price file type: expected daily_prices_<SYM>.json, .jsonl or .csv"
                .into(),
        });
    };
    if files.is_empty() {
        return Err(ImportError::Empty(path.to_owned()));
    }
    let mut import = PriceImport::default();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| io(file, e))?;
        match kind(file).unwrap_or("alpha_vantage") {
            "csv" => csv::read(file, &text, &mut import)?,
            "jsonl" => alpha_vantage::read_jsonl(file, &text, &mut import)?,
            _ => alpha_vantage::read_file(file, &text, &mut import)?,
        }
        import.files += 1;
    }
    Ok(import)
}

#[cfg(test)]
mod tests;
