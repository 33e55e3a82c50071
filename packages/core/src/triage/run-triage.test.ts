import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSharedDir, loadConfig } from '../config/load-config.js';
import { tableChecksums } from '../demo/__fixtures__/table-checksums.js';
import { demoManifest, seededWarehouse } from '../demo/__fixtures__/demo-templates.js';
import { seedWarehouse } from '../demo/seed-warehouse.js';
import type { DemoManifest } from '../demo/generate-demo.js';
import type { PgliteWarehouse } from '../warehouse/pglite-warehouse.js';
import { createPgSchema, type PgSchema } from '../warehouse/__fixtures__/pg-schema.js';
import { byPriority, runTriage, type TriageResult } from './run-triage.js';

const sharedDir = defaultSharedDir();
const config = loadConfig(sharedDir);
const asOf = new Date('2026-02-17T01:30:00.000Z');
/** Small enough to seed in a few seconds; the generator plants at least one order per scenario at any scale. */
const DEMO = { seed: 7, orders: 20_000, days: 30, asOf, stuckScale: 3 } as const;

let warehouse: PgliteWarehouse;
let manifest: DemoManifest;
let result: TriageResult;

beforeAll(async () => {
  warehouse = await seededWarehouse(DEMO);
  // What the generator meant each order to be, recomputed here without a database.
  manifest = demoManifest(DEMO);
  result = await runTriage(warehouse, config, { asOf });
});
afterAll(async () => {
  await warehouse?.close();
});

describe('runTriage on a seeded demo warehouse (PGlite)', () => {
  it('seeds the requested volume', async () => {
    expect(manifest.orders).toBe(DEMO.orders);
    expect(await warehouse.query('SELECT COUNT(*) AS n FROM orders_goms')).toEqual([{ n: String(DEMO.orders) }]);
    expect(manifest.expected.size).toBeGreaterThan(300);
  });

  it('reports the run time and fetches every candidate in at most 3 round trips', () => {
    expect(result.as_of).toBe(asOf.toISOString());
    expect(result.round_trips).toBeGreaterThan(0);
    expect(result.round_trips).toBeLessThanOrEqual(3);
  });

  it('finds every order the generator made stuck, and no other', () => {
    const found = result.orders.map((o) => o.order_id).sort();
    expect(found).toEqual([...manifest.expected.keys()].sort());
  });

  it("classifies each order as the generator's manifest expects", () => {
    const disagreements = result.orders
      .map((o) => ({ order: o.order_id, expected: manifest.expected.get(o.order_id), got: o.disqualified ?? o.stuck_reason }))
      .filter((d) => d.expected !== d.got);
    expect(disagreements).toEqual([]);
  });

  it('produces every stuck reason of the catalogue', () => {
    const reasons = new Set(result.orders.map((o) => o.stuck_reason));
    expect([...config.reasons.keys()].filter((r) => !reasons.has(r))).toEqual([]);
  });

  it('produces every disqualification', () => {
    expect(Object.keys(result.summary.disqualified_by_reason).sort()).toEqual(config.disqualification.map((d) => d.reason).sort());
  });

  it('keeps every candidate inside the window [T − 30 days, T − 12 h)', () => {
    for (const o of result.orders) {
      expect(o.hours).toBeGreaterThanOrEqual(12);
      expect(o.hours).toBeLessThanOrEqual(30 * 24);
      expect(config.settings.candidates.currencies).toContain(o.currency);
    }
  });

  it('sorts orders by score, highest first', () => {
    expect([...result.orders].sort(byPriority).map((o) => o.order_id)).toEqual(result.orders.map((o) => o.order_id));
    expect(result.orders[0]!.score).toBeGreaterThanOrEqual(result.orders.at(-1)!.score);
  });

  it('summarises what it triaged', () => {
    const { summary, orders } = result;
    const actionable = orders.filter((o) => o.actionable);
    expect(summary.candidates).toBe(orders.length);
    expect(summary.actionable).toBe(actionable.length);
    expect(summary.actionable + summary.monitor_only + summary.disqualified).toBe(summary.candidates);
    expect(summary.monitor_only).toBe(orders.filter((o) => !o.disqualified && o.monitor_only).length);
    const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(sum(summary.actionable_by_reason)).toBe(summary.actionable);
    expect(sum(summary.actionable_by_team)).toBe(summary.actionable);
    expect(sum(summary.actionable_by_priority)).toBe(summary.actionable);
    expect(sum(summary.disqualified_by_reason)).toBe(summary.disqualified);
    expect(summary.value_at_risk_aed).toBeCloseTo(
      actionable.reduce((a, o) => a + o.amount_aed, 0),
      2,
    );
    expect(summary.high_value).toBe(actionable.filter((o) => o.high_value).length);
    expect(Object.keys(summary.actionable_by_team).sort()).toEqual(['KYC_ops', 'Ops', 'VDA_ops']);
  });

  it('never makes a monitor-only or disqualified order actionable', () => {
    for (const o of result.orders) expect(o.actionable).toBe(!o.monitor_only && o.disqualified === null);
  });

  it('gives the same answer when run again', async () => {
    const again = await runTriage(warehouse, config, { asOf });
    expect(again.orders).toEqual(result.orders);
    expect(again.summary).toEqual(result.summary);
  });

  it('an hour later, every stuck order still in the window is found again, an hour older', async () => {
    const hour = 3_600_000;
    const later = await runTriage(warehouse, config, { asOf: new Date(asOf.getTime() + hour) });
    const laterById = new Map(later.orders.map((o) => [o.order_id, o]));
    const windowStart = asOf.getTime() + hour - config.settings.candidates.window_days * 24 * hour;
    const stillInWindow = result.orders.filter((o) => new Date(o.created_at).getTime() >= windowStart);
    expect(stillInWindow.length).toBeGreaterThan(0);
    for (const o of stillInWindow) expect(laterById.get(o.order_id)?.hours).toBeCloseTo(o.hours + 1, 1);
  });
});

describe.skipIf(!process.env.ECM_TEST_PG_URL)('runTriage on PostgreSQL (ECM_TEST_PG_URL)', () => {
  let schema: PgSchema;

  beforeAll(async () => {
    schema = await createPgSchema(process.env.ECM_TEST_PG_URL!, 'ecm_core_triage');
    await seedWarehouse(schema.warehouse, { sharedDir, ...DEMO });
  });
  afterAll(async () => {
    await schema?.drop();
  });

  it('holds the same data as PGlite for the same seed', async () => {
    expect(await tableChecksums(schema.warehouse)).toEqual(await tableChecksums(warehouse));
  });

  it('gives the same triage as PGlite', async () => {
    const onPostgres = await runTriage(schema.warehouse, config, { asOf });
    expect(onPostgres.round_trips).toBeLessThanOrEqual(3);
    expect(onPostgres.orders).toEqual(result.orders);
    expect(onPostgres.summary).toEqual(result.summary);
  });
});
