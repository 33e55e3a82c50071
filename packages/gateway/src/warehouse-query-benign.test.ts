import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENIGN, skillExampleQueries } from './__fixtures__/benign-corpus.js';
import { callTool } from './__fixtures__/call-tool.js';
import { gatewayOn, pgliteTarget, pgTarget, seededPgSchema, sharedDir, type WarehouseTarget } from './__fixtures__/test-warehouse.js';
import type { InProcessGateway } from './index.js';

const PG_URL = process.env.ECM_TEST_PG_URL;

it("has the skills' own example queries and a broad benign corpus", () => {
  expect(skillExampleQueries(sharedDir, 'ORD-1').length).toBeGreaterThanOrEqual(4);
  expect(BENIGN.length).toBeGreaterThanOrEqual(30);
});

function benignSuite(open: () => Promise<WarehouseTarget>) {
  let target: WarehouseTarget;
  let gateway: InProcessGateway;
  let orderId = '';

  beforeAll(async () => {
    target = await open();
    gateway = await gatewayOn(target);
    const [row] = await target.warehouse.query(
      'SELECT o.order_id FROM orders_goms AS o JOIN falcon_transactions_v2 AS f ON f.client_txn_id = o.order_id ORDER BY o.order_id LIMIT 1',
    );
    orderId = String(row?.order_id);
  });
  afterAll(async () => {
    await gateway?.close();
    await target?.close();
  });

  for (const sql of BENIGN) {
    it(`answers ${sql.replace(/\s+/g, ' ').slice(0, 80)}`, async () => {
      const r = await callTool(gateway.client, 'warehouse_query', { sql });
      expect(r.isError, r.text).toBeFalsy();
    });
  }

  it('answers every example query of the skills that use warehouse_query', async () => {
    const examples = skillExampleQueries(sharedDir, orderId);
    for (const { skill, sql } of examples) {
      const r = await callTool(gateway.client, 'warehouse_query', { sql });
      expect(r.isError, `${skill}: ${r.text}`).toBeFalsy();
    }
    const payouts = examples.find((e) => e.skill === 'order-details');
    expect(payouts).toBeDefined();
    const r = await callTool(gateway.client, 'warehouse_query', { sql: payouts!.sql });
    expect((r.structured as { row_count: number }).row_count).toBeGreaterThan(0);
  });
}

describe('benign analytics through warehouse_query on the embedded demo warehouse (PGlite)', () => {
  benignSuite(pgliteTarget);
});

describe.skipIf(!PG_URL)('benign analytics through warehouse_query on PostgreSQL', () => {
  benignSuite(async () => pgTarget(await seededPgSchema(PG_URL!, 'ecm_gw_benign')));
});
