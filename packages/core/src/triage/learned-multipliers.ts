import type { Settings } from '../config/schema.js';
import type { Resolution } from '../tickets/ticket-store.js';

export interface ReasonLearning {
  readonly stuck_reason: string;
  readonly resolutions: number;
  readonly self_healed_rate: number;
  readonly avg_minutes: number;
  readonly diagnosis_accuracy: number;
  readonly false_positive_rate: number;
  /** Multiplies the reason's severity in the score (§7 `m`); 1 when the evidence says nothing. */
  readonly multiplier: number;
  readonly flags: readonly ('low_confidence' | 'rule_may_be_wrong')[];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * §13: what resolution feedback says about each stuck reason. Reasons that mostly heal themselves or
 * are closed in minutes weigh less in the score; doubtful diagnoses and false positives are flagged.
 */
export function learnFromResolutions(learning: Settings['learning'], resolutions: readonly Resolution[]): ReasonLearning[] {
  const byReason = new Map<string, Resolution[]>();
  for (const r of resolutions) byReason.set(r.stuck_reason, [...(byReason.get(r.stuck_reason) ?? []), r]);
  const out: ReasonLearning[] = [];
  for (const [reason, rs] of [...byReason.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const n = rs.length;
    const selfHealed = rs.filter((r) => r.resolution_type === 'SELF_HEALED').length / n;
    // Agent answers only: automation does not judge diagnoses.
    const judged = rs.filter((r) => r.resolution_type !== 'SELF_HEALED');
    const accuracy = judged.length ? judged.reduce((s, r) => s + (r.diagnosis_match === 'CORRECT' ? 1 : r.diagnosis_match === 'PARTIAL' ? 0.5 : 0), 0) / judged.length : 1;
    const falsePositive = rs.filter((r) => r.resolution_type === 'FALSE_POSITIVE').length / n;
    const avgMinutes = judged.length ? judged.reduce((s, r) => s + r.resolution_minutes, 0) / judged.length : Infinity;
    let multiplier = 1;
    const flags: ReasonLearning['flags'][number][] = [];
    if (n >= learning.min_resolutions) {
      if (selfHealed > learning.self_healed_rate_above) multiplier *= learning.self_healed_multiplier;
      if (avgMinutes < learning.fast_resolution_minutes_below) multiplier *= learning.fast_multiplier;
      if (judged.length && accuracy < learning.diagnosis_accuracy_below) flags.push('low_confidence');
      if (falsePositive > learning.false_positive_rate_above) flags.push('rule_may_be_wrong');
    }
    out.push({
      stuck_reason: reason,
      resolutions: n,
      self_healed_rate: round3(selfHealed),
      avg_minutes: Number.isFinite(avgMinutes) ? Math.round(avgMinutes * 10) / 10 : 0,
      diagnosis_accuracy: round3(accuracy),
      false_positive_rate: round3(falsePositive),
      multiplier: round3(multiplier),
      flags,
    });
  }
  return out;
}

export function multipliersOf(learned: readonly ReasonLearning[]): Record<string, number> {
  return Object.fromEntries(learned.filter((l) => l.multiplier !== 1).map((l) => [l.stuck_reason, l.multiplier]));
}
