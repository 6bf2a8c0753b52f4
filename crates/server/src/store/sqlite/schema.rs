//! Versioned migrations, applied at start-up. `PRAGMA user_version` records the version.

use rusqlite::Connection;

/// Each entry upgrades the schema by one version.
const MIGRATIONS: &[&str] = &[
    // 1: the reference's tables, adapted: skip reasons, cancellation, supersession, token usage,
    // conversations as rows.
    r"
CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('pending','downloading_data','running','completed','partial','failed','cancelled')),
    date_range TEXT NOT NULL,
    models TEXT NOT NULL,
    request TEXT NOT NULL,
    replace_existing INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    updated_at TEXT,
    completed_at TEXT,
    total_duration_seconds REAL,
    error TEXT,
    warnings TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_created_at ON jobs(created_at DESC);

CREATE TABLE job_details (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed','skipped')),
    skip_reason TEXT,
    started_at TEXT,
    completed_at TEXT,
    duration_seconds REAL,
    error TEXT,
    UNIQUE (job_id, date, model)
);
CREATE INDEX idx_job_details_status ON job_details(job_id, status);

CREATE TABLE trading_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    date TEXT NOT NULL,
    starting_cash REAL NOT NULL,
    starting_portfolio_value REAL NOT NULL,
    daily_profit REAL NOT NULL,
    daily_return_pct REAL NOT NULL,
    ending_cash REAL NOT NULL,
    ending_portfolio_value REAL NOT NULL,
    reasoning_summary TEXT,
    total_actions INTEGER NOT NULL DEFAULT 0,
    session_duration_seconds REAL,
    days_since_last_trading INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    carried_prices TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    completed_at TEXT,
    superseded_by TEXT,
    superseded_at TEXT,
    UNIQUE (job_id, model, date)
);
CREATE INDEX idx_trading_days_current ON trading_days(model, date) WHERE superseded_by IS NULL;
CREATE INDEX idx_trading_days_job ON trading_days(job_id);

CREATE TABLE holdings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trading_day_id INTEGER NOT NULL REFERENCES trading_days(id) ON DELETE CASCADE,
    symbol TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    UNIQUE (trading_day_id, symbol)
);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trading_day_id INTEGER NOT NULL REFERENCES trading_days(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN ('buy','sell')),
    symbol TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    price REAL NOT NULL,
    fee REAL NOT NULL DEFAULT 0,
    cash_after REAL NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (trading_day_id, seq)
);

CREATE TABLE reasoning_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trading_day_id INTEGER NOT NULL REFERENCES trading_days(id) ON DELETE CASCADE,
    message_index INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')),
    content TEXT NOT NULL,
    summary TEXT,
    tool_name TEXT,
    tool_input TEXT,
    tool_call_id TEXT,
    tool_calls TEXT NOT NULL DEFAULT '[]',
    timestamp TEXT NOT NULL,
    UNIQUE (trading_day_id, message_index)
);

CREATE TABLE price_data (
    symbol TEXT NOT NULL,
    date TEXT NOT NULL,
    open REAL NOT NULL,
    high REAL NOT NULL,
    low REAL NOT NULL,
    close REAL NOT NULL,
    volume INTEGER NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (symbol, date)
) WITHOUT ROWID;
CREATE INDEX idx_price_data_date ON price_data(date);
",
    // 2: what each download covered, so covered dates are never fetched again.
    r"
CREATE TABLE price_data_coverage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    symbol TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    source TEXT NOT NULL,
    downloaded_at TEXT NOT NULL,
    UNIQUE (symbol, start_date, end_date)
);
CREATE INDEX idx_coverage_symbol ON price_data_coverage(symbol);
",
    // 3: the trading days a job's plan downloads prices for before it runs.
    r"
ALTER TABLE jobs ADD COLUMN download_dates TEXT NOT NULL DEFAULT '[]';
",
    // 4: how many times each model-day was started: a day whose process stopped under it too
    // often (a crash loop) is failed instead of started again.
    r"
ALTER TABLE job_details ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
",
    // 5: the worker processes running jobs on this database, with their heartbeats.
    r"
CREATE TABLE workers (
    worker_id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
",
    // 6: a counter per kind of shared data, moved by every write of it, so each process
    // sharing the database knows when to reload its copy.
    r"
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('prices', 0);
",
    // 7: claims: which worker holds a running model-day, until when (the database's clock, in
    // ms since 1970), and why its previous attempt ended.
    r"
ALTER TABLE job_details ADD COLUMN claimed_by TEXT;
ALTER TABLE job_details ADD COLUMN lease_until INTEGER;
ALTER TABLE job_details ADD COLUMN last_error TEXT;
",
    // 8: a model's days of a job in order, for the claim of its next day at each commit.
    r"
CREATE INDEX idx_job_details_model ON job_details(job_id, model, date);
",
    // 9: runs. A model's days belong to a run (an independent portfolio chain; `main` unless
    // a job names another), so a day is unique per (job, model, run, date). SQLite cannot
    // change a table's constraints: job_details and trading_days are rebuilt, their ids kept
    // (foreign keys are off while migrating, so the children of trading_days stay).
    r#"
ALTER TABLE jobs ADD COLUMN runs TEXT NOT NULL DEFAULT '["main"]';
ALTER TABLE jobs ADD COLUMN note TEXT;

CREATE TABLE job_details_v9 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    model TEXT NOT NULL,
    run TEXT NOT NULL DEFAULT 'main',
    status TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed','skipped')),
    skip_reason TEXT,
    started_at TEXT,
    completed_at TEXT,
    duration_seconds REAL,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_until INTEGER,
    last_error TEXT,
    UNIQUE (job_id, date, model, run)
);
INSERT INTO job_details_v9 (id, job_id, date, model, status, skip_reason, started_at, completed_at,
    duration_seconds, error, attempts, claimed_by, lease_until, last_error)
SELECT id, job_id, date, model, status, skip_reason, started_at, completed_at,
    duration_seconds, error, attempts, claimed_by, lease_until, last_error FROM job_details;
DROP TABLE job_details;
ALTER TABLE job_details_v9 RENAME TO job_details;
CREATE INDEX idx_job_details_status ON job_details(job_id, status);
CREATE INDEX idx_job_details_model ON job_details(job_id, model, run, date);

CREATE TABLE trading_days_v9 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    run TEXT NOT NULL DEFAULT 'main',
    date TEXT NOT NULL,
    starting_cash REAL NOT NULL,
    starting_portfolio_value REAL NOT NULL,
    daily_profit REAL NOT NULL,
    daily_return_pct REAL NOT NULL,
    ending_cash REAL NOT NULL,
    ending_portfolio_value REAL NOT NULL,
    reasoning_summary TEXT,
    total_actions INTEGER NOT NULL DEFAULT 0,
    session_duration_seconds REAL,
    days_since_last_trading INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    carried_prices TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    completed_at TEXT,
    superseded_by TEXT,
    superseded_at TEXT,
    UNIQUE (job_id, model, run, date)
);
INSERT INTO trading_days_v9 (id, job_id, model, date, starting_cash, starting_portfolio_value,
    daily_profit, daily_return_pct, ending_cash, ending_portfolio_value, reasoning_summary,
    total_actions, session_duration_seconds, days_since_last_trading, prompt_tokens,
    completion_tokens, carried_prices, started_at, completed_at, superseded_by, superseded_at)
SELECT id, job_id, model, date, starting_cash, starting_portfolio_value,
    daily_profit, daily_return_pct, ending_cash, ending_portfolio_value, reasoning_summary,
    total_actions, session_duration_seconds, days_since_last_trading, prompt_tokens,
    completion_tokens, carried_prices, started_at, completed_at, superseded_by, superseded_at
FROM trading_days;
DROP TABLE trading_days;
ALTER TABLE trading_days_v9 RENAME TO trading_days;
CREATE INDEX idx_trading_days_current ON trading_days(model, run, date) WHERE superseded_by IS NULL;
CREATE INDEX idx_trading_days_job ON trading_days(job_id);

CREATE TABLE runs (
    model TEXT NOT NULL,
    run TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (model, run)
) WITHOUT ROWID;
INSERT INTO runs (model, run, created_at)
SELECT d.model, 'main', MIN(j.created_at) FROM job_details d JOIN jobs j ON j.job_id = d.job_id
GROUP BY d.model;
"#,
    // 10: the current days' values in one index (superseded_by included, so SQLite sees it
    // covers queries that filter on it): a comparison of many runs reads the index alone.
    r"
DROP INDEX idx_trading_days_current;
CREATE INDEX idx_trading_days_current ON trading_days(model, run, date, starting_portfolio_value,
    ending_portfolio_value, superseded_by) WHERE superseded_by IS NULL;
",
    // 11: what each model-day cost (NULL: unknown); a day without tokens cost nothing.
    r"
ALTER TABLE trading_days ADD COLUMN cost_usd REAL;
UPDATE trading_days SET cost_usd = 0 WHERE prompt_tokens = 0 AND completion_tokens = 0;
",
    // 12: a job's forecast (JSON) and the budgets it enforces (JSON; NULL: none).
    r"
ALTER TABLE jobs ADD COLUMN forecast TEXT;
ALTER TABLE jobs ADD COLUMN budget TEXT;
",
    // 13: a day's tokens counted here because the provider reported none (an estimate).
    r"
ALTER TABLE trading_days ADD COLUMN tokens_estimated INTEGER NOT NULL DEFAULT 0;
",
    // 14: what each model of a job with a budget has spent, kept with each commit, so that a
    // claim reads one row per model rather than every day of the job.
    r"
CREATE TABLE job_spending (
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    spent_usd REAL NOT NULL DEFAULT 0,
    priced_days INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, model)
);
INSERT INTO job_spending (job_id, model, spent_usd, priced_days)
SELECT t.job_id, t.model, COALESCE(SUM(t.cost_usd), 0), COUNT(t.cost_usd) FROM trading_days t
JOIN jobs j ON j.job_id = t.job_id WHERE j.budget IS NOT NULL GROUP BY t.job_id, t.model;
",
];

/// The schema version this binary writes.
pub(crate) const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Applies the migrations a database lacks. A database newer than this binary is refused.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(0);
    if version > SCHEMA_VERSION {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "database schema version {version} is newer than this binary's {SCHEMA_VERSION}"
        )));
    }
    // Rebuilding a table drops the old one: with foreign keys on, that would delete its
    // children. They are checked before each migration commits instead.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let applied = apply(conn, version);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    applied
}

fn apply(conn: &mut Connection, version: usize) -> rusqlite::Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration)?;
        let violations: i64 =
            tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if violations > 0 {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "migration {} would leave {violations} rows without their parent",
                index + 1
            )));
        }
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database written by the binary before runs existed (schema 8), with one job, its day
    /// and the day's children.
    fn version_8(path: &std::path::Path) -> Connection {
        let mut conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let tx = conn.transaction().unwrap();
        for migration in &MIGRATIONS[..8] {
            tx.execute_batch(migration).unwrap();
        }
        tx.pragma_update(None, "user_version", 8).unwrap();
        tx.execute_batch(
            "INSERT INTO jobs (job_id, status, date_range, models, request, created_at)
                 VALUES ('j1', 'completed', '[]', '[\"m\"]', '{}', '2025-10-07T00:00:00Z');
             INSERT INTO job_details (job_id, date, model, status) VALUES ('j1', '2025-10-06', 'm', 'completed');
             INSERT INTO trading_days (id, job_id, model, date, starting_cash, starting_portfolio_value,
                 daily_profit, daily_return_pct, ending_cash, ending_portfolio_value, started_at)
                 VALUES (41, 'j1', 'm', '2025-10-06', 10000, 10000, 5, 0.05, 9000, 10005, 'x');
             INSERT INTO holdings (trading_day_id, symbol, quantity) VALUES (41, 'AAPL', 4);
             INSERT INTO actions (trading_day_id, seq, action_type, symbol, quantity, price, cash_after, created_at)
                 VALUES (41, 1, 'buy', 'AAPL', 4, 250, 9000, 'x');
             INSERT INTO reasoning_messages (trading_day_id, message_index, role, content, timestamp)
                 VALUES (41, 0, 'user', 'hi', 'x');",
        )
        .unwrap();
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn migrating_to_runs_keeps_every_day_and_its_children_in_main() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = version_8(&dir.path().join("old.db"));
        migrate(&mut conn).unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count("SELECT COUNT(*) FROM trading_days WHERE id = 41 AND run = 'main'"),
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM job_details WHERE run = 'main'"),
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM holdings WHERE trading_day_id = 41"),
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM actions WHERE trading_day_id = 41"),
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM reasoning_messages WHERE trading_day_id = 41"),
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM runs WHERE model = 'm' AND run = 'main'"),
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM jobs WHERE runs = '[\"main\"]'"),
            1
        );
        assert_eq!(count("PRAGMA foreign_keys"), 1, "foreign keys are on again");
        // Ids go on after the old ones, and a day of another run on the same date is allowed.
        conn.execute_batch(
            "INSERT INTO trading_days (job_id, model, run, date, starting_cash, starting_portfolio_value,
                 daily_profit, daily_return_pct, ending_cash, ending_portfolio_value, started_at)
                 VALUES ('j1', 'm', 'exp-1', '2025-10-06', 10000, 10000, 0, 0, 10000, 10000, 'x')",
        )
        .unwrap();
        assert!(count("SELECT MAX(id) FROM trading_days") > 41);
        // Deleting the job still removes its days' children: the foreign keys point at the
        // rebuilt table.
        conn.execute("DELETE FROM jobs WHERE job_id = 'j1'", [])
            .unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM holdings"), 0);
        assert_eq!(count("SELECT COUNT(*) FROM trading_days"), 0);
    }
}
