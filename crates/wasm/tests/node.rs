//! The wasm module under node (`cargo test -p ai-trader-wasm --target wasm32-unknown-unknown`):
//! the same golden plans as the native tests, through the JS API, byte for byte.
#![cfg(target_arch = "wasm32")]

use ai_trader_wasm::{compute_metrics, plan_job, plan_model_days, trading_calendar, version};
use js_sys::{JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                "../../core/tests/fixtures/plan/",
                $name,
                ".input.json"
            )),
            include_str!(concat!(
                "../../core/tests/fixtures/plan/",
                $name,
                ".expected.json"
            )),
        )
    };
}

const FIXTURES: &[(&str, &str, &str)] = &[
    fixture!("before_history"),
    fixture!("beyond_the_data"),
    fixture!("calendar_only"),
    fixture!("download_missing"),
    fixture!("forecast_budgets"),
    fixture!("error_all_completed"),
    fixture!("error_busy_model"),
    fixture!("error_busy_run"),
    fixture!("error_invalid_budget"),
    fixture!("error_end_required"),
    fixture!("error_future_end"),
    fixture!("error_invalid_date"),
    fixture!("error_invalid_run"),
    fixture!("error_no_enabled_models"),
    fixture!("error_nothing_to_run"),
    fixture!("error_range_too_large"),
    fixture!("error_start_after_end"),
    fixture!("error_unknown_models"),
    fixture!("incomplete_data"),
    fixture!("july_fourth"),
    fixture!("labor_day_window"),
    fixture!("replace_existing_supersedes"),
    fixture!("resume_cold_start"),
    fixture!("resume_mode"),
    fixture!("runs_replace"),
    fixture!("runs_repeats"),
    fixture!("seed_one_model"),
    fixture!("seed_two_models"),
];

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

/// What the JS API gives for a fixture, in the golden file's form.
fn planned(input: &str) -> String {
    let input = JSON::parse(input).unwrap();
    match plan_job(get(&input, "request"), get(&input, "context")) {
        Ok(plan) => stringify(&plan),
        Err(error) => {
            let wrapped = js_sys::Object::new();
            let inner = js_sys::Object::new();
            for key in ["code", "message", "status"] {
                Reflect::set(&inner, &key.into(), &get(&error, key)).unwrap();
            }
            Reflect::set(&wrapped, &"error".into(), &inner).unwrap();
            stringify(&wrapped)
        }
    }
}

#[wasm_bindgen_test]
fn wasm_plans_equal_the_native_golden_files() {
    for (name, input, expected) in FIXTURES {
        // Numbers in JS's spelling (`3` for serde's `3.0`); the values are identical.
        let expected = stringify(&JSON::parse(expected).unwrap());
        assert_eq!(planned(input), expected, "fixture {name}");
    }
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_code_and_status() {
    let (_, input, _) = fixture!("error_unknown_models");
    let input = JSON::parse(input).unwrap();
    let error = plan_job(get(&input, "request"), get(&input, "context")).unwrap_err();
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&error, "code").as_string().unwrap(), "unknown_models");
    assert_eq!(get(&error, "status").as_f64().unwrap(), 400.0);
    let bad = plan_job(JSON::parse("{\"end_date\": 5}").unwrap(), JsValue::NULL).unwrap_err();
    assert_eq!(get(&bad, "code").as_string().unwrap(), "invalid_argument");
    assert!(
        get(&bad, "message")
            .as_string()
            .unwrap()
            .starts_with("Invalid request:")
    );
}

#[wasm_bindgen_test]
fn model_days_expand_the_grid() {
    let (_, input, _) = fixture!("seed_one_model");
    let input = JSON::parse(input).unwrap();
    let plan = plan_job(get(&input, "request"), get(&input, "context")).unwrap();
    let rows = plan_model_days(plan).unwrap();
    assert_eq!(
        stringify(&rows),
        "[{\"date\":\"2025-10-01\",\"model\":\"gpt-5\",\"run\":\"main\",\"skip_reason\":\"already_completed\",\"message\":\"Already completed\"},\
         {\"date\":\"2025-10-02\",\"model\":\"gpt-5\",\"run\":\"main\",\"skip_reason\":null,\"message\":null},\
         {\"date\":\"2025-10-03\",\"model\":\"gpt-5\",\"run\":\"main\",\"skip_reason\":null,\"message\":null},\
         {\"date\":\"2025-10-04\",\"model\":\"gpt-5\",\"run\":\"main\",\"skip_reason\":\"weekend\",\"message\":\"Weekend\"},\
         {\"date\":\"2025-10-05\",\"model\":\"gpt-5\",\"run\":\"main\",\"skip_reason\":\"weekend\",\"message\":\"Weekend\"}]"
    );
}

#[wasm_bindgen_test]
fn calendar_names_holidays() {
    let days = trading_calendar("2025-07-03", "2025-07-05").unwrap();
    assert_eq!(
        stringify(&days),
        "[{\"date\":\"2025-07-03\",\"trading\":true,\"weekend\":false,\"holiday\":null},\
         {\"date\":\"2025-07-04\",\"trading\":false,\"weekend\":false,\"holiday\":\"Independence Day\"},\
         {\"date\":\"2025-07-05\",\"trading\":false,\"weekend\":true,\"holiday\":null}]"
    );
    let error = trading_calendar("2025-7-03", "2025-07-05").unwrap_err();
    assert_eq!(
        get(&error, "message").as_string().unwrap(),
        "Invalid date format: 2025-7-03. Expected YYYY-MM-DD (field start)"
    );
    assert!(trading_calendar("1900-01-01", "2100-01-01").is_err());
}

#[wasm_bindgen_test]
fn metrics_from_an_input_or_a_series() {
    let input = JSON::parse(
        r#"{"starting_value": 10000, "daily_values": [{"date": "2024-01-16", "portfolio_value": 10100}, {"date": "2024-01-17", "portfolio_value": 10250}]}"#,
    )
    .unwrap();
    let metrics = compute_metrics(input).unwrap();
    assert_eq!(get(&metrics, "period_return_pct").as_f64(), Some(2.5));
    assert_eq!(get(&metrics, "calendar_days").as_f64(), Some(2.0));
    assert!(get(&metrics, "sortino_ratio").is_null());
    let series = JSON::parse(
        r#"[{"date": "2024-01-15", "portfolio_value": 10000}, {"date": "2024-01-16", "portfolio_value": 10100}, {"date": "2024-01-17", "portfolio_value": 10250}]"#,
    )
    .unwrap();
    assert_eq!(
        stringify(&compute_metrics(series).unwrap()),
        stringify(&metrics)
    );
    assert!(compute_metrics(JsValue::from_str("nope")).is_err());
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}
