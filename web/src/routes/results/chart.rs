//! The portfolio value chart: value and date axes with gridlines, a legend that shows and hides
//! series, every series' value at the hovered date, and points that open their Day page. A
//! model's repeats are drawn as their mean with a shaded 95 % band.

use std::collections::BTreeSet;

use ai_trader_core::Date;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::format::money;

/// A chart line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// (date, value), ascending.
    pub points: Vec<(Date, f64)>,
    /// The dashed baseline.
    pub baseline: bool,
    /// Its colour.
    pub colour: &'static str,
    /// The model-days its points open: (model, run); none for the baseline or a mean.
    pub opens: Option<(String, String)>,
    /// (date, low, high) of a shaded band around the line, ascending.
    pub band: Vec<(Date, f64, f64)>,
}

const W: f64 = 760.0;
const H: f64 = 300.0;
const LEFT: f64 = 92.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 40.0;

/// Round steps for `span` split in about `n` parts: 1, 2 or 5 times a power of ten.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    step.max(0.01)
}

struct Scale {
    dates: Vec<Date>,
    lo: f64,
    hi: f64,
    step: f64,
}

impl Scale {
    fn of(series: &[Series]) -> Self {
        let mut dates: Vec<Date> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|(d, _)| *d))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let (lo, hi) = series
            .iter()
            .flat_map(|s| {
                let band = s.band.iter().flat_map(|(_, low, high)| [*low, *high]);
                s.points.iter().map(|(_, v)| *v).chain(band)
            })
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
        let step = nice_step((hi - lo).max(1.0), 4.0);
        Self {
            dates,
            lo: (lo / step).floor() * step,
            hi: ((hi / step).ceil() * step).max((lo / step).floor() * step + step),
            step,
        }
    }

    fn x(&self, i: usize) -> f64 {
        let n = self.dates.len().max(2) - 1;
        LEFT + i as f64 / n as f64 * (W - LEFT - RIGHT)
    }

    fn x_of(&self, date: Date) -> f64 {
        self.x(self.dates.binary_search(&date).unwrap_or(0))
    }

    fn y(&self, v: f64) -> f64 {
        H - BOTTOM - (v - self.lo) / (self.hi - self.lo) * (H - TOP - BOTTOM)
    }

    fn value_ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n).map(|i| self.lo + i as f64 * self.step).collect()
    }

    /// At most six date labels, evenly spread, the last always shown.
    fn date_ticks(&self) -> Vec<usize> {
        let n = self.dates.len();
        if n == 0 {
            return Vec::new();
        }
        let every = n.div_ceil(6).max(1);
        let mut ticks: Vec<usize> = (0..n).step_by(every).collect();
        if ticks.last() != Some(&(n - 1)) {
            if ticks.len() > 1 && n - 1 - ticks[ticks.len() - 1] < every / 2 + 1 {
                ticks.pop();
            }
            ticks.push(n - 1);
        }
        ticks
    }
}

fn axes(scale: &Scale) -> impl IntoView + use<> {
    // Whole amounts when the steps are: shorter labels stay readable on a phone.
    let whole = scale.step >= 1.0;
    let label = move |v: f64| {
        let text = money(v);
        if whole {
            text.trim_end_matches(".00").to_owned()
        } else {
            text
        }
    };
    let values = scale
        .value_ticks()
        .into_iter()
        .map(|v| {
            let y = format!("{:.1}", scale.y(v));
            view! {
                <line class="gridline" x1=LEFT.to_string() x2=(W - RIGHT).to_string() y1=y.clone() y2=y.clone()/>
                <text class="axis" x=(LEFT - 6.0).to_string() y=y text-anchor="end" dominant-baseline="middle">{label(v)}</text>
            }
        })
        .collect_view();
    let last = scale.dates.len().saturating_sub(1);
    let dates = scale
        .date_ticks()
        .into_iter()
        .map(|i| {
            let x = format!("{:.1}", scale.x(i));
            let d = scale.dates[i];
            // The outer labels grow inwards, so they stay inside the chart.
            let anchor = match i {
                0 => "start",
                i if i == last => "end",
                _ => "middle",
            };
            view! {
                <line class="gridline" x1=x.clone() x2=x.clone() y1=TOP.to_string() y2=(H - BOTTOM).to_string()/>
                <text class="axis" x=x y=(H - BOTTOM + 22.0).to_string() text-anchor=anchor>{d.to_string().get(5..).unwrap_or_default().to_owned()}</text>
            }
        })
        .collect_view();
    view! { <g class="axes">{values}{dates}</g> }
}

/// The date index nearest to the pointer of a mouse event over the chart.
fn hovered_index(ev: &MouseEvent, scale: &Scale) -> Option<usize> {
    let svg = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = svg.get_bounding_client_rect();
    if rect.width() <= 0.0 || scale.dates.is_empty() {
        return None;
    }
    let x = (f64::from(ev.client_x()) - rect.left()) / rect.width() * W;
    (0..scale.dates.len())
        .min_by(|a, b| (scale.x(*a) - x).abs().total_cmp(&(scale.x(*b) - x).abs()))
}

/// The shaded band of a series: its highs left to right, then its lows back.
fn band(s: &Series, scale: &Scale) -> Option<AnyView> {
    if s.band.is_empty() {
        return None;
    }
    let highs = s.band.iter().map(|(d, _, high)| (d, high));
    let lows = s.band.iter().rev().map(|(d, low, _)| (d, low));
    let points: Vec<String> = highs
        .chain(lows)
        .map(|(d, v)| format!("{:.1},{:.1}", scale.x_of(*d), scale.y(*v)))
        .collect();
    Some(
        view! { <polygon class="band" points=points.join(" ") fill=s.colour fill-opacity="0.15" stroke="none"/> }
            .into_any(),
    )
}

/// One line with its points; a run's points open its Day page.
fn line<N>(s: &Series, scale: &Scale, day_href: DayHref, navigate: N) -> AnyView
where
    N: Fn(&str, leptos_router::NavigateOptions) + Clone + 'static,
{
    let path: Vec<String> = s
        .points
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", scale.x_of(*d), scale.y(*v)))
        .collect();
    let dots = s
        .points
        .iter()
        .map(|(d, v)| {
            let title = format!("{} {d}: {}", s.name, money(*v));
            let open = s.opens.as_ref().map(|(model, run)| {
                let (href, navigate) = (day_href(model, run, *d), navigate.clone());
                move |_| navigate(&href, Default::default())
            });
            let clickable = open.is_some();
            view! {
                <circle cx=format!("{:.1}", scale.x_of(*d)) cy=format!("{:.1}", scale.y(*v)) r="4"
                    fill=s.colour class:point=clickable data-date=d.to_string()
                    on:click=move |ev| if let Some(open) = &open { open(ev) }>
                    <title>{title}</title>
                </circle>
            }
        })
        .collect_view();
    view! {
        <g class="series" data-model=s.name.clone()>
            {band(s, scale)}
            <polyline points=path.join(" ") fill="none" stroke=s.colour stroke-width="2" stroke-dasharray=if s.baseline { "6 4" } else { "" }/>
            {dots}
        </g>
    }
    .into_any()
}

/// Every shown line's value at the hovered date.
fn readout(
    series: &[Series],
    scale: &Scale,
    hovered: Option<usize>,
) -> Option<impl IntoView + use<>> {
    let date = *scale.dates.get(hovered?)?;
    let rows = series
        .iter()
        .filter_map(|s| {
            let v = s.points.iter().find(|(d, _)| *d == date)?.1;
            let range = s
                .band
                .iter()
                .find(|(d, ..)| *d == date)
                .map(|(_, low, high)| format!(" (95 %: {} to {})", money(*low), money(*high)))
                .unwrap_or_default();
            Some(view! { <li><span class="swatch" style=format!("background: {}", s.colour)></span>{format!("{}: {}{range}", s.name, money(v))}</li> })
        })
        .collect_view();
    Some(
        view! { <div class="chart-hover" id="chart-hover"><strong>{date.to_string()}</strong><ul>{rows}</ul></div> },
    )
}

/// A button per line that hides or shows it.
fn legend(series: &[Series], hidden: RwSignal<BTreeSet<String>>) -> impl IntoView + use<> {
    series
        .iter()
        .map(|s| {
            let name = s.name.clone();
            let shown = {
                let name = name.clone();
                move || !hidden.with(|h| h.contains(&name))
            };
            let toggle = {
                let name = name.clone();
                move |_| hidden.update(|h| if !h.remove(&name) { h.insert(name.clone()); })
            };
            view! {
                <button class="legend-item" aria-pressed=move || shown().to_string() data-series=name on:click=toggle
                    title="Show or hide this line">
                    <span class="swatch" style=format!("background: {}", s.colour)></span>{name.clone()}
                </button>
            }
        })
        .collect_view()
}

/// The page of a model's run on a date.
pub type DayHref = fn(&str, &str, Date) -> String;

/// The chart of `series`; `day_href` names a model-day's page.
#[component]
pub fn Chart(series: Vec<Series>, day_href: DayHref) -> impl IntoView {
    let hidden = RwSignal::new(BTreeSet::<String>::new());
    let hover = RwSignal::new(None::<usize>);
    let all = StoredValue::new(series);
    let navigate = use_navigate();
    let visible = move || {
        all.with_value(|s| {
            s.iter()
                .filter(|x| !hidden.with(|h| h.contains(&x.name)))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let on_move = move |ev: MouseEvent| {
        if let Some(i) = hovered_index(&ev, &Scale::of(&visible())) {
            hover.set(Some(i));
        }
    };
    let plot = move || {
        let series = visible();
        let scale = Scale::of(&series);
        let lines = series
            .iter()
            .map(|s| line(s, &scale, day_href, navigate.clone()))
            .collect_view();
        let marker = hover.get().filter(|i| *i < scale.dates.len()).map(|i| {
            let x = format!("{:.1}", scale.x(i));
            view! { <line class="hover-line" x1=x.clone() x2=x y1=TOP.to_string() y2=(H - BOTTOM).to_string()/> }
        });
        view! { {axes(&scale)} {lines} {marker} }
    };
    let shown_values = move || {
        let series = visible();
        readout(&series, &Scale::of(&series), hover.get())
    };
    view! {
        <div class="chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="Portfolio value by day"
                on:mousemove=on_move on:mouseleave=move |_| hover.set(None)>
                {plot}
            </svg>
            {shown_values}
            <div class="legend">{move || all.with_value(|s| legend(s, hidden))}</div>
        </div>
    }
}
