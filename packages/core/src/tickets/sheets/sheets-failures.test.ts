import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSheets, type FakeSheets, type SheetsCall } from './__fixtures__/fake-sheets-api.js';
import { escalation, minutesAfter, openTestStore, recordingRetry, resolution, rowsOf, ticket } from './__fixtures__/sheets-test-kit.js';
import { initSheets } from './init-sheets.js';
import { backoffMs } from './retry.js';
import { SheetsApiError } from './sheets-error.js';
import type { SheetsTicketStore } from './sheets-ticket-store.js';

let fake: FakeSheets;
let store: SheetsTicketStore;
let retry: ReturnType<typeof recordingRetry>;

beforeEach(async () => {
  fake = await startFakeSheets();
  retry = recordingRetry({ attempts: 8, baseMs: 100, capMs: 1_000, random: () => 0.999 });
  store = await openTestStore(fake, { retry });
  await initSheets(store);
  fake.calls.length = 0;
});
afterEach(async () => {
  await fake.close();
});

const appends = (tab: string) => fake.calls.filter((c) => c.method === 'values.append' && c.ranges[0]!.startsWith(`'${tab}'`));

describe('a 429 storm', () => {
  it('waits with growing, jittered backoff (POSTs too) and gets every row in exactly once', async () => {
    // Every request fails with 429 until seven have been refused, whatever it is.
    fake.respond((_call, n) => (n < 7 ? { status: 429, ...(n === 0 ? { headers: { 'retry-after': '0' } } : {}) } : undefined));
    const result = await store.createTickets([ticket('ORD-1'), ticket('ORD-2'), ticket('ORD-3')]);
    expect(result).toEqual({ created: ['ORD-1', 'ORD-2', 'ORD-3'], skipped: [] });
    expect(
      fake
        .tab('Assignments')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['ORD-1', 'ORD-2', 'ORD-3']);
    expect(retry.waits).toEqual([100, 200, 400, 799, 999, 999, 999]);
    expect(appends('Assignments').map((c) => c.status)).toEqual([200]);
  });

  it('retries a refused append after reading the tab again', async () => {
    let refused = 0;
    fake.respond((call) => (call.method === 'values.append' && refused++ < 3 ? { status: 429 } : undefined));
    await store.createTickets([ticket('ORD-1')]);
    const methods = fake.calls.map((c) => `${c.method}:${c.status}`);
    // Read, append (refused), read again, append (refused)… never two appends in a row.
    expect(methods).toEqual([
      'values.batchGet:200',
      'values.append:429',
      'values.batchGet:200',
      'values.append:429',
      'values.batchGet:200',
      'values.append:429',
      'values.batchGet:200',
      'values.append:200',
    ]);
    expect(rowsOf(fake, 'Assignments', 'ORD-1')).toHaveLength(1);
  });

  it('honours Retry-After', () => {
    expect(backoffMs(retry, 1, 5_000)).toBe(5_000);
    expect(backoffMs({ ...retry, random: () => 0 }, 3, null)).toBe(0);
    expect(backoffMs(retry, 10, null)).toBe(999);
  });

  it('gives up after the last attempt with the 429, having written nothing', async () => {
    fake.respond(() => ({ status: 429 }));
    const err = await store.createTickets([ticket('ORD-1')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SheetsApiError);
    expect(err).toMatchObject({ status: 429, message: expect.stringMatching(/gave up after 8 attempts/) });
    expect(retry.waits).toHaveLength(7);
    fake.respond(() => undefined);
    expect(fake.tab('Assignments')).toHaveLength(1);
  });

  it('does not retry what cannot succeed (400)', async () => {
    fake.respond((call) =>
      call.method === 'values.append'
        ? { status: 400, body: { error: { code: 400, message: 'Invalid values[0][0]', status: 'INVALID_ARGUMENT' } } }
        : undefined,
    );
    await expect(store.createTickets([ticket('ORD-1')])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/Invalid values/),
    });
    expect(appends('Assignments')).toHaveLength(1);
    expect(retry.waits).toEqual([]);
  });
});

describe('a 500 after the write was applied (the answer was lost)', () => {
  const lostOnce = (method: SheetsCall['method'], status = 500) => {
    let lost = false;
    fake.respond((call) => {
      if (call.method !== method || lost) return undefined;
      lost = true;
      return { status, afterApplying: true };
    });
  };

  it('createTickets: reads back, sees the rows, does not send them again', async () => {
    lostOnce('values.append');
    const result = await store.createTickets([ticket('ORD-1'), ticket('ORD-2')]);
    expect(result).toEqual({ created: ['ORD-1', 'ORD-2'], skipped: [] });
    expect(
      fake
        .tab('Assignments')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['ORD-1', 'ORD-2']);
    expect(appends('Assignments').map((c) => c.status)).toEqual([500]);
  });

  it('resolveTicket: one Resolutions row, ticket RESOLVED, whether the append or the status update lost its answer', async () => {
    await store.createTickets([ticket('ORD-1'), ticket('ORD-2')]);
    lostOnce('values.append', 503);
    const r1 = await store.resolveTicket(resolution(ticket('ORD-1'), 60));
    expect(r1).toMatchObject({ status: 'RESOLVED', updated_at: minutesAfter(60) });
    expect(rowsOf(fake, 'Resolutions', 'ORD-1', 1)).toHaveLength(1);

    lostOnce('values.batchUpdate', 502);
    const r2 = await store.resolveTicket(resolution(ticket('ORD-2'), 70));
    expect(r2).toMatchObject({ status: 'RESOLVED', updated_at: minutesAfter(70) });
    expect(rowsOf(fake, 'Resolutions', 'ORD-2', 1)).toHaveLength(1);
    expect((await store.listTickets({ statuses: ['RESOLVED'] })).map((t) => t.order_id)).toEqual(['ORD-1', 'ORD-2']);
  });

  it('escalateTicket: one Escalations row, ticket ESCALATED', async () => {
    await store.createTickets([ticket('ORD-1')]);
    lostOnce('values.append');
    expect(await store.escalateTicket(escalation(ticket('ORD-1'), 30))).toMatchObject({ status: 'ESCALATED' });
    expect(rowsOf(fake, 'Escalations', 'ORD-1', 1)).toHaveLength(1);
  });

  it('appendPatterns and writeDailyStats: no duplicate rows', async () => {
    const pattern = {
      date: '2026-02-17',
      pattern_id: 'p-1',
      stuck_reason: 'brn_issue',
      currency: 'AED',
      signature: 'AED|PROCESSING_DEAL_IN',
      order_count: 7,
      total_amount_aed: 70_000,
      avg_hours: 30,
      high_value_count: 2,
      critical_count: 1,
      delta: 'NEW',
      recommendation: 'Follow the runbook',
    };
    lostOnce('values.append');
    await store.appendPatterns([pattern]);
    lostOnce('values.batchUpdate');
    await store.appendPatterns([{ ...pattern, order_count: 9 }]);
    expect(await store.listPatterns('2026-02-17')).toEqual([{ ...pattern, order_count: 9 }]);
    lostOnce('values.append');
    await store.writeDailyStats([
      { date: '2026-02-17', agent_email: 'asha.ops@example.com', resolved: 3, avg_minutes: 42, sla_met_pct: 66.7, escalated: 0 },
    ]);
    expect(fake.tab('Daily Stats')).toHaveLength(2);
  });
});

describe('a crash between the two writes of a resolution or an escalation', () => {
  /** The status update fails for good (as if the process died after the first write). */
  const crashOnStatusUpdate = () => {
    let crashed = false;
    fake.respond((call) => {
      if (call.method !== 'values.batchUpdate' || crashed) return undefined;
      crashed = true;
      return { status: 400, body: { error: { code: 400, message: 'simulated crash', status: 'INVALID_ARGUMENT' } } };
    });
  };

  it('leaves the Resolutions row; the next resolve finishes with that record instead of writing a second one', async () => {
    await store.createTickets([ticket('ORD-1')]);
    await store.escalateTicket(escalation(ticket('ORD-1'), 10));
    crashOnStatusUpdate();
    await expect(store.resolveTicket(resolution(ticket('ORD-1'), 60))).rejects.toThrow(/simulated crash/);
    expect((await store.getTicket('ORD-1'))?.status).toBe('ESCALATED');
    expect(rowsOf(fake, 'Resolutions', 'ORD-1', 1)).toHaveLength(1);

    // The agent tries again an hour later: the first resolution stands; the escalation is closed with it.
    const done = await store.resolveTicket(resolution(ticket('ORD-1'), 120, { notes: 'second try' }));
    expect(done).toMatchObject({ status: 'RESOLVED', updated_at: minutesAfter(60) });
    expect(rowsOf(fake, 'Resolutions', 'ORD-1', 1)).toHaveLength(1);
    expect(await store.listEscalations(new Date(0))).toEqual([
      { ...escalation(ticket('ORD-1'), 10), resolved_at: minutesAfter(60), resolution_notes: 'BRN pushed; Lulu shows CREDITED' },
    ]);
  });

  it('is repaired by the next status change of that ticket, which then reports it closed', async () => {
    await store.createTickets([ticket('ORD-1')]);
    crashOnStatusUpdate();
    await expect(store.resolveTicket(resolution(ticket('ORD-1'), 60))).rejects.toThrow(/simulated crash/);
    await expect(store.setTicketStatus('ORD-1', 'asha.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(61)))).rejects.toMatchObject({
      code: 'already_closed',
    });
    expect(await store.getTicket('ORD-1')).toMatchObject({ status: 'RESOLVED', updated_at: minutesAfter(60) });
  });

  it('ignores a Resolutions row from before the current assignment', async () => {
    // A person deleted the ticket row after it was resolved; the order was assigned again later.
    await store.createTickets([ticket('ORD-1')]);
    await store.resolveTicket(resolution(ticket('ORD-1'), 30));
    fake.setTab(
      'Assignments',
      fake.tab('Assignments').filter((r) => r[0] !== 'ORD-1'),
    );
    await store.createTickets([ticket('ORD-1', { assigned_at: minutesAfter(600), updated_at: minutesAfter(600) })]);
    expect(await store.setTicketStatus('ORD-1', 'asha.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(601)))).toMatchObject({
      status: 'IN_PROGRESS',
    });
  });

  it('escalation: a retry of the same escalation finds its row and only sets the status', async () => {
    await store.createTickets([ticket('ORD-1')]);
    crashOnStatusUpdate();
    await expect(store.escalateTicket(escalation(ticket('ORD-1'), 30))).rejects.toThrow(/simulated crash/);
    expect((await store.getTicket('ORD-1'))?.status).toBe('OPEN');
    expect(await store.escalateTicket(escalation(ticket('ORD-1'), 30))).toMatchObject({
      status: 'ESCALATED',
      updated_at: minutesAfter(30),
    });
    expect(rowsOf(fake, 'Escalations', 'ORD-1', 1)).toHaveLength(1);
  });
});
