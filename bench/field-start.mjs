#!/usr/bin/env node
// Benchmark `field_start`: how fast an ops agent's `ecm-field my-tickets` answers, as its own process
// (start-up, opening the stores, the queue and the live order status), median of --runs runs, next
// to `node -e 0` on the same machine. On the embedded default (PGlite state store and the 150k-order
// demo warehouse) and, with ECM_BENCH_PG_URL, with ECM_STATE_URL and ECM_WAREHOUSE_URL on PostgreSQL.
// Targets: under 1.0 s embedded, under 0.35 s on PostgreSQL. Prints one JSON line per measurement.
//
//   node bench/field-start.mjs [--runs 5] [--orders 150000]
//
// Both stores hold the same 150k-order demo (on 1M orders the daily run's sanity gate stops
// assignment, so no agent would have a queue to show).
//
// Needs the built CLIs (`pnpm build`, or `npx tsc -b packages/manager packages/field`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { managerEnv, runManager, SHARED } from './manager-run.mjs';
import { AS_OF, prepareWarehouse } from './seeded-warehouse.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIELD = path.join(here, '..', 'packages', 'field', 'bin', 'ecm-field.js');
const PEAK_RSS = path.join(here, 'peak-rss-on-exit.mjs');
const TARGET_MS = { pglite: 1000, postgres: 350 };
/** The demo roster's busiest Ops agent; 90 minutes after the 07:00 IST assignment. */
const AGENT = 'asha.ops@example.com';
const NOW = new Date(AS_OF.getTime() + 90 * 60_000).toISOString();

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} expects a positive whole number`);
  return n;
}
const RUNS = option('runs', 5);
const ORDERS = option('orders', 150_000);

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round1 = (n) => Math.round(n * 10) / 10;

/** One process: wall time from spawn to exit, and its own peak RSS (reported by the preload at exit). */
function timeProcess(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PEAK_RSS, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      const { peak_rss_mb } = JSON.parse(stderr.trim().split('\n').at(-1));
      resolve({ ms, peak_rss_mb, stdout });
    });
  });
}

async function series(args, env) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timeProcess(args, env));
  return { ms: round1(median(runs.map((r) => r.ms))), ms_runs: runs.map((r) => round1(r.ms)), peak_rss_mb: median(runs.map((r) => r.peak_rss_mb)), last: runs.at(-1) };
}

const baseline = await series(['-e', '0'], { PATH: process.env.PATH });
process.stdout.write(`${JSON.stringify({ bench: 'field_start', store: 'none', command: 'node -e 0', ms: baseline.ms, ms_runs: baseline.ms_runs, peak_rss_mb: baseline.peak_rss_mb })}\n`);

async function measure(kind, orders) {
  const location = await prepareWarehouse({ warehouse: kind, orders, seed: 42, days: 30, url: process.env.ECM_BENCH_PG_URL }, SHARED);
  const { env, cleanup } = await managerEnv(location, orders);
  try {
    // Tickets come from the daily run at T, as in production.
    await runManager(env, ['daily', '--as-of', AS_OF.toISOString(), '--json']);
    const s = await series([FIELD, 'my-tickets', '--agent', AGENT, '--as-of', NOW, '--json'], env);
    const queue = JSON.parse(s.last.stdout);
    if (queue.open === 0) throw new Error(`${AGENT} has no open tickets after the daily run on ${kind}: nothing representative to measure`);
    const line = {
      bench: 'field_start',
      store: kind === 'pglite' ? 'embedded' : 'postgres',
      orders,
      command: 'ecm-field my-tickets',
      tickets: queue.open,
      live_status: queue.live_status,
      ms: s.ms,
      ms_runs: s.ms_runs,
      peak_rss_mb: s.peak_rss_mb,
      node_baseline_ms: baseline.ms,
      node_baseline_rss_mb: baseline.peak_rss_mb,
      target: { ms_below: TARGET_MS[kind] },
      meets_target: s.ms < TARGET_MS[kind],
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    cleanup();
  }
}

await measure('pglite', ORDERS);
if (process.env.ECM_BENCH_PG_URL) await measure('postgres', ORDERS);
