//! The mean of a statistic over independent runs, with its confidence interval.
//!
//! Method: the sample mean `x̄`, the sample standard deviation `s` (divisor `n − 1`), and the
//! Student-t interval `x̄ ± t(0.975, n − 1) · s / √n`
//! (<https://en.wikipedia.org/wiki/Confidence_interval#Example>). It assumes the runs are
//! independent and their statistic roughly normal; with under two runs there is no interval,
//! and none is made up.

use serde::{Deserialize, Serialize};

use super::moments::{mean, sample_std_dev};
use super::student_t::critical_value;

/// The confidence of every interval the comparison reports.
pub const CONFIDENCE: f64 = 0.95;

/// How intervals are computed, in a sentence (sent with every comparison).
pub const INTERVAL_METHOD: &str = "95% Student-t confidence interval of the mean over independent runs: mean ± t(0.975, n−1) · s/√n, with s the sample standard deviation; no interval with fewer than 2 runs.";

/// A statistic over runs: how many had it, their mean, and the interval around the mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Estimate {
    /// Runs with a value.
    pub n: u32,
    /// Their mean; `null` without any.
    pub mean: Option<f64>,
    /// Sample standard deviation; `null` with fewer than 2.
    pub std_dev: Option<f64>,
    /// Lower end of the 95 % interval; `null` with fewer than 2.
    pub low: Option<f64>,
    /// Upper end of the 95 % interval; `null` with fewer than 2.
    pub high: Option<f64>,
}

impl Estimate {
    /// The estimate from the runs' values; non-finite values are left out.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        let n = u32::try_from(values.len()).unwrap_or(u32::MAX);
        let mean = mean(&values);
        let std_dev = sample_std_dev(&values);
        let half_width = std_dev.and_then(|s| {
            critical_value(CONFIDENCE, n - 1).map(|t| t * s / (values.len() as f64).sqrt())
        });
        Self {
            n,
            mean,
            std_dev,
            low: mean.zip(half_width).map(|(m, h)| m - h),
            high: mean.zip(half_width).map(|(m, h)| m + h),
        }
    }

    /// Half the interval's width, when there is one.
    pub fn half_width(&self) -> Option<f64> {
        Some((self.high? - self.low?) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_runs_get_a_student_t_interval() {
        let e = Estimate::of([1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.n, 5);
        assert_eq!(e.mean, Some(3.0));
        let s = 2.5f64.sqrt();
        assert!((e.std_dev.unwrap() - s).abs() < 1e-12);
        // t(0.975, 4) = 2.776445105
        let h = 2.776_445_105 * s / 5f64.sqrt();
        assert!((e.low.unwrap() - (3.0 - h)).abs() < 1e-6, "{e:?}");
        assert!((e.high.unwrap() - (3.0 + h)).abs() < 1e-6, "{e:?}");
    }

    #[test]
    fn one_run_has_a_mean_and_no_interval_and_none_has_nothing() {
        let one = Estimate::of([4.2]);
        assert_eq!(
            (one.n, one.mean, one.low, one.high),
            (1, Some(4.2), None, None)
        );
        let none = Estimate::of([f64::NAN]);
        assert_eq!((none.n, none.mean), (0, None));
    }

    #[test]
    fn identical_runs_have_a_zero_width_interval() {
        let e = Estimate::of([2.0, 2.0, 2.0]);
        assert_eq!(
            (e.low, e.high, e.half_width()),
            (Some(2.0), Some(2.0), Some(0.0))
        );
    }
}
