// Loads the generated wasm package (wasm-bindgen --target nodejs, then wasm-opt) as a JS user
// would, plans every golden fixture and compares the result with the native planner's JSON
// byte for byte (numbers spelled as JS spells them). Run by scripts/test: `node --test crates/wasm/tests/js/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../../..");
const pkgDir = process.env.AI_TRADER_WASM_PKG ?? join(root, "target/wasm-pkg/node");
const fixtures = join(root, "crates/core/tests/fixtures/plan");
const wasm = createRequire(import.meta.url)(join(pkgDir, "ai_trader_wasm.js"));

/** The JS API's answer for a fixture input, in the golden file's form. */
function planned(input) {
  try {
    return JSON.stringify(wasm.planJob(input.request, input.context));
  } catch (error) {
    return JSON.stringify({ error: { code: error.code, message: error.message, status: error.status } });
  }
}

const names = readdirSync(fixtures)
  .filter((f) => f.endsWith(".input.json"))
  .map((f) => f.replace(".input.json", ""))
  .sort();

test("there are golden fixtures", () => {
  assert.ok(names.length >= 20, `only ${names.length} fixtures`);
});

for (const name of names) {
  test(`planJob equals the native planner: ${name}`, () => {
    const input = JSON.parse(readFileSync(join(fixtures, `${name}.input.json`), "utf8"));
    // Through JS's own JSON: numbers in JS's spelling (`3` for serde's `3.0`), values identical.
    const expected = JSON.stringify(JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), "utf8")));
    assert.equal(planned(input), expected);
  });
}

test("errors are Error instances with code and status", () => {
  const input = JSON.parse(readFileSync(join(fixtures, "error_busy_model.input.json"), "utf8"));
  assert.throws(
    () => wasm.planJob(input.request, input.context),
    (error) =>
      error instanceof Error &&
      error.code === "models_busy" &&
      error.status === 400 &&
      error.message.includes("already running"),
  );
  assert.throws(() => wasm.planJob({ end_date: 7 }, {}), (e) => e.code === "invalid_argument");
});

test("tradingCalendar names holidays and weekends", () => {
  const days = wasm.tradingCalendar("2026-11-25", "2026-11-29");
  assert.deepEqual(
    days.map((d) => [d.date, d.trading, d.weekend, d.holiday]),
    [
      ["2026-11-25", true, false, null],
      ["2026-11-26", false, false, "Thanksgiving Day"],
      ["2026-11-27", true, false, null],
      ["2026-11-28", false, true, null],
      ["2026-11-29", false, true, null],
    ],
  );
});

test("computeMetrics follows the reference vectors", () => {
  const m = wasm.computeMetrics({
    starting_value: 10000,
    daily_values: [
      { date: "2025-01-16", portfolio_value: 10100 },
      { date: "2025-01-17", portfolio_value: 10300 },
      { date: "2025-01-20", portfolio_value: 10500 },
    ],
  });
  assert.equal(m.period_return_pct, 5.0);
  assert.equal(m.calendar_days, 5);
  assert.ok(m.annualized_return_pct > 3400 && m.annualized_return_pct < 3450);
  for (const [key, value] of Object.entries(m)) {
    assert.ok(value === null || typeof value === "string" || Number.isFinite(value), `${key} = ${value}`);
  }
});

test("planModelDays expands the grid in detail order", () => {
  const input = JSON.parse(readFileSync(join(fixtures, "seed_two_models.input.json"), "utf8"));
  const rows = wasm.planModelDays(wasm.planJob(input.request, input.context));
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[0], { date: "2025-10-01", model: "claude-sonnet-4.5", run: "main", skip_reason: null, message: null });
  assert.deepEqual(rows[1], {
    date: "2025-10-01",
    model: "gpt-5",
    run: "main",
    skip_reason: "already_completed",
    message: "Already completed",
  });
});

test("repeats plan one row per model and run, as natively", () => {
  const input = JSON.parse(readFileSync(join(fixtures, "runs_repeats.input.json"), "utf8"));
  const plan = wasm.planJob(input.request, input.context);
  assert.deepEqual(plan.runs, ["oct-1", "oct-2", "oct-3"]);
  assert.deepEqual(
    plan.grid.map((row) => `${row.model}/${row.run}`),
    ["gpt-5/oct-1", "gpt-5/oct-2", "gpt-5/oct-3", "claude-sonnet-4.5/oct-1", "claude-sonnet-4.5/oct-2", "claude-sonnet-4.5/oct-3"],
  );
  const expected = JSON.parse(readFileSync(join(fixtures, "runs_repeats.expected.json"), "utf8"));
  assert.equal(JSON.stringify(plan), JSON.stringify(expected));
});

test("the generated TypeScript declares the typed API", () => {
  const dts = readFileSync(join(pkgDir, "ai_trader_wasm.d.ts"), "utf8");
  for (const signature of [
    "export function planJob(request: PlanRequest, context: PlanContext): Plan;",
    "export function tradingCalendar(start: string, end: string): CalendarDay[];",
    "export function computeMetrics(input: MetricsInput | DailyValue[]): PeriodMetrics;",
    "export interface Plan {",
    "export interface PlanContext {",
  ]) {
    assert.ok(dts.includes(signature), `missing: ${signature}`);
  }
});
