import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { seededWarehouse } from '../demo/__fixtures__/demo-templates.js';
import type { PgliteWarehouse } from '../warehouse/pglite-warehouse.js';
import { runTriage, triageOrder, type TriageResult } from './run-triage.js';

const asOf = new Date('2026-02-17T01:30:00Z');
const config = loadConfig();
let warehouse: PgliteWarehouse;
let full: TriageResult;

beforeAll(async () => {
  warehouse = await seededWarehouse({ seed: 13, orders: 6_000, asOf });
  full = await runTriage(warehouse, config, { asOf });
});
afterAll(() => warehouse.close());

describe('triageOrder', () => {
  it('gives one order exactly what the full run gives it, in one statement', async () => {
    for (const expected of [full.orders[0]!, full.orders.find((o) => o.disqualified)!, full.orders.find((o) => o.monitor_only)!]) {
      const before = warehouse.roundTrips;
      expect(await triageOrder(warehouse, config, expected.order_id, { asOf })).toEqual(expected);
      expect(warehouse.roundTrips - before).toBe(1);
    }
  });

  it('is null for an order that is not a candidate at T', async () => {
    const [row] = await warehouse.query(
      `SELECT order_id FROM orders_goms WHERE status = 'COMPLETED' AND order_id NOT IN (SELECT client_txn_id FROM falcon_transactions_v2 WHERE status = 'FAILED') LIMIT 1`,
    );
    expect(full.orders.some((o) => o.order_id === row!.order_id)).toBe(false);
    expect(await triageOrder(warehouse, config, String(row!.order_id), { asOf })).toBeNull();
    expect(await triageOrder(warehouse, config, 'ORD-NOPE', { asOf })).toBeNull();
  });
});
