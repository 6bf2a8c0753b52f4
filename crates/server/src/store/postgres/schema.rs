//! PostgreSQL's migrations, applied at start-up under an advisory lock (processes starting
//! together migrate one at a time); `schema_migrations` records the version. The tables are
//! SQLite's, in PostgreSQL's types: integers are `BIGINT` (booleans 0 and 1, as in SQLite),
//! reals `DOUBLE PRECISION`, dates and timestamps ISO-8601 `TEXT`.

use postgres::Client;

use crate::store::StoreError;

/// Each entry upgrades the schema by one version.
const MIGRATIONS: &[&str] = &[
    // 1: everything SQLite's migrations 1 to 8 hold.
    r"
CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    seq BIGSERIAL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending','downloading_data','running','completed','partial','failed','cancelled')),
    date_range TEXT NOT NULL,
    models TEXT NOT NULL,
    request TEXT NOT NULL,
    replace_existing BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    updated_at TEXT,
    completed_at TEXT,
    total_duration_seconds DOUBLE PRECISION,
    error TEXT,
    warnings TEXT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    download_dates TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_created_at ON jobs(created_at DESC);

CREATE TABLE job_details (
    id BIGSERIAL PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed','skipped')),
    skip_reason TEXT,
    started_at TEXT,
    completed_at TEXT,
    duration_seconds DOUBLE PRECISION,
    error TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_until BIGINT,
    last_error TEXT,
    UNIQUE (job_id, date, model)
);
CREATE INDEX idx_job_details_status ON job_details(job_id, status);
CREATE INDEX idx_job_details_model ON job_details(job_id, model, date);

CREATE TABLE trading_days (
    id BIGSERIAL PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    date TEXT NOT NULL,
    starting_cash DOUBLE PRECISION NOT NULL,
    starting_portfolio_value DOUBLE PRECISION NOT NULL,
    daily_profit DOUBLE PRECISION NOT NULL,
    daily_return_pct DOUBLE PRECISION NOT NULL,
    ending_cash DOUBLE PRECISION NOT NULL,
    ending_portfolio_value DOUBLE PRECISION NOT NULL,
    reasoning_summary TEXT,
    total_actions BIGINT NOT NULL DEFAULT 0,
    session_duration_seconds DOUBLE PRECISION,
    days_since_last_trading BIGINT NOT NULL DEFAULT 0,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
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
    id BIGSERIAL PRIMARY KEY,
    trading_day_id BIGINT NOT NULL REFERENCES trading_days(id) ON DELETE CASCADE,
    symbol TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    UNIQUE (trading_day_id, symbol)
);

CREATE TABLE actions (
    id BIGSERIAL PRIMARY KEY,
    trading_day_id BIGINT NOT NULL REFERENCES trading_days(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN ('buy','sell')),
    symbol TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    price DOUBLE PRECISION NOT NULL,
    fee DOUBLE PRECISION NOT NULL DEFAULT 0,
    cash_after DOUBLE PRECISION NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (trading_day_id, seq)
);

CREATE TABLE reasoning_messages (
    id BIGSERIAL PRIMARY KEY,
    trading_day_id BIGINT NOT NULL REFERENCES trading_days(id) ON DELETE CASCADE,
    message_index BIGINT NOT NULL,
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
    open DOUBLE PRECISION NOT NULL,
    high DOUBLE PRECISION NOT NULL,
    low DOUBLE PRECISION NOT NULL,
    close DOUBLE PRECISION NOT NULL,
    volume BIGINT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (symbol, date)
);
CREATE INDEX idx_price_data_date ON price_data(date);

CREATE TABLE price_data_coverage (
    id BIGSERIAL PRIMARY KEY,
    symbol TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    source TEXT NOT NULL,
    downloaded_at TEXT NOT NULL,
    UNIQUE (symbol, start_date, end_date)
);
CREATE INDEX idx_coverage_symbol ON price_data_coverage(symbol);

CREATE TABLE workers (
    worker_id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);

CREATE TABLE data_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('prices', 0);
",
    // 2: runs (SQLite's migration 9): a day is unique per (job, model, run, date).
    r#"
ALTER TABLE jobs ADD COLUMN runs TEXT NOT NULL DEFAULT '["main"]';
ALTER TABLE jobs ADD COLUMN note TEXT;
ALTER TABLE job_details ADD COLUMN run TEXT NOT NULL DEFAULT 'main';
ALTER TABLE job_details DROP CONSTRAINT job_details_job_id_date_model_key;
ALTER TABLE job_details ADD CONSTRAINT job_details_chain_date_key UNIQUE (job_id, date, model, run);
DROP INDEX idx_job_details_model;
CREATE INDEX idx_job_details_model ON job_details(job_id, model, run, date);
ALTER TABLE trading_days ADD COLUMN run TEXT NOT NULL DEFAULT 'main';
ALTER TABLE trading_days DROP CONSTRAINT trading_days_job_id_model_date_key;
ALTER TABLE trading_days ADD CONSTRAINT trading_days_chain_date_key UNIQUE (job_id, model, run, date);
DROP INDEX idx_trading_days_current;
CREATE INDEX idx_trading_days_current ON trading_days(model, run, date) WHERE superseded_by IS NULL;
CREATE TABLE runs (
    model TEXT NOT NULL,
    run TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (model, run)
);
INSERT INTO runs (model, run, created_at)
SELECT d.model, 'main', MIN(j.created_at) FROM job_details d JOIN jobs j ON j.job_id = d.job_id
GROUP BY d.model;
"#,
    // 3: the current days' values in one index (SQLite's migration 10).
    r"
DROP INDEX idx_trading_days_current;
CREATE INDEX idx_trading_days_current ON trading_days(model, run, date)
    INCLUDE (starting_portfolio_value, ending_portfolio_value) WHERE superseded_by IS NULL;
",
    // 4: what each model-day cost (SQLite's migration 11).
    r"
ALTER TABLE trading_days ADD COLUMN cost_usd DOUBLE PRECISION;
UPDATE trading_days SET cost_usd = 0 WHERE prompt_tokens = 0 AND completion_tokens = 0;
",
    // 5: a job's forecast and budgets (SQLite's migration 12).
    r"
ALTER TABLE jobs ADD COLUMN forecast TEXT;
ALTER TABLE jobs ADD COLUMN budget TEXT;
",
    // 6: estimated token counts (SQLite's migration 13).
    r"
ALTER TABLE trading_days ADD COLUMN tokens_estimated BIGINT NOT NULL DEFAULT 0;
",
    // 7: each budgeted job's spending per model (SQLite's migration 14).
    r"
CREATE TABLE job_spending (
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    spent_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
    priced_days BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, model)
);
INSERT INTO job_spending (job_id, model, spent_usd, priced_days)
SELECT t.job_id, t.model, COALESCE(SUM(t.cost_usd), 0), COUNT(t.cost_usd) FROM trading_days t
JOIN jobs j ON j.job_id = t.job_id WHERE j.budget IS NOT NULL GROUP BY t.job_id, t.model;
",
];

/// The advisory lock key migrations hold.
const MIGRATION_LOCK: i64 = 7_100_101;

/// Applies the migrations the database lacks. A database newer than this binary is refused.
pub(super) fn migrate(client: &mut Client) -> Result<(), StoreError> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let result = apply(client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    result?;
    unlocked?;
    Ok(())
}

fn apply(client: &mut Client) -> Result<(), StoreError> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let version: i64 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    let version = usize::try_from(version).unwrap_or(0);
    if version > MIGRATIONS.len() {
        return Err(StoreError::Corrupt(format!(
            "database schema version {version} is newer than this binary's {}",
            MIGRATIONS.len()
        )));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version) {
        let mut tx = client.transaction()?;
        tx.batch_execute(migration)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&((index + 1) as i64)],
        )?;
        tx.commit()?;
    }
    Ok(())
}
