//! Budgets at claim time. A job with budgets (`jobs.budget`) checks each model-day before it
//! starts against what the job has spent (its committed days' costs) and reserved (its running
//! days), by the core's rule ([`Budget::check`]). A day the rule refuses does not start: the
//! days the exhausted budget covers are skipped (`budget_exhausted`) and the job warns once.
//! Spending is kept per model with each commit, in the commit's transaction, so a cancel or a
//! crash never miscounts it.

use std::collections::{BTreeMap, BTreeSet};

use ai_trader_core::forecast::{Budget, BudgetScope, ModelSpending};
use ai_trader_core::{DetailStatus, SkipReason};

use super::details::{Move, Scope, move_details};
use super::{Conn, StoreError, args, json};

/// Adds a committed day's cost to its job's spending, when the job has a budget (in the
/// commit's transaction). An unknown cost counts as a day without a price.
pub(super) fn record(
    c: &mut dyn Conn,
    job_id: &str,
    model: &str,
    cost_usd: Option<f64>,
) -> Result<(), StoreError> {
    // SQLite reads `ON CONFLICT` after `INSERT … SELECT` only when the SELECT has a WHERE.
    c.execute(
        "INSERT INTO job_spending (job_id, model, spent_usd, priced_days)
         SELECT ?1, ?2, ?3, ?4 FROM jobs WHERE job_id = ?1 AND budget IS NOT NULL
         ON CONFLICT (job_id, model) DO UPDATE SET
             spent_usd = job_spending.spent_usd + excluded.spent_usd,
             priced_days = job_spending.priced_days + excluded.priced_days",
        args![
            job_id,
            model,
            cost_usd.unwrap_or(0.0),
            i64::from(cost_usd.is_some())
        ],
    )?;
    Ok(())
}

/// A job's budgets and spending, for the claims of one transaction.
pub(super) struct BudgetGuard {
    budget: Budget,
    spending: BTreeMap<String, ModelSpending>,
    /// Models whose budget ran out in this transaction.
    stopped: BTreeSet<String>,
    job_stopped: bool,
}

impl BudgetGuard {
    /// The guard of a job whose stored `budget` (the `jobs.budget` column) is not NULL.
    pub(super) fn load(
        c: &mut dyn Conn,
        job_id: &str,
        budget: Option<&str>,
    ) -> Result<Option<Self>, StoreError> {
        let Some(budget) = budget else {
            return Ok(None);
        };
        let budget: Budget = json("jobs.budget", budget)?;
        let mut spending: BTreeMap<String, ModelSpending> = BTreeMap::new();
        let committed = c.query(
            "SELECT model, spent_usd, priced_days FROM job_spending WHERE job_id = ?1",
            args![job_id],
        )?;
        for row in committed {
            let model: String = row.get(0)?;
            let entry = spending.entry(model).or_default();
            entry.spent_usd = row.get(1)?;
            entry.priced_days = row.get(2)?;
        }
        // Counted here: grouping in SQL leads SQLite to walk all the job's details by model
        // rather than the few running ones by status.
        let running = c.query(
            "SELECT model FROM job_details WHERE job_id = ?1 AND status = ?2",
            args![job_id, DetailStatus::Running.as_str()],
        )?;
        for row in running {
            let model: String = row.get(0)?;
            spending.entry(model).or_default().running_days += 1;
        }
        Ok(Some(Self {
            budget,
            spending,
            stopped: BTreeSet::new(),
            job_stopped: false,
        }))
    }

    /// Whether a pending day of `model` may start (it is then counted as running). When not,
    /// the days of the exhausted budget are skipped; returns how many.
    pub(super) fn admit(
        &mut self,
        c: &mut dyn Conn,
        job_id: &str,
        model: &str,
        now: &str,
    ) -> Result<Result<(), u32>, StoreError> {
        if self.job_stopped || self.stopped.contains(model) {
            return Ok(Err(0));
        }
        let Some(exhausted) = self.budget.check(model, &self.spending) else {
            self.spending
                .entry(model.to_owned())
                .or_default()
                .running_days += 1;
            return Ok(Ok(()));
        };
        let message = exhausted.message();
        let skip = Move::skip(SkipReason::BudgetExhausted, &message);
        let pending = [DetailStatus::Pending];
        let skipped = match &exhausted.scope {
            BudgetScope::Job => {
                self.job_stopped = true;
                move_details(c, job_id, Scope::Job, &pending, skip, now)?
            }
            BudgetScope::Model(model) => {
                self.stopped.insert(model.clone());
                move_details(c, job_id, Scope::Model(model), &pending, skip, now)?
            }
        };
        if skipped > 0 {
            let warning = exhausted.warning(u64::from(skipped));
            super::jobs::append_warnings(c, job_id, &[warning])?;
        }
        Ok(Err(skipped))
    }
}
