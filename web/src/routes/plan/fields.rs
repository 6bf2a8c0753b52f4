//! The form's inputs: dates that are never rewritten while typed, and the model checkboxes.

use ai_trader_core::Date;
use ai_trader_core::api::ModelSummary;
use leptos::prelude::*;

/// A date the user has finished typing: `YYYY-MM-DD` with a four-digit year. A date input
/// reports `0002-…` while its year is half typed; that is not a date to plan.
pub fn complete_date(text: &str) -> Option<Date> {
    Date::parse(text).ok().filter(|d| d.year() >= 1900)
}

/// A date input that never rewrites what is being typed: `shown` is written only by the page
/// (defaults, restored state), `committed` only when the typed date is complete.
#[component]
pub fn DateField(
    label: &'static str,
    id: &'static str,
    shown: RwSignal<String>,
    committed: RwSignal<Option<Date>>,
    touched: RwSignal<bool>,
) -> impl IntoView {
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        touched.set(true);
        if text.is_empty() {
            committed.set(None);
        } else if let Some(date) = complete_date(&text) {
            committed.set(Some(date));
        }
    };
    view! {
        <label>{label} <input type="date" id=id min="1900-01-01" prop:value=shown on:input=on_input/></label>
    }
}

/// A checkbox per configured model, with its kind.
#[component]
pub fn ModelChoices(
    models: RwSignal<Vec<ModelSummary>>,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    move || {
        models
            .get()
            .into_iter()
            .map(|m| {
                let signature = m.signature.clone();
                let checked = {
                    let signature = signature.clone();
                    move || selected.get().contains(&signature)
                };
                let toggle = {
                    let signature = signature.clone();
                    move |_| {
                        selected.update(|list| {
                            if let Some(i) = list.iter().position(|s| *s == signature) {
                                list.remove(i);
                            } else {
                                list.push(signature.clone());
                            }
                        })
                    }
                };
                let kind = if m.provider.is_baseline() { "baseline" } else { m.provider.as_str() };
                view! {
                    <label class="model-choice">
                        <input type="checkbox" prop:checked=checked on:change=toggle data-model=signature/>
                        <span>{m.name}</span>
                        <span class=format!("tag {kind}")>{kind}</span>
                    </label>
                }
            })
            .collect_view()
    }
}

/// The run to create or continue (with the runs the server knows to pick from), how many
/// independent repeats, and a note kept with them.
#[component]
pub fn RunFields(
    run: RwSignal<String>,
    repeats: RwSignal<String>,
    note: RwSignal<String>,
    budget: RwSignal<String>,
    known_runs: Signal<Vec<String>>,
) -> impl IntoView {
    let options = move || {
        known_runs
            .get()
            .into_iter()
            .map(|name| view! { <option value=name/> })
            .collect_view()
    };
    view! {
        <div class="form runs">
            <label>"Run" <input type="text" id="run" list="run-names" placeholder="main" autocomplete="off"
                aria-describedby="run-help" prop:value=run on:input=move |ev| run.set(event_target_value(&ev))/></label>
            <datalist id="run-names">{options}</datalist>
            <label>"Repeats" <input type="number" id="repeats" min="1" max="20" step="1" inputmode="numeric" placeholder="1"
                prop:value=repeats on:input=move |ev| repeats.set(event_target_value(&ev))/></label>
            <label class="wide">"Note" <input type="text" id="note" maxlength="2000" placeholder="What this experiment tries"
                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/></label>
            <label>"Budget, USD" <input type="text" id="max-cost" inputmode="decimal" placeholder="none" autocomplete="off"
                aria-describedby="budget-help" prop:value=budget on:input=move |ev| budget.set(event_target_value(&ev))/></label>
        </div>
        <p class="hint" id="run-help">"A run is an independent portfolio: a new name starts every model from the initial cash; an existing one continues it. With repeats, each model runs that many times (run-1, run-2, …) to tell skill from luck."</p>
        <p class="hint" id="budget-help">"With a budget, no model-day starts once its expected cost would pass it: the rest are skipped (budget exhausted). Models may also have their own budget in the server's configuration."</p>
    }
}
