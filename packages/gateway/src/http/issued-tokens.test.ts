import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import type { Agent, Ticket, TicketStore } from '@ecm/core/domain';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../__fixtures__/call-tool.js';
import { config, seededPglite, TEST_AS_OF } from '../__fixtures__/test-warehouse.js';
import { GatewayContext } from '../gateway-context.js';
import { startHttpGateway, type HttpGateway } from './http-gateway.js';
import { StoredTokens, TokenRefused } from './token-store.js';

const ASHA = 'asha.ops@example.com';
const BILAL = 'bilal.ops@example.com';
const ZED = 'zed.gone@example.com';

const agent = (email: string, name: string, active = true): Agent => ({
  email,
  name,
  team: 'Ops',
  slack_handle: null,
  active,
  max_tickets: 10,
  role: 'agent',
});
const ticket = (order_id: string, agent_email: string): Ticket => ({
  order_id,
  agent_email,
  assigned_at: TEST_AS_OF.toISOString(),
  status: 'OPEN',
  priority: 'P2',
  currency: 'AED',
  amount: 1000,
  hours_stuck: 20,
  diagnosis: 'refund_pending',
  notes: 'check the refund',
  updated_at: TEST_AS_OF.toISOString(),
});

/** An MCP client of the running gateway with this bearer token. */
async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'issued-tokens-test', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

describe('tokens issued by a lead, kept hashed in the state store', () => {
  let state: StateDb;
  let store: TicketStore;
  let tokens: StoredTokens;
  let http: HttpGateway;
  let ashaOrder = '';
  let bilalOrder = '';

  beforeAll(async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-tokens-'));
    state = await openStateDb({ env: { ECM_HOME: home }, inMemory: true });
    store = await openTicketStore(state, {});
    await store.upsertAgents([agent(ASHA, 'Asha Ops'), agent(BILAL, 'Bilal Ops'), agent(ZED, 'Zed Gone', false)]);
    const warehouse = await seededPglite(3_000);
    const orders = await warehouse.query('SELECT order_id FROM orders_goms ORDER BY order_id LIMIT 2');
    [ashaOrder, bilalOrder] = orders.map((o) => String(o.order_id)) as [string, string];
    await store.createTickets([ticket(ashaOrder, ASHA), ticket(bilalOrder, BILAL)]);
    tokens = new StoredTokens(state);
    const ctx = new GatewayContext({
      config,
      warehouse,
      tickets: store,
      audit: state,
      allowPii: true,
      asOf: () => TEST_AS_OF,
      now: () => TEST_AS_OF,
    });
    // A non-loopback gateway would need a token too; here the point is that a sent token is always checked.
    http = await startHttpGateway(ctx, { host: '127.0.0.1', port: 0, tokens: null, storedTokens: tokens });
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await state?.close();
  });

  it('issues only to active agents of the roster, and stores the hash, never the token', async () => {
    await expect(tokens.issue('nobody@example.com', store, 'lead')).rejects.toThrow(TokenRefused);
    await expect(tokens.issue(ZED, store, 'lead')).rejects.toThrow(/inactive/);
    const issued = await tokens.issue(ASHA.toUpperCase(), store, 'lead@example.com');
    expect(issued.agent_email).toBe(ASHA);
    expect(issued.token).toMatch(/^ecmt_[A-Za-z0-9_-]{43}$/);
    const rows = await state.query('SELECT * FROM gateway_tokens');
    expect(rows.length).toBeGreaterThan(0);
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(issued.token);
    expect(everything).not.toContain(issued.token.slice(5, 25));
    const { createHash } = await import('node:crypto');
    expect(rows.map((r) => r.token_sha256)).toContain(createHash('sha256').update(issued.token).digest('hex'));
    const listed = await tokens.list();
    expect(JSON.stringify(listed)).not.toContain(issued.token);
    expect(listed.find((t) => t.id === issued.id)).toMatchObject({ agent_email: ASHA, issued_by: 'lead@example.com', revoked_at: null });
  });

  it("acts as the token's agent only: someone else's ticket and customer stay out of reach", async () => {
    const { token } = await tokens.issue(ASHA, store, 'lead');
    const client = await connect(http.url, token);
    try {
      const me = await callTool(client, 'field_whoami');
      expect(me.structured).toMatchObject({ agent: { email: ASHA } });
      const queue = await callTool(client, 'field_my_queue');
      expect((queue.structured as { tickets: { order_id: string }[] }).tickets.map((t) => t.order_id)).toEqual([ashaOrder]);

      for (const [name, args] of [
        ['field_start', { order_id: bilalOrder }],
        ['field_resolve', { order_id: bilalOrder, notes: 'done' }],
        ['field_escalate', { order_id: bilalOrder, reason: 'blocked' }],
        ['field_reopen', { order_id: bilalOrder, reason: 'not fixed' }],
      ] as const) {
        const refused = await client.callTool({ name, arguments: args });
        expect(refused.isError, name).toBe(true);
        expect(refused._meta, name).toMatchObject({ ecm_error: 'not_allowed' });
      }
      expect((await store.getTicket(bilalOrder))?.status).toBe('OPEN');
      // No argument names another agent: there is none to pass.
      const spoofed = await client.callTool({ name: 'field_start', arguments: { order_id: bilalOrder, agent: BILAL } });
      expect(spoofed.isError).toBe(true);

      const other = await callTool(client, 'ecm_order_details', { order_id: bilalOrder, reveal_pii: true });
      expect(other.structured).toMatchObject({ customer: { masked: true } });
      expect(String((other.structured as { reveal_refused: string | null }).reveal_refused)).toMatch(/assigned to someone else/);
      const own = await callTool(client, 'ecm_order_details', { order_id: ashaOrder, reveal_pii: true });
      expect(own.structured).toMatchObject({ customer: { masked: false } });
      const reveals = await state.query('SELECT agent_email, order_id FROM pii_reveals');
      expect(reveals).toEqual([{ agent_email: ASHA, order_id: ashaOrder }]);

      const started = await callTool(client, 'field_start', { order_id: ashaOrder });
      expect(started.structured).toMatchObject({ ticket: { order_id: ashaOrder, status: 'IN_PROGRESS' } });
    } finally {
      await client.close();
    }
  });

  it('refuses a revoked token at the next request, and a forged one', async () => {
    const { id, token } = await tokens.issue(BILAL, store, 'lead');
    const client = await connect(http.url, token);
    expect((await callTool(client, 'field_whoami')).structured).toMatchObject({ agent: { email: BILAL } });
    expect(await tokens.revoke(id)).toEqual([id]);
    // The same open client, the very next call: refused.
    await expect(client.callTool({ name: 'field_whoami', arguments: {} })).rejects.toMatchObject({ code: 401 });
    await client.close().catch(() => undefined);
    await expect(connect(http.url, token)).rejects.toMatchObject({ code: 401 });

    const forged = `ecmt_${'A'.repeat(43)}`;
    await expect(connect(http.url, forged)).rejects.toMatchObject({ code: 401 });
    const raw = await fetch(http.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.slice(0, -1)}x`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(raw.status).toBe(401);

    // Revoking by e-mail ends every token of that agent.
    const a = await tokens.issue(BILAL, store, 'lead');
    const b = await tokens.issue(BILAL, store, 'lead');
    expect((await tokens.revoke(BILAL)).sort()).toEqual([a.id, b.id].sort());
    expect(await tokens.verify(a.token)).toBeUndefined();
    expect(await tokens.verify(b.token)).toBeUndefined();
  });
});
