//! Trading days: their commit, the cross-job previous day, and the reads of results.

use std::collections::BTreeMap;

use ai_trader_core::api::{ConversationMessage, Role, TokenUsage, ToolCallRecord};
use ai_trader_core::ledger::{CarriedPrice, Fill, Side};
use ai_trader_core::{Date, DetailStatus, JobStatus};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::details::{self, Move};
use super::{StoreError, date, jobs, json, to_json};
use crate::store::{
    ActionRow, CompletedDay, DayFilter, DayRow, DayValues, ImportRefused, PreviousDay,
};

/// Commits a finished model-day: its trading day with holdings, trades and conversation, the
/// supersession of the model's later days from other jobs, and the detail's `completed`.
pub(super) fn commit(
    tx: &Transaction<'_>,
    day: &CompletedDay,
    now: &str,
) -> Result<(), StoreError> {
    let id = insert_day(tx, day)?;
    insert_holdings(tx, id, &day.holdings)?;
    insert_actions(tx, id, &day.activity.fills)?;
    insert_messages(tx, id, &day.activity.messages)?;
    // This day is now the model's current day on its date, and every later day of another job
    // starts from a portfolio that no longer holds: they stop being current.
    tx.execute(
        "UPDATE trading_days SET superseded_by = ?1, superseded_at = ?4
         WHERE model = ?2 AND date >= ?3 AND job_id != ?1 AND superseded_by IS NULL",
        params![
            day.job_id,
            day.model,
            day.date.to_string(),
            day.activity.completed_at
        ],
    )?;
    let completed = Move::to(DetailStatus::Completed);
    details::end(tx, &day.job_id, day.date, &day.model, completed, now)
}

/// The trading day row; returns its id.
fn insert_day(tx: &Transaction<'_>, day: &CompletedDay) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO trading_days (job_id, model, date, starting_cash, starting_portfolio_value, daily_profit,
             daily_return_pct, ending_cash, ending_portfolio_value, reasoning_summary, total_actions,
             session_duration_seconds, days_since_last_trading, prompt_tokens, completion_tokens, carried_prices,
             started_at, completed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            day.job_id,
            day.model,
            day.date.to_string(),
            day.values.starting_cash,
            day.values.starting_portfolio_value,
            day.values.daily_profit,
            day.values.daily_return_pct,
            day.values.ending_cash,
            day.values.ending_portfolio_value,
            day.activity.summary,
            day.activity.fills.len() as i64,
            day.activity.duration_seconds,
            day.days_since_last_trading,
            day.activity.usage.prompt_tokens as i64,
            day.activity.usage.completion_tokens as i64,
            to_json(&day.carried_prices),
            day.activity.started_at,
            day.activity.completed_at,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_holdings(
    tx: &Transaction<'_>,
    day_id: i64,
    holdings: &BTreeMap<String, u64>,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO holdings (trading_day_id, symbol, quantity) VALUES (?1, ?2, ?3)",
    )?;
    for (symbol, quantity) in holdings.iter().filter(|(_, q)| **q > 0) {
        stmt.execute(params![day_id, symbol, *quantity as i64])?;
    }
    Ok(())
}

fn insert_actions(
    tx: &Transaction<'_>,
    day_id: i64,
    fills: &[(Fill, String)],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO actions (trading_day_id, seq, action_type, symbol, quantity, price, fee, cash_after, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (seq, (fill, at)) in fills.iter().enumerate() {
        stmt.execute(params![
            day_id,
            seq as i64 + 1,
            fill.side.as_str(),
            fill.symbol,
            fill.quantity as i64,
            fill.price,
            fill.fee,
            fill.cash_after,
            at
        ])?;
    }
    Ok(())
}

fn insert_messages(
    tx: &Transaction<'_>,
    day_id: i64,
    messages: &[ConversationMessage],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO reasoning_messages (trading_day_id, message_index, role, content, summary, tool_name, tool_input,
             tool_call_id, tool_calls, timestamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for m in messages {
        stmt.execute(params![
            day_id,
            m.message_index,
            m.role.as_str(),
            m.content,
            m.summary,
            m.tool_name,
            m.tool_input,
            m.tool_call_id,
            to_json(&m.tool_calls),
            m.timestamp
        ])?;
    }
    Ok(())
}

pub(super) fn import_run(
    tx: &Transaction<'_>,
    job: &crate::store::NewJob,
    model: &str,
    days: &[CompletedDay],
    now: &str,
) -> Result<Result<(), ImportRefused>, StoreError> {
    let Some(first) = days.first() else {
        return Ok(Err(ImportRefused::Empty));
    };
    let later: Option<String> = tx
        .query_row(
            "SELECT MAX(date) FROM trading_days WHERE model = ?1 AND date >= ?2 AND superseded_by IS NULL",
            params![model, first.date.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if let Some(last) = later {
        return Ok(Err(ImportRefused::WouldContradict {
            model: model.to_owned(),
            first: first.date,
            last,
        }));
    }
    let dates: Vec<Date> = days.iter().map(|d| d.date).collect();
    let models = [model.to_owned()];
    jobs::insert_row(tx, job, &dates, &models, false, &[], &[])?;
    tx.execute(
        "UPDATE jobs SET started_at = created_at WHERE job_id = ?1",
        [&job.job_id],
    )?;
    for day in days {
        let running = (
            day.date,
            model.to_owned(),
            DetailStatus::Running,
            None,
            None,
        );
        details::insert(tx, &job.job_id, [running], Some(&day.activity.started_at))?;
        commit(tx, day, now)?;
    }
    jobs::set_status(tx, &job.job_id, JobStatus::Completed, None, now)?;
    Ok(Ok(()))
}

pub(super) fn holdings(
    conn: &Connection,
    day_id: i64,
) -> Result<BTreeMap<String, u64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT symbol, quantity FROM holdings WHERE trading_day_id = ?1 ORDER BY symbol",
    )?;
    let rows = stmt.query_map([day_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (symbol, quantity) = row?;
        out.insert(symbol, quantity.max(0) as u64);
    }
    Ok(out)
}

pub(super) fn previous(
    conn: &Connection,
    model: &str,
    day: Date,
) -> Result<Option<PreviousDay>, StoreError> {
    let row: Option<(i64, String, f64, f64)> = conn
        .query_row(
            "SELECT id, date, ending_cash, ending_portfolio_value FROM trading_days
             WHERE model = ?1 AND date < ?2 AND superseded_by IS NULL ORDER BY date DESC LIMIT 1",
            params![model, day.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((id, day, ending_cash, ending_portfolio_value)) = row else {
        return Ok(None);
    };
    Ok(Some(PreviousDay {
        date: date(&day)?,
        ending_cash,
        ending_portfolio_value,
        holdings: holdings(conn, id)?,
    }))
}

pub(super) fn select(conn: &Connection, filter: &DayFilter) -> Result<Vec<DayRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, job_id, model, date, starting_cash, starting_portfolio_value, daily_profit, daily_return_pct,
             ending_cash, ending_portfolio_value, reasoning_summary, total_actions, session_duration_seconds,
             days_since_last_trading, prompt_tokens, completion_tokens, carried_prices, started_at, completed_at,
             superseded_by IS NOT NULL,
             (SELECT COUNT(*) FROM reasoning_messages m WHERE m.trading_day_id = trading_days.id)
         FROM trading_days
         WHERE (?1 IS NULL OR job_id = ?1) AND (?2 IS NULL OR model = ?2)
           AND (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date <= ?4)
           AND (?5 = 0 OR superseded_by IS NULL)
         ORDER BY model, date, id",
    )?;
    let mut rows = stmt.query(params![
        filter.job_id,
        filter.model,
        filter.start.map(|d| d.to_string()),
        filter.end.map(|d| d.to_string()),
        filter.current_only,
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let prompt = r.get::<_, i64>(14)?.max(0) as u64;
        let completion = r.get::<_, i64>(15)?.max(0) as u64;
        let carried: Vec<CarriedPrice> =
            json("trading_days.carried_prices", &r.get::<_, String>(16)?)?;
        out.push(DayRow {
            id: r.get(0)?,
            job_id: r.get(1)?,
            model: r.get(2)?,
            date: date(&r.get::<_, String>(3)?)?,
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
                prompt_tokens: prompt,
                completion_tokens: completion,
                total_tokens: prompt + completion,
            },
            carried_prices: carried,
            started_at: r.get(17)?,
            completed_at: r.get(18)?,
            superseded: r.get(19)?,
            total_messages: r.get(20)?,
        });
    }
    Ok(out)
}

/// The trades of `day_ids`, by day, each in order: one query however many days.
pub(super) fn actions_of(
    conn: &Connection,
    day_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<ActionRow>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT trading_day_id, action_type, symbol, quantity, price, fee, cash_after, created_at
         FROM actions WHERE trading_day_id IN (SELECT value FROM json_each(?1))
         ORDER BY trading_day_id, seq",
    )?;
    let mut rows = stmt.query([to_json(day_ids)])?;
    let mut out: BTreeMap<i64, Vec<ActionRow>> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let text: String = r.get(1)?;
        let side =
            Side::parse(&text).ok_or_else(|| StoreError::Corrupt(format!("action type {text}")))?;
        out.entry(r.get(0)?).or_default().push(ActionRow {
            fill: Fill {
                side,
                symbol: r.get(2)?,
                quantity: r.get::<_, i64>(3)?.max(0) as u64,
                price: r.get(4)?,
                fee: r.get(5)?,
                cash_after: r.get(6)?,
            },
            created_at: r.get(7)?,
        });
    }
    Ok(out)
}

pub(super) fn messages(
    conn: &Connection,
    day_id: i64,
) -> Result<Vec<ConversationMessage>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT message_index, role, content, summary, tool_name, tool_input, tool_call_id, tool_calls, timestamp
         FROM reasoning_messages WHERE trading_day_id = ?1 ORDER BY message_index",
    )?;
    let mut rows = stmt.query([day_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let calls: Vec<ToolCallRecord> =
            json("reasoning_messages.tool_calls", &r.get::<_, String>(7)?)?;
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
