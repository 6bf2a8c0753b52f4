//! One model-day: the session summary first, starting and final positions, trades, the full
//! conversation (the system prompt folded away, tool calls and results apart, the finish
//! signal as a quiet marker), tokens, and links to the previous and next day and to the job.

use ai_trader_core::Date;
use ai_trader_core::api::{
    DayResult, FINISH_SIGNAL, ModelRangeResult, PositionSnapshot, Reasoning, ResultItem,
    ResultsResponse, Role,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{self, Abort, ApiError};
use crate::components::ErrorText;
use crate::format::{count, money};

fn position(title: &'static str, p: &PositionSnapshot) -> impl IntoView + use<> {
    let holdings = p
        .holdings
        .iter()
        .map(|h| view! { <li><span>{h.symbol.clone()}</span><span>{count(h.quantity as u32, "share", "shares")}</span></li> })
        .collect_view();
    let empty = p
        .holdings
        .is_empty()
        .then(|| view! { <p class="muted">"No holdings: all cash."</p> });
    view! {
        <div class="position">
            <h3>{title}</h3>
            <p>{format!("Value {} · cash {}", money(p.portfolio_value), money(p.cash))}</p>
            {empty}
            <ul class="holdings">{holdings}</ul>
        </div>
    }
}

/// A message's text with the finish signal taken out, to be shown as a quiet marker instead:
/// (text, finished).
fn without_finish(content: &str) -> (String, bool) {
    if content.contains(FINISH_SIGNAL) {
        (
            content.replace(FINISH_SIGNAL, "").trim_end().to_owned(),
            true,
        )
    } else {
        (content.to_owned(), false)
    }
}

/// The conversation: each message with who said it and when; the system prompt folded.
fn conversation(reasoning: Option<&Reasoning>) -> AnyView {
    let Some(Reasoning::Full(messages)) = reasoning else {
        return view! { <p class="empty">"No conversation stored."</p> }.into_any();
    };
    messages
        .iter()
        .map(|m| {
            let role = m.role.as_str();
            let calls = m
                .tool_calls
                .iter()
                .map(|c| view! { <div class="call"><span class="call-name">{c.name.clone()}</span><code>{c.arguments.clone()}</code></div> })
                .collect_view();
            let label = match (&m.tool_name, m.role) {
                (Some(name), Role::Tool) => format!("tool result · {name}"),
                _ => role.to_owned(),
            };
            let when = m.timestamp.get(11..19).unwrap_or_default().to_owned();
            let (text, finished) = if m.role == Role::Assistant {
                without_finish(&m.content)
            } else {
                (m.content.clone(), false)
            };
            let finish = finished.then(|| view! { <p class="finish" title="The model said it is done for the day">"finished"</p> });
            if m.role == Role::System {
                let size = format!("system prompt · {} characters", text.chars().count());
                return view! {
                    <details class="message system" id="system-prompt">
                        <summary class="who">{size}<span class="when">{when}</span></summary>
                        <pre>{text}</pre>
                    </details>
                }
                .into_any();
            }
            view! {
                <div class=format!("message {role}")>
                    <div class="who">{label}<span class="when">{when}</span></div>
                    <pre>{text}</pre>
                    {calls}
                    {finish}
                </div>
            }
            .into_any()
        })
        .collect_view()
        .into_any()
}

/// Links to the model's previous and next trading days, and to the job.
#[component]
fn DayLinks(
    model: String,
    run: String,
    job_id: String,
    neighbours: (Option<Date>, Option<Date>),
) -> impl IntoView {
    let link = |date: Option<Date>, label: &'static str, id: &'static str| {
        date.map(|d| view! { <A href=crate::app::href(&day_path(&model, &run, d)) attr:id=id>{format!("{label} {d}")}</A> })
    };
    view! {
        <nav class="day-links">
            {link(neighbours.0, "← Previous day", "previous-day")}
            <A href=crate::app::href(&format!("/jobs/{job_id}")) attr:id="to-job">"Back to the job"</A>
            {link(neighbours.1, "Next day →", "next-day")}
        </nav>
    }
}

/// One model-day: summary, positions, trades, conversation.
#[component]
fn DayView(
    day: DayResult,
    summary: Option<String>,
    neighbours: (Option<Date>, Option<Date>),
) -> impl IntoView {
    let d = day;
    let trades = d
        .trades
        .iter()
        .map(|t| view! { <tr><td>{t.action_type.as_str()}</td><td>{t.symbol.clone()}</td><td class="num">{t.quantity}</td><td class="num">{money(t.price)}</td><td class="num">{money(t.notional())}</td></tr> })
        .collect_view();
    let trade_table = if d.trades.is_empty() {
        view! { <p class="muted" id="no-trades">"No trades on this day."</p> }.into_any()
    } else {
        view! { <div class="grid-scroll"><table class="list" id="trades"><thead><tr><th>"Side"</th><th>"Symbol"</th><th class="num">"Shares"</th><th class="num">"Price (open)"</th><th class="num">"Amount"</th></tr></thead><tbody>{trades}</tbody></table></div> }.into_any()
    };
    let u = d.metadata.token_usage;
    let summary = summary.filter(|s| !s.trim().is_empty()).map(|s| {
        let (text, _) = without_finish(&s);
        view! { <div class="summary" id="summary"><h2>"Summary"</h2><p>{text}</p></div> }
    });
    view! {
        <section class="page day">
            <h1>{format!("{} on {}", ai_trader_core::run::chain_label(&d.model, &d.run), d.date)}</h1>
            <DayLinks model=d.model.clone() run=d.run.clone() job_id=d.job_id.clone() neighbours/>
            <p class="status">{format!("Profit {} ({:+.2} %) · {} · {} prompt + {} completion tokens{}",
                money(d.daily_metrics.profit), d.daily_metrics.return_pct,
                count(d.trades.len() as u32, "trade", "trades"),
                u.prompt_tokens, u.completion_tokens,
                if u.estimated { " (estimated: the provider reported none)" } else { "" })}
                " · cost " <span id="day-cost">{ai_trader_core::cost::describe_usd(d.metadata.cost_usd)}</span></p>
            {summary}
            <div class="positions">
                {position("Start of day", &d.starting_position)}
                {position("End of day (at the close)", &d.final_position)}
            </div>
            <h2>"Trades"</h2>
            {trade_table}
            <h2>"Conversation"</h2>
            <div class="conversation" id="conversation">{conversation(d.reasoning.as_ref())}</div>
        </section>
    }
}

/// The path of a model-day's page: `/day/:model/:date`, with `?run=` for a run other than main.
pub fn day_path(model: &str, run: &str, date: Date) -> String {
    if ai_trader_core::run::is_main(run) {
        format!("/day/{model}/{date}")
    } else {
        format!("/day/{model}/{date}?run={run}")
    }
}

/// The day of `model`'s `run` on `date` with its reasoning at `level`.
async fn load_day(
    (model, run): (&str, &str),
    date: &str,
    level: &str,
    abort: Abort,
) -> Result<DayResult, ApiError> {
    let path = format!("/results?start_date={date}&model={model}&run={run}&reasoning={level}");
    let response = api::get::<ResultsResponse>(&path, abort).await?;
    response
        .results
        .into_iter()
        .find_map(|i| match i {
            ResultItem::Day(d) => Some(*d),
            ResultItem::Range(_) => None,
        })
        .ok_or_else(|| ApiError::Server(format!("{model} has no result on {date}.")))
}

/// The run's trading days just before and after `date` (within five weeks).
async fn neighbours(
    (model, run): (&str, &str),
    date: Date,
    abort: Abort,
) -> (Option<Date>, Option<Date>) {
    let path = format!(
        "/results?start_date={}&end_date={}&model={model}&run={run}",
        date.add_days(-35),
        date.add_days(35)
    );
    let Ok(response) = api::get::<ResultsResponse>(&path, abort).await else {
        return (None, None);
    };
    let days: Vec<Date> = response
        .results
        .into_iter()
        .filter_map(|i| match i {
            ResultItem::Range(r) => Some(*r),
            ResultItem::Day(_) => None,
        })
        .flat_map(|r: ModelRangeResult| r.daily_portfolio_values.into_iter().map(|v| v.date))
        .collect();
    (
        days.iter().copied().filter(|d| *d < date).max(),
        days.iter().copied().filter(|d| *d > date).min(),
    )
}

type Loaded = Result<(DayResult, Option<String>, (Option<Date>, Option<Date>)), ApiError>;

/// The day page: `/day/:model/:date?run=` (the main run without `run`).
#[component]
pub fn DayPage() -> impl IntoView {
    let abort = Abort::for_page();
    let params = use_params_map();
    let query = use_query_map();
    let day = RwSignal::new(None::<Loaded>);
    Effect::new(move |_| {
        let (model, date) = {
            let p = params.read();
            (
                p.get("model").unwrap_or_default(),
                p.get("date").unwrap_or_default(),
            )
        };
        let run = query
            .read()
            .get("run")
            .filter(|r| !r.is_empty())
            .unwrap_or_else(ai_trader_core::run::main_run);
        day.set(None);
        spawn_local(async move {
            let Ok(parsed) = Date::parse(&date) else {
                day.set(Some(Err(ApiError::Server(format!(
                    "{date} is not a date."
                )))));
                return;
            };
            let chain = (model.as_str(), run.as_str());
            let full = load_day(chain, &date, "full", abort).await;
            let loaded = match full {
                Err(e) => Err(e),
                Ok(full) => {
                    let summary = load_day(chain, &date, "summary", abort)
                        .await
                        .ok()
                        .and_then(|d| match d.reasoning {
                            Some(Reasoning::Summary(s)) => Some(s),
                            _ => None,
                        });
                    Ok((full, summary, neighbours(chain, parsed, abort).await))
                }
            };
            day.set(Some(loaded));
        });
    });
    move || match day.get() {
        None => view! { <p class="empty">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorText error=e/> }.into_any(),
        Some(Ok((d, summary, neighbours))) => {
            view! { <DayView day=d summary neighbours/> }.into_any()
        }
    }
}
