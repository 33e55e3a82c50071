#!/usr/bin/env node
// Benchmark `daily`: the whole `ecm-manager daily` run (backlog → triage → patterns, no LLM) as its
// own process, on the 150k-order demo warehouse (PGlite) and, with ECM_BENCH_PG_URL, on 1M orders in
// PostgreSQL with the state store there too. Prints one JSON line per warehouse: ms per phase, the
// process's wall time and peak RSS. Targets: under 10 s and 600 MB on 1M orders.
import { managerEnv, runManager, SHARED } from './manager-run.mjs';
import { AS_OF, prepareWarehouse } from './seeded-warehouse.mjs';

const TARGET = { ms: 10_000, peak_rss_mb: 600 };

async function measure(kind, orders) {
  const location = await prepareWarehouse({ warehouse: kind, orders, seed: 42, days: 30, url: process.env.ECM_BENCH_PG_URL }, SHARED);
  const { env, cleanup } = await managerEnv(location, orders);
  try {
    const { wall, result, peak_rss_mb } = await runManager(env, ['daily', '--as-of', AS_OF.toISOString(), '--json']);
    const triage = result.phases.find((p) => p.phase === 'triage');
    const line = {
      bench: 'daily',
      warehouse: kind,
      orders,
      ms: Math.round(wall),
      phases_ms: Object.fromEntries(result.phases.map((p) => [p.phase, p.ms])),
      statuses: Object.fromEntries(result.phases.map((p) => [p.phase, p.status])),
      actionable: triage?.facts?.actionable,
      assigned: triage?.facts?.assigned,
      peak_rss_mb,
      target: kind === 'postgres' ? TARGET : null,
      meets_target: kind === 'postgres' ? wall < TARGET.ms && peak_rss_mb < TARGET.peak_rss_mb : null,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    cleanup();
  }
}

await measure('pglite', 150_000);
if (process.env.ECM_BENCH_PG_URL) await measure('postgres', 1_000_000);
