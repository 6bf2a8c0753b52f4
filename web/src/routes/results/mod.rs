//! Compare models over a date range: a leaderboard with the buy-and-hold baseline as its own
//! row (one per range), a portfolio value chart, daily P&L, CSV downloads. The range and the
//! models shown live in the URL.

mod chart;
mod csv;
mod runs;

use ai_trader_core::Date;
use ai_trader_core::api::{
    BaselineResult, JobsResponse, ModelRangeResult, ResultItem, ResultsResponse,
};
use ai_trader_core::ledger::daily_changes;
use ai_trader_core::metrics::MIN_TRADING_DAYS_TO_ANNUALISE;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, Abort, ApiError};
use crate::components::ErrorText;
use crate::format::{money, pct, ratio};
use ai_trader_core::run::{chain_label, is_run_or_repeat, repeat_of};
use chart::Chart;

fn day_href(model: &str, run: &str, date: Date) -> String {
    crate::app::href(&crate::routes::day_path(model, run, date))
}

/// Daily values and P&L per model; each cell opens that model-day.
fn daily(ranges: &[ModelRangeResult]) -> impl IntoView + use<> {
    let mut dates: Vec<Date> = ranges
        .iter()
        .flat_map(|r| r.daily_portfolio_values.iter().map(|v| v.date))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let header = dates
        .iter()
        .map(|d| view! { <th>{d.to_string().get(5..).unwrap_or_default().to_owned()}</th> })
        .collect_view();
    let rows = ranges
        .iter()
        .map(|r| {
            let values = r.daily_portfolio_values.iter().map(|v| v.portfolio_value);
            let changes = daily_changes(r.period_metrics.starting_portfolio_value, values);
            let days: Vec<(Date, f64, f64)> = r
                .daily_portfolio_values
                .iter()
                .zip(&changes)
                .map(|(v, c)| (v.date, v.portfolio_value, c.daily_profit))
                .collect();
            let cells = dates
                .iter()
                .map(|d| match days.iter().find(|day| day.0 == *d) {
                    None => view! { <td class="muted">"—"</td> }.into_any(),
                    Some(&(_, value, pnl)) => {
                        let class = if pnl >= 0.0 { "gain" } else { "loss" };
                        let sign = if pnl >= 0.0 { "+" } else { "" };
                        view! {
                            <td class=class title=format!("Value at the close {}", money(value))>
                                <A href=day_href(&r.model, &r.run, *d) attr:class="day-link">{format!("{sign}{}", money(pnl))}</A>
                            </td>
                        }
                        .into_any()
                    }
                })
                .collect_view();
            let label = chain_label(&r.model, &r.run);
            let key = label.clone();
            view! { <tr data-model=key><th>{label}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <h2>"Daily profit and loss"</h2>
        <div class="grid-scroll"><table class="list pnl" id="pnl"><thead><tr><th>"Model"</th>{header}</tr></thead><tbody>{rows}</tbody></table></div>
    }
}

fn annualised(m: &ai_trader_core::metrics::PeriodMetrics) -> AnyView {
    match m.meaningful_annualized_return_pct() {
        Some(v) => pct(Some(v)).into_any(),
        None => view! { <span class="muted" title=format!("Shown from {MIN_TRADING_DAYS_TO_ANNUALISE} trading days: a shorter period says nothing about a year")>"—"</span> }.into_any(),
    }
}

/// The leaderboard: models by return over the range (a model's runs together, the model by
/// their mean), the baseline as its own row.
fn leaderboard(
    ranges: &[ModelRangeResult],
    baseline: Option<&BaselineResult>,
) -> impl IntoView + use<> {
    let ranked = runs::ranked(ranges);
    let rows = ranked.iter().map(|r| {
        let m = &r.period_metrics;
        let label = chain_label(&r.model, &r.run);
        let key = label.clone();
        view! {
            <tr data-model=key>
                <th>{label}</th>
                <td class="num">{money(m.starting_portfolio_value)}</td>
                <td class="num">{money(m.ending_portfolio_value)}</td>
                <td class="num">{pct(Some(m.period_return_pct))}</td>
                <td class="num">{annualised(m)}</td>
                <td class="num">{ratio(m.sharpe_ratio)}</td>
                <td class="num">{format!("{:.2} %", m.max_drawdown_pct)}</td>
                <td class="num">{m.win_rate_pct.map(|w| format!("{w:.0} %")).unwrap_or_else(|| "—".into())}</td>
                <td class="num">{m.number_of_trades}</td>
                <td class="num">{r.cost.to_string()}</td>
                <td class="num">{ratio(r.cost.return_per_dollar(m.ending_portfolio_value - m.starting_portfolio_value))}</td>
            </tr>
        }
    }).collect_view();
    let baseline_row = baseline.map(|b| {
        let m = &b.period_metrics;
        view! {
            <tr class="baseline" id="baseline-row" title=b.convention.clone()>
                <th>{format!("{} buy & hold", b.symbol)} <span class="info" aria-label=b.convention.clone()>"?"</span></th>
                <td class="num">{money(m.starting_portfolio_value)}</td>
                <td class="num">{money(m.ending_portfolio_value)}</td>
                <td class="num" id="baseline-return">{pct(Some(m.period_return_pct))}</td>
                <td class="num">{annualised(m)}</td>
                <td class="num">{ratio(m.sharpe_ratio)}</td>
                <td class="num">{format!("{:.2} %", m.max_drawdown_pct)}</td>
                <td class="num">"—"</td>
                <td class="num">"—"</td>
                <td class="num">"—"</td>
                <td class="num">"—"</td>
            </tr>
        }
    });
    view! {
        <div class="grid-scroll">
            <table class="list leaderboard" id="leaderboard">
                <thead><tr>
                    <th>"Model"</th>
                    <th class="num" title="Value at the close before the range's first day (the starting cash on a model's first day)">"Value at start"</th>
                    <th class="num" title="Value at the close of the range's last day">"Value at end"</th>
                    <th class="num" title="From the value at start to the value at end">"Return over range"</th>
                    <th class="num">"Annualised"</th>
                    <th class="num">"Sharpe"</th>
                    <th class="num">"Max drawdown"</th>
                    <th class="num">"Win rate"</th>
                    <th class="num">"Trades"</th>
                    <th class="num" title="What the model-days' tokens cost at the prices in force when they ran">"Cost"</th>
                    <th class="num" title="Profit over the range per dollar spent on tokens">"Profit per $"</th>
                </tr></thead>
                <tbody>{rows}{baseline_row}</tbody>
            </table>
        </div>
    }
}

/// The range results of `from..to` (of one job, when given).
async fn load(
    (from, to): (Date, Date),
    job: Option<String>,
    abort: Abort,
) -> Result<(Vec<ModelRangeResult>, Option<BaselineResult>), ApiError> {
    let mut path = format!("/results?start_date={from}&end_date={to}");
    if let Some(j) = job {
        path.push_str(&format!("&job_id={j}"));
    }
    let response = api::get::<ResultsResponse>(&path, abort).await?;
    let ranges = response
        .results
        .into_iter()
        .filter_map(|i| match i {
            ResultItem::Range(r) => Some(*r),
            ResultItem::Day(_) => None,
        })
        .collect();
    Ok((ranges, response.baseline))
}

type Loaded = Result<(Vec<ModelRangeResult>, Option<BaselineResult>), ApiError>;

/// The runs to filter by: every run name, and before them each name whose repeats are loaded
/// (`exp` for `exp-1`, `exp-2`…), which keeps all its repeats.
fn run_choices(ranges: &[ModelRangeResult]) -> Vec<String> {
    let mut runs: Vec<String> = ranges.iter().map(|r| r.run.clone()).collect();
    runs.sort();
    runs.dedup();
    let mut bases: Vec<String> = runs
        .iter()
        .filter_map(|r| repeat_of(r).map(|(base, _)| base.to_owned()))
        .filter(|base| runs.iter().filter(|r| is_run_or_repeat(r, base)).count() > 1)
        .collect();
    bases.dedup();
    bases.into_iter().chain(runs).collect()
}

/// Downloads the server writes: every trade, and the comparison of runs.
fn server_downloads(
    (from, to): (Date, Date),
    run: Option<&str>,
    job: Option<&str>,
) -> impl IntoView + use<> {
    let server = api::server_url();
    let mut filters = format!("start_date={from}&end_date={to}");
    if let Some(run) = run {
        filters.push_str(&format!("&run={run}"));
    }
    let trades_filters = match job {
        Some(j) => format!("{filters}&job_id={j}"),
        None => filters.clone(),
    };
    view! {
        <a id="csv-trades" href=format!("{server}/results/trades?{trades_filters}&format=csv")>"Trades as CSV"</a>
        <a id="csv-comparison" href=format!("{server}/results/compare?{filters}&format=csv")>"Runs compared as CSV"</a>
    }
}

/// What was loaded, filtered to the models and run shown, with the choices and downloads.
#[component]
fn ResultsView(
    loaded: (Vec<ModelRangeResult>, Option<BaselineResult>),
    shown: RwSignal<Option<Vec<String>>>,
    run: RwSignal<Option<String>>,
    range: (Date, Date),
    job: Option<String>,
) -> impl IntoView {
    let (all, baseline) = loaded;
    let mut names: Vec<String> = Vec::new();
    for r in &all {
        if !names.contains(&r.model) {
            names.push(r.model.clone());
        }
    }
    let choices = names
        .iter()
        .map(|name| {
            let checked = {
                let name = name.clone();
                move || shown.get().is_none_or(|s| s.contains(&name))
            };
            let toggle = {
                let (name, names) = (name.clone(), names.clone());
                move |_| shown.update(|s| {
                    let mut list = s.clone().unwrap_or_else(|| names.clone());
                    if let Some(i) = list.iter().position(|m| *m == name) { list.remove(i); } else { list.push(name.clone()); }
                    *s = Some(list);
                })
            };
            view! { <label class="model-choice"><input type="checkbox" data-model=name.clone() prop:checked=checked on:change=toggle/>{name.clone()}</label> }
        })
        .collect_view();
    let run_filter = (run_choices(&all).len() > 1).then(|| {
        let options = run_choices(&all)
            .into_iter()
            .map(|name| {
                let selected = {
                    let name = name.clone();
                    move || run.get().as_deref() == Some(name.as_str())
                };
                let value = name.clone();
                view! { <option value=value prop:selected=selected>{name}</option> }
            })
            .collect_view();
        view! {
            <label class="run-filter">"Run "
                <select id="run-filter" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    run.set((!value.is_empty()).then_some(value));
                }>
                    <option value="" prop:selected=move || run.get().is_none()>"All runs"</option>
                    {options}
                </select>
            </label>
        }
    });
    let body = move || {
        let chosen = run.get();
        let ranges: Vec<ModelRangeResult> = all
            .iter()
            .filter(|r| shown.get().is_none_or(|s| s.contains(&r.model)))
            .filter(|r| {
                chosen
                    .as_deref()
                    .is_none_or(|c| is_run_or_repeat(&r.run, c))
            })
            .cloned()
            .collect();
        let (from, to) = range;
        let compared = runs::comparison(&ranges, baseline.as_ref())
            .map(|c| runs::comparison_table(&c, baseline.as_ref()));
        view! {
            {leaderboard(&ranges, baseline.as_ref())}
            {compared}
            <p class="downloads">
                <a id="csv-leaderboard" download=format!("leaderboard-{from}-{to}.csv") href=csv::data_url(&csv::leaderboard(&ranges, baseline.as_ref()))>"Leaderboard as CSV"</a>
                <a id="csv-daily" download=format!("daily-values-{from}-{to}.csv") href=csv::data_url(&csv::daily(&ranges))>"Daily values as CSV"</a>
                {server_downloads(range, chosen.as_deref(), job.as_deref())}
            </p>
            <Chart series=runs::chart_series(&ranges, baseline.as_ref()) day_href/>
            {daily(&ranges)}
        }
    };
    view! { <div class="models">{choices}{run_filter}</div> {body} }
}

/// Keeps the shown range, the models and the job in the URL (replacing the history entry).
fn keep_in_url(
    range: RwSignal<Option<(Date, Date)>>,
    shown: RwSignal<Option<Vec<String>>>,
    run: RwSignal<Option<String>>,
    job: Option<String>,
) {
    let navigate = use_navigate();
    Effect::new(move |_| {
        let Some((from, to)) = range.get() else {
            return;
        };
        let mut q = format!("?from={from}&to={to}");
        if let Some(models) = shown.get() {
            q.push_str(&format!(
                "&models={}",
                String::from(js_sys::encode_uri_component(&models.join(",")))
            ));
        }
        if let Some(r) = run.get() {
            q.push_str(&format!(
                "&run={}",
                String::from(js_sys::encode_uri_component(&r))
            ));
        }
        if let Some(j) = &job {
            q.push_str(&format!("&job_id={j}"));
        }
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&format!("/compare{q}"), options);
    });
}

/// The results page: `/compare?from=&to=&models=&run=&job_id=`.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let abort = Abort::for_page();
    let query = use_query_map();
    let read = move |key: &str| query.with_untracked(|q| q.get(key));
    let job = read("job_id").filter(|j| !j.is_empty());
    let from_text = RwSignal::new(read("from").unwrap_or_default());
    let to_text = RwSignal::new(read("to").unwrap_or_default());
    let shown = RwSignal::new(read("models").map(|m| {
        m.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    }));
    let run = RwSignal::new(read("run").filter(|r| !r.is_empty()));
    let results = RwSignal::new(None::<Loaded>);
    let range = RwSignal::new(None::<(Date, Date)>);
    keep_in_url(range, shown, run, job.clone());
    let job_shown = job.clone();
    let show = move || {
        let (Ok(from), Ok(to)) = (
            Date::parse(&from_text.get_untracked()),
            Date::parse(&to_text.get_untracked()),
        ) else {
            results.set(Some(Err(ApiError::Server(
                "Choose both dates of the range.".into(),
            ))));
            return;
        };
        range.set(Some((from, to)));
        let job = job.clone();
        spawn_local(async move { results.set(Some(load((from, to), job, abort).await)) });
    };
    if Date::parse(&from_text.get_untracked()).is_ok()
        && Date::parse(&to_text.get_untracked()).is_ok()
    {
        show();
    } else {
        // Start from the newest job's range.
        let show = show.clone();
        spawn_local(async move {
            match api::get::<JobsResponse>("/simulate/jobs?limit=1", abort).await {
                Ok(list) => match list.jobs.first() {
                    Some(j) => {
                        from_text.set(j.start_date.to_string());
                        to_text.set(j.end_date.to_string());
                        show();
                    }
                    None => results.set(Some(Err(ApiError::Server(
                        "No results yet: run a job first.".into(),
                    )))),
                },
                Err(e) => results.set(Some(Err(e))),
            }
        });
    }
    let show_clicked = show;
    view! {
        <section class="page results">
            <h1>"Results"</h1>
            <div class="form">
                <label>"From" <input type="date" id="from" prop:value=from_text on:change=move |ev| from_text.set(event_target_value(&ev))/></label>
                <label>"To" <input type="date" id="to" prop:value=to_text on:change=move |ev| to_text.set(event_target_value(&ev))/></label>
                <button id="show" on:click=move |_| show_clicked()>"Show"</button>
            </div>
            {move || match results.get() {
                None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorText error=e/> }.into_any(),
                Some(Ok(loaded)) => view! { <ResultsView loaded shown run range=range.get_untracked().unwrap_or_default() job=job_shown.clone()/> }.into_any(),
            }}
        </section>
    }
}
