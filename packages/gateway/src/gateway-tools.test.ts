import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clusterOrders, runTriage, type Ticket, type TicketStore, type TriageResult } from '@ecm/core/domain';
import { listPiiReveals, openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import { PgWarehouse, type PgliteWarehouse } from '@ecm/core/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantNovelPattern } from '../../core/src/demo/__fixtures__/novel-pattern.js';
import { callOk, callTool } from './__fixtures__/call-tool.js';
import { config, seededPglite, sharedDir, TEST_AS_OF } from './__fixtures__/test-warehouse.js';
import { connectInProcess, type GatewayDeps, type InProcessGateway } from './index.js';

const asOf = () => TEST_AS_OF;
let warehouse: PgliteWarehouse;
let engine: TriageResult;
let gateway: InProcessGateway;
const extra: InProcessGateway[] = [];

async function connect(deps: Partial<GatewayDeps>): Promise<InProcessGateway> {
  const g = await connectInProcess({ config, warehouse, asOf, ...deps });
  extra.push(g);
  return g;
}

beforeAll(async () => {
  warehouse = await seededPglite();
  // The demo at this size has no novel pattern; six orders in a state no rule explains make one.
  await plantNovelPattern(warehouse, { asOf: TEST_AS_OF, count: 6, minAgeHours: 14 });
  engine = await runTriage(warehouse, config, { asOf: TEST_AS_OF });
  gateway = await connectInProcess({ config, warehouse, asOf });
});
afterAll(async () => {
  for (const g of [gateway, ...extra]) await g?.close();
  await warehouse?.close();
});

const FIELD_TOOL_NAMES = [
  'field_correct_classification',
  'field_decide_proposal',
  'field_escalate',
  'field_judge_execution',
  'field_my_queue',
  'field_my_ticket',
  'field_order_context',
  'field_proposals',
  'field_reopen',
  'field_resolve',
  'field_start',
  'field_whoami',
];
const FIELD_WRITES = [
  'field_correct_classification',
  'field_decide_proposal',
  'field_escalate',
  'field_judge_execution',
  'field_reopen',
  'field_resolve',
  'field_start',
];

const EXPECTED_TOOLS = [
  'ecm_backlog_summary',
  'ecm_order_details',
  'ecm_pattern_clusters',
  'ecm_stuck_orders',
  ...FIELD_TOOL_NAMES,
  'runbook_get',
  'runbooks_search',
  'tickets_list',
  'tickets_update',
  'warehouse_describe_table',
  'warehouse_list_tables',
  'warehouse_query',
];

describe('tool list', () => {
  it('offers every tool, each with a description, input and output schemas and all four annotations', async () => {
    const { tools } = await gateway.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(EXPECTED_TOOLS);
    for (const t of tools) {
      expect(t.name).toMatch(/^(warehouse|ecm|runbooks?|tickets|field)_[a-z_]+$/);
      expect(t.description!.length, t.name).toBeGreaterThan(80);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const)
        expect(typeof t.annotations?.[hint], `${t.name} ${hint}`).toBe('boolean');
    }
  });

  it('marks only tickets_update and the field tools that change something as writes', async () => {
    const { tools } = await gateway.client.listTools();
    const writes = tools.filter((t) => !t.annotations!.readOnlyHint);
    expect(writes.map((t) => t.name).sort()).toEqual(['tickets_update', ...FIELD_WRITES].sort());
    expect(writes.find((t) => t.name === 'tickets_update')!.annotations).toMatchObject({
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: false,
    });
  });
});

describe('warehouse_query', () => {
  it('returns the rows of one SELECT with their columns', async () => {
    const r = await callOk<{ columns: string[]; rows: unknown[][]; truncated: boolean }>(gateway.client, 'warehouse_query', {
      sql: "SELECT status, COUNT(*) AS n FROM orders_goms WHERE meta_postscript_pricing_info_send_currency = 'AED' GROUP BY status ORDER BY status",
    });
    const expected = await warehouse.query(
      "SELECT status, COUNT(*) AS n FROM orders_goms WHERE meta_postscript_pricing_info_send_currency = 'AED' GROUP BY status ORDER BY status",
    );
    expect(r.columns).toEqual(['status', 'n']);
    expect(r.rows).toEqual(expected.map((e) => [e.status, e.n]));
    expect(r.truncated).toBe(false);
  });

  it('caps the rows at 500 by default and at max_rows when asked, and says it truncated', async () => {
    const all = await callOk<{ row_count: number; truncated: boolean; truncated_by: string }>(gateway.client, 'warehouse_query', {
      sql: 'SELECT order_id FROM orders_goms',
    });
    expect(all).toMatchObject({ row_count: 500, truncated: true, truncated_by: 'rows' });
    const few = await callOk<{ row_count: number; truncated: boolean }>(gateway.client, 'warehouse_query', {
      sql: 'SELECT order_id FROM orders_goms ORDER BY order_id',
      max_rows: 7,
    });
    expect(few).toMatchObject({ row_count: 7, truncated: true });
    const exact = await callOk<{ row_count: number; truncated: boolean }>(gateway.client, 'warehouse_query', {
      sql: 'SELECT order_id FROM orders_goms ORDER BY order_id LIMIT 7',
      max_rows: 7,
    });
    expect(exact).toMatchObject({ row_count: 7, truncated: false });
  });

  it('caps the bytes of the result', async () => {
    const small = await connect({ query: { maxBytes: 2_000 } });
    const r = await callOk<{ row_count: number; truncated_by: string; rows: unknown[][] }>(small.client, 'warehouse_query', {
      sql: 'SELECT * FROM orders_goms ORDER BY order_id',
    });
    expect(r.truncated_by).toBe('bytes');
    expect(Buffer.byteLength(JSON.stringify(r.rows))).toBeLessThanOrEqual(2_000);
    expect(r.row_count).toBeGreaterThan(0);
  });

  it('refuses a write with one sentence, and bad input types with an error result', async () => {
    const del = await callTool(gateway.client, 'warehouse_query', { sql: 'DELETE FROM orders_goms' });
    expect(del.isError).toBe(true);
    expect(del.text).toMatch(/^Refused: DELETE .*only/);
    const wrong = await callTool(gateway.client, 'warehouse_query', { sql: 42 });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toMatch(/sql/);
    const missing = await callTool(gateway.client, 'warehouse_query', {});
    expect(missing.isError).toBe(true);
  });

  it('passes a database error back as an error result', async () => {
    const r = await callTool(gateway.client, 'warehouse_query', { sql: 'SELECT no_such_column FROM orders_goms' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^The warehouse rejected the query: .*no_such_column/);
  });

  it('never reads the customers table, even when the gateway allows revealing PII in order details', async () => {
    expect((await callTool(gateway.client, 'warehouse_query', { sql: 'SELECT email FROM customers LIMIT 1' })).text).toMatch(
      /^Refused: the customers table holds personal data/,
    );
    const pii = await connect({ allowPii: true });
    expect((await callTool(pii.client, 'warehouse_query', { sql: 'SELECT email FROM customers ORDER BY owner_id LIMIT 1' })).text).toMatch(
      /^Refused: the customers table holds personal data/,
    );
  });
});

describe('warehouse_list_tables and warehouse_describe_table', () => {
  it('lists every warehouse table with its meaning', async () => {
    const r = await callOk<{ tables: { name: string; meaning: string | null; estimated_rows: number | null }[] }>(
      gateway.client,
      'warehouse_list_tables',
    );
    const names = r.tables.map((t) => t.name);
    for (const t of ['orders_goms', 'payments_goms', 'falcon_transactions_v2', 'transaction_payout', 'lulu_data', 'transfer_rfi'])
      expect(names).toContain(t);
    // Only what warehouse_query may read: no personal-data table.
    expect(names).not.toContain('customers');
    expect(names).toHaveLength(10);
    expect(r.tables.find((t) => t.name === 'rda_fulfillments')!.meaning).toMatch(/Falcon transaction_id/);
    expect(r.tables.find((t) => t.name === 'orders_goms')!.estimated_rows).toBeGreaterThan(1000);
  });

  it('describes an allowed table, flagging configured personal-data columns, and not the customers table', async () => {
    const customers = await callTool(gateway.client, 'warehouse_describe_table', { table: 'customers' });
    expect(customers.isError).toBe(true);
    expect(customers.text).toMatch(/not one of the tables warehouse_query may read/);
    const access = config.settings.warehouse_access;
    const flagged = await connect({
      config: {
        ...config,
        settings: {
          ...config.settings,
          warehouse_access: { ...access, pii_columns: { ...access.pii_columns, orders_goms: ['owner_id'] } },
        },
      },
    });
    const r = await callOk<{ columns: { name: string; pii: boolean }[] }>(flagged.client, 'warehouse_describe_table', {
      table: 'orders_goms',
    });
    expect(r.columns.filter((c) => c.pii).map((c) => c.name)).toEqual(['owner_id']);
    const orders = await callOk<{ columns: { name: string; type: string; nullable: boolean }[] }>(
      gateway.client,
      'warehouse_describe_table',
      { table: 'orders_goms' },
    );
    expect(orders.columns.find((c) => c.name === 'order_id')).toEqual({
      name: 'order_id',
      type: 'character varying(64)',
      nullable: false,
      pii: false,
    });
  });

  it('answers an unknown table with an error result', async () => {
    const r = await callTool(gateway.client, 'warehouse_describe_table', { table: 'no_such_table' });
    expect(r).toMatchObject({ isError: true });
    expect(r.text).toMatch(/"no_such_table" is not one of the tables warehouse_query may read/);
    expect((await callTool(gateway.client, 'warehouse_describe_table', { table: 'a.b.c' })).isError).toBe(true);
  });
});

describe('ecm_stuck_orders, ecm_backlog_summary, ecm_pattern_clusters', () => {
  it("returns the engine's actionable orders, highest score first", async () => {
    const r = await callOk<{ total: number; orders: { order_id: string; stuck_reason: string; priority: string }[] }>(
      gateway.client,
      'ecm_stuck_orders',
      { limit: 500 },
    );
    const actionable = engine.orders.filter((o) => o.actionable);
    expect(r.total).toBe(actionable.length);
    expect(r.orders.map((o) => o.order_id)).toEqual(actionable.slice(0, 500).map((o) => o.order_id));
    expect(r.orders.map((o) => o.stuck_reason)).toEqual(actionable.slice(0, 500).map((o) => o.stuck_reason));
  });

  it('filters by team, reason, priority and currency, and widens the scope on request', async () => {
    const kyc = await callOk<{ total: number; orders: { team: string }[] }>(gateway.client, 'ecm_stuck_orders', {
      team: 'KYC_ops',
      limit: 500,
    });
    expect(kyc.total).toBe(engine.orders.filter((o) => o.actionable && o.team === 'KYC_ops').length);
    expect(new Set(kyc.orders.map((o) => o.team))).toEqual(new Set(['KYC_ops']));
    const refunds = await callOk<{ total: number }>(gateway.client, 'ecm_stuck_orders', {
      reason: 'refund_pending',
      currency: 'aed',
      priority: 'P1',
    });
    expect(refunds.total).toBe(
      engine.orders.filter((o) => o.actionable && o.stuck_reason === 'refund_pending' && o.currency === 'AED' && o.priority === 'P1')
        .length,
    );
    const dq = await callOk<{ total: number; orders: { disqualified: string | null }[] }>(gateway.client, 'ecm_stuck_orders', {
      scope: 'disqualified',
      limit: 5,
    });
    expect(dq.total).toBe(engine.summary.disqualified);
    expect(dq.orders.length).toBeGreaterThan(0);
    expect(dq.orders.every((o) => o.disqualified !== null)).toBe(true);
  });

  it('answers an unknown reason and a wrong limit with error results', async () => {
    expect((await callTool(gateway.client, 'ecm_stuck_orders', { reason: 'no_such_reason' })).text).toMatch(
      /"no_such_reason" is not a stuck reason/,
    );
    expect((await callTool(gateway.client, 'ecm_stuck_orders', { limit: 'many' })).isError).toBe(true);
    expect((await callTool(gateway.client, 'ecm_stuck_orders', { limit: 100_000 })).isError).toBe(true);
    expect((await callTool(gateway.client, 'ecm_stuck_orders', { team: 'Marketing' })).isError).toBe(true);
  });

  it('summarises the backlog as the engine does', async () => {
    const r = await callOk<Record<string, unknown>>(gateway.client, 'ecm_backlog_summary');
    expect(r).toEqual({ as_of: engine.as_of, ...JSON.parse(JSON.stringify(engine.summary)) });
  });

  it('clusters the triaged orders into patterns', async () => {
    const expected = clusterOrders(config, engine.orders);
    const r = await callOk<{ total_clusters: number; clusters: { pattern_id: string; order_count: number; order_ids: string[] }[] }>(
      gateway.client,
      'ecm_pattern_clusters',
      {
        limit: 100,
        max_order_ids: 500,
      },
    );
    expect(r.total_clusters).toBe(expected.length);
    expect(r.clusters.map((c) => [c.pattern_id, c.order_count, c.order_ids])).toEqual(
      expected.slice(0, 100).map((c) => [c.pattern_id, c.order_count, [...c.order_ids]]),
    );
    const novel = await callOk<{ clusters: { pattern_id: string; novel: boolean }[] }>(gateway.client, 'ecm_pattern_clusters', {
      novel_only: true,
    });
    const expectedNovel = expected.filter((c) => c.novel).map((c) => c.pattern_id);
    expect(expectedNovel).toHaveLength(1);
    expect(novel.clusters.map((c) => c.pattern_id)).toEqual(expectedNovel);
    expect(novel.clusters.length).toBeGreaterThan(0);
    expect(novel.clusters.every((c) => c.novel)).toBe(true);
    expect(r.total_clusters).toBeGreaterThan(novel.clusters.length);
  });
});

interface Details {
  order: { status: string };
  customer: { full_name: string | null; email: string | null; phone: string | null; masked: boolean };
  systems: { system: string; status: string | null; records: number }[];
  timeline: { at: string; system: string }[];
  diagnosis: {
    stuck_reason: string;
    score: number;
    factors: { contribution: number }[];
    disqualification: { reason: string } | null;
    runbook: string;
  } | null;
  not_a_candidate: string | null;
  warnings: string[];
}

describe('ecm_order_details', () => {
  it("shows one order in every system, with the engine's diagnosis and score factors", async () => {
    const order = engine.orders.find((o) => o.actionable && o.facts.ftv_id !== null && o.facts.payout !== null)!;
    const d = await callOk<Details>(gateway.client, 'ecm_order_details', { order_id: order.order_id });
    expect(d.diagnosis!.stuck_reason).toBe(order.stuck_reason);
    expect(d.diagnosis!.score).toBe(order.score);
    expect(d.diagnosis!.factors.reduce((s, f) => s + f.contribution, 0)).toBeCloseTo(order.score, 3);
    expect(d.diagnosis!.runbook).toBe(config.reasons.get(order.stuck_reason)!.runbook);
    expect(d.order.status).toBe(order.status);
    const systems = new Map(d.systems.map((s) => [s.system, s]));
    expect(systems.get('falcon')!.status).toBe(order.facts.falcon);
    expect(systems.get('payout')!.status).toBe(order.facts.payout);
    expect(systems.get('payout')!.records).toBe(order.facts.attempts);
    const times = d.timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(new Set(d.timeline.map((e) => e.system))).toEqual(new Set(d.systems.map((s) => s.system)));
  });

  it('explains a disqualified order', async () => {
    const order = engine.orders.find((o) => o.disqualified)!;
    const d = await callOk<Details>(gateway.client, 'ecm_order_details', { order_id: order.order_id });
    expect(d.diagnosis!.disqualification!.reason).toBe(order.disqualified);
  });

  it('says why an order is not a candidate', async () => {
    const [row] = await warehouse.query("SELECT order_id FROM orders_goms WHERE status = 'CREATED' ORDER BY order_id LIMIT 1");
    const d = await callOk<Details>(gateway.client, 'ecm_order_details', { order_id: String(row!.order_id) });
    expect(d.diagnosis).toBeNull();
    expect(d.not_a_candidate).toMatch(/^Not a stuck-order candidate: .*(CREATED|younger)/);
  });

  it('masks personal data unless it is asked for and allowed', async () => {
    const order = engine.orders[0]!;
    const [customer] = await warehouse.query('SELECT full_name, email, phone FROM customers WHERE owner_id = $1', [order.facts.owner_id]);
    const masked = await callOk<Details>(gateway.client, 'ecm_order_details', { order_id: order.order_id });
    expect(masked.customer.masked).toBe(true);
    expect(JSON.stringify(masked)).not.toContain(String(customer!.email));
    expect(JSON.stringify(masked)).not.toContain(String(customer!.full_name));
    expect(masked.customer.email).toMatch(/^.\*\*\*@example\.com$/);

    const asked = await callOk<Details>(gateway.client, 'ecm_order_details', { order_id: order.order_id, reveal_pii: true });
    expect(asked.customer.masked).toBe(true);
    expect(asked.warnings.join(' ')).toMatch(/does not allow/);

    // Allowed by the gateway, but with no ticket store to say who holds the order, or nowhere to record
    // the reveal: still masked (who may see it: below).
    const state = await openStateDb({ inMemory: true, env: {} });
    try {
      for (const [deps, why] of [
        [{ allowPii: true, audit: state }, /no ticket store to tell who holds the order/],
        [{ allowPii: true, tickets: await openTicketStore(state, {}), agentEmail: 'x@example.com' }, /no state store to record the reveal/],
      ] as const) {
        const g = await connect(deps);
        const refused = await callOk<Details & { reveal_refused: string | null }>(g.client, 'ecm_order_details', {
          order_id: order.order_id,
          reveal_pii: true,
        });
        expect(refused.customer.masked).toBe(true);
        expect(refused.reveal_refused).toMatch(why);
        expect(JSON.stringify(refused)).not.toContain(String(customer!.email));
      }
    } finally {
      await state.close();
    }
  });

  it('warns when the RFI data is stale', async () => {
    const order = engine.orders.find(
      (o) => o.facts.rfi_modified_at && TEST_AS_OF.getTime() - o.facts.rfi_modified_at.getTime() > 5 * 3_600_000,
    )!;
    const d = await callOk<Details>(gateway.client, 'ecm_order_details', { order_id: order.order_id });
    expect(d.warnings.join(' ')).toMatch(/RFI record was last modified .* check the live ops console/);
  });

  it('answers an unknown order and wrong input with error results', async () => {
    const unknown = await callTool(gateway.client, 'ecm_order_details', { order_id: 'ORD-DOES-NOT-EXIST' });
    expect(unknown).toMatchObject({ isError: true, text: 'No order with id "ORD-DOES-NOT-EXIST" exists in the warehouse.' });
    expect((await callTool(gateway.client, 'ecm_order_details', { order_id: 12345 })).isError).toBe(true);
    expect((await callTool(gateway.client, 'ecm_order_details', { order_id: "x'; DROP TABLE orders_goms; --" })).isError).toBe(true);
    expect((await callTool(gateway.client, 'ecm_order_details', {})).isError).toBe(true);
  });
});

describe('runbooks_search and runbook_get', () => {
  it('finds the runbook for a symptom and shows a snippet', async () => {
    const r = await callOk<{ results: { name: string; reasons: string[]; snippet: string }[] }>(gateway.client, 'runbooks_search', {
      query: 'Lulu cancellation request recall',
    });
    expect(r.results[0]!.name).toBe('cancellation_pending');
    expect(r.results[0]!.reasons).toContain('cancellation_pending');
    expect(r.results[0]!.snippet.toLowerCase()).toMatch(/cancel/);
    const none = await callOk<{ results: unknown[] }>(gateway.client, 'runbooks_search', { query: 'zzzqqq' });
    expect(none.results).toEqual([]);
  });

  it('returns a runbook by stuck reason or by name, and errs on an unknown one', async () => {
    const byReason = await callOk<{ content: string; name: string }>(gateway.client, 'runbook_get', { name: 'refund_pending' });
    expect(byReason.content).toBe(readFileSync(path.join(sharedDir, config.reasons.get('refund_pending')!.runbook), 'utf8'));
    const byName = await callOk<{ name: string; reasons: string[] }>(gateway.client, 'runbook_get', {
      name: 'stuck_at_rda_partner_rfi_grtr_than_24_hrs',
    });
    expect(byName.reasons).toContain('stuck_at_rda_partner_rfi_grtr_than_24_hrs');
    const unknown = await callTool(gateway.client, 'runbook_get', { name: 'no_such_runbook' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/known runbooks: .*refund_pending/);
  });
});

describe('tickets_list and tickets_update', () => {
  const alice = 'alice.agent@example.com';
  const bob = 'bob.agent@example.com';
  let state: StateDb;
  let store: TicketStore;
  let asAlice: InProcessGateway;

  const ticket = (orderId: string, agent: string, diagnosis: string): Ticket => ({
    order_id: orderId,
    agent_email: agent,
    assigned_at: new Date(Date.now() - 30 * 60_000).toISOString(),
    status: 'OPEN',
    priority: 'P2',
    currency: 'AED',
    amount: 1200,
    hours_stuck: 30,
    diagnosis,
    notes: 'test ticket',
    updated_at: new Date().toISOString(),
  });

  beforeAll(async () => {
    state = await openStateDb({ inMemory: true, env: {} });
    store = await openTicketStore(state, {});
    await store.upsertAgents([
      { email: alice, name: 'Alice Agent', team: 'Ops', slack_handle: null, active: true, max_tickets: 10, role: 'agent' },
      { email: bob, name: 'Bob Agent', team: 'Ops', slack_handle: null, active: true, max_tickets: 10, role: 'agent' },
    ]);
    const ids = engine.orders
      .filter((o) => o.actionable)
      .slice(0, 4)
      .map((o) => o.order_id);
    await store.createTickets([
      ticket(ids[0]!, alice, 'refund_pending'),
      ticket(ids[1]!, alice, 'status_sync_issue'),
      ticket(ids[2]!, alice, 'brn_issue'),
      ticket(ids[3]!, bob, 'stuck_at_lulu'),
    ]);
    asAlice = await connect({ tickets: store, agentEmail: alice });
  });
  afterAll(async () => {
    await state?.close();
  });

  it("lists the calling agent's open tickets with the SLA clock from assignment", async () => {
    const r = await callOk<{
      total: number;
      tickets: { agent_email: string; sla_hours: number; sla_remaining_hours: number; diagnosis: string }[];
    }>(asAlice.client, 'tickets_list');
    expect(r.total).toBe(3);
    expect(r.tickets.length).toBeGreaterThan(0);
    expect(r.tickets.every((t) => t.agent_email === alice)).toBe(true);
    const refund = r.tickets.find((t) => t.diagnosis === 'refund_pending')!;
    expect(refund.sla_hours).toBe(2);
    expect(refund.sla_remaining_hours).toBeCloseTo(1.5, 1);
    expect((await callOk<{ total: number }>(asAlice.client, 'tickets_list', { agent: 'all' })).total).toBe(4);
    expect((await callOk<{ total: number }>(asAlice.client, 'tickets_list', { agent: bob })).total).toBe(1);
  });

  it('lets an agent start, resolve and escalate its own tickets', async () => {
    const mine = (await store.listTickets({ agentEmail: alice })).map((t) => t.order_id);
    const started = await callOk<{ ticket: { status: string } }>(asAlice.client, 'tickets_update', { order_id: mine[0], action: 'start' });
    expect(started.ticket.status).toBe('IN_PROGRESS');
    const resolved = await callOk<{ ticket: { status: string }; resolution: { sla_status: string; resolution_minutes: number } }>(
      asAlice.client,
      'tickets_update',
      {
        order_id: mine[0],
        action: 'resolve',
        notes: 'Refund initiated at the acquirer',
      },
    );
    expect(resolved.ticket.status).toBe('RESOLVED');
    expect(resolved.resolution.resolution_minutes).toBeGreaterThanOrEqual(29);
    const [resolution] = await store.listResolutions(new Date(0));
    expect(resolution).toMatchObject({
      order_id: mine[0],
      agent_email: alice,
      diagnosis_match: 'CORRECT',
      action_followed: 'YES',
      resolution_type: 'AGENT_RESOLVED',
      sla_status: 'MET',
    });
    const escalated = await callOk<{ ticket: { status: string } }>(asAlice.client, 'tickets_update', {
      order_id: mine[1],
      action: 'escalate',
      reason: 'Lulu shows CREDITED but the sync fails',
    });
    expect(escalated.ticket.status).toBe('ESCALATED');
    const [escalation] = await store.listEscalations(new Date(0));
    expect(escalation).toMatchObject({ order_id: mine[1], escalated_by: alice });
    const [goms] = await warehouse.query('SELECT status, sub_state FROM orders_goms WHERE order_id = $1', [mine[1]]);
    expect(escalation!.order_status).toBe(`${String(goms!.status)} / ${String(goms!.sub_state)}`);
  });

  it("refuses to change another agent's ticket, a resolved one, or one without the required text", async () => {
    const bobs = (await store.listTickets({ agentEmail: bob }))[0]!.order_id;
    const other = await callTool(asAlice.client, 'tickets_update', { order_id: bobs, action: 'start' });
    expect(other).toMatchObject({ isError: true });
    expect(other.text).toMatch(/assigned to bob\.agent@example\.com.*only change its own/);
    expect((await store.getTicket(bobs))!.status).toBe('OPEN');
    const resolved = (await store.listTickets({ agentEmail: alice, statuses: ['RESOLVED'] }))[0]!.order_id;
    expect((await callTool(asAlice.client, 'tickets_update', { order_id: resolved, action: 'start' })).text).toMatch(/already resolved/);
    const open = (await store.listTickets({ agentEmail: alice, statuses: ['OPEN'] }))[0]!.order_id;
    expect((await callTool(asAlice.client, 'tickets_update', { order_id: open, action: 'resolve' })).text).toMatch(/needs notes/);
    expect((await callTool(asAlice.client, 'tickets_update', { order_id: open, action: 'escalate', reason: '  ' })).text).toMatch(
      /needs a reason/,
    );
    expect((await callTool(asAlice.client, 'tickets_update', { order_id: 'ORD-NONE', action: 'start' })).text).toMatch(/has no ticket/);
    expect((await callTool(asAlice.client, 'tickets_update', { order_id: open, action: 'delete' })).isError).toBe(true);
  });

  it('compares pattern clusters with the last recorded day', async () => {
    const [top, second] = clusterOrders(config, engine.orders);
    const row = {
      pattern_id: 'PT-X',
      stuck_reason: 'uncategorized',
      currency: 'AED',
      total_amount_aed: 1,
      avg_hours: 1,
      high_value_count: 0,
      critical_count: 0,
      delta: '',
      recommendation: '',
    };
    await store.appendPatterns([
      { ...row, date: '2026-02-15', signature: top!.signature_text, order_count: 1 },
      { ...row, date: '2026-02-16', signature: top!.signature_text, order_count: top!.order_count - 1 },
      { ...row, pattern_id: 'PT-GONE', date: '2026-02-16', signature: 'AED|GONE|GONE', order_count: 4 },
    ]);
    const r = await callOk<{ previous_run: string; gone: string[]; clusters: { pattern_id: string; trend: string }[] }>(
      asAlice.client,
      'ecm_pattern_clusters',
      { limit: 100 },
    );
    expect(r.previous_run).toBe('2026-02-16');
    expect(r.gone).toEqual(['AED|GONE|GONE']);
    expect(r.clusters.find((c) => c.pattern_id === top!.pattern_id)!.trend).toBe('UP +1');
    expect(r.clusters.find((c) => c.pattern_id === second!.pattern_id)!.trend).toBe('NEW');
    const without = await callOk<{ previous_run: null; clusters: { trend: string | null }[] }>(gateway.client, 'ecm_pattern_clusters');
    expect(without.previous_run).toBeNull();
    expect(without.clusters.length).toBeGreaterThan(0);
    expect(without.clusters.every((c) => c.trend === null)).toBe(true);
  });

  it('refuses writes without an agent identity, and answers without a ticket store', async () => {
    const anonymous = await connect({ tickets: store });
    const r = await callTool(anonymous.client, 'tickets_update', { order_id: 'ORD-1', action: 'start' });
    expect(r.text).toMatch(/No agent identity is configured/);
    expect((await callTool(anonymous.client, 'tickets_list')).text).toMatch(/No agent identity/);
    const open = await store.listTickets({ statuses: config.settings.assignment.open_statuses });
    expect((await callOk<{ total: number }>(anonymous.client, 'tickets_list', { agent: 'all' })).total).toBe(open.length);
    expect((await callTool(gateway.client, 'tickets_list', { agent: 'all' })).text).toBe('No ticket store is configured for this gateway.');
  });
});

describe('a warehouse that is down', () => {
  it('turns every warehouse tool into an error result and keeps serving', async () => {
    let attempts = 0;
    const down = await connectInProcess({
      config,
      asOf,
      warehouse: async () => {
        attempts++;
        throw new Error('connect ECONNREFUSED 127.0.0.1:5999');
      },
    });
    extra.push(down);
    const calls: [string, Record<string, unknown>][] = [
      ['warehouse_query', { sql: 'SELECT 1' }],
      ['warehouse_list_tables', {}],
      ['warehouse_describe_table', { table: 'orders_goms' }],
      ['ecm_stuck_orders', {}],
      ['ecm_order_details', { order_id: 'ORD-00000001' }],
      ['ecm_backlog_summary', {}],
      ['ecm_pattern_clusters', {}],
    ];
    for (const [name, args] of calls) {
      const r = await callTool(down.client, name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text, name).toMatch(/The warehouse is unavailable: connect ECONNREFUSED/);
    }
    expect(attempts).toBeGreaterThan(1); // a failed open is retried on the next call
    expect((await callOk<{ results: unknown[] }>(down.client, 'runbooks_search', { query: 'refund' })).results.length).toBeGreaterThan(0);
  });

  it('reports a PostgreSQL warehouse that refuses connections', async () => {
    const closed = new PgWarehouse('postgres://ecm@127.0.0.1:1/none', { connectionTimeoutMillis: 2_000 });
    const g = await connectInProcess({ config, asOf, warehouse: closed, queryUrl: 'postgres://ecm@127.0.0.1:1/none' });
    extra.push(g);
    for (const [name, args] of [
      ['warehouse_query', { sql: 'SELECT 1' }],
      ['warehouse_list_tables', {}],
      ['ecm_order_details', { order_id: 'ORD-00000001' }],
      ['ecm_stuck_orders', {}],
    ] as const) {
      const r = await callTool(g.client, name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text, name).toMatch(/ECONNREFUSED|connect/);
    }
    await closed.close();
  });
});

describe('the shared triage result', () => {
  it('is reused within its time to live, then served while one refresh runs, and kept when a refresh fails', async () => {
    let triageRuns = 0;
    let failNext = false;
    const counting = {
      kind: warehouse.kind,
      label: warehouse.label,
      get roundTrips() {
        return warehouse.roundTrips;
      },
      async query(sql: string, params?: readonly unknown[]) {
        if (sql.includes('WITH cand AS')) {
          triageRuns++;
          if (failNext) throw new Error('warehouse went away');
        }
        return warehouse.query(sql, params);
      },
      close: async () => undefined,
    };
    const g = await connect({ warehouse: counting, triageTtlMs: 200 });
    const first = await callOk<{ as_of: string; actionable: number }>(g.client, 'ecm_backlog_summary');
    await callOk(g.client, 'ecm_stuck_orders');
    expect(triageRuns).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    failNext = true;
    const stale = await callOk<{ as_of: string; actionable: number }>(g.client, 'ecm_backlog_summary');
    expect(stale).toEqual(first); // answered at once from the previous result
    await new Promise((r) => setTimeout(r, 100));
    expect(triageRuns).toBe(2); // one refresh ran (and failed)
    expect(await callOk(g.client, 'ecm_backlog_summary')).toEqual(first);
  });
});

describe('ecm_order_details reveal_pii: the assignee of an open ticket or a supervisor, each reveal recorded', () => {
  const carol = 'carol.agent@example.com';
  const dan = 'dan.agent@example.com';
  const sam = 'sam.lead@example.com';
  let state: StateDb;
  let store: TicketStore;
  let ids: string[] = [];
  type Revealed = Details & { reveal_refused: string | null };
  const as = (agentEmail: string) => connect({ tickets: store, audit: state, agentEmail, allowPii: true, now: () => TEST_AS_OF });
  const details = async (agentEmail: string, orderId: string) =>
    callOk<Revealed>((await as(agentEmail)).client, 'ecm_order_details', { order_id: orderId, reveal_pii: true });

  beforeAll(async () => {
    state = await openStateDb({ inMemory: true, env: {} });
    store = await openTicketStore(state, {});
    const agent = (email: string, role: 'agent' | 'supervisor') => ({
      email,
      name: 'Test Agent',
      team: 'Ops' as const,
      slack_handle: null,
      active: true,
      max_tickets: 10,
      role,
    });
    await store.upsertAgents([agent(carol, 'agent'), agent(dan, 'agent'), agent(sam, 'supervisor')]);
    ids = engine.orders
      .filter((o) => o.actionable)
      .slice(10, 13)
      .map((o) => o.order_id);
    const base = {
      assigned_at: TEST_AS_OF.toISOString(),
      priority: 'P2' as const,
      currency: 'AED',
      amount: 100,
      hours_stuck: 30,
      diagnosis: 'refund_pending',
      notes: 'n',
      updated_at: TEST_AS_OF.toISOString(),
    };
    await store.createTickets([
      { ...base, order_id: ids[0]!, agent_email: carol, status: 'OPEN' },
      { ...base, order_id: ids[1]!, agent_email: carol, status: 'RESOLVED' },
    ]);
  });
  afterAll(async () => {
    await state?.close();
  });

  it('reveals to the assignee of an open ticket and to a supervisor, and records both', async () => {
    const own = await details(carol, ids[0]!);
    expect(own.customer.masked).toBe(false);
    expect(own.reveal_refused).toBeNull();
    expect((await details(sam, ids[2]!)).customer.masked).toBe(false);
    const reveals = await listPiiReveals(state);
    expect(reveals).toEqual([
      { revealed_at: TEST_AS_OF.toISOString(), agent_email: carol, order_id: ids[0], program: 'ecm-gateway', basis: 'assignee' },
      { revealed_at: TEST_AS_OF.toISOString(), agent_email: sam, order_id: ids[2], program: 'ecm-gateway', basis: 'supervisor' },
    ]);
  });

  it("refuses another agent, an order nobody holds and a closed ticket's assignee, and records nothing", async () => {
    const before = (await listPiiReveals(state)).length;
    const other = await details(dan, ids[0]!);
    expect(other.customer.masked).toBe(true);
    expect(other.reveal_refused).toMatch(/assigned to someone else/);
    expect((await details(carol, ids[2]!)).reveal_refused).toMatch(/has no ticket/);
    expect((await details(carol, ids[1]!)).reveal_refused).toMatch(/is RESOLVED/);
    const anonymous = await connect({ tickets: store, audit: state, allowPii: true });
    expect((await callOk<Revealed>(anonymous.client, 'ecm_order_details', { order_id: ids[0]!, reveal_pii: true })).reveal_refused).toMatch(
      /no agent is known/,
    );
    expect((await listPiiReveals(state)).length).toBe(before);
  });
});
