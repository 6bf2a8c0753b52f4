use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn values(points: &[(&str, f64)]) -> Vec<DailyValue> {
    points
        .iter()
        .map(|(date, v)| DailyValue {
            date: d(date),
            portfolio_value: *v,
        })
        .collect()
}

fn metrics(start: f64, points: &[(&str, f64)]) -> PeriodMetrics {
    compute(&MetricsInput {
        starting_value: start,
        daily_values: values(points),
        ..Default::default()
    })
}

#[test]
fn reference_vectors() {
    let m = metrics(
        10_000.0,
        &[
            ("2025-01-16", 10_100.0),
            ("2025-01-17", 10_300.0),
            ("2025-01-20", 10_500.0),
        ],
    );
    assert_eq!(m.period_return_pct, 5.0);
    assert_eq!(m.calendar_days, 5);
    assert_eq!(m.trading_days, 3);
    let annual = m.annualized_return_pct.unwrap();
    assert!((3400.0..3450.0).contains(&annual), "{annual}");

    let m = metrics(10_000.0, &[("2025-01-16", 10_000.0)]);
    assert_eq!(
        (
            m.period_return_pct,
            m.annualized_return_pct,
            m.calendar_days
        ),
        (0.0, Some(0.0), 1)
    );

    let m = metrics(
        10_000.0,
        &[("2025-01-16", 9_800.0), ("2025-01-23", 9_500.0)],
    );
    assert_eq!((m.period_return_pct, m.calendar_days), (-5.0, 8));
    assert!(m.annualized_return_pct.unwrap() < 0.0);

    assert_eq!(period_return_pct(0.0, 100.0), 0.0);
    assert_eq!(annualized_return_pct(0.0, 100.0, 5), Some(0.0));
    assert_eq!(annualized_return_pct(10_000.0, -100.0, 5), Some(0.0));
    assert_eq!(annualized_return_pct(10_000.0, 10_100.0, 0), Some(0.0));

    // Endpoint vector: 2024-01-16 (start 10000, end 10100), 2024-01-17 (end 10250).
    let m = metrics(
        10_000.0,
        &[("2024-01-16", 10_100.0), ("2024-01-17", 10_250.0)],
    );
    assert_eq!(
        (m.period_return_pct, m.calendar_days, m.trading_days),
        (2.5, 2, 2)
    );
}

#[test]
fn l15_overflowing_annualised_return_is_null_not_an_error() {
    assert_eq!(annualized_return_pct(1.0, 1e300, 1), None);
    let json = serde_json::to_string(&metrics(1.0, &[("2025-01-16", 1e300)])).unwrap();
    assert!(json.contains(r#""annualized_return_pct":null"#));
}

#[test]
fn python_rounding() {
    assert_eq!(round2(2.675), 2.67);
    assert_eq!(round2(0.125), 0.12);
    assert_eq!(round2(0.375), 0.38);
    assert_eq!(round2(-1.005), -1.0);
    assert_eq!(round2(f64::NAN), 0.0);
}

#[test]
fn risk_metrics_match_hand_computation() {
    // Returns +1 %, −2 %, +3 %.
    let start = 100.0;
    let points = [
        ("2025-10-01", 101.0),
        ("2025-10-02", 98.98),
        ("2025-10-03", 101.9494),
    ];
    let m = metrics(start, &points);
    let r = [0.01, -0.02, 0.03];
    let mean = (0.01 - 0.02 + 0.03) / 3.0;
    let sd = (r.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 2.0).sqrt();
    assert!((m.daily_volatility_pct.unwrap() - sd * 100.0).abs() < 1e-9);
    assert!((m.sharpe_ratio.unwrap() - mean / sd * 252f64.sqrt()).abs() < 1e-9);
    let downside = (0.02f64 * 0.02 / 3.0).sqrt();
    assert!((m.sortino_ratio.unwrap() - mean / downside * 252f64.sqrt()).abs() < 1e-9);
    assert_eq!((m.winning_days, m.losing_days), (2, 1));
    assert!((m.win_rate_pct.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    // A risk-free rate lowers the Sharpe ratio.
    let with_rf = compute(&MetricsInput {
        starting_value: start,
        daily_values: values(&points),
        risk_free_rate: 0.05,
        ..Default::default()
    });
    assert!(with_rf.sharpe_ratio.unwrap() < m.sharpe_ratio.unwrap());
}

#[test]
fn drawdown_with_dates() {
    let m = metrics(
        100.0,
        &[
            ("2025-10-01", 110.0),
            ("2025-10-02", 99.0),
            ("2025-10-03", 120.0),
            ("2025-10-06", 90.0),
            ("2025-10-07", 125.0),
        ],
    );
    assert!((m.max_drawdown_pct - 25.0).abs() < 1e-9);
    assert_eq!(m.max_drawdown_peak_date, Some(d("2025-10-03")));
    assert_eq!(m.max_drawdown_trough_date, Some(d("2025-10-06")));
    // A fall from the starting value is dated from the first day.
    let m = metrics(100.0, &[("2025-10-01", 90.0), ("2025-10-02", 95.0)]);
    assert!((m.max_drawdown_pct - 10.0).abs() < 1e-9);
    assert_eq!(m.max_drawdown_peak_date, Some(d("2025-10-01")));
    // Never falling: 0, no dates.
    let m = metrics(100.0, &[("2025-10-01", 101.0), ("2025-10-02", 102.0)]);
    assert_eq!((m.max_drawdown_pct, m.max_drawdown_peak_date), (0.0, None));
}

#[test]
fn degenerate_inputs_are_finite() {
    let empty = compute(&MetricsInput::default());
    assert_eq!(empty.trading_days, 0);
    assert_eq!(empty.calendar_days, 0);
    assert_eq!(empty.sharpe_ratio, None);
    assert_eq!(empty.win_rate_pct, None);
    assert_eq!(empty.turnover, None);
    let flat = metrics(100.0, &[("2025-10-01", 100.0), ("2025-10-02", 100.0)]);
    assert_eq!((flat.sharpe_ratio, flat.sortino_ratio), (None, None));
    assert_eq!(flat.daily_volatility_pct, Some(0.0));
    let broken = compute(&MetricsInput {
        starting_value: f64::NAN,
        daily_values: values(&[
            ("2025-10-01", 0.0),
            ("2025-10-02", f64::INFINITY),
            ("2025-10-03", -5.0),
        ]),
        traded_value: f64::NAN,
        ..Default::default()
    });
    let json = serde_json::to_string(&broken).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    // serde_json writes non-finite floats as null; every float field must be finite or an Option.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in [
        "starting_portfolio_value",
        "ending_portfolio_value",
        "period_return_pct",
        "max_drawdown_pct",
    ] {
        assert!(value[key].is_number(), "{key} in {json}");
    }
}

#[test]
fn turnover_is_traded_value_over_average_value() {
    let m = compute(&MetricsInput {
        starting_value: 100.0,
        daily_values: values(&[("2025-10-01", 100.0), ("2025-10-02", 100.0)]),
        number_of_trades: 4,
        traded_value: 150.0,
        risk_free_rate: 0.0,
    });
    assert_eq!(m.turnover, Some(1.5));
    assert_eq!(m.number_of_trades, 4);
}

#[test]
fn buy_and_hold_qqq_return_is_the_ratio_of_closes() {
    let path = crate::test_data::nasdaq100_dir().join("daily_prices_QQQ.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut days: Vec<(Date, f64, f64)> = json["Time Series (Daily)"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(date, bar)| {
            let num = |k: &str| bar[k].as_str().unwrap().parse::<f64>().unwrap();
            (d(date), num("1. open"), num("4. close"))
        })
        .filter(|(date, _, _)| *date >= d("2025-10-01"))
        .collect();
    days.sort_by_key(|x| x.0);
    let (before, range) = days.split_at(1);
    let previous_close = before[0].2;
    let series = buy_and_hold(10_000.0, Some(previous_close), range);
    assert_eq!(series.len(), range.len());
    for (value, (_, _, close)) in series.iter().zip(range) {
        assert!((value.portfolio_value / 10_000.0 - close / previous_close).abs() < 1e-12);
    }
    // The same index whatever the amount: one baseline for every model.
    let other = buy_and_hold(12_345.0, Some(previous_close), range);
    assert!(
        (other[3].portfolio_value / 12_345.0 - series[3].portfolio_value / 10_000.0).abs() < 1e-12
    );
    // Without a close before the range, bought at the first open.
    let opened = buy_and_hold(10_000.0, None, range);
    assert!((opened[0].portfolio_value - 10_000.0 * range[0].2 / range[0].1).abs() < 1e-9);
    assert!(buy_and_hold(10_000.0, None, &[]).is_empty());
}
