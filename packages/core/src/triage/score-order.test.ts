import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { ruleFacts } from './order-facts.js';
import { triageFacts, type TriagedOrder } from './run-triage.js';
import { priorityOf, scoreOrder } from './score-order.js';
import { AS_OF, orderFacts, payout, type OrderSpec } from './__fixtures__/order-facts.js';

const config = loadConfig();
const { settings } = config;

function triage(spec: OrderSpec, multipliers?: Record<string, number>): TriagedOrder {
  return triageFacts(config, [orderFacts(spec)], { asOf: AS_OF, multipliers })[0]!;
}

/** A stuck_at_lulu order (severity 0.60): paid, no RFI, no payout, so only age and amount vary. */
const atLulu = (spec: OrderSpec): OrderSpec => ({ lulu: 'TXN_TRANSMITTED', ...spec });

describe('score factors (domain reference §7)', () => {
  it.each([
    [0, 0.1],
    [12, 0.1],
    [12.01, 0.5],
    [24, 0.5],
    [24.01, 0.7],
    [36, 0.7],
    [36.01, 0.9],
    [72, 0.9],
    [72.01, 1.0],
    [500, 1.0],
  ])('age: %s h → %s', (hours, factor) => {
    expect(triage(atLulu({ hours })).factors.age).toBe(factor);
  });

  it.each([
    [10, 0.1],
    [500, 0.1],
    [500.01, 0.5],
    [2_000, 0.5],
    [2_000.01, 0.7],
    [5_000, 0.7],
    [5_000.01, 0.8],
    [15_000, 0.8],
    [15_000.01, 1.0],
    [250_000, 1.0],
  ])('amount: AED %s → %s (strictly greater than each threshold)', (send_amount, factor) => {
    expect(triage(atLulu({ send_amount })).factors.amount).toBe(factor);
  });

  it.each([
    ['EXPIRED', 10, 0.9],
    ['EXPIRED', 30, 0.9],
    ['REJECTED', 24, 0],
    ['REJECTED', 24.01, 0.8],
    ['REQUESTED', 24, 0],
    ['REQUESTED', 24.01, 0.7],
    ['SUBMITTED', 100, 0],
    ['VERIFIED', 100, 0],
    [null, 100, 0],
  ] as const)('rfi: %s at %s h → %s', (rfi, hours, factor) => {
    expect(triage({ rfi, hours, lulu: 'CREATED' }).factors.rfi).toBe(factor);
  });

  it.each([
    ['COMPLETED', 'FULFILLMENT_PENDING', 0],
    ['FAILED', 'PENDING', 0.9],
    ['FAILED', 'REFUND_TRIGGERED', 0],
    ['FAILED', 'TRIGGER_REFUND', 0],
    ['PENDING', 'PENDING', 0.3],
    [null, 'PENDING', 0.5],
  ] as const)('payment: %s (sub_state %s) → %s', (payment, sub_state, factor) => {
    const spec: OrderSpec = payment === 'COMPLETED' ? { sub_state } : { paid: false, payment, sub_state, status: 'PENDING' };
    expect(triage({ currency: 'GBP', ...spec }).factors.payment).toBe(factor);
  });

  it('payment: a completed payment counts even after a later failed attempt', () => {
    // toOrderFacts turns paid=true into payment COMPLETED whatever the latest row says.
    expect(triage({ currency: 'GBP', paid: true, payment: 'FAILED' }).factors.payment).toBe(0);
  });

  it.each([
    [0, 0],
    [1, 0.1],
    [2, 0.5],
    [3, 0.9],
    [7, 0.9],
  ])('attempts: %s payout rows → %s', (attempts, factor) => {
    const spec = attempts === 0 ? {} : payout('PROCESSING', 'VELTOPAYZ_V4', attempts);
    expect(triage({ currency: 'GBP', ...spec }).factors.attempts).toBe(factor);
  });
});

describe('the weighted score', () => {
  it('is 0.25·age + 0.20·amount + 0.25·severity·m + 0.15·rfi + 0.10·payment + 0.05·attempts', () => {
    // 40 h (0.9), AED 3,000 (0.7), stuck_at_vda_partner (0.50), RFI EXPIRED (0.9), unpaid FAILED (0.9), 2 attempts (0.5)
    const order = triage({
      hours: 40,
      send_amount: 3_000,
      lulu: 'TXN_TRANSMITTED',
      rfi: 'EXPIRED',
      paid: false,
      payment: 'FAILED',
      ...payout('PROCESSING', 'PAYRAIL_V2', 2),
    });
    expect(order.stuck_reason).toBe('stuck_at_vda_partner');
    expect(order.factors).toEqual({ age: 0.9, amount: 0.7, severity: 0.5, multiplier: 1, rfi: 0.9, payment: 0.9, attempts: 0.5 });
    expect(order.score).toBe(0.74);
  });

  it('applies the learned multiplier m to severity only', () => {
    const spec = atLulu({ hours: 30, send_amount: 1_000 });
    const plain = triage(spec);
    const halved = triage(spec, { stuck_at_lulu: 0.5 });
    const otherReason = triage(spec, { brn_issue: 0.3 });
    expect(plain.factors.multiplier).toBe(1);
    expect(halved.factors).toMatchObject({ multiplier: 0.5, severity: 0.6 });
    expect(halved.score).toBeCloseTo(plain.score - 0.25 * 0.6 * 0.5, 9);
    expect(otherReason.score).toBe(plain.score);
  });

  it('orders the results by score, highest first', () => {
    const orders = triageFacts(
      config,
      [orderFacts(atLulu({ hours: 13 })), orderFacts(atLulu({ hours: 100, send_amount: 20_000 })), orderFacts(atLulu({ hours: 30 }))],
      { asOf: AS_OF },
    );
    const scores = orders.map((o) => o.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(orders[0]!.hours).toBe(100);
  });
});

describe('priority cut-offs', () => {
  it.each([
    [1, 'P1'],
    [0.7, 'P1'],
    [0.699999, 'P2'],
    [0.5, 'P2'],
    [0.499999, 'P3'],
    [0.3, 'P3'],
    [0.299999, 'P4'],
    [0, 'P4'],
  ] as const)('score %s → %s', (score, priority) => {
    expect(priorityOf(settings, score)).toBe(priority);
  });

  // Orders whose weighted sum lands exactly on a cut-off: binary fractions must not push them below it.
  it.each([
    // 0.25·1.0 + 0.20·1.0 + 0.25·1.0 = 0.70
    { hours: 80, amount: 20_000, severity: 1.0, score: 0.7, priority: 'P1', below: 'P2' },
    // 0.25·0.9 + 0.20·0.5 + 0.25·0.7 = 0.50
    { hours: 40, amount: 1_000, severity: 0.7, score: 0.5, priority: 'P2', below: 'P3' },
    // 0.25·0.5 + 0.20·0.5 + 0.25·0.3 = 0.30
    { hours: 20, amount: 1_000, severity: 0.3, score: 0.3, priority: 'P3', below: 'P4' },
  ] as const)('a score of exactly $score is $priority, a hair less is $below', ({ hours, amount, severity, score, priority, below }) => {
    const facts = ruleFacts(settings, orderFacts(atLulu({ hours, send_amount: amount })), AS_OF);
    expect(scoreOrder(settings, facts, severity)).toMatchObject({ score, priority });
    expect(scoreOrder(settings, facts, severity, 0.99).priority).toBe(below);
  });

  it('gives refund_pending over 72 h and above AED 15,000 exactly P1 through the engine', () => {
    const order = triage({
      status: 'FAILED',
      sub_state: 'REFUND_TRIGGERED',
      lulu: 'CANCELLATION_COMPLETED',
      hours: 80,
      send_amount: 20_000,
    });
    expect(order).toMatchObject({ stuck_reason: 'refund_pending', score: 0.7, priority: 'P1' });
    // m = 0.5 (mostly self-healed) halves its severity: 0.45 + 0.125 = 0.575 → P2
    expect(
      triage(
        { status: 'FAILED', sub_state: 'REFUND_TRIGGERED', lulu: 'CANCELLATION_COMPLETED', hours: 80, send_amount: 20_000 },
        { refund_pending: 0.5 },
      ),
    ).toMatchObject({ score: 0.575, priority: 'P2' });
  });
});

describe('age category (shown to people)', () => {
  it.each([
    [11.9, 'level_zero'],
    [12, 'warning'],
    [24, 'warning'],
    [24.01, 'action_required'],
    [36, 'action_required'],
    [36.01, 'critical'],
  ])('%s h → %s', (hours, category) => {
    expect(triage(atLulu({ hours })).category).toBe(category);
  });
});
