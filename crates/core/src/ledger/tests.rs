use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::Date;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn book(cash: f64) -> DayBook {
    DayBook::new(d("2025-10-01"), Position::all_cash(cash), Fees::default())
}

#[test]
fn buys_and_sells_fill_at_the_open() {
    let mut day = book(10_000.0);
    let fill = day.buy("AAPL", 10, Some(250.0)).unwrap().clone();
    assert_eq!(
        (fill.side, fill.quantity, fill.price, fill.cash_after),
        (Side::Buy, 10, 250.0, 7_500.0)
    );
    day.sell("AAPL", 4, Some(250.0)).unwrap();
    assert_eq!(day.position().shares("AAPL"), 6);
    assert_eq!(day.position().cash, 8_500.0);
    day.sell("AAPL", 6, Some(250.0)).unwrap();
    assert!(
        day.position().holdings.is_empty(),
        "zero holdings are dropped"
    );
    assert_eq!(day.fills().len(), 3);
    assert_eq!(day.start(), &Position::all_cash(10_000.0));
}

#[test]
fn sell_proceeds_fund_a_later_buy_the_same_day() {
    let start = Position {
        cash: 100.0,
        holdings: BTreeMap::from([("MSFT".to_owned(), 10)]),
    };
    let mut day = DayBook::new(d("2025-10-01"), start, Fees::default());
    assert!(matches!(
        day.buy("NVDA", 10, Some(180.0)),
        Err(TradeError::InsufficientCash { .. })
    ));
    day.sell("MSFT", 10, Some(500.0)).unwrap();
    day.buy("NVDA", 10, Some(180.0)).unwrap();
    assert_eq!(day.position().cash, 3_300.0);
}

#[test]
fn refused_trades_change_nothing_and_say_why() {
    let mut day = book(1_000.0);
    let err = day.buy("AAPL", 5, Some(250.0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Insufficient cash: buying 5 AAPL at 250 costs 1250.00, cash available is 1000.00"
    );
    assert_eq!(
        day.sell("AAPL", 1, Some(250.0)).unwrap_err().to_string(),
        "No position for AAPL"
    );
    assert_eq!(
        day.buy("AAPL", 0, Some(250.0)).unwrap_err().to_string(),
        "Invalid amount 0: must be a whole number of shares greater than 0"
    );
    assert_eq!(
        day.buy("ZZZZ", 1, None).unwrap_err().to_string(),
        "Symbol ZZZZ not found on 2025-10-01"
    );
    assert!(day.buy("AAPL", 1, Some(f64::NAN)).is_err());
    assert!(day.buy("AAPL", 1, Some(-1.0)).is_err());
    day.buy("AAPL", 2, Some(250.0)).unwrap();
    assert_eq!(
        day.sell("AAPL", 3, Some(250.0)).unwrap_err().to_string(),
        "Insufficient shares of AAPL: have 2, want to sell 3"
    );
    assert_eq!(day.position().shares("AAPL"), 2);
    assert_eq!(day.fills().len(), 1);
    assert_eq!(day.position().cash, 500.0);
}

#[test]
fn spending_exactly_all_cash_leaves_zero() {
    let mut day = book(1_000.0);
    day.buy("X", 4, Some(250.0)).unwrap();
    assert_eq!(day.position().cash, 0.0);
    // A price with no exact binary form: 3 × 0.1 > 0.3 in floating point.
    let mut day = book(0.3);
    assert!(day.buy("X", 3, Some(0.1)).is_err());
    assert!(day.position().cash >= 0.0);
}

#[test]
fn share_amounts_must_be_whole_and_positive() {
    assert_eq!(parse_share_amount(3.0), Ok(3));
    for bad in [0.0, -1.0, 2.5, f64::NAN, f64::INFINITY, 1e300] {
        let err = parse_share_amount(bad).unwrap_err();
        assert!(err.to_string().starts_with("Invalid amount"), "{bad}");
    }
}

#[test]
fn fees_are_charged_on_both_sides() {
    let fees = Fees {
        per_trade: 1.0,
        bps: 10.0,
    };
    let mut day = DayBook::new(d("2025-10-01"), Position::all_cash(1_000.0), fees);
    let fill = day.buy("X", 1, Some(100.0)).unwrap();
    assert!((fill.fee - 1.1).abs() < 1e-12);
    assert!((day.position().cash - 898.9).abs() < 1e-9);
    day.sell("X", 1, Some(100.0)).unwrap();
    assert!((day.position().cash - 997.8).abs() < 1e-9);
    assert_eq!(Fees::default().of(1e6), 0.0);
}

#[test]
fn valuation_at_the_close_with_carried_prices() {
    let position = Position {
        cash: 500.0,
        holdings: BTreeMap::from([("A".to_owned(), 2), ("B".to_owned(), 3)]),
    };
    let day = d("2025-10-02");
    let valuation = value_at_close(&position, day, |symbol| match symbol {
        "A" => Some(Quote {
            close: 100.0,
            date: day,
        }),
        "B" => Some(Quote {
            close: 10.0,
            date: d("2025-09-30"),
        }),
        _ => None,
    })
    .unwrap();
    assert_eq!(valuation.portfolio_value, 500.0 + 200.0 + 30.0);
    assert_eq!(
        valuation.carried,
        vec![CarriedPrice {
            symbol: "B".into(),
            close: 10.0,
            from_date: d("2025-09-30")
        }]
    );
    let err = value_at_close(&position, day, |_| None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Missing price data for A: no close on or before 2025-10-02"
    );
    // A quote from the future is never used.
    assert!(
        value_at_close(&position, day, |_| Some(Quote {
            close: 1.0,
            date: d("2025-10-03")
        }))
        .is_err()
    );
}

#[test]
fn daily_change_against_previous_ending_value() {
    let change = daily_change(10_000.0, 10_250.0);
    assert_eq!(
        change,
        DailyChange {
            daily_profit: 250.0,
            daily_return_pct: 2.5
        }
    );
    assert_eq!(daily_change(0.0, 5.0).daily_return_pct, 0.0);
    assert_eq!(daily_change(f64::INFINITY, 5.0).daily_profit, 0.0);
}

#[test]
fn a_series_changes_day_against_day() {
    let changes = daily_changes(10_000.0, [10_100.0, 10_050.0, 10_050.0]);
    let profits: Vec<f64> = changes.iter().map(|c| c.daily_profit).collect();
    assert_eq!(profits, [100.0, -50.0, 0.0]);
    assert!((changes[1].daily_return_pct - (-50.0 / 10_100.0 * 100.0)).abs() < 1e-12);
    assert!(daily_changes(10_000.0, []).is_empty());
}

#[derive(Debug, Clone)]
enum Op {
    Buy(usize, u64),
    Sell(usize, u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize, 0..40u64).prop_map(|(s, n)| Op::Buy(s, n)),
        (0..4usize, 0..40u64).prop_map(|(s, n)| Op::Sell(s, n)),
    ]
}

proptest! {
    #[test]
    fn random_trades_never_go_negative(
        cash in 0.0..50_000.0f64,
        opens in proptest::collection::vec(0.01..900.0f64, 4),
        closes in proptest::collection::vec(0.01..900.0f64, 4),
        ops in proptest::collection::vec(op(), 0..60),
        bps in 0.0..50.0f64,
    ) {
        const SYMBOLS: [&str; 4] = ["A", "B", "C", "D"];
        let day = d("2025-10-01");
        let mut book = DayBook::new(day, Position::all_cash(cash), Fees { per_trade: 0.0, bps });
        for op in ops {
            let before = book.position().clone();
            let result = match op {
                Op::Buy(s, n) => book.buy(SYMBOLS[s], n, Some(opens[s])).map(|_| ()),
                Op::Sell(s, n) => book.sell(SYMBOLS[s], n, Some(opens[s])).map(|_| ()),
            };
            if result.is_err() {
                prop_assert_eq!(book.position(), &before);
            }
            prop_assert!(book.position().cash >= 0.0);
            prop_assert!(book.position().holdings.values().all(|n| *n > 0));
        }
        let position = book.position().clone();
        let valuation = value_at_close(&position, day, |s| {
            SYMBOLS.iter().position(|x| *x == s).map(|i| Quote { close: closes[i], date: day })
        }).unwrap();
        let expected: f64 = position.cash
            + position.holdings.iter().map(|(s, n)| {
                let i = SYMBOLS.iter().position(|x| x == s).unwrap();
                *n as f64 * closes[i]
            }).sum::<f64>();
        prop_assert!((valuation.portfolio_value - expected).abs() <= 1e-9 * expected.max(1.0));
    }
}
