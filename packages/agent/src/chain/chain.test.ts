import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { agentTestSuite } from '../__fixtures__/agent-test-suite.js';
import { reply, text, type Script } from '../__fixtures__/fake-messages-api.js';
import { SHARED_DIR } from '../__fixtures__/test-runtime.js';
import { correctionStats, recordCorrection } from '../log/corrections.js';
import { carryOutApproval, checklistOf } from './approval-work.js';
import { linkResolveFeedback } from './feedback-link.js';
import { listClusterProposals } from './cluster-proposal.js';
import { signExecutorCall } from './fix-executor.js';
import { loadRoutingConfig, parseRoutingConfig, type RoutingConfig } from './routing-config.js';
import { listRoutingDecisions } from './routing-decisions.js';
import { runChain } from './run-chain.js';
import { verifyProposals } from './verify-proposals.js';

const SKILLS = new Set(['ecm-diagnose', 'ecm-resolve']);
const ROUTING: RoutingConfig = {
  rules: [
    {
      name: 'critical-cluster-to-diagnose',
      from: 'ecm-triage',
      when: { field: 'critical_count', op: '>=', value: 10 },
      to: 'ecm-diagnose',
      max_per_day: 5,
    },
    {
      name: 'confident-diagnosis-to-resolve',
      from: 'ecm-diagnose',
      when: { field: 'confidence', op: '==', value: 'high' },
      to: 'ecm-resolve',
      max_per_day: 5,
    },
  ],
  approval: { supervisor_min_value_aed: 50_000, supervisor_min_orders: 25 },
};
const NOW = new Date('2026-02-17T02:00:00Z');

const suite = agentTestSuite();
const open = suite.open;

const setup = (script: Script[], now = NOW) => suite.startRuntime(script, { prefix: 'chain', now: () => now });

const ORDERS = Array.from({ length: 12 }, (_, i) => ({
  order_id: `ORD-2026-${String(i + 1).padStart(6, '0')}`,
  amount_aed: 1_000 + i * 100,
}));
const cluster = {
  pattern_id: 'P-7f3a9c',
  signature: 'AED|PROCESSING_DEAL_IN|FULFILLMENT_PENDING|PAYMENT_PENDING|no-ftv',
  stuck_reason: 'brn_issue',
  order_count: 12,
  critical_count: 12,
  total_amount_aed: 18_600,
};
const calm = { ...cluster, pattern_id: 'P-000001', critical_count: 3 };
const diagnosis = (confidence: string | number) =>
  reply([
    text(
      JSON.stringify({
        root_cause: 'Lulu never received the BRN for these AED orders.',
        evidence: ['12 critical orders share the signature'],
        recommended_fix: 'Re-push the BRN to Lulu.',
        confidence,
      }),
    ),
  ]);
const action = (orderIds: readonly string[], kind = 'repush_brn_to_lulu') =>
  reply([
    text(
      JSON.stringify({ kind, order_ids: orderIds, evidence: ['12 critical orders share the signature', '300 orders failed yesterday'] }),
    ),
  ]);
const ordersOf = () => ORDERS;

describe('routing.yaml', () => {
  it('the shipped file is valid against the shipped skills', () => {
    const loaded = loadRoutingConfig(SHARED_DIR, new Set(['ecm-diagnose', 'ecm-resolve', 'pattern-intelligence']));
    expect(loaded.ok).toBe(true);
  });

  it('names the file, the key and the expectation for unknown skills, fields and operators', () => {
    const bad = `rules:
  - { name: a, from: ecm-triage, when: { field: critical, op: '>=', value: 10 }, to: ecm-diagnoze, max_per_day: 1 }
  - { name: b, from: ecm-diagnose, when: { field: confidence, op: '>=', value: high }, to: ecm-resolve, max_per_day: 1 }
approval: { supervisor_min_value_aed: 1, supervisor_min_orders: 1 }
`;
    const r = parseRoutingConfig(bad, 'routing.yaml', SKILLS);
    expect(r).toEqual({
      ok: false,
      errors: [
        'routing.yaml: rules[0].to: unknown skill "ecm-diagnoze"; expected a skill under shared/skills',
        'routing.yaml: rules[0].when.field: "critical" is not an output of ecm-triage; expected one of critical_count, order_count, total_amount_aed, high_value_count',
        'routing.yaml: rules[1].when.op: expected == or != for the level confidence',
      ],
    });
    const schema = parseRoutingConfig('rules: []\n', 'routing.yaml', SKILLS);
    expect(schema.ok === false && schema.errors[0]).toMatch(/^routing\.yaml: rules: /);
  });
});

describe('the chain: diagnose → resolve → pending proposal', () => {
  it('a high-confidence diagnosis creates exactly one proposal; re-running the day creates no second', async () => {
    const { api, runtime } = await setup([diagnosis('high'), action(ORDERS.slice(0, 10).map((o) => o.order_id))]);
    const steps = await runChain(runtime, ROUTING, [cluster, calm], { ordersOf });
    expect(steps.map((s) => s.routing)).toEqual(['routed', 'not_matched']);
    expect(steps[0]!.proposal).toMatchObject({ status: 'proposed' });
    const proposals = await listClusterProposals(suite.db, runtime.domain);
    expect(proposals).toHaveLength(1);
    // Risk from the triage facts: orders 1–10 at 1,000 + i·100 AED.
    expect(proposals[0]).toMatchObject({
      clusterId: 'P-7f3a9c',
      day: '2026-02-17',
      orderCount: 10,
      valueAed: 14_500,
      needsSupervisor: false,
      status: 'pending',
    });
    // The evidence with an invented figure was dropped.
    expect(proposals[0]!.action.evidence).toEqual(['12 critical orders share the signature']);
    expect(JSON.stringify(api.requests[1]!.body.messages[0]!.content)).toContain('repush_brn_to_lulu');

    const again = await runChain(runtime, ROUTING, [cluster], { ordersOf });
    expect(again[0]!.routing).toBe('already_routed_today');
    expect(await listClusterProposals(suite.db, runtime.domain)).toHaveLength(1);
    expect(api.requests).toHaveLength(2);
    const decisions = await listRoutingDecisions(suite.db, runtime.domain);
    expect(decisions.map((d) => `${d.rule}:${d.subject}:${d.outcome}`)).toEqual([
      'critical-cluster-to-diagnose:P-7f3a9c:routed',
      'confident-diagnosis-to-resolve:P-7f3a9c:routed',
      'critical-cluster-to-diagnose:P-000001:not_matched',
      'critical-cluster-to-diagnose:P-7f3a9c:already_routed_today',
    ]);
  });

  it('a low-confidence diagnosis creates none', async () => {
    const { api, runtime } = await setup([diagnosis(0.3)]);
    const [step] = await runChain(runtime, ROUTING, [cluster], { ordersOf });
    expect(step).toMatchObject({ routing: 'routed', resolveRouting: 'not_matched' });
    expect(step!.proposal).toBeUndefined();
    expect(await listClusterProposals(suite.db, runtime.domain)).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it('refuses orders outside the cluster and respects the daily limit', async () => {
    const { runtime } = await setup([diagnosis('high'), action(['ORD-2026-999999'])]);
    const [step] = await runChain(runtime, ROUTING, [cluster], { ordersOf });
    expect(step!.proposal).toMatchObject({ status: 'failed', reason: 'proposal names orders outside the cluster: ORD-2026-999999' });
    const limited = { ...ROUTING, rules: [{ ...ROUTING.rules[0]!, max_per_day: 1 }, ROUTING.rules[1]!] };
    const { runtime: r2 } = await setup([diagnosis('low')]);
    const steps = await runChain(r2, limited, [cluster, { ...cluster, pattern_id: 'P-000002' }], { ordersOf });
    expect(steps.map((s) => s.routing)).toEqual(['routed', 'over_daily_limit']);
  });

  it('the supervisor rule: many orders or a high value need a supervisor', async () => {
    const strict = { ...ROUTING, approval: { supervisor_min_value_aed: 50_000, supervisor_min_orders: 10 } };
    const { runtime } = await setup([
      diagnosis('high'),
      action(ORDERS.map((o) => o.order_id)),
      diagnosis('high'),
      action([ORDERS[0]!.order_id]),
    ]);
    await runChain(runtime, strict, [cluster], { ordersOf });
    await runChain(runtime, strict, [{ ...cluster, pattern_id: 'P-000003', signature: 'GBP|x' }], { ordersOf });
    const proposals = await listClusterProposals(suite.db, runtime.domain);
    const [many, one] = ['P-7f3a9c', 'P-000003'].map((id) => proposals.find((p) => p.clusterId === id));
    expect(many).toMatchObject({ orderCount: 12, needsSupervisor: true });
    expect(one).toMatchObject({ orderCount: 1, valueAed: 1_000, needsSupervisor: false });
  });
});

describe('approval, executor, verification, corrections', () => {
  it('approval writes checklists and makes one signed executor call, never repeated', async () => {
    const { runtime } = await setup([diagnosis('high'), action(ORDERS.slice(0, 3).map((o) => o.order_id))]);
    const [step] = await runChain(runtime, ROUTING, [cluster], { ordersOf });
    const [p] = await listClusterProposals(suite.db, runtime.domain);
    const received: { verified: boolean; key: string | undefined; body: { order_ids: string[] } }[] = [];
    const secret = 'test-secret-not-real';
    const receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const ts = String(req.headers['x-ecm-timestamp']);
        const verified = req.headers['x-ecm-signature'] === `sha256=${signExecutorCall(secret, ts, raw)}`;
        received.push({
          verified,
          key: req.headers['idempotency-key'] as string | undefined,
          body: JSON.parse(raw) as { order_ids: string[] },
        });
        res.writeHead(verified ? 202 : 401).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    open.push({ close: () => new Promise<void>((r) => receiver.close(() => r())) });
    const env = {
      ECM_FIX_EXECUTOR_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fixes`,
      ECM_FIX_EXECUTOR_SECRET: secret,
    };

    expect(await carryOutApproval(suite.db, p!.id, env, NOW)).toEqual({ status: 'not_approved' });
    expect(received).toEqual([]);
    await suite.db.query(`UPDATE proposals SET status = 'approved', decided_by = 'lead.ops@example.com', decided_at = $2 WHERE id = $1`, [
      p!.id,
      NOW.toISOString(),
    ]);
    const first = await carryOutApproval(suite.db, p!.id, env, NOW);
    expect(first).toMatchObject({ status: 'done', checklistSteps: 6, executor: { status: 'delivered', httpStatus: 202 } });
    const second = await carryOutApproval(suite.db, p!.id, env, NOW);
    expect(second).toMatchObject({ status: 'done', checklistSteps: 0, executor: { status: 'already_called', outcome: 'delivered' } });
    expect(received).toEqual([
      { verified: true, key: p!.id, body: expect.objectContaining({ order_ids: ORDERS.slice(0, 3).map((o) => o.order_id) }) },
    ]);
    const steps = await checklistOf(suite.db, [ORDERS[0]!.order_id]);
    expect(steps.map((s) => s.step_text)).toEqual([
      `Re-push the BRN from the acquirer to Lulu (proposal ${p!.id.slice(0, 8)})`,
      `Confirm Lulu shows CREDITED for the order (proposal ${p!.id.slice(0, 8)})`,
    ]);

    // Verification: two of the three orders left the stuck set six hours later.
    const later = new Date(NOW.getTime() + 6 * 3_600_000);
    const stillStuck = new Set([ORDERS[2]!.order_id, ...ORDERS.slice(5).map((o) => o.order_id)]);
    const [check] = await verifyProposals(suite.db, runtime.domain, stillStuck, later);
    expect(check).toMatchObject({
      order_count: 3,
      cleared_count: 2,
      line: `P-7f3a9c: 2 of 3 orders cleared within 6 h (repush_brn_to_lulu, proposal ${p!.id.slice(0, 8)})`,
    });
    const dayLater = new Date(NOW.getTime() + 25 * 3_600_000);
    const [none] = await verifyProposals(suite.db, runtime.domain, new Set(ORDERS.map((o) => o.order_id)), dayLater);
    expect(none!.line).toMatch(/^P-7f3a9c: no effect after 25 h /);

    // "Was the diagnosis right?" on a resolved order of the fix judges the diagnosis behind it.
    const feedback = { notes: 'BRN re-pushed; one order also needed a refund', by: 'asha.ops@example.com', at: later };
    const link = await linkResolveFeedback(suite.db, { orderId: ORDERS[0]!.order_id, diagnosisMatch: 'PARTIAL', ...feedback });
    expect(link).toEqual({
      linked: true,
      executionId: step!.diagnosis!.status === 'diagnosed' ? step!.diagnosis!.execution.id : 'none',
      verdict: 'partly',
    });
    expect(await linkResolveFeedback(suite.db, { orderId: ORDERS[9]!.order_id, diagnosisMatch: 'WRONG', ...feedback })).toEqual({
      linked: false,
    });
  });

  it('a correction changes the satisfaction figure and shows as a common mistake', async () => {
    const { runtime } = await setup([diagnosis(0.3)]);
    const [step] = await runChain(runtime, ROUTING, [cluster], { ordersOf });
    const executionId = step!.diagnosis!.status === 'diagnosed' ? step!.diagnosis!.execution.id : '';
    const since = new Date(NOW.getTime() - 3_600_000);
    const before = (await correctionStats(suite.db, since)).skills.find((s) => s.skill === 'ecm-diagnose')!;
    expect(before.wrong).toBe(0);
    const result = await recordCorrection(suite.db, executionId.slice(0, 12), {
      verdict: 'wrong',
      note: 'The BRN was pushed; Lulu was down',
      by: 'lead.ops@example.com',
      at: NOW.toISOString(),
    });
    expect(result).toMatchObject({ ok: true, executionId, skill: 'ecm-diagnose', subject: cluster.signature });
    const after = await correctionStats(suite.db, since);
    const diag = after.skills.find((s) => s.skill === 'ecm-diagnose')!;
    expect(diag.corrections).toBe(before.corrections + 1);
    expect(diag.satisfaction).toBeCloseTo(before.satisfaction - 1 / before.executions);
    expect(after.commonMistakes.filter((m) => m.verdict === 'wrong')).toEqual([
      { skill: 'ecm-diagnose', verdict: 'wrong', note: 'The BRN was pushed; Lulu was down', count: 1 },
    ]);
    expect(
      await recordCorrection(suite.db, 'nope', { verdict: 'right', note: null, by: 'a@example.com', at: NOW.toISOString() }),
    ).toMatchObject({ ok: false });
  });
});
