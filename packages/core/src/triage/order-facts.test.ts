import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { amountInAed, candidateRowSchema, partnerClass, toOrderFacts } from './order-facts.js';
import { triageFacts, type TriagedOrder } from './run-triage.js';
import { AS_OF, NOTHING_DOWNSTREAM, orderFacts, type OrderSpec } from './__fixtures__/order-facts.js';

const config = loadConfig();
const { settings } = config;

function triage(spec: OrderSpec): TriagedOrder {
  return triageFacts(config, [orderFacts({ lulu: 'TXN_TRANSMITTED', ...spec })], { asOf: AS_OF })[0]!;
}

describe('FX normalisation to AED', () => {
  it('converts with the configured rates (GBP 4.9, EUR 4.2)', () => {
    expect(settings.fx_to_aed).toMatchObject({ AED: 1, GBP: 4.9, EUR: 4.2 });
    expect(amountInAed(settings, 'GBP', 100)).toBe(490);
    expect(amountInAed(settings, 'EUR', 100)).toBe(420);
    expect(amountInAed(settings, 'AED', 1_234.56)).toBe(1_234.56);
    expect(amountInAed(settings, 'GBP', 0.01)).toBe(0.05);
  });

  it('refuses a currency without a rate', () => {
    expect(() => amountInAed(settings, 'USD', 10)).toThrow(/USD/);
  });

  it('GBP 1,100 (AED 5,390) is high value; AED 1,100 is not', () => {
    const gbp = triage({ currency: 'GBP', acquirer: 'TRUELAYER', send_amount: 1_100, lulu: null, trm: true });
    const aed = triage({ currency: 'AED', send_amount: 1_100 });
    expect(gbp).toMatchObject({ amount_aed: 5_390, high_value: true });
    expect(gbp.factors.amount).toBe(0.8);
    expect(aed).toMatchObject({ amount_aed: 1_100, high_value: false });
    expect(aed.factors.amount).toBe(0.5);
  });

  it('scores the amount on its AED value, not the raw GBP/EUR figure', () => {
    // 420 EUR = 1,764 AED (> 500: 0.5); 3,600 EUR = 15,120 AED (> 15,000: 1.0)
    expect(triage({ currency: 'EUR', send_amount: 420, trm: true }).factors.amount).toBe(0.5);
    expect(triage({ currency: 'EUR', send_amount: 3_600, trm: true }).factors.amount).toBe(1.0);
    // 102 GBP = 499.80 AED (0.1); 103 GBP = 504.70 AED (0.5)
    expect(triage({ currency: 'GBP', send_amount: 102, trm: true }).factors.amount).toBe(0.1);
    expect(triage({ currency: 'GBP', send_amount: 103, trm: true }).factors.amount).toBe(0.5);
  });

  it('high value starts at exactly 5,000 AED equivalent (≥), the amount band only above it (>)', () => {
    expect(triage({ send_amount: 5_000 })).toMatchObject({ high_value: true, factors: { amount: 0.7 } });
    expect(triage({ send_amount: 4_999.99 })).toMatchObject({ high_value: false });
    expect(triage({ currency: 'EUR', send_amount: 1_190.48, trm: true })).toMatchObject({ amount_aed: 5_000.02, high_value: true });
    expect(triage({ currency: 'EUR', send_amount: 1_190.47, trm: true })).toMatchObject({ amount_aed: 4_999.97, high_value: false });
  });
});

describe('partner class', () => {
  it.each([
    ['VELTOPAYZ_HVT_BULK', 1_000, 'bulk_vda'],
    ['VELTOPAYZ_KPR_BULK', 1_000, 'bulk_vda'],
    ['ARMSTRONG_PARTNER_DASHBOARD', 1_000, 'bulk_vda'],
    ['TANGOPE_V3', 1_000, 'bulk_vda'],
    ['VELTOPAYZ_V4', 50_000.01, 'bulk_vda'],
    ['VELTOPAYZ_V4', 50_000, 'vda_api'],
    ['VELTOPAYZ_V6', 80_000, 'bulk_vda'],
    ['SINGHAI_2025_V2', null, 'vda_api'],
    ['VANCE_RDA', 90_000, 'rda'],
    ['PAYRAIL_V2', 90_000, 'vda_api'],
    [null, 90_000, null],
  ] as const)('%s receiving %s → %s', (partner, receive, expected) => {
    expect(partnerClass(settings, partner, receive)).toBe(expected);
  });
});

describe('candidate rows from the warehouse', () => {
  const row = {
    order_id: 'ORD-00000001',
    owner_id: 'CUS-0000001',
    status: 'PROCESSING_DEAL_IN',
    sub_state: 'FULFILLMENT_PENDING',
    currency: 'GBP',
    send_amount: '410.25',
    receive_amount: '45634.60',
    acquirer: 'TRUELAYER',
    created_at: '2026-02-15 23:30:00',
    updated_at: '2026-02-15 23:50:00.123',
    paid: '1',
    payment: 'FAILED',
    ...NOTHING_DOWNSTREAM,
    attempts: '0',
    trm: 0,
    last_activity_at: '2026-02-15 23:50:00.123',
  };

  it('parses numerics and UTC timestamps handed over as text', () => {
    const facts = toOrderFacts(candidateRowSchema.parse(row));
    expect(facts).toMatchObject({ send_amount: '410.25', receive_amount: '45634.60', paid: true, attempts: 0, trm: false });
    expect(facts.created_at.toISOString()).toBe('2026-02-15T23:30:00.000Z');
    expect(facts.updated_at?.toISOString()).toBe('2026-02-15T23:50:00.123Z');
  });

  it('reports an order as COMPLETED once any payment completed', () => {
    expect(toOrderFacts(candidateRowSchema.parse(row)).payment).toBe('COMPLETED');
    expect(toOrderFacts(candidateRowSchema.parse({ ...row, paid: 0 })).payment).toBe('FAILED');
  });

  it('rejects garbage instead of guessing', () => {
    expect(candidateRowSchema.safeParse({ ...row, send_amount: 'lots' }).success).toBe(false);
    expect(candidateRowSchema.safeParse({ ...row, created_at: 'yesterday' }).success).toBe(false);
    expect(candidateRowSchema.safeParse({ ...row, order_id: '' }).success).toBe(false);
  });

  it.each([
    ['a NULL amount', { send_amount: null }, /^send_amount: amount is missing/],
    ['a NaN amount', { send_amount: 'NaN' }, /^send_amount: amount is not a decimal number: "NaN"/],
    ['a NaN receive amount', { receive_amount: 'NaN' }, /^receive_amount: /],
    ['a NULL customer', { owner_id: null }, /^owner_id: customer \(owner_id\) is missing/],
    ['an emoji in the id', { order_id: 'ORD-\u{1F600}-1' }, /^order_id: expected an order id of 1 to 64/],
    ['an over-long id', { order_id: 'O'.repeat(65) }, /^order_id: expected an order id/],
  ])('names the field and the problem for %s', (_name, change, reason) => {
    const parsed = candidateRowSchema.safeParse({ ...row, ...change });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(`${issue.path.join('.')}: ${issue.message}`).toMatch(reason);
  });

  it('keeps a huge amount exact, to the cent', () => {
    const facts = toOrderFacts(candidateRowSchema.parse({ ...row, send_amount: '9999999999999999.99' }));
    expect(facts.send_amount).toBe('9999999999999999.99');
  });
});
