import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateDb } from '@ecm/core/stores';
import { startTracing } from '@ecm/agent/tracing';
import {
  reply,
  startFakeMessagesApi,
  text,
  toolUse,
  type FakeMessagesApi,
  type RecordedRequest,
} from '../../../agent/src/__fixtures__/fake-messages-api.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../agent/src/__fixtures__/otlp-receiver.js';
import { collector, demoHome, type DemoHome } from '../__fixtures__/demo-home.js';
import { statsCommand } from '../commands/stats.js';
import { runPhases } from './run-phases.js';

/** Runs `ecm-manager stats` in this process and keeps what it writes on stdout. */
async function stats(options: { execution: string; json?: boolean }): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    const code = await statsCommand(options);
    return { code, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

const AS_OF = new Date('2026-02-17T01:30:00Z');
const promptOf = (req: RecordedRequest) => {
  const content = req.body.messages[0]!.content;
  return typeof content === 'string' ? content : (content as { text?: string }[]).map((b) => b.text ?? '').join('\n');
};

/** The model: insights answer at once; the specialist searches the runbooks, then diagnoses. */
function model(req: RecordedRequest) {
  if (!promptOf(req).startsWith('Diagnose this cluster'))
    return reply([text('• The backlog report is complete.\n• Ops owns the top actions.\n• Nothing else stands out.')]);
  if (req.body.messages.length === 1)
    return reply(
      [
        text('The signature points at the payout leg; checking the runbook first.'),
        toolUse('runbooks_search', { query: 'payout pending' }),
      ],
      { input: 1200, output: 60 },
    );
  return reply(
    [
      text(
        JSON.stringify({
          root_cause: 'The payout partner never confirmed these orders.',
          evidence: ['The runbook describes the same symptom'],
          recommended_fix: 'Ask the partner to replay the confirmations.',
          confidence: 0.7,
        }),
      ),
    ],
    { input: 1500, output: 120 },
  );
}

describe('a daily run is one trace: run → phases → skills → model and tool calls, with the hand-off to the specialist', () => {
  let demo: DemoHome;
  let api: FakeMessagesApi;
  let receiver: OtlpReceiver;
  let spans: ReceivedSpan[];
  let facts: Record<string, unknown>[];

  beforeAll(async () => {
    // Enough stuck orders for at least one cluster to reach the specialist (10+ critical orders).
    demo = await demoHome({ orders: 4_000, seed: 21, asOf: AS_OF, stuckScale: 12 });
    api = await startFakeMessagesApi();
    for (let i = 0; i < 40; i++) api.push(model);
    receiver = await startOtlpReceiver();
    Object.assign(process.env, { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url });
    const tracing = await startTracing({
      serviceName: 'ecm-manager',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, OTEL_EXPORTER_OTLP_HEADERS: 'x-scope-orgid=ops%20team' },
    });
    expect(tracing).toMatchObject({ exporting: true, url: `${receiver.url}/v1/traces` });
    try {
      const run = await runPhases({
        command: 'daily',
        phases: ['backlog', 'triage', 'patterns'],
        asOf: AS_OF,
        dryRun: false,
        force: false,
        out: collector(),
      });
      expect(run.outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      facts = run.outcomes.map((o) => o.facts);
    } finally {
      await tracing.shutdown();
    }
    spans = receiver.spans;
  }, 120_000);
  afterAll(async () => {
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_BASE_URL;
    await api.close();
    await receiver.close();
    demo.cleanup();
  });

  const one = (name: string) => {
    const found = spans.filter((s) => s.name === name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };
  const childrenOf = (parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

  it('exports over OTLP/HTTP with the configured headers, all spans in one trace', () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((r) => r.path === '/v1/traces' && r.headers['x-scope-orgid'] === 'ops team')).toBe(true);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.every((s) => s.service === 'ecm-manager')).toBe(true);
  });

  it('nests phases under the run and the analyst skills under their phase', () => {
    const root = one('ecm-manager daily');
    expect(root.parentSpanId).toBeNull();
    expect(childrenOf(root).map((s) => s.name)).toEqual(['phase backlog', 'phase triage', 'phase patterns']);
    expect(childrenOf(one('phase backlog')).map((s) => s.name)).toEqual(['invoke_agent ecm-daily-flow']);
    expect(childrenOf(one('phase triage')).map((s) => s.name)).toEqual(['invoke_agent triage-and-assign']);
    expect(one('phase patterns').attributes).toMatchObject({ 'ecm.phase': 'patterns', 'ecm.phase_status': 'succeeded' });
  });

  it('shows the manager → specialist hand-off as a span holding the specialist, its model calls and its tool call', () => {
    const routed = (facts[2]!.clusters as { route_to_specialist: boolean }[]).filter((c) => c.route_to_specialist);
    expect(routed.length).toBeGreaterThan(0);
    const patterns = one('phase patterns');
    const handoffs = childrenOf(patterns).filter((s) => s.name === 'handoff ecm-triage → ecm-diagnose');
    expect(handoffs).toHaveLength(routed.length);
    expect(childrenOf(patterns).map((s) => s.name)).toContain('invoke_agent pattern-intelligence');
    const handoff = handoffs[0]!;
    expect(handoff.attributes).toMatchObject({ 'ecm.routing.from_skill': 'ecm-triage', 'ecm.routing.to_skill': 'ecm-diagnose' });

    const [specialist] = childrenOf(handoff);
    expect(specialist!.name).toBe('invoke_agent ecm-diagnose');
    expect(specialist!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'ecm-diagnose',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-6',
      'ecm.skill_role': 'specialist',
      'ecm.outcome': 'success',
      'gen_ai.usage.input_tokens': 2700,
      'gen_ai.usage.output_tokens': 180,
    });
    const steps = childrenOf(specialist!);
    expect(steps.map((s) => s.name)).toEqual(['chat claude-sonnet-4-6', 'execute_tool runbooks_search', 'chat claude-sonnet-4-6']);
    const [firstCall, tool, secondCall] = steps;
    expect(firstCall!.kind).toBe(3); // CLIENT
    expect(firstCall!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'anthropic',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-6',
      'gen_ai.response.model': 'claude-haiku-4-5', // what the stand-in API answers with
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 60,
      'gen_ai.response.finish_reasons': ['tool_use'],
    });
    // $3/M input and $15/M output for Sonnet 4.6 in llm.yaml.
    expect(firstCall!.attributes['ecm.cost_usd']).toBeCloseTo((1200 * 3 + 60 * 15) / 1e6, 10);
    expect(secondCall!.attributes['gen_ai.response.finish_reasons']).toEqual(['end_turn']);
    expect(tool!.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'runbooks_search',
      'gen_ai.tool.type': 'function',
    });
  });

  it('stores the trace id and the span id of each execution in the log', async () => {
    const state = await openStateDb();
    try {
      const rows = await state.query(
        `SELECT e.skill, e.trace_id, d.span_id FROM skill_executions e JOIN skill_execution_details d ON d.execution_id = e.id ORDER BY e.created_at`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(4);
      const traceId = spans[0]!.traceId;
      for (const row of rows) {
        expect(row.trace_id).toBe(traceId);
        expect(spans.find((s) => s.spanId === row.span_id)?.name).toBe(`invoke_agent ${String(row.skill)}`);
      }
    } finally {
      await state.close();
    }
  });

  it("`stats --execution ID` prints the specialist's detail page: input, reasoning turns, tool calls, output, cost, latency split", async () => {
    const state = await openStateDb();
    const [row] = await state.query(`SELECT id FROM skill_executions WHERE skill = 'ecm-diagnose' ORDER BY created_at LIMIT 1`);
    await state.close();
    // In-process: a spawned CLI compiles PGlite again, which takes long on a busy machine.
    const page = await stats({ execution: String(row!.id) });
    expect(page.code).toBe(0);
    const text = page.stdout;
    expect(text).toContain(`EXECUTION ${String(row!.id)}`);
    expect(text).toContain('Routed from ecm-triage to ecm-diagnose');
    expect(text).toMatch(/Input:\n {4}Diagnose this cluster of stuck orders/);
    expect(text).toMatch(/Tool calls:\n {2}1\. runbooks_search\(\{"query":"payout pending"\}\) — turn 1, \d+ ms/);
    expect(text).toMatch(
      /Reasoning trace:\n {2}Turn 1 \(tool_use, [\d.]+s, \$0\.0\d{3}, then called runbooks_search\):\n {4}The signature points at the payout leg; checking the runbook first\.\n {2}Turn 2 \(end_turn/,
    );
    expect(text).toContain('"root_cause": "The payout partner never confirmed these orders."');
    expect(text).toContain('User correction: none');
    expect(text).toMatch(/Latency: [\d.]+s\n {2}├─ Tools: [\d.]+s \(\d+%\)\n {2}└─ LLM: [\d.]+s \(\d+%\)/);

    const json = await stats({ execution: String(row!.id).slice(0, 8), json: true });
    const parsed = JSON.parse(json.stdout) as { id: string; turns: { text: string }[]; latency: { modelMs: number; toolsMs: number } };
    expect(parsed.id).toBe(row!.id);
    expect(parsed.turns.map((t) => t.text)).toEqual([
      'The signature points at the payout leg; checking the runbook first.',
      expect.stringContaining('root_cause'),
    ]);
    expect(parsed.latency.modelMs).toBeGreaterThan(0);

    await expect(stats({ execution: 'no-such-execution' })).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('no skill execution no-such-execution in the log'),
    });
  });
});
