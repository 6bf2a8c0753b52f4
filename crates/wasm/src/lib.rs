//! The orchestration core for JavaScript: a thin wasm-bindgen layer over `ai-trader-core`.
//!
//! Every export takes and returns plain JS objects (through serde-wasm-bindgen, JSON-compatible:
//! `null` for absent values, objects for maps). Errors are thrown as JS `Error`s whose `message`
//! is the core's message, with `code` and `status` properties. The TypeScript declarations are
//! in `ai-trader.d.ts` beside this crate and are checked against the Rust types by a test.

#![warn(missing_docs)]

use ai_trader_core::calendar::calendar_days;
use ai_trader_core::metrics::{self, DailyValue, MetricsInput};
use ai_trader_core::planner::{ModelRow, PlannedDate, model_days};
use ai_trader_core::{Date, PlanContext, PlanError, PlanRequest, plan};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../ai-trader.d.ts");

/// The longest calendar `tradingCalendar` returns: a century.
const MAX_CALENDAR_DAYS: i64 = 36_525;

/// Plans a job exactly as the server does (`POST /simulate/preview`).
#[wasm_bindgen(js_name = planJob, unchecked_return_type = "Plan")]
pub fn plan_job(
    #[wasm_bindgen(unchecked_param_type = "PlanRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlanContext")] context: JsValue,
) -> Result<JsValue, JsValue> {
    let request: PlanRequest = from_js("request", request)?;
    let context: PlanContext = from_js("context", context)?;
    let plan = plan(&request, &context).map_err(|e| plan_error(&e))?;
    to_js(&plan)
}

/// The rows of a plan, ordered like a job's details: `{date, model, skip_reason, message}`.
#[wasm_bindgen(js_name = planModelDays, unchecked_return_type = "PlannedModelDay[]")]
pub fn plan_model_days(
    #[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue,
) -> Result<JsValue, JsValue> {
    let plan: PlanGrid = from_js("plan", plan)?;
    let rows: Vec<_> = model_days(&plan.dates, &plan.grid).collect();
    to_js(&rows)
}

/// What [`plan_model_days`] reads of a plan; the rest (its forecast, totals…) is skipped
/// rather than decoded, which keeps the package small.
#[derive(Deserialize)]
struct PlanGrid {
    dates: Vec<PlannedDate>,
    grid: Vec<ModelRow>,
}

/// Every day from `start` to `end`: trading or not, weekend, holiday name.
#[wasm_bindgen(js_name = tradingCalendar, unchecked_return_type = "CalendarDay[]")]
pub fn trading_calendar(start: &str, end: &str) -> Result<JsValue, JsValue> {
    let start = parse_date("start", start)?;
    let end = parse_date("end", end)?;
    if end.days_since(start) >= MAX_CALENDAR_DAYS {
        return Err(error(
            "invalid_range",
            &format!("Calendar range too large: at most {MAX_CALENDAR_DAYS} days"),
        ));
    }
    to_js(&calendar_days(start, end))
}

/// Metrics of a value series: a `MetricsInput`, or an array of `{date, portfolio_value}` whose
/// first element is the starting value.
#[wasm_bindgen(js_name = computeMetrics, unchecked_return_type = "PeriodMetrics")]
pub fn compute_metrics(
    #[wasm_bindgen(unchecked_param_type = "MetricsInput | DailyValue[]")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input = match from_js::<MetricsArgument>("input", input)? {
        MetricsArgument::Input(input) => input,
        MetricsArgument::Series(mut values) => {
            let starting_value = if values.is_empty() {
                0.0
            } else {
                values.remove(0).portfolio_value
            };
            MetricsInput {
                starting_value,
                daily_values: values,
                ..MetricsInput::default()
            }
        }
    };
    to_js(&metrics::compute(&input))
}

/// The core's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MetricsArgument {
    Input(MetricsInput),
    Series(Vec<DailyValue>),
}

fn parse_date(field: &str, text: &str) -> Result<Date, JsValue> {
    Date::parse(text).map_err(|e| error("invalid_date", &format!("{e} (field {field})")))
}

fn from_js<T: for<'de> Deserialize<'de>>(what: &str, value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| error("invalid_argument", &format!("Invalid {what}: {e}")))
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error("internal", &e.to_string()))
}

fn plan_error(err: &PlanError) -> JsValue {
    let value = error(err.code(), &err.to_string());
    let _ = js_sys::Reflect::set(&value, &"status".into(), &err.status_code().into());
    value
}

/// A JS `Error` with a `code` property.
fn error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}
