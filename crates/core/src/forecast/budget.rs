//! Budgets: the job's `max_cost_usd` and each model's `budget_usd`, enforced at model-day
//! boundaries. Before a model-day starts, its expected cost is added to what is spent and
//! reserved; if that passes a budget, the day does not start and the days the budget covers are
//! skipped (`budget_exhausted`). A day that started always finishes and is counted.
//!
//! A model-day's expected cost is the mean cost of the model's days already committed in the
//! job, else the forecast's mean day cost; when neither is known the day starts while some of
//! the budget is left (its first day shows what a day costs).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Forecast;
use crate::cost::usd_amount;

/// Tolerance for sums of floating-point dollars: a budget of exactly four days' cost covers
/// four days.
const EPSILON_USD: f64 = 1e-9;

/// Whether a day expected to cost `expected` may start when `spent` is spent (or reserved)
/// against `limit`.
pub fn admits(spent: f64, expected: f64, limit: f64) -> bool {
    spent + expected <= limit + EPSILON_USD
}

/// Whether a day may start: its expected cost fits in what is left, or, when its cost is not
/// known yet, something is left (a budget of 0 runs nothing that may cost).
fn fits(spent: f64, expected: Option<f64>, limit: f64) -> bool {
    match expected {
        Some(cost) => admits(spent, cost, limit),
        None => spent + EPSILON_USD < limit,
    }
}

/// How many of `days` model-days a budget lets run, each costing `day_cost`.
pub fn affordable_days(limit: f64, day_cost: f64, days: u32) -> u32 {
    let mut spent = 0.0;
    for n in 0..days {
        if !admits(spent, day_cost, limit) {
            return n;
        }
        spent += day_cost;
    }
    days
}

/// The budgets a job enforces, with each model's forecast day cost: stored with the job.
///
/// JSON shape: `{"max_cost_usd": 5.0, "models": {"gpt-5": {"budget_usd": 2.0,
/// "day_cost_usd": 0.31}}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Budget {
    /// The job's budget, USD.
    pub max_cost_usd: Option<f64>,
    /// Per model: its budget and forecast day cost.
    pub models: BTreeMap<String, ModelBudget>,
}

/// A model's budget in a job.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ModelBudget {
    /// Its budget, USD.
    pub budget_usd: Option<f64>,
    /// Its forecast mean day cost, USD; `null` when unknown.
    pub day_cost_usd: Option<f64>,
}

/// What a model has spent in a job so far.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ModelSpending {
    /// The known cost of its committed days, USD.
    pub spent_usd: f64,
    /// Its committed days whose cost is known.
    pub priced_days: u32,
    /// Its days running now (their cost is reserved at the expected day cost).
    pub running_days: u32,
}

/// Which budget ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BudgetScope {
    /// The job's: every model stops.
    Job,
    /// One model's: its other days stop.
    Model(String),
}

/// A budget that does not admit the next model-day.
#[derive(Debug, Clone, PartialEq)]
pub struct Exhausted {
    /// Whose budget.
    pub scope: BudgetScope,
    /// Spent so far (committed days), USD.
    pub spent_usd: f64,
    /// The budget, USD.
    pub limit_usd: f64,
}

impl Exhausted {
    /// The skipped days' message, e.g. `Budget exhausted: 4.87 of 5.00 USD spent`.
    pub fn message(&self) -> String {
        format!(
            "Budget exhausted: {} of {} USD spent",
            usd_amount(self.spent_usd),
            usd_amount(self.limit_usd)
        )
    }

    /// The job's warning, naming the budget.
    pub fn warning(&self, skipped: u64) -> String {
        let whose = match &self.scope {
            BudgetScope::Job => "The job's budget (max_cost_usd)".to_owned(),
            BudgetScope::Model(model) => format!("The budget of {model}"),
        };
        format!(
            "{whose} is exhausted: {} of {} USD spent; skipped {skipped} model-days",
            usd_amount(self.spent_usd),
            usd_amount(self.limit_usd)
        )
    }
}

impl Budget {
    /// The budgets of a forecast; `None` when it has none.
    pub fn of(forecast: &Forecast) -> Option<Self> {
        let any_model = forecast.models.iter().any(|m| m.budget_usd.is_some());
        if forecast.total.max_cost_usd.is_none() && !any_model {
            return None;
        }
        let models = forecast
            .models
            .iter()
            .map(|m| {
                let budget = ModelBudget {
                    budget_usd: m.budget_usd,
                    day_cost_usd: m.day_cost_usd.map(|c| c.mean),
                };
                (m.model.clone(), budget)
            })
            .collect();
        Some(Self {
            max_cost_usd: forecast.total.max_cost_usd,
            models,
        })
    }

    /// The expected cost of a model's next day; `None` when nothing tells it yet.
    fn expected_day_cost(&self, model: &str, spending: &ModelSpending) -> Option<f64> {
        if spending.priced_days > 0 {
            return Some(spending.spent_usd / f64::from(spending.priced_days));
        }
        self.models.get(model).and_then(|m| m.day_cost_usd)
    }

    /// Whether `model`'s next day may start, given what each model of the job has spent; the
    /// budget that stops it otherwise (the model's own first, then the job's).
    pub fn check(
        &self,
        model: &str,
        spending: &BTreeMap<String, ModelSpending>,
    ) -> Option<Exhausted> {
        let none = ModelSpending::default();
        let own = spending.get(model).unwrap_or(&none);
        let expected = self.expected_day_cost(model, own);
        let committed_and_reserved = |name: &str, s: &ModelSpending| {
            let each = self.expected_day_cost(name, s).unwrap_or(0.0);
            s.spent_usd + f64::from(s.running_days) * each
        };
        if let Some(limit) = self.models.get(model).and_then(|m| m.budget_usd)
            && !fits(committed_and_reserved(model, own), expected, limit)
        {
            return Some(Exhausted {
                scope: BudgetScope::Model(model.to_owned()),
                spent_usd: own.spent_usd,
                limit_usd: limit,
            });
        }
        let limit = self.max_cost_usd?;
        let reserved: f64 = spending
            .iter()
            .map(|(name, s)| committed_and_reserved(name, s))
            .sum();
        (!fits(reserved, expected, limit)).then(|| Exhausted {
            scope: BudgetScope::Job,
            spent_usd: spending.values().map(|s| s.spent_usd).sum(),
            limit_usd: limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(max: Option<f64>, model_budget: Option<f64>, day_cost: Option<f64>) -> Budget {
        Budget {
            max_cost_usd: max,
            models: BTreeMap::from([(
                "m".to_owned(),
                ModelBudget {
                    budget_usd: model_budget,
                    day_cost_usd: day_cost,
                },
            )]),
        }
    }

    fn spent(usd: f64, days: u32, running: u32) -> BTreeMap<String, ModelSpending> {
        BTreeMap::from([(
            "m".to_owned(),
            ModelSpending {
                spent_usd: usd,
                priced_days: days,
                running_days: running,
            },
        )])
    }

    #[test]
    fn a_budget_of_three_and_a_half_days_runs_three() {
        let b = budget(None, Some(3.5), None);
        // The first day's cost is unknown: it runs and shows what a day costs.
        assert_eq!(b.check("m", &BTreeMap::new()), None);
        assert_eq!(b.check("m", &spent(2.0, 2, 0)), None);
        let stop = b.check("m", &spent(3.0, 3, 0)).unwrap();
        assert_eq!(stop.scope, BudgetScope::Model("m".into()));
        assert_eq!(stop.message(), "Budget exhausted: 3.00 of 3.50 USD spent");
        let small = Exhausted {
            scope: BudgetScope::Job,
            spent_usd: 0.0042,
            limit_usd: 0.005,
        };
        assert_eq!(
            small.message(),
            "Budget exhausted: 0.0042 of 0.0050 USD spent"
        );
        assert_eq!(affordable_days(3.5, 1.0, 10), 3);
        assert_eq!(affordable_days(4.0, 1.0, 10), 4, "an exact budget covers");
        assert_eq!(affordable_days(4.0, 0.1, 10), 10);
    }

    #[test]
    fn an_unknown_cost_runs_while_something_is_left() {
        let b = budget(None, Some(0.0), None);
        assert!(b.check("m", &BTreeMap::new()).is_some(), "a budget of 0");
        let b = budget(None, Some(0.5), None);
        assert!(b.check("m", &BTreeMap::new()).is_none());
        // A free model (known to cost 0) runs even on a budget of 0.
        let free = budget(Some(0.0), Some(0.0), Some(0.0));
        assert!(free.check("m", &BTreeMap::new()).is_none());
    }

    #[test]
    fn running_days_are_reserved_at_the_expected_cost() {
        let b = budget(None, Some(3.5), Some(1.0));
        assert!(b.check("m", &spent(1.0, 1, 1)).is_none());
        assert!(b.check("m", &spent(1.0, 1, 2)).is_some());
    }

    #[test]
    fn the_jobs_budget_counts_every_model() {
        let b = budget(Some(2.5), None, Some(1.0));
        let mut spending = spent(1.0, 1, 0);
        spending.insert(
            "other".into(),
            ModelSpending {
                spent_usd: 1.0,
                priced_days: 1,
                running_days: 0,
            },
        );
        let stop = b.check("m", &spending).unwrap();
        assert_eq!(stop.scope, BudgetScope::Job);
        assert_eq!(stop.spent_usd, 2.0);
        assert_eq!(
            stop.warning(4),
            "The job's budget (max_cost_usd) is exhausted: 2.00 of 2.50 USD spent; skipped 4 model-days"
        );
    }
}
