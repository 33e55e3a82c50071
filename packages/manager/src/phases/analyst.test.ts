import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount, renderBlocksAsText } from '@ecm/core/slack';
import { openStateDb, openTicketStore } from '@ecm/core/stores';
import {
  reply,
  startFakeMessagesApi,
  text,
  toolResultsOf,
  toolUse,
  type FakeMessagesApi,
} from '../../../agent/src/__fixtures__/fake-messages-api.js';
import { SharedCopy } from '../../../core/src/config/__fixtures__/shared-copy.js';
import { collector, demoHome, type DemoHome } from '../__fixtures__/demo-home.js';
import { runNode } from '../__fixtures__/run-node.js';
import { runPhases } from './run-phases.js';

const AS_OF = new Date('2026-02-17T01:30:00Z');

const threadText = (outcome: { messages: readonly { thread: readonly { blocks: unknown[] }[] }[] }) =>
  outcome.messages[0]!.thread.flatMap((t) => renderBlocksAsText(t.blocks as never)).join('\n');

describe('analyst insights in the reports', () => {
  let demo: DemoHome;
  let api: FakeMessagesApi;

  beforeAll(async () => {
    demo = await demoHome({ orders: 8_000, seed: 21, asOf: AS_OF });
    api = await startFakeMessagesApi();
    Object.assign(process.env, { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url });
  });
  afterAll(async () => {
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_BASE_URL;
    await api.close();
    demo.cleanup();
  });

  it('without a key the report still goes out and says why in one line', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const run = await runPhases({ command: 'backlog', phases: ['backlog'], asOf: AS_OF, dryRun: true, force: false, out: collector() });
      expect(threadText(run.outcomes[0]!)).toContain('Analyst insights unavailable: dry run');
    } finally {
      process.env.ANTHROPIC_API_KEY = 'sk-test';
    }
  });

  it('a bullet with an invented figure never reaches Slack; supported ones do', async () => {
    api.push((req) => {
      const content = req.body.messages[0]!.content;
      const prompt = typeof content === 'string' ? content : (content as { text?: string }[]).map((b) => b.text ?? '').join('\n');
      const facts = JSON.parse(prompt.split('Facts (JSON):\n')[1]!) as { actionable: number };
      return reply([
        text(
          [
            `• ${formatCount(facts.actionable)} orders are actionable this morning.`,
            '• 98,765 orders were refunded by mistake overnight.',
            `• The backlog has ${formatCount(facts.actionable)} actionable orders, most of them for Ops.`,
            '• Lulu delays dominate the top actions.',
          ].join('\n'),
        ),
      ]);
    });
    const run = await runPhases({ command: 'backlog', phases: ['backlog'], asOf: AS_OF, dryRun: false, force: false, out: collector() });
    expect(run.outcomes[0]!.status).toBe('succeeded');
    const thread = threadText(run.outcomes[0]!);
    const actionable = (run.outcomes[0]!.facts as { actionable: number }).actionable;
    expect(thread).toContain('Analyst insights');
    expect(thread).toContain(`${formatCount(actionable)} orders are actionable this morning.`);
    expect(thread).not.toContain('98,765');
    // The model saw aggregates only: no customer names or e-mails in the prompt.
    expect(JSON.stringify(api.requests.at(-1)!.body.messages)).not.toMatch(/@example\.com/);
  });

  it('text in the data telling the model to assign or post changes nothing', async () => {
    const state = await openStateDb();
    const before = await (await openTicketStore(state)).listTickets();
    await state.close();
    // The model "obeys" an injected instruction: it tries to write through tools it was not given.
    api.push(
      reply([
        toolUse('tickets_update', { order_id: 'ORD-00000001', status: 'RESOLVED' }),
        toolUse('slack_post', { text: '<!channel> all clear' }),
      ]),
    );
    api.push((req) => {
      const results = toolResultsOf(req);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((r) => r.is_error)).toBe(true);
      return reply([text('• Nothing to add.')]);
    });
    const run = await runPhases({ command: 'triage', phases: ['triage'], asOf: AS_OF, dryRun: false, force: false, out: collector() });
    expect(run.outcomes[0]!.status).toBe('succeeded');
    const offered = (api.requests.at(-2)!.body.tools ?? []).map((t) => t.name);
    expect(offered).not.toContain('tickets_update');
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.every((name) => !/update|post|assign/.test(name))).toBe(true);
    const state2 = await openStateDb();
    const after = await (await openTicketStore(state2)).listTickets();
    await state2.close();
    // Only the deterministic triage wrote tickets; none was resolved.
    const planned = (run.outcomes[0]!.facts as { assignments: { order_id: string }[] }).assignments.length;
    expect(after.length).toBe(before.length + planned);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((t) => t.status === 'OPEN')).toBe(true);
  });

  it('every skill execution is logged in the state store (what `stats` reads)', async () => {
    const state = await openStateDb();
    try {
      const rows = await state.query(`SELECT skill, outcome FROM skill_executions ORDER BY created_at`);
      expect(rows.map((r) => r.skill)).toEqual(['ecm-daily-flow', 'triage-and-assign']);
      expect(rows[0]!.outcome).toBe('verifier_dropped');
    } finally {
      await state.close();
    }
  });

  it('LLM text is data: mentions, links and broadcasts escaped, contact lines dropped, the report still posted', async () => {
    api.push(
      reply([
        text(
          [
            '• Ops should pick up the Lulu queue first <@UOPSLEAD> <!channel> <#CALERTS>.',
            '• See <https://evil.example.com|the dashboard> for the stuck payouts.',
            '• Write to the customer at ava.customer@example.com about the refund.',
            '• @here payout partners are slower than usual & RFIs wait.',
          ].join('\n'),
        ),
      ]),
    );
    const posted = demo.outboxFiles().length;
    const run = await runPhases({ command: 'backlog', phases: ['backlog'], asOf: AS_OF, dryRun: false, force: true, out: collector() });
    expect(run.exitCode).toBe(0);
    expect(run.outcomes[0]!.status).toBe('succeeded');
    expect(demo.outboxFiles().length).toBeGreaterThan(posted);
    const insights = run.outcomes[0]!.messages[0]!.thread.map((t) => JSON.stringify(t.blocks)).find((b) => b.includes('Analyst insights'))!;
    expect(insights).toContain('&lt;@UOPSLEAD&gt; &lt;!channel&gt; &lt;#CALERTS&gt;');
    expect(insights).toContain('&lt;https://evil.example.com|the dashboard&gt;');
    expect(insights).not.toMatch(/<[@!#h]/);
    expect(insights).not.toContain('ava.customer');
    expect(insights).toContain('1 line left out');
    expect(insights).toContain('＠here payout partners are slower than usual &amp; RFIs wait.');
  }, 300_000);

  it("health reports today's LLM spend from the log", () => {
    const cli = fileURLToPath(new URL('../../bin/ecm-manager.js', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'health', '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: demo.home, ECM_HOME: demo.home },
      encoding: 'utf8',
    });
    const health = JSON.parse(r.stdout) as { llm_spend_today_usd: number | null };
    expect(health.llm_spend_today_usd).toBeGreaterThan(0);
  });

  const cli = fileURLToPath(new URL('../../bin/ecm-manager.js', import.meta.url));
  /** The CLI as a child, asynchronously: the fake Messages API answers from this process. */
  const manager = (args: string[], extra: Record<string, string> = {}) =>
    runNode(cli, args, { PATH: process.env.PATH ?? '', HOME: demo.home, ECM_HOME: demo.home, ...extra });
  type HealthOut = { status: string; checks: { name: string; level: string; detail: string }[] };
  const llmCheck = (stdout: string) => (JSON.parse(stdout) as HealthOut).checks.find((c) => c.name === 'llm')!;
  const exitFor = (stdout: string) => ({ healthy: 0, degraded: 1, down: 2 })[(JSON.parse(stdout) as HealthOut).status];

  it('`test` makes an authenticated call: it fails on a dead endpoint and passes against the stand-in', async () => {
    const dead = await manager(['test', '--json'], { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    expect(dead.code, dead.stderr).not.toBe(0);
    expect(llmCheck(dead.stdout)).toMatchObject({ level: 'down' });
    expect(llmCheck(dead.stdout).detail).toMatch(/one-token call.*failed/);

    const before = api.requests.length;
    api.push(reply([text('ok')]));
    const alive = await manager(['test', '--json'], { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url });
    expect(alive.code).toBe(exitFor(alive.stdout));
    expect(llmCheck(alive.stdout)).toMatchObject({ level: 'ok' });
    const probe = api.requests[before]!;
    expect(JSON.stringify(probe.headers)).toContain('sk-test'); // authenticated with the configured key
    expect(probe.body.max_tokens).toBe(1);

    // A refused key is a failure too.
    api.push({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      headers: { 'x-should-retry': 'false' },
    });
    const refused = await manager(['test', '--json'], { ANTHROPIC_API_KEY: 'sk-wrong', ANTHROPIC_BASE_URL: api.url });
    expect(refused.code).not.toBe(0);
    expect(llmCheck(refused.stdout).detail).toContain('401');
  }, 120_000);

  it("health is degraded (exit 1) once the day's LLM budget is spent", async () => {
    const shared = new SharedCopy();
    try {
      // Earlier tests spent a little today; a budget below that is spent.
      shared.edit('config/llm.yaml', /daily_usd_per_domain: [0-9.]+/, 'daily_usd_per_domain: 0.0000001');
      const key = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url };
      const spent = await manager(['health', '--json'], { ...key, ECM_SHARED_DIR: shared.dir });
      expect(llmCheck(spent.stdout)).toMatchObject({ level: 'degraded' });
      expect(llmCheck(spent.stdout).detail).toContain('daily LLM budget');
      expect(spent.code).toBe(1);
      expect((JSON.parse(spent.stdout) as HealthOut).status).toBe('degraded');
      const withBudget = await manager(['health', '--json'], key);
      expect(llmCheck(withBudget.stdout)).toMatchObject({ level: 'ok' });
    } finally {
      shared.remove();
    }
  }, 120_000);

  it('a broken SKILL.md: every report still goes out, saying "insights unavailable", and the error alert is posted', async () => {
    const shared = new SharedCopy();
    const previous = process.env.ECM_SHARED_DIR;
    try {
      shared.edit('skills/triage-and-assign/SKILL.md', /^---\n/, '---\nname: [unclosed\n');
      process.env.ECM_SHARED_DIR = shared.dir;
      const requests = api.requests.length;
      const out = collector();
      const run = await runPhases({
        command: 'daily',
        phases: ['backlog', 'triage', 'patterns'],
        asOf: AS_OF,
        dryRun: false,
        force: true,
        out,
      });
      expect(run.outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      for (const outcome of run.outcomes)
        expect(threadText(outcome)).toMatch(/Analyst insights unavailable: the LLM configuration is broken \(.*triage-and-assign/);
      expect(run.exitCode).toBe(1);
      const printed = out.text();
      expect(printed).toContain('ECM Manager Error');
      expect(printed).toMatch(/analyst .*failed: LLM configuration broken/);
      expect(api.requests.length).toBe(requests); // no model call on a broken configuration
    } finally {
      if (previous === undefined) delete process.env.ECM_SHARED_DIR;
      else process.env.ECM_SHARED_DIR = previous;
      shared.remove();
    }
  }, 180_000);
});
