//! What the plan is expected to cost and take, beside its grid: per model and in total, with
//! the budgets and what they would leave unrun. The figures are the core planner's forecast;
//! this only puts them in words.

use ai_trader_core::cost::describe_usd;
use ai_trader_core::forecast::{
    Forecast, ForecastTotal, describe_basis, describe_budget, describe_cost, describe_duration,
    describe_token_counts,
};
use leptos::prelude::*;

use crate::format::count;

/// The total in a sentence: `24 model-days: about $1.46 (p90 $1.62), about 12 min`.
fn total_sentence(total: &ForecastTotal) -> String {
    let cost = if total.unknown_models.is_empty() {
        describe_cost(Some(total.cost_usd))
    } else if total.cost_usd.mean > 0.0 {
        format!(
            "at least {} (the cost of {} is unknown)",
            describe_cost(Some(total.cost_usd)),
            total.unknown_models.join(", ")
        )
    } else {
        "unknown".to_owned()
    };
    format!(
        "{}: cost {cost}; time {}",
        count(total.model_days, "model-day", "model-days"),
        describe_duration(total.duration_seconds)
    )
}

/// The job budget's line: `Budget $5.00: all 24 model-days fit` or what it leaves unrun.
fn job_budget_sentence(total: &ForecastTotal) -> Option<String> {
    let budget = describe_usd(Some(total.max_cost_usd?));
    let affordable = total.affordable_days.unwrap_or(total.model_days);
    Some(if affordable >= total.model_days {
        format!(
            "Budget {budget}: all {} fit.",
            count(total.model_days, "model-day", "model-days")
        )
    } else {
        format!(
            "Budget {budget}: about {affordable} of {} fit; the rest would be skipped once it is spent.",
            count(total.model_days, "model-day", "model-days")
        )
    })
}

/// The forecast panel.
#[component]
pub fn ForecastPanel(forecast: Signal<Option<Forecast>>) -> impl IntoView {
    move || {
        forecast.get().map(|f| {
            let rows = f
                .models
                .iter()
                .map(|m| {
                    let budget = describe_budget(m);
                    let over = m.affordable_days.is_some_and(|n| n < m.model_days);
                    view! {
                        <tr class:over-budget=over>
                            <td>
                                <strong>{m.model.clone()}</strong>
                                <span class="row-note">{describe_basis(m)}</span>
                                {budget.map(|b| view! { <span class="row-note budget-note">{b}</span> })}
                            </td>
                            <td class="num">{m.model_days}</td>
                            <td class="num wide-only">{describe_token_counts(m.prompt_tokens, m.completion_tokens)}</td>
                            <td class="num">{describe_cost(m.cost_usd)}</td>
                            <td class="num">{describe_duration(m.duration_seconds)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let total = total_sentence(&f.total);
            let budget = job_budget_sentence(&f.total);
            let over = f.total.affordable_days.is_some_and(|n| n < f.total.model_days);
            view! {
                <section class="forecast" id="forecast" aria-labelledby="forecast-title">
                    <h2 id="forecast-title">"Forecast"</h2>
                    <p class="forecast-total" id="forecast-total">{total}</p>
                    {budget.map(|b| view! { <p class=if over { "notice strong" } else { "hint" } id="forecast-budget" role="status">{b}</p> })}
                    <div class="table-scroll">
                        <table class="list" id="forecast-models">
                            <thead><tr>
                                <th>"Model"</th><th class="num">"Days"</th><th class="num wide-only">"Tokens"</th>
                                <th class="num">"Cost"</th><th class="num">"Time"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <p class="hint">"Cost: the mean of the model's days so far times the days to run; p90 as if every day were as heavy as its 90th percentile day. Time: each model's days one after another, as many models at once as the server runs."</p>
                </section>
            }
        })
    }
}
