#!/usr/bin/env node
// Benchmark `field_start`: how fast an ops agent's `ecm-field my-tickets` answers, as its own process
// (start-up, opening the stores, the queue and the live order status), median of --runs runs, next
// to `node -e 0` on the same machine. On the embedded default (PGlite state store and the 150k-order
// demo warehouse) and, with ECM_BENCH_PG_URL, with ECM_STATE_URL and ECM_WAREHOUSE_URL on PostgreSQL.
// Targets: under 0.6 s embedded, under 0.35 s on PostgreSQL. Prints one JSON line per measurement.
// Then the same command on an agent's machine through the HTTP gateway (`store: gateway`): the built
// `ecm-gateway --http` serves the same stores, the agent's process has only ECM_GATEWAY_URL and a
// personal token (issued with `ecm-gateway tokens issue`). Target: under 0.3 s and 120 MB.
//
//   node bench/field-start.mjs [--runs 5] [--orders 150000] [--gateway-only]
//
// Both stores hold the same 150k-order demo (on 1M orders the daily run's sanity gate stops
// assignment, so no agent would have a queue to show).
//
// Needs the built CLIs (`pnpm build`, or `npx tsc -b packages/manager packages/field`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { managerEnv, runManager, SHARED } from './manager-run.mjs';
import { AS_OF, prepareWarehouse } from './seeded-warehouse.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIELD = path.join(here, '..', 'packages', 'field', 'bin', 'ecm-field.js');
const GATEWAY = path.join(here, '..', 'packages', 'gateway', 'bin', 'ecm-gateway.js');
const GATEWAY_TARGET = { ms_below: 300, rss_mb_below: 120 };
const GATEWAY_ONLY = process.argv.includes('--gateway-only');
const PEAK_RSS = path.join(here, 'peak-rss-on-exit.mjs');
const TARGET_MS = { pglite: 600, postgres: 350 };
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

/** Runs a built CLI to completion; its stdout, or an error with its stderr. */
function runCli(bin, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${path.basename(bin)} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`)),
    );
  });
}

/** `ecm-gateway --http` on a free loopback port, serving the prepared stores; resolves with its URL once listening. */
function startGateway(env) {
  const child = spawn(process.execPath, [GATEWAY, '--http', '--port', '0', '--as-of', NOW], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      err += c;
      for (const line of err.split('\n')) {
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        } catch {
          // not a whole line yet
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`ecm-gateway exited ${code}: ${err.slice(-500)}`)));
  });
  return {
    url,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
}

/** my-tickets on an agent's machine: no store settings, only the gateway's URL and the agent's token. */
async function measureGateway(kind, orders, env) {
  const token = (await runCli(GATEWAY, ['tokens', 'issue', '--agent', AGENT, '--by', 'bench'], env)).trim();
  const gateway = startGateway(env);
  const laptop = mkdtempSync(path.join(os.tmpdir(), 'ecm-bench-laptop-'));
  try {
    const url = await gateway.url;
    const agentEnv = { PATH: process.env.PATH, HOME: laptop, ECM_HOME: laptop, ECM_GATEWAY_URL: url, ECM_GATEWAY_TOKEN: token };
    const args = [FIELD, 'my-tickets', '--as-of', NOW, '--json'];
    // The gateway is a long-running service: its first call opens the stores, which no agent waits for twice.
    await timeProcess(args, agentEnv);
    const s = await series(args, agentEnv);
    const queue = JSON.parse(s.last.stdout);
    if (queue.open === 0) throw new Error(`${AGENT} has no open tickets through the gateway on ${kind}`);
    printLine(s, queue, {
      store: 'gateway',
      gateway_stores: kind === 'pglite' ? 'embedded' : 'postgres',
      orders,
      command: 'ecm-field my-tickets (ECM_GATEWAY_URL + token)',
      target: GATEWAY_TARGET,
      meets_target: s.ms < GATEWAY_TARGET.ms_below && s.peak_rss_mb < GATEWAY_TARGET.rss_mb_below,
    });
  } finally {
    await gateway.stop();
    rmSync(laptop, { recursive: true, force: true });
  }
}
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
  return {
    ms: round1(median(runs.map((r) => r.ms))),
    ms_runs: runs.map((r) => round1(r.ms)),
    peak_rss_mb: median(runs.map((r) => r.peak_rss_mb)),
    last: runs.at(-1),
  };
}

const baseline = await series(['-e', '0'], { PATH: process.env.PATH });
process.stdout.write(
  `${JSON.stringify({ bench: 'field_start', store: 'none', command: 'node -e 0', ms: baseline.ms, ms_runs: baseline.ms_runs, peak_rss_mb: baseline.peak_rss_mb })}\n`,
);

async function measure(kind, orders) {
  const location = await prepareWarehouse({ warehouse: kind, orders, seed: 42, days: 30, url: process.env.ECM_BENCH_PG_URL }, SHARED);
  const { env, cleanup } = await managerEnv(location, orders);
  try {
    // Tickets come from the daily run at T, as in production.
    await runManager(env, ['daily', '--as-of', AS_OF.toISOString(), '--json']);
    if (!GATEWAY_ONLY) await measureEmbedded(kind, orders, env);
    await measureGateway(kind, orders, env);
  } finally {
    cleanup();
  }
}

async function measureEmbedded(kind, orders, env) {
  const s = await series([FIELD, 'my-tickets', '--agent', AGENT, '--as-of', NOW, '--json'], env);
  const queue = JSON.parse(s.last.stdout);
  if (queue.open === 0) throw new Error(`${AGENT} has no open tickets after the daily run on ${kind}: nothing representative to measure`);
  printLine(s, queue, {
    store: kind === 'pglite' ? 'embedded' : 'postgres',
    orders,
    command: 'ecm-field my-tickets',
    target: { ms_below: TARGET_MS[kind] },
    meets_target: s.ms < TARGET_MS[kind],
  });
}

/** One JSON line: the case, the queue it showed, the timings beside `node -e 0`. */
function printLine(s, queue, fields) {
  const { target, meets_target, ...what } = fields;
  const line = {
    bench: 'field_start',
    ...what,
    tickets: queue.open,
    live_status: queue.live_status,
    ms: s.ms,
    ms_runs: s.ms_runs,
    peak_rss_mb: s.peak_rss_mb,
    node_baseline_ms: baseline.ms,
    node_baseline_rss_mb: baseline.peak_rss_mb,
    target,
    meets_target,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await measure('pglite', ORDERS);
if (process.env.ECM_BENCH_PG_URL) await measure('postgres', ORDERS);
