//! Why a model-day does not run.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable machine code of a skipped model-day, stored beside the human message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Saturday or Sunday.
    Weekend,
    /// The exchange is closed.
    MarketHoliday,
    /// A trading day without complete price data.
    IncompletePriceData,
    /// The model already has a current completed day on that date.
    AlreadyCompleted,
    /// Before the model's latest completed day: running it would break the portfolio chain.
    BeforeHistory,
    /// The job was cancelled before this model-day ran.
    Cancelled,
    /// A budget (the job's `max_cost_usd` or the model's `budget_usd`) would have been passed.
    BudgetExhausted,
}

impl SkipReason {
    /// The reasons the planner produces, in the order warnings list them.
    pub const PLANNED: [Self; 5] = [
        Self::Weekend,
        Self::MarketHoliday,
        Self::IncompletePriceData,
        Self::AlreadyCompleted,
        Self::BeforeHistory,
    ];

    /// The reasons a running job gives its model-days.
    pub const RUNTIME: [Self; 2] = [Self::Cancelled, Self::BudgetExhausted];

    /// Every reason.
    pub const ALL: [Self; 7] = [
        Self::Weekend,
        Self::MarketHoliday,
        Self::IncompletePriceData,
        Self::AlreadyCompleted,
        Self::BeforeHistory,
        Self::Cancelled,
        Self::BudgetExhausted,
    ];

    /// The machine code, e.g. `market_holiday`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Weekend => "weekend",
            Self::MarketHoliday => "market_holiday",
            Self::IncompletePriceData => "incomplete_price_data",
            Self::AlreadyCompleted => "already_completed",
            Self::BeforeHistory => "before_history",
            Self::Cancelled => "cancelled",
            Self::BudgetExhausted => "budget_exhausted",
        }
    }

    /// Parses a machine code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The message of a model-level reason (date-level reasons carry their own detail text).
    pub fn message(self) -> &'static str {
        match self {
            Self::Weekend => "Weekend",
            Self::MarketHoliday => "Market holiday",
            Self::IncompletePriceData => "Incomplete price data",
            Self::AlreadyCompleted => "Already completed",
            Self::BeforeHistory => "Earlier than existing history",
            Self::Cancelled => "Cancelled",
            Self::BudgetExhausted => "Budget exhausted",
        }
    }

    /// The reason applies to a date, and so to every model on it.
    pub fn is_date_level(self) -> bool {
        matches!(
            self,
            Self::Weekend | Self::MarketHoliday | Self::IncompletePriceData
        )
    }

    /// The one-letter cell code of a plan grid row.
    pub const fn letter(self) -> u8 {
        match self {
            Self::Weekend => b'W',
            Self::MarketHoliday => b'H',
            Self::IncompletePriceData => b'I',
            Self::AlreadyCompleted => b'C',
            Self::BeforeHistory => b'B',
            Self::Cancelled => b'X',
            Self::BudgetExhausted => b'$',
        }
    }

    /// The reason of a cell letter; `None` for `R` (run) and unknown letters. A table lookup:
    /// the planner reads every cell of a grid through it.
    pub fn from_letter(letter: u8) -> Option<Self> {
        BY_LETTER.get(usize::from(letter)).copied().flatten()
    }
}

/// Every reason by its letter, built from [`SkipReason::letter`].
const BY_LETTER: [Option<SkipReason>; 128] = {
    let all = SkipReason::ALL;
    let mut table = [None; 128];
    let mut i = 0;
    while i < all.len() {
        table[all[i].letter() as usize] = Some(all[i]);
        i += 1;
    }
    table
};

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_round_trips_by_code_and_letter() {
        for reason in SkipReason::ALL {
            assert_eq!(SkipReason::parse(reason.code()), Some(reason));
            assert_eq!(SkipReason::from_letter(reason.letter()), Some(reason));
        }
        assert_eq!(SkipReason::from_letter(b'R'), None);
        assert_eq!(SkipReason::from_letter(200), None);
        assert!(
            SkipReason::ALL
                .iter()
                .all(|r| SkipReason::PLANNED.contains(r) != SkipReason::RUNTIME.contains(r))
        );
    }
}
