//! Trading days: their commit, the cross-job previous day, and the reads of results.

use std::collections::BTreeMap;

use super::details::{self, Move};
use super::{Conn, StoreError, args, date, jobs, json, placeholders, to_json};
use crate::store::{
    ActionRow, CompletedDay, DayFilter, DayRow, DayValues, ImportRefused, PreviousDay, RunCost,
    ValueRow,
};
use ai_trader_core::api::{ConversationMessage, Role, TokenUsage, ToolCallRecord};
use ai_trader_core::ledger::{CarriedPrice, Fill, Side};
use ai_trader_core::{Date, DetailStatus, JobStatus};

/// Commits a finished model-day: its trading day with holdings, trades and conversation, the
/// supersession of the model's later days from other jobs, and the detail's `completed`.
pub(super) fn commit(c: &mut dyn Conn, day: &CompletedDay, now: &str) -> Result<(), StoreError> {
    let id = insert_day(c, day)?;
    super::budget::record(c, &day.job_id, &day.model, day.cost_usd)?;
    insert_holdings(c, id, &day.holdings)?;
    insert_actions(c, id, &day.activity.fills)?;
    insert_messages(c, id, &day.activity.messages)?;
    // This day is now its run's current day on its date, and every later day of the run from
    // another job starts from a portfolio that no longer holds: they stop being current.
    c.execute(
        "UPDATE trading_days SET superseded_by = ?1, superseded_at = ?4
         WHERE model = ?2 AND run = ?5 AND date >= ?3 AND job_id != ?1 AND superseded_by IS NULL",
        args![
            &day.job_id,
            &day.model,
            day.date.to_string(),
            &day.activity.completed_at,
            &day.run,
        ],
    )?;
    let completed = Move::to(DetailStatus::Completed);
    let chain = (day.model.as_str(), day.run.as_str());
    details::end(c, &day.job_id, day.date, chain, completed, now)
}

/// The trading day row; returns its id.
fn insert_day(c: &mut dyn Conn, day: &CompletedDay) -> Result<i64, StoreError> {
    c.query_one(
        "INSERT INTO trading_days (job_id, model, date, starting_cash, starting_portfolio_value, daily_profit,
             daily_return_pct, ending_cash, ending_portfolio_value, reasoning_summary, total_actions,
             session_duration_seconds, days_since_last_trading, prompt_tokens, completion_tokens, carried_prices,
             started_at, completed_at, run, cost_usd, tokens_estimated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
         RETURNING id",
        args![
            &day.job_id,
            &day.model,
            day.date.to_string(),
            day.values.starting_cash,
            day.values.starting_portfolio_value,
            day.values.daily_profit,
            day.values.daily_return_pct,
            day.values.ending_cash,
            day.values.ending_portfolio_value,
            &day.activity.summary,
            day.activity.fills.len() as i64,
            day.activity.duration_seconds,
            day.days_since_last_trading,
            day.activity.usage.prompt_tokens as i64,
            day.activity.usage.completion_tokens as i64,
            to_json(&day.carried_prices),
            &day.activity.started_at,
            &day.activity.completed_at,
            &day.run,
            day.cost_usd,
            day.activity.usage.estimated,
        ],
    )?
    .get(0)
}

fn insert_holdings(
    c: &mut dyn Conn,
    day_id: i64,
    holdings: &BTreeMap<String, u64>,
) -> Result<(), StoreError> {
    for (symbol, quantity) in holdings.iter().filter(|(_, q)| **q > 0) {
        c.execute(
            "INSERT INTO holdings (trading_day_id, symbol, quantity) VALUES (?1, ?2, ?3)",
            args![day_id, symbol, *quantity],
        )?;
    }
    Ok(())
}

fn insert_actions(
    c: &mut dyn Conn,
    day_id: i64,
    fills: &[(Fill, String)],
) -> Result<(), StoreError> {
    for (seq, (fill, at)) in fills.iter().enumerate() {
        c.execute(
        "INSERT INTO actions (trading_day_id, seq, action_type, symbol, quantity, price, fee, cash_after, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            day_id,
            seq as i64 + 1,
            fill.side.as_str(),
            &fill.symbol,
            fill.quantity,
            fill.price,
            fill.fee,
            fill.cash_after,
            at
        ])?;
    }
    Ok(())
}

fn insert_messages(
    c: &mut dyn Conn,
    day_id: i64,
    messages: &[ConversationMessage],
) -> Result<(), StoreError> {
    for m in messages {
        c.execute(
        "INSERT INTO reasoning_messages (trading_day_id, message_index, role, content, summary, tool_name, tool_input,
             tool_call_id, tool_calls, timestamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        args![
            day_id,
            m.message_index,
            m.role.as_str(),
            &m.content,
            m.summary.as_deref(),
            m.tool_name.as_deref(),
            m.tool_input.as_deref(),
            m.tool_call_id.as_deref(),
            to_json(&m.tool_calls),
            &m.timestamp
        ])?;
    }
    Ok(())
}

pub(super) fn import_run(
    c: &mut dyn Conn,
    job: &crate::store::NewJob,
    model: &str,
    days: &[CompletedDay],
    now: &str,
) -> Result<Result<(), ImportRefused>, StoreError> {
    let Some(first) = days.first() else {
        return Ok(Err(ImportRefused::Empty));
    };
    let run = first.run.as_str();
    let later: Option<String> = c
        .query_one(
            "SELECT MAX(date) FROM trading_days
             WHERE model = ?1 AND run = ?3 AND date >= ?2 AND superseded_by IS NULL",
            args![model, first.date.to_string(), run],
        )?
        .get(0)?;
    if let Some(last) = later {
        return Ok(Err(ImportRefused::WouldContradict {
            model: model.to_owned(),
            first: first.date,
            last,
        }));
    }
    let models = [model.to_owned()];
    let runs = [run.to_owned()];
    let row = jobs::JobRow {
        dates: days.iter().map(|d| d.date).collect(),
        models: &models,
        runs: &runs,
        note: None,
        replace_existing: false,
        warnings: &[],
        download_dates: &[],
        forecast: None,
    };
    jobs::insert_row(c, job, &row)?;
    c.execute(
        "UPDATE jobs SET started_at = created_at WHERE job_id = ?1",
        args![&job.job_id],
    )?;
    for day in days {
        let running = (
            day.date,
            (model.to_owned(), run.to_owned()),
            DetailStatus::Running,
            None,
            None,
        );
        details::insert(c, &job.job_id, [running], Some(&day.activity.started_at))?;
        commit(c, day, now)?;
    }
    jobs::set_status(c, &job.job_id, JobStatus::Completed, None, now)?;
    Ok(Ok(()))
}

pub(super) fn holdings(c: &mut dyn Conn, day_id: i64) -> Result<BTreeMap<String, u64>, StoreError> {
    let rows = c.query(
        "SELECT symbol, quantity FROM holdings WHERE trading_day_id = ?1 ORDER BY symbol",
        args![day_id],
    )?;
    rows.iter().map(|r| Ok((r.get(0)?, r.get(1)?))).collect()
}

pub(super) fn previous(
    c: &mut dyn Conn,
    (model, run): (&str, &str),
    day: Date,
) -> Result<Option<PreviousDay>, StoreError> {
    let Some(row) = c.query_opt(
        "SELECT id, date, ending_cash, ending_portfolio_value FROM trading_days
         WHERE model = ?1 AND run = ?3 AND date < ?2 AND superseded_by IS NULL
         ORDER BY date DESC LIMIT 1",
        args![model, day.to_string(), run],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(PreviousDay {
        date: date(&row.get::<String>(1)?)?,
        ending_cash: row.get(2)?,
        ending_portfolio_value: row.get(3)?,
        holdings: holdings(c, row.get(0)?)?,
    }))
}

/// The current days' values of the filter's models and runs, ordered by model, run, then
/// date: the light read that series of many runs are built from.
pub(super) fn values(c: &mut dyn Conn, filter: &DayFilter) -> Result<Vec<ValueRow>, StoreError> {
    let rows = c.query(
        "SELECT model, run, date, starting_portfolio_value, ending_portfolio_value
         FROM trading_days
         WHERE superseded_by IS NULL AND (CAST(?1 AS TEXT) IS NULL OR model = ?1)
           AND (CAST(?2 AS TEXT) IS NULL OR run = ?2)
           AND (CAST(?3 AS TEXT) IS NULL OR date >= ?3) AND (CAST(?4 AS TEXT) IS NULL OR date <= ?4)
         ORDER BY model, run, date",
        args![
            filter.model.as_deref(),
            filter.run.as_deref(),
            filter.start.map(|d| d.to_string()),
            filter.end.map(|d| d.to_string()),
        ],
    )?;
    rows.iter()
        .map(|r| {
            Ok(ValueRow {
                model: r.get(0)?,
                run: r.get(1)?,
                date: date(&r.get::<String>(2)?)?,
                starting_value: r.get(3)?,
                ending_value: r.get(4)?,
            })
        })
        .collect()
}

/// The model and cost of each model-day a job committed (`None`: unknown).
pub(super) fn costs(
    c: &mut dyn Conn,
    job_id: &str,
) -> Result<Vec<(String, Option<f64>)>, StoreError> {
    c.query(
        "SELECT model, cost_usd FROM trading_days WHERE job_id = ?1",
        args![job_id],
    )?
    .iter()
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .collect()
}

/// The model, run and cost of every current day (`None`: unknown).
pub(super) fn current_costs(c: &mut dyn Conn) -> Result<Vec<RunCost>, StoreError> {
    c.query(
        "SELECT model, run, cost_usd FROM trading_days WHERE superseded_by IS NULL",
        &[],
    )?
    .iter()
    .map(|r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
    .collect()
}

pub(super) fn select(c: &mut dyn Conn, filter: &DayFilter) -> Result<Vec<DayRow>, StoreError> {
    let rows = c.query(
        "SELECT id, job_id, model, date, starting_cash, starting_portfolio_value, daily_profit, daily_return_pct,
             ending_cash, ending_portfolio_value, reasoning_summary, total_actions, session_duration_seconds,
             days_since_last_trading, prompt_tokens, completion_tokens, carried_prices, started_at, completed_at,
             superseded_by IS NOT NULL,
             (SELECT COUNT(*) FROM reasoning_messages m WHERE m.trading_day_id = trading_days.id),
             run, cost_usd, tokens_estimated
         FROM trading_days
         WHERE (CAST(?1 AS TEXT) IS NULL OR job_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR model = ?2)
           AND (CAST(?3 AS TEXT) IS NULL OR date >= ?3) AND (CAST(?4 AS TEXT) IS NULL OR date <= ?4)
           AND (?5 = 0 OR superseded_by IS NULL) AND (CAST(?6 AS TEXT) IS NULL OR run = ?6)
         ORDER BY model, run, date, id",
        args![
            filter.job_id.as_deref(),
            filter.model.as_deref(),
            filter.start.map(|d| d.to_string()),
            filter.end.map(|d| d.to_string()),
            filter.current_only,
            filter.run.as_deref(),
        ],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let prompt: u64 = r.get(14)?;
        let completion: u64 = r.get(15)?;
        let carried: Vec<CarriedPrice> =
            json("trading_days.carried_prices", &r.get::<String>(16)?)?;
        out.push(DayRow {
            id: r.get(0)?,
            job_id: r.get(1)?,
            model: r.get(2)?,
            run: r.get(21)?,
            date: date(&r.get::<String>(3)?)?,
            values: DayValues {
                starting_cash: r.get(4)?,
                starting_portfolio_value: r.get(5)?,
                daily_profit: r.get(6)?,
                daily_return_pct: r.get(7)?,
                ending_cash: r.get(8)?,
                ending_portfolio_value: r.get(9)?,
            },
            reasoning_summary: r.get(10)?,
            total_actions: r.get(11)?,
            session_duration_seconds: r.get(12)?,
            days_since_last_trading: r.get(13)?,
            usage: TokenUsage {
                estimated: r.get::<i64>(23)? != 0,
                ..TokenUsage::of(prompt, completion)
            },
            carried_prices: carried,
            started_at: r.get(17)?,
            completed_at: r.get(18)?,
            superseded: r.get(19)?,
            total_messages: r.get(20)?,
            cost_usd: r.get(22)?,
        });
    }
    Ok(out)
}

/// The trades of `day_ids`, by day, each in order: one query however many days.
pub(super) fn actions_of(
    c: &mut dyn Conn,
    day_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<ActionRow>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<ActionRow>> = BTreeMap::new();
    // One statement of a fixed number of ids (the rest NULL), prepared once, under any
    // parameter limit.
    let sql = format!(
        "SELECT trading_day_id, action_type, symbol, quantity, price, fee, cash_after, created_at
         FROM actions WHERE trading_day_id IN ({})
         ORDER BY trading_day_id, seq",
        placeholders(1, ACTIONS_CHUNK)
    );
    for chunk in day_ids.chunks(ACTIONS_CHUNK) {
        let mut ids: Vec<super::Value> = chunk.iter().map(|id| (*id).into()).collect();
        ids.resize(ACTIONS_CHUNK, super::Value::Null);
        for r in c.query(&sql, &ids)? {
            push_action(&mut out, &r)?;
        }
    }
    Ok(out)
}

/// Day ids per read of trades.
const ACTIONS_CHUNK: usize = 100;

/// Adds one row of `actions` to its day's trades.
fn push_action(out: &mut BTreeMap<i64, Vec<ActionRow>>, r: &super::Row) -> Result<(), StoreError> {
    let text: String = r.get(1)?;
    let side =
        Side::parse(&text).ok_or_else(|| StoreError::Corrupt(format!("action type {text}")))?;
    out.entry(r.get(0)?).or_default().push(ActionRow {
        fill: Fill {
            side,
            symbol: r.get(2)?,
            quantity: r.get(3)?,
            price: r.get(4)?,
            fee: r.get(5)?,
            cash_after: r.get(6)?,
        },
        created_at: r.get(7)?,
    });
    Ok(())
}

pub(super) fn messages(
    c: &mut dyn Conn,
    day_id: i64,
) -> Result<Vec<ConversationMessage>, StoreError> {
    let rows = c.query(
        "SELECT message_index, role, content, summary, tool_name, tool_input, tool_call_id, tool_calls, timestamp
         FROM reasoning_messages WHERE trading_day_id = ?1 ORDER BY message_index",
        args![day_id],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let calls: Vec<ToolCallRecord> =
            json("reasoning_messages.tool_calls", &r.get::<String>(7)?)?;
        out.push(ConversationMessage {
            message_index: r.get(0)?,
            role: {
                let text: String = r.get(1)?;
                Role::parse(&text)
                    .ok_or_else(|| StoreError::Corrupt(format!("message role {text}")))?
            },
            content: r.get(2)?,
            summary: r.get(3)?,
            tool_name: r.get(4)?,
            tool_input: r.get(5)?,
            tool_call_id: r.get(6)?,
            tool_calls: calls,
            timestamp: r.get(8)?,
        });
    }
    Ok(out)
}
