#!/usr/bin/env node
// Benchmark `daily`: the whole `ecm-manager daily` run (backlog → triage → patterns, no LLM) as its
// own process, on the 150k-order demo warehouse (PGlite) and, with ECM_BENCH_PG_URL, on 1M orders in
// PostgreSQL with the state store there too. Prints one JSON line per warehouse: ms per phase, the
// process's wall time and peak RSS. Targets: under 10 s and 600 MB on 1M orders.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from '../packages/core/node_modules/pg/lib/index.js';
import { AS_OF, prepareWarehouse } from './seeded-warehouse.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'packages', 'manager', 'bin', 'ecm-manager.js');
const SHARED = path.join(here, '..', 'shared');
const STATE_SCHEMA = 'ecm_bench_state';
const TARGET = { ms: 10_000, peak_rss_mb: 600 };

function runDaily(env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', path.join(here, 'peak-rss-on-exit.mjs'), CLI, 'daily', '--as-of', AS_OF.toISOString(), '--json'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      const wall = performance.now() - started;
      if (code !== 0) return reject(new Error(`ecm-manager daily exited ${code}: ${stderr.slice(-500)}`));
      const rss = JSON.parse(stderr.trim().split('\n').at(-1));
      resolve({ wall, result: JSON.parse(stdout), ...rss });
    });
  });
}

async function freshStateSchema(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${STATE_SCHEMA} CASCADE; CREATE SCHEMA ${STATE_SCHEMA}`);
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${STATE_SCHEMA}`);
  return u.toString();
}

async function measure(kind, orders) {
  const location = await prepareWarehouse({ warehouse: kind, orders, seed: 42, days: 30, url: process.env.ECM_BENCH_PG_URL }, SHARED);
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-bench-daily-'));
  try {
    const env = { HOME: home, ECM_HOME: home };
    if (location.dataDir) {
      // A copy of the cached seed instead of seeding 150k orders again (PGlite cannot follow a symlink).
      mkdirSync(path.join(home, 'warehouse'));
      cpSync(location.dataDir, path.join(home, 'warehouse', 'pgdata'), { recursive: true });
      writeFileSync(path.join(home, 'warehouse', 'demo.json'), JSON.stringify({ seed: 42, orders, days: 30, as_of: AS_OF.toISOString(), seeded_at: new Date().toISOString() }));
    } else {
      env.ECM_WAREHOUSE_URL = location.url;
      env.ECM_STATE_URL = await freshStateSchema(process.env.ECM_BENCH_PG_URL);
      // The roster the demo would have: the same fictional agents.
      const { execFileSync } = await import('node:child_process');
      execFileSync(process.execPath, [CLI, 'agents', 'import', path.join(SHARED, 'demo', 'agents.csv')], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    }
    const { wall, result, peak_rss_mb } = await runDaily(env);
    const phases = Object.fromEntries(result.phases.map((p) => [p.phase, p.ms]));
    const triage = result.phases.find((p) => p.phase === 'triage');
    const line = {
      bench: 'daily',
      warehouse: kind,
      orders,
      ms: Math.round(wall),
      phases_ms: phases,
      statuses: Object.fromEntries(result.phases.map((p) => [p.phase, p.status])),
      actionable: triage?.facts?.actionable,
      assigned: triage?.facts?.assigned,
      peak_rss_mb,
      target: kind === 'postgres' ? TARGET : null,
      meets_target: kind === 'postgres' ? wall < TARGET.ms && peak_rss_mb < TARGET.peak_rss_mb : null,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

await measure('pglite', 150_000);
if (process.env.ECM_BENCH_PG_URL) await measure('postgres', 1_000_000);
