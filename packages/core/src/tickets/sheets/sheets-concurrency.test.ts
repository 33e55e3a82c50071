import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSheets, type FakeSheets } from './__fixtures__/fake-sheets-api.js';
import { escalation, minutesAfter, openTestStore, resolution, ticket, unpacedChannel } from './__fixtures__/sheets-test-kit.js';
import { initSheets } from './init-sheets.js';
import type { SheetsTicketStore } from './sheets-ticket-store.js';

let fake: FakeSheets;

beforeEach(async () => {
  fake = await startFakeSheets();
  await initSheets(await openTestStore(fake));
});
afterEach(async () => {
  await fake.close();
});

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `ORD-${String(from + i).padStart(3, '0')}`);
const orderColumn = () =>
  fake
    .tab('Assignments')
    .slice(1)
    .map((r) => r[0] ?? '');

describe('two writers at once', () => {
  it('in one process (shared write queue): overlapping ticket batches never duplicate an order', async () => {
    const channel = unpacedChannel();
    const [manager, field] = await Promise.all([openTestStore(fake, { channel }), openTestStore(fake, { channel })]);
    const [a, b] = await Promise.all([
      manager.createTickets(ids(1, 20).map((id) => ticket(id))),
      field.createTickets(ids(11, 30).map((id) => ticket(id))),
    ]);
    expect(new Set([...a.created, ...b.created])).toEqual(new Set(ids(1, 30)));
    expect(a.created.filter((id) => b.created.includes(id))).toEqual([]);
    expect(orderColumn().sort()).toEqual(ids(1, 30));
  });

  it('in two processes: appends and status changes interleave without losing or overwriting a row', async () => {
    // A person left row 2 blank. Appends go after the last row, so no existing ticket moves while the other writer works.
    const setup = await openTestStore(fake);
    await setup.createTickets(ids(1, 10).map((id) => ticket(id)));
    fake.insertRows('Assignments', 2, [[]]);
    const manager = await openTestStore(fake, { channel: unpacedChannel() });
    const field = await openTestStore(fake, { channel: unpacedChannel() });

    await Promise.all([
      (async () => {
        for (const batch of [ids(11, 14), ids(15, 18), ids(19, 22)]) await manager.createTickets(batch.map((id) => ticket(id)));
        await manager.appendPatterns([
          {
            date: '2026-02-17',
            pattern_id: 'p-1',
            stuck_reason: 'brn_issue',
            currency: 'AED',
            signature: 's',
            order_count: 3,
            total_amount_aed: 1,
            avg_hours: 1,
            high_value_count: 0,
            critical_count: 0,
            delta: 'NEW',
            recommendation: '',
          },
        ]);
      })(),
      (async () => {
        await field.setTicketStatus('ORD-001', 'asha.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(5)));
        await field.escalateTicket(escalation(ticket('ORD-002'), 6));
        await field.resolveTicket(resolution(ticket('ORD-003'), 7));
        await field.setTicketStatus('ORD-010', 'asha.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(8)));
      })(),
    ]);

    expect(orderColumn()).toEqual(['', ...ids(1, 10), ...orderColumn().slice(11)]);
    expect(
      orderColumn()
        .filter((id) => id !== '')
        .sort(),
    ).toEqual(ids(1, 22));
    const status = new Map((await field.listTickets()).map((t) => [t.order_id, t.status]));
    expect(Object.fromEntries(ids(1, 22).map((id) => [id, status.get(id)]))).toEqual({
      ...Object.fromEntries(ids(1, 22).map((id) => [id, 'OPEN'])),
      'ORD-001': 'IN_PROGRESS',
      'ORD-002': 'ESCALATED',
      'ORD-003': 'RESOLVED',
      'ORD-010': 'IN_PROGRESS',
    });
  });

  it('re-reads the row before writing and follows it when rows were inserted above it meanwhile', async () => {
    const store: SheetsTicketStore = await openTestStore(fake);
    await store.createTickets(ids(1, 3).map((id) => ticket(id)));
    const intruder = [
      'ORD-900',
      'chen.ops@example.com',
      minutesAfter(0),
      'OPEN',
      'P4',
      'AED',
      '1',
      '1',
      'brn_issue',
      'typed by hand',
      minutesAfter(0),
    ];
    let inserted = false;
    fake.respond((call, _n, sheet) => {
      // Just before the store re-reads ORD-002's row (row 3), a person inserts a row above it.
      if (!inserted && call.method === 'values.batchGet' && call.ranges[0] === "'Assignments'!A3:K3") {
        inserted = true;
        sheet.insertRows('Assignments', 2, [intruder]);
      }
      return undefined;
    });
    const t = await store.setTicketStatus('ORD-002', 'asha.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(9)));
    expect(inserted).toBe(true);
    expect(t.status).toBe('IN_PROGRESS');
    const rows = fake.tab('Assignments');
    expect(rows[1]).toEqual(intruder);
    expect(rows.map((r) => `${r[0]}:${r[3]}`)).toEqual([
      'Order ID:Status',
      'ORD-900:OPEN',
      'ORD-001:OPEN',
      'ORD-002:IN_PROGRESS',
      'ORD-003:OPEN',
    ]);
  });
});
