// Runs the built `ecm-manager` as its own process against a seeded benchmark warehouse, and reports
// its JSON output, wall time and peak RSS. Shared by the daily and llm-context benchmarks.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from '../packages/core/node_modules/pg/lib/index.js';
import { AS_OF } from './seeded-warehouse.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLI = path.join(here, '..', 'packages', 'manager', 'bin', 'ecm-manager.js');
export const SHARED = path.join(here, '..', 'shared');
const STATE_SCHEMA = 'ecm_bench_state';

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

/**
 * A fresh ECM_HOME pointed at a prepared warehouse: a copy of the cached PGlite seed as the demo
 * warehouse (PGlite cannot follow a symlink), or the PostgreSQL schema with the state store beside it.
 */
export async function managerEnv(location, orders) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, ECM_HOME: home };
  if (location.dataDir) {
    mkdirSync(path.join(home, 'warehouse'));
    cpSync(location.dataDir, path.join(home, 'warehouse', 'pgdata'), { recursive: true });
    writeFileSync(
      path.join(home, 'warehouse', 'demo.json'),
      JSON.stringify({ seed: 42, orders, days: 30, as_of: AS_OF.toISOString(), seeded_at: new Date().toISOString() }),
    );
  } else {
    env.ECM_WAREHOUSE_URL = location.url;
    env.ECM_STATE_URL = await freshStateSchema(process.env.ECM_BENCH_PG_URL);
  }
  // The roster the demo would have: the same fictional agents.
  await runManager(env, ['agents', 'import', path.join(SHARED, 'demo', 'agents.csv')], { json: false });
  return { env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs `ecm-manager ARGS` and resolves with its parsed stdout (when `json`), wall ms and peak RSS. */
export function runManager(env, args, { json = true } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', path.join(here, 'peak-rss-on-exit.mjs'), CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      const wall = performance.now() - started;
      if (code !== 0) return reject(new Error(`ecm-manager ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      const { peak_rss_mb } = JSON.parse(stderr.trim().split('\n').at(-1));
      resolve({ wall, result: json ? JSON.parse(stdout) : null, peak_rss_mb });
    });
  });
}
