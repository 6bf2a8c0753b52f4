/** A calendar date, `YYYY-MM-DD`. */
export type DateString = string;

export type JobStatus = "pending" | "downloading_data" | "running" | "completed" | "partial" | "failed" | "cancelled";

export type SkipReason = "weekend" | "market_holiday" | "incomplete_price_data" | "already_completed" | "before_history" | "cancelled" | "budget_exhausted";

/** The body of `POST /simulate/trigger`. */
export interface PlanRequest {
  /** `null` or `""` asks for resume mode. */
  start_date?: string | null;
  end_date: string;
  /** `null` or `[]` means every enabled model. */
  models?: string[] | null;
  replace_existing?: boolean;
  /** The run to create or continue (1–64 letters, digits, `.`, `_`, `-`); `null` means `main`. */
  run?: string | null;
  /** Independent runs of each model, 1–20: `run-1` … `run-N` when more than 1. */
  repeats?: number | null;
  /** A note kept with each run (at most 2000 characters). */
  note?: string | null;
  /** The job's budget, USD: no model-day starts whose expected cost would pass it. */
  max_cost_usd?: number | null;
}

/** What `GET /simulate/plan-context` returns. */
export interface PlanContext {
  today: DateString;
  max_simulation_days?: number;
  models?: ModelInfo[];
  /** `null` plans from the calendar alone. */
  market?: MarketAvailability | null;
  history?: Record<string, ModelHistory>;
  active_jobs?: ActiveJob[];
  /** The server downloads missing prices first: incomplete trading days are planned to run. */
  download_missing?: boolean;
  /** How many model-days of a job run at once; `null`: one per (model, run). */
  max_parallel_models?: number | null;
}

export interface ModelInfo {
  signature: string;
  enabled?: boolean;
  /** Its prices; absent: its cost is unknown. */
  pricing?: Pricing;
  /** Tokens per model-day forecast until it has history. */
  expected_tokens_per_day?: TokenPrior;
  /** The most one job may spend on it, USD. */
  budget_usd?: number;
}

/** USD per million tokens. */
export interface Pricing {
  input_per_million: number;
  output_per_million: number;
  cached_input_per_million?: number | null;
}

export interface TokenPrior {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface UsageStats {
  /** Model-days seen. */
  days: number;
  prompt_tokens: MeanAndHigh;
  completion_tokens: MeanAndHigh;
  /** Mean seconds per model-day; `null` when none was recorded. */
  duration_seconds: number | null;
}

/** A figure's mean and 90th percentile. */
export interface MeanAndHigh {
  mean: number;
  p90: number;
}

export interface ModelHistory {
  /** The main run's current completed days, ascending. */
  completed?: DateString[];
  /** Other runs' current completed days, ascending, by run name. */
  runs?: Record<string, DateString[]>;
  /** Usage per model-day over its current days (all runs), for the forecast. */
  usage?: UsageStats;
}

export interface ActiveJob {
  job_id: string;
  status: JobStatus;
  models: string[];
  /** The runs of those models it holds; `["main"]` when absent. */
  runs?: string[];
}

export interface MarketAvailability {
  symbols: number;
  first_date: DateString | null;
  last_date: DateString | null;
  incomplete?: IncompleteDay[];
}

export interface IncompleteDay {
  date: DateString;
  listed: number;
  missing: string[];
}

/**
 * A planned job. Each `grid[i].cells` has one letter per entry of `dates`: `R` runs, `W` weekend,
 * `H` market holiday, `I` incomplete price data, `C` already completed, `B` before history
 * (a job's details may later be `X` cancelled or `$` budget exhausted).
 */
export interface Plan {
  start_date: DateString;
  end_date: DateString;
  resume_mode: boolean;
  replace_existing: boolean;
  calendar_only: boolean;
  models: string[];
  /** The runs of each model (`["main"]` unless the request named others). */
  runs: string[];
  /** The note the request gave its runs. */
  note: string | null;
  dates: PlannedDate[];
  /** One row per (model, run). */
  grid: ModelRow[];
  totals: PlanTotals;
  warnings: string[];
  superseded: ModelDate[];
  /** Trading days whose prices the server downloads before running. */
  download_dates: DateString[];
  /** What the model-days that run are expected to use, cost and take, with the budgets. */
  forecast: Forecast;
}

export interface Forecast {
  /** One per model of the job, in its order. */
  models: ModelForecast[];
  total: ForecastTotal;
}

/** A model's forecast: `null` figures are unknown (never 0). */
export interface ModelForecast {
  model: string;
  model_days: number;
  basis: "history" | "prior" | "unknown";
  history_days: number;
  prompt_tokens: MeanAndHigh | null;
  completion_tokens: MeanAndHigh | null;
  day_cost_usd: MeanAndHigh | null;
  cost_usd: MeanAndHigh | null;
  /** Seconds its model-days take one after another. */
  duration_seconds: number | null;
  budget_usd: number | null;
  /** How many of its model-days its budget lets run at the mean day cost. */
  affordable_days: number | null;
}

export interface ForecastTotal {
  model_days: number;
  /** Of the models whose tokens are known. */
  prompt_tokens: MeanAndHigh;
  completion_tokens: MeanAndHigh;
  /** Of the models whose cost is known: a lower bound when `unknown_models` is not empty. */
  cost_usd: MeanAndHigh;
  unknown_models: string[];
  /** Expected wall time, seconds; `null` when a model's duration is unknown. */
  duration_seconds: number | null;
  max_cost_usd: number | null;
  /** How many model-days the job's budget lets run, in the order workers take them. */
  affordable_days: number | null;
}

export interface PlannedDate {
  date: DateString;
  skip_reason: SkipReason | null;
  message: string | null;
}

export interface ModelRow {
  model: string;
  run: string;
  /** The run's latest completed day before the job; `null` for a new run. */
  last_completed: DateString | null;
  start_date: DateString;
  cells: string;
  runs: number;
}

export interface PlanTotals {
  total_model_days: number;
  run: number;
  skipped: number;
  weekend: number;
  market_holiday: number;
  incomplete_price_data: number;
  already_completed: number;
  before_history: number;
}

export interface ModelDate {
  model: string;
  run: string;
  date: DateString;
}

/** One row of a job's details as planned. */
export interface PlannedModelDay {
  date: DateString;
  model: string;
  run: string;
  skip_reason: SkipReason | null;
  message: string | null;
}

export interface CalendarDay {
  date: DateString;
  trading: boolean;
  weekend: boolean;
  holiday: string | null;
}

export interface DailyValue {
  date: DateString;
  portfolio_value: number;
}

export interface MetricsInput {
  starting_value: number;
  daily_values: DailyValue[];
  number_of_trades?: number;
  traded_value?: number;
  /** Annual, as a fraction (0.04 = 4 %). */
  risk_free_rate?: number;
}

export interface PeriodMetrics {
  starting_portfolio_value: number;
  ending_portfolio_value: number;
  period_return_pct: number;
  annualized_return_pct: number | null;
  calendar_days: number;
  trading_days: number;
  daily_volatility_pct: number | null;
  sharpe_ratio: number | null;
  sortino_ratio: number | null;
  max_drawdown_pct: number;
  max_drawdown_peak_date: DateString | null;
  max_drawdown_trough_date: DateString | null;
  win_rate_pct: number | null;
  winning_days: number;
  losing_days: number;
  number_of_trades: number;
  turnover: number | null;
}

/** Thrown by every export: `message` is the core's message. */
export interface AiTraderError extends Error {
  /** e.g. `unknown_models`, `invalid_date`, `models_busy`. */
  code: string;
  /** The HTTP status the server answers the same error with (planner errors). */
  status?: number;
}
