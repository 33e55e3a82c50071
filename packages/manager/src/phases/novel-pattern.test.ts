import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, PgliteWarehouse } from '@ecm/core/warehouse';
import { openStateDb, openTicketStore } from '@ecm/core/stores';
import { renderBlocksAsText, type SlackMessage } from '@ecm/core/slack';
import { collector, demoHome, type DemoHome } from '../__fixtures__/demo-home.js';
import { NOVEL_SIGNATURE_START, plantNovelPattern } from '../../../core/src/demo/__fixtures__/novel-pattern.js';
import type { PatternsFacts } from '../render/patterns-message.js';
import { runPhases, type PhaseOutcome } from './run-phases.js';

/**
 * The novel-pattern alert (§13): orders in a state no rule explains, never seen on an earlier day,
 * reach the patterns report as an alert for engineering, with the orders to look at in its thread.
 */
const DAY1 = new Date('2026-02-17T01:30:00Z'); // 07:00 IST
const DAY2 = new Date('2026-02-18T01:30:00Z');
const PLANTED = 6; // novel_min_size is 5

const patterns = async (asOf: Date): Promise<PhaseOutcome> =>
  (await runPhases({ command: 'patterns', phases: ['patterns'], asOf, dryRun: false, force: false, out: collector() })).outcomes[0]!;
const textOf = (m: SlackMessage) => [m.text, ...renderBlocksAsText(m.blocks)].join('\n');
const threadOf = (m: SlackMessage) => m.thread.map((t) => [t.text, ...renderBlocksAsText(t.blocks)].join('\n'));

describe('a novel pattern reaches the patterns report', () => {
  let demo: DemoHome;
  let before: PhaseOutcome;
  let after: PhaseOutcome;
  let planted: string[];

  beforeAll(async () => {
    demo = await demoHome({ orders: 8_000, seed: 21, asOf: DAY1 });
    before = await patterns(DAY1);
    const warehouse = new PgliteWarehouse(await openPglite(path.join(demo.home, 'warehouse', 'pgdata')), 'demo warehouse');
    try {
      // Arrived after the first day's report: between 14 and 19 hours old on the second day.
      planted = await plantNovelPattern(warehouse, { asOf: DAY2, count: PLANTED, minAgeHours: 14 });
    } finally {
      await warehouse.close();
    }
    after = await patterns(DAY2);
  });
  afterAll(() => demo.cleanup());

  it('the demo alone has no novel pattern: no alert on the first day', () => {
    expect(before.status).toBe('succeeded');
    const facts = before.facts as PatternsFacts;
    expect(facts.pattern_count).toBeGreaterThan(0);
    expect(facts.novel_count).toBe(0);
    expect(facts.clusters.filter((c) => c.signature.startsWith(NOVEL_SIGNATURE_START))).toEqual([]);
    expect(textOf(before.messages[0]!)).not.toMatch(/novel patterns \(/);
    expect(threadOf(before.messages[0]!).filter((t) => t.includes('Novel pattern'))).toEqual([]);
  });

  it('the planted orders form one new, novel cluster of their own', () => {
    expect(after.status).toBe('succeeded');
    const facts = after.facts as PatternsFacts;
    expect(facts.previous_date).toBe('2026-02-17');
    const novel = facts.clusters.filter((c) => c.novel);
    expect(novel).toHaveLength(1);
    expect(facts.novel_count).toBe(1);
    const [cluster] = novel;
    expect(cluster!.signature.startsWith(NOVEL_SIGNATURE_START)).toBe(true);
    expect(cluster!.stuck_reason).toBe('uncategorized');
    expect(cluster!.order_count).toBe(PLANTED);
    expect(cluster!.trend).toBe('NEW');
    expect(cluster!.sample_order_ids).toEqual(planted.slice(0, 5));
    expect(cluster!.recommendation).toBe(
      `Novel: ${PLANTED} orders share a state no rule explains; engineering to add a stuck reason (see shared/config/classification.yaml).`,
    );
  });

  it('the report raises the alert and its thread names the orders', () => {
    const message = after.messages[0]!;
    const cluster = (after.facts as PatternsFacts).clusters.find((c) => c.novel)!;
    expect(textOf(message)).toContain(
      `:rotating_light: *1* novel patterns (${PLANTED} orders no rule explains): engineering should add a stuck reason.`,
    );
    expect(message.text).toMatch(/, 1 novel$/);
    const replies = threadOf(message).filter((t) => t.includes(`Novel pattern ${cluster.pattern_id}`));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(`Examples: ${planted.slice(0, 5).join(', ')}`);
    expect(replies[0]).toContain(cluster.signature);
  });

  it("is posted (the outbox) and stored as the day's pattern row", async () => {
    const cluster = (after.facts as PatternsFacts).clusters.find((c) => c.novel)!;
    const posted = readdirSync(path.join(demo.home, 'outbox')).map((f) => readFileSync(path.join(demo.home, 'outbox', f), 'utf8'));
    expect(posted.filter((p) => p.includes('novel patterns (') && p.includes(`${PLANTED} orders no rule explains`))).toHaveLength(1);
    expect(posted.filter((p) => p.includes(`Novel pattern ${cluster.pattern_id}`)).length).toBeGreaterThan(0);
    const state = await openStateDb();
    try {
      const rows = (await (await openTicketStore(state)).listPatterns()).filter((p) => p.pattern_id === cluster.pattern_id);
      expect(rows.map((r) => [r.date, r.order_count, r.stuck_reason, r.delta])).toEqual([['2026-02-18', PLANTED, 'uncategorized', 'NEW']]);
      expect(rows[0]!.recommendation).toMatch(/^Novel: /);
    } finally {
      await state.close();
    }
  });
});
