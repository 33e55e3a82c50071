import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import type { Resolution } from '../tickets/ticket-store.js';
import { learnFromResolutions, multipliersOf } from './learned-multipliers.js';
import { mostCorrectedClassifications, type ClassificationCorrection } from './classification-corrections.js';

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
    const rs = [
      ...times(8, () => resolution('stuck_at_lulu', { resolution_type: 'SELF_HEALED' })),
      ...times(2, () => resolution('stuck_at_lulu')),
    ];
    const [l] = learnFromResolutions(learning, rs);
    expect(l).toMatchObject({ stuck_reason: 'stuck_at_lulu', resolutions: 10, self_healed_rate: 0.8, multiplier: 0.5 });
    expect(multipliersOf([l!])).toEqual({ stuck_at_lulu: 0.5 });
  });

  it('exactly 0.7 self-healed is not above the threshold', () => {
    const rs = [...times(7, () => resolution('r', { resolution_type: 'SELF_HEALED' })), ...times(3, () => resolution('r'))];
    expect(learnFromResolutions(learning, rs)[0]!.multiplier).toBe(1);
  });

  it('weighs likely false positives (closed in under 5 minutes on average) at 0.3', () => {
    const [l] = learnFromResolutions(
      learning,
      times(6, () => resolution('brn_issue', { resolution_minutes: 3 })),
    );
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
    const [l] = learnFromResolutions(
      learning,
      times(4, () => resolution('refund_pending', { resolution_type: 'SELF_HEALED' })),
    );
    expect(l).toMatchObject({ multiplier: 1, flags: [] });
    expect(multipliersOf([l!])).toEqual({});
  });

  describe('classification corrections', () => {
    let seq = 0;
    const correction = (reason: string, overrides: Partial<ClassificationCorrection> = {}): ClassificationCorrection => ({
      corrected_at: '2026-02-16T11:00:00.000Z',
      order_id: `ORD-C${++seq}`,
      corrected_by: 'lead.ops@example.com',
      classified_reason: reason,
      corrected_reason: 'brn_issue',
      note: null,
      ...overrides,
    });
    const wrongAnswer = (reason: string) => resolution(reason, { order_id: `ORD-W${++seq}`, diagnosis_match: 'WRONG' });

    it('N corrections raise the low-confidence flag exactly as N "reason wrong" answers do', () => {
      const base = times(3, () => resolution('no_rfi_created', { order_id: `ORD-B${++seq}` }));
      const before = learnFromResolutions(learning, base)[0]!;
      expect(before.flags).toEqual([]);
      const viaCorrections = learnFromResolutions(
        learning,
        base,
        times(3, () => correction('no_rfi_created')),
      )[0]!;
      const viaAnswers = learnFromResolutions(learning, [...base, ...times(3, () => wrongAnswer('no_rfi_created'))])[0]!;
      expect(viaCorrections.flags).toEqual(['low_confidence']);
      expect(viaCorrections).toEqual(viaAnswers);
      expect(viaCorrections).toMatchObject({ resolutions: 6, diagnosis_accuracy: 0.5 });
    });

    it('N corrections move the multiplier exactly as N "reason wrong" answers do', () => {
      const base = times(4, () => resolution('stuck_at_lulu', { order_id: `ORD-B${++seq}`, resolution_type: 'SELF_HEALED' }));
      expect(learnFromResolutions(learning, base)[0]!.multiplier).toBe(1); // 4 < min_resolutions
      const viaCorrections = learnFromResolutions(learning, base, [correction('stuck_at_lulu')])[0]!;
      const viaAnswers = learnFromResolutions(learning, [...base, wrongAnswer('stuck_at_lulu')])[0]!;
      expect(viaCorrections.multiplier).toBe(0.5);
      expect(viaCorrections).toMatchObject({ multiplier: viaAnswers.multiplier, flags: viaAnswers.flags, resolutions: 5 });
    });

    it('a correction of a resolved order turns its answer to WRONG without counting twice; an order counts once', () => {
      const rs = times(5, () => resolution('no_rfi_created', { order_id: `ORD-B${++seq}` }));
      const cs = [
        correction('no_rfi_created', { order_id: rs[0]!.order_id }),
        correction('no_rfi_created', { order_id: rs[1]!.order_id }),
        correction('no_rfi_created', { order_id: rs[1]!.order_id, corrected_at: '2026-02-16T12:00:00.000Z' }),
      ];
      const [l] = learnFromResolutions(learning, rs, cs);
      expect(l).toMatchObject({ resolutions: 5, diagnosis_accuracy: 0.6 });
    });

    it('a correction of another reason adds evidence to the classified reason only', () => {
      const out = learnFromResolutions(learning, [resolution('brn_issue')], [correction('no_rfi_created')]);
      expect(out.map((l) => [l.stuck_reason, l.resolutions, l.diagnosis_accuracy])).toEqual([
        ['brn_issue', 1, 1],
        ['no_rfi_created', 1, 0],
      ]);
    });

    it('most corrected classifications count both sources, each order once', () => {
      const rs = [
        resolution('no_rfi_created', { order_id: 'ORD-R1', diagnosis_match: 'WRONG' }),
        resolution('no_rfi_created', { order_id: 'ORD-R2', diagnosis_match: 'WRONG' }),
        resolution('no_rfi_created', { order_id: 'ORD-R3' }),
      ];
      const cs = [
        correction('no_rfi_created', { order_id: 'ORD-R2', corrected_reason: 'brn_issue' }),
        correction('no_rfi_created', { order_id: 'ORD-X1', corrected_reason: 'brn_issue' }),
      ];
      expect(mostCorrectedClassifications(cs, rs)).toEqual([
        { classified_reason: 'no_rfi_created', corrected_reason: 'brn_issue', count: 2 },
        { classified_reason: 'no_rfi_created', corrected_reason: '(not named)', count: 1 },
      ]);
    });
  });
});
