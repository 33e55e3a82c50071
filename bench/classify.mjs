#!/usr/bin/env node
// Benchmark `classify`: one triage run (candidates + enrichment in one set-based query, then
// classification, disqualification and scoring) against a seeded warehouse, compared with the older
// system's way on the same data (a candidate id list, then one detail query per batch of 10 orders).
//
//   node bench/classify.mjs [--warehouse pglite|postgres]… [--orders N] [--seed N] [--runs N]
//
// Prints one JSON line per measurement on stdout; progress goes to stderr. Each measurement runs in
// its own child process so that its peak RSS is its own (seeding is done beforehand, elsewhere).
// PostgreSQL is measured when ECM_BENCH_PG_URL is set.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreDist = (name) => path.join(here, '..', 'packages', 'core', 'dist', `${name}.js`);
if (!existsSync(coreDist('domain'))) {
  console.error('packages/core is not built: run `pnpm build` (or `pnpm bench`, which builds first)');
  process.exit(2);
}
const core = { ...(await import(coreDist('domain'))), ...(await import(coreDist('warehouse'))) };
const { AS_OF, prepareWarehouse } = await import('./seeded-warehouse.mjs');

const DEFAULT_ORDERS = { pglite: 150_000, postgres: 1_000_000 };
const TARGETS = {
  pglite: { ms: 2_000, peak_rss_mb: null, round_trips: 3 },
  postgres: { ms: 3_000, peak_rss_mb: 500, round_trips: 3 },
};
const BASELINE_BATCH = 10;

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round1 = (n) => Math.round(n * 10) / 10;
const progress = (line) => process.stderr.write(`[classify] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// One measurement, run inside a child process.

/** Counts the time spent waiting for the warehouse, around any Warehouse. */
function timedWarehouse(inner) {
  const timed = {
    kind: inner.kind,
    label: inner.label,
    queryMs: 0,
    get roundTrips() {
      return inner.roundTrips;
    },
    async query(sql, params) {
      const started = performance.now();
      try {
        return await inner.query(sql, params);
      } finally {
        timed.queryMs += performance.now() - started;
      }
    },
    close: () => inner.close(),
  };
  return timed;
}

async function openMeasured(location) {
  if (location.dataDir) return new core.PgliteWarehouse(await core.openPglite(location.dataDir), location.dataDir);
  return new core.PgWarehouse(location.url);
}

function parseCandidateRows(rows) {
  return rows.map((row) => core.toOrderFacts(core.candidateRowSchema.parse(row)));
}

/** The product's way: runTriage, one statement. */
async function engineRun(warehouse, config) {
  const before = warehouse.roundTrips;
  const result = await core.runTriage(warehouse, config, { asOf: AS_OF });
  return { orders: result.orders, roundTrips: warehouse.roundTrips - before };
}

/** The older system's way: candidate ids, then details 10 orders at a time, then the same triage. */
async function baselineRun(warehouse, config) {
  const before = warehouse.roundTrips;
  const c = config.settings.candidates;
  const lists = {
    currencies: c.currencies,
    statuses: c.statuses,
    sub_states: c.sub_states,
    completed_falcon_status: c.completed_with_falcon_status,
  };
  const idSql = core.fillCodeLists(readFileSync(path.join(here, 'baseline-candidate-ids.sql'), 'utf8'), lists);
  const detailSql = core.fillCodeLists(readFileSync(path.join(here, 'baseline-order-details.sql'), 'utf8'), lists);
  const { start, end } = core.candidateWindow(config, AS_OF);
  const ids = (await warehouse.query(idSql, [core.toWarehouseTime(start), core.toWarehouseTime(end)])).map((r) => String(r.order_id));
  const facts = [];
  for (let i = 0; i < ids.length; i += BASELINE_BATCH) {
    facts.push(...parseCandidateRows(await warehouse.query(detailSql, [ids.slice(i, i + BASELINE_BATCH)])));
  }
  const orders = core.triageFacts(config, facts, { asOf: AS_OF });
  return { orders, roundTrips: warehouse.roundTrips - before };
}

/** A digest of the triage outcome, to check that both ways agree. */
function outcome(orders) {
  return orders
    .map((o) => `${o.order_id}:${o.stuck_reason}:${o.disqualified ?? ''}:${o.priority}`)
    .sort()
    .join('\n');
}

async function measure({ approach, location, runs, sharedDir }) {
  const config = core.loadConfig(sharedDir);
  const warehouse = timedWarehouse(await openMeasured(location));
  const run = approach === 'engine' ? engineRun : baselineRun;
  const ms = [];
  const queryMs = [];
  let last;
  try {
    for (let i = 0; i < runs; i++) {
      warehouse.queryMs = 0;
      const started = performance.now();
      last = await run(warehouse, config);
      ms.push(performance.now() - started);
      queryMs.push(warehouse.queryMs);
    }
  } finally {
    await warehouse.close();
  }
  return {
    candidates: last.orders.length,
    actionable: last.orders.filter((o) => o.actionable).length,
    round_trips: last.roundTrips,
    ms: round1(median(ms)),
    query_ms: round1(median(queryMs)),
    ms_runs: ms.map(round1),
    // maxRSS is in kilobytes.
    peak_rss_mb: round1(process.resourceUsage().maxRSS / 1024),
    outcome: outcome(last.orders),
  };
}

function measureInChild(job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${job.approach} measurement exited with code ${code}`));
      else resolve(JSON.parse(out));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark.

async function main() {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      warehouse: { type: 'string', multiple: true },
      orders: { type: 'string' },
      seed: { type: 'string', default: '42' },
      days: { type: 'string', default: '30' },
      runs: { type: 'string', default: '5' },
    },
  });
  if (values.child) {
    process.stdout.write(`${JSON.stringify(await measure(JSON.parse(values.child)))}\n`);
    return;
  }
  const sharedDir = core.defaultSharedDir();
  const pgUrl = process.env.ECM_BENCH_PG_URL;
  const kinds = values.warehouse ?? (pgUrl ? ['pglite', 'postgres'] : ['pglite']);
  for (const kind of kinds) {
    if (kind !== 'pglite' && kind !== 'postgres') throw new Error(`--warehouse must be pglite or postgres, not ${kind}`);
    if (kind === 'postgres' && !pgUrl) throw new Error('--warehouse postgres needs ECM_BENCH_PG_URL=postgres://…');
  }
  const runs = Number(values.runs);
  for (const kind of kinds) {
    const target = {
      warehouse: kind,
      url: pgUrl,
      orders: Number(values.orders ?? DEFAULT_ORDERS[kind]),
      seed: Number(values.seed),
      days: Number(values.days),
    };
    const location = await prepareWarehouse(target, sharedDir);
    const common = { bench: 'classify', warehouse: kind, orders: target.orders, seed: target.seed };
    progress(`measuring the engine on ${kind} (${target.orders} orders, ${runs} runs)`);
    const engine = await measureInChild({ approach: 'engine', location, runs, sharedDir });
    const goal = TARGETS[kind];
    const atDefaultSize = target.orders === DEFAULT_ORDERS[kind];
    const meets =
      engine.ms < goal.ms && engine.round_trips <= goal.round_trips && (goal.peak_rss_mb === null || engine.peak_rss_mb < goal.peak_rss_mb);
    const { outcome: engineOutcome, ...engineLine } = engine;
    console.log(
      JSON.stringify({
        ...common,
        approach: 'engine',
        ...engineLine,
        target: atDefaultSize ? { ms_below: goal.ms, peak_rss_mb_below: goal.peak_rss_mb, round_trips_at_most: goal.round_trips } : null,
        meets_target: atDefaultSize ? meets : null,
      }),
    );
    progress(`measuring the older per-order way on ${kind}`);
    const baseline = await measureInChild({ approach: 'baseline', location, runs, sharedDir });
    const { outcome: baselineOutcome, ...baselineLine } = baseline;
    console.log(
      JSON.stringify({
        ...common,
        approach: 'baseline',
        ...baselineLine,
        batch: BASELINE_BATCH,
        ratio: round1(baseline.ms / engine.ms),
        same_result: baselineOutcome === engineOutcome,
      }),
    );
  }
}

main().catch((err) => {
  console.error(`[classify] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
