import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSharedDir } from '../../config/load-config.js';
import { generateDemo, type DemoManifest } from '../generate-demo.js';
import { createDemoWarehouse } from '../../warehouse/open-warehouse.js';
import { openPglite, PgliteWarehouse } from '../../warehouse/pglite-warehouse.js';

/**
 * Seeded demo data, made once per test run and shared by every test file that asks for the same
 * data: seeding and PostgreSQL's initdb cost seconds per database, copying a data directory or
 * loading a dump a fraction of that. The run's directory comes from the global setup
 * (ECM_TEST_TEMPLATES, removed at the end of the run); the first process to need a template makes
 * it, under a lock, and the others wait for it.
 */

export interface DemoSpec {
  readonly seed: number;
  readonly orders: number;
  readonly asOf: Date;
  readonly days?: number;
  readonly stuckScale?: number;
}

const REPO = path.resolve(fileURLToPath(new URL('../../../../../', import.meta.url)));
const MANAGER_BIN = path.join(REPO, 'packages/manager/bin/ecm-manager.js');

let ownRoot: string | null = null;
/** The run's template directory; a process started without the global setup keeps its own. */
function templatesRoot(): string {
  const shared = process.env.ECM_TEST_TEMPLATES;
  if (shared) return shared;
  ownRoot ??= mkdtempSync(path.join(os.tmpdir(), 'ecm-templates-'));
  return ownRoot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes `dir` with `make` exactly once across the run's processes; returns when it is ready. */
async function once(dir: string, make: (dir: string) => Promise<void>): Promise<void> {
  const ready = path.join(dir, '.ready');
  const lock = `${dir}.lock`;
  for (const deadline = Date.now() + 600_000; !existsSync(ready); ) {
    let owner = false;
    try {
      mkdirSync(lock);
      owner = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!owner) {
      // Another process makes it; a maker that died leaves the lock without a ready mark.
      if (Date.now() > deadline) throw new Error(`test template ${dir}: still not ready after 10 minutes (lock ${lock})`);
      await sleep(100);
      continue;
    }
    try {
      if (existsSync(ready)) return;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await make(dir);
      writeFileSync(ready, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export function specKey(spec: DemoSpec): string {
  return `demo-s${spec.seed}-o${spec.orders}-d${spec.days ?? 30}-x${spec.stuckScale ?? 1}-${spec.asOf.toISOString().replace(/[^0-9TZ]/g, '')}`;
}

const memo = new Map<string, Promise<string>>();

/**
 * The template of a demo warehouse: `home/` is an ECM_HOME whose embedded warehouse is seeded with
 * `spec` exactly as `createDemoWarehouse` seeds it, and `warehouse.tar` a dump of the same database.
 */
function demoTemplate(spec: DemoSpec): Promise<string> {
  const key = specKey(spec);
  let made = memo.get(key);
  if (!made) {
    const dir = path.join(templatesRoot(), key);
    made = once(dir, async () => {
      const home = path.join(dir, 'home');
      const { warehouse } = await createDemoWarehouse({ sharedDir: defaultSharedDir({}), env: { ECM_HOME: home }, days: 30, ...spec });
      try {
        writeFileSync(path.join(dir, 'warehouse.tar'), Buffer.from(await (await warehouse.db.dumpDataDir('none')).arrayBuffer()));
      } finally {
        await warehouse.close();
      }
    }).then(() => dir);
    memo.set(key, made);
  }
  return made;
}

/** An in-memory demo warehouse holding `spec`'s data, private to the caller. */
export async function seededWarehouse(spec: DemoSpec, label = 'in-memory test warehouse'): Promise<PgliteWarehouse> {
  const dir = await demoTemplate(spec);
  const db = await openPglite(undefined, { loadDataDir: new Blob([readFileSync(path.join(dir, 'warehouse.tar'))]) });
  return new PgliteWarehouse(db, label);
}

/**
 * Puts `spec`'s embedded demo warehouse into `home` (an ECM_HOME), as `createDemoWarehouse` would
 * have: warehouse/pgdata and warehouse/demo.json. Returns `home`.
 */
export async function seedDemoHome(home: string, spec: DemoSpec): Promise<string> {
  const dir = await demoTemplate(spec);
  const target = path.join(home, 'warehouse');
  rmSync(target, { recursive: true, force: true });
  cpSync(path.join(dir, 'home', 'warehouse'), target, { recursive: true });
  return home;
}

/** A new temporary ECM_HOME holding `spec`'s embedded demo warehouse. */
export async function demoHomeCopy(spec: DemoSpec, prefix = 'ecm-test-'): Promise<string> {
  return seedDemoHome(mkdtempSync(path.join(os.tmpdir(), prefix)), spec);
}

function runManager(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MANAGER_BIN, ...args], { env, cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Variables that would point a test or the built CLI at something other than its own temporary home
 * and the repository's configuration: a test removes them before it runs anything.
 */
export const OUTSIDE_ENV: readonly string[] = [
  'ECM_SHARED_DIR',
  'ECM_AGENT_EMAIL',
  'ECM_STATE_URL',
  'ECM_WAREHOUSE_URL',
  'ECM_TICKETS',
  'ECM_DEMO',
  'SLACK_BOT_TOKEN',
  'SLACK_CHANNEL_ID',
  'SLACK_API_URL',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
];

/**
 * A new temporary ECM_HOME in the state the built `ecm-manager` leaves after running each of
 * `commands` in turn on an empty home (e.g. `demo seed …`, then `daily …`). The commands run once per
 * test run; every caller gets its own copy of the result.
 */
export async function managerHomeCopy(commands: readonly (readonly string[])[], prefix = 'ecm-test-'): Promise<string> {
  const key = `cli-${createHash('sha256').update(JSON.stringify(commands)).digest('hex').slice(0, 16)}`;
  let made = memo.get(key);
  if (!made) {
    const dir = path.join(templatesRoot(), key);
    made = once(dir, async () => {
      const home = path.join(dir, 'home');
      mkdirSync(home);
      const env: NodeJS.ProcessEnv = { ...process.env, ECM_HOME: home };
      for (const name of OUTSIDE_ENV) delete env[name];
      for (const args of commands) {
        const r = await runManager(args, env);
        if (r.code !== 0) throw new Error(`ecm-manager ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      }
    }).then(() => dir);
    memo.set(key, made);
  }
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.join(await made, 'home'), home, { recursive: true });
  return home;
}

/** What the generator plants for `spec` (orders, customers, each stuck order's expected outcome), without a database. */
export function demoManifest(spec: DemoSpec): DemoManifest {
  const manifest = { expected: new Map<string, string>(), customers: 0 };
  let orders = 0;
  for (const item of generateDemo({ days: 30, ...spec }, 5_000, manifest)) if (!('table' in item)) orders = item.ordersDone;
  return { orders, customers: manifest.customers, expected: manifest.expected };
}
