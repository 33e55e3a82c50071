import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireFileLock, openStateDb, openTicketStore } from '@ecm/core/stores';
import { checkSlackLimits, checkSlackStyle, formatAed, formatCount, renderBlocksAsText, type SlackMessage } from '@ecm/core/slack';
import { collector, demoHome, emptyHome, type DemoHome } from '../__fixtures__/demo-home.js';
import { startFakeSlack } from '../../../core/src/slack/__fixtures__/fake-slack-api.js';
import { knownBlockValidator } from '../../../core/src/slack/__fixtures__/known-block-validator.js';
import { CliError, EXIT } from '../exit-codes.js';
import { runPhases, type PhaseOutcome } from './run-phases.js';

const AS_OF = new Date('2026-02-17T01:30:00Z'); // 07:00 IST
const GOLDEN = fileURLToPath(new URL('../__fixtures__/golden-daily.txt', import.meta.url));

const daily = (extra: { force?: boolean; dryRun?: boolean; asOf?: Date } = {}) =>
  runPhases({
    command: 'daily',
    phases: ['backlog', 'triage', 'patterns'],
    asOf: extra.asOf ?? AS_OF,
    dryRun: Boolean(extra.dryRun),
    force: Boolean(extra.force),
    out: collector(),
  });

function messageText(m: SlackMessage): string {
  return [
    m.title,
    ...renderBlocksAsText(m.blocks),
    ...m.thread.flatMap((t, i) => [`--- reply ${i + 1}`, ...renderBlocksAsText(t.blocks)]),
  ].join('\n');
}

async function countTickets(): Promise<number> {
  const state = await openStateDb();
  try {
    return (await (await openTicketStore(state)).listTickets()).length;
  } finally {
    await state.close();
  }
}

describe('daily on a seeded demo', () => {
  let demo: DemoHome;
  let first: { outcomes: PhaseOutcome[]; exitCode: number };

  beforeAll(async () => {
    demo = await demoHome({ orders: 30_000, seed: 7, asOf: AS_OF });
    first = await daily();
  });
  afterAll(() => demo.cleanup());

  it('runs the three phases and posts every message once', () => {
    expect(first.exitCode).toBe(EXIT.ok);
    expect(first.outcomes.map((o) => [o.phase, o.status])).toEqual([
      ['backlog', 'succeeded'],
      ['triage', 'succeeded'],
      ['patterns', 'succeeded'],
    ]);
    const posts = first.outcomes.flatMap((o) => o.messages).reduce((n, m) => n + 1 + m.thread.length, 0);
    expect(demo.outboxFiles()).toHaveLength(posts);
  });

  it('matches the golden text of every message (UPDATE_GOLDEN=1 rewrites it)', () => {
    const text = first.outcomes
      .flatMap((o) => o.messages)
      .map(messageText)
      .join('\n\n=====\n\n');
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('every payload is valid Block Kit within Slack limits and style', () => {
    const validate = knownBlockValidator();
    for (const m of first.outcomes.flatMap((o) => o.messages)) {
      expect(checkSlackLimits(m)).toEqual([]);
      expect(checkSlackStyle(m)).toEqual([]);
      for (const block of [...m.blocks, ...m.thread.flatMap((t) => t.blocks)]) expect(validate(block)).toEqual([]);
    }
  });

  it('shows the numbers of its facts', () => {
    const [backlog, triage, patterns] = first.outcomes;
    const b = backlog!.facts as { actionable: number; value_at_risk_aed: number; waterfall: { carry_over: number; new_yesterday: number } };
    const btext = messageText(backlog!.messages[0]!);
    expect(b.actionable).toBeGreaterThan(0);
    expect(btext).toContain(`*${formatCount(b.actionable)}* actionable stuck orders`);
    expect(btext).toContain(formatAed(b.value_at_risk_aed));
    expect(b.waterfall.carry_over + b.waterfall.new_yesterday).toBe(b.actionable);
    const t = triage!.facts as { assigned: number; assignments: { amount_aed: number }[]; assigned_value_aed: number };
    expect(t.assigned).toBe(t.assignments.length);
    expect(t.assigned_value_aed).toBeCloseTo(
      t.assignments.reduce((n, a) => n + a.amount_aed, 0),
      1,
    );
    expect(messageText(triage!.messages[0]!)).toContain(`*${formatCount(t.assigned)}* orders assigned (${formatAed(t.assigned_value_aed)}`);
    const p = patterns!.facts as { pattern_count: number; orders_in_patterns: number };
    expect(messageText(patterns!.messages[0]!)).toContain(
      `*${formatCount(p.orders_in_patterns)}* orders in *${formatCount(p.pattern_count)}* patterns`,
    );
  });

  it('writes one ticket per assignment, each with the filled-in action', async () => {
    const t = first.outcomes[1]!.facts as { assignments: { order_id: string; action: string }[] };
    const state = await openStateDb();
    try {
      const tickets = await (await openTicketStore(state)).listTickets();
      expect(tickets.map((x) => x.order_id).sort()).toEqual(t.assignments.map((a) => a.order_id).sort());
      for (const ticket of tickets) expect(ticket.notes).not.toMatch(/\{\w+\}/);
    } finally {
      await state.close();
    }
  });

  it('re-running the same slot posts nothing and assigns nothing', async () => {
    const posted = demo.outboxFiles().length;
    const tickets = await countTickets();
    const again = await daily();
    expect(again.exitCode).toBe(EXIT.ok);
    expect(again.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(demo.outboxFiles()).toHaveLength(posted);
    expect(await countTickets()).toBe(tickets);
  });

  it('--force runs again, posts again, and never duplicates a ticket', async () => {
    const tickets = await countTickets();
    const forced = await daily({ force: true });
    expect(forced.outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect((forced.outcomes[1]!.facts as { already_open: number }).already_open).toBeGreaterThan(0);
    expect(await countTickets()).toBe(tickets + (forced.outcomes[1]!.facts as { assigned: number }).assigned);
  });

  it('--dry-run writes nothing and posts nothing', async () => {
    const posted = demo.outboxFiles().length;
    const tickets = await countTickets();
    const dry = await daily({ dryRun: true, asOf: new Date('2026-02-18T01:30:00Z') });
    expect(dry.outcomes.map((o) => o.status)).toEqual(['dry_run', 'dry_run', 'dry_run']);
    expect(dry.outcomes[0]!.messages).toHaveLength(1);
    expect(demo.outboxFiles()).toHaveLength(posted);
    expect(await countTickets()).toBe(tickets);
  });

  it('a second run while one holds the lock exits 5 naming the holder', async () => {
    const lock = acquireFileLock('ecm-manager daily on test-host pid 1 since earlier');
    // The run waits for a hand-over first (15 s by default): a short wait is the same path.
    process.env.ECM_LOCK_WAIT_SECONDS = '0.3';
    try {
      const err = await daily().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(EXIT.locked);
      expect((err as CliError).message).toContain('ecm-manager daily on test-host pid 1');
    } finally {
      delete process.env.ECM_LOCK_WAIT_SECONDS;
      await lock.release();
    }
  });
});

describe('resuming a run that died half-way', () => {
  let demo: DemoHome;
  beforeAll(async () => {
    demo = await demoHome({ orders: 30_000, seed: 7, asOf: AS_OF });
  });
  afterAll(() => demo.cleanup());

  it('posts only the missing thread replies to the same parent, and never twice', async () => {
    const slack = await startFakeSlack();
    // A Slack token points at production: the demo must be asked for.
    Object.assign(process.env, { ECM_DEMO: '1', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: 'C0TEST', SLACK_API_URL: slack.url });
    // The same backlog run, first against a failing Slack, then again.
    const runBacklog = () =>
      runPhases({ command: 'backlog', phases: ['backlog'], asOf: AS_OF, dryRun: false, force: false, out: collector() });
    try {
      // Slack rejects the 3rd post onwards: the run stops part-way through the backlog thread.
      slack.respond((call, n) =>
        call.method === 'chat.postMessage' && n >= 2 ? { body: { ok: false, error: 'channel_not_found' } } : undefined,
      );
      const broken = await runBacklog();
      expect(broken.exitCode).toBe(EXIT.partial);
      expect(broken.outcomes[0]!.status).toBe('partial');
      expect(slack.posted()).toHaveLength(2);
      const parent = slack.posted()[0]!;

      slack.respond(() => undefined);
      const resumed = await runBacklog();
      expect(resumed.exitCode).toBe(EXIT.ok);
      const message = resumed.outcomes[0]!.messages[0]!;
      const posted = slack.posted();
      expect(posted).toHaveLength(1 + message.thread.length);
      const parentTs = (parent.answer!.body as { ts: string }).ts;
      expect(posted.slice(1).length).toBeGreaterThan(0);
      expect(posted.slice(1).every((c) => c.params.thread_ts === parentTs)).toBe(true);
      expect(new Set(posted.map((c) => c.params.text)).size).toBe(posted.length);
    } finally {
      for (const name of ['ECM_DEMO', 'SLACK_BOT_TOKEN', 'SLACK_CHANNEL_ID', 'SLACK_API_URL']) delete process.env[name];
      await slack.close();
    }
  });

  it('finishes a half-written triage plan without a duplicate ticket', async () => {
    const first = await runPhases({ command: 'triage', phases: ['triage'], asOf: AS_OF, dryRun: false, force: false, out: collector() });
    expect(first.outcomes[0]!.status).toBe('succeeded');
    const planned = (first.outcomes[0]!.facts as { assignments: { order_id: string }[] }).assignments.map((a) => a.order_id).sort();
    expect(planned.length).toBeGreaterThan(2);
    // Simulate a crash after the plan was saved and only some tickets were written.
    const state = await openStateDb();
    try {
      await state.query(`UPDATE runs SET status = 'planned' WHERE run_key = $1`, [first.outcomes[0]!.run_key]);
      await state.query(`DELETE FROM tickets WHERE order_id = ANY($1::text[])`, [planned.slice(0, Math.floor(planned.length / 2))]);
      await state.query(`DELETE FROM run_posts WHERE run_key = $1`, [first.outcomes[0]!.run_key]);
    } finally {
      await state.close();
    }
    const posted = demo.outboxFiles().length;
    const resumed = await runPhases({ command: 'triage', phases: ['triage'], asOf: AS_OF, dryRun: false, force: false, out: collector() });
    expect(resumed.outcomes[0]!.status).toBe('succeeded');
    const state2 = await openStateDb();
    try {
      const tickets = await (await openTicketStore(state2)).listTickets();
      expect(tickets.map((t) => t.order_id).sort()).toEqual(planned);
    } finally {
      await state2.close();
    }
    // The report is the original plan's (same numbers), posted once more because its posts were lost.
    expect(resumed.outcomes[0]!.facts).toEqual(first.outcomes[0]!.facts);
    expect(demo.outboxFiles().length - posted).toBe(1 + resumed.outcomes[0]!.messages[0]!.thread.length);
  });
});

describe('failures', () => {
  let demo: DemoHome;
  beforeAll(() => {
    // The warehouse is one that is down (ECM_WAREHOUSE_URL below): the home needs no demo data.
    demo = emptyHome();
  });
  afterAll(() => demo.cleanup());

  it('a warehouse that is down fails backlog and triage with an error alert, skips patterns, exits 1', async () => {
    process.env.ECM_WAREHOUSE_URL = 'postgres://ecm@127.0.0.1:9/nowhere';
    try {
      const run = await daily();
      expect(run.exitCode).toBe(EXIT.failed);
      expect(run.outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'skipped']);
      expect(run.outcomes[0]!.error).toMatch(/warehouse/);
      const alerts = demo
        .outboxFiles()
        .map((f) => readFileSync(path.join(demo.home, 'outbox', f), 'utf8'))
        .filter((t) => t.includes('ECM Manager Error'));
      expect(alerts).toHaveLength(2);
      for (const a of alerts) expect((JSON.parse(a) as { text: string }).text.length).toBeLessThan(500);
    } finally {
      delete process.env.ECM_WAREHOUSE_URL;
    }
  });
});

describe('sanity gates', () => {
  let demo: DemoHome;
  beforeAll(async () => {
    // Stuck orders scale with orders × stuckScale: 8,000 × 125 plants what 40,000 × 25 does (3,307
    // actionable, past the 2,000 gate) and seeds in a fifth of the time.
    demo = await demoHome({ orders: 8_000, seed: 5, asOf: AS_OF, stuckScale: 125 });
  });
  afterAll(() => demo.cleanup());

  it('with more than 2,000 actionable orders assigns nothing and says why', async () => {
    const run = await runPhases({ command: 'triage', phases: ['triage'], asOf: AS_OF, dryRun: false, force: false, out: collector() });
    const facts = run.outcomes[0]!.facts as { actionable: number; assigned: number; assignment_allowed: boolean };
    expect(facts.actionable).toBeGreaterThan(2000);
    expect(facts.assignment_allowed).toBe(false);
    expect(facts.assigned).toBe(0);
    expect(await countTickets()).toBe(0);
    const text = messageText(run.outcomes[0]!.messages[0]!);
    expect(text).toContain('*0* orders assigned');
    expect(text).toContain('assignment stopped for this run');
  });
});
