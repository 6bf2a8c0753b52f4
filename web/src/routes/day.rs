//! One model-day: starting position, trades, final position, summary, the full conversation
//! (tool calls and tool results shown apart), tokens.

use ai_trader_core::api::{
    DayResult, PositionSnapshot, Reasoning, ResultItem, ResultsResponse, Role,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, Abort};
use crate::format::money;

fn position(title: &'static str, p: &PositionSnapshot) -> impl IntoView + use<> {
    let holdings = p
        .holdings
        .iter()
        .map(|h| view! { <li><span>{h.symbol.clone()}</span><span>{h.quantity}</span></li> })
        .collect_view();
    view! {
        <div class="position">
            <h3>{title}</h3>
            <p>{format!("Value {} · cash {}", money(p.portfolio_value), money(p.cash))}</p>
            <ul class="holdings">{holdings}</ul>
        </div>
    }
}

/// The conversation: each message with who said it and when, tool calls and tool results
/// apart.
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
            view! {
                <div class=format!("message {role}")>
                    <div class="who">{label}<span class="when">{m.timestamp.get(11..19).unwrap_or_default().to_owned()}</span></div>
                    <pre>{m.content.clone()}</pre>
                    {calls}
                </div>
            }
        })
        .collect_view()
        .into_any()
}

/// One model-day: positions, trades, conversation.
#[component]
fn DayView(day: DayResult) -> impl IntoView {
    let d = day;
    let trades = d
        .trades
        .iter()
        .map(|t| view! { <tr><td>{t.action_type.as_str()}</td><td>{t.symbol.clone()}</td><td>{t.quantity}</td><td>{money(t.price)}</td></tr> })
        .collect_view();
    let u = d.metadata.token_usage;
    view! {
        <section class="page day">
            <h1>{format!("{} on {}", d.model, d.date)}</h1>
            <p class="status">{format!("Profit {} ({:+.2} %) · {} trades · {} prompt + {} completion tokens",
                money(d.daily_metrics.profit), d.daily_metrics.return_pct, d.metadata.total_actions,
                u.prompt_tokens, u.completion_tokens)}</p>
            <div class="positions">
                {position("Start of day", &d.starting_position)}
                {position("End of day (at the close)", &d.final_position)}
            </div>
            <h2>"Trades"</h2>
            <table class="list" id="trades"><thead><tr><th>"Side"</th><th>"Symbol"</th><th>"Shares"</th><th>"Price (open)"</th></tr></thead><tbody>{trades}</tbody></table>
            <h2>"Conversation"</h2>
            <div class="conversation" id="conversation">{conversation(d.reasoning.as_ref())}</div>
        </section>
    }
}

/// Loads the day of `model` on `date` with its full reasoning.
async fn load_day(model: String, date: String, abort: Abort) -> Result<DayResult, String> {
    let path = format!("/results?start_date={date}&model={model}&reasoning=full");
    let response = api::get::<ResultsResponse>(&path, abort)
        .await
        .map_err(|e| e.0)?;
    response
        .results
        .into_iter()
        .find_map(|i| match i {
            ResultItem::Day(d) => Some(*d),
            ResultItem::Range(_) => None,
        })
        .ok_or_else(|| "No such day".to_owned())
}

/// The day page: `/day/:model/:date`.
#[component]
pub fn DayPage() -> impl IntoView {
    let abort = Abort::for_page();
    let params = use_params_map();
    let day = RwSignal::new(None::<Result<DayResult, String>>);
    Effect::new(move |_| {
        let (model, date) = {
            let p = params.read();
            (
                p.get("model").unwrap_or_default(),
                p.get("date").unwrap_or_default(),
            )
        };
        spawn_local(async move { day.set(Some(load_day(model, date, abort).await)) });
    });
    move || match day.get() {
        None => view! { <p class="empty">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
        Some(Ok(d)) => view! { <DayView day=d/> }.into_any(),
    }
}
