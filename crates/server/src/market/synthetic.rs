//! A deterministic synthetic market for the demo: the NASDAQ-100 and QQQ on the exchange
//! calendar, with a common market factor, per-symbol beta and volatility, overnight gaps and
//! intraday ranges. Prices on a date depend only on the seed, never on the range asked for.

use ai_trader_core::universe::{BENCHMARK, NASDAQ_100};
use ai_trader_core::{Date, calendar};

use super::Bar;

/// The seed of the built-in demo market.
pub const SYNTHETIC_SEED: u64 = 0x00A1_7ADE;

/// Every series is generated from this day, so a date's price does not depend on the range.
fn origin() -> Date {
    Date::from_ymd(2020, 1, 2).expect("valid date")
}

/// SplitMix64: small, fast, and good enough for simulated prices.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn symbol_seed(seed: u64, symbol: &str) -> u64 {
    symbol.bytes().fold(seed ^ 0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Bars for every universe symbol and the benchmark on the trading days from `start` to `end`.
pub fn synthetic_bars(seed: u64, start: Date, end: Date) -> Vec<(String, Bar)> {
    let days: Vec<Date> = calendar::trading_days(origin(), end).collect();
    let mut market = Rng(seed);
    let factor: Vec<f64> = days
        .iter()
        .map(|_| 0.0004 + 0.011 * market.normal())
        .collect();
    let mut out = Vec::new();
    for symbol in NASDAQ_100.iter().copied().chain([BENCHMARK]) {
        let mut rng = Rng(symbol_seed(seed, symbol));
        let is_benchmark = symbol == BENCHMARK;
        let beta = if is_benchmark {
            1.0
        } else {
            0.6 + 1.0 * rng.uniform()
        };
        let idio = if is_benchmark {
            0.002
        } else {
            0.008 + 0.02 * rng.uniform()
        };
        let mut close = if is_benchmark {
            420.0
        } else {
            15.0 + 600.0 * rng.uniform().powi(2)
        };
        for (date, market_move) in days.iter().zip(&factor) {
            let gap = 0.3 * (beta * market_move) + 0.002 * rng.normal();
            let open = close * gap.exp();
            let intraday = 0.7 * (beta * market_move) + idio * rng.normal();
            let next_close = open * intraday.exp();
            let high = open.max(next_close) * (1.0 + 0.006 * rng.uniform());
            let low = open.min(next_close) * (1.0 - 0.006 * rng.uniform());
            let volume = (1_000_000.0 * (1.0 + 9.0 * rng.uniform())) as u64;
            close = next_close;
            if *date >= start {
                out.push((
                    symbol.to_owned(),
                    Bar {
                        date: *date,
                        open: round_cents(open),
                        high: round_cents(high),
                        low: round_cents(low),
                        close: round_cents(close),
                        volume,
                    },
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn deterministic_and_independent_of_the_range() {
        let a = synthetic_bars(SYNTHETIC_SEED, d("2025-06-01"), d("2025-06-30"));
        let b = synthetic_bars(SYNTHETIC_SEED, d("2025-06-16"), d("2025-07-31"));
        let on = |bars: &[(String, Bar)], sym: &str, date: &str| {
            bars.iter()
                .find(|(s, bar)| s == sym && bar.date == d(date))
                .map(|(_, bar)| *bar)
        };
        assert_eq!(on(&a, "AAPL", "2025-06-20"), on(&b, "AAPL", "2025-06-20"));
        assert_eq!(a.len(), 102 * 20);
        assert_ne!(
            synthetic_bars(7, d("2025-06-02"), d("2025-06-02"))[0].1,
            a[0].1
        );
    }

    #[test]
    fn bars_are_sane() {
        let bars = synthetic_bars(SYNTHETIC_SEED, d("2024-01-01"), d("2025-12-31"));
        assert!(bars.iter().all(|(_, b)| calendar::is_trading_day(b.date)));
        for (_, b) in &bars {
            assert!(
                b.low > 0.0
                    && b.low <= b.open.min(b.close) + 0.01
                    && b.high + 0.01 >= b.open.max(b.close)
            );
        }
        // Daily moves look like stocks: typical absolute daily return between 0.5 % and 4 %.
        let aapl: Vec<f64> = bars
            .iter()
            .filter(|(s, _)| s == "AAPL")
            .map(|(_, b)| b.close)
            .collect();
        let mean_abs: f64 = aapl
            .windows(2)
            .map(|w| (w[1] / w[0] - 1.0).abs())
            .sum::<f64>()
            / (aapl.len() - 1) as f64;
        assert!((0.005..0.04).contains(&mean_abs), "{mean_abs}");
    }
}
