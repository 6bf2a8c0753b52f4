//! Which of a job's model-days may start now. Portfolio continuity is per chain (a model's run,
//! see [`crate::run`]): a day starts from that chain's previous day, and from nothing else, so
//! each chain moves through its dates at its own pace and never waits for another.

use std::collections::BTreeMap;

use super::DetailStatus;
use crate::Date;

/// The model-days of a job that may start now: for each chain (a model, or a `(model, run)`
/// pair), its earliest model-day that has not ended, when that one is pending (a running one
/// keeps the chain busy). Ended days (completed, failed, skipped) never block the next: a failed
/// day's successor continues from the chain's last completed day. Returned by chain, then date.
pub fn ready<K: Ord + Copy>(
    details: impl IntoIterator<Item = (K, Date, DetailStatus)>,
) -> Vec<(K, Date)> {
    let mut next: BTreeMap<K, (Date, DetailStatus)> = BTreeMap::new();
    for (model, date, status) in details {
        if status.is_terminal() {
            continue;
        }
        next.entry(model)
            .and_modify(|earliest| {
                if date < earliest.0 {
                    *earliest = (date, status);
                }
            })
            .or_insert((date, status));
    }
    next.into_iter()
        .filter(|(_, (_, status))| *status == DetailStatus::Pending)
        .map(|(model, (date, _))| (model, date))
        .collect()
}

/// The status a model-day counts with for [`ready`]: a running day whose worker's lease
/// expired has nobody working on it, so it is pending again (its work never committed).
pub fn as_claimable(status: DetailStatus, lease_expired: bool) -> DetailStatus {
    if status == DetailStatus::Running && lease_expired {
        DetailStatus::Pending
    } else {
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DetailStatus::{Completed, Failed, Pending, Running, Skipped};

    fn d(day: u32) -> Date {
        Date::from_ymd(2025, 10, day).unwrap()
    }

    #[test]
    fn each_model_waits_only_for_its_own_previous_day() {
        let details = [
            ("fast", d(6), Completed),
            ("fast", d(7), Completed),
            ("fast", d(8), Pending),
            ("slow", d(6), Running),
            ("slow", d(7), Pending),
            ("new", d(6), Pending),
            ("new", d(7), Pending),
        ];
        assert_eq!(ready(details), vec![("fast", d(8)), ("new", d(6))]);
    }

    #[test]
    fn ended_days_never_block_and_a_finished_model_has_nothing_ready() {
        let details = [
            ("m", d(6), Failed),
            ("m", d(7), Skipped),
            ("m", d(8), Pending),
            ("done", d(6), Completed),
        ];
        assert_eq!(ready(details), vec![("m", d(8))]);
        // Order of the input does not matter.
        let shuffled = [
            ("m", d(8), Pending),
            ("m", d(6), Failed),
            ("m", d(7), Skipped),
        ];
        assert_eq!(ready(shuffled), vec![("m", d(8))]);
    }

    #[test]
    fn a_running_day_whose_lease_expired_is_ready_again() {
        assert_eq!(as_claimable(Running, true), Pending);
        assert_eq!(as_claimable(Running, false), Running);
        assert_eq!(as_claimable(Completed, true), Completed);
        let days = [
            ("a", d(1), as_claimable(Running, true)),
            ("a", d(2), Pending),
        ];
        assert_eq!(ready(days), [("a", d(1))]);
    }
}
