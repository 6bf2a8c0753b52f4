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
/** The median time of `runs` plans of `req` in `ctx`, after a warm-up. */
function median(req, ctx) {
  for (let i = 0; i < 5; i++) wasm.planJob(req, ctx); // warm up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    wasm.planJob(req, ctx);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)], min: times[0], max: times[runs - 1] };
}
const plain = median(request, context);
console.log(
  `wasm planJob 100 models x 3650 days (${plan.totals.run} runs, ${trading.length} history days/model): ` +
    `median ${plain.median.toFixed(2)} ms, min ${plain.min.toFixed(2)} ms, max ${plain.max.toFixed(2)} ms over ${runs} runs`,
);

// The same with prices, usage statistics and budgets for every model and a job budget: the
// forecast walks every run cell.
const usage = { days: 3, prompt_tokens: { mean: 42333.3, p90: 50600 }, completion_tokens: { mean: 2116.7, p90: 2530 }, duration_seconds: 60 };
const priced = {
  ...context,
  models: models.map((signature) => ({ signature, enabled: true, pricing: { input_per_million: 1.25, output_per_million: 10 }, budget_usd: 1e9 })),
  history: Object.fromEntries(Object.entries(history).map(([m, h]) => [m, { ...h, usage }])),
};
const budgeted = { ...request, max_cost_usd: 1e12 };
const withForecast = wasm.planJob(budgeted, priced);
if (withForecast.forecast.total.affordable_days !== withForecast.totals.run) throw new Error("the budget should not bind");
const forecast = median(budgeted, priced);
console.log(
  `wasm planJob with forecast and budgets (same plan): median ${forecast.median.toFixed(2)} ms, ` +
    `min ${forecast.min.toFixed(2)} ms, max ${forecast.max.toFixed(2)} ms over ${runs} runs`,
);
