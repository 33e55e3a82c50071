import type { Settings } from '../config/schema.js';
import type { Resolution } from '../tickets/ticket-store.js';
import { latestPerOrder, type ClassificationCorrection } from './classification-corrections.js';

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

/** One answer about a reason: a resolution, or a classification correction (no resolution time). */
type Evidence = Pick<Resolution, 'resolution_type' | 'diagnosis_match'> & { readonly resolution_minutes: number | null };

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * §13: what resolution feedback says about each stuck reason. Reasons that mostly heal themselves or
 * are closed in minutes weigh less in the score; doubtful diagnoses and false positives are flagged.
 *
 * Classification corrections (`ecm-field correct order`) are "the reason was wrong" evidence for the
 * classified reason, deterministically: each order's latest correction counts once.
 * - If the order has a resolution of the classified reason in `resolutions`, that resolution's answer
 *   becomes WRONG (the later, explicit judgement replaces "was the reason right?"; it is not counted twice).
 * - Otherwise the correction is one more agent-judged answer with diagnosis_match WRONG: it counts in
 *   the reason's number of resolutions and in its diagnosis accuracy, never as self-healed or false
 *   positive, and it carries no resolution time (the average minutes are of real resolutions only).
 * So N corrections move a reason's `low_confidence` flag exactly as N "reason wrong" resolution answers
 * would, and its multiplier as N such answers resolved in the reason's average time would.
 * Corrections of skill executions (`ecm-field correct EXECUTION_ID`) are not an input here: they feed
 * per-skill satisfaction and the common mistakes, never the triage score.
 */
export function learnFromResolutions(
  learning: Settings['learning'],
  resolutions: readonly Resolution[],
  corrections: readonly ClassificationCorrection[] = [],
): ReasonLearning[] {
  const judgedWrong = new Map(latestPerOrder(corrections).map((c) => [c.order_id, c]));
  const byReason = new Map<string, Evidence[]>();
  const add = (reason: string, e: Evidence) => byReason.set(reason, [...(byReason.get(reason) ?? []), e]);
  for (const r of resolutions) {
    const c = judgedWrong.get(r.order_id);
    if (c && c.classified_reason === r.stuck_reason) {
      judgedWrong.delete(r.order_id);
      add(r.stuck_reason, { ...r, diagnosis_match: r.resolution_type === 'SELF_HEALED' ? r.diagnosis_match : 'WRONG' });
    } else add(r.stuck_reason, r);
  }
  for (const c of judgedWrong.values())
    add(c.classified_reason, { resolution_type: 'AGENT_RESOLVED', diagnosis_match: 'WRONG', resolution_minutes: null });
  const out: ReasonLearning[] = [];
  for (const [reason, rs] of [...byReason.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const n = rs.length;
    const selfHealed = rs.filter((r) => r.resolution_type === 'SELF_HEALED').length / n;
    // Agent answers only: automation does not judge diagnoses.
    const judged = rs.filter((r) => r.resolution_type !== 'SELF_HEALED');
    const accuracy = judged.length
      ? judged.reduce((s, r) => s + (r.diagnosis_match === 'CORRECT' ? 1 : r.diagnosis_match === 'PARTIAL' ? 0.5 : 0), 0) / judged.length
      : 1;
    const falsePositive = rs.filter((r) => r.resolution_type === 'FALSE_POSITIVE').length / n;
    const timed = judged.filter((r): r is Evidence & { resolution_minutes: number } => r.resolution_minutes !== null);
    const avgMinutes = timed.length ? timed.reduce((s, r) => s + r.resolution_minutes, 0) / timed.length : Infinity;
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
