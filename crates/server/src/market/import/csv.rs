//! CSV prices: a header `symbol,date,open,high,low,close,volume` (any column order, more
//! columns ignored), then one bar per line.

use std::path::Path;

use ai_trader_core::Date;

use super::{ImportError, PriceImport, check_bar};
use crate::market::Bar;

const COLUMNS: [&str; 7] = ["symbol", "date", "open", "high", "low", "close", "volume"];

pub(super) fn read(path: &Path, text: &str, import: &mut PriceImport) -> Result<(), ImportError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let row = |line: usize, message: String| ImportError::Row {
        path: path.to_owned(),
        line,
        message,
    };
    let Some((_, header)) = lines.next() else {
        return Err(ImportError::Format {
            path: path.to_owned(),
            message: "empty file: a header is required".into(),
        });
    };
    let names: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let mut index = [0usize; 7];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = names.iter().position(|n| n == column).ok_or_else(|| {
            row(
                1,
                format!(
                    "the header must name the columns {}; {column} is missing",
                    COLUMNS.join(",")
                ),
            )
        })?;
    }
    for (i, line) in lines {
        let number = i + 1;
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let cell = |k: usize| cells.get(index[k]).copied().unwrap_or_default();
        let price = |k: usize| -> Result<f64, ImportError> {
            cell(k)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    row(
                        number,
                        format!("{} is not a number: {:?}", COLUMNS[k], cell(k)),
                    )
                })
        };
        let symbol = cell(0).to_ascii_uppercase();
        if symbol.is_empty() {
            return Err(row(number, "symbol is empty".into()));
        }
        let date = Date::parse(cell(1)).map_err(|e| row(number, e.to_string()))?;
        let volume = cell(6)
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                row(
                    number,
                    format!("volume is not a non-negative number: {:?}", cell(6)),
                )
            })?;
        let bar = Bar {
            date,
            open: price(2)?,
            high: price(3)?,
            low: price(4)?,
            close: price(5)?,
            volume: volume as u64,
        };
        check_bar(&bar).map_err(|m| row(number, format!("{symbol} {date}: {m}")))?;
        import.add(&symbol, bar).map_err(|m| row(number, m))?;
    }
    Ok(())
}
