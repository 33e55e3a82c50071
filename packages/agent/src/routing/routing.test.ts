import { describe, expect, it } from 'vitest';
import { agentTestSuite } from '../__fixtures__/agent-test-suite.js';
import { reply, text, toolResultsOf, toolUse, type Script } from '../__fixtures__/fake-messages-api.js';
import { testLlmConfig } from '../__fixtures__/test-runtime.js';
import { queryRows } from '../db/sql.js';
import { AgentMetrics } from '../metrics/agent-metrics.js';
import { listProposals } from '../proposals/proposal-store.js';
import { diagnoseClusters } from './diagnose-clusters.js';
import { parseDiagnosis } from './diagnosis.js';
import { proposeFix } from './propose-fix.js';
import { routeClusters } from './route-clusters.js';

const suite = agentTestSuite();

async function setup(script: Script[]) {
  const { api, gateway, runtime } = await suite.startRuntime(script, {
    prefix: 'routing',
    gateway: true,
    now: () => new Date('2026-02-17T02:00:00Z'),
  });
  return { api, gateway: gateway!, runtime };
}

const critical = {
  signature_text: 'AED|PROCESSING_DEAL_IN|FULFILLMENT_PENDING|PAYMENT_PENDING|no-ftv',
  critical_count: 12,
  order_count: 14,
  total_amount_aed: 98_765,
  avg_hours: 51.5,
};
const calm = {
  signature_text: 'GBP|PENDING|AWAIT_RETRY_INTENT|none|no-ftv',
  critical_count: 4,
  order_count: 9,
  total_amount_aed: 20_100,
  avg_hours: 30,
};
const diagnosisJson = JSON.stringify({
  root_cause: 'Lulu never confirmed the payment for these AED orders; the BRN was not pushed.',
  evidence: ['12 critical orders share the signature', 'AED 98,765 held across 14 orders', '300 similar orders last week'],
  recommended_fix: 'Push the BRN from the acquirer to Lulu for each order, then confirm CREDITED.',
  confidence: 0.8,
});

describe('routeClusters', () => {
  it('sends clusters with at least 10 critical orders to the specialist', () => {
    const rule = testLlmConfig().routing;
    expect(routeClusters([critical, calm, { ...calm, critical_count: 10 }], rule).map((d) => d.to)).toEqual([
      'ecm-diagnose',
      null,
      'ecm-diagnose',
    ]);
  });
});

describe('diagnoseClusters', () => {
  it('diagnoses a critical cluster once per signature per day, with a checked diagnosis', async () => {
    const { api, runtime } = await setup([reply([text(`\`\`\`json\n${diagnosisJson}\n\`\`\``)], { input: 900, output: 200 })]);
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

    const [row] = await queryRows(suite.db, 'SELECT routed_from, routed_to, subject, outcome FROM skill_executions WHERE id = $1', [
      first.execution.id,
    ]);
    expect(row).toEqual({
      routed_from: 'ecm-triage',
      routed_to: 'ecm-diagnose',
      subject: critical.signature_text,
      outcome: 'verifier_dropped',
    });

    // Later the same day (the 14:00 Gulf run): no second diagnosis, no model call.
    const again = await diagnoseClusters(runtime, [critical]);
    expect(again).toEqual([{ cluster: critical, status: 'already_diagnosed_today' }]);
    expect(api.requests).toHaveLength(1);

    // The hand-off is counted from the log: one routed execution, whatever the process that pushes.
    const metrics = new AgentMetrics();
    await metrics.refreshFromLog(suite.db, { now: runtime.now(), timeZone: 'Asia/Kolkata', budgets: {} });
    const m = await metrics.registry.metrics();
    expect(m).toContain(`aspora_domain_routing_decisions_total{domain="${runtime.domain}"} 1`);
    expect(m).toMatch(/aspora_skill_routing_decisions_total\{from_skill="ecm-triage",to_skill="ecm-diagnose"\} [1-9]/);
  });

  it('rejects an answer that is not a valid diagnosis', async () => {
    const { runtime } = await setup([reply([text('{"root_cause": "unknown", "evidence": [], "confidence": 2}')])]);
    const [result] = await diagnoseClusters(runtime, [critical]);
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^diagnosis does not match its schema: (recommended_fix|confidence): /),
    });
    if (result!.status === 'failed') expect(result!.execution!.outcome).toBe('error');
  });

  it("accepts the skill's honest no-data answer", () => {
    const noData = {
      root_cause: 'no data',
      evidence: [],
      recommended_fix: 'Investigate manually with the runbook for brn_issue',
      confidence: 0,
    };
    expect(parseDiagnosis(JSON.stringify(noData), critical)).toEqual({ ok: true, diagnosis: noData, droppedEvidence: [] });
  });

  it('rejects a diagnosis whose root cause cites an invented figure', () => {
    const parsed = parseDiagnosis(
      JSON.stringify({
        root_cause: '450 orders failed at Lulu',
        evidence: ['12 critical'],
        recommended_fix: 'Push the BRN',
        confidence: 'high',
      }),
      critical,
    );
    expect(parsed).toEqual({ ok: false, reason: 'diagnosis cites figures the facts do not support: 450', verifier: true });
  });
});

describe('proposeFix', () => {
  const answer = (order_id: string, action: string, rationale: string) => reply([text(JSON.stringify({ order_id, action, rationale }))]);
  const proposalsOf = async (domain: string) => listProposals(suite.db, domain);

  it('records the answer as a pending proposal, marks a high-value order for a supervisor, and writes nothing else', async () => {
    const { api, gateway, runtime } = await setup([
      reply([
        toolUse('orders_lookup', { reason: 'refund_pending' }),
        toolUse('assign_ticket', { order_id: 'ORD-2026-000001', agent: 'ops@example.com' }),
      ]),
      answer(
        'ORD-2026-000001',
        'Check the Checkout refund queue; if no refund exists, initiate a full refund',
        "High value: needs the Ops supervisor's approval. 23 refund_pending orders hold AED 48,210.50.",
      ),
    ]);
    const result = await proposeFix(runtime, {
      orderId: 'ORD-2026-000001',
      orderValue: { amountAed: 7_500, highValue: true },
      traceId: 'resolve-1',
    });
    expect(result.status).toBe('proposed');
    if (result.status !== 'proposed') return;
    expect(result.proposal).toMatchObject({
      orderId: 'ORD-2026-000001',
      status: 'pending',
      needsSupervisor: true,
      amountAed: 7_500,
      skill: 'ecm-resolve',
      traceId: 'resolve-1',
    });
    expect(api.requests[0]!.body.tools!.map((t) => t.name)).toEqual(['load_skill', 'orders_lookup', 'runbook_get']);
    expect(result.execution.withheldTools).toEqual([{ name: 'assign_ticket', why: 'not read-only: skills get no write path' }]);
    expect(toolResultsOf(api.requests[1]!)[1]).toMatchObject({
      is_error: true,
      content: expect.stringContaining('unknown tool "assign_ticket"'),
    });
    expect(gateway.writes).toEqual([]);
    expect(await proposalsOf(runtime.domain)).toEqual([result.proposal]);
    expect(
      await queryRows(suite.db, 'SELECT count(*)::int AS n FROM proposals WHERE status <> $1 OR decided_at IS NOT NULL', ['pending']),
    ).toEqual([{ n: 0 }]);
  });

  it('needs a supervisor unless the run knows the order is below the high-value line', async () => {
    const { runtime } = await setup([
      answer('ORD-2026-000002', 'Push the BRN to Lulu', 'brn_issue'),
      answer('ORD-2026-000003', 'Push the BRN to Lulu', 'brn_issue'),
    ]);
    const low = await proposeFix(runtime, { orderId: 'ORD-2026-000002', orderValue: { amountAed: 1_200, highValue: false } });
    const unknown = await proposeFix(runtime, { orderId: 'ORD-2026-000003', orderValue: null });
    expect(low.status === 'proposed' && low.proposal.needsSupervisor).toBe(false);
    expect(unknown.status === 'proposed' && unknown.proposal.needsSupervisor).toBe(true);
  });

  it('records nothing for another order, an invented figure, or an explicit no-proposal', async () => {
    const { runtime } = await setup([
      answer('ORD-2026-000999', 'Refund', 'wrong order'),
      answer('ORD-2026-000004', 'Refund AED 9,999', 'refund_pending'),
      answer('ORD-2026-000005', 'No proposal', 'no data'),
    ]);
    const value = { amountAed: 100, highValue: false };
    expect(await proposeFix(runtime, { orderId: 'ORD-2026-000004', orderValue: value })).toMatchObject({
      status: 'failed',
      reason: 'proposal names order ORD-2026-000999, not ORD-2026-000004',
    });
    const invented = await proposeFix(runtime, { orderId: 'ORD-2026-000004', orderValue: value });
    expect(invented).toMatchObject({ status: 'failed', reason: 'proposal cites figures the facts do not support: 9,999' });
    expect(invented.execution!.outcome).toBe('verifier_dropped');
    expect(await proposeFix(runtime, { orderId: 'ORD-2026-000005', orderValue: value })).toMatchObject({
      status: 'no_proposal',
      reason: 'No proposal: no data',
    });
    expect(await proposalsOf(runtime.domain)).toEqual([]);
  });
});
