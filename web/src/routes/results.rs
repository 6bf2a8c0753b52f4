//! Compare models over a date range: a leaderboard with the buy-and-hold baseline beside it, and
//! a portfolio value chart (one line per model, the baseline dashed, values on hover).

use ai_trader_core::api::{JobsResponse, ModelRangeResult, ResultItem, ResultsResponse};
use ai_trader_core::ledger::daily_change;
use ai_trader_core::metrics::DailyValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{self, Abort};
use crate::format::{money, pct, ratio};

/// A chart line: its name, its (date, value) points, and whether it is the dashed baseline.
type Series = (String, Vec<(String, f64)>, bool);

const COLOURS: [&str; 8] = [
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777",
];

/// Every model's values, and the baseline's (dashed).
fn chart_series(ranges: &[ModelRangeResult]) -> Vec<Series> {
    let points = |values: &[DailyValue]| {
        values
            .iter()
            .map(|v| (v.date.to_string(), v.portfolio_value))
            .collect()
    };
    let mut series: Vec<Series> = ranges
        .iter()
        .map(|r| (r.model.clone(), points(&r.daily_portfolio_values), false))
        .collect();
    if let Some(b) = ranges.iter().find_map(|r| r.baseline.as_ref()) {
        series.push((
            format!("{} buy & hold", b.symbol),
            points(&b.daily_portfolio_values),
            true,
        ));
    }
    series
}

fn chart(ranges: &[ModelRangeResult]) -> impl IntoView + use<> {
    let (w, h, pad) = (760.0, 280.0, 48.0);
    let series = chart_series(ranges);
    let mut dates: Vec<String> = series
        .iter()
        .flat_map(|(_, pts, _)| pts.iter().map(|(d, _)| d.clone()))
        .collect();
    dates.sort();
    dates.dedup();
    let values: Vec<f64> = series
        .iter()
        .flat_map(|(_, pts, _)| pts.iter().map(|(_, v)| *v))
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let x = |d: &str| {
        let i = dates.iter().position(|x| x == d).unwrap_or(0) as f64;
        pad + i / (dates.len().max(2) - 1) as f64 * (w - 2.0 * pad)
    };
    let y = |v: f64| h - pad - (v - lo) / span * (h - 2.0 * pad);
    let lines = series
        .iter()
        .enumerate()
        .map(|(i, (name, pts, dashed))| {
            let colour = if *dashed { "#6b7280" } else { COLOURS[i % COLOURS.len()] };
            let path: Vec<String> = pts.iter().map(|(d, v)| format!("{:.1},{:.1}", x(d), y(*v))).collect();
            let dots = pts
                .iter()
                .map(|(d, v)| view! { <circle cx=format!("{:.1}", x(d)) cy=format!("{:.1}", y(*v)) r="3" fill=colour><title>{format!("{name} {d}: {}", money(*v))}</title></circle> })
                .collect_view();
            view! {
                <g class="series" data-model=name.clone()>
                    <polyline points=path.join(" ") fill="none" stroke=colour stroke-width="2" stroke-dasharray=if *dashed { "6 4" } else { "" }/>
                    {dots}
                </g>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, (name, _, dashed))| {
            let colour = if *dashed { "#6b7280" } else { COLOURS[i % COLOURS.len()] };
            view! { <span class="legend-item"><span class="swatch" style=format!("background: {colour}")></span>{name.clone()}</span> }
        })
        .collect_view();
    view! {
        <div class="chart">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label="Portfolio value by day">
                <text x="4" y={format!("{pad:.0}")} class="axis">{money(hi)}</text>
                <text x="4" y={format!("{:.0}", h - pad)} class="axis">{money(lo)}</text>
                <text x={format!("{pad:.0}")} y={format!("{:.0}", h - 12.0)} class="axis">{dates.first().cloned().unwrap_or_default()}</text>
                <text x={format!("{:.0}", w - pad - 70.0)} y={format!("{:.0}", h - 12.0)} class="axis">{dates.last().cloned().unwrap_or_default()}</text>
                {lines}
            </svg>
            <div class="legend">{legend}</div>
        </div>
    }
}

/// Daily values and P&L per model; each cell opens that model-day.
fn daily(ranges: &[ModelRangeResult]) -> impl IntoView + use<> {
    let mut dates: Vec<String> = ranges
        .iter()
        .flat_map(|r| r.daily_portfolio_values.iter().map(|v| v.date.to_string()))
        .collect();
    dates.sort();
    dates.dedup();
    let header = dates
        .iter()
        .map(|d| view! { <th>{d.get(5..).unwrap_or_default().to_owned()}</th> })
        .collect_view();
    let rows = ranges
        .iter()
        .map(|r| {
            let mut previous = r.period_metrics.starting_portfolio_value;
            let cells = dates
                .iter()
                .map(|d| match r.daily_portfolio_values.iter().find(|v| v.date.to_string() == *d) {
                    None => view! { <td class="muted">"—"</td> }.into_any(),
                    Some(v) => {
                        let pnl = daily_change(previous, v.portfolio_value).daily_profit;
                        previous = v.portfolio_value;
                        let class = if pnl >= 0.0 { "gain" } else { "loss" };
                        view! {
                            <td class=class title=format!("Value {}", money(v.portfolio_value))>
                                <A href=crate::app::href(&format!("/day/{}/{d}", r.model)) attr:class="day-link">{format!("{pnl:+.2}")}</A>
                            </td>
                        }
                        .into_any()
                    }
                })
                .collect_view();
            view! { <tr data-model=r.model.clone()><th>{r.model.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <h2>"Daily P&L"</h2>
        <div class="grid-scroll"><table class="list pnl" id="pnl"><thead><tr><th>"Model"</th>{header}</tr></thead><tbody>{rows}</tbody></table></div>
    }
}

/// The leaderboard: models by period return, the buy-and-hold baseline beside each.
fn leaderboard(ranges: &[ModelRangeResult]) -> impl IntoView + use<> {
    let mut ranked = ranges.to_vec();
    ranked.sort_by(|a, b| {
        b.period_metrics
            .period_return_pct
            .total_cmp(&a.period_metrics.period_return_pct)
    });
    let rows = ranked.iter().map(|r| {
        let m = &r.period_metrics;
        let baseline = r.baseline.as_ref().map(|b| b.period_metrics.period_return_pct);
        view! {
            <tr data-model=r.model.clone()>
                <th>{r.model.clone()}</th>
                <td>{money(m.ending_portfolio_value)}</td>
                <td>{pct(Some(m.period_return_pct))}</td>
                <td>{pct(m.annualized_return_pct)}</td>
                <td>{ratio(m.sharpe_ratio)}</td>
                <td>{format!("{:.2} %", m.max_drawdown_pct)}</td>
                <td>{m.win_rate_pct.map(|w| format!("{w:.0} %")).unwrap_or_else(|| "—".into())}</td>
                <td>{m.number_of_trades}</td>
                <td class="baseline">{pct(baseline)}</td>
            </tr>
        }
    }).collect_view();
    view! {
        <table class="list leaderboard" id="leaderboard">
            <thead><tr><th>"Model"</th><th>"Value"</th><th>"Return"</th><th>"Annualised"</th><th>"Sharpe"</th><th>"Max drawdown"</th><th>"Win rate"</th><th>"Trades"</th><th>"Buy & hold"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The per-model range results of `start..end` (of one job, when given).
async fn load_ranges(
    (start, end): (String, String),
    job: Option<String>,
    abort: Abort,
) -> Result<Vec<ModelRangeResult>, String> {
    let mut path = format!("/results?start_date={start}&end_date={end}");
    if let Some(j) = job {
        path.push_str(&format!("&job_id={j}"));
    }
    let response = api::get::<ResultsResponse>(&path, abort)
        .await
        .map_err(|e| e.0)?;
    Ok(response
        .results
        .into_iter()
        .filter_map(|i| match i {
            ResultItem::Range(r) => Some(*r),
            ResultItem::Day(_) => None,
        })
        .collect())
}

/// The results page.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let abort = Abort::for_page();
    let query = use_query_map();
    let job = move || query.read().get("job_id");
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<ModelRangeResult>, String>>);

    let load = move || {
        let window = (start.get_untracked(), end.get_untracked());
        let job = job();
        spawn_local(async move { results.set(Some(load_ranges(window, job, abort).await)) });
    };
    // Start from the newest job's range.
    spawn_local(async move {
        if let Ok(list) = api::get::<JobsResponse>("/simulate/jobs?limit=1", abort).await
            && let Some(j) = list.jobs.first()
        {
            start.set(j.start_date.to_string());
            end.set(j.end_date.to_string());
            load();
        }
    });

    view! {
        <section class="page results">
            <h1>"Results"</h1>
            <div class="form">
                <label>"From" <input type="date" id="from" prop:value=start on:input=move |ev| start.set(event_target_value(&ev))/></label>
                <label>"To" <input type="date" id="to" prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/></label>
                <button id="show" on:click=move |_| load()>"Show"</button>
            </div>
            {move || match results.get() {
                None => view! { <p class="empty">"Choose a range."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                Some(Ok(ranges)) => view! {
                    {leaderboard(&ranges)}
                    {chart(&ranges)}
                    {daily(&ranges)}
                }.into_any(),
            }}
        </section>
    }
}
