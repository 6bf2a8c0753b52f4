use std::path::{Path, PathBuf};

use super::*;

fn real_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nasdaq100")
}

/// The real files as CSV, written the way a user would.
fn as_csv(import: &PriceImport) -> String {
    let mut out = String::from("symbol,date,open,high,low,close,volume\n");
    for (symbol, bars) in &import.series {
        for b in bars {
            out.push_str(&format!(
                "{symbol},{},{},{},{},{},{}\n",
                b.date, b.open, b.high, b.low, b.close, b.volume
            ));
        }
    }
    out
}

#[test]
fn the_three_formats_give_identical_price_tables() {
    let json = read_prices(&real_dir()).unwrap();
    // The directory holds the 102 JSON files and merged.jsonl, which agrees with them.
    assert_eq!(
        (json.files, json.series.len(), json.bars(), json.open_only),
        (103, 102, 10_200, 101)
    );
    let merged = read_prices(&real_dir().join("merged.jsonl")).unwrap();
    // merged.jsonl has no QQQ and keeps only the open of its last day.
    assert_eq!((merged.series.len(), merged.open_only), (101, 101));
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("prices.csv");
    std::fs::write(&csv_path, as_csv(&json)).unwrap();
    let csv = read_prices(&csv_path).unwrap();
    assert_eq!(csv.series, json.series, "CSV round trip");
    for (symbol, bars) in &merged.series {
        let from_json: Vec<_> = json.series[symbol]
            .iter()
            .filter(|b| b.date.to_string() != "2025-10-30")
            .copied()
            .collect();
        assert_eq!(bars, &from_json, "{symbol}");
    }
}

fn import_text(name: &str, text: &str) -> Result<PriceImport, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    read_prices(&path).map_err(|e| {
        e.to_string()
            .replace(&dir.path().display().to_string(), "DIR")
    })
}

#[test]
fn bad_csv_rows_are_named_by_file_and_line() {
    let header = "symbol,date,open,high,low,close,volume\n";
    let cases = [
        (
            "AAPL,2025-10-01,0,2,1,1.5,10\n",
            "DIR/p.csv:2: AAPL 2025-10-01: prices must be positive (open 0, high 2, low 1, close 1.5)",
        ),
        (
            "AAPL,2025-10-01,1.5,1,2,1.5,10\n",
            "DIR/p.csv:2: AAPL 2025-10-01: high 1 is below low 2",
        ),
        (
            "AAPL,2025-10-1,1,2,1,1.5,10\n",
            "DIR/p.csv:2: Invalid date format: 2025-10-1. Expected YYYY-MM-DD",
        ),
        (
            "AAPL,2025-10-01,1,2,1,abc,10\n",
            "DIR/p.csv:2: close is not a number: \"abc\"",
        ),
        (
            "AAPL,2025-10-01,1,2,1,1.5,10\nAAPL,2025-10-01,1,2,1,1.6,10\n",
            "DIR/p.csv:3: conflicting duplicate for AAPL 2025-10-01: close 1.6 here, 1.5 before",
        ),
    ];
    for (rows, expected) in cases {
        assert_eq!(
            import_text("p.csv", &format!("{header}{rows}")).unwrap_err(),
            expected
        );
    }
    assert_eq!(
        import_text("p.csv", "symbol,date,open,close\nAAPL,2025-10-01,1,1\n").unwrap_err(),
        "DIR/p.csv:1: the header must name the columns symbol,date,open,high,low,close,volume; high is missing"
    );
    // Identical duplicates are fine (idempotent files), and any column order works.
    let ok = import_text("p.csv", "date,symbol,volume,open,high,low,close\n2025-10-01,aapl,10,1,2,1,1.5\n2025-10-01,AAPL,10,1,2,1,1.5\n").unwrap();
    assert_eq!(ok.bars(), 1);
}

#[test]
fn bad_jsonl_lines_are_named() {
    let good = r#"{"Meta Data": {"2. Symbol": "AAPL"}, "Time Series (Daily)": {"2025-10-01": {"1. buy price": "1", "2. high": "2", "3. low": "1", "4. sell price": "1.5", "5. volume": "10"}}}"#;
    let bad = r#"{"Meta Data": {"2. Symbol": "MSFT"}, "Time Series (Daily)": {"2025-10-01": {"1. buy price": "-1", "4. sell price": "1.5"}}}"#;
    assert_eq!(
        import_text("m.jsonl", &format!("{good}\n")).unwrap().bars(),
        1
    );
    let err = import_text("m.jsonl", &format!("{good}\n{bad}\n")).unwrap_err();
    assert!(
        err.starts_with("DIR/m.jsonl:2: MSFT 2025-10-01: prices must be positive"),
        "{err}"
    );
    assert_eq!(
        import_text("m.jsonl", "{oops\n")
            .unwrap_err()
            .split(" (")
            .next()
            .unwrap(),
        "DIR/m.jsonl:1: not JSON: key must be a string at line 1 column 2"
            .split(" (")
            .next()
            .unwrap()
    );
    assert!(
        import_text("x.txt", "hi")
            .unwrap_err()
            .contains("unknown price file type")
    );
}
