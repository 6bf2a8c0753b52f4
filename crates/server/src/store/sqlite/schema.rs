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
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
