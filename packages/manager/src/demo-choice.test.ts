import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStateDb } from '@ecm/core/stores';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../core/src/slack/__fixtures__/fake-slack-api.js';
import { seededCliHome } from './__fixtures__/demo-home.js';
import { runNode } from './__fixtures__/run-node.js';

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));
const GATEWAY = fileURLToPath(new URL('../../gateway/bin/ecm-gateway.js', import.meta.url));
const AS_OF = '2026-02-17T01:30:00Z';

let home: string;
const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: home, ECM_HOME: home, ...extra });

const run = (bin: string, args: string[], extra: Record<string, string> = {}) => runNode(bin, args, env(extra));

const outbox = () => {
  try {
    return readdirSync(path.join(home, 'outbox'));
  } catch {
    return [];
  }
};

let slack: FakeSlack;
let production: Record<string, string>;

beforeAll(async () => {
  home = await seededCliHome('ecm-demo-choice-');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeEach(async () => {
  slack = await startFakeSlack();
  // A half-filled production secret: Slack is set, the warehouse is not.
  production = { SLACK_BOT_TOKEN: 'xoxb-0000-test-token', SLACK_CHANNEL_ID: 'C0TESTCHAN', SLACK_API_URL: slack.url };
});
afterEach(async () => {
  await slack.close();
});

describe('the demo warehouse is a choice', () => {
  it('a production configuration without ECM_WAREHOUSE_URL posts nothing and exits 3 naming the variable', async () => {
    const r = await run(CLI, ['daily', '--as-of', AS_OF], production);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('ECM_WAREHOUSE_URL is not set');
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    expect(r.stderr).toContain('ECM_DEMO=1');
    expect(slack.calls).toEqual([]);
    expect(outbox()).toEqual([]);
  });

  it('the same holds for every command that reads the warehouse, and for each production signal', async () => {
    for (const [args, extra] of [
      [['triage', '--as-of', AS_OF], production],
      [['stuck', '--as-of', AS_OF], { ECM_TICKETS: 'sheets' }],
      [['backlog', '--as-of', AS_OF, '--dry-run'], { ECM_STATE_URL: 'postgres://ecm@127.0.0.1:9/ecm' }],
    ] as const) {
      const r = await run(CLI, [...args], extra);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain('ECM_WAREHOUSE_URL is not set');
    }
    const gateway = await run(GATEWAY, [], production);
    expect(gateway.code, gateway.stderr).toBe(3);
    expect(gateway.stderr).toContain('ECM_WAREHOUSE_URL is not set');
    expect(slack.calls).toEqual([]);
  });

  it('with ECM_DEMO=1 the run posts, and every report says [DEMO] in its title', async () => {
    const r = await run(CLI, ['daily', '--as-of', AS_OF, '--json'], { ...production, ECM_DEMO: '1' });
    expect(r.code, r.stderr).toBe(0);
    const phases = (JSON.parse(r.stdout) as { phases: { phase: string; status: string; messages: { title: string; text: string }[] }[] })
      .phases;
    expect(phases.map((p) => p.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const m of phases.flatMap((p) => p.messages)) {
      expect(m.title.startsWith('[DEMO] ')).toBe(true);
      expect(m.text.startsWith('[DEMO] ')).toBe(true);
    }
    const parents = slack.posted().filter((c) => !c.params.thread_ts);
    expect(parents).toHaveLength(3);
    for (const post of parents) {
      expect(post.params.text?.startsWith('[DEMO] ')).toBe(true);
      const heading = (post.blocks as { type: string; text?: { text: string } }[]).find((b) => b.type === 'header');
      expect(heading?.text?.text.startsWith('[DEMO] ')).toBe(true);
    }
  });

  it("the triage run writes the day's Daily Stats rows", async () => {
    const state = await openStateDb({ env: env({}) });
    try {
      const rows = await state.query('SELECT date, agent_email, resolved, escalated FROM daily_stats ORDER BY agent_email');
      const assigned = await state.query(`SELECT DISTINCT agent_email FROM tickets ORDER BY agent_email`);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.agent_email)).toEqual(assigned.map((r) => r.agent_email));
      expect(new Set(rows.map((r) => String(r.date)))).toEqual(new Set(['2026-02-17']));
    } finally {
      await state.close();
    }
  });
});
