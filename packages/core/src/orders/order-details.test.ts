import { describe, expect, it } from 'vitest';
import { defaultSharedDir, loadConfig } from '../config/load-config.js';
import { previousPatterns } from '../patterns/pattern-history.js';
import type { PatternRow } from '../tickets/ticket-store.js';
import { whyNotInQueue } from './not-candidate.js';
import { orderDetailsSchema, type OrderDetails } from './order-details-shape.js';
import { buildOrderDetails } from './order-details.js';
import type { OrderTimeline } from './order-timeline.js';

const config = loadConfig(defaultSharedDir());
const AS_OF = new Date('2026-02-17T03:00:00Z');
const hoursAgo = (h: number) => new Date(AS_OF.getTime() - h * 3_600_000);

function timeline(createdHoursAgo: number, rfiHoursAgo: number | null = null): OrderTimeline {
  return {
    order: {
      order_id: 'ORD-1',
      owner_id: 'C-1',
      status: 'PROCESSING',
      sub_state: 'PAYMENT_RECEIVED',
      currency: 'GBP',
      send_amount: 100,
      receive_amount: 120,
      acquirer: 'ACQ',
      created_at: hoursAgo(createdHoursAgo),
      updated_at: null,
    },
    customer: { full_name: 'Ava Example', email: 'ava@example.com', phone: '+44 20 7946 0000' },
    records: [
      {
        system: 'payout',
        record_id: 'P-1',
        status: 'FAILED',
        sub_status: null,
        detail: null,
        amount: 100,
        created_at: hoursAgo(createdHoursAgo - 1),
        updated_at: null,
      },
      {
        system: 'payout',
        record_id: 'P-2',
        status: 'PENDING',
        sub_status: null,
        detail: null,
        amount: 100,
        created_at: hoursAgo(createdHoursAgo - 2),
        updated_at: hoursAgo(1),
      },
      ...(rfiHoursAgo === null
        ? []
        : [
            {
              system: 'rfi',
              record_id: 'R-1',
              status: 'OPEN',
              sub_status: null,
              detail: null,
              amount: null,
              created_at: hoursAgo(rfiHoursAgo),
              updated_at: null,
            },
          ]),
    ],
  };
}

/** An order's details at AS_OF after a triage that ran (the order not among the triaged ones). */
const details = (t: OrderTimeline, reveal: Parameters<typeof buildOrderDetails>[0]['reveal'] = null) =>
  buildOrderDetails({ config, timeline: t, asOf: AS_OF, triage: { ran: true, asOf: AS_OF, triaged: undefined }, reveal });

describe('one order across every system', () => {
  it('masks the customer unless a reveal was allowed, and says why a refused reveal stayed masked', () => {
    const masked = details(timeline(20), { revealed: false, refusal: 'not the assignee' });
    expect(orderDetailsSchema.parse(masked)).toEqual(masked);
    expect(masked.customer).toEqual({ full_name: 'A*** E***', email: 'a***@example.com', phone: '••••••••••00', masked: true });
    expect(masked.reveal_refused).toBe('not the assignee');
    expect(masked.warnings).toContain('Personal data stays masked: not the assignee.');
    const shown = details(timeline(20), { revealed: true });
    expect(shown.customer).toEqual({ full_name: 'Ava Example', email: 'ava@example.com', phone: '+44 20 7946 0000', masked: false });
  });

  it("keeps each system's latest record with the count, and the timeline oldest first", () => {
    const d = details(timeline(20));
    expect(d.systems.map((s) => [s.system, s.latest_record_id, s.records])).toEqual([
      ['goms', 'ORD-1', 1],
      ['payout', 'P-2', 2],
    ]);
    expect(d.timeline.length).toBeGreaterThan(0);
    expect(d.timeline.map((e) => e.at)).toEqual([...d.timeline.map((e) => e.at)].sort());
    expect(d.order.hours).toBe(20);
  });

  it('says why an order is not a candidate, and that the diagnosis is missing when the triage failed', () => {
    const young = details(timeline(2));
    expect(young.not_a_candidate).toMatch(/^Not a stuck-order candidate: it is younger than 12 h/);
    const failed = buildOrderDetails({
      config,
      timeline: timeline(20),
      asOf: AS_OF,
      triage: { ran: false, error: 'warehouse timeout' },
      reveal: null,
    });
    expect(failed).toMatchObject({ diagnosis: null, not_a_candidate: null, triage_as_of: null });
    expect(failed.warnings).toEqual(['The diagnosis is missing because the triage could not run: warehouse timeout']);
  });

  it('warns about an RFI record older than the freshness limit, not about a fresh one', () => {
    const stale = details(timeline(20, 5));
    expect(stale.warnings.some((w) => w.startsWith('The RFI record was last modified 5 h ago'))).toBe(true);
    const fresh = details(timeline(20, 3));
    expect(fresh.warnings).toEqual([]);
  });
});

describe("why an order is in nobody's queue", () => {
  const base = details(timeline(2));
  const diagnosis: NonNullable<OrderDetails['diagnosis']> = {
    stuck_reason: 'refund_pending',
    team: 'Ops',
    summary: 'The refund is pending',
    action: 'Chase the refund',
    runbook: 'refunds',
    escalation: 'lead',
    sla_hours: 24,
    severity: 0.5,
    monitor_only: false,
    customer_impact: true,
    category: '24-48h',
    score: 0.5,
    priority: 'P2',
    high_value: false,
    amount_aed: 500,
    actionable: true,
    factors: [],
    disqualification: null,
  };
  it('names each case', () => {
    expect(whyNotInQueue(base)).toMatch(/not in anyone's queue: Not a stuck-order candidate: it is younger than 12 h/);
    expect(
      whyNotInQueue({
        ...base,
        diagnosis: { ...diagnosis, disqualification: { reason: 'duplicate', explain: 'a newer order replaced it' } },
      }),
    ).toMatch(/disqualified as duplicate — a newer order replaced it/);
    expect(whyNotInQueue({ ...base, diagnosis: { ...diagnosis, monitor_only: true } })).toMatch(/refund_pending is monitor-only/);
    expect(whyNotInQueue({ ...base, diagnosis })).toMatch(/is stuck \(refund_pending, Ops, P2\) but not assigned to anyone yet/);
  });
});

describe('pattern history', () => {
  const row = (date: string, signature: string, order_count: number): PatternRow => ({
    date,
    pattern_id: signature,
    stuck_reason: 'r',
    currency: 'GBP',
    signature,
    order_count,
    total_amount_aed: 0,
    avg_hours: 0,
    high_value_count: 0,
    critical_count: 0,
    delta: '',
    recommendation: '',
  });
  it('is the latest earlier day, never today or later; none on the first run', async () => {
    const rows = [
      row('2026-02-14', 'a', 1),
      row('2026-02-16', 'a', 4),
      row('2026-02-16', 'b', 5),
      row('2026-02-17', 'a', 9),
      row('2026-02-18', 'c', 2),
    ];
    const history = await previousPatterns({ listPatterns: async () => rows }, '2026-02-17');
    expect(history?.date).toBe('2026-02-16');
    expect([...history!.counts]).toEqual([
      ['a', 4],
      ['b', 5],
    ]);
    expect(await previousPatterns({ listPatterns: async () => [row('2026-02-17', 'a', 1)] }, '2026-02-17')).toBeNull();
  });
});
