//! What the plan page knows besides the form: today, the server's planning context of the
//! window (fetched once the dates settle), and a calendar-only context without a server.

use std::time::Duration;

use ai_trader_core::api::ModelSummary;
use ai_trader_core::planner::{DEFAULT_MAX_SIMULATION_DAYS, ModelInfo};
use ai_trader_core::{Date, PlanContext, calendar};
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Abort, ApiError};

/// Today in the browser, for calendar-only planning.
pub fn browser_today() -> Date {
    let now = js_sys::Date::new_0();
    Date::from_ymd(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// The last `n` trading days up to `end`: (first, last).
pub fn last_trading_days(dates: &[Date], today: Date, n: usize) -> Option<(Date, Date)> {
    let upto: Vec<Date> = dates.iter().copied().filter(|d| *d <= today).collect();
    let last = *upto.last()?;
    let first = upto[upto.len().saturating_sub(n)];
    Some((first, last))
}

/// The default range without a server: the last five exchange trading days before today.
pub fn calendar_range(today: Date) -> (Date, Date) {
    let end = calendar::previous_trading_day(today);
    let start = (0..4).fold(end, |d, _| calendar::previous_trading_day(d));
    (start, end)
}

/// The context without a server: the exchange calendar alone.
pub fn calendar_context(today: Date, models: &[ModelSummary]) -> PlanContext {
    PlanContext {
        today,
        max_simulation_days: DEFAULT_MAX_SIMULATION_DAYS,
        models: models
            .iter()
            .map(|m| ModelInfo {
                signature: m.signature.clone(),
                enabled: m.enabled,
                ..ModelInfo::default()
            })
            .collect(),
        market: None,
        history: Default::default(),
        active_jobs: vec![],
        download_missing: false,
        ..PlanContext::default()
    }
}

/// Without any configured model known (no server), plan one row for the calendar.
pub fn calendar_or_any(mut ctx: PlanContext) -> PlanContext {
    if ctx.models.is_empty() {
        ctx.models.push(ModelInfo {
            signature: "any model".into(),
            enabled: true,
            ..ModelInfo::default()
        });
    }
    ctx
}

/// How long the dates must stay unchanged before the context of a new window is fetched: a
/// date being typed passes through complete dates (month 1 before 11) that are not meant.
const SETTLE_MS: u64 = 250;

/// Keeps `context` on the planning context of the window, fetched again only when the window
/// changes and settles, and only for a window the planner accepts the order of.
pub fn watch_context(
    abort: Abort,
    (start, end, resume): (
        RwSignal<Option<Date>>,
        RwSignal<Option<Date>>,
        RwSignal<bool>,
    ),
    context: RwSignal<Option<PlanContext>>,
    offline: RwSignal<bool>,
) {
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |previous: Option<(Option<Date>, Option<Date>)>| {
        let from = if resume.get() { None } else { start.get() };
        let window = (from, end.get());
        if previous.as_ref() == Some(&window) {
            return window;
        }
        let Some(e) = window.1 else { return window };
        if from.is_some_and(|s| s > e) || (from.is_none() && !resume.get_untracked()) {
            return window;
        }
        let query = match from {
            Some(s) => format!("start_date={s}&end_date={e}"),
            None => format!("end_date={e}"),
        };
        let fetch = move || {
            spawn_local(async move {
                match api::get::<PlanContext>(&format!("/simulate/plan-context?{query}"), abort)
                    .await
                {
                    Ok(ctx) => {
                        offline.set(false);
                        context.set(Some(ctx));
                    }
                    Err(ApiError::Unreachable(_)) => {
                        offline.set(true);
                        context.set(None);
                    }
                    // A window the server refuses is explained by the local plan.
                    Err(_) => {}
                }
            })
        };
        // The first window at once; a changed one once it settles.
        if previous.is_none() {
            fetch();
        } else {
            pending.update_value(|timer: &mut Option<TimeoutHandle>| {
                if let Some(t) = timer.take() {
                    t.clear();
                }
                *timer = set_timeout_with_handle(fetch, Duration::from_millis(SETTLE_MS)).ok();
            });
        }
        window
    });
}
