//! The models × dates grid of a plan or a job: each cell shows its outcome by colour and by a
//! letter (never colour alone), with the full reason on hover and focus. The grid is one Tab
//! stop: arrow keys, Home and End move inside it (a roving tabindex), Enter opens a cell's day.

use ai_trader_core::Date;
use leptos::ev::{FocusEvent, KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::format;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// A CSS class naming the outcome (`run`, `weekend`, `completed`, …).
    pub class: &'static str,
    /// The letter shown.
    pub letter: char,
    /// The full reason.
    pub title: String,
    /// The day page of a model-day that ran.
    pub href: Option<String>,
}

/// One model's row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The model.
    pub model: String,
    /// A note beside the model (its resume start).
    pub note: Option<String>,
    /// One cell per date.
    pub cells: Vec<Cell>,
}

/// What the grid shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GridData {
    /// Dates, left to right.
    pub dates: Vec<Date>,
    /// Per date, a label for closed days (weekend, holiday name).
    pub date_notes: Vec<Option<String>>,
    /// Rows, top to bottom.
    pub rows: Vec<Row>,
}

fn weekday_letter(date: Date) -> &'static str {
    ["M", "T", "W", "T", "F", "S", "S"][date.weekday().num_days_from_monday() as usize]
}

/// The months of `dates` with how many columns each spans.
fn month_spans(dates: &[Date]) -> Vec<(String, usize)> {
    let mut spans: Vec<(String, usize)> = Vec::new();
    for date in dates {
        let label = format::month(*date);
        match spans.last_mut() {
            Some((last, n)) if *last == label => *n += 1,
            _ => spans.push((label, 1)),
        }
    }
    spans
}

fn cell_id(row: usize, col: usize) -> String {
    format!("cell-{row}-{col}")
}

fn focus(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The two header rows: months (spanning their dates), then each date's weekday and day.
fn header_rows(dates: &[Date], notes: &[Option<String>]) -> (AnyView, AnyView) {
    let months = month_spans(dates)
        .into_iter()
        .map(|(label, span)| view! { <th class="month" colspan=span.to_string()>{label}</th> })
        .collect_view()
        .into_any();
    let days = dates
        .iter()
        .zip(notes)
        .map(|(d, note)| {
            let title = note.clone().unwrap_or_else(|| format::day(*d));
            let closed = note.is_some();
            view! {
                <th class="date" class:closed=closed title=title data-date=d.to_string() scope="col">
                    <span class="dow">{weekday_letter(*d)}</span>
                    <span class="dom">{d.day()}</span>
                </th>
            }
        })
        .collect_view()
        .into_any();
    (months, days)
}

/// A row per model; the cell at `stop` holds the grid's one Tab stop. Cells carry no handlers:
/// the table's listeners read them.
fn body_rows(data: GridData, stop: (usize, usize)) -> AnyView {
    let days: Vec<String> = data.dates.iter().map(|d| format::day(*d)).collect();
    data.rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let model = row.model.clone();
            let cells = row
                .cells
                .into_iter()
                .zip(data.dates.iter().zip(&days))
                .enumerate()
                .map(|(c, (cell, (date, day)))| {
                    let label = format!("{model}, {day}: {}", cell.title);
                    let tabindex = if (r, c) == stop { "0" } else { "-1" };
                    let letter = cell.letter.to_string();
                    let content = match cell.href {
                        Some(href) => view! { <A href=href attr:tabindex="-1" attr:class="cell-link">{letter}</A> }.into_any(),
                        None => letter.into_any(),
                    };
                    view! {
                        <td class=format!("cell {}", cell.class) title=cell.title tabindex=tabindex
                            id=cell_id(r, c) role="gridcell"
                            data-date=date.to_string() data-status=cell.class aria-label=label>
                            {content}
                        </td>
                    }
                })
                .collect_view();
            let note = row.note.map(|n| view! { <span class="row-note">{n}</span> });
            let name = row.model.clone();
            view! { <tr data-model=row.model role="row"><th class="model" scope="row">{name}{note}</th>{cells}</tr> }
        })
        .collect_view()
        .into_any()
}

/// The cell element an event happened in.
fn cell_of(target: Option<web_sys::EventTarget>) -> Option<web_sys::Element> {
    target?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("td.cell")
        .ok()
        .flatten()
}

/// `cell-3-7` → (3, 7).
fn position_of(id: &str) -> Option<(usize, usize)> {
    let mut parts = id.strip_prefix("cell-")?.split('-');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn set_tabindex(id: &str, value: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        let _ = element.set_attribute("tabindex", value);
    }
}

/// The grid, with the focused or hovered cell's full reason spelled out below it.
///
/// Thousands of cells stay cheap: no handler or reactive attribute per cell. One listener on
/// the table reads the cell an event happened in, and the one Tab stop moves by setting two
/// attributes.
#[component]
pub fn Grid(data: Signal<GridData>) -> impl IntoView {
    let detail = RwSignal::new(None::<String>);
    // The cell that holds the grid's one Tab stop (not reactive: moved in the DOM directly).
    let active = StoredValue::new((0usize, 0usize));
    let move_stop = move |next: (usize, usize)| {
        let previous = active.get_value();
        if previous != next {
            set_tabindex(&cell_id(previous.0, previous.1), "-1");
            set_tabindex(&cell_id(next.0, next.1), "0");
            active.set_value(next);
        }
    };
    let show = move |cell: Option<web_sys::Element>| {
        let label = cell.and_then(|c| c.get_attribute("aria-label"));
        if label.is_some() && detail.with_untracked(|d| *d != label) {
            detail.set(label);
        }
    };
    let on_focus = move |ev: FocusEvent| {
        let cell = cell_of(ev.target());
        if let Some(position) = cell.as_ref().and_then(|c| position_of(&c.id())) {
            move_stop(position);
        }
        show(cell);
    };
    let on_hover = move |ev: MouseEvent| show(cell_of(ev.target()));
    let navigate = use_navigate();
    let on_key = move |ev: KeyboardEvent| {
        let (rows, cols) = data.with_untracked(|d| (d.rows.len(), d.dates.len()));
        if rows == 0 || cols == 0 {
            return;
        }
        let (r, c) = active.get_value();
        let (r, c) = (r.min(rows - 1), c.min(cols - 1));
        let next = match ev.key().as_str() {
            "ArrowRight" => (r, (c + 1).min(cols - 1)),
            "ArrowLeft" => (r, c.saturating_sub(1)),
            "ArrowDown" => ((r + 1).min(rows - 1), c),
            "ArrowUp" => (r.saturating_sub(1), c),
            "Home" => (r, 0),
            "End" => (r, cols - 1),
            "Enter" => {
                let href = data.with_untracked(|d| d.rows[r].cells[c].href.clone());
                if let Some(href) = href {
                    navigate(&href, Default::default());
                }
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        move_stop(next);
        focus(&cell_id(next.0, next.1));
    };
    let table = move || {
        let data = data.get();
        let (ar, ac) = active.get_value();
        let stop = (
            ar.min(data.rows.len().saturating_sub(1)),
            ac.min(data.dates.len().saturating_sub(1)),
        );
        active.set_value(stop);
        let (months, header) = header_rows(&data.dates, &data.date_notes);
        let rows = body_rows(data, stop);
        view! {
            <div class="grid-scroll">
                <table class="grid" role="grid" aria-label="Model-days: models by dates"
                    on:keydown=on_key.clone() on:focusin=on_focus on:mouseover=on_hover>
                    <thead>
                        <tr class="months"><th class="model"></th>{months}</tr>
                        <tr><th class="model"></th>{header}</tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    view! {
        {table}
        <p class="cell-detail" id="cell-detail" aria-live="polite">
            {move || detail.get().unwrap_or_else(|| "Hover a cell, or Tab into the grid and use the arrow keys, to see why it runs or is skipped.".to_owned())}
        </p>
    }
}
