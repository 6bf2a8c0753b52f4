//! Every price in memory, indexed by symbol and date. A decade of the NASDAQ-100 is a few MB;
//! holding it avoids a database query per tool call.

use std::collections::HashMap;

use ai_trader_core::api::SymbolCoverage;
use ai_trader_core::ledger::Quote;
use ai_trader_core::market::MarketAvailability;
use ai_trader_core::universe::NASDAQ_100;
use ai_trader_core::{Date, calendar};

/// One daily OHLCV bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// The trading day.
    pub date: Date,
    /// Open.
    pub open: f64,
    /// High.
    pub high: f64,
    /// Low.
    pub low: f64,
    /// Close.
    pub close: f64,
    /// Volume.
    pub volume: u64,
}

/// Where prices came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceSource {
    /// Imported from files.
    Imported,
    /// Downloaded from Alpha Vantage.
    Downloaded,
    /// Generated for the demo.
    Synthetic,
}

impl PriceSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Imported => "imported",
            Self::Downloaded => "downloaded",
            Self::Synthetic => "synthetic",
        }
    }

    /// Parses a stored name (unknown names count as imported).
    pub fn parse(s: &str) -> Self {
        match s {
            "downloaded" | "alpha_vantage" => Self::Downloaded,
            "synthetic" => Self::Synthetic,
            _ => Self::Imported,
        }
    }
}

/// All prices, per symbol sorted by date, with the universe's availability.
#[derive(Debug, Clone, Default)]
pub struct MarketData {
    series: HashMap<String, Vec<Bar>>,
    sources: HashMap<String, PriceSource>,
    availability: MarketAvailability,
}

impl MarketData {
    /// Builds the index from `(symbol, source, bar)` rows in any order.
    pub fn new(rows: impl IntoIterator<Item = (String, PriceSource, Bar)>) -> Self {
        let mut series: HashMap<String, Vec<Bar>> = HashMap::new();
        let mut sources = HashMap::new();
        for (symbol, source, bar) in rows {
            sources.entry(symbol.clone()).or_insert(source);
            series.entry(symbol).or_default().push(bar);
        }
        for bars in series.values_mut() {
            bars.sort_by_key(|b| b.date);
            bars.dedup_by_key(|b| b.date);
        }
        let availability =
            MarketAvailability::from_symbol_dates(NASDAQ_100.iter().filter_map(|s| {
                series
                    .get(*s)
                    .map(|bars| (*s, bars.iter().map(|b| b.date).collect::<Vec<_>>()))
            }));
        Self {
            series,
            sources,
            availability,
        }
    }

    /// Which trading days of the universe have complete data.
    pub fn availability(&self) -> &MarketAvailability {
        &self.availability
    }

    /// No prices at all.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Every price is synthetic.
    pub fn is_synthetic(&self) -> bool {
        !self.sources.is_empty() && self.sources.values().all(|s| *s == PriceSource::Synthetic)
    }

    /// The bar of `symbol` on `date`.
    pub fn bar(&self, symbol: &str, date: Date) -> Option<&Bar> {
        let bars = self.series.get(symbol)?;
        bars.binary_search_by_key(&date, |b| b.date)
            .ok()
            .map(|i| &bars[i])
    }

    /// The bars of `symbol` from `start` to `end`.
    pub fn bars(&self, symbol: &str, start: Date, end: Date) -> &[Bar] {
        let Some(bars) = self.series.get(symbol) else {
            return &[];
        };
        let from = bars.partition_point(|b| b.date < start);
        let to = bars.partition_point(|b| b.date <= end);
        &bars[from..to.max(from)]
    }

    /// The latest bar of `symbol` strictly before `date`.
    pub fn bar_before(&self, symbol: &str, date: Date) -> Option<&Bar> {
        let bars = self.series.get(symbol)?;
        let i = bars.partition_point(|b| b.date < date);
        i.checked_sub(1).map(|i| &bars[i])
    }

    /// The latest close of `symbol` on or before `date`.
    pub fn latest_close(&self, symbol: &str, date: Date) -> Option<Quote> {
        self.bar(symbol, date)
            .or_else(|| self.bar_before(symbol, date))
            .map(|b| Quote {
                close: b.close,
                date: b.date,
            })
    }

    /// The previous exchange trading day's closes of the universe (the prompt's "yesterday").
    pub fn previous_closes(&self, date: Date) -> Vec<(String, f64)> {
        let yesterday = calendar::previous_trading_day(date);
        NASDAQ_100
            .iter()
            .filter_map(|s| self.bar(s, yesterday).map(|b| ((*s).to_owned(), b.close)))
            .collect()
    }

    /// Today's opens of the universe.
    pub fn opens(&self, date: Date) -> Vec<(String, f64)> {
        NASDAQ_100
            .iter()
            .filter_map(|s| self.bar(s, date).map(|b| ((*s).to_owned(), b.open)))
            .collect()
    }

    /// Per-symbol coverage, by symbol.
    pub fn coverage(&self) -> Vec<SymbolCoverage> {
        let mut out: Vec<SymbolCoverage> = self
            .series
            .iter()
            .filter(|(_, bars)| !bars.is_empty())
            .map(|(symbol, bars)| SymbolCoverage {
                symbol: symbol.clone(),
                first_date: bars[0].date,
                last_date: bars[bars.len() - 1].date,
                days: bars.len() as u32,
                source: self
                    .sources
                    .get(symbol)
                    .copied()
                    .unwrap_or(PriceSource::Imported)
                    .as_str()
                    .to_owned(),
            })
            .collect();
        out.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        out
    }
}
