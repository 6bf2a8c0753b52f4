//! The models × dates grid of a plan or a job: each cell shows its outcome by colour and by a
//! letter (never colour alone), with the full reason on hover and focus.

use ai_trader_core::Date;
use leptos::prelude::*;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// A CSS class naming the outcome (`run`, `weekend`, `completed`, …).
    pub class: &'static str,
    /// The letter shown.
    pub letter: char,
    /// The full reason.
    pub title: String,
}

/// What the grid shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GridData {
    /// Dates, left to right.
    pub dates: Vec<Date>,
    /// Per date, a label for closed days (weekend, holiday name).
    pub date_notes: Vec<Option<String>>,
    /// Rows: model and its cells (one per date).
    pub rows: Vec<(String, Vec<Cell>)>,
}

fn weekday_letter(date: Date) -> &'static str {
    ["M", "T", "W", "T", "F", "S", "S"][date.weekday().num_days_from_monday() as usize]
}

/// The grid, with the focused or hovered cell's full reason spelled out below it.
#[component]
pub fn Grid(data: Signal<GridData>) -> impl IntoView {
    let detail = RwSignal::new(None::<String>);
    let table = move || {
        let data = data.get();
        let header = data
            .dates
            .iter()
            .zip(&data.date_notes)
            .map(|(d, note)| {
                let title = note.clone().unwrap_or_else(|| d.to_string());
                let closed = note.is_some();
                view! {
                    <th class="date" class:closed=closed title=title data-date=d.to_string()>
                        <span class="dow">{weekday_letter(*d)}</span>
                        <span class="dom">{d.day()}</span>
                    </th>
                }
            })
            .collect_view();
        let rows = data
            .rows
            .into_iter()
            .map(|(model, cells)| {
                let cells = cells
                    .into_iter()
                    .zip(data.dates.iter())
                    .map(|(cell, date)| {
                        let text = format!("{model} · {date}: {}", cell.title);
                        let (on_focus, on_hover) = (text.clone(), text);
                        view! {
                            <td class=format!("cell {}", cell.class) title=cell.title.clone() tabindex="0"
                                data-date=date.to_string() data-status=cell.class aria-label=cell.title
                                on:focus=move |_| detail.set(Some(on_focus.clone()))
                                on:mouseenter=move |_| detail.set(Some(on_hover.clone()))>
                                {cell.letter.to_string()}
                            </td>
                        }
                    })
                    .collect_view();
                let label = model.clone();
                view! { <tr data-model=model><th class="model">{label}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <div class="grid-scroll">
                <table class="grid">
                    <thead><tr><th class="model"></th>{header}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    view! {
        {table}
        <p class="cell-detail" id="cell-detail" aria-live="polite">
            {move || detail.get().unwrap_or_else(|| "Hover or focus a cell to see why it runs or is skipped.".to_owned())}
        </p>
    }
}
