//! What model-days cost: a model's prices per million tokens, the cost of a day's usage at the
//! prices in force when it ran, and totals that keep unknown costs apart (never counted as 0).
//!
//! Cost = prompt tokens × input price / 10⁶ + completion tokens × output price / 10⁶, in USD.

use serde::{Deserialize, Serialize};

use crate::api::TokenUsage;

/// A model's prices, USD per million tokens (the config's `pricing`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// Per million prompt (input) tokens.
    pub input_per_million: f64,
    /// Per million completion (output) tokens.
    pub output_per_million: f64,
    /// Per million cached prompt tokens, where the provider discounts them (not used until
    /// usage reports cached tokens).
    #[serde(default)]
    pub cached_input_per_million: Option<f64>,
}

/// Why a price cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field} must be a finite number of USD >= 0, got {value}")]
pub struct PricingError {
    /// `input_per_million`, `output_per_million` or `cached_input_per_million`.
    pub field: &'static str,
    /// The value given.
    pub value: f64,
}

impl Pricing {
    /// Free: the mock and the baselines call no provider.
    pub const FREE: Self = Self {
        input_per_million: 0.0,
        output_per_million: 0.0,
        cached_input_per_million: None,
    };

    /// Checks every price is a finite amount ≥ 0.
    pub fn check(&self) -> Result<(), PricingError> {
        let prices = [
            ("input_per_million", Some(self.input_per_million)),
            ("output_per_million", Some(self.output_per_million)),
            ("cached_input_per_million", self.cached_input_per_million),
        ];
        for (field, value) in prices {
            if let Some(value) = value.filter(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(PricingError { field, value });
            }
        }
        Ok(())
    }

    /// Every price is 0: whatever the tokens, a day costs nothing.
    pub fn is_free(&self) -> bool {
        self.input_per_million == 0.0
            && self.output_per_million == 0.0
            && self.cached_input_per_million.unwrap_or(0.0) == 0.0
    }

    /// The cost of `usage` at these prices, in USD.
    pub fn cost_usd(&self, usage: &TokenUsage) -> f64 {
        self.cost_of_tokens(usage.prompt_tokens as f64, usage.completion_tokens as f64)
    }

    /// The cost of (possibly fractional, e.g. expected) token counts, in USD.
    pub fn cost_of_tokens(&self, prompt_tokens: f64, completion_tokens: f64) -> f64 {
        (prompt_tokens * self.input_per_million + completion_tokens * self.output_per_million)
            / 1_000_000.0
    }
}

/// A cost for a person: `$0.0123` (four decimals below a dollar: a day often costs cents),
/// `$12.50`, `free`, or `unknown` (a model without prices; never shown as 0).
pub fn describe_usd(cost_usd: Option<f64>) -> String {
    match cost_usd {
        None => "unknown".to_owned(),
        Some(0.0) => "free".to_owned(),
        Some(c) => format!("${}", usd_amount(c)),
    }
}

/// An amount of USD without its sign: cents from a dollar up (`4.87`), four decimals below
/// (`0.0123`), so a small amount never reads as 0.
pub fn usd_amount(usd: f64) -> String {
    if usd == 0.0 || usd.abs() >= 1.0 {
        fixed(usd, 2)
    } else {
        fixed(usd, 4)
    }
}

/// `x` with `decimals` digits after the point, rounded half away from zero. Written with
/// integers because float formatting would add a fifth to the size of the browser's planner.
pub fn fixed(x: f64, decimals: u32) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_owned();
    }
    let scale = 10u64.pow(decimals);
    // Saturates far beyond any amount of money.
    let scaled = (x.abs() * scale as f64).round() as u64;
    let sign = if x < 0.0 && scaled > 0 { "-" } else { "" };
    if decimals == 0 {
        return format!("{sign}{scaled}");
    }
    let width = decimals as usize;
    format!("{sign}{}.{:0width$}", scaled / scale, scaled % scale)
}

/// A sum of model-day costs. Days without a known cost are counted apart: a total over them is
/// a lower bound, and says so.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CostTotal {
    /// The sum of the known costs, USD.
    pub usd: f64,
    /// Model-days with a known cost.
    pub priced_days: u32,
    /// Model-days whose cost is unknown (a model without prices).
    pub unpriced_days: u32,
}

impl CostTotal {
    /// Adds one model-day's cost (`None`: unknown).
    pub fn add(&mut self, cost_usd: Option<f64>) {
        match cost_usd.filter(|c| c.is_finite()) {
            Some(c) => {
                self.usd += c;
                self.priced_days += 1;
            }
            None => self.unpriced_days += 1,
        }
    }

    /// The total of many model-days.
    pub fn of(costs: impl IntoIterator<Item = Option<f64>>) -> Self {
        let mut total = Self::default();
        for cost in costs {
            total.add(cost);
        }
        total
    }

    /// The totals of many model-days per key (a model, say), and over all of them.
    pub fn by_key<K: Ord>(
        costs: impl IntoIterator<Item = (K, Option<f64>)>,
    ) -> (std::collections::BTreeMap<K, Self>, Self) {
        let mut per_key: std::collections::BTreeMap<K, Self> = Default::default();
        let mut all = Self::default();
        for (key, cost) in costs {
            per_key.entry(key).or_default().add(cost);
            all.add(cost);
        }
        (per_key, all)
    }

    /// Profit per dollar spent: `profit / usd`; `None` when a day's cost is unknown or nothing
    /// was spent.
    pub fn return_per_dollar(&self, profit: f64) -> Option<f64> {
        let spent = self.known().filter(|usd| *usd > 0.0)?;
        let ratio = profit / spent;
        ratio.is_finite().then_some(ratio)
    }

    /// The total when every day's cost is known; `None` when some are not.
    pub fn known(&self) -> Option<f64> {
        (self.unpriced_days == 0).then_some(self.usd)
    }
}

/// The total for a person: known, free, unknown, or a lower bound naming the days whose cost is
/// unknown (`≥ $0.0100 (2 days unknown)`).
impl std::fmt::Display for CostTotal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.known() {
            Some(usd) => f.write_str(&describe_usd(Some(usd))),
            None if self.priced_days == 0 => f.write_str(&describe_usd(None)),
            None => write!(
                f,
                "≥ {} ({} days unknown)",
                describe_usd(Some(self.usd)),
                self.unpriced_days
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(prompt: u64, completion: u64) -> TokenUsage {
        TokenUsage::of(prompt, completion)
    }

    #[test]
    fn a_days_cost_is_its_tokens_at_the_prices() {
        let pricing = Pricing {
            input_per_million: 1.25,
            output_per_million: 10.0,
            cached_input_per_million: None,
        };
        let cost = pricing.cost_usd(&usage(340, 75));
        assert!(
            (cost - (340.0 * 1.25 + 75.0 * 10.0) / 1e6).abs() < 1e-15,
            "{cost}"
        );
        assert_eq!(Pricing::FREE.cost_usd(&usage(1000, 1000)), 0.0);
    }

    #[test]
    fn prices_must_be_finite_and_not_negative() {
        let mut bad = Pricing::FREE;
        bad.output_per_million = -1.0;
        assert_eq!(
            bad.check().unwrap_err().to_string(),
            "output_per_million must be a finite number of USD >= 0, got -1"
        );
        bad.output_per_million = 1.0;
        bad.cached_input_per_million = Some(f64::NAN);
        assert_eq!(bad.check().unwrap_err().field, "cached_input_per_million");
        assert!(Pricing::FREE.check().is_ok());
    }

    #[test]
    fn unknown_costs_are_counted_apart_never_as_zero() {
        let total = CostTotal::of([Some(0.5), None, Some(0.25)]);
        assert_eq!(
            (total.usd, total.priced_days, total.unpriced_days),
            (0.75, 2, 1)
        );
        assert_eq!(total.known(), None);
        assert_eq!(CostTotal::of([Some(0.5)]).known(), Some(0.5));
    }

    #[test]
    fn costs_are_described_without_ever_showing_unknown_as_zero() {
        assert_eq!(describe_usd(Some(0.0123)), "$0.0123");
        assert_eq!(describe_usd(Some(12.5)), "$12.50");
        assert_eq!(describe_usd(Some(0.00004)), "$0.0000");
        assert_eq!(fixed(-2.0, 0), "-2");
        assert_eq!(fixed(4.876, 2), "4.88");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        assert_eq!(fixed(1.005e3, 1), "1005.0");
        assert_eq!(CostTotal::of([Some(0.0)]).to_string(), "free");
        assert_eq!(CostTotal::of([None]).to_string(), "unknown");
        assert_eq!(
            CostTotal::of([Some(0.01), None, None]).to_string(),
            "≥ $0.0100 (2 days unknown)"
        );
    }

    #[test]
    fn totals_per_key_and_return_per_dollar() {
        let (per_model, all) = CostTotal::by_key([("a", Some(1.0)), ("b", None), ("a", Some(0.5))]);
        assert_eq!(per_model["a"], CostTotal::of([Some(1.0), Some(0.5)]));
        assert_eq!(per_model["b"].unpriced_days, 1);
        assert_eq!((all.priced_days, all.unpriced_days), (2, 1));
        assert_eq!(per_model["a"].return_per_dollar(30.0), Some(20.0));
        assert_eq!(per_model["b"].return_per_dollar(30.0), None, "unknown cost");
        assert_eq!(
            CostTotal::of([Some(0.0)]).return_per_dollar(30.0),
            None,
            "nothing spent"
        );
    }
}
