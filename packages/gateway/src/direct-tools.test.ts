import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPglite, PgliteThreadWarehouse, type PgliteWarehouse } from '@ecm/core/warehouse';
import { config, seededPglite, TEST_AS_OF } from './__fixtures__/test-warehouse.js';
import { openDirectTools, type DirectTools } from './direct-tools.js';
import { connectInProcess, type InProcessGateway } from './index.js';

// The embedded ecm-field calls the tools directly; what it gets back must be what an MCP client gets.
let warehouse: PgliteWarehouse;
let mcp: InProcessGateway;
let direct: DirectTools;
beforeAll(async () => {
  warehouse = await seededPglite();
  const deps = { config, warehouse, asOf: () => TEST_AS_OF, now: () => TEST_AS_OF };
  mcp = await connectInProcess(deps);
  direct = openDirectTools(deps);
}, 120_000);
afterAll(async () => {
  await mcp?.close();
  await direct?.close();
  await warehouse?.close();
});

const strip = (text: string) => text.replace(/^MCP error -?\d+: /, '');
const texts = (r: { content?: unknown }) => ((r.content ?? []) as { text?: string }[]).map((c) => strip(c.text ?? '')).join('\n');

describe('the gateway tools called directly answer as through MCP', () => {
  it('the same structured answer and text for the same calls', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['ecm_backlog_summary', {}],
      ['ecm_stuck_orders', { limit: 3 }],
      ['runbook_get', { name: 'refund_pending' }],
      ['runbook_get', {}],
      ['warehouse_list_tables', {}],
    ];
    for (const [name, args] of calls) {
      const viaMcp = await mcp.client.callTool({ name, arguments: args });
      const viaDirect = await direct.callTool({ name, arguments: args });
      expect(viaDirect.isError ?? false, name).toBe(viaMcp.isError ?? false);
      expect(viaDirect.structuredContent, name).toEqual(viaMcp.structuredContent);
      expect(texts(viaDirect), name).toBe(texts(viaMcp));
    }
  });

  it('refuses arguments outside the input schema with the MCP server words, and runs nothing', async () => {
    for (const [name, args] of [
      ['ecm_stuck_orders', { limit: 'ten' }],
      ['warehouse_query', { sql: 42 }],
      ['field_resolve', { order_id: 'ORD-1', unexpected: { nested: true } }],
    ] as const) {
      const viaMcp = await mcp.client.callTool({ name, arguments: args });
      const viaDirect = await direct.callTool({ name, arguments: args as Record<string, unknown> });
      expect(viaMcp.isError, name).toBe(true);
      expect(viaDirect.isError, name).toBe(true);
      expect(texts(viaDirect), name).toMatch(new RegExp(`^Input validation error: Invalid arguments for tool ${name}`));
      expect(texts(viaDirect), name).toBe(texts(viaMcp));
    }
  });

  it('an unknown tool is an error result, not a throw', async () => {
    const r = await direct.callTool({ name: 'drop_everything', arguments: {} });
    expect(r.isError).toBe(true);
    expect(texts(r)).toBe('Tool drop_everything not found');
  });
});

describe('warehouse_query on the embedded warehouse opened on its own thread (queries only)', () => {
  it('refuses with why, instead of asking for a connection string', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-direct-thread-'));
    const db = await openPglite(path.join(dir, 'pgdata'));
    await db.exec('CREATE TABLE orders (order_id text)');
    await db.close();
    const threadWarehouse = await PgliteThreadWarehouse.open(path.join(dir, 'pgdata'), 'the thread warehouse');
    const tools = openDirectTools({ config, warehouse: threadWarehouse, asOf: () => TEST_AS_OF, now: () => TEST_AS_OF });
    try {
      const r = await tools.callTool({ name: 'warehouse_query', arguments: { sql: 'SELECT order_id FROM orders' } });
      expect(r.isError).toBe(true);
      expect(texts(r)).toMatch(/warehouse_query needs the thread warehouse open in this thread/);
      expect(texts(r)).not.toMatch(/ECM_WAREHOUSE_QUERY_URL/);
    } finally {
      await tools.close();
      await threadWarehouse.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
