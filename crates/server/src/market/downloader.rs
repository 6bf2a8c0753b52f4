//! Filling the price gaps a job needs from Alpha Vantage: only trading days (weekends and
//! holidays are never "missing", reference defect L8), only dates no earlier download covered,
//! symbols ordered by how many needed dates they lack, stopping at the first rate limit.

use std::collections::HashSet;
use std::future::Future;

use ai_trader_core::universe::{BENCHMARK, NASDAQ_100};
use ai_trader_core::{Date, calendar};

use super::{AlphaVantage, Bar, DownloadError, MarketData};

/// Where downloaded prices go: the ranges earlier downloads covered, and each symbol's bars as
/// they arrive (so a crash or a rate limit keeps what was fetched). The store implements it.
pub trait PriceSink: Send + Sync {
    /// Why the sink failed.
    type Error: Send;

    /// `(symbol, first, last)` of every earlier download.
    fn covered(
        &self,
    ) -> impl Future<Output = Result<Vec<(String, Date, Date)>, Self::Error>> + Send;

    /// Stores one symbol's bars and the range they cover.
    fn save(
        &self,
        symbol: String,
        bars: Vec<Bar>,
        start: Date,
        end: Date,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// What a download did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadReport {
    /// Symbols downloaded.
    pub downloaded: Vec<String>,
    /// Symbols that failed (or were not tried after a rate limit), with why.
    pub failed: Vec<(String, String)>,
    /// A rate limit stopped the download.
    pub rate_limited: bool,
    /// Bars stored.
    pub bars: usize,
}

impl DownloadReport {
    /// The reference's warnings.
    pub fn warnings(&self) -> Vec<String> {
        let (d, f) = (self.downloaded.len(), self.failed.len());
        if self.rate_limited {
            vec![format!(
                "Rate limit reached - downloaded {d}/{} symbols",
                d + f
            )]
        } else if f > 0 {
            vec![format!("{f} symbols failed to download")]
        } else {
            Vec::new()
        }
    }
}

/// Downloads missing prices.
pub struct Downloader {
    client: AlphaVantage,
}

impl Downloader {
    /// A downloader over an Alpha Vantage client.
    pub fn new(client: AlphaVantage) -> Self {
        Self { client }
    }

    /// Per symbol of the universe (and the benchmark), the trading days among `dates` that have
    /// no bar and no covering download; ordered by count, descending, ties in universe order.
    pub fn missing(
        market: &MarketData,
        covered: &[(String, Date, Date)],
        dates: &[Date],
        only: Option<&[String]>,
    ) -> Vec<(String, Vec<Date>)> {
        let trading: Vec<Date> = dates
            .iter()
            .copied()
            .filter(|d| calendar::is_trading_day(*d))
            .collect();
        let mut out: Vec<(String, Vec<Date>)> = NASDAQ_100
            .iter()
            .copied()
            .chain([BENCHMARK])
            .filter(|symbol| only.is_none_or(|list| list.iter().any(|s| s == symbol)))
            .map(|symbol| {
                let lacking = trading
                    .iter()
                    .copied()
                    .filter(|d| market.bar(symbol, *d).is_none())
                    .filter(|d| {
                        !covered
                            .iter()
                            .any(|(s, a, b)| s == symbol && a <= d && d <= b)
                    })
                    .collect::<Vec<_>>();
                (symbol.to_owned(), lacking)
            })
            .filter(|(_, lacking)| !lacking.is_empty())
            .collect();
        out.sort_by_key(|(_, lacking)| std::cmp::Reverse(lacking.len()));
        out
    }

    /// Downloads what `dates` lack, storing each symbol as it arrives; `progress(done, total)`.
    pub async fn fill<S: PriceSink>(
        &self,
        sink: &S,
        market: &MarketData,
        dates: &[Date],
        only: Option<&[String]>,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> Result<DownloadReport, S::Error> {
        let covered = sink.covered().await?;
        let missing = Self::missing(market, &covered, dates, only);
        let mut report = DownloadReport::default();
        let total = missing.len();
        let mut tried: HashSet<String> = HashSet::new();
        for (i, (symbol, lacking)) in missing.iter().enumerate() {
            progress(i, total);
            let (start, end) = (lacking[0], lacking[lacking.len() - 1]);
            tried.insert(symbol.clone());
            match self.client.daily(symbol, start, end).await {
                Ok(bars) => {
                    report.bars += bars.len();
                    sink.save(symbol.clone(), bars, start, end).await?;
                    report.downloaded.push(symbol.clone());
                }
                Err(DownloadError::RateLimited(why)) => {
                    tracing::warn!(symbol, reason = %why, "Alpha Vantage rate limit: stopping the download");
                    report.rate_limited = true;
                    report.failed.push((symbol.clone(), why));
                    break;
                }
                Err(DownloadError::Failed(why)) => {
                    tracing::warn!(symbol, reason = %why, "download failed");
                    report.failed.push((symbol.clone(), why));
                }
            }
        }
        if report.rate_limited {
            for (symbol, _) in missing.iter().filter(|(s, _)| !tried.contains(s)) {
                report
                    .failed
                    .push((symbol.clone(), "not tried after the rate limit".into()));
            }
        }
        progress(total, total);
        Ok(report)
    }
}
