import { describe, expect, it } from 'vitest';
import { extractClaims } from './extract-numbers.js';
import { verifyInsights } from './verify-insights.js';

const facts = {
  as_of: '2026-02-17T01:30:00.000Z',
  actionable: 412,
  previous_actionable: 388,
  value_at_risk_aed: 276_412.5,
  total_amount_aed: 1_234_567.89,
  actionable_by_reason: { refund_pending: 23, stuck_due_to_payment_issue_goms: 57 },
  sla_met_fraction: 0.7034,
  top: [{ order_id: 'ORD-2026-000123', amount_aed: 12_345.4, reason: 'refund_pending' }],
  sanity: { status: 'ok', message: '1,234 candidates scanned' },
};

describe('extractClaims', () => {
  it('reads figures with separators, multipliers, percents and units, and skips digits inside names', () => {
    const claims = extractClaims(
      '• *412 orders* (276K AED, 1.2M total, 70%) in `bulk_vda_order_within_16_hrs`, P1 and V4; 36h old, 12.5 % done',
    );
    expect(claims.map((c) => c.text)).toEqual(['412', '276K', '1.2M', '70%', '36h', '12.5 %']);
    expect(claims[1]).toMatchObject({ value: 276_000, precision: 1000 });
    expect(claims[2]).toMatchObject({ value: 1_200_000, precision: 100_000 });
    expect(claims[5]).toMatchObject({ value: 12.5, precision: 0.1, percent: true });
  });

  it('treats order IDs, dates and times as codes that must appear verbatim', () => {
    const claims = extractClaims('Order ORD-2026-000123 on 2026-02-17 at 07:00 for AED 12,345');
    expect(claims).toEqual([
      { kind: 'token', text: 'ORD-2026-000123' },
      { kind: 'token', text: '2026-02-17' },
      { kind: 'token', text: '07:00' },
      { kind: 'number', text: '12,345', value: 12_345, precision: 1, percent: false },
    ]);
  });

  it('checks a figure glued to a currency code', () => {
    expect(extractClaims('AED12,345 and GBP500 but not SINGHAI_V2 or P1').map((c) => c.text)).toEqual(['12,345', '500']);
  });

  it('ignores list markers', () => {
    expect(extractClaims('1. First point\n2) Second\n- third 5')).toHaveLength(1);
  });
});

describe('verifyInsights', () => {
  it('keeps bullets whose figures the facts support, in any sensible formatting', () => {
    const bullets = [
      '*412 actionable* orders, up from 388',
      'Value at risk *276K AED*; total *AED 1.2M*',
      '*AED 12,345* on ORD-2026-000123 (refund_pending)',
      'SLA met on 70% of tickets',
      '1,234 candidates scanned; 23 refunds pending',
    ];
    const { kept, dropped } = verifyInsights(bullets, facts);
    expect(dropped).toEqual([]);
    expect(kept).toEqual(bullets);
  });

  it('drops a bullet with an invented figure and names it', () => {
    const { kept, dropped } = verifyInsights(
      [
        '*412 actionable* orders',
        '*500 orders* will breach SLA tomorrow',
        'Backlog up 6% since yesterday',
        'Order ORD-2026-999999 is stuck',
      ],
      facts,
    );
    expect(kept).toEqual(['*412 actionable* orders']);
    expect(dropped).toEqual([
      { text: '*500 orders* will breach SLA tomorrow', numbers: ['500'] },
      { text: 'Backlog up 6% since yesterday', numbers: ['6%'] },
      { text: 'Order ORD-2026-999999 is stuck', numbers: ['ORD-2026-999999'] },
    ]);
  });

  it('rounds within the written precision only', () => {
    expect(verifyInsights(['276K'], { v: 276_499 }).kept).toHaveLength(1);
    expect(verifyInsights(['276K'], { v: 276_900 }).kept).toHaveLength(1); // truncated
    expect(verifyInsights(['276K'], { v: 277_600 }).kept).toHaveLength(0);
    expect(verifyInsights(['1,234'], { v: 1_235 }).kept).toHaveLength(0);
    expect(verifyInsights(['1.2M'], { v: '1150000.00' }).kept).toHaveLength(1);
    expect(verifyInsights(['1.2M'], { v: 1_290_000 }).kept).toHaveLength(1);
    expect(verifyInsights(['1.2M'], { v: 1_310_000 }).kept).toHaveLength(0);
  });

  it('keeps bullets without figures', () => {
    expect(verifyInsights(['Refund queue first, before new assignments.'], {}).kept).toHaveLength(1);
  });
});
