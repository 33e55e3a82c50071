import { openStateDb, type StateDb } from '@ecm/core/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanOf } from './phase.js';
import { RunStore } from './run-store.js';

const AS_OF = new Date('2026-02-17T01:30:00.000Z');

const slaPlan = (raised: number): PlanOf<'sla'> => ({
  facts: {
    as_of: AS_OF.toISOString(),
    report_time: '07:00 IST',
    open_tickets: 4,
    breached: 1,
    raised,
    by_level: { L1: raised },
    alerts: [],
  },
  messages: [{ title: 'SLA watch', text: 'SLA watch', blocks: [], thread: [] }],
  writes: { sla_alerts: [{ order_id: 'ORD-0000001', level: 'L1', day: '' }] },
});

describe('RunStore: the one owner of runs and run_posts', () => {
  let state: StateDb;
  let runs: RunStore;
  beforeAll(async () => {
    state = await openStateDb({ env: {}, inMemory: true });
    runs = new RunStore(state);
  }, 60_000);
  afterAll(async () => state?.close());

  it('reads a saved plan back exactly as saved, fields its schema does not name included', async () => {
    const plan = slaPlan(2);
    const saved = { ...plan, facts: { ...plan.facts, added_later: 'kept' } };
    await runs.save('sla:slot-1', 'sla', 'slot-1', AS_OF, { status: 'planned', plan: saved });
    const read = await runs.read('sla', 'sla:slot-1');
    expect(read?.status).toBe('planned');
    expect(read?.plan).toEqual(saved);
  });

  it('refuses a saved plan whose facts no longer fit the phase, and says how to plan it anew', async () => {
    const plan = slaPlan(1);
    const { raised: _renamed, ...rest } = plan.facts;
    await runs.save('sla:slot-2', 'sla', 'slot-2', AS_OF, {
      status: 'planned',
      plan: { ...plan, facts: { ...rest, raised_count: 1 } as never },
    });
    await expect(runs.read('sla', 'sla:slot-2')).rejects.toThrow(/saved plan of run sla:slot-2 cannot be read.*--force/);
  });

  it('refuses to list unfinished runs while one of them carries a plan that no longer fits', async () => {
    await runs.save('sla:slot-3', 'sla', 'slot-3', new Date(AS_OF.getTime() + 3_600_000), { status: 'written', plan: slaPlan(3) });
    await runs.save('sla:slot-4', 'sla', 'slot-4', new Date(AS_OF.getTime() + 7_200_000), { status: 'planned', plan: slaPlan(4) });
    await runs.save('sla:slot-4', 'sla', 'slot-4', new Date(AS_OF.getTime() + 7_200_000), { status: 'succeeded', error: null });
    // Never skipped silently: finishing an earlier SLA run reports this, and the next run tries again.
    await expect(runs.unfinished('sla', 'sla:slot-3')).rejects.toThrow(/sla:slot-2 cannot be read/);
    await runs.save('sla:slot-2', 'sla', 'slot-2', AS_OF, { status: 'failed', error: 'refused plan' });
  });

  it('after the refused run is failed: only the planned or written ones other than the current, oldest first', async () => {
    const unfinished = await runs.unfinished('sla', 'sla:slot-3');
    expect(unfinished.map((r) => r.runKey)).toEqual(['sla:slot-1']);
    expect(unfinished[0]!.plan.facts.raised).toBe(2);
    expect((await runs.unfinishedKeys('sla')).map((r) => r.runKey).sort()).toEqual(['sla:slot-1', 'sla:slot-3']);
  });

  it('keeps the facts of a run when a later save carries no plan', async () => {
    await runs.save('backlog:day-1', 'backlog', 'day-1', AS_OF, {
      status: 'planned',
      plan: { facts: { date: '2026-02-16', actionable: 7 } as never, messages: [], writes: {} },
    });
    await runs.save('backlog:day-1', 'backlog', 'day-1', AS_OF, { status: 'succeeded', error: null });
    expect(await runs.succeededFactsBefore('backlog', new Date(AS_OF.getTime() + 1), 20)).toEqual([{ date: '2026-02-16', actionable: 7 }]);
    expect(await runs.succeededFactsBefore('backlog', AS_OF, 20)).toEqual([]);
    expect(await runs.latestSucceededFacts('backlog')).toEqual({ runKey: 'backlog:day-1', facts: { date: '2026-02-16', actionable: 7 } });
  });

  it('reports per phase the last success, the last failure and its error; counts succeeded keys', async () => {
    const history = await runs.phaseHistory();
    expect(history.map((h) => h.phase)).toEqual(['backlog', 'sla']);
    const sla = history.find((h) => h.phase === 'sla')!;
    expect(sla.last_error).toBe('refused plan');
    expect(sla.last_success).not.toBeNull();
    expect(await runs.succeededCount(['sla:slot-4', 'sla:slot-1', 'backlog:day-1', 'no-such-run'])).toBe(2);
    expect(await runs.firstStartedAt()).toBeInstanceOf(Date);
  });

  it('records post progress: an intent is pending until its post is recorded', async () => {
    expect(await runs.postState('sla:slot-1', 0)).toEqual({ postedReplies: 0 });
    await runs.recordIntent('sla:slot-1', 0, 'SLA watch', 0, 2);
    expect((await runs.postState('sla:slot-1', 0)).pending?.post).toBe(0);
    await runs.recordPosted('sla:slot-1', 0, 'SLA watch', {
      parentTs: '111.1',
      postedReplies: 0,
      totalReplies: 2,
      ts: '111.1',
      adopted: false,
    });
    expect(await runs.postState('sla:slot-1', 0)).toEqual({ parentTs: '111.1', postedReplies: 0 });
    // An intent for a post other than the next one is already settled: not pending.
    await runs.recordIntent('sla:slot-1', 0, 'SLA watch', 2, 2);
    expect((await runs.postState('sla:slot-1', 0)).pending).toBeUndefined();
  });
});
