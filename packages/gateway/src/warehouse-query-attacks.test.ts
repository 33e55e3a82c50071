import { existsSync } from 'node:fs';
import type { Warehouse } from '@ecm/core/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACKS, BOUNDED } from './__fixtures__/attack-corpus.js';
import { callOk, callTool } from './__fixtures__/call-tool.js';
import {
  gatewayOn,
  pgliteTarget,
  pgTarget,
  seededPgSchema,
  warehouseChecksums,
  type PgTestSchema,
  type WarehouseTarget,
} from './__fixtures__/test-warehouse.js';
import type { InProcessGateway } from './index.js';

const PG_URL = process.env.ECM_TEST_PG_URL;
/** Short, so the statements only a time limit can stop end quickly. */
const TIMEOUT_MS = 1_500;

it('has a corpus of at least 40 hostile statements', () => {
  expect(ATTACKS.length).toBeGreaterThanOrEqual(140);
  expect(new Set(ATTACKS.map((a) => a.sql)).size).toBe(ATTACKS.length);
});

/** What must not change besides the tables: advisory locks held, statistics reset time. */
async function serverState(warehouse: Warehouse): Promise<{ advisory_locks: number; stats_reset: string }> {
  const [locks] = await warehouse.query(
    "SELECT COUNT(*) AS n FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())",
  );
  const [reset] = await warehouse.query(
    "SELECT COALESCE(stats_reset::text, 'never') AS at FROM pg_catalog.pg_stat_database WHERE datname = current_database()",
  );
  return { advisory_locks: Number(locks?.n), stats_reset: String(reset?.at ?? 'none') };
}

const MAX_BYTES = 64 * 1024;
const EVIL_FILES = ['/tmp/ecm-evil.csv', '/tmp/ecm-evil-lo'];

function attackSuite(open: () => Promise<WarehouseTarget>) {
  let target: WarehouseTarget;
  let gateway: InProcessGateway;
  let before: Record<string, string>;
  let stateBefore: Awaited<ReturnType<typeof serverState>>;

  beforeAll(async () => {
    target = await open();
    // allowPii: false, so the PII attacks are refused by policy; everything else must be refused regardless.
    gateway = await gatewayOn(target, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES });
    before = await warehouseChecksums(target.warehouse);
    stateBefore = await serverState(target.warehouse);
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

  for (const bomb of BOUNDED) {
    it(`keeps the caps on ${bomb.kind}: ${bomb.sql.slice(0, 60)}`, async () => {
      const r = await callTool(gateway.client, 'warehouse_query', { sql: bomb.sql });
      if (r.isError) {
        // The embedded warehouse refuses what its planner expects to be expensive.
        expect(r.text).toMatch(/^Refused: /);
        return;
      }
      const out = r.structured as { row_count: number; rows: unknown[][]; truncated: boolean };
      expect(out.row_count).toBeLessThanOrEqual(500);
      expect(Buffer.byteLength(JSON.stringify(out.rows))).toBeLessThanOrEqual(MAX_BYTES);
      expect(out.truncated).toBe(true);
    });
  }

  it('leaves every warehouse table unchanged, and creates none', async () => {
    expect(await warehouseChecksums(target.warehouse)).toEqual(before);
  });

  it('leaves no advisory lock, statistics reset or file behind', async () => {
    expect(await serverState(target.warehouse)).toEqual(stateBefore);
    expect(stateBefore.advisory_locks).toBe(0);
    for (const file of EVIL_FILES) expect(existsSync(file), file).toBe(false);
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
  attackSuite(pgliteTarget);
});

describe.skipIf(!PG_URL)('the attack corpus on PostgreSQL through a URL that turns standard_conforming_strings off', () => {
  attackSuite(async () => {
    const schema = await seededPgSchema(PG_URL!, 'ecm_gw_scs');
    const url = new URL(schema.url);
    url.searchParams.set('options', `${url.searchParams.get('options')} -c standard_conforming_strings=off`);
    return pgTarget(schema, url.toString());
  });
});

describe.skipIf(!PG_URL)('the attack corpus through warehouse_query on PostgreSQL', () => {
  let schema: PgTestSchema;
  attackSuite(async () => {
    schema = await seededPgSchema(PG_URL!, 'ecm_gw_attacks');
    return pgTarget(schema);
  });

  it('leaves no connection of the gateway inside a transaction', async () => {
    const rows = await schema.warehouse.query(
      "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = 'ecm-gateway' AND state LIKE 'idle in transaction%'",
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
