use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Every NYSE full-day holiday of 2021–2027, as published.
const PUBLISHED: &[(&str, &str)] = &[
    ("2021-01-01", "New Year's Day"),
    ("2021-01-18", "Martin Luther King Jr. Day"),
    ("2021-02-15", "Washington's Birthday"),
    ("2021-04-02", "Good Friday"),
    ("2021-05-31", "Memorial Day"),
    ("2021-07-05", "Independence Day (observed)"),
    ("2021-09-06", "Labor Day"),
    ("2021-11-25", "Thanksgiving Day"),
    ("2021-12-24", "Christmas Day (observed)"),
    ("2022-01-17", "Martin Luther King Jr. Day"),
    ("2022-02-21", "Washington's Birthday"),
    ("2022-04-15", "Good Friday"),
    ("2022-05-30", "Memorial Day"),
    (
        "2022-06-20",
        "Juneteenth National Independence Day (observed)",
    ),
    ("2022-07-04", "Independence Day"),
    ("2022-09-05", "Labor Day"),
    ("2022-11-24", "Thanksgiving Day"),
    ("2022-12-26", "Christmas Day (observed)"),
    ("2023-01-02", "New Year's Day (observed)"),
    ("2023-01-16", "Martin Luther King Jr. Day"),
    ("2023-02-20", "Washington's Birthday"),
    ("2023-04-07", "Good Friday"),
    ("2023-05-29", "Memorial Day"),
    ("2023-06-19", "Juneteenth National Independence Day"),
    ("2023-07-04", "Independence Day"),
    ("2023-09-04", "Labor Day"),
    ("2023-11-23", "Thanksgiving Day"),
    ("2023-12-25", "Christmas Day"),
    ("2024-01-01", "New Year's Day"),
    ("2024-01-15", "Martin Luther King Jr. Day"),
    ("2024-02-19", "Washington's Birthday"),
    ("2024-03-29", "Good Friday"),
    ("2024-05-27", "Memorial Day"),
    ("2024-06-19", "Juneteenth National Independence Day"),
    ("2024-07-04", "Independence Day"),
    ("2024-09-02", "Labor Day"),
    ("2024-11-28", "Thanksgiving Day"),
    ("2024-12-25", "Christmas Day"),
    ("2025-01-01", "New Year's Day"),
    (
        "2025-01-09",
        "National Day of Mourning for President Jimmy Carter",
    ),
    ("2025-01-20", "Martin Luther King Jr. Day"),
    ("2025-02-17", "Washington's Birthday"),
    ("2025-04-18", "Good Friday"),
    ("2025-05-26", "Memorial Day"),
    ("2025-06-19", "Juneteenth National Independence Day"),
    ("2025-07-04", "Independence Day"),
    ("2025-09-01", "Labor Day"),
    ("2025-11-27", "Thanksgiving Day"),
    ("2025-12-25", "Christmas Day"),
    ("2026-01-01", "New Year's Day"),
    ("2026-01-19", "Martin Luther King Jr. Day"),
    ("2026-02-16", "Washington's Birthday"),
    ("2026-04-03", "Good Friday"),
    ("2026-05-25", "Memorial Day"),
    ("2026-06-19", "Juneteenth National Independence Day"),
    ("2026-07-03", "Independence Day (observed)"),
    ("2026-09-07", "Labor Day"),
    ("2026-11-26", "Thanksgiving Day"),
    ("2026-12-25", "Christmas Day"),
    ("2027-01-01", "New Year's Day"),
    ("2027-01-18", "Martin Luther King Jr. Day"),
    ("2027-02-15", "Washington's Birthday"),
    ("2027-03-26", "Good Friday"),
    ("2027-05-31", "Memorial Day"),
    (
        "2027-06-18",
        "Juneteenth National Independence Day (observed)",
    ),
    ("2027-07-05", "Independence Day (observed)"),
    ("2027-09-06", "Labor Day"),
    ("2027-11-25", "Thanksgiving Day"),
    ("2027-12-24", "Christmas Day (observed)"),
];

#[test]
fn every_holiday_of_2021_to_2027_by_date_and_name() {
    let computed: Vec<(String, String)> = (2021..=2027)
        .flat_map(holidays_of_year)
        .map(|(day, holiday)| (day.to_string(), holiday.to_string()))
        .collect();
    let published: Vec<(String, String)> = PUBLISHED
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(computed, published);
    for (day, name) in PUBLISHED {
        assert_eq!(
            closure(d(day)).map(|c| c.to_string()),
            Some(format!("Market holiday: {name}"))
        );
    }
}

#[test]
fn observance_edge_cases() {
    // New Year's Day 2022 fell on a Saturday and is not observed on the Friday before.
    assert!(is_trading_day(d("2021-12-31")));
    assert!(!is_trading_day(d("2022-12-26")));
    assert!(!is_trading_day(d("2027-07-05")));
    assert!(!is_trading_day(d("2026-07-03")));
    // Juneteenth only from 2022.
    assert!(is_trading_day(d("2021-06-18")));
    // The weekend day itself is a weekend, not a holiday.
    assert_eq!(closure(d("2026-07-04")), Some(Closure::Weekend));
    assert_eq!(closure(d("2026-07-04")).unwrap().to_string(), "Weekend");
}

#[test]
fn one_off_closures_since_2000() {
    for day in [
        "2001-09-11",
        "2001-09-12",
        "2001-09-13",
        "2001-09-14",
        "2004-06-11",
        "2007-01-02",
        "2012-10-29",
        "2012-10-30",
        "2018-12-05",
        "2025-01-09",
    ] {
        assert!(
            matches!(closure(d(day)), Some(Closure::Holiday(_))),
            "{day} should be closed"
        );
    }
    assert!(is_trading_day(d("2001-09-17")));
    assert!(is_trading_day(d("2012-10-31")));
}

#[test]
fn navigation_between_trading_days() {
    assert_eq!(next_trading_day(d("2025-07-03")), d("2025-07-07"));
    assert_eq!(previous_trading_day(d("2025-07-07")), d("2025-07-03"));
    assert_eq!(previous_trading_day(d("2025-09-02")), d("2025-08-29"));
    assert_eq!(next_trading_day(d("2025-12-31")), d("2026-01-02"));
    let july: Vec<_> = trading_days(d("2025-07-01"), d("2025-07-08"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        july,
        [
            "2025-07-01",
            "2025-07-02",
            "2025-07-03",
            "2025-07-07",
            "2025-07-08"
        ]
    );
    // 252 is the usual count; 2025 had the extra Carter closure.
    assert_eq!(trading_days(d("2024-01-01"), d("2024-12-31")).count(), 252);
    assert_eq!(trading_days(d("2025-01-01"), d("2025-12-31")).count(), 250);
}

#[test]
fn calendar_days_describe_each_day() {
    let days = calendar_days(d("2025-07-03"), d("2025-07-05"));
    assert_eq!(
        days,
        vec![
            CalendarDay {
                date: d("2025-07-03"),
                trading: true,
                weekend: false,
                holiday: None
            },
            CalendarDay {
                date: d("2025-07-04"),
                trading: false,
                weekend: false,
                holiday: Some("Independence Day".to_owned()),
            },
            CalendarDay {
                date: d("2025-07-05"),
                trading: false,
                weekend: true,
                holiday: None
            },
        ]
    );
}

#[test]
fn real_price_dates_are_exactly_the_trading_days() {
    let dir = crate::test_data::nasdaq100_dir();
    let mut all_dates = std::collections::BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("daily_prices_") {
            continue;
        }
        files += 1;
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let series = json["Time Series (Daily)"].as_object().unwrap();
        let dates: std::collections::BTreeSet<Date> = series.keys().map(|k| d(k)).collect();
        let expected: std::collections::BTreeSet<Date> =
            trading_days(d("2025-06-10"), d("2025-10-30")).collect();
        assert_eq!(dates, expected, "{name}");
        all_dates.extend(dates);
    }
    assert_eq!(files, 102);
    assert_eq!(all_dates.len(), 100);
}
