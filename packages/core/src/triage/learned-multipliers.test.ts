import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import type { Resolution } from '../tickets/ticket-store.js';
import { learnFromResolutions, multipliersOf } from './learned-multipliers.js';

const learning = loadConfig().settings.learning;

function resolution(reason: string, overrides: Partial<Resolution> = {}): Resolution {
  return {
    resolved_at: '2026-02-16T10:00:00.000Z',
    order_id: 'ORD-1',
    agent_email: 'asha.ops@example.com',
    notes: 'done',
    assigned_at: '2026-02-16T08:00:00.000Z',
    resolution_minutes: 120,
    sla_target_minutes: 1440,
    sla_status: 'MET',
    stuck_reason: reason,
    amount: 100,
    currency: 'AED',
    diagnosis_match: 'CORRECT',
    action_followed: 'YES',
    resolution_type: 'AGENT_RESOLVED',
    ...overrides,
  };
}
const times = (n: number, make: () => Resolution) => Array.from({ length: n }, make);

describe('learnFromResolutions (§13)', () => {
  it('halves the weight of a reason that mostly heals itself (self-healed rate above 0.7)', () => {
    const rs = [...times(8, () => resolution('stuck_at_lulu', { resolution_type: 'SELF_HEALED' })), ...times(2, () => resolution('stuck_at_lulu'))];
    const [l] = learnFromResolutions(learning, rs);
    expect(l).toMatchObject({ stuck_reason: 'stuck_at_lulu', resolutions: 10, self_healed_rate: 0.8, multiplier: 0.5 });
    expect(multipliersOf([l!])).toEqual({ stuck_at_lulu: 0.5 });
  });

  it('exactly 0.7 self-healed is not above the threshold', () => {
    const rs = [...times(7, () => resolution('r', { resolution_type: 'SELF_HEALED' })), ...times(3, () => resolution('r'))];
    expect(learnFromResolutions(learning, rs)[0]!.multiplier).toBe(1);
  });

  it('weighs likely false positives (closed in under 5 minutes on average) at 0.3', () => {
    const [l] = learnFromResolutions(learning, times(6, () => resolution('brn_issue', { resolution_minutes: 3 })));
    expect(l!.multiplier).toBe(0.3);
  });

  it('flags low diagnosis accuracy and a high false-positive rate', () => {
    const rs = [
      ...times(3, () => resolution('no_rfi_created', { diagnosis_match: 'WRONG', resolution_type: 'FALSE_POSITIVE' })),
      ...times(2, () => resolution('no_rfi_created', { diagnosis_match: 'PARTIAL' })),
      ...times(1, () => resolution('no_rfi_created')),
    ];
    const [l] = learnFromResolutions(learning, rs);
    expect(l!.diagnosis_accuracy).toBeCloseTo(2 / 6, 3);
    expect(l!.false_positive_rate).toBe(0.5);
    expect(l!.flags).toEqual(['low_confidence', 'rule_may_be_wrong']);
  });

  it('changes nothing on too little evidence', () => {
    const [l] = learnFromResolutions(learning, times(4, () => resolution('refund_pending', { resolution_type: 'SELF_HEALED' })));
    expect(l).toMatchObject({ multiplier: 1, flags: [] });
    expect(multipliersOf([l!])).toEqual({});
  });
});
