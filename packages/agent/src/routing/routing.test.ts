import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDb, type TestDatabase } from '../__fixtures__/databases.js';
import { reply, startFakeMessagesApi, text, toolResultsOf, toolUse, type Script } from '../__fixtures__/fake-messages-api.js';
import { startTestGateway } from '../__fixtures__/test-gateway.js';
import { fixtureSkills, GUARDRAILS, testLlmConfig } from '../__fixtures__/test-runtime.js';
import { queryRows } from '../db/sql.js';
import { ensureAgentSchema } from '../log/schema.js';
import { createAgentRuntime } from '../loop/agent-runtime.js';
import { AgentMetrics } from '../metrics/agent-metrics.js';
import { listProposals } from '../proposals/proposal-store.js';
import { diagnoseClusters } from './diagnose-clusters.js';
import { parseDiagnosis } from './diagnosis.js';
import { proposeFixes } from './propose-fixes.js';
import { routeClusters } from './route-clusters.js';

let database: TestDatabase;
let seq = 0;
const open: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  database = await openPgliteDb();
  await ensureAgentSchema(database.db);
});
afterAll(async () => database.close());
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(script: Script[]) {
  const api = await startFakeMessagesApi(script);
  const gateway = await startTestGateway();
  open.push(api, gateway);
  const metrics = new AgentMetrics();
  const runtime = createAgentRuntime({
    domain: `routing${++seq}`,
    llm: testLlmConfig(),
    skills: fixtureSkills(),
    guardrails: GUARDRAILS,
    db: database.db,
    mcp: gateway.client,
    env: { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url },
    metrics,
    now: () => new Date('2026-02-17T02:00:00Z'),
  });
  return { api, gateway, runtime, metrics };
}

const critical = { signature_text: 'AED|PROCESSING_DEAL_IN|FULFILLMENT_PENDING|PAYMENT_PENDING|no-ftv', critical_count: 12, order_count: 14, total_amount_aed: 98_765, avg_hours: 51.5 };
const calm = { signature_text: 'GBP|PENDING|AWAIT_RETRY_INTENT|none|no-ftv', critical_count: 4, order_count: 9, total_amount_aed: 20_100, avg_hours: 30 };
const diagnosisJson = JSON.stringify({
  root_cause: 'Lulu never confirmed the payment for these AED orders; the BRN was not pushed.',
  evidence: ['12 critical orders share the signature', 'AED 98,765 held across 14 orders', '300 similar orders last week'],
  recommended_fix: 'Push the BRN from the acquirer to Lulu for each order, then confirm CREDITED.',
  confidence: 0.8,
});

describe('routeClusters', () => {
  it('sends clusters with at least 10 critical orders to the specialist', () => {
    const rule = testLlmConfig().routing;
    expect(routeClusters([critical, calm, { ...calm, critical_count: 10 }], rule).map((d) => d.to)).toEqual(['ecm-diagnose', null, 'ecm-diagnose']);
  });
});

describe('diagnoseClusters', () => {
  it('diagnoses a critical cluster once per signature per day, with a checked diagnosis', async () => {
    const { api, runtime, metrics } = await setup([reply([text(`\`\`\`json\n${diagnosisJson}\n\`\`\``)], { input: 900, output: 200 })]);
    const [first, second] = await diagnoseClusters(runtime, [critical, calm], { traceId: 'patterns-1' });
    expect(second).toEqual({ cluster: calm, status: 'not_routed' });
    expect(first!.status).toBe('diagnosed');
    if (first!.status !== 'diagnosed') return;
    expect(first.diagnosis).toEqual({
      root_cause: 'Lulu never confirmed the payment for these AED orders; the BRN was not pushed.',
      evidence: ['12 critical orders share the signature', 'AED 98,765 held across 14 orders'],
      recommended_fix: 'Push the BRN from the acquirer to Lulu for each order, then confirm CREDITED.',
      confidence: 0.8,
    });
    expect(first.execution).toMatchObject({ model: 'claude-sonnet-4-6', role: 'specialist', outcome: 'verifier_dropped' });
    expect(api.requests[0]!.body.model).toBe('claude-sonnet-4-6');

    const [row] = await queryRows(database.db, 'SELECT routed_from, routed_to, subject, outcome FROM skill_executions WHERE id = $1', [first.execution.id]);
    expect(row).toEqual({ routed_from: 'ecm-triage', routed_to: 'ecm-diagnose', subject: critical.signature_text, outcome: 'verifier_dropped' });

    // Later the same day (the 14:00 Gulf run): no second diagnosis, no model call.
    const again = await diagnoseClusters(runtime, [critical]);
    expect(again).toEqual([{ cluster: critical, status: 'already_diagnosed_today' }]);
    expect(api.requests).toHaveLength(1);

    const m = await metrics.registry.metrics();
    expect(m).toContain('aspora_skill_routing_decisions{from_skill="ecm-triage",to_skill="ecm-diagnose"} 2');
    expect(m).toContain('aspora_skill_routing_decisions{from_skill="ecm-triage",to_skill="none"} 1');
  });

  it('rejects an answer that is not a valid diagnosis', async () => {
    const { runtime } = await setup([reply([text('{"root_cause": "unknown", "evidence": [], "confidence": 2}')])]);
    const [result] = await diagnoseClusters(runtime, [critical]);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^diagnosis does not match its schema: evidence: /) });
    if (result!.status === 'failed') expect(result!.execution!.outcome).toBe('error');
  });

  it('rejects a diagnosis whose root cause cites an invented figure', () => {
    const parsed = parseDiagnosis(JSON.stringify({ root_cause: '450 orders failed at Lulu', evidence: ['12 critical'], recommended_fix: 'Push the BRN', confidence: 'high' }), critical);
    expect(parsed).toEqual({ ok: false, reason: 'diagnosis cites figures the facts do not support: 450', verifier: true });
  });
});

describe('proposeFixes', () => {
  it('only records pending proposals, marks high-value orders for a supervisor, and executes nothing', async () => {
    const orders: Record<string, { amountAed: number; highValue: boolean }> = {
      'ORD-2026-000001': { amountAed: 7_500, highValue: true },
      'ORD-2026-000002': { amountAed: 1_200, highValue: false },
    };
    const { api, gateway, runtime } = await setup([
      reply([
        toolUse('propose_fix', { order_id: 'ORD-2026-000001', action: 'Initiate the refund in the acquirer console', rationale: 'refund_pending for 51 h' }),
        toolUse('propose_fix', { order_id: 'ORD-2026-000002', action: 'Push the BRN to Lulu', rationale: 'brn_issue' }),
        toolUse('propose_fix', { order_id: 'ORD-2026-999999', action: 'Refund', rationale: 'invented order' }),
        toolUse('assign_ticket', { order_id: 'ORD-2026-000001', agent: 'ops@example.com' }),
      ]),
      reply([text('Two fixes proposed; both wait for approval.')]),
    ]);
    const { proposals, execution } = await proposeFixes(runtime, {
      facts: { orders: Object.entries(orders).map(([order_id, o]) => ({ order_id, amount_aed: o.amountAed })) },
      orderValue: (id) => orders[id] ?? null,
      traceId: 'resolve-1',
    });
    expect(api.requests[0]!.body.tools!.map((t) => t.name)).toEqual(['load_skill', 'propose_fix', 'runbook_get']);
    expect(execution.withheldTools).toEqual([{ name: 'assign_ticket', why: 'not read-only: skills get no write path' }]);
    const results = toolResultsOf(api.requests[1]!);
    expect(results.map((r) => r.is_error ?? false)).toEqual([false, false, true, true]);
    expect(results[0]!.content).toMatch(/status pending: high-value order, it needs the Ops supervisor's approval/);
    expect(results[2]!.content).toMatch(/ORD-2026-999999 is not in this run's facts/);

    expect(proposals.map((p) => [p.orderId, p.status, p.needsSupervisor, p.amountAed])).toEqual([
      ['ORD-2026-000001', 'pending', true, 7_500],
      ['ORD-2026-000002', 'pending', false, 1_200],
    ]);
    expect(gateway.writes).toEqual([]);
    const all = await listProposals(database.db, runtime.domain);
    expect(all.every((p) => p.status === 'pending')).toBe(true);
    expect(await queryRows(database.db, 'SELECT count(*)::int AS n FROM proposals WHERE decided_at IS NOT NULL OR decided_by IS NOT NULL')).toEqual([{ n: 0 }]);
  });
});
