import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { triageFacts, type TriagedOrder } from './run-triage.js';
import { AS_OF, falcon, orderFacts, payout, type OrderSpec } from './__fixtures__/order-facts.js';

const config = loadConfig();

function triage(spec: OrderSpec): TriagedOrder {
  return triageFacts(config, [orderFacts(spec)], { asOf: AS_OF })[0]!;
}

const GBP: OrderSpec = { currency: 'GBP', acquirer: 'TRUELAYER', send_amount: 400 };

interface DisqualificationCase {
  readonly name: string;
  readonly disqualified: string | null;
  readonly order: OrderSpec;
}

/** Domain reference §6 in its order of precedence; each "beats" case matches two rules. */
const CASES: readonly DisqualificationCase[] = [
  // abandoned_payment: no COMPLETED payment (CREATED/INITIATED/none) and no Falcon transaction
  {
    name: 'abandoned_payment: payment CREATED, no Falcon',
    disqualified: 'abandoned_payment',
    order: { status: 'PENDING', sub_state: 'PENDING', paid: false, payment: 'CREATED' },
  },
  {
    name: 'abandoned_payment: payment INITIATED, no Falcon',
    disqualified: 'abandoned_payment',
    order: { ...GBP, status: 'PENDING', sub_state: 'PENDING', paid: false, payment: 'INITIATED' },
  },
  {
    name: 'abandoned_payment: no payment at all, no Falcon',
    disqualified: 'abandoned_payment',
    order: { ...GBP, status: 'PENDING', sub_state: 'PENDING', paid: false, payment: null },
  },
  {
    name: 'abandoned_payment beats abandoned_retry (AWAIT_RETRY_INTENT, payment INITIATED)',
    disqualified: 'abandoned_payment',
    order: { status: 'PENDING', sub_state: 'AWAIT_RETRY_INTENT', paid: false, payment: 'INITIATED' },
  },

  // abandoned_retry: AWAIT_RETRY_INTENT without a COMPLETED payment
  {
    name: 'abandoned_retry: AWAIT_RETRY_INTENT after a FAILED payment',
    disqualified: 'abandoned_retry',
    order: { ...GBP, status: 'PENDING', sub_state: 'AWAIT_RETRY_INTENT', paid: false, payment: 'FAILED' },
  },
  {
    name: 'abandoned_retry: AWAIT_RETRY_INTENT, payment CREATED but a Falcon transaction exists',
    disqualified: 'abandoned_retry',
    order: { status: 'PENDING', sub_state: 'AWAIT_RETRY_INTENT', paid: false, payment: 'CREATED', ...falcon('CREATED') },
  },
  {
    name: 'abandoned_retry beats unpaid (AWAIT_RETRY_INTENT, payment PENDING)',
    disqualified: 'abandoned_retry',
    order: { ...GBP, status: 'PENDING', sub_state: 'AWAIT_RETRY_INTENT', paid: false, payment: 'PENDING' },
  },

  // unpaid: any other order without a COMPLETED payment
  {
    name: 'unpaid: payment PENDING',
    disqualified: 'unpaid',
    order: { ...GBP, status: 'PENDING', sub_state: 'PENDING', paid: false, payment: 'PENDING' },
  },
  {
    name: 'unpaid: payment FAILED',
    disqualified: 'unpaid',
    order: { ...GBP, status: 'PENDING', sub_state: 'PENDING', paid: false, payment: 'FAILED' },
  },
  {
    name: 'unpaid: payment INITIATED but a Falcon transaction exists',
    disqualified: 'unpaid',
    order: { ...GBP, paid: false, payment: 'INITIATED', ...payout('PROCESSING', 'VANCE_RDA'), rda: 'ONHOLD' },
  },
  {
    name: 'unpaid beats no_lulu_record (AED, no Lulu row)',
    disqualified: 'unpaid',
    order: { status: 'PENDING', sub_state: 'PENDING', paid: false, payment: 'PENDING', lulu: null },
  },

  // no_lulu_record: AED order with no lulu_data row
  { name: 'no_lulu_record: paid AED order, no Lulu row', disqualified: 'no_lulu_record', order: { lulu: null } },
  {
    name: 'no_lulu_record: paid AED order classified brn_issue, no Lulu row',
    disqualified: 'no_lulu_record',
    order: { acquirer: 'UAE_MANUAL', uae_manual: 'RECONCILED', lulu: null },
  },
  {
    name: 'no_lulu_record beats stale_uncategorized (AED, 600 h, uncategorized)',
    disqualified: 'no_lulu_record',
    order: { hours: 600, lulu: null, ...falcon('QUEUED') },
  },

  // dead_order: uncategorized with no Falcon, Lulu, payout or RFI
  {
    name: 'dead_order: paid GBP order with nothing downstream',
    disqualified: 'dead_order',
    order: { ...GBP, status: 'IN_PROGRESS', sub_state: 'FULFILLMENT_TRIGGER' },
  },
  {
    name: 'dead_order beats stale_uncategorized (600 h, nothing downstream)',
    disqualified: 'dead_order',
    order: { ...GBP, hours: 600, status: 'IN_PROGRESS', sub_state: 'FULFILLMENT_TRIGGER' },
  },

  // stale_uncategorized: uncategorized and older than anyone can act on
  {
    name: 'stale_uncategorized: uncategorized with a Falcon transaction, 528 h (22 days) old',
    disqualified: 'stale_uncategorized',
    order: { ...GBP, hours: 528, status: 'IN_PROGRESS', ...falcon('PROCESSING') },
  },

  // Real work
  {
    name: 'not disqualified: uncategorized with a Falcon transaction, 480 h (20 days) old',
    disqualified: null,
    order: { ...GBP, hours: 480, status: 'IN_PROGRESS', ...falcon('PROCESSING') },
  },
  {
    name: 'not disqualified: an old order with a stuck reason is not stale',
    disqualified: null,
    order: { ...GBP, hours: 600, ...payout('PROCESSING', 'VELTOPAYZ_V4') },
  },
  { name: 'not disqualified: paid AED order at Lulu', disqualified: null, order: { lulu: 'TXN_TRANSMITTED' } },
  {
    name: 'not disqualified: a GBP order has no Lulu row and needs none',
    disqualified: null,
    order: { ...GBP, status: 'PENDING', sub_state: 'PENDING' },
  },
  {
    name: 'not disqualified: uncategorized with only an RFI is not dead',
    disqualified: null,
    order: { ...GBP, status: 'FAILED', sub_state: 'REFUND_TRIGGERED', rfi: 'REQUESTED' },
  },
];

describe('disqualification (domain reference §6)', () => {
  for (const { name, order, disqualified } of CASES) {
    it(name, () => expect(triage(order).disqualified).toBe(disqualified));
  }

  it('covers every disqualification of the configuration', () => {
    const reached = new Set(CASES.map((c) => triage(c.order).disqualified).filter((d) => d !== null));
    expect([...reached].sort()).toEqual(config.disqualification.map((d) => d.reason).sort());
    expect(config.disqualification.map((d) => d.reason)).toEqual([
      'abandoned_payment',
      'abandoned_retry',
      'unpaid',
      'no_lulu_record',
      'dead_order',
      'stale_uncategorized',
    ]);
  });

  it('keeps the stuck reason of a disqualified order for the report', () => {
    const order = triage({ ...GBP, paid: false, payment: 'INITIATED', ...payout('PROCESSING', 'VANCE_RDA'), rda: 'ONHOLD' });
    expect(order).toMatchObject({ stuck_reason: 'no_rfi_created', team: 'KYC_ops', disqualified: 'unpaid', actionable: false });
  });

  it('stale_uncategorized starts just past 504 h', () => {
    const at = (hours: number) => triage({ ...GBP, hours, status: 'IN_PROGRESS', ...falcon('PROCESSING') }).disqualified;
    expect(at(504)).toBeNull();
    expect(at(504.01)).toBe('stale_uncategorized');
  });
});

describe('actionable orders', () => {
  it('a real, non-monitor order is actionable', () => {
    expect(triage({ lulu: 'TXN_TRANSMITTED' })).toMatchObject({
      stuck_reason: 'stuck_at_lulu',
      disqualified: null,
      actionable: true,
      team: 'Ops',
    });
  });

  it('a monitor-only reason is counted but never actionable', () => {
    const order = triage({ hours: 20, rfi: 'REQUESTED', lulu: 'CREATED' });
    expect(order).toMatchObject({
      stuck_reason: 'rfi_order_within_24_hr',
      monitor_only: true,
      disqualified: null,
      actionable: false,
      team: 'KYC_ops',
    });
  });

  it('takes the team from the catalogue only', () => {
    // A cancellation with a VDA partner: the older system's team rules said VDA_ops; the catalogue says Ops.
    const order = triage({
      status: 'PENDING',
      sub_state: 'MANUAL_REVIEW',
      lulu: 'CANCELLATION_REQUEST_CREATED',
      ...payout('COMPLETED', 'VELTOPAYZ_V4'),
    });
    expect(order).toMatchObject({ stuck_reason: 'cancellation_pending', team: config.reasons.get('cancellation_pending')!.team });
    expect(order.team).toBe('Ops');
  });

  it("writes the action with the order's facts filled in", () => {
    const order = triage({ send_amount: 12_345.5, acquirer: 'CHECKOUT', lulu: 'TXN_TRANSMITTED', hours: 49.7 });
    expect(order.action).toBe('Check Lulu dashboard; escalate to Lulu support if > 48 h (12,345.50 AED, 49 h)');
  });
});
