import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ASHA, BILAL, seededDemo } from './__fixtures__/seeded-demo.js';

const queueJson = z.object({ tickets: z.array(z.object({ order_id: z.string(), stuck_reason: z.string() })) });
const orderJson = z.object({
  order: z.object({
    diagnosis: z.object({
      stuck_reason: z.string(),
      score: z.number(),
      factors: z.array(z.object({ factor: z.string(), contribution: z.number() })),
    }),
  }),
});

const demo = seededDemo();
const field = demo.asAgent;
const withState = demo.withState;

async function severityOf(orderId: string): Promise<number> {
  const r = await field(ASHA, ['order', orderId, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return orderJson.parse(JSON.parse(r.stdout)).order.diagnosis.factors.find((f) => f.factor === 'severity')!.contribution;
}

describe('ecm-field correct order: correcting a classification', () => {
  let tickets: z.infer<typeof queueJson>['tickets'] = [];
  let t: (typeof tickets)[number];
  let reason = '';
  let other = '';

  it('only the assignee, a known stuck reason and plain text; nothing stored when refused', async () => {
    const q = await field(ASHA, ['my-tickets', '--json']);
    expect(q.code, q.stderr).toBe(0);
    tickets = queueJson.parse(JSON.parse(q.stdout)).tickets;
    t = tickets[0]!;
    reason = t.stuck_reason;
    other = reason === 'brn_issue' ? 'stuck_at_lulu' : 'brn_issue';

    const notYours = await field(BILAL, ['correct', 'order', t.order_id, '--reason', other]);
    expect(notYours.code).toBe(6);
    expect(notYours.stderr).toMatch(/only its assignee or a supervisor/);
    const unknown = await field(ASHA, ['correct', 'order', t.order_id, '--reason', 'moon_phase']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/not a stuck reason in the catalogue \(stuck-reasons\.yaml\)/);
    const control = await field(ASHA, ['correct', 'order', t.order_id, '--reason', other, '--note', 'bad\u001b[2Jnote']);
    expect(control.code).toBe(3);
    const long = await field(ASHA, ['correct', 'order', t.order_id, '--reason', other, '--note', 'x'.repeat(2001)]);
    expect(long.code).toBe(3);
    expect(long.stderr).toMatch(/the limit is 2,000/);
    expect(await withState((s) => s.query('SELECT * FROM classification_corrections'))).toEqual([]);
  }, 300_000);

  it('the assignee\'s correction is stored and counts as a "reason wrong" answer in the learned weight', async () => {
    // Four self-healed resolutions of the reason: one short of the evidence the learning loop needs.
    await withState(async (s) => {
      for (let i = 0; i < 4; i++) {
        await s.query(
          `INSERT INTO resolutions VALUES ($1, $2, $3, 'healed', $1, 30, 1440, 'MET', $4, 100, 'AED', 'CORRECT', 'YES', 'SELF_HEALED')`,
          [`2026-02-16T0${i}:00:00.000Z`, `ORD-9999000${i}`, ASHA, reason],
        );
      }
    });
    const before = await severityOf(t.order_id);
    expect(before).toBeGreaterThan(0);

    const ok = await field(ASHA, ['correct', 'order', t.order_id, '--reason', other, '--note', 'the payout partner had it all along']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`classified ${reason}, corrected to ${other}`);
    const rows = await withState((s) =>
      s.query('SELECT order_id, corrected_by, classified_reason, corrected_reason, note FROM classification_corrections'),
    );
    expect(rows).toEqual([
      {
        order_id: t.order_id,
        corrected_by: ASHA,
        classified_reason: reason,
        corrected_reason: other,
        note: 'the payout partner had it all along',
      },
    ]);

    // The correction is the fifth "reason wrong" answer: 4 of 5 self-healed is above 0.7, so the severity weight halves.
    expect(await severityOf(t.order_id)).toBeCloseTo(before / 2, 6);
  }, 300_000);

  it('stats lists the most corrected classifications, with the resolve answers "reason wrong"', async () => {
    // The resolve answer "reason wrong" on another ticket counts in the same list.
    const u = tickets.find((x) => x.order_id !== t.order_id)!;
    const resolved = await field(ASHA, ['resolve', u.order_id, '--notes', 'fixed by hand', '--diagnosis-match', 'WRONG']);
    expect(resolved.code, resolved.stderr).toBe(0);

    const stats = await demo.manager(['stats', '--since', '3650d']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/Most corrected classifications/);
    const lines = stats.stdout.split('\n');
    if (u.stuck_reason === reason) expect(lines).toContain(`    1× ${reason} → (not named)`);
    else expect(lines).toContain(`    1× ${u.stuck_reason} → (not named)`);
    expect(lines).toContain(`    1× ${reason} → ${other}`);
  }, 300_000);
});
