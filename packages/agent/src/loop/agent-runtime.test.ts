import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { agentTestSuite } from '../__fixtures__/agent-test-suite.js';
import {
  apiError,
  reply,
  startFakeMessagesApi,
  text,
  toolResultsOf,
  toolUse,
  type FakeMessagesApi,
  type Script,
} from '../__fixtures__/fake-messages-api.js';
import { fixtureSkills, GUARDRAILS, testLlmConfig } from '../__fixtures__/test-runtime.js';
import { INJECTION } from '../__fixtures__/test-gateway.js';
import type { LlmConfig } from '../config/llm-config.js';
import { queryRows } from '../db/sql.js';
import { recordExecution } from '../log/execution-log.js';
import { executionPage } from '../log/execution-detail.js';
import { createAgentRuntime } from './agent-runtime.js';

const suite = agentTestSuite();
const open = suite.open;

async function setup(script: Script[], opts: { llm?: LlmConfig; env?: NodeJS.ProcessEnv; now?: () => Date } = {}) {
  const { api, gateway, runtime, domain } = await suite.startRuntime(script, {
    prefix: 'test',
    gateway: true,
    ...(opts.llm ? { llm: opts.llm } : {}),
    ...(opts.env ? { env: () => opts.env! } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { api, gateway: gateway!, runtime, domain };
}

const rowOf = async (id: string) => (await queryRows(suite.db, 'SELECT * FROM skill_executions WHERE id = $1', [id]))[0]!;
const toolNames = (api: FakeMessagesApi, i: number) => api.requests[i]!.body.tools?.map((t) => t.name);
const READ_ONLY_OFFER = ['load_skill', 'orders_lookup', 'runbook_get', 'big_dump', 'flaky', 'tickets_list'];

describe('the tool-use loop against the real SDK and a local Messages API', () => {
  it('runs a multi-turn tool-use execution, caches the stable prefix and accounts every token kind', async () => {
    const { api, gateway, runtime } = await setup([
      reply([text('Let me look.'), toolUse('orders_lookup', { reason: 'refund_pending' })], { input: 1200, output: 40, cacheWrite: 2000 }),
      reply([text('23 refund_pending orders hold AED 48,210.50.')], { input: 300, output: 30, cacheRead: 2000 }),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'How many refund_pending orders?', traceId: 'trace-1' });

    expect(exec).toMatchObject({
      outcome: 'success',
      detail: null,
      text: '23 refund_pending orders hold AED 48,210.50.',
      turns: 2,
      model: 'claude-haiku-4-5',
      role: 'manager',
      recorded: true,
    });
    expect(exec.toolCalls).toMatchObject([{ name: 'orders_lookup', ok: true, turn: 1 }]);
    expect(exec.usage).toEqual({ input: 1500, output: 70, cacheWrite: 2000, cacheRead: 2000 });
    // Haiku 4.5: $1/M input, writes 1.25x, reads 0.1x, $5/M output.
    expect(exec.costUsd).toBeCloseTo((1500 + 2000 * 1.25 + 2000 * 0.1 + 70 * 5) / 1e6, 12);

    expect(api.requests).toHaveLength(2);
    const first = api.requests[0]!;
    expect(first.path).toBe('/v1/messages');
    expect(first.headers.authorization).toBe('Bearer sk-test-key'); // SDK 1.x sends the key as a bearer token
    expect(first.body.model).toBe('claude-haiku-4-5');
    expect(first.body.system![0]!.text.startsWith(GUARDRAILS)).toBe(true);
    expect(first.body.system![1]!.cache_control).toEqual({ type: 'ephemeral' });
    expect(toolNames(api, 0)).toEqual(READ_ONLY_OFFER);
    expect(first.body.tool_choice).toEqual({ type: 'auto' });
    const second = api.requests[1]!;
    expect(second.body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(toolResultsOf(second)).toEqual([
      { type: 'tool_result', tool_use_id: expect.any(String), content: '{"reason":"refund_pending","count":23,"amount_aed":48210.5}' },
    ]);
    expect(gateway.calls.map((c) => c.name)).toEqual(['orders_lookup']);

    const row = await rowOf(exec.id);
    expect(row).toMatchObject({
      domain: runtime.domain,
      skill: 'test-reader',
      role: 'manager',
      model: 'claude-haiku-4-5',
      outcome: 'success',
      input_tokens: 1500,
      output_tokens: 70,
      cache_write_tokens: 2000,
      cache_read_tokens: 2000,
      turns: 2,
      trace_id: 'trace-1',
      input_summary: 'How many refund_pending orders?',
      output: '23 refund_pending orders hold AED 48,210.50.',
    });
    expect(row.cost_usd).toBeCloseTo(exec.costUsd, 12);
    expect(row.tool_calls).toEqual([
      { name: 'orders_lookup', args_digest: expect.stringMatching(/^[0-9a-f]{16}$/), ms: expect.any(Number), ok: true, turn: 1 },
    ]);
    expect(exec.withheldTools).toEqual([{ name: 'assign_ticket', why: 'not read-only: skills get no write path' }]);

    // The detail page: the full input, each assistant turn's reasoning with its tool calls, the latency split.
    const page = (await executionPage(suite.db, exec.id))!;
    expect(page).toMatchObject({
      id: exec.id,
      skill: 'test-reader',
      traceId: 'trace-1',
      spanId: null,
      input: 'How many refund_pending orders?',
      outcome: 'success',
      output: exec.output,
    });
    expect(page.turns.map((t) => [t.turn, t.text, t.stop_reason, t.tool_calls.map((c) => c.name)])).toEqual([
      [1, 'Let me look.', 'tool_use', ['orders_lookup']],
      [2, '23 refund_pending orders hold AED 48,210.50.', 'end_turn', []],
    ]);
    expect(page.turns[0]!.tool_calls[0]).toMatchObject({
      arguments: { reason: 'refund_pending' },
      ok: true,
      result_chars: 59,
      result_preview: '{"reason":"refund_pending","count":23,"amount_aed":48210.5}',
    });
    expect(page.turns[0]!.usage).toEqual({ input: 1200, output: 40, cacheWrite: 2000, cacheRead: 0 });
    expect(page.turns.reduce((n, t) => n + t.cost_usd, 0)).toBeCloseTo(exec.costUsd, 12);
    expect(page.latency.modelMs).toBe(Math.round(exec.modelMs));
    expect(page.latency.toolsMs).toBe(Math.round(exec.toolsMs));
    expect(exec.modelMs + exec.toolsMs).toBeLessThanOrEqual(exec.latencyMs);
    expect(exec.toolsMs).toBeGreaterThan(0);
    expect(await executionPage(suite.db, exec.id.slice(0, 8))).toMatchObject({ id: exec.id });
    expect(await executionPage(suite.db, 'no-such-execution')).toBeNull();
  });

  it('runs independent tool calls in parallel and returns their results in call order', async () => {
    const { api, gateway, runtime } = await setup([
      reply([
        toolUse('orders_lookup', { reason: 'slow_reason', delay_ms: 200 }),
        toolUse('orders_lookup', { reason: 'refund_pending', delay_ms: 10 }),
      ]),
      reply([text('Done.')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Two lookups' });
    expect(exec.outcome).toBe('success');
    const [slow, fast] = gateway.calls;
    // Both ran at once: each started before the other ended.
    expect(slow!.startedAt).toBeLessThan(fast!.endedAt!);
    expect(fast!.startedAt).toBeLessThan(slow!.endedAt!);
    expect(fast!.endedAt!).toBeLessThan(slow!.endedAt!);
    const assistant = api.requests[1]!.body.messages[1]!.content as { type: string; id: string }[];
    const results = toolResultsOf(api.requests[1]!);
    expect(results.map((r) => r.tool_use_id)).toEqual(assistant.filter((b) => b.type === 'tool_use').map((b) => b.id));
    expect(results[0]!.content).toContain('slow_reason');
    expect(results[1]!.content).toContain('refund_pending');
  });

  it('withdraws the tools on the last turn, never runs a call made after that, and logs the limit', async () => {
    const { api, gateway, runtime } = await setup([
      reply([toolUse('orders_lookup', { reason: 'a' })]),
      reply([toolUse('orders_lookup', { reason: 'b' })]),
      reply([toolUse('orders_lookup', { reason: 'c' })]),
      reply([text('Partial: 7 orders of reason a.'), toolUse('orders_lookup', { reason: 'd' })]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Keep looking' });
    expect(api.requests).toHaveLength(4); // max-turns: 4
    expect(api.requests.slice(0, 3).map((r) => r.body.tool_choice)).toEqual([{ type: 'auto' }, { type: 'auto' }, { type: 'auto' }]);
    const last = api.requests[3]!;
    expect(last.body.tool_choice).toEqual({ type: 'none' });
    const lastContent = last.body.messages[last.body.messages.length - 1]!.content as { type: string; text?: string }[];
    expect(lastContent.at(-1)).toEqual({ type: 'text', text: expect.stringContaining('Turn limit reached (4 of 4): tools are withdrawn') });
    expect(gateway.calls.map((c) => (c.args as { reason: string }).reason)).toEqual(['a', 'b', 'c']);
    expect(exec).toMatchObject({
      outcome: 'max_turns',
      detail: 'stopped at the limit of 4 turns',
      text: 'Partial: 7 orders of reason a.',
      turns: 4,
    });
    expect(exec.notes).toContain('max turns (4) reached: tools withdrawn on turn 4');
    expect(exec.notes).toContain('turn 4: 1 tool call(s) after the tools were withdrawn, not run');
    expect(await rowOf(exec.id)).toMatchObject({
      outcome: 'max_turns',
      outcome_detail: 'stopped at the limit of 4 turns',
      notes: expect.arrayContaining([
        'max turns (4) reached: tools withdrawn on turn 4',
        'tool assign_ticket withheld: not read-only: skills get no write path',
      ]),
    });
  });

  it('refuses a tool call identical to an earlier one, whatever the key order', async () => {
    const { api, gateway, runtime } = await setup([
      reply([toolUse('orders_lookup', { reason: 'refund_pending', delay_ms: 1 })]),
      reply([toolUse('orders_lookup', { delay_ms: 1, reason: 'refund_pending' })]),
      reply([text('23 orders.')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Look twice' });
    expect(exec.outcome).toBe('success');
    expect(gateway.calls).toHaveLength(1);
    const [refused] = toolResultsOf(api.requests[2]!);
    expect(refused).toMatchObject({
      is_error: true,
      content: expect.stringContaining('already called orders_lookup with these arguments on turn 1'),
    });
    expect(exec.toolCalls.map((c) => c.ok)).toEqual([true, false]);
    expect(exec.toolCalls[0]!.args_digest).toBe(exec.toolCalls[1]!.args_digest);
  });

  it('refuses an oversized tool result and asks the model to narrow its query', async () => {
    const { api, runtime } = await setup([reply([toolUse('big_dump', {})]), reply([text('no data')])]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Dump everything' });
    const [result] = toolResultsOf(api.requests[1]!);
    expect(result!.is_error).toBe(true);
    expect(result!.content).toMatch(/result too large: 50000 characters, the limit is 20000\. Narrow the query/);
    expect(result!.content.length).toBeLessThan(500);
    expect(exec.toolCalls).toMatchObject([{ name: 'big_dump', ok: false }]);
  });

  it('turns an unknown tool, bad arguments and a thrown error into error results, in order', async () => {
    const { api, gateway, runtime } = await setup([
      reply([
        toolUse('assign_ticket', { order_id: 'ORD-1', agent: 'a@example.com' }),
        toolUse('orders_lookup', {}),
        toolUse('flaky', {}),
        toolUse('runbook_get', { reason: 'refund_pending' }),
      ]),
      reply([text('Runbook read.')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Try everything' });
    expect(exec.outcome).toBe('success');
    const results = toolResultsOf(api.requests[1]!);
    expect(results.map((r) => r.is_error ?? false)).toEqual([true, true, true, false]);
    expect(results[0]!.content).toMatch(/unknown tool "assign_ticket"\. The tools you have are: load_skill, orders_lookup/);
    expect(results[1]!.content).toMatch(/bad arguments for orders_lookup: missing reason/);
    expect(results[2]!.content).toMatch(/warehouse connection reset/);
    expect(results[3]!.content).toMatch(/Runbook refund_pending/);
    expect(gateway.writes).toEqual([]);
    expect(gateway.calls.map((c) => c.name)).toEqual(['flaky', 'runbook_get']);
  });

  it('runs on the facts alone, saying so, when the gateway is down', async () => {
    const { api, gateway, runtime } = await setup([reply([text('no data')])]);
    await gateway.close();
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(exec.outcome).toBe('success');
    expect(toolNames(api, 0)).toEqual(['load_skill']);
    expect(exec.withheldTools).toHaveLength(6);
    expect(exec.withheldTools[0]).toEqual({ name: 'orders_lookup', why: expect.stringMatching(/^gateway unavailable: /) });
  });

  it('answers load_skill with a skill body, and with the list for an unknown name', async () => {
    const { api, runtime } = await setup([
      reply([toolUse('load_skill', { name: 'ecm-diagnose' }), toolUse('load_skill', { name: 'orders_lookup' })]),
      reply([text('ok')]),
    ]);
    await runtime.runSkill({ skill: 'test-reader', input: 'Read a skill' });
    const [body, list] = toolResultsOf(api.requests[1]!);
    expect(body!.content).toContain('# Test diagnose');
    expect(list).toMatchObject({
      is_error: true,
      content: expect.stringContaining('No skill named "orders_lookup". The skills are:\n- ecm-diagnose:'),
    });
  });
});

describe('API failures', () => {
  it('retries a 429 and succeeds', async () => {
    const { api, runtime } = await setup([
      apiError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { headers: { 'retry-after': '0' } }),
      reply([text('fine')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(exec).toMatchObject({ outcome: 'success', text: 'fine' });
    expect(api.requests).toHaveLength(2);
  });

  it('retries a 529 overload, and gives up after max_retries with the reason', async () => {
    const overloaded = apiError(529, 'overloaded_error', 'Overloaded');
    const recovering = await setup([overloaded, reply([text('fine')])]);
    expect((await recovering.runtime.runSkill({ skill: 'test-reader', input: 'hi' })).outcome).toBe('success');

    const { api, runtime } = await setup([overloaded, overloaded, overloaded]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(api.requests).toHaveLength(3); // 1 + max_retries (2)
    expect(exec).toMatchObject({ outcome: 'error', detail: 'LLM API failed: 529 overloaded_error: Overloaded' });
    expect(await rowOf(exec.id)).toMatchObject({ outcome: 'error', outcome_detail: 'LLM API failed: 529 overloaded_error: Overloaded' });
  });

  it('never retries a spend-limit error and stops calling for the rest of the run', async () => {
    const { api, runtime } = await setup([
      apiError(429, 'rate_limit_error', 'You have reached your specified API usage limits.', { errorCode: 'enforced_spend_limit_reached' }),
      reply([text('should never be asked for')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(api.requests).toHaveLength(1);
    expect(exec.outcome).toBe('error');
    expect(exec.detail).toMatch(/^LLM API failed: spend limit reached: 429 rate_limit_error/);
    expect(runtime.breaker.open).toBe(true);
    const next = await runtime.runSkill({ skill: 'test-reader', input: 'again' });
    expect(api.requests).toHaveLength(1);
    expect(next.detail).toMatch(/circuit breaker open: spend limit reached/);
  });

  it('never retries an out-of-credit 400', async () => {
    const { api, runtime } = await setup([
      apiError(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.'),
      reply([text('no')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(api.requests).toHaveLength(1);
    expect(exec.detail).toMatch(/spend limit reached: 400 invalid_request_error: Your credit balance is too low/);
  });

  it('times out every attempt and reports it', async () => {
    const slow = { ...reply([text('too late')]), delayMs: 3000 };
    const { api, runtime } = await setup([slow, slow], { llm: testLlmConfig({ calls: { timeout_ms: 150, max_retries: 1 } }) });
    const started = performance.now();
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(api.requests).toHaveLength(2);
    expect(exec).toMatchObject({ outcome: 'error', detail: 'LLM API failed: request timed out after 150 ms' });
  });

  it('opens the circuit breaker after repeated failed calls', async () => {
    const failing = apiError(500, 'api_error', 'Internal server error');
    const { api, runtime } = await setup([failing, failing, failing, reply([text('unused')])], {
      llm: testLlmConfig({ calls: { max_retries: 0, circuit_breaker_failures: 3 } }),
    });
    for (let i = 0; i < 3; i++) expect((await runtime.runSkill({ skill: 'test-reader', input: `try ${i}` })).outcome).toBe('error');
    const stopped = await runtime.runSkill({ skill: 'test-reader', input: 'once more' });
    expect(api.requests).toHaveLength(3);
    expect(stopped.detail).toMatch(/LLM API failed: circuit breaker open after 3 consecutive failed calls/);
  });
});

describe('budgets', () => {
  it('skips the next call when the daily budget would be exceeded mid-run, and says so', async () => {
    const { api, gateway, runtime } = await setup(
      [reply([toolUse('orders_lookup', { reason: 'refund_pending' })], { input: 18_000, output: 100 }), reply([text('never sent')])],
      { llm: testLlmConfig({ budget: { daily_usd_per_domain: 0.02 } }) },
    );
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Look up refunds' });
    expect(api.requests).toHaveLength(1);
    expect(gateway.calls).toHaveLength(1);
    expect(exec).toMatchObject({ outcome: 'budget_skipped', detail: 'daily LLM budget of $0.02 used', turns: 1 });
    expect(exec.costUsd).toBeCloseTo(0.0185, 10);
    const row = await rowOf(exec.id);
    expect(row).toMatchObject({ outcome: 'budget_skipped', outcome_detail: 'daily LLM budget of $0.02 used' });
    expect(await runtime.spentToday()).toBeCloseTo(0.0185, 10);
  });

  it("counts today's spend in IST from the log and skips before the first call when it is used up", async () => {
    const now = new Date('2026-02-17T18:40:00Z'); // 00:10 IST on Feb 18
    const { api, runtime, domain } = await setup([reply([text('unused')])], { now: () => now });
    const row = (at: string, cost: number) => ({
      id: `seed-${at}`,
      createdAt: new Date(at),
      domain,
      skill: 'test-reader',
      role: 'manager',
      model: 'claude-haiku-4-5',
      subject: null,
      inputSummary: 'seed',
      output: null,
      toolCalls: [],
      turns: 1,
      usage: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
      costUsd: cost,
      latencyMs: 10,
      outcome: 'success' as const,
      outcomeDetail: null,
      routing: null,
      traceId: 'seed',
    });
    await recordExecution(suite.db, row('2026-02-17T18:00:00Z', 3)); // 23:30 IST Feb 17: yesterday
    await recordExecution(suite.db, row('2026-02-17T18:35:00Z', 4.999)); // 00:05 IST Feb 18: today
    expect(await runtime.spentToday()).toBeCloseTo(4.999, 10);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(api.requests).toHaveLength(0);
    expect(exec).toMatchObject({ outcome: 'budget_skipped', detail: 'daily LLM budget of $5.00 used', turns: 0, costUsd: 0 });
  });

  it("stops at the skill's per-execution cost cap", async () => {
    const { api, runtime } = await setup([
      reply([toolUse('runbook_get', { reason: 'refund_pending' })], { input: 600_000, output: 10 }),
      reply([text('unused')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-insights', input: 'hi' }); // max-cost-usd 0.5
    expect(api.requests).toHaveLength(1);
    expect(exec).toMatchObject({ outcome: 'budget_skipped', detail: 'per-execution cost cap of $0.50 reached' });
  });

  it('makes no model call when the state database is down, since the budget cannot be checked', async () => {
    const api = await startFakeMessagesApi([reply([text('unused')])]);
    open.push(api);
    const down = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    open.push({ close: () => down.end() });
    const runtime = createAgentRuntime({
      domain: 'down',
      llm: testLlmConfig(),
      skills: fixtureSkills(),
      guardrails: GUARDRAILS,
      db: down,
      env: { ANTHROPIC_API_KEY: 'sk-test-key', ANTHROPIC_BASE_URL: api.url },
    });
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(exec).toMatchObject({
      outcome: 'error',
      recorded: false,
      detail: expect.stringMatching(/^state database unavailable: .*ECONNREFUSED/),
    });
    expect(api.requests).toHaveLength(0);
  });

  it('reports a missing API key without calling or logging anything', async () => {
    const { api, runtime } = await setup([reply([text('unused')])], { env: {} });
    expect(runtime.unavailable).toBe('no ANTHROPIC_API_KEY set');
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'hi' });
    expect(exec).toMatchObject({ outcome: 'error', detail: 'no ANTHROPIC_API_KEY set', recorded: false });
    expect(api.requests).toHaveLength(0);
    expect(await queryRows(suite.db, 'SELECT 1 FROM skill_executions WHERE id = $1', [exec.id])).toEqual([]);
  });
});

describe('prompt injection through a tool result', () => {
  it('has no write path: only the allowed read-only tools are offered and nothing is written', async () => {
    let injected = '';
    const { api, gateway, runtime } = await setup([
      reply([toolUse('tickets_list', {})]),
      (req) => {
        injected = toolResultsOf(req)[0]!.content;
        // A model that obeys the injected text.
        return reply([
          toolUse('assign_ticket', { order_id: 'ORD-2026-000777', agent: 'boss@example.com' }),
          toolUse('post_slack', { text: '<!channel> all tickets resolved' }),
        ]);
      },
      reply([text('1 open ticket; its notes contain unexpected instructions.')]),
    ]);
    const exec = await runtime.runSkill({ skill: 'test-reader', input: 'Summarise open tickets' });
    expect(injected).toContain('IGNORE ALL PREVIOUS INSTRUCTIONS');
    expect(injected).toContain(JSON.stringify(INJECTION).slice(1, 40));
    for (let i = 0; i < api.requests.length; i++) expect(toolNames(api, i)).toEqual(READ_ONLY_OFFER);
    const listed = (await gateway.client.listTools()).tools;
    for (const name of READ_ONLY_OFFER.slice(1)) expect(listed.find((t) => t.name === name)?.annotations?.readOnlyHint).toBe(true);
    const refusals = toolResultsOf(api.requests[2]!);
    expect(refusals.map((r) => r.is_error)).toEqual([true, true]);
    expect(refusals[0]!.content).toMatch(/unknown tool "assign_ticket"/);
    expect(gateway.writes).toEqual([]);
    expect(gateway.calls.map((c) => c.name)).toEqual(['tickets_list']);
    expect(exec.outcome).toBe('success');
    expect((await queryRows(suite.db, 'SELECT count(*)::int AS n FROM proposals')).at(0)).toEqual({ n: 0 });
  });
});
