// Seeded benchmark warehouses, cached between runs: a PGlite data directory under bench/out/, or
// the schema `ecm_bench_<orders>` of ECM_BENCH_PG_URL (marked complete with a schema comment).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreSubpath = (name) => import(path.join(here, '..', 'packages', 'core', 'dist', `${name}.js`));
const core = { ...(await coreSubpath('warehouse')), ...(await coreSubpath('demo')) };

/** The run time every measurement uses, so that cached warehouses stay valid: 07:00 IST. */
export const AS_OF = new Date('2026-02-17T01:30:00Z');
/** One PostgreSQL schema per data set size, so benchmarks of different sizes keep their caches. */
export const pgSchemaFor = (orders) => `ecm_bench_${orders}`;
const round1 = (n) => Math.round(n * 10) / 10;
const progress = (line) => process.stderr.write(`[bench] ${line}\n`);

/** What identifies a seeded data set; a cached warehouse is reused only when all of it matches. */
const dataKey = (target) => ({ orders: target.orders, seed: target.seed, days: target.days, as_of: AS_OF.toISOString() });
const sameKey = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function seedProgress(label) {
  let lastTenth = -1;
  return ({ ordersDone, ordersTotal }) => {
    const tenth = Math.floor((ordersDone / ordersTotal) * 10);
    if (tenth !== lastTenth) progress(`seeding ${label}: ${ordersDone}/${ordersTotal} orders`);
    lastTenth = tenth;
  };
}

function pgliteDir(target) {
  return path.join(here, 'out', `pglite-${target.orders}-seed${target.seed}-days${target.days}`);
}

export function pgSchemaUrl(url, schema) {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function prepareWarehouse(target, sharedDir) {
  const key = dataKey(target);
  if (target.warehouse === 'pglite') {
    const dir = pgliteDir(target);
    const marker = path.join(dir, 'bench.json');
    if (existsSync(marker) && sameKey(JSON.parse(readFileSync(marker, 'utf8')), key)) return { dataDir: path.join(dir, 'pgdata') };
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    const warehouse = new core.PgliteWarehouse(await core.openPglite(path.join(dir, 'pgdata')), dir);
    await core.seedWarehouse(warehouse, { sharedDir, ...key, asOf: AS_OF, onProgress: seedProgress(`PGlite ${dir}`) });
    await warehouse.close();
    // Written last: a seed that died half-way is redone next time.
    writeFileSync(marker, JSON.stringify(key, null, 2));
    progress(`seeded PGlite in ${round1((Date.now() - started) / 1000)} s`);
    return { dataDir: path.join(dir, 'pgdata') };
  }
  const PG_SCHEMA = pgSchemaFor(target.orders);
  const admin = new core.PgWarehouse(target.url);
  try {
    const [row] = await admin.query(`SELECT obj_description(n.oid, 'pg_namespace') AS note FROM pg_namespace AS n WHERE n.nspname = $1`, [
      PG_SCHEMA,
    ]);
    const note = row?.note ? JSON.parse(String(row.note)) : null;
    if (note && sameKey(note, key)) return { url: pgSchemaUrl(target.url, PG_SCHEMA) };
    await admin.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
    await admin.query(`CREATE SCHEMA ${PG_SCHEMA}`);
    const started = Date.now();
    const warehouse = new core.PgWarehouse(pgSchemaUrl(target.url, PG_SCHEMA));
    try {
      await core.seedWarehouse(warehouse, {
        sharedDir,
        ...key,
        asOf: AS_OF,
        onProgress: seedProgress(`${admin.label} schema ${PG_SCHEMA}`),
      });
    } finally {
      await warehouse.close();
    }
    // The schema comment marks a complete seed; a seed that died half-way has none and is redone.
    await admin.query(`COMMENT ON SCHEMA ${PG_SCHEMA} IS '${JSON.stringify(key)}'`);
    progress(`seeded PostgreSQL in ${round1((Date.now() - started) / 1000)} s`);
    return { url: pgSchemaUrl(target.url, PG_SCHEMA) };
  } finally {
    await admin.close();
  }
}
