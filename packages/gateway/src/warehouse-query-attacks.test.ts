import type { Warehouse } from '@ecm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACKS } from './__fixtures__/attack-corpus.js';
import { callOk, callTool } from './__fixtures__/call-tool.js';
import { config, seededPglite, seededPgSchema, TEST_AS_OF, warehouseChecksums, type PgTestSchema } from './__fixtures__/test-warehouse.js';
import { connectInProcess, type InProcessGateway } from './index.js';

const PG_URL = process.env.ECM_TEST_PG_URL;
/** Short, so the statements only a time limit can stop end quickly. */
const TIMEOUT_MS = 1_500;

it('has a corpus of at least 40 hostile statements', () => {
  expect(ATTACKS.length).toBeGreaterThanOrEqual(40);
  expect(new Set(ATTACKS.map((a) => a.sql)).size).toBe(ATTACKS.length);
});

function attackSuite(open: () => Promise<{ warehouse: Warehouse; queryUrl?: string; close(): Promise<void> }>) {
  let target: Awaited<ReturnType<typeof open>>;
  let gateway: InProcessGateway;
  let before: Record<string, string>;

  beforeAll(async () => {
    target = await open();
    // allowPii: false, so the PII attacks are refused by policy; everything else must be refused regardless.
    gateway = await connectInProcess({
      config,
      warehouse: target.warehouse,
      asOf: () => TEST_AS_OF,
      ...(target.queryUrl ? { queryUrl: target.queryUrl } : {}),
      query: { timeoutMs: TIMEOUT_MS },
    });
    before = await warehouseChecksums(target.warehouse);
  });
  afterAll(async () => {
    await gateway?.close();
    await target?.close();
  });

  it('starts from a warehouse that has data', () => {
    expect(Number(before.orders_goms!.split(':')[0])).toBeGreaterThan(1000);
  });

  for (const attack of ATTACKS) {
    it(`refuses ${attack.kind}: ${attack.sql.replace(/\s+/g, ' ').slice(0, 70)}`, async () => {
      const r = await callTool(gateway.client, 'warehouse_query', { sql: attack.sql });
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/^Refused: /);
      // One clear sentence, not a stack trace.
      expect(r.text.split('\n')).toHaveLength(1);
      expect(r.text.length).toBeLessThan(400);
    });
  }

  it('leaves every warehouse table unchanged, and creates none', async () => {
    expect(await warehouseChecksums(target.warehouse)).toEqual(before);
  });

  it('still answers an honest query afterwards', async () => {
    const r = await callOk<{ rows: unknown[][] }>(gateway.client, 'warehouse_query', { sql: 'SELECT COUNT(*) AS n FROM orders_goms' });
    expect(String(r.rows[0]![0])).toBe(before.orders_goms!.split(':')[0]);
  });

  it('notices a change when there is one (control for the checksum)', async () => {
    await target.warehouse.query("UPDATE lulu_data SET sub_status = 'CONTROL' WHERE order_id = (SELECT MIN(order_id) FROM lulu_data)");
    const after = await warehouseChecksums(target.warehouse);
    expect(after.lulu_data).not.toBe(before.lulu_data);
    expect({ ...after, lulu_data: before.lulu_data }).toEqual(before);
  });
}

describe('the attack corpus through warehouse_query on the embedded demo warehouse (PGlite)', () => {
  attackSuite(async () => {
    const warehouse = await seededPglite();
    return { warehouse, close: () => warehouse.close() };
  });
});

describe.skipIf(!PG_URL)('the attack corpus through warehouse_query on PostgreSQL', () => {
  let schema: PgTestSchema;
  attackSuite(async () => {
    schema = await seededPgSchema(PG_URL!, 'ecm_gw_attacks');
    return { warehouse: schema.warehouse, queryUrl: schema.url, close: () => schema.drop() };
  });

  it('leaves no connection of the gateway inside a transaction', async () => {
    const rows = await schema.warehouse.query(
      "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = 'ecm-gateway' AND state LIKE 'idle in transaction%'",
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
