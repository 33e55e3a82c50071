import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSharedDir, loadConfig } from '../config/load-config.js';
import type { PgliteWarehouse } from '../warehouse/pglite-warehouse.js';
import { generateDemo, TABLE_COLUMNS, type DemoOptions, type TableName } from './generate-demo.js';
import { seedWarehouse, WarehouseNotEmptyError, warehouseDdl } from './seed-warehouse.js';
import { seededWarehouse } from './__fixtures__/demo-templates.js';
import { tableChecksums, type TableChecksum } from './__fixtures__/table-checksums.js';

const sharedDir = defaultSharedDir();
const DEMO: DemoOptions = { seed: 7, orders: 5_000, days: 30, asOf: new Date('2026-02-17T01:30:00.000Z'), stuckScale: 2 };

/** A digest of everything the generator emits, without a database. */
function generatedDigest(options: DemoOptions): string {
  const hash = createHash('sha256');
  for (const item of generateDemo(options, 1_000)) if ('table' in item) hash.update(JSON.stringify(item));
  return hash.digest('hex');
}

let warehouse: PgliteWarehouse;
let first: Record<TableName, TableChecksum>;

beforeAll(async () => {
  // Seeded by createDemoWarehouse in whichever test process made the run's template; re-seeded below.
  warehouse = await seededWarehouse({ seed: DEMO.seed, orders: DEMO.orders, asOf: DEMO.asOf, stuckScale: DEMO.stuckScale! });
  first = await tableChecksums(warehouse);
});
afterAll(async () => {
  await warehouse?.close();
});

describe('seedWarehouse', () => {
  it('creates and fills every table of domain reference §2', () => {
    expect(Object.keys(first).sort()).toEqual(Object.keys(TABLE_COLUMNS).sort());
    for (const [table, { rows }] of Object.entries(first)) expect(rows, table).toBeGreaterThan(0);
    expect(first.orders_goms.rows).toBe(DEMO.orders);
  });

  it('refuses to seed over existing orders unless told to replace them', async () => {
    await expect(seedWarehouse(warehouse, { sharedDir, ...DEMO })).rejects.toBeInstanceOf(WarehouseNotEmptyError);
    expect(await tableChecksums(warehouse)).toEqual(first);
  });

  it('gives identical data for the same seed and as-of (here, in another process than the first seed)', async () => {
    await seedWarehouse(warehouse, { sharedDir, ...DEMO, replace: true });
    expect(await tableChecksums(warehouse)).toEqual(first);
  });

  it('uses fictional contacts only', async () => {
    const rows = await warehouse.query(
      "SELECT COUNT(*) AS n FROM customers WHERE email NOT LIKE '%@example.com' OR phone NOT LIKE '+44 7700 900%'",
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('generateDemo', () => {
  it('is deterministic', () => {
    expect(generatedDigest(DEMO)).toBe(generatedDigest(DEMO));
  });

  it('changes with the seed and with the as-of time', () => {
    const base = generatedDigest(DEMO);
    expect(generatedDigest({ ...DEMO, seed: 8 })).not.toBe(base);
    expect(generatedDigest({ ...DEMO, asOf: new Date(DEMO.asOf.getTime() + 60_000) })).not.toBe(base);
  });

  it('plans at least one stuck order of every scenario even at a small scale', () => {
    const manifest = { expected: new Map<string, string>(), customers: 0 };
    for (const item of generateDemo({ ...DEMO, orders: 1_000, stuckScale: 1 }, 1_000, manifest)) void item;
    const config = loadConfig(sharedDir);
    const outcomes = [...config.reasons.keys(), ...config.disqualification.map((d) => d.reason)];
    expect([...new Set(manifest.expected.values())].sort()).toEqual(outcomes.sort());
  });
});

describe('warehouseDdl', () => {
  it('splits the demo DDL into single statements without comments', () => {
    const statements = warehouseDdl(sharedDir);
    expect(statements.filter((s) => /^CREATE TABLE/i.test(s))).toHaveLength(Object.keys(TABLE_COLUMNS).length);
    for (const s of statements) expect(s).not.toMatch(/;|^--/m);
  });
});
