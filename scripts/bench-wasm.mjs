#!/usr/bin/env node
// Planning 100 models × 3,650 calendar days with five years of history per model, through the
// wasm module in node (the same context as the native criterion bench). Goal: median < 60 ms.
// Usage: node scripts/bench-wasm.mjs [path/to/wasm-pkg/node]
import { createRequire } from "node:module";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = process.argv[2] ?? join(root, "target/wasm-pkg/node");
const wasm = createRequire(import.meta.url)(join(pkg, "ai_trader_wasm.js"));

const day = 86_400_000;
const iso = (t) => new Date(t).toISOString().slice(0, 10);
const start = Date.UTC(2021, 0, 4);
const end = start + 3_649 * day;
const calendar = wasm.tradingCalendar(iso(start), "2025-12-31");
const trading = calendar.filter((d) => d.trading).map((d) => d.date);
const models = Array.from({ length: 100 }, (_, i) => `model-${String(i).padStart(3, "0")}`);
const history = Object.fromEntries(models.map((m, i) => [m, { completed: trading.slice(0, trading.length - i * 3) }]));
const allTrading = wasm.tradingCalendar(iso(start), iso(end)).filter((d) => d.trading);
const incomplete = allTrading.filter((_, i) => i % 97 === 0).map((d) => ({ date: d.date, listed: 101, missing: ["AAPL"] }));
const context = {
  today: iso(end),
  max_simulation_days: 4000,
  models: models.map((signature) => ({ signature, enabled: true })),
  market: { symbols: 101, first_date: iso(start), last_date: iso(end), incomplete },
  history,
  active_jobs: [],
};
const request = { start_date: iso(start), end_date: iso(end), models: null, replace_existing: false };

const plan = wasm.planJob(request, context);
if (plan.totals.total_model_days !== 365_000) throw new Error(`unexpected plan size ${plan.totals.total_model_days}`);

const runs = 30;
for (let i = 0; i < 5; i++) wasm.planJob(request, context); // warm up
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  wasm.planJob(request, context);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(runs / 2)];
console.log(
  `wasm planJob 100 models x 3650 days (${plan.totals.run} runs, ${trading.length} history days/model): ` +
    `median ${median.toFixed(2)} ms, min ${times[0].toFixed(2)} ms, max ${times[runs - 1].toFixed(2)} ms over ${runs} runs`,
);

// 200 rows over 362 calendar days (about 250 trading days), each with a year of history: 200
// models, or 20 models × 10 repeats (the criterion bench's case). Goal: repeats within 2×.
const medianOf = (req, ctx) => {
  for (let i = 0; i < 5; i++) wasm.planJob(req, ctx);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    wasm.planJob(req, ctx);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(runs / 2)];
};
const rowsCase = (modelCount, repeats) => {
  const first = Date.UTC(2025, 0, 2);
  const last = first + 361 * day;
  const before = wasm.tradingCalendar("2024-01-02", iso(first - day)).filter((d) => d.trading).map((d) => d.date);
  const names = Array.from({ length: modelCount }, (_, i) => `model-${String(i).padStart(3, "0")}`);
  const runNames = repeats > 1 ? Array.from({ length: repeats }, (_, i) => `exp-${i + 1}`) : [];
  const hist = Object.fromEntries(
    names.map((m) => [m, repeats > 1 ? { runs: Object.fromEntries(runNames.map((r) => [r, before])) } : { completed: before }]),
  );
  const ctx = {
    today: iso(last),
    max_simulation_days: 400,
    models: names.map((signature) => ({ signature, enabled: true })),
    market: { symbols: 101, first_date: "2024-01-02", last_date: iso(last), incomplete: [] },
    history: hist,
    active_jobs: [],
  };
  const req = { start_date: iso(first), end_date: iso(last), models: null, replace_existing: false };
  if (repeats > 1) Object.assign(req, { run: "exp", repeats });
  const planned = wasm.planJob(req, ctx);
  if (planned.grid.length !== 200) throw new Error(`unexpected rows ${planned.grid.length}`);
  return medianOf(req, ctx);
};
const plain = rowsCase(200, 1);
const repeated = rowsCase(20, 10);
console.log(
  `wasm planJob 200 rows x 362 days: 200 models median ${plain.toFixed(2)} ms; ` +
    `20 models x 10 repeats median ${repeated.toFixed(2)} ms (${(repeated / plain).toFixed(2)}x)`,
);
