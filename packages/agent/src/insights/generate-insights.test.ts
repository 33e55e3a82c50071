import { describe, expect, it } from 'vitest';
import { agentTestSuite } from '../__fixtures__/agent-test-suite.js';
import { apiError, reply, text, toolUse, type Script } from '../__fixtures__/fake-messages-api.js';
import { startTestGateway } from '../__fixtures__/test-gateway.js';
import { fixtureSkills, GUARDRAILS, testLlmConfig } from '../__fixtures__/test-runtime.js';
import type { LlmConfig } from '../config/llm-config.js';
import { queryRows } from '../db/sql.js';
import { measureLlmContext } from '../bench/llm-context.js';
import { generateInsights, parseBullets } from './generate-insights.js';
import { redactPii } from './redact-pii.js';

const suite = agentTestSuite();
const open = suite.open;

const facts = {
  as_of: '2026-02-17T01:30:00Z',
  actionable: 412,
  previous_actionable: 388,
  value_at_risk_aed: 1_234_567.89,
  actionable_by_reason: { refund_pending: 23, stuck_due_to_payment_issue_goms: 57 },
  top_customer: { order_id: 'ORD-2026-000123', full_name: 'Test Customer', email: 'test.customer@example.com' },
};

const setup = (script: Script[], opts: { env?: NodeJS.ProcessEnv; llm?: LlmConfig } = {}) =>
  suite.startRuntime(script, {
    prefix: 'insights',
    gateway: true,
    ...(opts.llm ? { llm: opts.llm } : {}),
    ...(opts.env ? { env: () => opts.env! } : {}),
  });

describe('generateInsights', () => {
  it('never lets an invented figure reach the output, and logs the dropped bullet', async () => {
    const { api, runtime } = await setup([
      reply([toolUse('runbook_get', { reason: 'refund_pending' })]),
      reply([
        text(
          [
            'Here are the insights:',
            '• *412 actionable* orders, up from 388 yesterday.',
            '• *23 orders* hold customer money (`refund_pending`): refund queue first.',
            '• *640 orders* will breach their SLA by tonight.',
            '• *AED 1.2M* at risk; escalate refunds after 48 h per the runbook.',
          ].join('\n'),
        ),
      ]),
    ]);
    const result = await generateInsights(runtime, { skill: 'test-insights', facts, phase: 'backlog', traceId: 'daily-1' });
    if (!('bullets' in result)) throw new Error(`unavailable: ${result.unavailable}`);
    expect(result.bullets).toEqual([
      '*412 actionable* orders, up from 388 yesterday.',
      '*23 orders* hold customer money (`refund_pending`): refund queue first.',
      // 48 comes from the runbook the model read through a tool.
      '*AED 1.2M* at risk; escalate refunds after 48 h per the runbook.',
    ]);
    expect(result.bullets.join('\n')).not.toContain('640');
    expect(result.dropped).toEqual([{ text: '*640 orders* will breach their SLA by tonight.', numbers: ['640'] }]);
    expect(result.execution.outcome).toBe('verifier_dropped');

    const [row] = await queryRows(suite.db, 'SELECT outcome, outcome_detail, output FROM skill_executions WHERE id = $1', [
      result.execution.id,
    ]);
    expect(row).toMatchObject({ outcome: 'verifier_dropped', outcome_detail: expect.stringContaining('unsupported figures: 640') });
    expect(JSON.stringify((row!.output as { bullets: string[] }).bullets)).not.toContain('640');

    // Facts reach the model with PII masked.
    const prompt = JSON.stringify(api.requests[0]!.body.messages[0]);
    expect(prompt).toContain('412');
    expect(prompt).not.toContain('Test Customer');
    expect(prompt).not.toContain('test.customer@example.com');
  });

  it('says why when there are no insights', async () => {
    const noKey = await setup([], { env: {} });
    expect(await generateInsights(noKey.runtime, { skill: 'test-insights', facts })).toEqual({ unavailable: 'no ANTHROPIC_API_KEY set' });

    const broke = await setup([reply([text('unused')])], { llm: testLlmConfig({ budget: { daily_usd_per_domain: 0.000001 } }) });
    expect(await generateInsights(broke.runtime, { skill: 'test-insights', facts })).toMatchObject({
      unavailable: 'daily LLM budget of $0.00 used',
    });
    expect(broke.api.requests).toHaveLength(0);

    const down = await setup([apiError(401, 'authentication_error', 'invalid x-api-key')]);
    expect(await generateInsights(down.runtime, { skill: 'test-insights', facts })).toMatchObject({
      unavailable: 'LLM API failed: 401 authentication_error: invalid x-api-key',
    });

    const inventive = await setup([reply([text('• 999 orders are fine.\n• 31% are late.')])]);
    expect(await generateInsights(inventive.runtime, { skill: 'test-insights', facts })).toMatchObject({
      unavailable: 'no insight survived the number check (2 dropped)',
    });
  });

  it('keeps at most five bullets', async () => {
    const { runtime } = await setup([reply([text(['412', '388', '23', '57', '412 again', '388 again'].map((b) => `- ${b}`).join('\n'))])]);
    const result = await generateInsights(runtime, { skill: 'test-insights', facts });
    expect('bullets' in result && result.bullets).toEqual(['412', '388', '23', '57', '412 again']);
  });
});

describe('measureLlmContext (bench/llm-context.mjs)', () => {
  it('measures exactly what an insights call sends, and prices a daily run at Haiku rates', async () => {
    const { api, runtime } = await setup([reply([text('• 412 actionable')])]);
    const gateway = await startTestGateway();
    open.push(gateway);
    const { tools } = await gateway.client.listTools();
    await generateInsights(runtime, { skill: 'test-insights', facts, phase: 'backlog' });
    const sent = api.requests[0]!.body;
    const report = measureLlmContext({
      phases: [
        { phase: 'backlog', skill: 'test-insights', facts },
        { phase: 'triage', skill: 'test-reader', facts: { assigned: 120 } },
      ],
      skills: fixtureSkills(),
      guardrails: GUARDRAILS,
      llm: testLlmConfig(),
      tools,
    });
    const backlog = report.phases[0]!;
    const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
    expect(backlog.bytes.system).toBe(bytes(sent.system!.map((b) => b.text).join('')));
    expect(backlog.bytes.tools).toBe(bytes(JSON.stringify(sent.tools)));
    expect(backlog.bytes.input).toBe(bytes((sent.messages[0]!.content as { text: string }[])[0]!.text));
    expect(backlog.bytes.total).toBe(backlog.bytes.system + backlog.bytes.tools + backlog.bytes.input);
    expect(backlog.toolsMeasured).toEqual(['load_skill', 'runbook_get']);
    expect(report.phases[1]!.toolsNotMeasured).toEqual([]);
    expect(backlog.estimatedInputTokens).toBeGreaterThan(backlog.bytes.total / 5);
    expect(backlog.estimatedCostUsd).toBeCloseTo(backlog.estimatedInputTokens * 1e-6 + 300 * 5e-6, 12);
    expect(report.dailyRun.estimatedCostUsd).toBeCloseTo(report.phases[0]!.estimatedCostUsd + report.phases[1]!.estimatedCostUsd, 12);
    expect(backlog.cacheable).toBe(false); // far below Haiku's 4,096-token minimum
  });
});

describe('parseBullets and redactPii', () => {
  it('reads marked lines only when there are any', () => {
    expect(parseBullets('Intro\n• one\n- two\n3. three\n')).toEqual(['one', 'two', 'three']);
    expect(parseBullets('one\n\ntwo')).toEqual(['one', 'two']);
  });

  it('masks customer contact fields and email addresses anywhere', () => {
    expect(redactPii({ full_name: 'Test Customer', phone: '+971500000012', note: 'mail test.customer@example.com', amount: 5 })).toEqual({
      full_name: 'T***********r',
      phone: '+***********2',
      note: 'mail t***********************m',
      amount: 5,
    });
  });
});
