//! Alpha Vantage daily JSON files and the reference's `merged.jsonl` (one such object per
//! line), read through the one daily-JSON parser.

use std::path::Path;

use serde_json::Value;

use super::{ImportError, PriceImport};
use crate::market::daily_json::parse_daily;

/// Parses one daily object into `import`; `row` locates errors.
fn add(
    value: Value,
    import: &mut PriceImport,
    row: &dyn Fn(String) -> ImportError,
) -> Result<(), ImportError> {
    let series = parse_daily(value).map_err(row)?;
    import.open_only += series.open_only;
    for bar in series.bars {
        import.add(&series.symbol, bar).map_err(row)?;
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
    add(value, import, &|message| ImportError::Format {
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
        add(value, import, &row)?;
    }
    Ok(())
}
