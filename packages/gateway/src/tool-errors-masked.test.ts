import { openWarehouse } from '@ecm/core/warehouse';
import { afterAll, describe, expect, it } from 'vitest';
import { callTool } from './__fixtures__/call-tool.js';
import { config, sharedDir, TEST_AS_OF } from './__fixtures__/test-warehouse.js';
import { connectInProcess, type InProcessGateway } from './index.js';

const SECRET = 's3cr3t';
const URL_WITH_PASSWORDS = `postgres://u:${SECRET}@127.0.0.1:1/x?password=${SECRET}&sslpassword=${SECRET}`;
const open: InProcessGateway[] = [];
afterAll(async () => {
  for (const g of open) await g.close();
});

describe("a tool's error result (what an LLM reads) never carries a password", () => {
  it('a warehouse that cannot be reached is named without its password', async () => {
    const env = { ECM_WAREHOUSE_URL: URL_WITH_PASSWORDS };
    const gateway = await connectInProcess({ config, asOf: () => TEST_AS_OF, env, warehouse: () => openWarehouse({ sharedDir, env }) });
    open.push(gateway);
    for (const [name, args] of [
      ['ecm_stuck_orders', {}],
      ['warehouse_query', { sql: 'SELECT 1' }],
    ] as const) {
      const r = await callTool(gateway.client, name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text, name).toMatch(/127\.0\.0\.1/);
      expect(r.text, name).not.toContain(SECRET);
    }
  }, 60_000);

  it('an unexpected failure quoting a connection string', async () => {
    const gateway = await connectInProcess({
      config,
      asOf: () => TEST_AS_OF,
      warehouse: async () => {
        throw new Error(`could not connect with ${URL_WITH_PASSWORDS} (PGPASSWORD=${SECRET})`);
      },
    });
    open.push(gateway);
    const r = await callTool(gateway.client, 'ecm_backlog_summary', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain('postgres://u:***@127.0.0.1:1/x?password=***&sslpassword=***');
    expect(r.text).not.toContain(SECRET);
  });
});
