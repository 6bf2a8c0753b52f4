//! `GET /results`: day-centric results valued at the close; range queries add the period
//! metrics of the core and a buy-and-hold baseline.

use std::collections::BTreeMap;
use std::sync::Arc;

use ai_trader_core::Date;
use ai_trader_core::api::{
    BaselineResult, DailyMetrics, DayMetadata, DayResult, Holding, ModelRangeResult,
    PositionSnapshot, Reasoning, ReasoningLevel, ResultItem, ResultsQuery, ResultsResponse,
    TradeRecord,
};
use ai_trader_core::cost::CostTotal;
use ai_trader_core::metrics::{
    self, BUY_AND_HOLD_CONVENTION, DailyValue, MetricsInput, buy_and_hold,
};
use ai_trader_core::universe::BENCHMARK;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::cache::respond;
use super::{AppError, AppQuery};
use crate::app::AppState;
use crate::cache::Tagged;
use crate::store::{DayRow, Store, StoreError};

fn strict_date(text: &str) -> Result<Date, AppError> {
    Date::parse(text)
        .map_err(|_| AppError::BadRequest("Invalid date format. Expected YYYY-MM-DD".into()))
}

/// The reference's date resolution: none → the lookback window; one → a single date.
pub(super) fn resolve_dates(
    (start, end): (Option<&str>, Option<&str>),
    lookback: u32,
    today: Date,
) -> Result<(Date, Date), AppError> {
    let (start, end) = match (start, end) {
        (None, None) => return Ok((today.add_days(-i64::from(lookback)), today)),
        (Some(s), None) => (strict_date(s)?, strict_date(s)?),
        (None, Some(e)) => (strict_date(e)?, strict_date(e)?),
        (Some(s), Some(e)) => (strict_date(s)?, strict_date(e)?),
    };
    if start > end {
        return Err(AppError::BadRequest(
            "start_date must be <= end_date".into(),
        ));
    }
    if start > today || end > today {
        return Err(AppError::BadRequest("Cannot query future dates".into()));
    }
    Ok((start, end))
}

fn snapshot(holdings: &BTreeMap<String, u64>, cash: f64, portfolio_value: f64) -> PositionSnapshot {
    PositionSnapshot {
        holdings: holdings
            .iter()
            .map(|(s, q)| Holding {
                symbol: s.clone(),
                quantity: *q,
            })
            .collect(),
        cash,
        portfolio_value,
    }
}

pub(super) async fn results(
    State(state): State<Arc<AppState>>,
    AppQuery(query): AppQuery<ResultsQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if query.date.is_some() {
        return Err(AppError::Rejected(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Parameter 'date' has been removed. Use 'start_date' and/or 'end_date' instead.".into(),
        ));
    }
    let (filter, (start, end)) = super::exports::day_filter(&state, &query)?;
    if super::csv::wanted(query.format.as_deref(), &headers)? {
        let rows = state.db.trading_days(filter).await?;
        return Ok(super::csv::respond(
            super::exports::days_csv(&rows),
            "results.csv",
        ));
    }
    // Answers are kept until the data changes: the version is read before the answer is
    // computed, so an answer can only be older than its version says, never newer.
    let key = format!("{filter:?} {:?}", query.reasoning);
    let version = (
        state.db.call(|store| store.days_version()).await?,
        state.market.version(),
    );
    if let Some(kept) = state.results.get(&key, version) {
        return Ok(respond(&kept, &headers));
    }
    let market = state.market();
    let initial_cash = state.config.agent_config.initial_cash;
    let level = query.reasoning;
    let (results, baseline) = state
        .db
        .call(move |store| {
            let rows = store.trading_days(&filter)?;
            if start == end {
                let days = rows
                    .iter()
                    .map(|row| day_result(store, row, level).map(|d| ResultItem::Day(Box::new(d))))
                    .collect::<Result<_, _>>()?;
                Ok((days, None))
            } else {
                let ranges = range_results(store, &rows, initial_cash)?;
                let dates: Vec<Date> = rows.iter().map(|r| r.date).collect();
                Ok((ranges, baseline_over(&market, dates, initial_cash)))
            }
        })
        .await?;
    if results.is_empty() {
        return Err(AppError::NotFound(
            "No trading data found for the specified filters".into(),
        ));
    }
    let response = ResultsResponse {
        count: results.len() as u32,
        results,
        baseline,
    };
    let body = serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.to_string()))?;
    let tagged = Arc::new(Tagged::new(body));
    state.results.put(key, version, tagged.clone());
    Ok(respond(&tagged, &headers))
}

fn day_result(
    store: &dyn Store,
    row: &DayRow,
    level: ReasoningLevel,
) -> Result<DayResult, StoreError> {
    let starting_holdings = store
        .previous_day(&row.model, &row.run, row.date)?
        .map(|p| p.holdings)
        .unwrap_or_default();
    let holdings = store.day_holdings(row.id)?;
    let trades = store
        .day_actions(row.id)?
        .into_iter()
        .map(|a| TradeRecord {
            action_type: a.fill.side,
            symbol: a.fill.symbol,
            quantity: a.fill.quantity,
            price: a.fill.price,
            created_at: a.created_at,
        })
        .collect();
    let reasoning = match level {
        ReasoningLevel::None => None,
        ReasoningLevel::Summary => row.reasoning_summary.clone().map(Reasoning::Summary),
        ReasoningLevel::Full => Some(Reasoning::Full(store.day_messages(row.id)?)),
    };
    Ok(DayResult {
        date: row.date,
        model: row.model.clone(),
        run: row.run.clone(),
        job_id: row.job_id.clone(),
        starting_position: snapshot(
            &starting_holdings,
            row.values.starting_cash,
            row.values.starting_portfolio_value,
        ),
        daily_metrics: DailyMetrics {
            profit: row.values.daily_profit,
            return_pct: row.values.daily_return_pct,
            days_since_last_trading: row.days_since_last_trading,
        },
        trades,
        final_position: snapshot(
            &holdings,
            row.values.ending_cash,
            row.values.ending_portfolio_value,
        ),
        metadata: DayMetadata {
            total_actions: row.total_actions,
            session_duration_seconds: row.session_duration_seconds,
            completed_at: row.completed_at.clone(),
            carried_prices: row.carried_prices.clone(),
            token_usage: row.usage,
            cost_usd: row.cost_usd,
        },
        reasoning,
    })
}

fn range_results(
    store: &dyn Store,
    rows: &[DayRow],
    initial_cash: f64,
) -> Result<Vec<ResultItem>, StoreError> {
    let mut by_chain: BTreeMap<(&str, &str), Vec<&DayRow>> = BTreeMap::new();
    for row in rows {
        by_chain
            .entry((row.model.as_str(), row.run.as_str()))
            .or_default()
            .push(row);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let actions = store.days_actions(&ids)?;
    let mut out = Vec::new();
    for ((model, run), days) in by_chain {
        let values: Vec<DailyValue> = days
            .iter()
            .map(|d| DailyValue {
                date: d.date,
                portfolio_value: d.values.ending_portfolio_value,
            })
            .collect();
        let mut traded_value = 0.0;
        let mut trades = 0;
        for action in days.iter().filter_map(|d| actions.get(&d.id)).flatten() {
            traded_value += action.fill.notional();
            trades += 1;
        }
        let starting_value = days
            .first()
            .map_or(initial_cash, |d| d.values.starting_portfolio_value);
        let period_metrics = metrics::compute(&MetricsInput {
            starting_value,
            daily_values: values.clone(),
            number_of_trades: trades,
            traded_value,
            risk_free_rate: 0.0,
        });
        out.push(ResultItem::Range(Box::new(ModelRangeResult {
            model: model.to_owned(),
            run: run.to_owned(),
            start_date: values[0].date,
            end_date: values[values.len() - 1].date,
            daily_portfolio_values: values,
            period_metrics,
            cost: CostTotal::of(days.iter().map(|d| d.cost_usd)),
        })));
    }
    Ok(out)
}

/// Buy-and-hold of the benchmark over `dates` (every day of the results, in any order), from
/// the initial cash: one baseline for all models. `None` without the benchmark's prices on
/// those days.
pub fn baseline_over(
    market: &crate::market::MarketData,
    mut dates: Vec<Date>,
    initial_cash: f64,
) -> Option<BaselineResult> {
    dates.sort_unstable();
    dates.dedup();
    let days: Vec<(Date, f64, f64)> = dates
        .iter()
        .map(|date| {
            market
                .bar(BENCHMARK, *date)
                .map(|b| (*date, b.open, b.close))
        })
        .collect::<Option<_>>()?;
    let previous_close = market
        .bar_before(BENCHMARK, *dates.first()?)
        .map(|b| b.close);
    let series = buy_and_hold(initial_cash, previous_close, &days);
    let period_metrics = metrics::compute(&MetricsInput {
        starting_value: initial_cash,
        daily_values: series.clone(),
        ..MetricsInput::default()
    });
    Some(BaselineResult {
        symbol: BENCHMARK.to_owned(),
        daily_portfolio_values: series,
        period_metrics,
        convention: BUY_AND_HOLD_CONVENTION.to_owned(),
    })
}
