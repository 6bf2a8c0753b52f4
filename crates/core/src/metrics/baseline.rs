//! The buy-and-hold baseline a model is compared with (QQQ when the data has it).

use super::DailyValue;
use crate::Date;
use crate::ledger::{DayBook, Fees, Position};

/// Buys as many whole shares as `initial_cash` affords at the first day's open and holds them:
/// one ending value per day of `days` (`(date, open, close)`, ascending).
pub fn buy_and_hold(initial_cash: f64, days: &[(Date, f64, f64)]) -> Vec<DailyValue> {
    let Some((first_date, first_open, _)) = days.first() else {
        return Vec::new();
    };
    let mut book = DayBook::new(
        *first_date,
        Position::all_cash(initial_cash),
        Fees::default(),
    );
    if *first_open > 0.0 {
        let shares = (initial_cash / first_open).floor();
        if shares >= 1.0 {
            // Affordable by construction; a refusal would leave all cash, which is still honest.
            let _ = book.buy("BASELINE", shares as u64, Some(*first_open));
        }
    }
    let position = book.into_position();
    let shares = position.shares("BASELINE") as f64;
    days.iter()
        .map(|(date, _, close)| DailyValue {
            date: *date,
            portfolio_value: position.cash + shares * close,
        })
        .collect()
}
